"""The database connection pool. On PostgreSQL a pooled connection is tested before use
without a round trip of its own while it is quiet and was used moments ago
(service.extensions.ping_if_stirred); one whose server side ended, or one that lay idle
longer, is pinged and, if dead, replaced before a request uses it. On SQLite nothing is
pinged."""

from __future__ import annotations

import time
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app
from service.config import DEFAULTS, from_environment, normalise_database_url
from service.extensions import db, stirred

from .conftest import PG_URL, Factory, app_config


def _pings(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every ping the app's engine sends from now on."""
    with app.app_context():
        dialect = db.engine.dialect
    if dialect.name != "postgresql":
        pytest.skip("the pool's test before use differs on PostgreSQL only")
    pings: list[Any] = []
    real = dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        pings.append(dbapi_connection)
        return real(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", counted)
    return pings


def _backend_pid(app: Flask) -> int:
    """The server process of the (one) pooled connection a request would use."""
    with app.app_context():
        driver: Any = db.session.connection().connection.driver_connection
        pid: int = driver.info.backend_pid
        db.session.rollback()
    return pid


def test_a_quiet_pooled_connection_is_used_without_a_ping(
        client: FlaskClient, make: Factory, monkeypatch: pytest.MonkeyPatch) -> None:
    headers = make.admin()
    assert client.get("/api/v1/schools", headers=headers).status_code == 200
    pings = _pings(client.application, monkeypatch)
    for _ in range(3):
        assert client.get("/api/v1/schools", headers=headers).status_code == 200
    assert pings == []


def test_a_connection_whose_server_process_ended_is_replaced_before_use(
        client: FlaskClient, make: Factory, monkeypatch: pytest.MonkeyPatch) -> None:
    headers = make.admin()
    assert client.get("/api/v1/schools", headers=headers).status_code == 200
    pings = _pings(client.application, monkeypatch)
    pid = _backend_pid(client.application)
    assert PG_URL
    with psycopg.connect(normalise_database_url(PG_URL).replace("+psycopg", ""),
                         autocommit=True) as other:
        # Waits until that process has ended, as a restarting server's have.
        ended = other.execute("SELECT pg_terminate_backend(%s, 10000)", [pid]).fetchone()
        assert ended == (True,)
    # The request never sees the ended connection: it is pinged (the server said goodbye
    # on its socket), found dead and replaced by a new one.
    assert client.get("/api/v1/schools", headers=headers).status_code == 200
    assert len(pings) == 1
    assert _backend_pid(client.application) != pid
    assert client.get("/api/v1/schools", headers=headers).status_code == 200
    assert len(pings) == 1


def test_a_connection_idle_for_longer_than_the_setting_is_pinged_before_use(
        app: Flask, make: Factory, monkeypatch: pytest.MonkeyPatch) -> None:
    """A firewall may drop an idle connection without a word, which its socket does not
    show: one unused for longer than DATABASE_PING_AFTER_IDLE_S is pinged as before."""
    headers = make.admin()
    idle = create_app(app_config(DATABASE_URL=app.config["DATABASE_URL"],
                                 DATABASE_PING_AFTER_IDLE_S=0.2))
    client = idle.test_client()
    assert client.get("/api/v1/schools", headers=headers).status_code == 200
    pings = _pings(idle, monkeypatch)
    assert client.get("/api/v1/schools", headers=headers).status_code == 200
    assert pings == []  # reused at once
    time.sleep(0.3)
    assert client.get("/api/v1/schools", headers=headers).status_code == 200
    assert len(pings) == 1
    with idle.app_context():
        db.engine.dispose()


def test_only_a_connection_with_something_on_its_socket_counts_as_stirred() -> None:
    if not PG_URL:
        pytest.skip("needs TEST_DATABASE_URL")
    url = normalise_database_url(PG_URL).replace("+psycopg", "")
    with psycopg.connect(url) as conn, psycopg.connect(url, autocommit=True) as other:
        assert not stirred(conn)
        conn.execute("SELECT 1")
        assert stirred(conn)  # inside a transaction: never so when pooled
        conn.rollback()
        assert not stirred(conn)
        other.execute("SELECT pg_terminate_backend(%s)", [conn.info.backend_pid])
        deadline = 50
        while not stirred(conn) and deadline:  # the goodbye takes a moment to arrive
            deadline -= 1
            other.execute("SELECT pg_sleep(0.05)")
        assert stirred(conn)


def test_on_sqlite_a_request_pings_nothing(client: FlaskClient, make: Factory,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # A file the process opens itself: the ping before every request was a statement spent.
    app = client.application
    with app.app_context():
        dialect = db.engine.dialect
    if dialect.name != "sqlite":
        pytest.skip("SQLite's pool only")
    pings: list[Any] = []
    monkeypatch.setattr(dialect, "do_ping", lambda conn: pings.append(conn) or True)
    headers = make.admin()
    for _ in range(3):
        assert client.get("/api/v1/schools", headers=headers).status_code == 200
    assert pings == []


def test_the_idle_time_before_a_ping_comes_from_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert DEFAULTS["DATABASE_PING_AFTER_IDLE_S"] == 10.0
    monkeypatch.setenv("DATABASE_PING_AFTER_IDLE_S", "2.5")
    assert from_environment()["DATABASE_PING_AFTER_IDLE_S"] == 2.5
