"""How rows come back from the database: JSON columns decoded by msgspec (falling back to
the standard library for what only it reads), and the hot path's statements on psycopg's
own cursor (``extensions.driver_rows``, PostgreSQL) in binary format, with the same values
as SQLAlchemy returns."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import msgspec
import pytest
from flask import Flask
from sqlalchemy import bindparam, event, select

from service import extensions
from service.extensions import db, driver_rows, json_loads, pg_sql
from service.models import ApiToken, Offer, Round, Student

from .conftest import Factory


def test_json_loads_decodes_json() -> None:
    assert json_loads(b'{"a": [1, 2.5, "x", null, true]}') == {"a": [1, 2.5, "x", None, True]}
    assert json_loads('["zorg"]') == ["zorg"]


def test_json_loads_reads_what_msgspec_refuses_as_the_standard_library_does() -> None:
    # A number beyond a float's range is valid JSON (PostgreSQL's json keeps it as written);
    # the standard library reads it as infinity, msgspec refuses it.
    assert json_loads(b"[1e400]") == [math.inf]
    assert math.isnan(json_loads("NaN"))


def test_the_engine_decodes_json_columns_with_msgspec(app: Flask, make: Factory,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    offer_id = make.offer(qualifications=["25180", "25181"])
    decoded: list[Any] = []

    def spy(data: Any) -> Any:
        decoded.append(bytes(data) if isinstance(data, memoryview) else data)
        return msgspec.json.decode(data)

    monkeypatch.setattr(extensions, "_decode_json", spy)
    with app.app_context():
        value = db.session.scalar(select(Offer.qualifications).where(Offer.id == offer_id))
    assert value == ["25180", "25181"]
    assert len(decoded) == 1 and msgspec.json.decode(decoded[0]) == value


def _pg_only(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("driver_rows runs PostgreSQL's statements only")


def _both_ways(statement: Any, params: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """The statement's rows through SQLAlchemy and through driver_rows."""
    session = db.session
    through_sqlalchemy = [tuple(r) for r in session.execute(statement, params)]
    through_driver = driver_rows(session.connection(), pg_sql(statement), params)
    return through_sqlalchemy, through_driver


def test_driver_rows_returns_an_offers_values_as_sqlalchemy_does(app: Flask,
                                                                  make: Factory) -> None:
    _pg_only(app)
    offer_id = make.offer(qualifications=["25180", "25181"], lat=52.25, lon=6.15,
                          start=dt.date(2027, 2, 1), end=dt.date(2027, 6, 30))
    with app.app_context():
        statement = select(*Offer.__table__.c).where(Offer.id == bindparam("id"))
        orm, driver = _both_ways(statement, {"id": offer_id})
        assert driver == orm
        row = driver[0]
        assert ["25180", "25181"] in row and dt.date(2027, 2, 1) in row and 52.25 in row


def test_driver_rows_returns_a_students_and_rounds_values_as_sqlalchemy_does(
        app: Flask, make: Factory) -> None:
    _pg_only(app)
    school_id = make.school()
    student_id = make.student(school_id, available_from=dt.date(2027, 1, 4),
                              max_travel_km=12.5, priority=True)
    with app.app_context(), db.transaction() as session:
        rnd = Round(name="Ronde", school_id=school_id, time_limit_s=2.5)
        session.add(rnd)
        session.flush()
        round_id = rnd.id
    with app.app_context():
        for statement, ident in (
                (select(*Student.__table__.c).where(Student.id == bindparam("id")), student_id),
                (select(*Round.__table__.c).where(Round.id == bindparam("id")), round_id)):
            orm, driver = _both_ways(statement, {"id": ident})
            assert driver == orm and len(driver) == 1


def test_driver_rows_returns_a_tokens_times_as_sqlalchemy_does(app: Flask,
                                                               make: Factory) -> None:
    _pg_only(app)
    make.admin()
    with app.app_context():
        db.session.execute(ApiToken.__table__.update().values(
            revoked_at=dt.datetime(2027, 3, 1, 12, 30, tzinfo=dt.UTC),
            expires_at=dt.datetime(2027, 4, 1, tzinfo=dt.UTC)))
        orm, driver = _both_ways(select(*ApiToken.__table__.c), {})
        assert driver == orm
        assert all(isinstance(v, dt.datetime) and v.tzinfo is not None
                   for v in (driver[0][ApiToken.__table__.c.keys().index("revoked_at")],
                             driver[0][ApiToken.__table__.c.keys().index("expires_at")]))


def test_driver_rows_runs_a_statement_again_on_its_cursor_of_that_connection(
        app: Flask, make: Factory) -> None:
    """A statement's cursor (and the loaders psycopg keeps with it) serves its next run on
    the same connection; a replaced connection gets cursors of its own."""
    _pg_only(app)
    make.admin()
    statement = pg_sql(select(ApiToken.id))
    cursors: list[Any] = []

    def heard(_conn: Any, cursor: Any, *_args: Any) -> None:
        cursors.append(cursor)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", heard)
        try:
            conn = db.session.connection()
            first = driver_rows(conn, statement, {})
            assert driver_rows(conn, statement, {}) == first
            assert cursors[0] is cursors[1]
            conn.invalidate()  # the DBAPI connection is closed and replaced
            db.session.rollback()
            assert driver_rows(db.session.connection(), statement, {}) == first
            assert cursors[2] is not cursors[0]
            assert cursors[2].connection is not cursors[0].connection
        finally:
            event.remove(db.engine, "before_cursor_execute", heard)
