"""The regional monitor: open figures over finished rounds, disclosure control, agreements.

The figures are checked against a round whose numbers are worked out by hand below; the
suppression is attacked the way a reader of the open data could: every published figure is
an equation over the unknown base cells, and for every hidden figure a linear program asks
for its smallest and largest value under those equations (counts are never negative). A
hidden figure whose range is a single value has been disclosed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskClient
from scipy.optimize import linprog
from sqlalchemy import select

from service.cli import main
from service.extensions import db
from service.models import (
    Assignment,
    AuditEvent,
    Offer,
    Round,
    RoundOffer,
    RoundStatus,
)
from service.monitor.disclosure import THRESHOLD, suppress
from service.monitor.export import write_export
from service.monitor.figures import COLUMNS, DIMENSIONS, Cell, RoundData, publish

from .conftest import Factory, assert_problem
from .test_dashboard import sign_in

MONITOR = "/api/v1/monitor"
FINISHED = dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC)  # school year 2026-2027


# A round by hand ----------------------------------------------------------------------------

def hand_round(app: Flask, make: Factory, status: str = RoundStatus.FINISHED.value,
               finished_at: dt.datetime = FINISHED, name: str = "Twente voorjaar") -> int:
    """A school round in Twente, hospitality (gastvrijheid), all level 2:

    - 30 BOL students; offer A (BOL, level 2, 15 seats): 15 accepted, a 16th declined;
    - 3 BBL students; offer B (BBL, levels 2 and 3, 2 seats): 1 accepted.

    So: 33 seeking, 16 placed, 17 unplaced; the report's shortage says 12 more would be
    placed by extra seats at level 2.
    """
    school = make.school()
    with app.app_context(), db.transaction() as session:
        rnd = Round(name=name, school_id=school, status=status,
                    finished_at=finished_at if status == RoundStatus.FINISHED else None,
                    report={"shortage": [{"region": "twente", "sector": "gastvrijheid",
                                          "level": 2, "unplaced_students": 15,
                                          "would_place": 12, "offers": 1}]})
        session.add(rnd)
        session.flush()
        round_id = rnd.id
    a = make.offer(round_id=round_id, levels=[2], pathways=["BOL"], capacity=15)
    b = make.offer(round_id=round_id, levels=[2, 3], pathways=["BBL"], capacity=2)
    bol = [make.student(school) for _ in range(30)]
    bbl = [make.student(school, pathways=["BBL"]) for _ in range(3)]
    with app.app_context(), db.transaction() as session:
        for student in bol[:15]:
            session.add(Assignment(round_id=round_id, student_id=student, offer_id=a,
                                   status="accepted"))
        session.add(Assignment(round_id=round_id, student_id=bol[15], offer_id=a,
                               status="declined"))
        session.add(Assignment(round_id=round_id, student_id=bbl[0], offer_id=b,
                               status="accepted"))
        if status == RoundStatus.FINISHED:
            session.add_all([RoundOffer(round_id=round_id, offer_id=a, capacity=15),
                             RoundOffer(round_id=round_id, offer_id=b, capacity=2)])
    return round_id


def row_of(rows: list[dict[str, Any]], **dims: Any) -> dict[str, Any]:
    wanted = {d: dims.get(d) for d in DIMENSIONS}
    found = [r for r in rows if all(r[d] == v for d, v in wanted.items())]
    assert len(found) == 1, (wanted, found)
    return found[0]


def test_the_figures_of_a_round_match_the_hand_count(app: Flask, client: FlaskClient,
                                                      make: Factory) -> None:
    round_id = hand_round(app, make)
    body = client.get(MONITOR).get_json()
    rows = body["rows"]
    assert {r["round_id"] for r in rows} == {round_id}
    assert {r["school_year"] for r in rows} == {"2026-2027"}
    level2 = row_of(rows, region="twente", sector="gastvrijheid", level=2)
    assert (level2["students_seeking"], level2["placed"], level2["unplaced"]) == (33, 16, 17)
    assert (level2["offers"], level2["seats"], level2["fill_rate"]) == (2, 17, 0.9412)
    assert level2["shortage_gain"] == 12 and not level2["suppressed"]
    # Offer B is open to level 3 too: its seats count there, with nobody seeking.
    level3 = row_of(rows, region="twente", sector="gastvrijheid", level=3)
    assert (level3["students_seeking"], level3["offers"], level3["seats"]) == (0, 1, 2)
    whole = row_of(rows)
    # The round's seats are real seats: offer B counts once, not once per level.
    assert (whole["students_seeking"], whole["placed"], whole["unplaced"], whole["offers"],
            whole["seats"]) == (33, 16, 17, 2, 17)
    assert row_of(rows, region="twente")["students_seeking"] == 33


def test_a_small_cell_and_what_would_give_it_away_are_hidden(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    hand_round(app, make)
    rows = client.get(MONITOR).get_json()["rows"]
    bbl = row_of(rows, region="twente", sector="gastvrijheid", level=2, pathway="BBL")
    bol = row_of(rows, region="twente", sector="gastvrijheid", level=2, pathway="BOL")
    # 3 BBL students: hidden. 30 BOL would be 33 − 3, so it is hidden as well; and so are the
    # pathway totals (the BBL one counts the same 3, the BOL one the same 30).
    for row in (bbl, bol, row_of(rows, pathway="BBL"), row_of(rows, pathway="BOL")):
        assert row["suppressed"]
        assert row["students_seeking"] is row["placed"] is row["unplaced"] is None
        assert row["fill_rate"] is None
    assert bol["seats"] == 15 and bbl["seats"] == 2  # seats count no person: shown
    published = [r for r in rows if not r["suppressed"]]
    assert published and all(r["students_seeking"] == 0 or r["students_seeking"] >= THRESHOLD
                             for r in published)
    assert_nothing_hidden_is_disclosed(rows)


def test_a_round_not_finished_is_not_in_the_monitor(app: Flask, client: FlaskClient,
                                                   make: Factory) -> None:
    hand_round(app, make, status=RoundStatus.PUBLISHED.value)
    body = client.get(MONITOR).get_json()
    assert body["rows"] == []
    assert "CC BY 4.0" in body["licence"] and body["threshold"] == THRESHOLD


def test_the_monitor_answers_without_a_token_in_csv_too(app: Flask, client: FlaskClient,
                                                       make: Factory) -> None:
    hand_round(app, make)
    as_json = client.get(MONITOR).get_json()["rows"]
    for response in (client.get(MONITOR, headers={"Accept": "text/csv"}),
                     client.get(MONITOR + "?format=csv")):
        assert response.status_code == 200 and response.mimetype == "text/csv"
        table = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
        assert list(table[0]) == list(COLUMNS)
        assert len(table) == len(as_json)
        whole = [r for r in table if all(r[d] == "total" for d in DIMENSIONS)]
        assert whole[0]["students_seeking"] == "33" and whole[0]["suppressed"] == "false"
        hidden = [r for r in table if r["suppressed"] == "true"]
        assert hidden and all(r["students_seeking"] == "" for r in hidden)


def test_the_monitor_filters_by_school_year(app: Flask, client: FlaskClient,
                                            make: Factory) -> None:
    hand_round(app, make)
    later = hand_round(app, make, finished_at=dt.datetime(2027, 9, 1, tzinfo=dt.UTC),
                       name="Twente najaar")
    rows = client.get(MONITOR + "?school_year=2027-2028").get_json()["rows"]
    assert {r["round_id"] for r in rows} == {later}
    assert_problem(client.get(MONITOR + "?school_year=2027-2029"), 422, "school_year")
    assert_problem(client.get(MONITOR + "?format=xml"), 422, "format")


def test_nothing_about_priority_is_published(app: Flask, client: FlaskClient,
                                             make: Factory) -> None:
    hand_round(app, make)
    text = client.get(MONITOR).get_data(as_text=True) + client.get(
        MONITOR + "?format=csv").get_data(as_text=True)
    assert "priority" not in text


# The derivation attack --------------------------------------------------------------------

def _support(row: dict[str, Any], base: list[tuple[Any, ...]]) -> np.ndarray[Any, Any]:
    """The base cells a published row sums (a dimension that is null: every value)."""
    return np.array([all(row[d] is None or row[d] == key[i] for i, d in enumerate(DIMENSIONS))
                     for key in base], float)


def _ranges(rows: list[dict[str, Any]], column: str) -> list[tuple[dict[str, Any], float, float]]:
    """For every hidden row: the smallest and largest value of ``column`` a reader can get
    from the published rows of its round (a linear program over the base cells)."""
    out = []
    for round_id in {r["round_id"] for r in rows}:
        mine = [r for r in rows if r["round_id"] == round_id]
        values = {d: sorted({r[d] for r in mine if r[d] is not None}) for d in DIMENSIONS}
        base = list(itertools.product(*(values[d] for d in DIMENSIONS)))
        listed = {tuple(r[d] for d in DIMENSIONS) for r in mine
                  if all(r[d] is not None for d in DIMENSIONS)}

        equations = [_support(r, base) for r in mine if not r["suppressed"]]
        targets = [float(r[column]) for r in mine if not r["suppressed"]]
        for key in base:  # a combination not listed is a published zero
            if key not in listed:
                equations.append(np.array([k == key for k in base], float))
                targets.append(0.0)
        a_eq, b_eq = np.array(equations), np.array(targets)
        for row in (r for r in mine if r["suppressed"]):
            c = _support(row, base)
            low = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
            high = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
            assert low.status == 0 and high.status == 0
            out.append((row, low.fun, -high.fun))
    return out


def assert_nothing_hidden_is_disclosed(rows: list[dict[str, Any]]) -> None:
    for row, low, high in _ranges(rows, "students_seeking"):
        assert high - low >= 1 - 1e-6, f"hidden figure derivable: {row} is {low}"


def test_the_attack_finds_a_figure_that_is_not_protected() -> None:
    """The attack itself works: hiding only the small cell gives it away."""
    rnd = Round(id=1, name="r", finished_at=FINISHED)
    data = RoundData({("twente", "gastvrijheid", 2, "BOL"): Cell(seeking=30),
                      ("twente", "gastvrijheid", 2, "BBL"): Cell(seeking=3)}, [])
    rows = publish(rnd, data, [], threshold=THRESHOLD).rows
    for row in rows:  # undo the complementary suppression: only the primary stays hidden
        if row["suppressed"] and row["pathway"] == "BOL":
            row["suppressed"] = False
            row["students_seeking"] = 30
    with pytest.raises(AssertionError, match="derivable"):
        assert_nothing_hidden_is_disclosed(rows)


@pytest.mark.parametrize("seed", range(12))
def test_no_hidden_count_can_be_derived_from_the_published_totals(seed: int) -> None:
    """Random rounds with many small cells: the attack never pins a hidden count."""
    rng = np.random.default_rng(seed)
    regions, sectors = ["twente", "regio-zwolle", "stedendriehoek"], ["zorg", "techniek",
                                                                     "handel"]
    cells = {}
    for key in itertools.product(regions, sectors, [2, 3], ["BOL", "BBL"]):
        seeking = int(rng.choice([0, 1, 2, 4, 7, 9, 12, 25, 40]))
        cells[key] = Cell(seeking=seeking, placed=int(rng.integers(0, seeking + 1)))
    rows = publish(Round(id=seed + 1, name="r", finished_at=FINISHED),
                   RoundData(cells, []), []).rows
    assert any(r["suppressed"] for r in rows)
    for r in rows:
        if not r["suppressed"]:
            assert r["students_seeking"] == 0 or r["students_seeking"] >= THRESHOLD
    assert_nothing_hidden_is_disclosed(rows)


def test_suppression_hides_small_counts_and_no_more_when_none_is_needed() -> None:
    # Two cells and their total: 12 and 15 publish all three.
    matrix = np.array([[1, 0], [0, 1], [1, 1]], dtype=bool)
    assert suppress(matrix, np.array([12, 15, 27])).tolist() == [False, False, False]
    # 3 and 15: the 3 is hidden, and the 15 with it (else 18 − 15).
    assert suppress(matrix, np.array([3, 15, 18])).tolist() == [True, True, False]


# Agreements -------------------------------------------------------------------------------

def agreement(**kw: Any) -> dict[str, Any]:
    return {"title": "+20 BBL-plaatsen gastvrijheid Twente", "region": "twente",
            "sector": "gastvrijheid", "level": 2, "pathway": "BBL",
            "school_year": "2026-2027", "target": 20, **kw}


def test_a_coordinator_records_an_agreement_and_the_monitor_shows_its_progress(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    hand_round(app, make)
    coordinator = make.token("coordinator", "region:twente")
    created = client.post("/api/v1/agreements", json=agreement(), headers=coordinator)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    # Offer B is the one BBL offer at level 2 in the school year: 2 of 20 seats.
    assert (body["seats_offered"], body["achieved"], body["progress"]) == (2, 2, 0.1)
    assert body["finished_rounds"] == 1
    listed = client.get(MONITOR + "/agreements").get_json()
    assert [a["id"] for a in listed] == [body["id"]]
    assert client.get(MONITOR).get_json()["agreements"][0]["achieved"] == 2
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "agreement.create")).all()
        assert [(e.entity_id, e.region, e.actor_role) for e in events] == [
            (body["id"], "twente", "coordinator")]


def test_an_agreement_counts_seats_beyond_its_baseline_year(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    hand_round(app, make)  # 2026-2027: 15 BOL seats at level 2
    later = hand_round(app, make, finished_at=dt.datetime(2027, 9, 1, tzinfo=dt.UTC))
    with app.app_context(), db.transaction() as session:
        for kept in session.scalars(select(RoundOffer).where(RoundOffer.round_id == later)):
            offer = session.get(Offer, kept.offer_id)
            if offer is not None and offer.capacity == 15:
                kept.capacity = 40  # the next year offers 40 BOL seats there
    body = client.post("/api/v1/agreements", json=agreement(
        pathway="BOL", school_year="2027-2028", baseline_school_year="2026-2027",
        target=50), headers=make.admin()).get_json()
    assert (body["seats_offered"], body["baseline_seats"], body["achieved"]) == (40, 15, 25)
    assert body["progress"] == 0.5


def test_who_may_record_an_agreement(app: Flask, client: FlaskClient, make: Factory) -> None:
    url = "/api/v1/agreements"
    assert_problem(client.post(url, json=agreement()), 401)
    assert_problem(client.post(url, json=agreement(),
                               headers=make.token("coordinator", "region:regio-zwolle")), 403)
    school = make.school(region="regio-zwolle")
    assert_problem(client.post(url, json=agreement(),
                               headers=make.token("coordinator", f"school:{school}")), 403)
    company = make.company()
    assert_problem(client.post(url, json=agreement(),
                               headers=make.token("company", f"company:{company}")), 403)
    assert_problem(client.post(url, json=agreement(region="twnete"), headers=make.admin()),
                   422, "region")
    assert_problem(client.post(url, json=agreement(school_year="2026"), headers=make.admin()),
                   422, "school_year")
    assert_problem(client.post(url, json=agreement(baseline_school_year="2026-2027"),
                               headers=make.admin()), 422, "baseline_school_year")
    assert client.get(MONITOR + "/agreements").get_json() == []


def test_an_agreement_is_removed_by_its_region_s_coordinator(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    created = client.post("/api/v1/agreements", json=agreement(),
                          headers=make.admin()).get_json()
    url = f"/api/v1/agreements/{created['id']}"
    assert_problem(client.delete(url, headers=make.token("coordinator", "region:regio-zwolle")),
                   403)
    assert client.delete(url, headers=make.token("coordinator", "region:twente")
                         ).status_code == 204
    assert_problem(client.get(url, headers=make.admin()), 404)


# The export command -----------------------------------------------------------------------

def test_the_export_writes_the_same_csv_as_the_api(app: Flask, client: FlaskClient,
                                                   make: Factory, tmp_path: Path) -> None:
    hand_round(app, make)
    client.post("/api/v1/agreements", json=agreement(), headers=make.admin())
    with app.app_context():
        written = write_export(db.session, tmp_path / "out")
    assert [p.name for p in written] == ["monitor.csv", "agreements.csv"]
    assert (tmp_path / "out" / "monitor.csv").read_text() == client.get(
        MONITOR + "?format=csv").get_data(as_text=True)
    assert (tmp_path / "out" / "agreements.csv").read_text() == client.get(
        MONITOR + "/agreements?format=csv").get_data(as_text=True)


# The page ---------------------------------------------------------------------------------

def test_the_page_is_public_dutch_and_shows_no_codes(app: Flask, client: FlaskClient,
                                                     make: Factory) -> None:
    hand_round(app, make)
    client.post("/api/v1/agreements", json=agreement(), headers=make.admin())
    response = client.get("/monitor")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'lang="nl"' in html and "Content-Security-Policy" in response.headers
    assert "Voedsel en gastvrijheid" in html and ">Twente<" in html  # names, not codes
    for code in (">twente<", ">gastvrijheid<", ">HYBRID<", "zorg-welzijn"):
        assert code not in html
    assert "<svg" in html and 'id="heat-2"' in html


def test_a_province_sized_round_is_protected_too() -> None:
    """3 regions × 8 sectors × 4 levels × 3 pathways, 6,000 students spread unevenly: many
    small cells, and still no hidden count pinned by the published totals."""
    rng = np.random.default_rng(7)
    keys = list(itertools.product(["twente", "regio-zwolle", "stedendriehoek"],
                                  [f"sector-{i}" for i in range(8)], [1, 2, 3, 4],
                                  ["BOL", "BBL", "HYBRID"]))
    weights = rng.gamma(0.6, 1.0, len(keys))
    counts = rng.multinomial(6000, weights / weights.sum())
    cells = {k: Cell(seeking=int(n), placed=int(n * 0.8)) for k, n in zip(keys, counts,
                                                                           strict=True)}
    rows = publish(Round(id=1, name="r", finished_at=FINISHED), RoundData(cells, []), []).rows
    assert sum(1 for n in counts if 0 < n < THRESHOLD) > 50  # the test has work to do
    assert_nothing_hidden_is_disclosed(rows)


def test_a_round_s_figures_stay_as_first_published(app: Flask, client: FlaskClient,
                                                    make: Factory) -> None:
    round_id = hand_round(app, make)
    before = client.get(MONITOR).get_json()["rows"]
    with app.app_context():
        school = db.session.get(Round, round_id).school_id  # type: ignore[union-attr]
    for _ in range(5):  # students who join the school after the round finished
        make.student(school)
    assert client.get(MONITOR).get_json()["rows"] == before


def test_the_export_command_writes_both_files(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    assert main(["db", "upgrade", "--seed-reference"]) == 0
    assert main(["monitor", "export", "-o", str(tmp_path / "out")]) == 0
    header = (tmp_path / "out" / "monitor.csv").read_text().splitlines()
    assert header == [",".join(COLUMNS)]  # no finished round yet: the columns alone
    assert (tmp_path / "out" / "agreements.csv").read_text().startswith("id,title,region")


# The dashboard's agreements ---------------------------------------------------------------

def test_a_coordinator_records_an_agreement_through_the_dashboard(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    hand_round(app, make)
    csrf = sign_in(client, make.token("coordinator", "region:twente"))
    page = client.get("/dashboard/agreements").get_data(as_text=True)
    # A coordinator chooses only their own region.
    assert 'value="twente"' in page and 'value="regio-zwolle"' not in page
    form = {"csrf_token": csrf, "title": "+20 leerbanen gastvrijheid", "region": "twente",
            "sector": "gastvrijheid", "level": "2", "pathway": "BBL",
            "school_year": "2026-2027", "target": "20"}
    response = client.post("/dashboard/agreements", data=form)
    assert response.status_code == 302
    listed = client.get(MONITOR + "/agreements").get_json()
    assert [(a["title"], a["level"], a["achieved"]) for a in listed] == [
        ("+20 leerbanen gastvrijheid", 2, 2)]
    refused = client.post("/dashboard/agreements", data={**form, "school_year": "2026"})
    assert refused.status_code == 422
    assert 'data-field="school_year"' in refused.get_data(as_text=True)
    other = client.post("/dashboard/agreements", data={**form, "region": "regio-zwolle"})
    assert other.status_code == 403
    assert len(client.get(MONITOR + "/agreements").get_json()) == 1


def test_a_title_cannot_run_as_a_spreadsheet_formula(app: Flask, client: FlaskClient,
                                                     make: Factory) -> None:
    client.post("/api/v1/agreements", json=agreement(title="=HYPERLINK(1)"),
                headers=make.admin())
    table = list(csv.DictReader(io.StringIO(client.get(
        MONITOR + "/agreements?format=csv").get_data(as_text=True))))
    assert table[0]["title"] == "'=HYPERLINK(1)"


def test_a_finished_round_without_students_or_offers_publishes_nothing(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    school = make.school()
    with app.app_context(), db.transaction() as session:
        session.add(Round(name="Leeg", school_id=school, status=RoundStatus.FINISHED.value,
                          finished_at=FINISHED))
    response = client.get(MONITOR)
    assert response.status_code == 200 and response.get_json()["rows"] == []
    assert client.get("/monitor").status_code == 200
