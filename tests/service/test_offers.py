"""Offers: a company posts and edits only its own; everyone sees only what is theirs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from service.extensions import db
from service.models import AuditEvent

from .conftest import Factory, assert_problem, statements


def new_offer(company_id: int | None = None, **kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Kok", "levels": [2, 3], "pathways": ["BOL", "BBL"],
        "qualifications": ["25180"], "sector": "gastvrijheid", "region": "twente",
        "location": {"lat": 52.222, "lon": 6.894}, "capacity": 3, "reserved_priority": 1,
        "start": "2027-02-01", "end": "2027-07-01", **kw}
    if company_id is not None:
        data["company_id"] = company_id
    return data


def test_a_company_posts_an_offer_for_itself(client: FlaskClient, make: Factory) -> None:
    company = make.company()
    response = client.post("/api/v1/offers", json=new_offer(),
                           headers=make.token("company", f"company:{company}"))
    assert response.status_code == 201
    body = response.get_json()
    assert body["company_id"] == company and body["status"] == "draft"
    assert {k: body[k] for k in new_offer()} == new_offer()


def test_a_company_may_not_post_for_another(client: FlaskClient, make: Factory) -> None:
    own, other = make.company(), make.company()
    response = client.post("/api/v1/offers", json=new_offer(other),
                           headers=make.token("company", f"company:{own}"))
    assert_problem(response, 403, "company_id")


def test_staff_must_name_the_company(client: FlaskClient, make: Factory) -> None:
    assert_problem(client.post("/api/v1/offers", json=new_offer(), headers=make.admin()),
                   422, "company_id")


def test_an_unknown_company_is_named(client: FlaskClient, make: Factory) -> None:
    assert_problem(client.post("/api/v1/offers", json=new_offer(999), headers=make.admin()),
                   422, "company_id")


def test_qualifications_must_be_recognised_for_the_company(client: FlaskClient,
                                                           make: Factory) -> None:
    company = make.company(qualifications=["25180"])
    response = client.post("/api/v1/offers", json=new_offer(company, qualifications=["25603"]),
                           headers=make.admin())
    assert_problem(response, 422, "qualifications")


@pytest.mark.parametrize(("change", "field"), [
    ({"levels": []}, "levels"), ({"levels": [5]}, "levels.0"),
    ({"pathways": ["stage"]}, "pathways.0"), ({"capacity": -1}, "capacity"),
    ({"reserved_priority": 4}, "reserved_priority"), ({"end": "2027-01-01"}, "end"),
    ({"location": {"lat": 91, "lon": 6}}, "location.lat"), ({"status": "gone"}, "status"),
    ({"start": "soon"}, "start"),
])
def test_invalid_offer_fields_are_named(client: FlaskClient, make: Factory,
                                        change: dict[str, Any], field: str) -> None:
    response = client.post("/api/v1/offers", json=new_offer(make.company(), **change),
                           headers=make.admin())
    assert_problem(response, 422, field)


def test_a_company_edits_its_own_offer(client: FlaskClient, make: Factory) -> None:
    company = make.company()
    offer = make.offer(company)
    response = client.patch(f"/api/v1/offers/{offer}", json={"capacity": 5, "status": "open"},
                            headers=make.token("company", f"company:{company}"))
    assert response.status_code == 200
    assert response.get_json()["capacity"] == 5


def test_another_companys_offer_is_404_for_a_company(client: FlaskClient,
                                                    make: Factory) -> None:
    own, other = make.company(), make.company()
    offer = make.offer(other)
    headers = make.token("company", f"company:{own}")
    assert_problem(client.get(f"/api/v1/offers/{offer}", headers=headers), 404)
    assert_problem(client.patch(f"/api/v1/offers/{offer}", json={"capacity": 9},
                                headers=headers), 404)
    assert_problem(client.delete(f"/api/v1/offers/{offer}", headers=headers), 404)


def test_a_company_may_not_hand_its_offer_to_another(client: FlaskClient,
                                                     make: Factory) -> None:
    own, other = make.company(), make.company()
    offer = make.offer(own)
    response = client.patch(f"/api/v1/offers/{offer}", json={"company_id": other},
                            headers=make.token("company", f"company:{own}"))
    assert_problem(response, 403, "company_id")


def test_a_student_sees_open_offers_only(client: FlaskClient, make: Factory) -> None:
    open_offer, draft = make.offer(status="open"), make.offer(status="draft")
    headers = make.token("student", f"student:{make.student()}")
    assert [o["id"] for o in client.get("/api/v1/offers", headers=headers).get_json()] == [
        open_offer]
    assert_problem(client.get(f"/api/v1/offers/{draft}", headers=headers), 404)


def test_a_student_may_not_post_offers(client: FlaskClient, make: Factory) -> None:
    headers = make.token("student", f"student:{make.student()}")
    assert_problem(client.post("/api/v1/offers", json=new_offer(make.company()),
                               headers=headers), 403)


def test_a_coordinator_sees_and_edits_every_offer(client: FlaskClient, make: Factory) -> None:
    offer = make.offer(status="draft")
    headers = make.token("coordinator", f"school:{make.school()}")
    assert client.get(f"/api/v1/offers/{offer}", headers=headers).status_code == 200
    assert client.patch(f"/api/v1/offers/{offer}", json={"title": "Chef"},
                        headers=headers).status_code == 200


def test_a_company_lists_only_its_own_offers(client: FlaskClient, make: Factory) -> None:
    own, other = make.company(), make.company()
    mine = make.offer(own)
    make.offer(other)
    headers = make.token("company", f"company:{own}")
    assert [o["id"] for o in client.get("/api/v1/offers", headers=headers).get_json()] == [mine]


def test_a_draft_offer_is_deleted(client: FlaskClient, make: Factory) -> None:
    offer = make.offer(status="draft")
    assert client.delete(f"/api/v1/offers/{offer}", headers=make.admin()).status_code == 204


def test_an_open_offer_cannot_be_deleted(client: FlaskClient, make: Factory) -> None:
    offer = make.offer(status="open")
    assert_problem(client.delete(f"/api/v1/offers/{offer}", headers=make.admin()), 409,
                   "status")


@pytest.mark.parametrize(("query", "expected"), [
    ("region=regio-zwolle", ["zwolle"]), ("sector=zorg", ["zorg"]), ("level=4", ["zorg"]),
    ("pathway=BBL", ["zwolle"]), ("status=draft", ["draft"]),
    ("level=2", ["twente", "zwolle", "draft"]),
])
def test_offers_filter(client: FlaskClient, make: Factory, query: str,
                       expected: list[str]) -> None:
    ids = {
        "twente": make.offer(title="twente"),
        "zwolle": make.offer(title="zwolle", region="regio-zwolle", pathways=["BOL", "BBL"]),
        "zorg": make.offer(title="zorg", sector="zorg", levels=[4], qualifications=[]),
        "draft": make.offer(title="draft", status="draft"),
    }
    response = client.get(f"/api/v1/offers?{query}", headers=make.admin())
    assert [o["id"] for o in response.get_json()] == [ids[name] for name in expected]


def test_offers_are_paginated(client: FlaskClient, make: Factory) -> None:
    company = make.company()
    ids = [make.offer(company) for _ in range(5)]
    response = client.get("/api/v1/offers?page=2&page_size=2", headers=make.admin())
    assert [o["id"] for o in response.get_json()] == ids[2:4]
    meta = json.loads(response.headers["X-Pagination"])
    assert meta["total"] == 5 and meta["total_pages"] == 3 and meta["page"] == 2


def test_a_page_size_over_the_limit_is_named(client: FlaskClient, make: Factory) -> None:
    assert_problem(client.get("/api/v1/offers?page_size=1000", headers=make.admin()), 422,
                   "page_size")


def test_an_unknown_filter_value_is_named(client: FlaskClient, make: Factory) -> None:
    assert_problem(client.get("/api/v1/offers?pathway=stage", headers=make.admin()), 422,
                   "pathway")


def test_a_company_posts_an_offer_in_four_statements(client: FlaskClient,
                                                    make: Factory) -> None:
    """The demo's and an integration's hot write (docs/PERFORMANCE.md, "The offer POST"):
    the token; one look-up of the named reference values, the company, the round, the
    environment and whether a webhook listens; the offer; its audit event. (Before: the
    four reference tables read whole, the company, the round twice, the webhook check on
    their own, eleven in all.)"""
    school = make.school()
    rid = client.post("/api/v1/rounds", json={"name": "Voorjaar"}, headers=make.token(
        "coordinator", f"school:{school}")).get_json()["id"]
    company = make.company()
    env = client.post("/api/v1/environments", headers=make.admin(), json={
        "name": "E", "capacity": 2, "region": "twente"}).get_json()["id"]
    me = make.token("company", f"company:{company}")
    body = new_offer(round_id=rid, environment_id=env, status="open",
                     qualifications=["25180", "25603"])
    with statements(client.application) as seen:
        response = client.post("/api/v1/offers", json=body, headers=me)
    assert response.status_code == 201, response.get_json()
    assert len(seen) == 4, seen
    with client.application.app_context():
        [created] = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "offer.create")).all()
        # Placed as the ORM's record() places an offer: its round, that round's school,
        # its own region.
        assert (created.entity_id, created.round_id, created.school_id, created.region) == (
            response.get_json()["id"], rid, school, "twente")
        assert created.after is not None and created.after["status"] == "open"
        assert created.before is None and created.actor_role == "company"


def test_a_changed_offer_records_only_what_changed(client: FlaskClient,
                                                   make: Factory) -> None:
    """A PATCH's event holds the changed fields; one that changes nothing records none."""
    offer = make.offer(region="twente")
    admin = make.admin()
    got = client.get(f"/api/v1/offers/{offer}", headers=admin)
    response = client.patch(f"/api/v1/offers/{offer}", json={"title": "Kok", "capacity": 2},
                            headers={**admin, "If-Match": got.headers["ETag"]})
    assert response.status_code == 200, response.get_json()
    response = client.patch(f"/api/v1/offers/{offer}", json={"capacity": 3},
                            headers={**admin, "If-Match": response.headers["ETag"]})
    assert response.status_code == 200, response.get_json()
    with client.application.app_context():
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "offer.update")).all()
        assert [(e.entity_id, e.before, e.after, e.round_id, e.school_id, e.region)
                for e in events] == [(offer, {"capacity": 2}, {"capacity": 3}, None, None,
                                      "twente")]


@pytest.mark.parametrize(("change", "field"), [
    ({"round_id": 999}, "round_id"), ({"environment_id": 999}, "environment_id"),
    ({"company_id": 999, "sector": "economy"}, "sector")])
def test_missing_records_are_named_in_order(client: FlaskClient, make: Factory,
                                            change: dict[str, Any], field: str) -> None:
    """A missing round or environment is named; an unknown reference value comes first."""
    body = assert_problem(client.post("/api/v1/offers", headers=make.admin(), json={
        **new_offer(make.company()), **change}), 422, field)
    assert [e["field"] for e in body["errors"]] == [field]
