from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
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
    # Worker processes of `python -m api` (api.workers); one database shared by all.
    web_concurrency: int = Field(default_factory=lambda: len(os.sched_getaffinity(0)), ge=1)
    data_dir: Path = Path(".data")
    seed_on_start: bool = True
    log_level: str = "info"
    graphiql: bool = True
    pages: bool = True  # the reading pages: /articles/{slug}, /persons/{slug}, ...
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
    # Admission control (api.admission_control), per worker process: the operations
    # running at once may together cost at most admission_capacity; those costing more than
    # admission_cheap_cost leave the last admission_reserve of it to cheap ones. One that
    # finds no room within admission_wait_ms is refused OVERLOADED (HTTP 503, Retry-After).
    # 0 lets every operation in.
    admission_capacity: int = Field(default=6_000, ge=0)
    admission_reserve: int = Field(default=1_000, ge=0)
    admission_cheap_cost: int = Field(default=50, ge=1)
    admission_wait_ms: int = Field(default=2_000, ge=0)
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

    # Persisted queries (Apollo's protocol): documents sent with their hash are kept, in
    # each process, in at most this many bytes. TRUSTED_DOCUMENTS: the path of a manifest
    # (Apollo's persisted query manifest, or a JSON object of SHA-256 to document); when
    # set, only the documents it lists run.
    persisted_queries_max_bytes: int = 4_000_000
    trusted_documents: Path | None = None
    # Answers to anonymous and READER queries are cached in each process, in at most this
    # many bytes (0: none), and GET answers carry an ETag (HTTP_CACHING). Both hold while
    # the revision counter, read every cache_revision_poll_ms, has not moved; a reading
    # counts for cache_max_staleness_ms from the start of its read. So a write made in
    # another process stops cached answers and 304s within cache_max_staleness_ms; one
    # made in this process, at once.
    response_cache_max_bytes: int = 64_000_000
    http_caching: bool = True
    cache_revision_poll_ms: int = Field(default=250, gt=0)
    cache_max_staleness_ms: int = Field(default=2000, gt=0)
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

    @model_validator(mode="after")
    def _reserve_within_capacity(self) -> Settings:
        if self.admission_capacity and self.admission_reserve >= self.admission_capacity:
            raise ValueError("ADMISSION_RESERVE must be smaller than ADMISSION_CAPACITY")
        return self

    @field_validator("admin_api_key")
    @classmethod
    def _long_enough(cls, secret: SecretStr | None) -> SecretStr | None:
        value = secret.get_secret_value().strip() if secret is not None else ""
        if not value:
            return None  # docker-compose passes an unset variable as ""
        if len(value) < MIN_SECRET_CHARS:
            raise ValueError(f"ADMIN_API_KEY must be at least {MIN_SECRET_CHARS} characters")
        return SecretStr(value)  # as clients send it: `bearer` strips the header's value
