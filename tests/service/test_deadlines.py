"""The answer deadline: unanswered proposals settled by the round's rule, answers on a
student's behalf, and a follow-up that no longer waits for a student who never answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from service.placements.sweep import sweep_once

from .conftest import Factory, assert_problem
from .test_assignments import _published
from .test_dashboard import sign_in

PAST = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat()
FUTURE = (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).isoformat()


def _deadline(client: FlaskClient, r: dict[str, Any], when: str,
              no_response: str | None = None) -> dict[str, Any]:
    body = {"respond_by": when} | ({"no_response": no_response} if no_response else {})
    response = client.patch(r["url"], json=body, headers=r["staff"])
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert isinstance(body, dict)
    return body


def _status(client: FlaskClient, r: dict[str, Any]) -> str:
    status: str = client.get(f"/api/v1/assignments/{r['id']}",
                             headers=r["staff"]).get_json()["status"]
    return status


def test_a_round_has_an_answer_deadline_and_a_rule(client: FlaskClient,
                                                    make: Factory) -> None:
    r = _published(client, make)
    body = _deadline(client, r, FUTURE, "accept")
    assert body["no_response"] == "accept"
    assert dt.datetime.fromisoformat(body["respond_by"]) == dt.datetime.fromisoformat(FUTURE)
    assert_problem(client.patch(r["url"], json={"no_response": "maybe"}, headers=r["staff"]),
                   422, "no_response")


def test_the_deadline_defaults_to_declining(client: FlaskClient, make: Factory) -> None:
    staff = make.token("coordinator", f"school:{make.school()}")
    body = client.post("/api/v1/rounds", json={"name": "R"}, headers=staff).get_json()
    assert body["no_response"] == "decline" and body["respond_by"] is None


def test_one_non_responder_blocks_the_follow_up_before_the_deadline(
        client: FlaskClient, make: Factory) -> None:
    r = _published(client, make)
    _deadline(client, r, FUTURE)
    assert_problem(client.post(f"{r['url']}/follow-up", headers=r["staff"]), 409)


def test_the_follow_up_starts_after_the_deadline_declining_the_unanswered(
        client: FlaskClient, make: Factory) -> None:
    r = _published(client, make, students=2)
    [mine] = client.get("/api/v1/assignments", headers=r["students"][1]).get_json()
    assert client.post(f"/api/v1/assignments/{mine['id']}/accept",
                       headers=r["students"][1]).status_code == 200
    _deadline(client, r, PAST)
    response = client.post(f"{r['url']}/follow-up", headers=r["staff"])
    assert response.status_code == 201, response.get_json()
    assert _status(client, r) == "declined"
    events = client.get("/api/v1/audit?action=assignment.expire",
                        headers=make.admin()).get_json()
    assert [(e["entity_id"], e["actor_role"]) for e in events] == [(r["id"], "system")]


def test_the_unanswered_are_accepted_when_the_rule_says_so(client: FlaskClient,
                                                            make: Factory) -> None:
    r = _published(client, make)
    _deadline(client, r, PAST, "accept")
    assert client.post(f"{r['url']}/follow-up", headers=r["staff"]).status_code == 201
    assert _status(client, r) == "accepted"


def test_a_student_cannot_answer_after_the_deadline(client: FlaskClient,
                                                    make: Factory) -> None:
    r = _published(client, make)
    _deadline(client, r, PAST)
    assert_problem(client.post(f"/api/v1/assignments/{r['id']}/accept", headers=r["me"]), 409)


def test_the_sweep_settles_overdue_proposals(app: Flask, client: FlaskClient,
                                             make: Factory) -> None:
    r = _published(client, make)
    _deadline(client, r, FUTURE)
    assert sweep_once(app) == 0 and _status(client, r) == "proposed"
    _deadline(client, r, PAST)
    assert sweep_once(app) == 1 and _status(client, r) == "declined"
    assert sweep_once(app) == 0


def test_a_coordinator_answers_on_a_students_behalf_with_a_reason(
        client: FlaskClient, make: Factory) -> None:
    r = _published(client, make)
    response = client.post(f"/api/v1/assignments/{r['id']}/accept",
                           json={"reason": "telefonisch bevestigd"}, headers=r["staff"])
    assert response.status_code == 200 and response.get_json()["status"] == "accepted"
    [event] = client.get(f"/api/v1/audit?action=assignment.accept&entity_id={r['id']}",
                         headers=make.admin()).get_json()
    assert event["actor_role"] == "coordinator"
    assert event["after"]["reason"] == "telefonisch bevestigd"


def test_answering_on_a_students_behalf_needs_a_reason(client: FlaskClient,
                                                       make: Factory) -> None:
    r = _published(client, make)
    assert_problem(client.post(f"/api/v1/assignments/{r['id']}/decline", headers=r["staff"]),
                   422, "reason")
    assert_problem(client.post(f"/api/v1/assignments/{r['id']}/decline",
                               json={"reason": "  "}, headers=r["staff"]), 422, "reason")


def test_an_admin_answers_on_a_students_behalf(client: FlaskClient, make: Factory) -> None:
    r = _published(client, make)
    response = client.post(f"/api/v1/assignments/{r['id']}/decline",
                           json={"reason": "student gestopt"}, headers=make.admin())
    assert response.status_code == 200 and response.get_json()["status"] == "declined"


def test_a_coordinator_does_not_answer_for_another_schools_student(
        client: FlaskClient, make: Factory) -> None:
    r = _published(client, make)
    other = make.token("coordinator", f"school:{make.school()}")
    assert_problem(client.post(f"/api/v1/assignments/{r['id']}/accept",
                               json={"reason": "x"}, headers=other), 404)


def test_the_dashboard_sets_the_deadline_of_a_published_round(client: FlaskClient,
                                                              make: Factory) -> None:
    r = _published(client, make)
    token = sign_in(client, r["staff"])
    form = client.get(f"{r['url'].replace('/api/v1', '/dashboard')}/edit").get_data(
        as_text=True)
    assert 'id="respond_by"' in form and 'id="objective"' not in form
    response = client.post(f"{r['url'].replace('/api/v1', '/dashboard')}/edit",
                           data={"csrf_token": token, "respond_by": "2030-06-01T17:00",
                                 "no_response": "accept"})
    assert response.status_code == 302, response.get_data(as_text=True)
    body = client.get(r["url"], headers=r["staff"]).get_json()
    # Dutch summer time is UTC+2: 17:00 there is 15:00 UTC.
    assert dt.datetime.fromisoformat(body["respond_by"]) == dt.datetime(
        2030, 6, 1, 15, 0, tzinfo=dt.UTC)
    assert body["no_response"] == "accept"
    page = client.get(r["url"].replace("/api/v1", "/dashboard")).get_data(as_text=True)
    assert "1 juni 2030, 17:00" in page  # texts.moment: Dutch date words, local time
