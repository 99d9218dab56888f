"""The public monitor page in a real browser: headless Chromium through Playwright, axe-core
(WCAG 2.1 AA) at phone and desktop width, no sideways scroll, no sign-in, nothing from
outside the app. Fixtures and checks are the dashboard's (test_dashboard_browser)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, expect

from .conftest import Factory
from .test_dashboard_browser import (  # noqa: F401 - fixtures used by name
    WIDTHS,
    accessible,
    browser,
    no_sideways_scroll,
    server,
    shot,
    sign_in_page,
)
from .test_monitor import agreement, hand_round


@pytest.fixture
def published(app: Flask, client: FlaskClient, make: Factory) -> dict[str, Any]:
    """Two finished rounds in two school years, and an agreement."""
    first = hand_round(app, make)
    second = hand_round(app, make, finished_at=dt.datetime(2027, 9, 1, tzinfo=dt.UTC),
                        name="Twente najaar")
    created = client.post("/api/v1/agreements", json=agreement(), headers=make.admin())
    assert created.status_code == 201
    return {"rounds": [first, second], "agreement": created.get_json()}


@pytest.mark.parametrize("width", WIDTHS)
def test_the_monitor_page_fits_the_screen_and_passes_axe(
        browser: Browser, server: str, published: dict[str, Any], width: int,  # noqa: F811
        request: pytest.FixtureRequest) -> None:
    backend = request.node.callspec.params["app"]
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    outside: list[str] = []
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        server) else (outside.append(route.request.url), route.abort()))
    try:
        response = page.goto(f"{server}/monitor")
        assert response is not None and response.status == 200
        assert page.get_attribute("html", "lang") == "nl"
        expect(page.locator("h1")).to_contain_text("mbo-studenten in Overijssel")
        # The latest round is shown first; its shortage and heat maps are there.
        expect(page.locator("#round")).to_have_value(str(published["rounds"][1]))
        expect(page.locator("#shortage-table td.would-place")).to_have_attribute(
            "data-value", "12")
        expect(page.locator("#heat-2 td.cell")).to_have_attribute("data-filled", "16")
        expect(page.locator("#kpi-seeking")).to_have_text("33")
        expect(page.locator("#pathways-table tr[data-pathway='BBL'] td").nth(1)
               ).to_have_text("*")  # 3 BBL students: hidden
        expect(page.locator(f"tr[data-agreement='{published['agreement']['id']}'] .achieved")
               ).to_have_attribute("data-value", "2")
        expect(page.locator("#trend-regions tbody tr")).to_have_count(1)
        no_sideways_scroll(page)
        accessible(page)
        shot(page, backend, f"{width}-monitor")
        # Another round, chosen without a script: a plain GET form.
        page.select_option("#round", str(published["rounds"][0]))
        page.click("#round-choice button[type=submit]")
        expect(page).to_have_url(f"{server}/monitor?round={published['rounds'][0]}")
        expect(page.locator("#round")).to_have_value(str(published["rounds"][0]))
        no_sideways_scroll(page)
        accessible(page)
    finally:
        context.close()
    assert outside == []


def test_the_empty_monitor_passes_axe(browser: Browser, server: str) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{server}/monitor")
        expect(page.locator("#no-rounds")).to_be_visible()
        no_sideways_scroll(page)
        accessible(page)
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_dashboard_s_agreements_page_passes_axe(
        browser: Browser, server: str, app: Flask, published: dict[str, Any],  # noqa: F811
        width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        sign_in_page(page, server, app, "coordinator", "region:twente")
        page.click("text=Afspraken")
        expect(page.locator("h1")).to_have_text("Regionale afspraken")
        expect(page.locator(f"tr[data-agreement='{published['agreement']['id']}']")
               ).to_be_visible()
        no_sideways_scroll(page)
        accessible(page)
        # Recorded with the keyboard-reachable form, no script needed.
        page.fill("#title", "+10 stageplekken")
        page.select_option("#sector", "gastvrijheid")
        page.fill("#school_year", "2026-2027")
        page.fill("#target", "10")
        page.click("#agreement-form button[type=submit]")
        expect(page.locator("#agreements-table tbody tr")).to_have_count(2)
        page.fill("#school_year", "2026")
        page.fill("#title", "fout")
        page.fill("#target", "10")
        page.click("#agreement-form button[type=submit]")
        expect(page.locator("#school_year-error")).to_be_visible()
        accessible(page)
    finally:
        context.close()
