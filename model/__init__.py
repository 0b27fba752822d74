"""The stored record: collections, their documents, the paths queries use, the indexes
and the fields derived from an entity when it is written.

Every writer, reader, index and benchmark takes these from here, so a document's shape is
defined once. This package imports nothing else of the project.
"""
