"""Every write is one transaction: a write that fails half-way leaves nothing behind."""

from __future__ import annotations

from flask.testing import FlaskClient

from .conftest import Factory, assert_problem


def test_a_rejected_offer_change_changes_nothing(client: FlaskClient, make: Factory) -> None:
    offer, headers = make.offer(capacity=2), make.admin()
    before = client.get(f"/api/v1/offers/{offer}", headers=headers).get_json()
    # capacity is applied before the qualification rule rejects the whole change
    response = client.patch(f"/api/v1/offers/{offer}", headers=headers,
                            json={"capacity": 9, "qualifications": ["90101"]})
    assert_problem(response, 422, "qualifications")
    assert client.get(f"/api/v1/offers/{offer}", headers=headers).get_json() == before


def test_a_rejected_student_change_keeps_the_old_regions(client: FlaskClient,
                                                         make: Factory) -> None:
    student, headers = make.student(available_from=None), make.admin()
    before = client.get(f"/api/v1/students/{student}", headers=headers).get_json()
    response = client.patch(f"/api/v1/students/{student}", headers=headers, json={
        "regions": ["regio-zwolle"], "available_from": "2027-05-01",
        "available_until": "2027-04-01"})
    assert_problem(response, 422, "available_until")
    assert client.get(f"/api/v1/students/{student}", headers=headers).get_json() == before


def test_a_rejected_offer_is_not_stored(client: FlaskClient, make: Factory) -> None:
    company, headers = make.company(), make.admin()
    response = client.post("/api/v1/offers", headers=headers, json={
        "company_id": company, "levels": [2], "pathways": ["BOL"], "sector": "zorg-welzijn",
        "region": "twente", "capacity": 1, "reserved_priority": 2})
    assert_problem(response, 422, "reserved_priority")
    assert client.get("/api/v1/offers", headers=headers).get_json() == []
