"""ETag and If-Match on offers and students: a stale write is refused with 412."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from service.models import Assignment, Round

from .conftest import Factory, assert_problem


def test_an_offer_carries_an_etag_that_changes_with_it(client: FlaskClient,
                                                       make: Factory) -> None:
    offer, headers = make.offer(), make.admin()
    first = client.get(f"/api/v1/offers/{offer}", headers=headers)
    again = client.get(f"/api/v1/offers/{offer}", headers=headers)
    assert first.headers["ETag"] and first.headers["ETag"] == again.headers["ETag"]
    changed = client.patch(f"/api/v1/offers/{offer}", json={"capacity": 5}, headers=headers)
    assert changed.headers["ETag"] not in (None, first.headers["ETag"])
    assert client.get(f"/api/v1/offers/{offer}",
                      headers=headers).headers["ETag"] == changed.headers["ETag"]


def test_a_write_with_the_current_etag_succeeds(client: FlaskClient, make: Factory) -> None:
    offer, headers = make.offer(), make.admin()
    tag = client.get(f"/api/v1/offers/{offer}", headers=headers).headers["ETag"]
    response = client.patch(f"/api/v1/offers/{offer}", json={"title": "Zelfstandig kok"},
                            headers={**headers, "If-Match": tag})
    assert response.status_code == 200 and response.get_json()["title"] == "Zelfstandig kok"


def test_a_stale_write_is_refused_and_changes_nothing(client: FlaskClient,
                                                      make: Factory) -> None:
    company = make.company()
    offer = make.offer(company)
    staff, own = make.admin(), make.token("company", f"company:{company}")
    tag = client.get(f"/api/v1/offers/{offer}", headers=own).headers["ETag"]
    client.patch(f"/api/v1/offers/{offer}", json={"capacity": 1}, headers=staff)
    before = client.get(f"/api/v1/offers/{offer}", headers=staff).get_json()
    response = client.patch(f"/api/v1/offers/{offer}", json={"title": "Sous-chef"},
                            headers={**own, "If-Match": tag})
    assert_problem(response, 412, "If-Match")
    assert client.get(f"/api/v1/offers/{offer}", headers=staff).get_json() == before


def test_a_stale_delete_is_refused(client: FlaskClient, make: Factory) -> None:
    offer, headers = make.offer(status="draft"), make.admin()
    tag = client.get(f"/api/v1/offers/{offer}", headers=headers).headers["ETag"]
    client.patch(f"/api/v1/offers/{offer}", json={"title": "Nieuw"}, headers=headers)
    response = client.delete(f"/api/v1/offers/{offer}", headers={**headers, "If-Match": tag})
    assert_problem(response, 412, "If-Match")
    assert client.get(f"/api/v1/offers/{offer}", headers=headers).status_code == 200


def test_if_match_is_optional_by_default(client: FlaskClient, make: Factory) -> None:
    offer, headers = make.offer(), make.admin()
    response = client.patch(f"/api/v1/offers/{offer}", json={"capacity": 4}, headers=headers)
    assert response.status_code == 200


def test_if_match_can_be_required(app: Flask, client: FlaskClient, make: Factory) -> None:
    app.config["REQUIRE_IF_MATCH"] = True
    offer, headers = make.offer(), make.admin()
    assert_problem(client.patch(f"/api/v1/offers/{offer}", json={"capacity": 4},
                                headers=headers), 428, "If-Match")
    tag = client.get(f"/api/v1/offers/{offer}", headers=headers).headers["ETag"]
    assert client.patch(f"/api/v1/offers/{offer}", json={"capacity": 4},
                        headers={**headers, "If-Match": tag}).status_code == 200


def test_a_stale_student_write_is_refused(client: FlaskClient, make: Factory) -> None:
    student, headers = make.student(), make.admin()
    tag = client.get(f"/api/v1/students/{student}", headers=headers).headers["ETag"]
    client.patch(f"/api/v1/students/{student}", json={"level": 3}, headers=headers)
    response = client.patch(f"/api/v1/students/{student}", json={"level": 4},
                            headers={**headers, "If-Match": tag})
    assert_problem(response, 412, "If-Match")
    assert client.get(f"/api/v1/students/{student}", headers=headers).get_json()["level"] == 3


def test_an_accept_without_a_free_seat_is_a_conflict(client: FlaskClient,
                                                     make: Factory) -> None:
    # The company cut the offer to one seat after allocation; both students try to accept.
    school = make.school()
    rid = make._add(Round(name="R", school_id=school, status="published"))
    offer = make.offer(round_id=rid, capacity=1)
    students = [make.student(school) for _ in range(2)]
    ids = [make._add(Assignment(round_id=rid, student_id=s, offer_id=offer, rank=1))
           for s in students]
    tokens = [make.token("student", f"student:{s}") for s in students]
    assert client.post(f"/api/v1/assignments/{ids[0]}/accept",
                       headers=tokens[0]).status_code == 200
    body = assert_problem(client.post(f"/api/v1/assignments/{ids[1]}/accept",
                                      headers=tokens[1]), 409)
    assert "no seat left" in body["detail"]
    # Declining needs no seat.
    declined = client.post(f"/api/v1/assignments/{ids[1]}/decline", headers=tokens[1])
    assert declined.get_json()["status"] == "declined"
