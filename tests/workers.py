"""One PostgreSQL database and one Redis database per pytest-xdist worker.

``make test`` runs the suite in several processes (pytest-xdist). The service tests empty
every table and flush Redis between tests, so two workers sharing ``TEST_DATABASE_URL`` or
``REDIS_URL`` would wipe each other's data mid-test. Each worker therefore rewrites both
variables in its own environment before any test module reads them (tests/conftest.py calls
``isolate_worker`` at import): ``<db>_gw0``, ``<db>_gw1``, … created from the given URL if
missing, and Redis database number ``base + worker index``. Subprocesses a test starts (RQ
workers, gunicorn) inherit the rewritten environment, so they use the same worker's stores.

A serial run (no ``PYTEST_XDIST_WORKER``) uses the given URLs unchanged.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import MutableMapping
from urllib.parse import urlsplit, urlunsplit


def worker_index(worker: str) -> int:
    """``gw0`` → 0, ``gw1`` → 1 (xdist's worker ids)."""
    assert worker.startswith("gw") and worker[2:].isdigit(), worker
    return int(worker[2:])


def worker_database_url(url: str, worker: str) -> str:
    """The worker's own database beside the given one: ``…/test`` → ``…/test_gw1``."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    assert name, f"TEST_DATABASE_URL names no database: {url}"
    return urlunsplit(parts._replace(path=f"/{name}_{worker}"))


def worker_redis_url(url: str, worker: str) -> str:
    """The worker's own Redis database number: ``…/11`` → ``…/12`` for ``gw1``."""
    parts = urlsplit(url)
    base = int(parts.path.lstrip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{base + worker_index(worker)}"))


def ensure_database(url: str) -> None:
    """Create the database of ``url`` through the server's ``postgres`` maintenance database
    if it is missing. An unreachable server is left for the tests to meet: they then fail on
    connecting (as in a serial run), never skip."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    try:
        conn = psycopg.connect(maintenance, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError:
        return
    with conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return
        # Another run may create it meanwhile.
        with contextlib.suppress(psycopg.errors.DuplicateDatabase):
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def isolate_worker(environ: MutableMapping[str, str] = os.environ) -> None:
    """Point this xdist worker's TEST_DATABASE_URL and REDIS_URL at its own databases."""
    worker = environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    if pg := environ.get("TEST_DATABASE_URL"):
        environ["TEST_DATABASE_URL"] = worker_database_url(pg, worker)
        ensure_database(environ["TEST_DATABASE_URL"])
    if redis := environ.get("REDIS_URL"):
        environ["REDIS_URL"] = worker_redis_url(redis, worker)
