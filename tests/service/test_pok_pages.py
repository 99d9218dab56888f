"""The coordinators' POK pages: a round's praktijkovereenkomsten, the school's part as a form
that works without JavaScript, definitief after signing, the bpv-blad and the CSV; in
Chromium at 360 and 1280 px without sideways scroll or axe-core violation."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, expect

from service.pok.records import COLUMNS

from .conftest import Factory
from .test_dashboard import sign_in
from .test_dashboard_browser import (  # noqa: F401 (fixtures)
    ARTIFACTS,
    accessible,
    browser,
    no_sideways_scroll,
    server,
    sign_in_page,
)
from .test_pok import COMPANY_PART, _round

SCHOOL_FORM = {"begindatum": "2027-02-01", "geplande_einddatum": "2027-06-20",
               "uren_totaal": "640", "crebo": "25180", "leerweg": "BOL"}


def _pages(client: FlaskClient, make: Factory) -> tuple[dict[str, Any], str, str]:
    r = _round(client, make)
    token = sign_in(client, r["staff"])
    return r, f"/dashboard/rounds/{r['rid']}/pok", token


def test_the_round_page_links_to_its_praktijkovereenkomsten(client: FlaskClient,
                                                            make: Factory) -> None:
    r, base, _ = _pages(client, make)
    html = client.get(f"/dashboard/rounds/{r['rid']}").get_data(as_text=True)
    assert f'href="{base}"' in html and "Praktijkovereenkomsten" in html


def test_the_list_shows_each_accepted_placement_in_words(client: FlaskClient,
                                                         make: Factory) -> None:
    r, base, _ = _pages(client, make)
    html = client.get(base).get_data(as_text=True)
    assert f'data-placement="{r["id"]}"' in html and "voorlopig" in html
    assert f"{base}/{r['id']}/bpv-blad.pdf" in html


def test_the_school_fills_in_its_part_in_the_form(client: FlaskClient, make: Factory) -> None:
    r, base, token = _pages(client, make)
    client.patch(r["pok"], json=COMPANY_PART, headers=r["company"])
    response = client.post(f"{base}/{r['id']}", data={**SCHOOL_FORM, "csrf_token": token})
    assert response.status_code == 302
    html = client.get(f"{base}/{r['id']}").get_data(as_text=True)
    assert "volledig, klaar om te tekenen" in html and 'id="pok-finalize"' in html


def test_a_refused_field_is_marked_with_what_fits(client: FlaskClient, make: Factory) -> None:
    r, base, token = _pages(client, make)
    response = client.post(f"{base}/{r['id']}", data={
        **SCHOOL_FORM, "geplande_einddatum": "2027-01-01", "csrf_token": token})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'data-field="geplande_einddatum">Vul een datum na de begindatum in',
                     html)
    assert 'aria-invalid="true"' in html


def test_the_form_has_no_company_fields_for_the_school(client: FlaskClient,
                                                       make: Factory) -> None:
    r, base, _ = _pages(client, make)
    html = client.get(f"{base}/{r['id']}").get_data(as_text=True)
    assert 'name="uren_totaal"' in html and 'name="uren_per_week"' not in html
    assert 'name="praktijkbegeleider_naam"' not in html  # no names on this deployment


def test_a_signed_pok_is_made_definitief_on_its_page(client: FlaskClient,
                                                     make: Factory) -> None:
    r, base, token = _pages(client, make)
    client.patch(r["pok"], json=COMPANY_PART, headers=r["company"])
    client.post(f"{base}/{r['id']}", data={**SCHOOL_FORM, "csrf_token": token})
    response = client.post(f"{base}/{r['id']}/definitief", data={"csrf_token": token})
    assert response.status_code == 302
    html = client.get(f"{base}/{r['id']}").get_data(as_text=True)
    assert 'id="pok-final"' in html and 'id="pok-form"' not in html


def test_a_placement_of_another_round_is_not_found_under_this_one(
        client: FlaskClient, make: Factory) -> None:
    r, base, _ = _pages(client, make)
    other = _round(client, make, school=r["school"])
    assert client.get(f"{base}/{other['id']}").status_code == 404


def test_the_pages_give_the_pdf_and_the_csv(client: FlaskClient, make: Factory) -> None:
    r, base, _ = _pages(client, make)
    pdf = client.get(f"{base}/{r['id']}/bpv-blad.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.get_data().startswith(b"%PDF")
    text = client.get(f"{base}?format=csv&school={r['school']}").get_data(as_text=True)
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header == COLUMNS and len(rows) == 1


@pytest.mark.parametrize("width", [360, 1280])
def test_the_pok_pages_fit_the_screen_and_pass_axe(app: Flask, client: FlaskClient,
                                                   make: Factory,
                                                   browser: Browser,  # noqa: F811
                                                   server: str, width: int,  # noqa: F811
                                                   request: pytest.FixtureRequest) -> None:
    r = _round(client, make)
    backend = request.node.callspec.params["app"]
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        # The one-time link sign-in, as the coordinator of the round's school.
        sign_in_page(page, server, app, "coordinator", f"school:{r['school']}")
        base = f"{server}/dashboard/rounds/{r['rid']}/pok"
        for name, path in (("poks", base), ("pok", f"{base}/{r['id']}")):
            response = page.goto(path)
            assert response is not None and response.status == 200
            no_sideways_scroll(page)
            accessible(page)
            Path(ARTIFACTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{backend}-{width}-{name}.png"),
                            full_page=True)
        # The form by keyboard and without script: an end before the start is refused.
        page.fill("#begindatum", "2027-02-01")
        page.fill("#geplande_einddatum", "2027-01-01")
        page.focus("#uren_totaal")
        page.keyboard.type("640")
        page.keyboard.press("Enter")
        expect(page.locator("[data-field=geplande_einddatum]")).to_have_count(1)
        no_sideways_scroll(page)
        accessible(page)
    finally:
        context.close()
