"""Alembic's `upgrade head` on an empty database builds exactly the schema the models describe."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, text

from service.config import normalise_database_url
from service.migrate import upgrade
from service.models import Base

from .conftest import BACKENDS, PG_URL

# Per xdist worker as well (each worker has its own database already; this keeps two runs
# of the check apart even on one database).
SCHEMA = "leerplek_migration_check" + (f"_{os.environ['PYTEST_XDIST_WORKER']}"
                                       if os.environ.get("PYTEST_XDIST_WORKER") else "")


@pytest.fixture(params=BACKENDS)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'migrated.sqlite'}")
        yield engine
        engine.dispose()
        return
    # A schema of its own keeps this apart from the tables the other tests share.
    assert PG_URL
    url = normalise_database_url(PG_URL)
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    engine = create_engine(url, connect_args={"options": f"-csearch_path={SCHEMA}"})
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    admin.dispose()


def test_upgrade_head_matches_the_models(empty_engine: Engine) -> None:
    with empty_engine.begin() as conn:
        upgrade(str(empty_engine.url), connection=conn)
    with empty_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_upgrade_head_creates_every_table(empty_engine: Engine) -> None:
    with empty_engine.begin() as conn:
        upgrade(str(empty_engine.url), connection=conn)
    tables = set(inspect(empty_engine).get_table_names())
    assert tables == set(Base.metadata.tables) | {"alembic_version"}


def test_the_suite_runs_on_postgresql_when_asked() -> None:
    # CI sets TEST_DATABASE_URL; then the PostgreSQL variant must exist (and fail if down).
    assert ("postgresql" in BACKENDS) == bool(os.environ.get("TEST_DATABASE_URL"))


def test_an_allocated_rounds_report_is_moved_after_its_other_columns_on_sqlite(
        tmp_path: Path) -> None:
    # SQLite reads through a large value's overflow pages to reach any column stored after
    # it: the report (1.4 MB at 60,000 students) must come last, with the data kept, and the
    # rows that refer to the round must survive the table's rebuild.
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    upgrade(url, revision="0016")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO rounds (id, name, status, objective, priority_first, place_unranked,"
            " max_preferences, seed, time_limit_s, report, no_response, respond_by)"
            " VALUES (7, 'BPV', 'published', 'optimal', 1, 0, 10, 1, 60.0, :report,"
            " 'accept', '2027-01-15 12:00:00')"), {"report": '{"stats": {"placed": 3}}'})
        conn.execute(text(
            "INSERT INTO jobs (id, kind, round_id, status, phase, percent, requested_by,"
            " created_at) VALUES (1, 'allocate', 7, 'finished', 'done', 100, 'admin',"
            " '2027-01-10 09:00:00')"))
    upgrade(url)
    columns = [c["name"] for c in inspect(engine).get_columns("rounds")]
    assert columns[-1] == "report"
    assert {"finished_at", "respond_by", "no_response", "lists_by"} <= set(columns[:-1])
    with engine.connect() as conn:
        row = conn.execute(text("SELECT report, no_response, respond_by FROM rounds "
                                "WHERE id = 7")).one()
        jobs = conn.execute(text("SELECT count(*) FROM jobs WHERE round_id = 7")).scalar()
    engine.dispose()
    assert row == ('{"stats": {"placed": 3}}', "accept", "2027-01-15 12:00:00")
    assert jobs == 1
