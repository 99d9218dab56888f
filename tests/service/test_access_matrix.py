"""The authorisation matrix: each role against its own and another tenant's resources.

Two tenants, A and B, each with a school (and its coordinator), a company, a student, an open
offer and an open round. Every cell is one request by one principal on tenant A's records in
a fresh database, and states the status the service must answer: 2xx where allowed, 404 where
the record belongs to another tenant (its existence does not leak), 403 where the role may
never take the action, 401 without a token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.audit.log import now
from service.extensions import db
from service.models import Round, WebhookEndpoint
from service.webhooks.signing import new_secret

from .conftest import Factory

PRINCIPALS = ["admin", "coordinator_a", "coordinator_b", "regional_b", "company_a",
              "company_b", "student_a", "student_b", "anonymous"]


@dataclass
class World:
    ids: dict[str, int]
    headers: dict[str, dict[str, str]]


def build(app: Flask, make: Factory) -> World:
    ids: dict[str, int] = {}
    for t, region in (("a", "twente"), ("b", "regio-zwolle")):
        ids[f"school_{t}"] = make.school(region=region)
        ids[f"company_{t}"] = make.company(region=region)
        ids[f"student_{t}"] = make.student(ids[f"school_{t}"], regions=[region])
        with app.app_context(), db.transaction() as session:
            rnd = Round(name=f"Ronde {t}", school_id=ids[f"school_{t}"], status="open")
            session.add(rnd)
            session.flush()
            ids[f"round_{t}"] = rnd.id
        ids[f"offer_{t}"] = make.offer(ids[f"company_{t}"], region=region,
                                       round_id=ids[f"round_{t}"])
        with app.app_context(), db.transaction() as session:
            hook = WebhookEndpoint(company_id=ids[f"company_{t}"], url="https://hr.example.nl/",
                                   events=["offer.listed"], secret=new_secret(),
                                   created_at=now())
            session.add(hook)
            session.flush()
            ids[f"webhook_{t}"] = hook.id
    headers = {
        "admin": make.admin(),
        "coordinator_a": make.token("coordinator", f"school:{ids['school_a']}"),
        "coordinator_b": make.token("coordinator", f"school:{ids['school_b']}"),
        "regional_b": make.token("coordinator", "region:regio-zwolle"),
        "company_a": make.token("company", f"company:{ids['company_a']}"),
        "company_b": make.token("company", f"company:{ids['company_b']}"),
        "student_a": make.token("student", f"student:{ids['student_a']}"),
        "student_b": make.token("student", f"student:{ids['student_b']}"),
        "anonymous": {},
    }
    return World(ids, headers)


def expect(admin: int, coord_a: int, coord_b: int, regional_b: int, company_a: int,
           company_b: int, student_a: int, student_b: int) -> dict[str, int]:
    return dict(zip(PRINCIPALS, [admin, coord_a, coord_b, regional_b, company_a, company_b,
                                 student_a, student_b, 401], strict=True))


# (method, path with {placeholders}, JSON body, expected status per principal)
MATRIX: list[tuple[str, str, Any, dict[str, int]]] = [
    ("GET", "/api/v1/schools/{school_a}", None, expect(200, 200, 200, 200, 200, 200, 200, 200)),
    ("PATCH", "/api/v1/schools/{school_a}", {"name": "X"},
     expect(200, 200, 403, 403, 403, 403, 403, 403)),
    ("GET", "/api/v1/companies/{company_a}", None,
     expect(200, 200, 200, 200, 200, 200, 200, 200)),
    ("PATCH", "/api/v1/companies/{company_a}", {"name": "X"},
     expect(200, 200, 200, 200, 200, 403, 403, 403)),
    ("GET", "/api/v1/offers/{offer_a}", None, expect(200, 200, 200, 200, 200, 404, 200, 200)),
    ("PATCH", "/api/v1/offers/{offer_a}", {"title": "X"},
     expect(200, 200, 200, 200, 200, 404, 403, 403)),
    ("GET", "/api/v1/students/{student_a}", None,
     expect(200, 200, 404, 404, 404, 404, 200, 404)),
    ("PATCH", "/api/v1/students/{student_a}", {"level": 3},
     expect(200, 200, 404, 404, 404, 404, 403, 404)),
    ("DELETE", "/api/v1/students/{student_a}", None,
     expect(204, 204, 404, 404, 404, 404, 403, 404)),
    ("GET", "/api/v1/rounds/{round_a}", None, expect(200, 200, 404, 404, 403, 403, 403, 403)),
    ("PATCH", "/api/v1/rounds/{round_a}", {"name": "X"},
     expect(200, 200, 404, 404, 403, 403, 403, 403)),
    ("POST", "/api/v1/rounds/{round_a}/close", None,
     expect(200, 200, 404, 404, 403, 403, 403, 403)),
    ("GET", "/api/v1/rounds/{round_a}/export", None,
     expect(200, 200, 404, 404, 403, 403, 403, 403)),
    ("PUT", "/api/v1/rounds/{round_a}/preferences/{student_a}", {"offers": ["{offer_a}"]},
     expect(200, 200, 404, 404, 403, 403, 200, 404)),
    ("GET", "/api/v1/rounds/{round_a}/assignments", None,
     expect(200, 200, 404, 404, 403, 403, 403, 403)),
    ("GET", "/api/v1/rounds/{round_a}/pok", None,
     expect(200, 200, 404, 404, 403, 403, 403, 403)),
    ("POST", "/api/v1/students/import", [], expect(200, 200, 200, 200, 403, 403, 403, 403)),
    ("POST", "/api/v1/offers/import", [], expect(200, 200, 200, 200, 200, 200, 403, 403)),
    ("POST", "/api/v1/rounds", {"name": "Nieuw"},
     expect(201, 201, 201, 201, 403, 403, 403, 403)),
    # A regional agreement in tenant A's region: its school's coordinator may, B's may not.
    ("POST", "/api/v1/agreements", {"title": "+20 leerbanen", "region": "twente",
                                    "sector": "gastvrijheid", "school_year": "2026-2027",
                                    "target": 20},
     expect(201, 201, 403, 403, 403, 403, 403, 403)),

    ("GET", "/api/v1/webhooks/{webhook_a}", None,
     expect(200, 403, 403, 403, 200, 404, 403, 403)),
    ("PATCH", "/api/v1/webhooks/{webhook_a}", {"description": "X"},
     expect(200, 403, 403, 403, 200, 404, 403, 403)),
    ("GET", "/api/v1/webhooks/{webhook_a}/deliveries", None,
     expect(200, 403, 403, 403, 200, 404, 403, 403)),
    ("DELETE", "/api/v1/webhooks/{webhook_a}", None,
     expect(204, 403, 403, 403, 204, 404, 403, 403)),
]


def fill(value: Any, ids: dict[str, int]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("method", "path", "body", "expected"), MATRIX,
                         ids=[f"{m} {p}" for m, p, _, _ in MATRIX])
def test_access(client: FlaskClient, make: Factory, app: Flask, method: str, path: str,
                body: Any, expected: dict[str, int]) -> None:
    world = build(app, make)
    wrong = []
    for principal in PRINCIPALS:
        url = path.format(**world.ids)
        response = client.open(url, method=method, json=fill(body, world.ids),
                               headers=world.headers[principal])
        if response.status_code != expected[principal]:
            wrong.append(f"{principal}: {response.status_code} "
                         f"{response.get_data(as_text=True)[:200]}")
        if response.status_code >= 400:
            assert response.mimetype == "application/problem+json"
        elif method != "GET":
            world = build(app, make)  # the change happened: the next principal starts afresh
    assert not wrong, wrong
