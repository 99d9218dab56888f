"""Rounds: coordinators create them in their scope and move them through the lifecycle."""

from __future__ import annotations

from dataclasses import asdict

import pytest
from flask.testing import FlaskClient

from solver.model import POLICY_DEFAULTS, POLICY_FIELDS, SEED_LIMITS

from .conftest import Factory, assert_problem

NEW = {"name": "BPV-ronde voorjaar 2027", "objective": "optimal", "max_preferences": 5}


def _coordinator(make: Factory) -> tuple[int, dict[str, str]]:
    school = make.school()
    return school, make.token("coordinator", f"school:{school}")


def test_a_coordinator_creates_a_draft_round_for_their_school(client: FlaskClient,
                                                              make: Factory) -> None:
    school, headers = _coordinator(make)
    response = client.post("/api/v1/rounds", json=NEW, headers=headers)
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "draft" and body["school_id"] == school
    assert body["max_preferences"] == 5 and body["priority_first"] is True


def test_a_regional_coordinator_owns_a_regional_round(client: FlaskClient,
                                                      make: Factory) -> None:
    headers = make.token("coordinator", "region:twente")
    body = client.post("/api/v1/rounds", json=NEW, headers=headers).get_json()
    assert body["region"] == "twente" and body["school_id"] is None


def test_an_unknown_objective_is_named(client: FlaskClient, make: Factory) -> None:
    _, headers = _coordinator(make)
    response = client.post("/api/v1/rounds", json=dict(NEW, objective="fastest"),
                           headers=headers)
    assert_problem(response, 422, "objective")


def test_a_new_round_takes_the_engines_policy_defaults(client: FlaskClient,
                                                       make: Factory) -> None:
    _, headers = _coordinator(make)
    body = client.post("/api/v1/rounds", json={"name": "R"}, headers=headers).get_json()
    assert {k: body[k] for k in POLICY_FIELDS} == asdict(POLICY_DEFAULTS)


def test_every_seed_a_round_document_allows_is_allowed(client: FlaskClient,
                                                       make: Factory) -> None:
    # The API once allowed only half the seeds of the document it imports and exports.
    _, headers = _coordinator(make)
    highest = SEED_LIMITS[1]
    response = client.post("/api/v1/rounds", json=dict(NEW, seed=highest), headers=headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["seed"] == highest
    assert_problem(client.post("/api/v1/rounds", json=dict(NEW, seed=highest + 1),
                               headers=headers), 422, "seed")


def test_an_admin_round_without_a_tenant_is_province_wide(client: FlaskClient,
                                                          make: Factory) -> None:
    response = client.post("/api/v1/rounds", json=NEW, headers=make.admin())
    assert response.status_code == 201
    assert response.get_json()["school_id"] is None and response.get_json()["region"] is None
    school = make.school()
    listed = client.get("/api/v1/rounds",
                        headers=make.token("coordinator", f"school:{school}")).get_json()
    assert listed == []


def test_a_round_is_not_both_a_schools_and_a_regions(client: FlaskClient,
                                                     make: Factory) -> None:
    body = dict(NEW, school_id=make.school(), region="twente")
    assert_problem(client.post("/api/v1/rounds", json=body, headers=make.admin()), 422,
                   "region")


@pytest.mark.parametrize("role", ["company", "student"])
def test_companies_and_students_may_not_create_rounds(client: FlaskClient, make: Factory,
                                                      role: str) -> None:
    school = make.school()
    scope = {"company": f"company:{make.company()}",
             "student": f"student:{make.student(school)}"}[role]
    assert_problem(client.post("/api/v1/rounds", json=NEW, headers=make.token(role, scope)),
                   403)


def test_another_schools_round_is_404(client: FlaskClient, make: Factory) -> None:
    _, own = _coordinator(make)
    _, other = _coordinator(make)
    rid = client.post("/api/v1/rounds", json=NEW, headers=own).get_json()["id"]
    assert_problem(client.get(f"/api/v1/rounds/{rid}", headers=other), 404)
    assert_problem(client.post(f"/api/v1/rounds/{rid}/open", headers=other), 404)
    assert client.get("/api/v1/rounds", headers=other).get_json() == []


def test_the_lifecycle_moves_draft_open_closed_and_back(client: FlaskClient,
                                                        make: Factory) -> None:
    _, headers = _coordinator(make)
    rid = client.post("/api/v1/rounds", json=NEW, headers=headers).get_json()["id"]
    for action, status in [("open", "open"), ("close", "closed"), ("reopen", "open"),
                           ("close", "closed")]:
        response = client.post(f"/api/v1/rounds/{rid}/{action}", headers=headers)
        assert response.status_code == 200 and response.get_json()["status"] == status
    listed = client.get("/api/v1/rounds?status=closed", headers=headers).get_json()
    assert [r["id"] for r in listed] == [rid]


@pytest.mark.parametrize("action", ["close", "reopen", "publish", "finish"])
def test_a_transition_from_the_wrong_state_is_409(client: FlaskClient, make: Factory,
                                                   action: str) -> None:
    _, headers = _coordinator(make)
    rid = client.post("/api/v1/rounds", json=NEW, headers=headers).get_json()["id"]
    body = assert_problem(client.post(f"/api/v1/rounds/{rid}/{action}", headers=headers), 409)
    assert "draft" in body["detail"]
    assert client.get(f"/api/v1/rounds/{rid}", headers=headers).get_json()["status"] == "draft"


def test_the_policy_is_frozen_once_closed(client: FlaskClient, make: Factory) -> None:
    _, headers = _coordinator(make)
    rid = client.post("/api/v1/rounds", json=NEW, headers=headers).get_json()["id"]
    changed = client.patch(f"/api/v1/rounds/{rid}", json={"objective": "stable"},
                           headers=headers)
    assert changed.status_code == 200 and changed.get_json()["objective"] == "stable"
    client.post(f"/api/v1/rounds/{rid}/open", headers=headers)
    client.post(f"/api/v1/rounds/{rid}/close", headers=headers)
    assert_problem(client.patch(f"/api/v1/rounds/{rid}", json={"seed": 4}, headers=headers),
                   409)

