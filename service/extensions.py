"""Extensions, created once and bound to each app in ``create_app`` (the flask-smorest
``api`` is the JSON surface's own, in ``service.api``)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app, g
from flask_babel import Babel
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from service.config import normalise_database_url

DATABASE_CONNECT_TIMEOUT_S = 5


class Database:
    """One engine per app, one session per app context, closed when the context ends."""

    def init_app(self, app: Flask) -> None:
        url = normalise_database_url(app.config["DATABASE_URL"])
        # A pooled connection is tested before use, so after a database restart the same
        # process serves again at once instead of failing once per stale connection.
        # Statement parameters hold student numbers and token hashes: keep them out of
        # SQLAlchemy's log (echo) and out of the text of database errors.
        options: dict[str, Any] = {"pool_pre_ping": True, "hide_parameters": True}
        if url.startswith("postgresql"):
            # An unreachable server answers 503 within seconds instead of holding the request.
            options["connect_args"] = {"connect_timeout": DATABASE_CONNECT_TIMEOUT_S}
        options.update(app.config.get("DATABASE_ENGINE_OPTIONS", {}))
        engine = create_engine(url, **options)
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


def _no_rows(record: logging.LogRecord) -> bool:
    """SQLAlchemy logs every result row at DEBUG; rows hold student numbers, so drop them
    (statements still log, their parameters hidden by ``hide_parameters``)."""
    return not (isinstance(record.msg, str) and record.msg.startswith("Row "))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLite ignores foreign keys unless asked, per connection; PostgreSQL always enforces them.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


db = Database()
babel = Babel()
