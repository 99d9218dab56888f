"""Signing in in a real browser (Debian's Chromium through Playwright): through a one-time
link and through a school's OpenID Connect provider (``oidc-provider-mock`` served over HTTP
in a thread), every sign-in page axe-clean and without sideways scroll at 360 and 1280 px,
and a coordinator's printable sign-in letters likewise. Screenshots in test-artifacts/signin/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import oidc_provider_mock
import pytest
import requests
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from service.extensions import db
from service.models import TOKEN_SESSION, ApiToken

from .test_dashboard_browser import (  # noqa: F401  (the fixtures browser, server)
    WIDTHS,
    accessible,
    browser,
    no_sideways_scroll,
    server,
    sign_in_link,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "signin"
CLAIM = "studentnummer"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with oidc_provider_mock.run_server_in_thread(require_nonce=True) as running:
        yield f"http://localhost:{running.server_port}"


@pytest.fixture
def extra_config(provider: str) -> dict[str, Any]:
    return {"OIDC_PROVIDERS": {"1": {"issuer": provider, "client_id": "leerplek",
                                     "client_secret": "geheim", "student_claim": CLAIM}}}


def new_page(browser: Browser, width: int, *allowed: str) -> tuple[Any, Page, list[str]]:
    """A page that may load only from ``allowed`` origins (the app, the provider)."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    outside: list[str] = []

    def only_allowed(route: Any) -> None:
        if route.request.url.startswith(allowed):
            route.continue_()
        else:
            # Recorded when one of the app's pages asked (the provider's own page may ask a
            # CDN for its stylesheet; it is refused all the same).
            if route.request.frame.url.startswith(allowed[0]):
                outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_allowed)
    return context, page, outside


def check(page: Page, backend: str, name: str) -> None:
    assert page.get_attribute("html", "lang") == "nl"
    no_sideways_scroll(page)
    accessible(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{backend}-{name}.png"), full_page=True)


def session_scopes(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(ApiToken.scope).where(
            ApiToken.purpose == TOKEN_SESSION)))


@pytest.mark.parametrize("width", WIDTHS)
def test_a_student_signs_in_through_a_one_time_link(
        app: Flask, browser: Browser, server: str, make: Any, width: int,
        request: pytest.FixtureRequest) -> None:
    backend = request.node.callspec.params["app"]
    student = make.student(make.school(), student_number="100200")
    context, page, outside = new_page(browser, width, server)
    try:
        page.goto(f"{server}/inloggen")
        expect(page.locator("h1")).to_have_text("Inloggen")
        check(page, backend, f"{width}-start")
        path = sign_in_link(app, "student", f"student:{student}")
        page.goto(server + path)
        check(page, backend, f"{width}-link")
        page.keyboard.press("Tab")  # the skip link, then the button: no mouse needed
        page.keyboard.press("Tab")
        expect(page.locator("#use-link")).to_be_focused()
        page.keyboard.press("Enter")
        page.wait_for_url(f"{server}/student/")
        assert session_scopes(app) == [f"student:{student}"]
        page.goto(server + path)  # the same link again: used
        expect(page.locator("h1")).to_have_text("Inloggen is niet gelukt")
        check(page, backend, f"{width}-used")
    finally:
        context.close()
    assert outside == []


def test_a_student_signs_in_through_the_schools_provider(
        app: Flask, browser: Browser, server: str, make: Any, provider: str,
        request: pytest.FixtureRequest) -> None:
    backend = request.node.callspec.params["app"]
    school = make.school(name="ROC Oost")
    assert school == 1  # the school the provider is configured for
    student = make.student(school, student_number="300400")
    response = requests.put(f"{provider}/users/fleur", json={CLAIM: "300400"}, timeout=10)
    assert response.status_code == 204
    context, page, outside = new_page(browser, 360, server, provider)
    try:
        page.goto(f"{server}/inloggen")
        check(page, backend, "360-start-with-school")
        page.click("#school-1")
        page.wait_for_url(f"{provider}/**")  # the school's own sign-in page
        page.fill("input[name=sub]", "fleur")
        page.click("button:text('Authorize')")
        page.wait_for_url(f"{server}/student/")
        assert session_scopes(app) == [f"student:{student}"]
    finally:
        context.close()
    assert outside == []


@pytest.mark.parametrize("width", WIDTHS)
def test_a_coordinator_prints_sign_in_letters(
        app: Flask, browser: Browser, server: str, make: Any, width: int,
        request: pytest.FixtureRequest) -> None:
    backend = request.node.callspec.params["app"]
    school = make.school(name="ROC Oost")
    for n in range(3):
        make.student(school, student_number=f"5000{n}")
    context, page, outside = new_page(browser, width, server)
    try:
        page.goto(server + sign_in_link(app, "coordinator", f"school:{school}"))
        page.click("#use-link")
        page.goto(f"{server}/dashboard/links")
        check(page, backend, f"{width}-links")
        page.click("#make-links")
        expect(page.locator("article.letter")).to_have_count(3)
        expect(page.locator("article.letter svg")).to_have_count(3)
        check(page, backend, f"{width}-letters")
    finally:
        context.close()
    assert outside == []
