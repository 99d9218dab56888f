"""Service fixtures (as in the Flask tutorial): an app and client per test, fresh database.

Every test runs on SQLite; when ``TEST_DATABASE_URL`` is set it runs on that PostgreSQL as
well, and an unreachable server fails those tests rather than skipping them. Each fresh
database holds the reference data (regions, places, sectors, qualifications from
``seeds/reference``, but none of its schools), as a seeded service does: writes are checked
against it. A test of the unseeded service overrides ``with_reference``.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.orm import Session

from service.app import create_app
from service.config import normalise_database_url
from service.extensions import db
from service.identity.links import create_link
from service.identity.tokens import issue_token
from service.models import (
    Base,
    Company,
    Offer,
    RefPlace,
    RefQualification,
    RefRegion,
    RefSector,
    School,
    Student,
)
from service.seeding import seed_reference

PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]
# Idempotency records and rate-limit counters: in the process ("embedded", no REDIS_URL) and,
# when REDIS_URL is set, in that real Redis too.
REDIS_URL = os.environ.get("REDIS_URL")
STORES = ["embedded", "redis"] if REDIS_URL else ["embedded"]


REFERENCE_TABLES = {RefRegion.__tablename__, RefPlace.__tablename__, RefSector.__tablename__,
                    RefQualification.__tablename__}


def create_schema(engine: Engine, reference: bool = True) -> None:
    """Every table, and the reference data unless ``reference`` is False."""
    Base.metadata.create_all(engine)
    if reference:
        with Session(engine) as session, session.begin():
            seed_reference(session, schools=False)


@pytest.fixture
def with_reference() -> bool:
    """Whether a test's fresh database holds the reference data (``seed reference``)."""
    return True


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Path]:
    """Two empty SQLite databases, with and without reference data, copied for each test."""
    templates = {}
    for reference in (True, False):
        path = tmp_path_factory.mktemp("template") / f"reference-{reference}.sqlite"
        engine = create_engine(f"sqlite:///{path}")
        create_schema(engine, reference)
        engine.dispose()
        templates[reference] = path
    return templates


@pytest.fixture(scope="session")
def pg_engine() -> Iterator[Engine]:
    """The PostgreSQL schema, created once; each test then empties every table."""
    assert PG_URL, "TEST_DATABASE_URL is not set"
    engine = create_engine(normalise_database_url(PG_URL))
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    yield engine
    Base.metadata.drop_all(engine)
    engine.dispose()


def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    reference = bool(request.getfixturevalue("with_reference"))
    if backend == "sqlite":
        path = tmp_path / "test.sqlite"
        shutil.copyfile(request.getfixturevalue("sqlite_templates")[reference], path)
        return f"sqlite:///{path}"
    engine = request.getfixturevalue("pg_engine")
    # The reference tables stay from test to test (they are the same every time).
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables
                       if not reference or t.name not in REFERENCE_TABLES)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        seeded = conn.scalar(select(func.count()).select_from(RefRegion))
    if reference and not seeded:
        with Session(engine) as session, session.begin():
            seed_reference(session, schools=False)
    assert PG_URL
    return PG_URL


def app_config(**overrides: Any) -> dict[str, Any]:
    """A test app's config: its own key prefix, so counters and idempotency records kept in
    the shared Redis never leak from one test into another; jobs run inside the request
    unless a test asks for another mode."""
    return {"TESTING": True, "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "JOBS_MODE": "eager", **overrides}


@pytest.fixture
def extra_config() -> dict[str, Any]:
    """Extra app settings for the ``app`` fixture; job tests override it."""
    return {}


@pytest.fixture(params=BACKENDS)
def app(request: pytest.FixtureRequest, tmp_path: Path,
        extra_config: dict[str, Any]) -> Iterator[Flask]:
    url = database_url(request.param, request, tmp_path)
    app = create_app(app_config(DATABASE_URL=url, **extra_config))
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(params=STORES)
def store_url(request: pytest.FixtureRequest) -> str | None:
    """The REDIS_URL an app under test gets: None for the embedded mode."""
    return REDIS_URL if request.param == "redis" else None


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class Factory:
    """Rows straight into the database, with defaults a test overrides only where it matters."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.count = 0

    def _add(self, obj: Any) -> int:
        with self.app.app_context(), db.transaction() as session:
            session.add(obj)
            session.flush()
            ident: int = obj.id
        return ident

    def _n(self) -> int:
        self.count += 1
        return self.count

    def school(self, **kw: Any) -> int:
        n = self._n()
        return self._add(School(**{"name": f"School {n}", "code": f"school-{n}",
                                   "region": "twente", **kw}))

    def company(self, **kw: Any) -> int:
        n = self._n()
        return self._add(Company(**{"name": f"Company {n}", "kvk_number": f"{10000000 + n}",
                                    "qualifications": ["25180", "25603"], **kw}))

    def offer(self, company_id: int | None = None, **kw: Any) -> int:
        company_id = company_id or self.company()
        data = {"company_id": company_id, "title": "Kok", "levels": [2, 3],
                "pathways": ["BOL"], "qualifications": ["25180"], "sector": "gastvrijheid",
                "region": "twente", "capacity": 2, "status": "open", **kw}
        offer = Offer()
        for key, value in data.items():
            setattr(offer, key, value)
        return self._add(offer)

    def student(self, school_id: int | None = None, **kw: Any) -> int:
        school_id = school_id or self.school()
        data = {"school_id": school_id, "student_number": f"s{self._n():05d}", "level": 2,
                "pathways": ["BOL"], "qualification": "25180", "sector": "gastvrijheid",
                "regions": ["twente"], "priority": False, **kw}
        student = Student()
        for key, value in data.items():
            setattr(student, key, value)
        return self._add(student)

    def token(self, role: str, scope: str = "") -> dict[str, str]:
        """Authorization headers for a fresh token of ``role`` in ``scope``."""
        with self.app.app_context(), db.transaction() as session:
            token = issue_token(session, role, scope)
        return {"Authorization": f"Bearer {token}"}

    def admin(self) -> dict[str, str]:
        return self.token("admin")


@pytest.fixture
def make(app: Flask) -> Factory:
    return Factory(app)



@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement the app's engine runs inside the block, whitespace collapsed."""
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(" ".join(args[2].split()))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def assert_problem(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    """The response is RFC 7807 problem+json with ``status``, naming ``field`` if given."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = response.get_json()
    assert body["status"] == status and body["title"] and body["type"]
    if field is not None:
        assert field in [e["field"] for e in body.get("errors", [])], body
    return body


def offer_body(company_id: int, **kw: Any) -> dict[str, Any]:
    """A valid offer for ``POST /offers``, overridden where a test needs it."""
    return {"company_id": company_id, "title": "Kok", "levels": [2], "pathways": ["BOL"],
            "qualifications": ["25180"], "sector": "gastvrijheid", "region": "twente",
            "capacity": 2, **kw}


def student_body(school_id: int, **kw: Any) -> dict[str, Any]:
    """A valid student for ``POST /students``, overridden where a test needs it."""
    return {"school_id": school_id, "student_number": "s1", "level": 2, "pathways": ["BOL"],
            "sector": "gastvrijheid", "regions": ["twente"], **kw}


CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def sign_in_web(client: FlaskClient, role: str, scope: str = "", csrf: str | None = None
                ) -> str:
    """Sign ``client`` in as a person does: a one-time link made for ``role``/``scope``, its
    page, its button; the browser lands on the role's pages. Returns the session's CSRF
    secret for the forms a test posts next; ``csrf`` pins it to a known value instead, so a
    test may write its forms' token as a literal (the identity still comes from the link)."""
    app = client.application
    with app.app_context(), db.transaction() as session:
        _row, secret = create_link(session, None, role, scope)
    page = client.get(f"/inloggen/link/{secret}")
    assert page.status_code == 200, page.get_data(as_text=True)
    match = CSRF_FIELD.search(page.get_data(as_text=True))
    assert match, "no CSRF field on the link's page"
    response = client.post(f"/inloggen/link/{secret}", data={"csrf_token": match.group(1)})
    assert response.status_code == 302, response.get_data(as_text=True)
    with client.session_transaction() as cookie:
        if csrf is not None:
            cookie["csrf"] = csrf
        secret: str = cookie["csrf"]
    return secret

