"""A praktijkovereenkomst that becomes ready to sign tells its parties: an e-mail to the
student and the company (messages) and a ``pok.ready`` webhook, in the change's transaction."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from service.extensions import db
from service.models import Company, Message, Offer, Pok, Student, WebhookDelivery

from .conftest import Factory
from .test_pok import _complete, _round


@pytest.fixture
def extra_config() -> dict[str, Any]:
    # A local receiver may be registered; nothing is sent in these tests (no sweep).
    return {"WEBHOOK_ALLOW_HTTP": True, "WEBHOOK_ALLOW_PRIVATE": True, "WEBHOOK_SWEEP_S": 0,
            "MESSAGES_SWEEP_S": 0}


def _addresses(app: Flask) -> None:
    with app.app_context(), db.session.begin():
        db.session.execute(update(Student).values(email="student@leerling.example"))
        db.session.execute(update(Company).values(email="bpv@bedrijf.example"))


def test_a_ready_pok_mails_student_and_company_once(app: Flask, client: FlaskClient,
                                                    make: Factory) -> None:
    r = _round(client, make)
    _addresses(app)
    assert _complete(client, r)["status"] == "volledig"
    # Another change to a volledig POK is not a second "ready".
    client.patch(r["pok"], json={"uren_per_week": 30}, headers=r["company"])
    with app.app_context():
        sent = sorted(db.session.scalars(
            select(Message.recipient).where(Message.kind == "pok_ready")))
    assert sent == ["bpv@bedrijf.example", "student@leerling.example"]


def test_a_ready_pok_is_a_webhook_for_the_company(app: Flask, client: FlaskClient,
                                                 make: Factory) -> None:
    r = _round(client, make)
    with app.app_context():
        company_id = db.session.scalar(select(Offer.company_id))
    hook = client.post("/api/v1/webhooks", headers=make.admin(), json={
        "url": "http://127.0.0.1:9/hook", "company_id": company_id, "events": ["pok.ready"]})
    assert hook.status_code == 201, hook.get_json()
    _complete(client, r)
    with app.app_context():
        pok_id = db.session.scalar(select(Pok.id))
        [payload] = db.session.scalars(
            select(WebhookDelivery.payload).where(WebhookDelivery.event == "pok.ready"))
    assert payload["data"]["assignment_id"] == r["id"]
    assert payload["data"]["pok_id"] == pok_id
