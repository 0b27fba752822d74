"""ASGI application, settings, lifespan and database access for dossier."""
