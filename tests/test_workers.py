"""Each pytest-xdist worker gets its own PostgreSQL and Redis database (tests/workers.py)."""

from __future__ import annotations

import os

from .workers import ensure_database, isolate_worker, worker_database_url, worker_redis_url


def test_a_worker_gets_its_own_postgresql_database_beside_the_given_one() -> None:
    url = "postgresql://postgres@127.0.0.1:5432/test_xdist"
    assert worker_database_url(url, "gw0") == "postgresql://postgres@127.0.0.1:5432/test_xdist_gw0"
    assert worker_database_url(url, "gw1") == "postgresql://postgres@127.0.0.1:5432/test_xdist_gw1"


def test_a_worker_gets_the_redis_database_base_plus_its_index() -> None:
    assert worker_redis_url("redis://127.0.0.1:6379/11", "gw0") == "redis://127.0.0.1:6379/11"
    assert worker_redis_url("redis://127.0.0.1:6379/11", "gw1") == "redis://127.0.0.1:6379/12"
    assert worker_redis_url("redis://127.0.0.1:6379", "gw1") == "redis://127.0.0.1:6379/1"


def test_a_serial_run_keeps_the_given_urls() -> None:
    environ = {"TEST_DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test",
               "REDIS_URL": "redis://127.0.0.1:6379/0"}
    isolate_worker(environ)
    assert environ == {"TEST_DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test",
                       "REDIS_URL": "redis://127.0.0.1:6379/0"}


def test_the_service_tests_of_a_worker_use_its_own_database() -> None:
    # The rewrite must happen before tests/service/conftest.py reads the variable.
    from .service.conftest import PG_URL

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and PG_URL:
        assert PG_URL.endswith(f"_{worker}")
    assert os.environ.get("TEST_DATABASE_URL") == PG_URL


def test_an_unreachable_server_is_left_for_the_tests_to_fail_on() -> None:
    # No exception here: the PostgreSQL tests then fail on connecting, as they do serially.
    ensure_database("postgresql://postgres@127.0.0.1:1/test_nowhere_gw0")


if os.environ.get("TEST_DATABASE_URL"):
    def test_a_missing_worker_database_is_created() -> None:
        import psycopg

        url = worker_database_url(os.environ["TEST_DATABASE_URL"], "gw99")
        name = url.rsplit("/", 1)[1]
        maintenance = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(maintenance, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            ensure_database(url)
            ensure_database(url)  # a second time: already there, left alone
            assert conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                (name,)).fetchone()
            conn.execute(f'DROP DATABASE "{name}"')
