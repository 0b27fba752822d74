"""``python -m api``: serve the API with uvicorn, configured from the environment.

One worker (``WEB_CONCURRENCY=1``) serves in this process, the embedded database (if
any) started and supervised in the app's lifespan. Several are uvicorn's worker
processes, sharing one database that this process owns (``api.workers``).
"""

from __future__ import annotations

import asyncio
import os

import uvicorn

from api.app import create_app
from api.observability import configure_logging
from api.settings import Settings
from api.workers import metrics_directory, prepare_once, shared_database, worker_environment

GRACEFUL_SHUTDOWN_S = 10


def main() -> None:
    settings = Settings()
    configure_logging(settings.log_level)
    common = {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level.lower(),
        "log_config": None,  # keep the JSON logging configured above (each worker's too)
        "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_S,
        "ws_max_size": settings.max_ws_message_bytes,  # api.live closes with 1009 below it
        # Subscription events are small JSON: compressing them cost each socket a zlib
        # state and each event CPU (bench/subscriptions.py), for little saved.
        "ws_per_message_deflate": False,
    }
    if settings.web_concurrency == 1:
        uvicorn.run(create_app(settings), **common)  # type: ignore[arg-type]
        return
    with metrics_directory(), shared_database(settings) as uri:
        prepared = asyncio.run(prepare_once(uri, settings))
        os.environ.update(worker_environment(uri, prepared=prepared))
        uvicorn.run(
            "api.workers:app_from_environment",
            factory=True,
            workers=settings.web_concurrency,
            **common,  # type: ignore[arg-type]
        )


if __name__ == "__main__":
    main()
