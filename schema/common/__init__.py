"""Pieces every domain shares: ids, dates, citations, pagination, errors, base loaders."""
