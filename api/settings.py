from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_SECRET_CHARS = 32


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
    cors_origins: list[str] = []  # e.g. CORS_ORIGINS='["https://newsroom.example"]'
    introspection: bool = True
    # The secret of the API key named "admin", made or replaced at start. Unset or empty,
    # none is made (one made before stays until an admin revokes it). At least 32
    # characters, like the secrets the server makes.
    admin_api_key: SecretStr | None = None
    reads_require_key: bool = False  # every query needs a READER key (unpublished work)
    server_selection_timeout_ms: int = 2000  # how long a request waits for a lost database
    startup_retry_s: float = 2.0  # between attempts to prepare a database that was down
    # Once the database is found unreachable, requests fail at once (with Retry-After)
    # while a ping every probe_interval_s watches for its return.
    probe_interval_s: float = 0.5
    retry_after_s: int = 2
    # The embedded database is watched every supervise_poll_s and restarted when it dies;
    # a failed restart is tried again after restart_backoff_s, doubled each time up to
    # restart_backoff_max_s.
    supervise_poll_s: float = 0.2
    restart_backoff_s: float = 0.5
    restart_backoff_max_s: float = 30.0
    # What one request may ask for (each refused with a GraphQL error and a code).
    max_query_depth: int = 10
    max_aliases: int = 20
    max_query_tokens: int = 2000
    max_query_cost: int = 10_000
    max_body_bytes: int = 100_000
    max_variables_bytes: int = 20_000
    # The longest article body addArticle takes; requests with a key may be as much larger
    # than max_body_bytes as such a body needs, and only mutations may use that room.
    max_article_chars: int = 200_000

    @property
    def write_allowance_bytes(self) -> int:
        """How much larger a key holder's request may be: an article's body as JSON text,
        where one character may take six bytes (``\\u00e9``)."""
        return 6 * self.max_article_chars

    # Subscriptions over WebSocket (graphql-transport-ws on /graphql): how many sockets
    # one process holds, how many subscriptions one socket runs, how long a socket may
    # wait before its connection_init, the largest message a client may send, and how
    # many revisions a subscriber may fall behind before it is dropped (close 4499).
    max_ws_connections: int = 2000
    max_subscriptions_per_connection: int = 20
    ws_init_timeout_s: float = 10.0
    max_ws_message_bytes: int = 100_000
    subscriber_queue: int = 1000
    change_stream_retry_s: float = 1.0  # before re-opening a change stream that failed

    # Every database operation's time limit (sent as maxTimeMS): a slow query fails
    # with a TIMEOUT error instead of holding the server.
    database_timeout_ms: int = 5000
    embedded_start_timeout_s: float = 30.0

    @field_validator("admin_api_key")
    @classmethod
    def _long_enough(cls, secret: SecretStr | None) -> SecretStr | None:
        value = secret.get_secret_value().strip() if secret is not None else ""
        if not value:
            return None  # docker-compose passes an unset variable as ""
        if len(value) < MIN_SECRET_CHARS:
            raise ValueError(f"ADMIN_API_KEY must be at least {MIN_SECRET_CHARS} characters")
        return SecretStr(value)  # as clients send it: `bearer` strips the header's value
