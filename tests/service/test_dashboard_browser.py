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
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from seeds.generator import generate_round
from service.extensions import db
from service.identity.links import PATH, create_link
from service.identity.principals import Principal
from service.identity.tokens import issue_token
from service.models import Role, Round, Scenario, School
from service.rounds.imports import import_round

from .conftest import Factory

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
    # Assertions wait up to 20 s, not Playwright's 5: under the whole suite on 2 cores a
    # page after a form post once took longer. A failing assertion still fails, only later.
    expect.set_options(timeout=20_000)
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
    round_id, _token = seeded(app)
    # The job waits while solving until the test lets it go, so the page shows it running.
    release = tmp_path / "release"
    monkeypatch.setenv("LEERPLEK_JOB_PAUSE_AT", "solving")
    monkeypatch.setenv("LEERPLEK_JOB_PAUSE_FILE", str(release))

    page.goto(f"{server}/dashboard/rounds")
    expect(page).to_have_url(f"{server}/inloggen")
    shot(page, backend, "login")
    page.goto(server + sign_in_link(app, "admin", ""))
    page.click("#use-link")
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
    expect(page.locator("#kpi-placed")).to_have_attribute("data-value", str(stats["placed"]))
    expect(page.locator("#kpi-priority")).to_have_text(
        f"{stats['placed_priority']} van {stats['priority_students']}")
    bars = page.locator("#chart-rank rect.bar")
    assert [int(v) for v in bars.evaluate_all("els => els.map(e => e.dataset.value)")] == \
        stats["rank_profile"]
    assert page.locator("#chart-rank text.axis-label").all_text_contents() == [
        "keuze waarop geplaatst", "studenten"]
    expect(page.locator("#chart-rank .legend")).to_contain_text("geplaatst")
    shortage = page.locator("#shortage-table td.would-place").evaluate_all(
        "els => els.map(e => +e.dataset.value)")
    assert shortage == [c["would_place"] for c in report["shortage"]]
    cells = page.locator("#fill td.cell").evaluate_all(
        "els => els.map(e => [+e.dataset.filled, +e.dataset.capacity])")
    assert cells and sum(f for f, _ in cells) >= stats["placed"]  # multi-level offers recount
    assert all(0 <= f <= c for f, c in cells)
    distance = page.locator("#chart-distance rect.bar").evaluate_all(
        "els => els.map(e => +e.dataset.value)")
    assert sum(distance) <= stats["placed"] and sum(distance) > 0
    unplaced = stats["students"] - stats["placed"]
    expect(page.locator("#unplaced #pager-total")).to_have_attribute("data-total", str(unplaced))
    shot(page, backend, "results")
    for section in ("fill", "shortage"):  # the two widest figures, also at readable size
        page.locator(f"#{section}").screenshot(path=str(ARTIFACTS / f"{backend}-{section}.png"))

    page.click("text=Scenario's")
    page.fill("#name", "Rangmaximaal")
    page.check("input[name=objective][value=rank_maximal]")
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
    expect(placed.locator("td.now")).to_have_attribute("data-value", str(stats["placed"]))
    expect(placed.locator("td.then")).to_have_attribute(
        "data-value", str(scenario["report"]["stats"]["placed"]))
    then = page.locator("#chart-compare-rank rect.bar").evaluate_all(
        "els => els.map(e => +e.dataset.value)")
    assert then[1::2] == scenario["report"]["stats"]["rank_profile"]
    assert page.locator("#chart-compare-rank text.axis-label").all_text_contents() == [
        "keuze waarop geplaatst", "studenten"]
    expect(page.locator("#chart-compare-rank .legend")).to_contain_text("scenario")
    expect(page.locator("#chart-compare-sectors .legend")).to_contain_text("huidige indeling")
    shot(page, backend, "scenarios")

    page.click("header nav >> text=Aanbod")
    expect(page.locator("#offers-table tbody tr")).to_have_count(50)
    page.fill("#q", "zzz-no-such-offer")
    page.click("#offer-filters button")
    expect(page.locator("#offers-table tbody")).to_contain_text("Geen aanbod gevonden")
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
    expect(page).to_have_url(f"{server}/inloggen")


# Every page on a phone and a desktop: no sideways page scroll, no axe-core violation -------

WIDTHS = (360, 1280)
WCAG_AA = {"runOnly": {"type": "tag",
                       "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}


def api(client: FlaskClient, method: str, path: str, token: str, **kw: Any) -> Any:
    response = client.open(f"/api/v1{path}", method=method,
                           headers={"Authorization": f"Bearer {token}"}, **kw)
    assert response.status_code < 300, response.get_data(as_text=True)
    return response.get_json()


def finished(client: FlaskClient, token: str, job: dict[str, Any]) -> None:
    deadline = time.monotonic() + 120
    while job["status"] not in ("finished", "failed") and time.monotonic() < deadline:
        time.sleep(0.2)
        job = api(client, "GET", f"/jobs/{job['id']}", token)
    assert job["status"] == "finished", job


@pytest.fixture
def allocated_round(app: Flask) -> dict[str, Any]:
    """The 400-student round allocated, with one finished what-if and a draft round beside it;
    driven through the API, so the page tests only read."""
    round_id, token = seeded(app)
    client = app.test_client()
    for action in ("open", "close"):
        api(client, "POST", f"/rounds/{round_id}/{action}", token)
    finished(client, token, api(client, "POST", f"/rounds/{round_id}/allocate", token))
    finished(client, token, api(client, "POST", f"/rounds/{round_id}/simulate", token,
                                json={"name": "Eerlijk", "policy": {"objective": "stable"}}))
    draft = api(client, "POST", "/rounds", token, json={"name": "Concept", "region": "twente"})
    with app.app_context():
        job = db.session.scalars(select(Scenario.job_id).where(Scenario.round_id == round_id)
                                 ).one()
    return {"round": round_id, "draft": draft["id"], "token": token, "job": job,
            "report": stored_report(app, round_id)}


def page_paths(seed: dict[str, Any]) -> dict[str, str]:
    rid = seed["round"]
    return {
        "rounds": "/dashboard/rounds",
        "round": f"/dashboard/rounds/{rid}",
        "confirm": f"/dashboard/rounds/{rid}/publish",
        "new-round": "/dashboard/rounds/new",
        "policy": f"/dashboard/rounds/{seed['draft']}/edit",
        "results": f"/dashboard/rounds/{rid}/results",
        "scenarios": f"/dashboard/rounds/{rid}/scenarios?job={seed['job']}",
        "offers": "/dashboard/offers",
        "students": "/dashboard/students",
        "messages": "/dashboard/messages",
        "not-found": "/dashboard/rounds/999999",
    }


def sign_in_link(app: Flask, role: str, scope: str) -> str:
    """The path of a new one-time sign-in link for ``role``/``scope``."""
    with app.app_context(), db.transaction() as session:
        return PATH + create_link(session, None, role, scope)[1]


def sign_in_page(page: Page, server: str, app: Flask, role: str = "admin", scope: str = ""
                 ) -> None:
    """Sign in as people do: open a one-time link, press its button."""
    page.goto(server + sign_in_link(app, role, scope))
    page.click("#use-link")
    expect(page.locator("h1")).to_have_text("Rondes")


def no_sideways_scroll(page: Page) -> None:
    # After a form's navigation the new DOM can be there before its stylesheet: measure the
    # page as it is shown, once loaded (a page unstyled for a moment is not a wide page).
    page.wait_for_load_state("load")
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width[0] > width[1]:  # name the widest culprits: elements reaching past the edge
        wide = page.evaluate("""w => Array.from(document.querySelectorAll('body *'))
            .filter(e => e.getBoundingClientRect().right > w)
            .slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className)""", width[1])
        raise AssertionError(f"{page.url}: the page is {width[0]} px wide in {width[1]}: "
                             f"{wide}")


def accessible(page: Page) -> None:
    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, f"{page.url}:\n{results.generate_report()}"


@pytest.mark.parametrize("width", WIDTHS)
def test_every_dashboard_page_fits_the_screen_and_passes_axe(
        app: Flask, browser: Browser, server: str, allocated_round: dict[str, Any], width: int,
        request: pytest.FixtureRequest) -> None:
    backend = request.node.callspec.params["app"]
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{server}/inloggen")
        no_sideways_scroll(page)
        accessible(page)
        shot(page, backend, f"{width}-login")
        sign_in_page(page, server, app)
        for name, path in page_paths(allocated_round).items():
            response = page.goto(server + path)
            assert response is not None
            assert response.status == (404 if name == "not-found" else 200), name
            assert page.get_attribute("html", "lang") == "nl"
            no_sideways_scroll(page)
            # Sign-out stays on screen, however narrow.
            box = page.locator("header .logout button").bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, name
            accessible(page)
            shot(page, backend, f"{width}-{name}")
            page.screenshot(path=str(ARTIFACTS / f"{backend}-{width}-{name}-top.png"))
        for section in ("fill", "shortage", "unplaced"):  # results, section by section
            page.goto(f"{server}{page_paths(allocated_round)['results']}")
            page.locator(f"#{section}").screenshot(
                path=str(ARTIFACTS / f"{backend}-{width}-results-{section}.png"))
    finally:
        context.close()


def test_the_header_names_role_and_scope_in_words(
        app: Flask, browser: Browser, server: str) -> None:
    with app.app_context(), db.transaction() as session:
        school = School(name="ROC van Twente", code="rocvantwente", region="twente")
        session.add(school)
        session.flush()
        school_id = school.id
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    try:
        sign_in_page(page, server, app, "coordinator", f"school:{school_id}")
        expect(page.locator("#who")).to_have_text("Coördinator · ROC van Twente")
    finally:
        context.close()


def unplaced_reasons(page: Page) -> list[str]:
    return page.locator("#unplaced-table tbody tr[data-reason]").evaluate_all(
        "rows => rows.map(r => r.dataset.reason)")


@pytest.mark.parametrize("script", [True, False], ids=["javascript", "no-javascript"])
def test_the_reason_filter_narrows_the_unplaced_table(
        app: Flask, browser: Browser, server: str, allocated_round: dict[str, Any],
        script: bool) -> None:
    report = allocated_round["report"]
    counts: dict[str, int] = {}
    for entry in report["unassigned"]:
        counts[entry["reason"]] = counts.get(entry["reason"], 0) + 1
    assert counts, "the seeded round places everyone: nothing to filter"
    reason = min(counts, key=lambda code: counts[code])  # the rarest: fewest rows
    context = browser.new_context(viewport={"width": 360, "height": 800},
                                  java_script_enabled=script)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    try:
        sign_in_page(page, server, app)
        page.goto(f"{server}/dashboard/rounds/{allocated_round['round']}/results")
        before = unplaced_reasons(page)
        assert len(before) == min(sum(counts.values()), 50) and set(before) <= set(counts)
        with page.expect_navigation():
            page.select_option("#reason", reason)
            if not script:  # without JavaScript, the form's own button
                page.click("#reason-filter button[type=submit]")
        assert f"reason={reason}" in page.url
        expect(page.locator("#reason")).to_have_value(reason)
        expect(page.locator("#unplaced #pager-total")).to_have_attribute(
            "data-total", str(counts[reason]))
        shown = unplaced_reasons(page)
        assert shown and set(shown) == {reason}
        assert len(shown) == min(counts[reason], 50)
        assert not [e for e in errors if "Content Security Policy" in e], errors
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_shared_rounds_results_show_the_coordinators_own_students_on_any_screen(
        browser: Browser, server: str, app: Flask, make: Factory, width: int) -> None:
    # A province round with a student of the coordinator's school and one of another: the
    # results page adds their own series and heat tables, and still fits and passes axe.
    client = app.test_client()
    admin = make.admin()["Authorization"].removeprefix("Bearer ")
    mine_school, other_school = make.school(), make.school()
    rid = api(client, "POST", "/rounds", admin, json={"name": "Provincie"})["id"]
    offer = make.offer(round_id=rid, capacity=5)
    api(client, "POST", f"/rounds/{rid}/open", admin)
    for sid in (make.student(mine_school), make.student(other_school)):
        api(client, "PUT", f"/rounds/{rid}/preferences/{sid}", admin, json={"offers": [offer]})
    api(client, "POST", f"/rounds/{rid}/close", admin)
    finished(client, admin, api(client, "POST", f"/rounds/{rid}/allocate", admin))
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        sign_in_page(page, server, app, "coordinator", f"school:{mine_school}")
        page.goto(f"{server}/dashboard/rounds/{rid}/results")
        expect(page.locator("#fill-mine-2 caption")).to_have_text("Niveau 2: uw studenten")
        expect(page.locator("#fill-mine-2 td[data-filled='1']")).to_have_count(1)
        expect(page.locator("#chart-rank")).to_contain_text("uw studenten")
        no_sideways_scroll(page)
        accessible(page)
    finally:
        context.close()
