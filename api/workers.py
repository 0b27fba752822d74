"""Several worker processes (``WEB_CONCURRENCY``) sharing one database.

uvicorn starts the workers (``workers=N``) and restarts any that dies; each builds its
app from the environment (``app_from_environment``) and runs as it would against
``MONGODB_URI``: its own client, breaker and admission gate. This process, their parent,
owns what must exist once:

- the embedded SecantusDB when ``MONGODB_URI`` is unset: started and supervised here
  (``api.supervisor``, in a thread of its own, since uvicorn's supervisor has the main
  thread), its URI handed to the workers as their ``MONGODB_URI``; stopped after they are;
- the preparation (indexes, the admin key, the seed), done once before the workers start,
  so that N loaders do not race over the same articles; the workers then start with
  ``SEED_ON_START=false`` (if it failed, because the database did not answer, each worker
  prepares as a single server would);
- the Prometheus multiprocess directory (``PROMETHEUS_MULTIPROC_DIR``), emptied at start
  (a temporary one when unset), where every worker's metrics are written and from which
  ``/metrics`` adds them up, whichever worker answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from pymongo.errors import PyMongoError
from starlette.applications import Starlette

from api.app import create_app
from api.database import DURABLE_COMMITS, connect
from api.embedded import EmbeddedMongo
from api.lifespan import prepare
from api.observability import MULTIPROCESS_DIR, configure_logging
from api.settings import Settings
from api.supervisor import Supervisor

logger = logging.getLogger("dossier")


def app_from_environment() -> Starlette:
    """The app of one worker (uvicorn's ``factory=True``), its settings read from the
    environment its parent prepared."""
    settings = Settings()
    configure_logging(settings.log_level)
    return create_app(settings)


@contextlib.contextmanager
def metrics_directory() -> Iterator[Path]:
    """``PROMETHEUS_MULTIPROC_DIR``, emptied of a previous run's files, or a temporary
    directory removed at exit; set in the environment the workers inherit."""
    given = os.environ.get(MULTIPROCESS_DIR)
    if given:
        path = Path(given)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()
        yield path
        return
    path = Path(tempfile.mkdtemp(prefix="dossier-metrics-"))
    os.environ[MULTIPROCESS_DIR] = str(path)
    try:
        yield path
    finally:
        os.environ.pop(MULTIPROCESS_DIR, None)
        shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def supervised(embedded: EmbeddedMongo, settings: Settings) -> Iterator[Supervisor]:
    """The embedded database supervised from a thread with its own event loop."""
    supervisor = Supervisor(
        embedded,
        poll_s=settings.supervise_poll_s,
        backoff_s=settings.restart_backoff_s,
        max_backoff_s=settings.restart_backoff_max_s,
    )
    stop = threading.Event()

    async def supervise() -> None:
        async with supervisor.running():
            await asyncio.to_thread(stop.wait)

    thread = threading.Thread(target=asyncio.run, args=(supervise(),), name="supervisor")
    thread.start()
    try:
        yield supervisor
    finally:
        stop.set()
        thread.join()


@contextlib.contextmanager
def shared_database(settings: Settings) -> Iterator[str]:
    """The URI every worker uses: ``MONGODB_URI``, or the embedded database's, started
    (and supervised) here for the block."""
    if settings.mongodb_uri is not None:
        yield settings.mongodb_uri
        return
    embedded = EmbeddedMongo(
        settings.data_dir / "db",
        start_timeout_s=settings.embedded_start_timeout_s,
        extra_args=DURABLE_COMMITS,
    )
    embedded.start()
    logger.info("embedded SecantusDB on port %s, data in %s", embedded.port, embedded.storage)
    try:
        with supervised(embedded, settings):
            yield embedded.uri
    finally:
        embedded.stop()


async def prepare_once(uri: str, settings: Settings) -> bool:
    """Indexes, admin key and seed, once for all workers; False if the database did not
    answer (the workers then prepare it themselves, as a single server would)."""
    try:
        async with connect(uri, settings) as db:
            await prepare(db, settings)
    except PyMongoError as error:
        logger.warning("database not ready at start (%s): the workers will prepare it", error)
        return False
    return True


def worker_environment(uri: str, *, prepared: bool) -> dict[str, str]:
    """What the workers' environment says beyond their parent's."""
    environment = {"MONGODB_URI": uri}
    if prepared:
        environment["SEED_ON_START"] = "false"
    return environment
