"""The audit log: every state change recorded in its own transaction, read by scope."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from service.extensions import db
from service.models import AuditEvent

from .conftest import Factory, assert_problem


def _events(client: FlaskClient, headers: dict[str, str], **query: Any) -> list[dict[str, Any]]:
    response = client.get("/api/v1/audit", headers=headers,
                          query_string={"page_size": 100, **query})
    assert response.status_code == 200, response.get_json()
    rows: list[dict[str, Any]] = response.get_json()
    return rows


def _count(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def _round(client: FlaskClient, make: Factory) -> dict[str, Any]:
    """A school's round taken to published: one student placed, with their tokens."""
    school = make.school()
    staff = make.token("coordinator", f"school:{school}")
    rid = client.post("/api/v1/rounds", json={"name": "Voorjaar"},
                      headers=staff).get_json()["id"]
    company = make.company()
    offer = make.offer(company, round_id=rid)
    student = make.student(school)
    me = make.token("student", f"student:{student}")
    url = f"/api/v1/rounds/{rid}"
    client.post(f"{url}/open", headers=staff)
    client.put(f"{url}/preferences/{student}", json={"offers": [offer]}, headers=me)
    client.post(f"{url}/close", headers=staff)
    client.post(f"{url}/allocate", headers=staff)
    client.post(f"{url}/publish", headers=staff)
    [row] = client.get(f"{url}/assignments", headers=staff).get_json()
    return {"round": rid, "school": school, "staff": staff, "student": student, "me": me,
            "assignment": row["id"], "offer": offer}


def test_round_transitions_are_recorded_with_actor_and_before_after(
        client: FlaskClient, make: Factory) -> None:
    r = _round(client, make)
    events = _events(client, r["staff"], round_id=r["round"], entity_type="round")
    actions = [e["action"] for e in reversed(events)]
    assert actions == ["round.create", "round.open", "round.close", "round.allocate",
                       "round.publish"]
    publish = events[0]
    assert publish["before"] == {"status": "allocated"}
    assert publish["after"] == {"status": "published"}
    assert publish["actor_role"] == "coordinator"
    assert publish["actor_scope"] == f"school:{r['school']}"
    assert isinstance(publish["actor_token_id"], int)


def test_allocation_is_recorded_with_its_assignment_count(client: FlaskClient,
                                                          make: Factory) -> None:
    r = _round(client, make)
    [event] = _events(client, r["staff"], action="round.allocate")
    assert event["entity_id"] == r["round"]
    assert event["before"] == {"status": "closed", "assignments": 0}
    assert event["after"]["status"] == "allocated"
    assert event["after"]["assignments"] == 1


def test_accept_is_recorded_with_the_changed_fields(client: FlaskClient,
                                                    make: Factory) -> None:
    r = _round(client, make)
    client.post(f"/api/v1/assignments/{r['assignment']}/accept", headers=r["me"])
    [event] = _events(client, r["staff"], action="assignment.accept")
    assert event["entity_id"] == r["assignment"] and event["round_id"] == r["round"]
    assert event["before"] == {"status": "proposed", "student_response": None}
    assert event["after"] == {"status": "accepted", "student_response": "accepted"}
    assert event["actor_role"] == "student"


def test_decline_is_recorded(client: FlaskClient, make: Factory) -> None:
    r = _round(client, make)
    client.post(f"/api/v1/assignments/{r['assignment']}/decline", headers=r["me"])
    [event] = _events(client, r["staff"], action="assignment.decline")
    assert event["after"]["status"] == "declined"


def test_a_refused_change_leaves_no_event(app: Flask, client: FlaskClient,
                                          make: Factory) -> None:
    r = _round(client, make)
    before = _count(app)
    # Publishing twice: the second is refused (409) and must leave no trace.
    assert_problem(client.post(f"/api/v1/rounds/{r['round']}/publish", headers=r["staff"]),
                   409)
    # A duplicate student number is refused only when the row is written (409).
    number = client.get(f"/api/v1/students/{r['student']}",
                        headers=r["staff"]).get_json()["student_number"]
    body = {"school_id": r["school"], "student_number": number, "level": 2,
            "pathways": ["BOL"], "sector": "zorg-welzijn", "regions": ["twente"]}
    assert_problem(client.post("/api/v1/students", json=body, headers=r["staff"]), 409)
    assert _count(app) == before


def test_an_event_rolls_back_with_a_change_that_fails_in_the_database(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    admin = make.admin()
    company = make.company()
    make.offer(company)
    before = _count(app)
    # The company still has an offer: the delete fails on the foreign key at flush time,
    # after its audit event was added to the session.
    response = client.delete(f"/api/v1/companies/{company}", headers=admin)
    assert response.status_code == 409
    assert _count(app) == before


def test_crud_writes_are_recorded_with_changed_fields_only(client: FlaskClient,
                                                           make: Factory) -> None:
    admin = make.admin()
    offer = make.offer(capacity=2)
    client.patch(f"/api/v1/offers/{offer}", json={"capacity": 3, "title": "Kok"},
                 headers=admin)
    [event] = _events(client, admin, action="offer.update")
    assert event["entity_id"] == offer
    assert event["before"] == {"capacity": 2} and event["after"] == {"capacity": 3}


def test_student_events_name_changed_fields_never_their_values(client: FlaskClient,
                                                               make: Factory) -> None:
    admin = make.admin()
    school = make.school()
    created = client.post("/api/v1/students", headers=admin, json={
        "school_id": school, "student_number": "NR-778899", "level": 2, "pathways": ["BOL"],
        "sector": "zorg-welzijn", "regions": ["twente"], "home_place": "Hengelo"}).get_json()
    client.patch(f"/api/v1/students/{created['id']}", json={"home_place": "Almelo"},
                 headers=admin)
    events = _events(client, admin, entity_type="student", entity_id=created["id"])
    assert [e["action"] for e in events] == ["student.update", "student.create"]
    # The location derived from the home place moved with it, so it changed too.
    assert events[0]["before"] == {"home_place": "[redacted]", "location": "[redacted]"}
    assert events[0]["after"] == {"home_place": "[redacted]", "location": "[redacted]"}
    text = str(events)
    assert "NR-778899" not in text and "Hengelo" not in text and "Almelo" not in text


def test_token_creation_and_revocation_are_recorded(client: FlaskClient,
                                                    make: Factory) -> None:
    admin = make.admin()
    school = make.school()
    issued = client.post("/api/v1/tokens", json={"role": "coordinator",
                                                 "scope": f"school:{school}"}, headers=admin)
    tid = issued.get_json()["id"]
    client.post(f"/api/v1/tokens/{tid}/revoke", headers=admin)
    events = _events(client, admin, entity_type="token", entity_id=tid)
    assert [e["action"] for e in events] == ["token.revoke", "token.create"]
    assert events[1]["after"] == {"role": "coordinator", "scope": f"school:{school}"}
    assert issued.get_json()["token"] not in str(events)


def test_coordinators_read_only_their_scope(client: FlaskClient, make: Factory) -> None:
    mine, theirs = _round(client, make), _round(client, make)
    seen = {e["round_id"] for e in _events(client, mine["staff"]) if e["round_id"]}
    assert seen == {mine["round"]}
    assert theirs["round"] not in seen


def test_regional_coordinators_read_their_regions_rounds(client: FlaskClient,
                                                         make: Factory) -> None:
    regional = make.token("coordinator", "region:salland")
    other = make.token("coordinator", "region:twente")
    rid = client.post("/api/v1/rounds", json={"name": "Salland"},
                      headers=regional).get_json()["id"]
    assert [e["action"] for e in _events(client, regional, entity_type="round")] == [
        "round.create"]
    assert rid not in {e["round_id"] for e in _events(client, other)}


def test_companies_and_students_may_not_read_the_log(client: FlaskClient,
                                                     make: Factory) -> None:
    assert_problem(client.get("/api/v1/audit",
                              headers=make.token("company", f"company:{make.company()}")), 403)
    assert_problem(client.get("/api/v1/audit",
                              headers=make.token("student", f"student:{make.student()}")), 403)


def test_the_log_filters_by_actor_role_and_time(client: FlaskClient, make: Factory) -> None:
    r = _round(client, make)
    admin = make.admin()
    by_students = _events(client, admin, actor_role="student")
    assert {e["action"] for e in by_students} == {"preferences.submit"}
    newest = _events(client, admin)[0]["at"]
    assert _events(client, admin, since="2999-01-01T00:00:00Z") == []
    assert _events(client, admin, until="2000-01-01T00:00:00") == []
    assert newest in {e["at"] for e in _events(client, admin, since="2000-01-01T00:00:00")}
    assert r["round"] in {e["round_id"] for e in _events(client, admin, action="round.open")}


def test_the_log_is_paginated(client: FlaskClient, make: Factory) -> None:
    admin = make.admin()
    for n in range(3):
        client.post("/api/v1/schools", json={"name": f"S{n}", "code": f"s{n}",
                                             "region": "twente"}, headers=admin)
    response = client.get("/api/v1/audit", headers=admin,
                          query_string={"action": "school.create", "page_size": 2})
    assert len(response.get_json()) == 2
    assert '"total": 3' in response.headers["X-Pagination"]


def test_bad_filters_are_refused_naming_the_field(client: FlaskClient, make: Factory) -> None:
    admin = make.admin()
    assert_problem(client.get("/api/v1/audit?since=yesterday", headers=admin), 422, "since")
    assert_problem(client.get("/api/v1/audit?actor_role=root", headers=admin), 422,
                   "actor_role")


def test_the_command_line_acts_as_system(app: Flask) -> None:
    from service.identity.tokens import issue_token

    with app.app_context(), db.transaction() as session:
        issue_token(session, "admin", "")
    with app.app_context():
        event = db.session.scalars(select(AuditEvent)).one()
        assert (event.actor_role, event.actor_token_id, event.action) == (
            "system", None, "token.create")


@pytest.mark.parametrize("field", ["round_id", "entity_id"])
def test_an_id_filter_past_the_integer_range_is_refused(client: FlaskClient, make: Factory,
                                                        field: str) -> None:
    # Found by bench/fuzz_api.py: the database driver overflowed (500) before this check.
    assert_problem(client.get(f"/api/v1/audit?{field}={2**80}", headers=make.admin()), 422,
                   field)


def test_a_job_filter_past_the_integer_range_is_refused(client: FlaskClient,
                                                        make: Factory) -> None:
    assert_problem(client.get(f"/api/v1/jobs?round_id={2**80}", headers=make.admin()), 422,
                   "round_id")
