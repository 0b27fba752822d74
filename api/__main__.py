"""``python -m api``: serve the API with uvicorn, configured from the environment."""

from __future__ import annotations

import uvicorn

from api.app import create_app
from api.observability import configure_logging
from api.settings import Settings


def main() -> None:
    settings = Settings()
    configure_logging(settings.log_level)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        log_config=None,  # keep the JSON logging configured above
        timeout_graceful_shutdown=10,
        ws_max_size=settings.max_ws_message_bytes,  # api.live closes with 1009 below it
        # Subscription events are small JSON: compressing them cost each socket a zlib
        # state and each event CPU (bench/subscriptions.py), for little saved.
        ws_per_message_deflate=False,
    )


if __name__ == "__main__":
    main()
