"""The dashboard in a real browser: headless Chromium (Debian's package) driven by Playwright.

The app is served by werkzeug on a free local port, on each test backend. A generated round
is imported, then the test signs in, opens, closes and allocates it through the pages, waits
for the progress to finish, checks that charts and tables show the stored numbers, then runs a
what-if scenario the same way and checks its comparison against what it stored. Each page's
screenshot lands in test-artifacts/dashboard/. No browser is downloaded: a missing
/usr/bin/chromium fails the test (the Makefile and .ci/run install it).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from seeds.generator import generate_round
from service.extensions import db
from service.identity.principals import Principal
from service.identity.tokens import issue_token
from service.models import Role, Round, Scenario
from service.rounds.imports import import_round

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "dashboard"


@pytest.fixture
def extra_config() -> dict[str, Any]:
    """Allocation runs as the embedded default does: a background thread of the app."""
    return {"JOBS_MODE": "thread"}


@pytest.fixture
def server(app: Flask) -> Iterator[str]:
    """The app on a free port in a background thread; its base URL."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install -y chromium"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    outside: list[str] = []

    def only_local(route: Any) -> None:
        # Every asset must come from the app itself; anything else is recorded and refused.
        if route.request.url.startswith(server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    yield page
    context.close()
    assert outside == [], f"the pages asked for outside resources: {outside}"


def seeded(app: Flask) -> tuple[int, str]:
    """A generated 400-student round imported by an admin, still in draft; an admin token."""
    admin = Principal(Role.ADMIN, "")
    doc = generate_round(400, seed=3)
    offers = {o["id"] for o in doc["offers"]}
    for student in doc["students"]:
        # The generator repeats and misspells some choices on purpose (the engine warns);
        # a stored round refuses them, so the lists are cleaned as a school's import would be.
        student["preferences"] = [o for o in dict.fromkeys(student["preferences"])
                                  if o in offers]
    with app.app_context(), db.transaction() as session:
        imported = import_round(session, admin, doc)
        token = issue_token(session, "admin", "")
        return imported.round.id, token


def stored_report(app: Flask, round_id: int) -> dict[str, Any]:
    with app.app_context():
        report = db.session.get(Round, round_id).report  # type: ignore[union-attr]
        assert report is not None
        return report


def stored_scenario(app: Flask, round_id: int) -> dict[str, Any]:
    """The round's one stored what-if: its name and report."""
    with app.app_context():
        scenario = db.session.scalars(select(Scenario).where(Scenario.round_id == round_id)
                                      ).one()
        return {"name": scenario.name, "report": scenario.report}


def shot(page: Page, backend: str, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{backend}-{name}.png"), full_page=True)


def confirm(page: Page, action: str) -> None:
    page.click(f"#action-{action}")
    expect(page.locator("#confirm")).to_be_visible()
    page.click("#confirm")


def test_a_coordinator_allocates_a_round_and_reads_its_results(
        app: Flask, server: str, page: Page, request: pytest.FixtureRequest,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    backend = request.node.callspec.params["app"]
    round_id, token = seeded(app)
    # The job waits while solving until the test lets it go, so the page shows it running.
    release = tmp_path / "release"
    monkeypatch.setenv("LEERPLEK_JOB_PAUSE_AT", "solving")
    monkeypatch.setenv("LEERPLEK_JOB_PAUSE_FILE", str(release))

    page.goto(f"{server}/dashboard/rounds")
    expect(page).to_have_url(f"{server}/dashboard/login?next=/dashboard/rounds")
    shot(page, backend, "login")
    page.fill("#token", token)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Rondes")
    shot(page, backend, "rounds")

    page.click(f"tr[data-round='{round_id}'] a")
    expect(page.locator("#round-students")).to_have_text("400")
    confirm(page, "open")
    expect(page.locator("#round-status")).to_have_text("open")
    confirm(page, "close")
    expect(page.locator("#round-status")).to_have_text("gesloten")
    page.click("#action-allocate")
    shot(page, backend, "confirm-allocate")
    page.click("#confirm")
    expect(page.locator("#progress")).to_have_attribute("data-state", "running",
                                                        timeout=60_000)
    expect(page.locator("#progress-text")).to_contain_text("%")
    shot(page, backend, "allocating")
    release.touch()
    expect(page.locator("#progress")).to_have_attribute("data-state", "finished",
                                                        timeout=120_000)
    expect(page.locator("#progress-text")).to_have_text("klaar")
    expect(page.locator("#round-status")).to_have_text("ingedeeld")
    shot(page, backend, "round")

    report = stored_report(app, round_id)
    stats = report["stats"]
    page.click("#link-results")
    expect(page.locator("#kpi-placed")).to_have_text(f"{stats['placed']} van {stats['students']}")
    expect(page.locator("#kpi-priority")).to_have_text(
        f"{stats['placed_priority']} van {stats['priority_students']}")
    bars = page.locator("#chart-rank rect.bar")
    assert [int(v) for v in bars.evaluate_all("els => els.map(e => e.dataset.value)")] == \
        stats["rank_profile"]
    assert page.locator("#chart-rank text.axis-label").all_text_contents() == [
        "voorkeur waarop geplaatst", "studenten"]
    expect(page.locator("#chart-rank .legend")).to_contain_text("geplaatst")
    shortage = page.locator("#shortage-table td.would-place").all_text_contents()
    assert [int(v) for v in shortage] == [c["would_place"] for c in report["shortage"]]
    cells = page.locator("#fill svg rect.cell").evaluate_all(
        "els => els.map(e => [+e.dataset.filled, +e.dataset.capacity])")
    assert cells and sum(f for f, _ in cells) >= stats["placed"]  # multi-level offers recount
    assert all(0 <= f <= c for f, c in cells)
    distance = page.locator("#chart-distance rect.bar").evaluate_all(
        "els => els.map(e => +e.dataset.value)")
    assert sum(distance) <= stats["placed"] and sum(distance) > 0
    unplaced = stats["students"] - stats["placed"]
    expect(page.locator("#unplaced #pager-total")).to_have_text(f"{unplaced} resultaten")
    shot(page, backend, "results")
    for section in ("fill", "shortage"):  # the two widest figures, also at readable size
        page.locator(f"#{section}").screenshot(path=str(ARTIFACTS / f"{backend}-{section}.png"))

    page.click("text=Scenario's")
    page.fill("#name", "Rangmaximaal")
    page.select_option("#objective", "rank_maximal")
    # The what-if is a background job too, held while solving so the page shows it running.
    release_scenario = tmp_path / "release-scenario"
    monkeypatch.setenv("LEERPLEK_JOB_PAUSE_FILE", str(release_scenario))
    page.click("#scenario-form button[type=submit]")
    expect(page.locator("#progress")).to_have_attribute("data-state", "running",
                                                        timeout=60_000)
    expect(page.locator("#scenarios-table tbody tr").first).to_contain_text("Rangmaximaal")
    shot(page, backend, "scenario-running")
    release_scenario.touch()
    # Once finished the page reloads and shows the comparison in place of the progress.
    expect(page.locator("#compare-table")).to_be_visible(timeout=120_000)
    expect(page.locator("#scenarios-table tbody tr").first).to_have_attribute(
        "data-status", "finished")
    scenario = stored_scenario(app, round_id)
    assert scenario["name"] == "Rangmaximaal"
    placed = page.locator("#compare-table tr[data-key='placed']")
    expect(placed.locator("td.now")).to_have_text(str(stats["placed"]))
    expect(placed.locator("td.then")).to_have_text(str(scenario["report"]["stats"]["placed"]))
    then = page.locator("#chart-compare-rank rect.bar").evaluate_all(
        "els => els.map(e => +e.dataset.value)")
    assert then[1::2] == scenario["report"]["stats"]["rank_profile"]
    assert page.locator("#chart-compare-rank text.axis-label").all_text_contents() == [
        "voorkeur waarop geplaatst", "studenten"]
    expect(page.locator("#chart-compare-rank .legend")).to_contain_text("scenario")
    expect(page.locator("#chart-compare-sectors .legend")).to_contain_text("huidige indeling")
    shot(page, backend, "scenarios")

    page.click("header nav >> text=Aanbod")
    expect(page.locator("#offers-table tbody tr")).to_have_count(50)
    page.fill("#q", "zzz-no-such-offer")
    page.click("#offer-filters button")
    expect(page.locator("#offers-table tbody")).to_contain_text("Geen aanbiedingen gevonden")
    page.goto(f"{server}/dashboard/offers")
    shot(page, backend, "offers")
    page.click("header nav >> text=Studenten")
    expect(page.locator("#students-table tbody tr")).to_have_count(50)
    shot(page, backend, "students")
    page.select_option("#plaatsing", "geplaatst")
    page.click("#student-filters button")
    expect(page.locator("#students-table td.placement").first).not_to_contain_text(
        "niet geplaatst")
    page.locator("#students-table tbody tr a").first.click()
    expect(page.locator("h1")).to_contain_text("Student ")
    expect(page.locator(f"#round-{round_id} p.placement")).to_contain_text("Status: voorstel")
    expect(page.locator(f"#round-{round_id} table.preferences tbody tr").first).to_be_visible()
    shot(page, backend, "student")

    page.click("header .logout button")
    expect(page).to_have_url(f"{server}/dashboard/login")
