"""The company pages in a real browser (Debian's Chromium through Playwright): every page at
360 and 1280 px without an axe-core violation or sideways scroll, and a company that posts
an offer through the form (a field error first, then fixed) and consents to a BBL student.
Screenshots land in test-artifacts/company/."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from service.extensions import db
from service.models import Assignment, Offer, Preference, Round

from . import test_dashboard_browser as dashboard
from .conftest import Factory
from .test_company_pages import add, published

# The dashboard's browser and served app, and its checks: one setup for every surface.
browser, server = dashboard.browser, dashboard.server
WIDTHS, accessible, no_sideways_scroll = (dashboard.WIDTHS, dashboard.accessible,
                                          dashboard.no_sideways_scroll)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "company"


def signed_in_context(browser: Browser, app: Flask, server: str, company_id: int, width: int
                      ) -> BrowserContext:
    """A browser in which the company signed in as people do: its one-time link, the button."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(server + dashboard.sign_in_link(app, "company", f"company:{company_id}"))
    page.click("#use-link")
    expect(page.locator("h1")).to_have_text(re.compile("^Plekken van "))
    page.close()
    return context


@pytest.fixture
def company_page(browser: Browser, app: Flask, server: str, make: Factory
                 ) -> Iterator[tuple[Page, int]]:
    cid = make.company(name="Brasserie De Kater")
    context = signed_in_context(browser, app, server, cid, 1280)
    page = context.new_page()
    outside: list[str] = []

    def only_local(route: Any) -> None:
        if route.request.url.startswith(server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    yield page, cid
    context.close()
    assert outside == [], f"the pages asked for outside resources: {outside}"


def shot(page: Page, backend: str, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{backend}-{name}.png"), full_page=True)


def test_a_company_posts_an_offer_and_consents_to_a_bbl_student(
        app: Flask, server: str, make: Factory, company_page: tuple[Page, int],
        request: pytest.FixtureRequest) -> None:
    backend = request.node.callspec.params["app"]
    page, cid = company_page
    page.goto(f"{server}/bedrijf")
    expect(page.locator("h1")).to_have_text("Plekken van Brasserie De Kater")
    page.click("text=Nieuwe plek aanbieden")

    page.fill("#title", "Kok in de brasserie")
    page.select_option("#sector", label="Voedsel en gastvrijheid")
    page.check("input[name=qualifications][value='25180']")
    page.check("input[name=levels][value='2']")
    page.check("input[name=pathways][value='BBL']")
    page.select_option("#region", label="Twente")
    page.fill("#place", "Enschde")  # a typo: not a place of the reference data
    page.fill("#capacity", "2")
    page.fill("#days_per_week", "4")
    page.fill("#hours_per_week", "32")
    page.fill("#description", "Meewerken in de keuken.")
    page.click("main button[type=submit]")

    expect(page.locator("#place-error")).to_have_text(
        "Kies een plaats uit de lijst, of laat het veld leeg.")
    expect(page.locator("#place")).to_have_attribute("aria-invalid", "true")
    accessible(page)
    shot(page, backend, "offer-form-error")
    page.fill("#place", "Enschede")
    page.click("main button[type=submit]")

    expect(page.locator("h1")).to_have_text("Kok in de brasserie")
    expect(page.locator("#offer-status")).to_have_text("concept")
    page.click("#publish")
    expect(page.locator("#offer-status")).to_have_text("open")
    with app.app_context():
        offer = db.session.scalars(select(Offer)).one()
        assert (offer.company_id, offer.place, offer.status) == (cid, "Enschede", "open")
        oid = offer.id

    aid = published(app, make, oid, ["BBL"])
    page.goto(f"{server}/bedrijf/aanbod/{oid}")
    expect(page.locator(f"#proposal-{aid}")).to_contain_text("ROC van Twente")
    accessible(page)
    shot(page, backend, "proposal")
    page.click(f"#accept-{aid}")
    expect(page.locator(f"#proposal-{aid} .answer-status")).to_have_text(
        "U heeft geaccepteerd; wacht op de student.")
    with app.app_context():
        assert db.session.get(Assignment, aid).company_response == "accepted"  # type: ignore
    shot(page, backend, "consented")


def pages_of(app: Flask, make: Factory, cid: int) -> dict[str, str]:
    """One of each page: the overview, the profile, the form, an offer before and after its
    round is published, an error."""
    rid = add(app, Round(name="Voorjaar", status="open"))
    listed = make.offer(cid, title="Kok", round_id=rid, place="Enschede", days_per_week=4,
                        hours_per_week=32, description="Meewerken in de keuken.",
                        start=dt.date(2027, 2, 1), end=dt.date(2027, 6, 30))
    add(app, Preference(round_id=rid, student_id=make.student(), offer_id=listed, rank=1))
    proposed = make.offer(cid, title="Leerling-kok", pathways=["BBL"])
    published(app, make, proposed, ["BBL"])
    return {"home": "/bedrijf", "profile": "/bedrijf/profiel", "new": "/bedrijf/aanbod/nieuw",
            "edit": f"/bedrijf/aanbod/{listed}/wijzigen", "listed": f"/bedrijf/aanbod/{listed}",
            "proposed": f"/bedrijf/aanbod/{proposed}", "not-found": "/bedrijf/aanbod/999999"}


@pytest.mark.parametrize("width", WIDTHS)
def test_every_company_page_fits_the_screen_and_passes_axe(
        browser: Browser, app: Flask, server: str, make: Factory, width: int,
        request: pytest.FixtureRequest) -> None:
    backend = request.node.callspec.params["app"]
    cid = make.company(name="Brasserie De Kater")
    paths = pages_of(app, make, cid)
    context = signed_in_context(browser, app, server, cid, width)
    page = context.new_page()
    try:
        for name, path in paths.items():
            response = page.goto(server + path)
            assert response is not None
            assert response.status == (404 if name == "not-found" else 200), name
            assert page.get_attribute("html", "lang") == "nl"
            no_sideways_scroll(page)
            accessible(page)
            shot(page, backend, f"{width}-{name}")
    finally:
        context.close()
