"""Fuzzing in CI: schemathesis sends generated requests, valid and invalid, to every operation
of ``api_spec/openapi.yaml`` as every role, and no response may be a 5xx or break the document
(an undocumented status, another content type, a body off its schema). It runs on SQLite and,
when ``TEST_DATABASE_URL`` is set, on PostgreSQL too, which refuses what SQLite lets through
(NUL in text, integers past 32 bits); a small budget keeps each run near a minute.
``bench/fuzz_api.py`` runs the large one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine, text

from service.config import normalise_database_url
from service.models import Base

from .conftest import BACKENDS, PG_URL
from .fuzzing import ROLES, Seed, fuzz, seeded_app, strict_document

# Cases per operation, role and mode (valid, invalid): about 2,500 requests on SQLite, and
# 1,500 more on PostgreSQL (the same cases' first three: its own refusals, NUL in text and
# 32-bit integers, show up on any input that reaches the database).
BUDGETS = {"sqlite": 5, "postgresql": 3}


@pytest.fixture(scope="module", params=BACKENDS)
def fuzzed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[Flask, Seed, int]]:
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("fuzz") / "fuzz.sqlite"
        url = f"sqlite:///{path}"
    else:
        engine: Engine = request.getfixturevalue("pg_engine")
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        assert PG_URL
        url = normalise_database_url(PG_URL)
    with seeded_app(url) as (app, seeded):
        yield app, seeded, BUDGETS[request.param]


def test_every_operation_as_every_role_answers_within_the_document(
        fuzzed: tuple[Flask, Seed, int]) -> None:
    app, seeded, budget = fuzzed
    report = fuzz(app, seeded, budget)
    operations = len(report.cases)
    assert operations == sum(len([m for m in item if m in ("get", "post", "put", "patch",
                                                            "delete")])
                             for item in strict_document()["paths"].values())
    assert report.total >= operations * len(ROLES) * budget
    assert not [s for s in report.statuses if s >= 500], report.statuses
    assert list(report.findings.values()) == [], "\n".join(
        f"{f.operation} as {f.role}: {f.check} ({f.status})" for f in report.findings.values())


def test_a_status_missing_from_the_document_is_a_finding(fuzzed: tuple[Flask, Seed, int]
                                                         ) -> None:
    # The harness itself: drop 404 from one operation's documented responses, and requests
    # for ids that do not exist must be reported.
    app, seeded, _ = fuzzed
    document = strict_document()
    del document["paths"]["/api/v1/offers/{offer_id}"]["get"]["responses"]["404"]
    report = fuzz(app, seeded, 20, roles=("admin",), only={"GET /api/v1/offers/{offer_id}"},
                  document=document)
    assert {(f.check, f.status) for f in report.findings.values()} == {
        ("UndefinedStatusCode: Undocumented status code", 404)}
