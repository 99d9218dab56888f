"""The company completes its part of the praktijkovereenkomst on its own pages (issue 14):
the list of its accepted placements with their POK status, the form for its part (the API's
rules, errors next to the field), read-only once definitief, the bpv-blad, and another
company's POK out of sight; in Chromium at 360 and 1280 px without sideways scroll or
axe-core violation."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from service.extensions import db
from service.models import Assignment, AuditEvent, Offer, Pok

from . import test_dashboard_browser as dashboard
from .conftest import Factory, sign_in_web
from .test_company_browser import ARTIFACTS, signed_in_context
from .test_pok import SCHOOL_PART, _round

# The dashboard's browser and served app, and its checks: one setup for every surface.
browser, server = dashboard.browser, dashboard.server
WIDTHS, accessible, no_sideways_scroll = (dashboard.WIDTHS, dashboard.accessible,
                                          dashboard.no_sideways_scroll)

COMPANY_FORM = {"leerbedrijf_sbb_code": "100234567", "leerbedrijf_adres": "Stationsstraat 1",
                "leerbedrijf_postcode": "7511 AB", "leerbedrijf_plaats": "Enschede",
                "uren_per_week": "32", "dagen_per_week": "4", "csrf_token": "x"}


def company_of(app: Flask, assignment_id: int) -> int:
    with app.app_context():
        a = db.session.get(Assignment, assignment_id)
        assert a is not None
        offer = db.session.get(Offer, a.offer_id)
        assert offer is not None
        return offer.company_id


@pytest.fixture
def placed(app: Flask, client: FlaskClient, make: Factory) -> dict[str, Any]:
    """A published round whose student accepted a place, the company signed in on its pages."""
    r = _round(client, make)
    sign_in_web(client, "company", f"company:{company_of(app, r['id'])}", csrf="x")
    return {**r, "page": f"/bedrijf/praktijkovereenkomsten/{r['id']}"}


def pok_of(app: Flask, assignment_id: int) -> Pok:
    with app.app_context():
        pok = db.session.scalar(select(Pok).where(Pok.assignment_id == assignment_id))
        assert pok is not None
        db.session.expunge(pok)
        return pok


def html(response: Any) -> str:
    return str(response.get_data(as_text=True))


def test_the_list_shows_each_accepted_placement_with_its_status_in_dutch(
        client: FlaskClient, placed: dict[str, Any]) -> None:
    page = html(client.get("/bedrijf/praktijkovereenkomsten"))
    assert f'href="{placed["page"]}"' in page
    assert "voorlopig" in page


def test_a_placement_kept_in_a_follow_up_round_is_listed_once(
        client: FlaskClient, placed: dict[str, Any]) -> None:
    client.post(f"/api/v1/rounds/{placed['rid']}/follow-up", headers=placed["staff"])
    page = html(client.get("/bedrijf/praktijkovereenkomsten"))
    assert len(re.findall(r'<li class="panel" id="pok-', page)) == 1


def test_the_home_page_links_to_the_list(client: FlaskClient, placed: dict[str, Any]) -> None:
    assert 'href="/bedrijf/praktijkovereenkomsten"' in html(client.get("/bedrijf"))


def test_the_offer_page_links_an_accepted_student_to_its_pok(
        app: Flask, client: FlaskClient, placed: dict[str, Any]) -> None:
    with app.app_context():
        offer_id = db.session.get(Assignment, placed["id"]).offer_id  # type: ignore[union-attr]
    assert f'href="{placed["page"]}"' in html(client.get(f"/bedrijf/aanbod/{offer_id}"))


def test_a_company_without_placements_sees_none(client: FlaskClient, make: Factory) -> None:
    sign_in_web(client, "company", f"company:{make.company()}", csrf="x")
    assert 'id="no-poks"' in html(client.get("/bedrijf/praktijkovereenkomsten"))


def test_the_page_shows_the_school_s_part_and_only_the_company_s_fields(
        client: FlaskClient, placed: dict[str, Any]) -> None:
    page = html(client.get(placed["page"]))
    assert "1 februari 2027" in page  # the school's start date, read-only
    assert "<label for=\"leerbedrijf_plaats\">Plaats</label>" in page  # a town, not a place
    assert 'name="uren_per_week"' in page and 'name="uren_totaal"' not in page
    assert 'name="praktijkopleider_naam"' not in page  # no names on this deployment


def test_the_company_saves_its_part_through_the_form(
        app: Flask, client: FlaskClient, placed: dict[str, Any]) -> None:
    response = client.post(placed["page"], data=COMPANY_FORM)
    assert response.status_code == 302
    pok = pok_of(app, placed["id"])
    assert (pok.sbb_code, pok.postcode, pok.hours_per_week, pok.days_per_week) == (
        "100234567", "7511 AB", 32, 4)
    assert "opgeslagen" in html(client.get(response.headers["Location"]))


def test_saving_is_audited_as_the_api_does(app: Flask, client: FlaskClient,
                                           placed: dict[str, Any]) -> None:
    client.post(placed["page"], data=COMPANY_FORM)
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.action == "pok.update")).all()
    assert actions == ["pok.update"]


def test_both_parts_filled_in_make_the_pok_volledig(
        app: Flask, client: FlaskClient, placed: dict[str, Any]) -> None:
    client.patch(placed["pok"], json=SCHOOL_PART, headers=placed["staff"])
    client.post(placed["page"], data=COMPANY_FORM)
    assert pok_of(app, placed["id"]).status == "volledig"
    assert "volledig, klaar om te tekenen" in html(client.get("/bedrijf/praktijkovereenkomsten"))


def test_a_refused_field_is_marked_in_dutch_next_to_it(
        app: Flask, client: FlaskClient, placed: dict[str, Any]) -> None:
    # 40 hours in 3 days is more than 12 a day: the API's rule, named at the hours field.
    response = client.post(placed["page"], data={**COMPANY_FORM, "uren_per_week": "40",
                                                 "dagen_per_week": "3"})
    assert response.status_code == 422
    page = html(response)
    assert 'aria-describedby="uren_per_week-error"' in page
    assert re.search(r'id="uren_per_week-error"[^>]*>Vul 1 tot 60 uur in', page)
    assert 'value="40"' in page  # what was typed stays
    assert pok_of(app, placed["id"]).hours_per_week is None  # nothing half-saved


def test_a_malformed_field_is_refused_by_the_api_s_schema(
        client: FlaskClient, placed: dict[str, Any]) -> None:
    response = client.post(placed["page"], data={**COMPANY_FORM,
                                                 "leerbedrijf_postcode": "nergens"})
    assert response.status_code == 422
    assert 'aria-describedby="leerbedrijf_postcode-error"' in html(response)


def test_another_company_s_pok_is_not_found(app: Flask, client: FlaskClient,
                                            make: Factory, placed: dict[str, Any]) -> None:
    sign_in_web(client, "company", f"company:{make.company()}", csrf="x")
    assert client.get(placed["page"]).status_code == 404
    assert client.get(f"{placed['page']}/bpv-blad.pdf").status_code == 404
    assert client.post(placed["page"], data=COMPANY_FORM).status_code == 404
    assert pok_of(app, placed["id"]).sbb_code is None
    assert placed["page"] not in html(client.get("/bedrijf/praktijkovereenkomsten"))


def test_a_definitief_pok_is_read_only(app: Flask, client: FlaskClient,
                                       placed: dict[str, Any]) -> None:
    client.patch(placed["pok"], json=SCHOOL_PART, headers=placed["staff"])
    client.post(placed["page"], data=COMPANY_FORM)
    client.post(f"{placed['pok']}/finalize", headers=placed["staff"])
    page = html(client.get(placed["page"]))
    assert 'id="pok-form"' not in page and 'id="pok-final"' in page
    assert "100234567" in page  # the company's part, to read
    response = client.post(placed["page"], data={**COMPANY_FORM, "uren_per_week": "30"})
    assert response.status_code == 409
    assert pok_of(app, placed["id"]).hours_per_week == 32


def test_the_bpv_blad_is_a_pdf(client: FlaskClient, placed: dict[str, Any]) -> None:
    page = html(client.get(placed["page"]))
    assert f'href="{placed["page"]}/bpv-blad.pdf"' in page
    response = client.get(f"{placed['page']}/bpv-blad.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_company_fills_in_its_part_in_a_browser(
        browser: Browser, app: Flask, server: str, make: Factory, client: FlaskClient,
        width: int, request: pytest.FixtureRequest) -> None:
    backend = request.node.callspec.params["app"]
    r = _round(client, make)
    context = signed_in_context(browser, app, server, company_of(app, r["id"]), width)
    page = context.new_page()
    try:
        page.goto(server + "/bedrijf")
        page.get_by_role("link", name="Praktijkovereenkomsten").first.click()
        no_sideways_scroll(page)
        accessible(page)
        page.locator(f"#pok-{r['id']} a").click()
        for name, value in COMPANY_FORM.items():
            if name != "csrf_token":
                page.fill(f"#{name}", value)
        page.fill("#uren_per_week", "50")
        page.get_by_role("button", name="Opslaan").click()
        expect(page.locator("#uren_per_week-error")).to_be_visible()
        no_sideways_scroll(page)
        accessible(page)
        page.fill("#uren_per_week", "32")
        page.get_by_role("button", name="Opslaan").click()
        expect(page.locator("#pok-saved")).to_be_visible()
        no_sideways_scroll(page)
        accessible(page)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{backend}-{width}-pok.png"), full_page=True)
    finally:
        context.close()
    assert pok_of(app, r["id"]).hours_per_week == 32
