"""A draft offer is not offered yet: it never enters its round's allocation or figures."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from service.extensions import db
from service.identity.principals import Principal
from service.models import Role, Round
from service.rounds.scenarios import current_sectors
from service.web.staff.analysis import fill_rates, round_rows

from .conftest import Factory, assert_problem


def _round_with_a_draft(client: FlaskClient, make: Factory) -> tuple[int, int, int]:
    admin = make.admin()
    rnd = client.post("/api/v1/rounds", headers=admin, json={"name": "R"}).get_json()["id"]
    company = make.company()
    open_offer = make.offer(company, round_id=rnd, capacity=2)
    draft = make.offer(company, round_id=rnd, capacity=5, status="draft", sector="techniek",
                       qualifications=[])
    return rnd, open_offer, draft


def test_the_round_export_leaves_drafts_out(client: FlaskClient, make: Factory) -> None:
    rnd, open_offer, _ = _round_with_a_draft(client, make)
    doc = client.get(f"/api/v1/rounds/{rnd}/export", headers=make.admin()).get_json()
    assert [o["id"] for o in doc["offers"]] == [str(open_offer)]


def test_capacity_figures_leave_drafts_out(app: Flask, client: FlaskClient,
                                           make: Factory) -> None:
    rnd, _, _ = _round_with_a_draft(client, make)
    with app.app_context():
        round_ = db.session.get(Round, rnd)
        assert round_ is not None
        assert set(current_sectors(db.session, round_)) == {"gastvrijheid"}
        assert sum(cap for level in fill_rates(db.session, round_).values()
                   for _, cap in level.values()) == 4  # the open offer, levels 2 and 3
        [row] = round_rows(db.session, Principal(Role.ADMIN, ""))
        assert (row.offers, row.capacity) == (1, 2)


def test_an_offer_with_preferences_cannot_go_back_to_draft(client: FlaskClient,
                                                           make: Factory) -> None:
    admin = make.admin()
    rnd = client.post("/api/v1/rounds", headers=admin, json={"name": "R"}).get_json()["id"]
    offer = make.offer(round_id=rnd)
    student = make.student()
    client.post(f"/api/v1/rounds/{rnd}/open", headers=admin)
    listed = client.put(f"/api/v1/rounds/{rnd}/preferences/{student}", headers=admin,
                        json={"offers": [offer]})
    assert listed.status_code == 200, listed.get_json()
    response = client.patch(f"/api/v1/offers/{offer}", headers=admin, json={"status": "draft"})
    assert_problem(response, 409, "status")
