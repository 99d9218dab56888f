"""Issue 13 end to end, in a real browser (Debian's Chromium through Playwright), as people
use it: a company signs in through a one-time link and posts an offer through the form (a
field error first); a BBL student signs in (a one-time link, or the school's OpenID Connect
provider, ``oidc-provider-mock`` served in a thread), filters the offers and ranks five with
the keyboard alone; the coordinator closes, allocates and publishes the round (the API); the
student accepts, the company consents, and the placement is accepted. axe-core checks each
page on the way. Screenshots land in test-artifacts/people/.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import oidc_provider_mock
import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from service.extensions import db
from service.models import Assignment, Offer, Round

from . import test_dashboard_browser as dashboard
from .conftest import Factory
from .test_dashboard_browser import accessible, api, finished, no_sideways_scroll, sign_in_link
from .test_student_browser import focused, tab_to
from .test_student_pages import ENSCHEDE, my_list

# The dashboard's browser and served app: one setup for every surface.
browser, server = dashboard.browser, dashboard.server
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "people"
CLAIM = "studentnummer"
# The round's other places (title, lat, lon): three have "kok" in their title.
OTHERS = [("Kok", 52.2215, 6.8937), ("Kok in de zorgkeuken", 52.2658, 6.7931),
          ("Medewerker bediening", 52.3508, 6.6684), ("Kok-assistent", 52.2570, 6.1600),
          ("Gastheer", 52.1550, 6.7500), ("Hulpkok", 52.3000, 6.9000),
          ("Cateringmedewerker", 52.1200, 6.6000)]


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with oidc_provider_mock.run_server_in_thread(require_nonce=True) as running:
        yield f"http://localhost:{running.server_port}"


@pytest.fixture
def extra_config(provider: str) -> dict[str, Any]:
    """School 1 (the first each test makes) signs its students in through the provider."""
    return {"OIDC_PROVIDERS": {"1": {"issuer": provider, "client_id": "leerplek",
                                     "client_secret": "geheim", "student_claim": CLAIM}}}


def person(browser: Browser, width: int, *allowed: str
           ) -> tuple[BrowserContext, Page, list[str]]:
    """A person's own browser, loading only from ``allowed`` (the app, the provider)."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    outside: list[str] = []

    def only_allowed(route: Any) -> None:
        if route.request.url.startswith(allowed):
            route.continue_()
        else:
            # Counted when one of the app's pages asked (the provider's own page may ask a
            # CDN for its stylesheet; that is refused all the same).
            if route.request.frame.url.startswith(allowed[0]):
                outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_allowed)
    return context, page, outside


def check(page: Page, backend: str, name: str) -> None:
    """What every page a person meets must be: Dutch, no sideways scroll, axe-clean."""
    assert page.get_attribute("html", "lang") == "nl"
    no_sideways_scroll(page)
    accessible(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{backend}-{name}.png"), full_page=True)


def a_round(app: Flask, make: Factory) -> dict[str, Any]:
    """School 1 with an open round, a BBL student living in Enschede, a company recognised
    for course 25180 and seven places of other companies in the round."""
    school = make.school(name="ROC Oost", contact_name="Anna de Vries",
                         contact_email="bpv@rocoost.example")
    assert school == 1  # the school the provider is configured for
    student = make.student(school, student_number="300400", pathways=["BBL"],
                           location=ENSCHEDE, max_travel_km=60.0)
    rid = make._add(Round(name="BPV voorjaar 2027", school_id=school, status="open",
                          max_preferences=6))
    others = make.company(name="Horeca Twente")
    offers = {title: make.offer(others, round_id=rid, title=title, pathways=["BBL"],
                                location={"lat": lat, "lon": lon},
                                start=dt.date(2027, 2, 1), end=dt.date(2027, 7, 1))
              for title, lat, lon in OTHERS}
    return {"school": school, "student": student, "round": rid, "offers": offers,
            "company": make.company(name="Brasserie De Kater")}


def company_posts_an_offer(page: Page, server: str, app: Flask, data: dict[str, Any],
                           backend: str) -> int:
    page.goto(server + sign_in_link(app, "company", f"company:{data['company']}"))
    check(page, backend, "company-link")
    page.click("#use-link")
    expect(page.locator("h1")).to_have_text("Plekken van Brasserie De Kater")
    check(page, backend, "company-home")
    page.click("text=Nieuwe plek aanbieden")
    page.fill("#title", "Kok in de brasserie")
    page.select_option("#sector", label="Voedsel en gastvrijheid")
    page.check("input[name=qualifications][value='25180']")
    page.check("input[name=levels][value='2']")
    page.check("input[name=pathways][value='BBL']")
    page.select_option("#region", label="Twente")
    page.fill("#place", "Enschde")  # a typo: no place of the reference data
    page.fill("#capacity", "1")
    page.fill("#days_per_week", "4")
    page.fill("#hours_per_week", "32")
    page.fill("#description", "Meewerken in de keuken.")
    page.select_option("#round_id", str(data["round"]))
    page.click("main button[type=submit]")
    expect(page.locator("#place-error")).to_have_text(
        "Kies een plaats uit de lijst, of laat het veld leeg.")
    expect(page.locator("#place")).to_have_attribute("aria-invalid", "true")
    check(page, backend, "company-form-error")
    page.fill("#place", "Enschede")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Kok in de brasserie")
    page.click("#publish")
    expect(page.locator("#offer-status")).to_have_text("open")
    check(page, backend, "company-offer")
    with app.app_context():
        offer = db.session.scalars(select(Offer).where(
            Offer.company_id == data["company"])).one()
        assert (offer.round_id, offer.status, offer.pathways) == (data["round"], "open", ["BBL"])
        return offer.id


def student_ranks_five(page: Page, server: str, app: Flask, data: dict[str, Any], mine: int,
                       backend: str) -> list[int]:
    """From the rounds page: filter on "kok", put the five found on the list with the
    keyboard (the company's last), then type 1 as its new number. The list as stored."""
    rid, offers = data["round"], data["offers"]
    check(page, backend, "student-rounds")
    tab_to(page, f"[data-round='{rid}'] a.button")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Plekken voor jou")
    shown = page.locator("#offers > li").evaluate_all("els => els.map(e => +e.dataset.offer)")
    assert sorted(shown) == sorted([*offers.values(), mine])
    page.fill("#q", "kok")
    page.keyboard.press("Enter")
    expect(page.locator("#offers > li")).to_have_count(5)
    check(page, backend, "student-filtered")
    found = page.locator("#offers > li").evaluate_all("els => els.map(e => +e.dataset.offer)")
    kok = [offers[t] for t in ("Kok", "Kok in de zorgkeuken", "Kok-assistent", "Hulpkok")]
    assert sorted(found) == sorted([*kok, mine])
    chosen = [oid for oid in found if oid != mine] + [mine]
    for oid in chosen:
        tab_to(page, f"#add-{oid}")
        page.keyboard.press("Enter")
        expect(page.locator("#flash-saved")).to_be_visible()
        expect(page.locator(f"#on-list-{oid}")).to_be_visible()
        focused(page, f"offer-{oid}")
    assert my_list(app, rid, data["student"]) == chosen

    tab_to(page, "#to-list")
    page.keyboard.press("Enter")
    expect(page.locator("#list-count")).to_have_attribute("data-count", "5")
    tab_to(page, f"#position-{mine}")
    page.keyboard.press("Control+A")
    page.keyboard.type("1")
    page.keyboard.press("Enter")
    expect(page.locator("#flash-saved")).to_be_visible()
    focused(page, f"entry-{mine}")
    expected = [mine, *chosen[:4]]
    order = page.locator("#my-list > li").evaluate_all("els => els.map(e => +e.dataset.offer)")
    assert order == expected
    check(page, backend, "student-list")
    return my_list(app, rid, data["student"])


def coordinator_publishes(app: Flask, make: Factory, rid: int) -> None:
    """Close, allocate and publish through the API, as a coordinator's system does."""
    client: FlaskClient = app.test_client()
    token = make.token("coordinator", "school:1")["Authorization"].split()[1]
    api(client, "POST", f"/rounds/{rid}/close", token)
    finished(client, token, api(client, "POST", f"/rounds/{rid}/allocate", token))
    api(client, "POST", f"/rounds/{rid}/publish", token)


def placement_is_agreed(student: Page, company: Page, server: str, app: Flask,
                        data: dict[str, Any], mine: int, backend: str) -> None:
    rid = data["round"]
    student.goto(f"{server}/student/rounds/{rid}")
    expect(student.locator("#result-company")).to_have_text("Brasserie De Kater")
    check(student, backend, "student-result")
    student.click("#accept")
    expect(student.locator("#result-status")).to_contain_text("wacht op het bedrijf")
    check(student, backend, "student-waits")

    with app.app_context():
        aid = db.session.scalars(select(Assignment.id).where(
            Assignment.round_id == rid, Assignment.student_id == data["student"])).one()
    company.goto(f"{server}/bedrijf/aanbod/{mine}")
    expect(company.locator(f"#proposal-{aid}")).to_contain_text("ROC Oost")
    check(company, backend, "company-proposal")
    company.click(f"#accept-{aid}")
    check(company, backend, "company-consented")

    student.goto(f"{server}/student/rounds/{rid}")
    expect(student.locator("#result-status")).to_have_attribute("data-status", "accepted")
    check(student, backend, "student-accepted")
    with app.app_context():
        placed = db.session.get(Assignment, aid)
        assert placed is not None
        assert (placed.offer_id, placed.status, placed.company_response) == (
            mine, "accepted", "accepted")


@pytest.mark.parametrize("via", ["link", "school"])
def test_a_student_and_a_company_go_from_sign_in_to_an_agreed_placement(
        app: Flask, make: Factory, browser: Browser, server: str,
        provider: str, via: str, request: pytest.FixtureRequest) -> None:
    backend = f"{request.node.callspec.params['app']}-{via}"
    data = a_round(app, make)
    company_context, company, company_outside = person(browser, 1280, server)
    student_context, student, student_outside = person(browser, 360, server, provider)
    try:
        mine = company_posts_an_offer(company, server, app, data, backend)

        if via == "link":
            student.goto(server + sign_in_link(app, "student", f"student:{data['student']}"))
            check(student, backend, "student-link")
            tab_to(student, "#use-link")
            student.keyboard.press("Enter")
        else:
            response = requests.put(f"{provider}/users/fleur", json={CLAIM: "300400"},
                                    timeout=10)
            assert response.status_code == 204
            student.goto(f"{server}/inloggen")
            check(student, backend, "student-sign-in")
            student.click("#school-1")
            student.wait_for_url(f"{provider}/**")  # the school's own sign-in page
            student.fill("input[name=sub]", "fleur")
            student.click("button:text('Authorize')")
        student.wait_for_url(f"{server}/student/")
        ranked = student_ranks_five(student, server, app, data, mine, backend)
        assert ranked[0] == mine and len(ranked) == 5

        coordinator_publishes(app, make, data["round"])
        placement_is_agreed(student, company, server, app, data, mine, backend)
    finally:
        company_context.close()
        student_context.close()
    assert company_outside == [] and student_outside == []
