from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of the service, read from the environment (e.g. ``MONGODB_URI``)."""

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    mongodb_uri: str | None = Field(
        default=None,
        description="MongoDB connection string; unset starts the embedded SecantusDB.",
    )
    mongodb_database: str = "dossier"
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path(".data")
    seed_on_start: bool = True
    log_level: str = "info"
    graphiql: bool = True
    introspection: bool = True
    server_selection_timeout_ms: int = 5000
    # Every database operation's time limit (sent as maxTimeMS): a slow query fails
    # with a TIMEOUT error instead of holding the server.
    database_timeout_ms: int = 5000
    embedded_start_timeout_s: float = 30.0
