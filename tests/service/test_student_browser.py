"""The student pages in a real browser (Debian's Chromium through Playwright).

Every page at 360 and 1280 px has no sideways page scroll and no axe-core violation; a student
ranks five offers with the keyboard alone. The student signs in through a one-time sign-in
link, as people do. Screenshots land in test-artifacts/student/.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from service.extensions import db
from service.models import Assignment, Round
from tests.service.conftest import Factory
from tests.service.test_dashboard_browser import (  # noqa: F401  (fixtures)
    WIDTHS,
    accessible,
    browser,
    no_sideways_scroll,
    server,
    sign_in_link,
)
from tests.service.test_student_pages import ENSCHEDE, my_list

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "student"
PLACES = [("Kok", 52.2215, 6.8937), ("Kok in de zorgkeuken", 52.2658, 6.7931),
          ("Medewerker bediening", 52.3508, 6.6684), ("Kok-assistent", 52.2570, 6.1600),
          ("Gastheer", 52.1550, 6.7500), ("Hulpkok", 52.3000, 6.9000),
          ("Cateringmedewerker", 52.1200, 6.6000)]


def shot(page: Page, backend: str, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{backend}-{name}.png"), full_page=True)


def student_round(make: Factory, **round_kw: Any) -> dict[str, Any]:
    school = make.school()
    sid = make.student(school, location=ENSCHEDE, max_travel_km=60.0,
                       student_number="99001")
    rid = make._add(Round(name="BPV voorjaar 2027", school_id=school, status="open",
                          max_preferences=6, **round_kw))
    company = make.company(name="Grand Hotel Twente")
    offers = [make.offer(company, round_id=rid, title=title, location={"lat": lat, "lon": lon},
                         start=dt.date(2027, 2, 1), end=dt.date(2027, 7, 1))
              for title, lat, lon in PLACES]
    return {"school": school, "student": sid, "round": rid, "offers": offers}


def signed_in_page(browser: Browser, app: Flask, base: str, sid: int,  # noqa: F811
                   width: int = 1280) -> Page:
    """A page in which the student signed in as people do: their one-time link, the button."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(base + sign_in_link(app, "student", f"student:{sid}"))
    page.click("#use-link")
    page.wait_for_url(f"{base}/student/")
    return page


def focused(page: Page, element_id: str) -> None:
    """The element has the focus once the page has settled (the browser focuses a
    fragment's target as it finishes loading, a moment after the content shows)."""
    page.wait_for_function("id => document.activeElement && document.activeElement.id === id",
                           arg=element_id, timeout=5000)


def tab_to(page: Page, selector: str, limit: int = 400) -> None:
    """Press Tab until ``selector`` has the focus: the keyboard alone, like a person."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)",
                         selector):
            return
    raise AssertionError(f"{selector} never got the focus")


def test_a_student_ranks_five_offers_with_the_keyboard(
        app: Flask, make: Factory, browser: Browser, server: str,  # noqa: F811
        request: pytest.FixtureRequest) -> None:
    backend = request.node.callspec.params["app"]
    data = student_round(make)
    rid, offers = data["round"], data["offers"]
    page = signed_in_page(browser, app, server, data["student"])
    page.goto(f"{server}/student/")
    tab_to(page, f"[data-round='{rid}'] a.button")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Plekken voor jou")
    # The five nearest, in the page's order: after each add the page comes back at that
    # offer, and the keyboard goes on from there to the next one.
    shown = page.locator("#offers > li").evaluate_all("els => els.map(e => +e.dataset.offer)")
    assert sorted(shown) == sorted(offers)
    chosen = shown[:5]
    for oid in chosen:
        tab_to(page, f"#add-{oid}")
        page.keyboard.press("Enter")
        expect(page.locator("#flash-saved")).to_be_visible()
        expect(page.locator(f"#on-list-{oid}")).to_be_visible()
        focused(page, f"offer-{oid}")
    shot(page, backend, "keyboard-offers")
    assert my_list(app, rid, data["student"]) == chosen

    tab_to(page, "#to-list")
    page.keyboard.press("Enter")
    expect(page.locator("#list-count")).to_have_attribute("data-count", "5")
    # The fifth becomes the first by typing its new number, then the (now) third moves up.
    tab_to(page, f"#position-{chosen[4]}")
    page.keyboard.press("Control+A")
    page.keyboard.type("1")
    page.keyboard.press("Enter")
    expect(page.locator("#flash-saved")).to_be_visible()
    # Back at the moved entry, so the keyboard goes on from where it was.
    focused(page, f"entry-{chosen[4]}")
    tab_to(page, f"#up-{chosen[1]}")
    page.keyboard.press("Enter")
    expect(page.locator("#flash-saved")).to_be_visible()
    expected = [chosen[4], chosen[1], chosen[0], chosen[2], chosen[3]]
    order = page.locator("#my-list > li").evaluate_all("els => els.map(e => +e.dataset.offer)")
    assert order == expected
    assert my_list(app, rid, data["student"]) == expected
    shot(page, backend, "keyboard-list")
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_every_student_page_fits_the_screen_and_passes_axe(
        app: Flask, make: Factory, browser: Browser, server: str,  # noqa: F811
        width: int, request: pytest.FixtureRequest) -> None:
    backend = request.node.callspec.params["app"]
    data = student_round(make)
    rid, offers = data["round"], data["offers"]
    # A published round beside it, with a placement to answer.
    done = make._add(Round(name="BPV najaar 2026", school_id=data["school"],
                           status="published", report={"stats": {}, "unassigned": []},
                           respond_by=dt.datetime.now(dt.UTC) + dt.timedelta(days=5)))
    placed_at = make.offer(make.company(name="Zorggroep Oost"), round_id=done, title="Kok",
                           location={"lat": 52.2658, "lon": 6.7931},
                           start=dt.date(2026, 9, 1), end=dt.date(2027, 1, 31))
    with app.app_context(), db.transaction() as session:
        session.add(Assignment(round_id=done, student_id=data["student"], offer_id=placed_at,
                               rank=2))
    page = signed_in_page(browser, app, server, data["student"], width)
    page.goto(f"{server}/student/rounds/{rid}/offers")
    for oid in offers[:3]:
        page.click(f"#add-{oid}")
    paths = {
        "rounds": "/student/",
        "offers": f"/student/rounds/{rid}/offers",
        "offers-filtered": f"/student/rounds/{rid}/offers?km=abc&q=kok",
        "offer": f"/student/rounds/{rid}/offers/{offers[0]}",
        "list": f"/student/rounds/{rid}",
        "result": f"/student/rounds/{done}",
        "not-found": "/student/rounds/999999",
    }
    try:
        for name, path in paths.items():
            page.goto(f"{server}{path}")
            no_sideways_scroll(page)
            accessible(page)
            shot(page, backend, f"{width}-{name}")
        page.goto(f"{server}/student/rounds/{done}")
        page.click("#accept")
        expect(page.locator("#result-status")).to_have_attribute("data-status", "accepted")
        accessible(page)
        shot(page, backend, f"{width}-accepted")
    finally:
        page.context.close()
