"""The GraphQL schema: one package per domain, composed in ``schema.schema``."""
