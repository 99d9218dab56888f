"""Extensions, created once and bound to each app in ``create_app`` (the flask-smorest
``api`` is the JSON surface's own, in ``service.api``)."""

from __future__ import annotations

import json
import logging
import select
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import msgspec
import psycopg
from flask import Flask, current_app, g
from flask_babel import Babel
from psycopg import pq as psycopg_pq
from sqlalchemy import ClauseElement, Connection, Dialect, Engine, create_engine, event
from sqlalchemy.dialects.postgresql import psycopg as pg_psycopg
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.orm import Session, sessionmaker

from service.config import DEFAULTS, normalise_database_url

DATABASE_CONNECT_TIMEOUT_S = 5
# A pooled PostgreSQL connection unused for longer than this is pinged before use even when
# its socket is quiet (``ping_if_stirred``): firewalls drop idle connections after minutes.
# The app's setting DATABASE_PING_AFTER_IDLE_S (from the environment) overrides it.
PING_AFTER_IDLE_S: float = DEFAULTS["DATABASE_PING_AFTER_IDLE_S"]


class Database:
    """One engine per app, one session per app context, closed when the context ends."""

    def init_app(self, app: Flask) -> None:
        url = normalise_database_url(app.config["DATABASE_URL"])
        # A pooled connection is tested before use, so after a database restart the same
        # process serves again at once instead of failing once per stale connection: on
        # PostgreSQL by ``ping_if_stirred`` (below; no round trip while the connection is
        # quiet), on any other server by SQLAlchemy's ``SELECT 1`` at every checkout. SQLite
        # is a file this process opens itself, with no server to restart or connection to
        # drop under it (the embedded demo's): not tested.
        # Statement parameters hold student numbers and token hashes: keep them out of
        # SQLAlchemy's log (echo) and out of the text of database errors.
        postgres = url.startswith("postgresql")
        options: dict[str, Any] = {"pool_pre_ping": not (postgres or url.startswith("sqlite")),
                                   "hide_parameters": True, "json_deserializer": json_loads}
        if postgres:
            # An unreachable server answers 503 within seconds instead of holding the request.
            options["connect_args"] = {"connect_timeout": DATABASE_CONNECT_TIMEOUT_S}
        options.update(app.config.get("DATABASE_ENGINE_OPTIONS", {}))
        engine = create_engine(url, **options)
        if postgres:
            checkout, used = ping_if_stirred(
                engine.dialect, app.config.get("DATABASE_PING_AFTER_IDLE_S", PING_AFTER_IDLE_S))
            event.listen(engine, "checkout", checkout)
            event.listen(engine, "checkin", used)
            event.listen(engine, "connect", used)
        logging.getLogger("sqlalchemy.engine.Engine").addFilter(_no_rows)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        app.extensions["database"] = (engine, sessionmaker(engine, expire_on_commit=False))
        app.teardown_appcontext(self._close_session)

    @property
    def engine(self) -> Engine:
        engine: Engine = current_app.extensions["database"][0]
        return engine

    @property
    def session(self) -> Session:
        if "db_session" not in g:
            g.db_session = current_app.extensions["database"][1]()
        session: Session = g.db_session
        return session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Every write runs in here: committed whole, or rolled back whole."""
        session = self.session
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

    @staticmethod
    def _close_session(_exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            session.close()


_decode_json = msgspec.json.decode


def json_loads(text: str | bytes) -> Any:
    """A JSON column's value as the database returns it, decoded (the engine's
    ``json_deserializer``; on PostgreSQL psycopg calls it). msgspec's compiled decoder
    instead of the standard library's: a preference PUT reads an offer's qualifications
    (JSON) for every listed offer (docs/PERFORMANCE.md, session 11). What msgspec refuses
    and the standard library reads (a number beyond a float's range, NaN) is read by the
    standard library, so every stored value reads as before."""
    try:
        return _decode_json(text)
    except msgspec.DecodeError:
        return json.loads(text)


def stirred(dbapi_connection: Any) -> bool:
    """Whether an idle psycopg connection may have been closed under us: closed or broken
    already, inside a transaction (never so when pooled), or anything waiting on its socket.
    A server that stops or restarts, or a backend that is terminated, says so on the
    socket (an error message and the end of the stream); an idle connection of ours is
    otherwise sent nothing (no LISTEN, no asynchronous notices in practice)."""
    if dbapi_connection.closed or dbapi_connection.broken:
        return True
    if dbapi_connection.info.transaction_status != psycopg_pq.TransactionStatus.IDLE:
        return True
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


def ping_if_stirred(dialect: Dialect, idle_s: float = PING_AFTER_IDLE_S
                    ) -> tuple[Callable[[Any, Any, Any], None], Callable[[Any, Any], None]]:
    """Pool listeners for PostgreSQL (``checkout``; ``checkin`` and ``connect``): what
    ``pool_pre_ping`` does (a ping; if the server is gone, this connection and every older
    one are replaced and the request never sees it), but only when the connection may be
    dead: ``stirred`` says so, or it lay unused for more than ``idle_s`` seconds.

    The plain pre-ping cost every request a round trip of its own to the server (one in
    seven of a preference submission's, docs/PERFORMANCE.md); on a busy service every
    connection is reused within moments, and the socket's state tells what the ping would
    with one system call. A connection that lay idle longer is pinged as before: a firewall
    or NAT may have dropped it without a word, which only a use of it shows. (A connection
    cut without a word while in use is not seen here, nor was it by the ping until its TCP
    timeout: a request on it fails with 503 and the connection is invalidated, as any
    statement's failure does.)"""

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get(_IDLE_SINCE)
        if (idle_since is not None and time.monotonic() - idle_since <= idle_s
                and not stirred(dbapi_connection)):
            return
        try:
            dialect.do_ping(dbapi_connection)
        except psycopg.Error as exc:
            if dialect.is_disconnect(exc, dbapi_connection, None):  # type: ignore[arg-type]
                raise InvalidatePoolError() from exc
            raise

    def used(_dbapi_connection: Any, record: Any) -> None:
        # As it is returned to the pool, and as it is made (a new connection is alive).
        record.info[_IDLE_SINCE] = time.monotonic()

    return checkout, used


# Where the pool's record of a connection keeps when it was last returned to the pool.
_IDLE_SINCE = "leerplek_idle_since"


def _no_rows(record: logging.LogRecord) -> bool:
    """SQLAlchemy logs every result row at DEBUG; rows hold student numbers, so drop them
    (statements still log, their parameters hidden by ``hide_parameters``)."""
    return not (isinstance(record.msg, str) and record.msg.startswith("Row "))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLite ignores foreign keys unless asked, per connection; PostgreSQL always enforces them.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


# The dialect the PostgreSQL statements below are compiled for, once, at import.
_PG = pg_psycopg.dialect()  # type: ignore[no-untyped-call]


def pg_sql(statement: ClauseElement) -> str:
    """A Core statement as psycopg's SQL text (``%(name)s`` placeholders), compiled once, for
    ``driver_rows``: the statement keeps one definition for both databases."""
    return str(statement.compile(dialect=_PG))


def driver_rows(conn: Connection, sql: str, params: Mapping[str, Any]) -> list[Any]:
    """Run ``sql`` on ``conn``'s own DBAPI (psycopg) connection, in its transaction, and
    return every row as a tuple: for the few statements of the deadline-day hot path
    (docs/PERFORMANCE.md, "The fast path, fifth round").

    SQLAlchemy's per-statement work (cache key, execution context, result set-up and
    per-value processing) cost more CPU than psycopg spends on the statement itself; here
    psycopg prepares the statement on the server at its first use (no parse or plan after
    that) and returns plain tuples. What SQLAlchemy would do around it is kept: its
    ``before_cursor_execute`` and ``after_cursor_execute`` listeners hear the statement
    (the statement counts of tests and benches), and a driver error is handled by the
    connection as its own are (wrapped as ``sqlalchemy.exc`` errors, so the error handlers
    answer as before; a lost connection invalidated). PostgreSQL only: every statement must
    return rows; values come back as psycopg loads them (for these statements the same
    types as through SQLAlchemy: no column needs a result processor on psycopg). Not in
    SQLAlchemy's own statement log (``echo``), whose parameters are hidden anyway.
    """
    dispatch = conn.dispatch
    listening = bool(dispatch.before_cursor_execute) or bool(dispatch.after_cursor_execute)
    cursor = _statement_cursor(conn, sql)
    try:
        if listening:
            dispatch.before_cursor_execute(conn, cursor, sql, params, None, False)
        cursor.execute(sql, params, prepare=True)
        if listening:
            dispatch.after_cursor_execute(conn, cursor, sql, params, None, False)
        rows: list[Any] = cursor.fetchall()
    except Exception as exc:  # handled as SQLAlchemy handles its own
        conn._handle_dbapi_exception(exc, sql, params, cursor, None)
    return rows


def _statement_cursor(conn: Connection, sql: str) -> Any:
    """The psycopg cursor that runs ``sql`` on ``conn``'s DBAPI connection, kept with the
    connection (``Connection.info`` follows the DBAPI connection through the pool) for the
    next run of the same statement: psycopg keeps a cursor's loaders while it runs the same
    query again, where a new cursor looked up and made one for every column of every
    statement. A cursor of a connection since replaced is never reused. Rows come in
    PostgreSQL's binary format: the same Python values for these statements' types
    (integers, floats, text, dates, times, JSON), loaded without parsing text (a
    submission's rows carry some 300 values)."""
    driver: Any = conn.connection.driver_connection
    info = conn.connection.info
    kept: tuple[Any, dict[str, Any]] | None = info.get(_CURSORS)
    if kept is None or kept[0] is not driver:
        kept = info[_CURSORS] = (driver, {})
    cursor = kept[1].get(sql)
    if cursor is None or cursor.closed:
        cursor = kept[1][sql] = driver.cursor(binary=True)
    return cursor


# Where a pooled connection's info keeps its statements' cursors (``_statement_cursor``).
_CURSORS = "leerplek_cursors"


db = Database()
babel = Babel()
