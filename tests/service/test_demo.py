"""`leerplek demo` at a small size: its report's numbers are the stored assignments' numbers.

The demo runs against its own fresh SQLite file (that is what `make demo` does), so this
test reads that file back directly and recomputes every figure independently.
"""

from __future__ import annotations

import csv
import email
import email.policy
import io
import json
import multiprocessing
import os
import re
import sqlite3
import threading
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, request
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from seeds.generator import generate_round, load_reference
from service.demo import (
    Client,
    Progress,
    RetryingConnection,
    _retrying,
    render_html,
    render_markdown,
    render_report,
    request_allocation,
    run_demo,
    serve,
)
from service.pok.records import COLUMNS as POK_COLUMNS
from solver.document import parse_round
from solver.verify import ineligibility

STUDENTS = 250


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path, str]:
    out = tmp_path_factory.mktemp("demo")
    log = io.StringIO()
    report = run_demo(STUDENTS, 3, out, stream=log)
    return report, out, log.getvalue()


def query(out: Path, sql: str, **params: Any) -> list[Any]:
    engine = create_engine(f"sqlite:///{out / 'leerplek.sqlite'}")
    with engine.connect() as conn:
        rows = list(conn.execute(text(sql), params))
    engine.dispose()
    return rows


def test_the_demo_ends_with_a_follow_up_after_a_published_round(
        demo: tuple[dict[str, Any], Path, str]) -> None:
    report, out, _ = demo
    rounds = query(out, "SELECT id, status, school_id, region FROM rounds ORDER BY id")
    assert [(r.status, r.school_id, r.region) for r in rounds] == [
        ("finished", None, None), ("allocated", None, None)]
    assert report["round_id"] == rounds[1].id
    responses = query(out, "SELECT status, count(*) AS n FROM assignments WHERE round_id = :r "
                           "GROUP BY status", r=rounds[0].id)
    by_status = {r.status: r.n for r in responses}
    assert by_status.get("declined", 0) > 0 and "proposed" not in by_status


def test_placed_share_and_priority_match_the_stored_assignments(
        demo: tuple[dict[str, Any], Path, str]) -> None:
    report, out, _ = demo
    rid = report["round_id"]
    [(placed, priority_placed)] = query(
        out, "SELECT count(*), coalesce(sum(s.priority), 0) FROM assignments a "
             "JOIN students s ON s.id = a.student_id WHERE a.round_id = :r", r=rid)
    [(students, priority)] = query(out, "SELECT count(*), sum(priority) FROM students")
    assert (report["students"], report["placed"]) == (students, placed) == (STUDENTS, placed)
    assert report["placed_share"] == round(placed / students, 4)
    assert (report["priority_students"], report["priority_placed"]) == (priority,
                                                                        priority_placed)
    assert report["unplaced"] == students - placed
    assert sum(report["unplaced_reasons"].values()) == students - placed


def test_rank_profile_counts_every_placement_at_its_rank(
        demo: tuple[dict[str, Any], Path, str]) -> None:
    report, out, _ = demo
    first_id = report["round_id"] - 1
    rows = query(out, "SELECT a.rank, a.pinned, f.rank AS first_rank FROM assignments a "
                      "LEFT JOIN assignments f ON f.round_id = :f AND f.student_id = "
                      "a.student_id AND f.offer_id = a.offer_id WHERE a.round_id = :r",
                 f=first_id, r=report["round_id"])
    expected = Counter(str(r.first_rank if r.pinned else r.rank) if (
        r.first_rank if r.pinned else r.rank) is not None else "unranked" for r in rows)
    profile = {k: v for k, v in report["rank_profile"].items() if v}
    assert profile == dict(expected)
    assert report["pinned"] == sum(1 for r in rows if r.pinned) > 0


def test_region_and_sector_fill_match_the_stored_offers(
        demo: tuple[dict[str, Any], Path, str]) -> None:
    report, out, _ = demo
    rid = report["round_id"]
    for key in ("region", "sector"):
        seats = dict(query(out, f"SELECT {key}, sum(capacity) FROM offers WHERE round_id = :r "
                                f"GROUP BY {key}", r=rid))
        taken = dict(query(out, f"SELECT o.{key}, count(*) FROM assignments a JOIN offers o "
                                f"ON o.id = a.offer_id WHERE a.round_id = :r GROUP BY o.{key}",
                           r=rid))
        rows = {row[key]: row for row in report[f"{key}s"]}
        for name, capacity in seats.items():
            assert rows[name]["seats"] == capacity
            assert rows[name]["placed_here"] == taken.get(name, 0)
            assert rows[name]["fill"] == round(taken.get(name, 0) / capacity, 4)
        assert sum(r["placed_here"] for r in rows.values()) == report["placed"]
    home = dict(query(out, "SELECT region, count(*) FROM student_regions WHERE position = 0 "
                           "GROUP BY region"))
    assert {r["region"]: r["students"] for r in report["regions"]} == home


def test_unplaced_reasons_and_shortages_are_the_stored_report(
        demo: tuple[dict[str, Any], Path, str]) -> None:
    report, out, _ = demo
    [(stored,)] = query(out, "SELECT report FROM rounds WHERE id = :r", r=report["round_id"])
    engine = json.loads(stored)
    assert report["unplaced_reasons"] == dict(Counter(u["reason"]
                                                      for u in engine["unassigned"]))
    assert report["top_shortages"] == engine["shortage"][:5]


def test_outputs_are_written_and_the_csv_is_the_stored_assignments(
        demo: tuple[dict[str, Any], Path, str]) -> None:
    report, out, log = demo
    assert json.loads((out / "report.json").read_text()) == report
    assert (out / "report.md").read_text() == render_markdown(report)
    assert (out / "report.html").read_text() == render_html(report)
    assert render_report(report).strip() in log
    rows = list(csv.DictReader(io.StringIO((out / "assignments.csv").read_text())))
    stored = query(out, "SELECT a.id, a.student_id, a.offer_id, sc.name, s.student_number "
                        "FROM assignments a JOIN students s ON s.id = a.student_id "
                        "JOIN schools sc ON sc.id = s.school_id WHERE a.round_id = :r",
                   r=report["round_id"])
    # By school, then student number with its digits compared as a number.
    stored.sort(key=lambda s: (s.name, [int(p) if p.isdigit() else p
                                        for p in re.split(r"(\d+)", s.student_number)], s.id))
    assert [(int(r["assignment_id"]), int(r["student_id"]), int(r["offer_id"]))
            for r in rows] == [tuple(s)[:3] for s in stored]
    assert "make serve" in log and "/api/openapi.json" in log and "/dashboard" in log
    placed = f"{report['placed']:,}".replace(",", ".")
    assert f"{placed} van {STUDENTS} studenten geplaatst" in log


def test_the_outbox_holds_one_eml_file_per_sent_message(
        demo: tuple[dict[str, Any], Path, str]) -> None:
    _report, out, _log = demo
    stored = query(out, "SELECT id, kind, recipient, subject, status FROM messages")
    assert stored and {m.status for m in stored} == {"sent"}
    assert {m.kind for m in stored} >= {"round_opened", "results_published"}
    files = sorted((out / "outbox").glob("*.eml"))
    assert [f.name for f in files] == sorted(f"{m.id:07d}-{m.kind}.eml" for m in stored)
    first = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    by_id = {m.id: m for m in stored}
    assert first["To"] == by_id[int(files[0].name[:7])].recipient
    assert first["Subject"] == by_id[int(files[0].name[:7])].subject


def test_the_report_is_dutch_with_names_and_sentences_instead_of_codes(
        demo: tuple[dict[str, Any], Path, str]) -> None:
    report, out, log = demo
    markdown = (out / "report.md").read_text()
    assert "```" not in markdown and markdown.startswith("# Rapport voor de coördinator")
    shown = f"{100 * report['placed_share']:.1f}%".replace(".", ",")
    assert f"({shown})" in markdown
    sectors = {s["id"]: s["name"] for s in load_reference()["sectors"]}
    regions = {r["id"]: r["name"] for r in load_reference()["regions"]}
    for row in report["sectors"]:
        seats = f"{row['seats']:,}".replace(",", ".")
        assert f"| {sectors[row['sector']]} | {seats} |" in markdown
    for row in report["regions"]:
        assert f"| {regions[row['region']]} |" in markdown
        assert f"| {row['region']} |" not in markdown
    for code in report["unplaced_reasons"]:
        assert code not in markdown and code not in log
    assert "| Reden | Studenten |" in markdown and "|---|---:|" in markdown
    assert report["policy"] == "optimal" and "Beleid: Zoveel mogelijk geplaatst" in markdown
    assert "optimal" not in markdown and "optimal" not in log
    ranked = {int(k): v for k, v in report["rank_profile"].items() if k != "unranked"}
    mean = sum(k * v for k, v in ranked.items()) / sum(ranked.values())
    assert f"gemiddeld {mean:.1f}".replace(".", ",") in markdown


def test_the_html_report_is_self_contained(demo: tuple[dict[str, Any], Path, str]) -> None:
    _, out, _ = demo
    html = (out / "report.html").read_text()
    assert html.startswith("<!doctype html>") and '<html lang="nl">' in html
    assert "<table>" in html and "<script" not in html
    assert not re.search(r"""(src|href)=|url\(|@import""", html)


def test_a_refused_list_is_counted_and_resubmitted(
        demo: tuple[dict[str, Any], Path, str]) -> None:
    report, out, _ = demo
    # The generator puts a repeated or ineligible entry in about 2% of lists; the API refuses
    # them naming the entry, and the demo resubmits without it.
    assert sum(report["lists_refused"].values()) > 0
    # What is stored is the generated lists without those entries.
    cleaned = clean_preferences(generate_round(STUDENTS, 3))
    [(with_lists, entries)] = query(
        out, "SELECT count(DISTINCT student_id), count(*) FROM preferences p "
             "JOIN rounds r ON r.id = p.round_id WHERE r.status = 'finished'")
    assert with_lists == sum(1 for v in cleaned.values() if v)
    assert entries == sum(len(v) for v in cleaned.values())


def clean_preferences(doc: dict[str, Any]) -> dict[str, list[str]]:
    """Each generated list without its repeated or ineligible entries: what the API keeps
    after the demo resubmits a refused list without the entries the problem named."""
    rnd = parse_round(doc)
    offers = {o.id: o for o in rnd.offers}
    return {s.id: [p for p in dict.fromkeys(s.preferences) if not ineligibility(s, offers[p])]
            for s in rnd.students}


def test_progress_writes_one_final_line_when_not_a_terminal() -> None:
    stream = io.StringIO()
    with Progress("step", 3, stream) as bar:
        bar.advance(3)
        bar.note = "three"
    assert stream.getvalue().startswith("  step: 3/3 klaar in ")
    assert stream.getvalue().endswith("(three)\n") and "\r" not in stream.getvalue()


def test_an_allocation_answered_202_is_polled_until_its_job_finishes() -> None:
    # The service may run allocations as background jobs: 202, Location, then poll.
    app = Flask("fake")
    polls: list[int] = []

    @app.post("/api/v1/rounds/1/allocate")
    def allocate() -> Any:
        return {"id": 7, "status": "queued", "percent": 0}, 202, {
            "Location": "http://elsewhere/api/v1/jobs/7"}

    @app.get("/api/v1/jobs/7")
    def job() -> Any:
        polls.append(1)
        return {"id": 7, "status": "finished" if len(polls) >= 2 else "running",
                "phase": "solving", "percent": 100 if len(polls) >= 2 else 50}

    @app.get("/api/v1/rounds/1/report")
    def report() -> Any:
        return {"stats": {"placed": 3, "students": 4}}

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        stream = io.StringIO()
        client = Client(f"http://127.0.0.1:{server.server_port}")
        got = request_allocation(client, "t", 1, stream, "allocate")
    finally:
        server.shutdown()
        thread.join()
    assert got == {"stats": {"placed": 3, "students": 4}} and len(polls) == 2
    assert "3 van 4 geplaatst" in stream.getvalue()


def test_the_client_waits_out_a_rate_limit() -> None:
    app = Flask("limited")
    calls: list[int] = []

    @app.get("/thing")
    def thing() -> Any:
        calls.append(1)
        if len(calls) == 1:
            return {"title": "Too Many Requests"}, 429, {"Retry-After": "0"}
        return {"ok": True}

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        got = Client(f"http://127.0.0.1:{server.server_port}").ok("GET", "/thing", "t")
    finally:
        server.shutdown()
        thread.join()
    assert got == {"ok": True} and len(calls) == 2


def test_the_report_says_why_the_listed_places_had_no_seat_left(
        demo: tuple[dict[str, Any], Path, str]) -> None:
    report, out, log = demo
    [(stored,)] = query(out, "SELECT report FROM rounds WHERE id = :r", r=report["round_id"])
    engine = json.loads(stored)
    lost = Counter(why for u in engine["unassigned"] for why in u.get("seat_reasons", []))
    assert report["seats_taken"] == dict(lost)
    markdown = (out / "report.md").read_text()
    assert "## Waarom de plekken op hun lijst geen plaats meer hadden" in markdown
    words = {"full": "vol", "reserved": "de overige plaatsen zijn gereserveerd voor "
                                        "studenten met voorrang",
             "environment_full": "de hybride leeromgeving was vol"}
    for code, count in lost.items():
        assert f"| {words[code]} | {count:,} |".replace(",", ".") in markdown
    assert "environment_full" not in markdown and "environment_full" not in log


def test_the_report_renders_in_dutch_without_an_app() -> None:
    # A stored report rendered by a script or a test, with no app around: still Dutch.
    report = {"round_id": 7, "students": 3, "placed": 2, "placed_share": 0.6667,
              "priority_students": 1, "priority_placed": 1, "pinned": 1,
              "rank_profile": {"1": 2, "unranked": 0}, "regions": [], "sectors": [],
              "unplaced": 1, "unplaced_reasons": {"outcompeted": 1},
              "seats_taken": {"reserved": 1}, "top_shortages": [],
              "first_round": {"placed": 1, "students": 3}, "answers": {"accepted": 1},
              "lists_refused": {}, "engine_status": "optimal", "policy": "stable"}
    text = render_report(report)
    assert "Rapport voor de coördinator: vervolgronde 7" in text
    assert "2 van 3 studenten geplaatst (66,7%)" in text
    assert "Beleid: Eerlijke volgorde." in text and "1 geaccepteerd" in text
    assert "de overige plaatsen zijn gereserveerd voor studenten met voorrang" in text
    assert "stable" not in text and "outcompeted" not in text

def test_the_demo_ends_with_working_sign_in_links(demo: tuple[dict[str, Any], Path, str]
                                                  ) -> None:
    """A newcomer can click through after `make serve`: a link for a placed student, their
    company and their coordinator, each a usable one-time link in the demo database."""
    _report, out, log = demo
    tail = log.split("Inloggen na `make serve`")[1]
    links = re.findall(r"http://127\.0\.0\.1:8000/inloggen/link/(ll_[\w-]+)", tail)
    assert len(links) == 3
    rows = query(out, "SELECT role, used_at FROM signin_links ORDER BY id")
    assert [(role, used) for role, used in rows] == [
        ("student", None), ("company", None), ("coordinator", None)]

def test_the_demo_leaves_the_first_rounds_praktijkovereenkomsten_as_csv(
        demo: tuple[dict[str, Any], Path, str]) -> None:
    _, out, _ = demo
    header, *rows = list(csv.reader(io.StringIO((out / "pok.csv").read_text())))
    assert header == POK_COLUMNS
    first_round = query(out, "SELECT MIN(id) AS id FROM rounds")[0].id
    accepted = query(out, "SELECT COUNT(*) AS n FROM assignments "
                          "WHERE round_id = :r AND status = 'accepted'", r=first_round)[0].n
    assert len(rows) == accepted > 0
    statuses = Counter(dict(zip(header, r, strict=True))["status"] for r in rows)
    assert statuses["definitief"] == 2 and statuses["volledig"] >= 1


def test_the_demo_server_processes_may_fork_the_engines_workers(app: Flask) -> None:
    """At province scale the allocation job, which runs in a serving process, forks worker
    processes for a flow stage; a daemonic process may not."""
    @app.get("/fork-probe")
    def probe() -> str:
        child = multiprocessing.get_context("fork").Process(target=int)
        child.start()
        child.join()
        return str(child.exitcode)

    with serve(app, processes=1) as [url], urllib.request.urlopen(f"{url}/fork-probe") as r:
        assert r.read() == b"0"


def test_the_client_keeps_its_connection_between_requests(app: Flask) -> None:
    """One connection per client thread: a new TCP connection per request cost the demo's
    client and servers more than some of the API's own requests."""
    @app.get("/peer-port")
    def peer_port() -> str:
        return str(request.environ["REMOTE_PORT"])

    with serve(app, processes=1) as [url]:
        client = Client(url)
        ports = {client.ok("GET", "/peer-port", "none") for _ in range(5)}
    assert len(ports) == 1


def test_the_clients_threads_are_spread_evenly_over_the_serving_processes(app: Flask
                                                                          ) -> None:
    """With connections kept alive, each serving process must get its share of the
    client's threads, or one process (one core, its GIL) serves them all."""
    @app.get("/pid")
    def pid() -> str:
        return str(os.getpid())

    with serve(app, processes=2) as urls:
        client = Client(urls)
        with ThreadPoolExecutor(4) as pool:
            served = list(pool.map(lambda _: (threading.get_ident(),
                                              client.ok("GET", "/pid", "none")), range(200)))
    by_thread = dict(served)
    assert len(by_thread) == 4  # every thread got requests (200 over 4 threads)
    assert sorted(Counter(by_thread.values()).values()) == [2, 2]


def test_all_pages_reads_every_page_once_and_keeps_their_order() -> None:
    """The pages after the first are read by several threads at once (spread over the
    serving processes); the items still come back whole and in the list's order."""
    app = Flask("paged")
    asked: list[int] = []

    @app.get("/items")
    def items() -> Any:
        page = int(request.args["page"])
        asked.append(page)
        time.sleep(0.01 * (page % 3))  # later pages may be answered first
        return [page * 10 + i for i in range(3)], 200, {
            "X-Pagination": json.dumps({"total_pages": 7})}

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        got = Client(f"http://127.0.0.1:{server.server_port}").all_pages("/items", "t",
                                                                          threads=4)
    finally:
        server.shutdown()
        thread.join()
    assert got == [p * 10 + i for p in range(1, 8) for i in range(3)]
    assert sorted(asked) == list(range(1, 8))


def _locked_pair(path: Path) -> tuple[sqlite3.Connection, sqlite3.Connection]:
    holder = sqlite3.connect(path, timeout=0, check_same_thread=False)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("CREATE TABLE t (v INTEGER)")
    holder.commit()
    waiter = sqlite3.connect(path, timeout=0, factory=RetryingConnection,
                             check_same_thread=False)
    return holder, waiter


def test_a_demo_write_waits_for_the_lock_and_then_succeeds(tmp_path: Path) -> None:
    holder, waiter = _locked_pair(tmp_path / "lock.sqlite")
    holder.execute("INSERT INTO t VALUES (1)")  # holds the write lock until its commit
    timer = threading.Timer(0.2, holder.commit)
    timer.start()
    waiter.execute("INSERT INTO t VALUES (2)")  # timeout=0: SQLite alone would fail here
    waiter.commit()
    timer.join()
    assert [v for (v,) in waiter.execute("SELECT v FROM t ORDER BY v")] == [1, 2]


def test_the_demo_tries_again_in_short_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's own busy handler sleeps 1, 2, 5, 10 ... 100 ms between tries, while the
    demo's writers hold the lock a millisecond or two."""
    pauses: list[float] = []
    monkeypatch.setattr(time, "sleep", pauses.append)
    tries = iter(range(8))

    def busy_seven_times() -> str:
        if next(tries) < 7:
            exc = sqlite3.OperationalError("database is locked")
            exc.sqlite_errorcode = sqlite3.SQLITE_BUSY  # type: ignore[attr-defined]
            raise exc
        return "written"

    assert _retrying(busy_seven_times) == "written"
    assert pauses == [0.0001, 0.0002, 0.0004, 0.0008, 0.0016, 0.002, 0.002]


def test_a_demo_write_on_an_outdated_snapshot_fails_at_once(tmp_path: Path) -> None:
    holder, waiter = _locked_pair(tmp_path / "lock.sqlite")
    waiter.execute("SAVEPOINT s")  # a transaction that reads first
    waiter.execute("SELECT count(*) FROM t").fetchone()
    holder.execute("INSERT INTO t VALUES (1)")
    holder.commit()  # the waiter's snapshot is now older than the last write
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError):
        waiter.execute("INSERT INTO t VALUES (2)")
    assert time.monotonic() - started < 1
