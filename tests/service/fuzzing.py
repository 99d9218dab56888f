"""Fuzz the API with schemathesis against ``api_spec/openapi.yaml``, in process (WSGI).

One seeded database (a school coordinator, a region coordinator, an admin, a company and a
student, each with a token; schools, companies, an environment, offers, students and a
published round with assignments), then for every operation in the document and every role,
hypothesis generates requests, valid (positive) and invalid (negative) ones. Half of the cases
use the seeded records' ids as path parameters, so operations get past their 404 and reach
their validation and domain rules; the other half use whatever ids the generator picks.

Every response is checked against the document: no 5xx, the status code is documented for the
operation, the content type is the documented one, and the body matches the documented schema.
A finding is one (operation, role, check, status) with the first failing request as example.

``tests/service/test_fuzz.py`` runs a small budget in CI; ``bench/fuzz_api.py`` a large one.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hypothesis
import schemathesis
import yaml
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import create_engine

from service.app import create_app
from service.extensions import db
from service.identity.tokens import issue_token

from .conftest import create_schema

SPEC = Path(__file__).resolve().parents[2] / "api_spec" / "openapi.yaml"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# "anonymous" keeps whatever Authorization header the generator made up (or none).
ROLES = ("admin", "coordinator-school", "coordinator-region", "company", "student", "anonymous")


@dataclass
class Seed:
    """The seeded records: role → Authorization header, path parameter → ids that exist."""

    headers: dict[str, dict[str, str]]
    ids: dict[str, list[Any]]


@dataclass
class Finding:
    operation: str
    role: str
    check: str
    status: int | None
    example: str


@dataclass
class Report:
    cases: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    findings: dict[tuple[str, str, str, int | None], Finding] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.cases.values())


def fuzz_app(database_url: str) -> Flask:
    """The app under fuzz: production error handling (not TESTING, so a bug answers 500 rather
    than raising into the client), rate limits high enough that the budget is not what answers."""
    engine = create_engine(database_url)
    create_schema(engine)
    engine.dispose()
    # Findings are collected with their requests; the app's own traceback log is noise here.
    logging.getLogger("service").setLevel(logging.CRITICAL)
    # Jobs run inside the request that starts them, so a job's outcome is in its response.
    return create_app({"DATABASE_URL": database_url, "JOBS_MODE": "eager",
                       "RATELIMIT_APPLICATION": "1000000 per minute",
                       "AUTH_FAILURE_LIMIT": "1000000 per minute"})


def _ok(client: FlaskClient, method: str, path: str, headers: dict[str, str],
        body: Any = None) -> Any:
    response = client.open(path, method=method, headers=headers, json=body)
    assert response.status_code < 300, (method, path, response.get_json())
    return response.get_json()


def seed(app: Flask) -> Seed:
    """Records of every kind, made through the API itself so they are what clients see."""
    with app.app_context(), db.transaction() as session:
        admin = {"Authorization": f"Bearer {issue_token(session, 'admin', '')}"}
    client = app.test_client()
    api = "/api/v1"
    schools = [_ok(client, "POST", f"{api}/schools", admin,
                   {"name": f"ROC {n}", "code": f"roc-{n}", "region": "twente"})["id"]
               for n in range(2)]
    companies = [_ok(client, "POST", f"{api}/companies", admin,
                     {"name": f"Bedrijf {n}", "kvk_number": f"{12345670 + n}",
                      "qualifications": ["25180"]})["id"] for n in range(2)]
    environment = _ok(client, "POST", f"{api}/environments", admin,
                      {"name": "Leerwerkplaats", "capacity": 3, "region": "twente"})["id"]
    with app.app_context(), db.transaction() as session:
        tokens = {"coordinator-school": issue_token(session, "coordinator",
                                                    f"school:{schools[0]}"),
                  "coordinator-region": issue_token(session, "coordinator", "region:twente"),
                  "company": issue_token(session, "company", f"company:{companies[0]}")}
    headers = {"admin": admin, "anonymous": {}} | {role: {"Authorization": f"Bearer {token}"}
                                  for role, token in tokens.items()}
    staff = headers["coordinator-school"]
    rnd = _ok(client, "POST", f"{api}/rounds", staff, {"name": "BPV najaar", "seed": 3})["id"]
    offers = [_ok(client, "POST", f"{api}/offers", admin,
                  {"company_id": companies[n % 2], "title": f"Kok {n}", "round_id": rnd,
                   "levels": [2, 3], "pathways": ["BOL"], "qualifications": ["25180"],
                   "sector": "gastvrijheid", "region": "twente", "capacity": 2,
                   "status": "open", **({"environment_id": environment} if n == 0 else {})}
                  )["id"] for n in range(4)]
    students = [_ok(client, "POST", f"{api}/students", staff,
                    {"school_id": schools[0], "student_number": f"s{n:05d}", "level": 2,
                     "pathways": ["BOL"], "qualification": "25180",
                     "sector": "gastvrijheid", "regions": ["twente"]})["id"]
                for n in range(4)]
    with app.app_context(), db.transaction() as session:
        headers["student"] = {"Authorization":
                              f"Bearer {issue_token(session, 'student', f'student:{students[0]}')}"}
    _ok(client, "POST", f"{api}/rounds/{rnd}/open", staff)
    for n, sid in enumerate(students):
        _ok(client, "PUT", f"{api}/rounds/{rnd}/preferences/{sid}", staff,
            {"offers": offers[n % 2:] + offers[:n % 2]})
    # A second round stays open, so preference submissions and lifecycle moves can succeed.
    open_round = _ok(client, "POST", f"{api}/rounds", staff, {"name": "BPV open"})["id"]
    _ok(client, "POST", f"{api}/rounds/{open_round}/open", staff)
    _ok(client, "POST", f"{api}/rounds/{rnd}/close", staff)
    _ok(client, "POST", f"{api}/rounds/{rnd}/allocate", staff)
    _ok(client, "POST", f"{api}/rounds/{rnd}/simulate", staff,
        {"name": "meer plaatsen", "scale": []})
    _ok(client, "POST", f"{api}/rounds/{rnd}/publish", staff)
    jobs = [j["id"] for j in _ok(client, "GET", f"{api}/jobs", staff)]
    scenarios = [sc["id"] for sc in _ok(client, "GET", f"{api}/rounds/{rnd}/scenarios", staff)]
    assignments = [a["id"] for a in _ok(client, "GET", f"{api}/rounds/{rnd}/assignments",
                                         staff)]
    ids: dict[str, list[Any]] = {
        "school_id": schools, "company_id": companies, "environment_id": [environment],
        "offer_id": offers, "student_id": students, "round_id": [rnd, open_round],
        "assignment_id": assignments, "job_id": jobs, "scenario_id": scenarios,
        "action": ["open", "close", "reopen", "publish", "finish"],
    }
    return Seed(headers, ids)


def strict_document() -> dict[str, Any]:
    """The document without each operation's catch-all ``default`` response: with it, any
    status would conform, so every status the API answers must be listed explicitly."""
    document: dict[str, Any] = yaml.safe_load(SPEC.read_text())
    for item in document["paths"].values():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                operation["responses"].pop("default", None)
    return document


def _strategy(operation: Any, mode: GenerationMode, ids: dict[str, list[Any]]
              ) -> st.SearchStrategy[Any]:
    generated = operation.as_strategy(generation_mode=mode)
    names = [p.name for p in operation.path_parameters]
    if not names or not all(n in ids for n in names):
        return generated
    combos = [dict(zip(names, values, strict=True))
              for values in itertools.product(*(ids[n] for n in names))]
    real = st.sampled_from(combos).flatmap(
        lambda params: operation.as_strategy(generation_mode=mode, path_parameters=params))
    return st.one_of(real, generated)


def _record(report: Report, finding: Finding) -> None:
    key = (finding.operation, finding.role, finding.check, finding.status)
    report.findings.setdefault(key, finding)


def _check_name(exc: BaseException) -> str:
    failures = getattr(exc, "exceptions", None) or [exc]
    names = sorted({type(f).__name__ + ": " + str(getattr(f, "title", "")) for f in failures})
    return "; ".join(names)


def fuzz(app: Flask, seeded: Seed, max_examples: int, *, seed_value: int = 0,
         modes: tuple[GenerationMode, ...] = (GenerationMode.POSITIVE,
                                              GenerationMode.NEGATIVE),
         roles: tuple[str, ...] = ROLES, only: set[str] | None = None,
         document: dict[str, Any] | None = None,
         progress: Callable[[str], None] | None = None) -> Report:
    """Run ``max_examples`` cases per operation, role and mode; collect every finding.
    ``only`` limits the run to operations by label (``GET /api/v1/offers``)."""
    schema = schemathesis.openapi.from_dict(document or strict_document())
    schema.app = app
    report = Report()
    start = time.perf_counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [op for op in operations if only is None or op.label in only]
    for operation, role, mode in itertools.product(operations, roles, modes):
        _fuzz_one(report, operation, role, _strategy(operation, mode, seeded.ids),
                  seeded.headers[role], max_examples, seed_value)
        if progress is not None:
            progress(f"{operation.label} as {role} ({mode.value}): "
                     f"{report.cases[operation.label]} cases so far")
    report.seconds = time.perf_counter() - start
    return report


def _fuzz_one(report: Report, operation: Any, role: str, strategy: st.SearchStrategy[Any],
              headers: dict[str, str], max_examples: int, seed_value: int) -> None:
        label = operation.label

        @hypothesis.settings(max_examples=max_examples, deadline=None, database=None,
                             derandomize=False, phases=[hypothesis.Phase.generate],
                             suppress_health_check=list(hypothesis.HealthCheck),
                             verbosity=hypothesis.Verbosity.quiet)
        @hypothesis.seed(seed_value)
        @hypothesis.given(case=strategy)
        def run(case: Any) -> None:
            report.cases[label] += 1
            # The role's token replaces the one the generator made up for the bearer scheme.
            case.headers = {**(case.headers or {}), **headers}
            request = (f"{case.method} {case.formatted_path} query={case.query} "
                       f"headers={case.headers} body={case.body!r:.300}")
            try:
                # The WSGI transport re-raises an exception the app did not handle.
                response = case.call()
            except Exception as exc:
                report.statuses[500] += 1
                _record(report, Finding(label, role, f"unhandled {type(exc).__name__}", 500,
                                        f"{request} -> {exc!s:.300}"))
                return
            report.statuses[response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as exc:  # FailureGroup: a BaseExceptionGroup
                _record(report, Finding(label, role, _check_name(exc), response.status_code,
                                        f"{request} -> {response.status_code} "
                                        f"{response.text[:300]}"))

        # An operation with nothing to negate (no parameters, no body) has no negative cases.
        with contextlib.suppress(hypothesis.errors.Unsatisfiable):
            run()


@contextlib.contextmanager
def seeded_app(database_url: str) -> Iterator[tuple[Flask, Seed]]:
    app = fuzz_app(database_url)
    try:
        yield app, seed(app)
    finally:
        with app.app_context():
            db.engine.dispose()
