"""``leerplek demo``: a whole province-wide round driven through the real HTTP API.

A fresh SQLite database under the output folder is migrated by Alembic and given the
reference data and the generated province's directory (companies and environments).
Everything after that goes over HTTP to the app served on a local port, with a token of each
role: each school's coordinator uploads its students (with their priority flags), the admin
creates and opens the round, companies post their offers, students submit their lists, the
admin closes, allocates (polling the job when the service answers 202) and publishes,
students and companies answer, a follow-up round places those who declined, and the
coordinator's report is printed and written next to the assignments CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import http.client
import io
import itertools
import json
import multiprocessing
import os
import shutil
import socket
import sqlite3
import sys
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from types import TracebackType
from typing import Any, ParamSpec, TextIO, TypeVar

from babel.numbers import format_decimal, format_percent
from flask import Flask, has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from gunicorn.app.base import BaseApplication
from sqlalchemy import event, select

from seeds.generator import generate_round, load_reference
from service import texts
from service.app import create_app
from service.extensions import babel, db
from service.identity.links import create_link, link_url
from service.identity.tokens import issue_token, issue_tokens
from service.messages.delivery import deliver_due
from service.migrate import upgrade
from service.models import Assignment, Company, Offer, Student
from service.seeding import (
    Directory,
    home_places,
    offer_record,
    seed_directory,
    seed_reference,
    student_record,
)
from solver.model import SEAT_REASONS

BAR_AFTER_S = 1.0  # a step shows a live bar only once it has taken this long
# Server processes: one per core, at least two (so the client's work overlaps the server's)
# and at most four (SQLite takes one writer at a time). Client threads: two per process.
SERVERS = max(2, min(4, os.cpu_count() or 2))
WORKERS = 2 * SERVERS
LOCALE = texts.DEFAULT_LOCALE  # the demo's people read Dutch
P = ParamSpec("P")
T = TypeVar("T")


@functools.cache
def _catalogue_app() -> Flask:
    """A bare app that only carries the message catalogue, for writing the report where no
    app is active (after the served app has stopped; a test rendering a stored report)."""
    app = Flask(__name__)
    app.config["BABEL_DEFAULT_LOCALE"] = LOCALE
    babel.init_app(app, default_translation_directories=str(
        Path(__file__).with_name("translations")))
    return app


@contextmanager
def in_dutch() -> Iterator[None]:
    """gettext needs an app context: the active one, or the catalogue's own."""
    if has_app_context():
        yield
        return
    with _catalogue_app().app_context():
        yield


def _dutch(fn: Callable[P, T]) -> Callable[P, T]:
    """Run ``fn`` with the catalogue at hand (see ``in_dutch``)."""
    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        with in_dutch():
            return fn(*args, **kwargs)
    return wrapper


class Progress:
    """A dependency-free progress bar on stderr for steps that take more than a second.

    The bar is drawn by a ticker thread, so a step that waits on one long request (an
    allocation) still shows its elapsed time; on a non-terminal only the final line is
    written, keeping logs clean.
    """

    def __init__(self, label: str, total: int | None, stream: TextIO | None = None) -> None:
        self.label, self.total, self.done = label, total, 0
        self.stream = stream if stream is not None else sys.stderr
        self.live = self.stream.isatty()
        self.note = ""
        self._start = time.monotonic()
        self._stop = threading.Event()
        self._ticker = threading.Thread(target=self._tick, daemon=True)

    def __enter__(self) -> Progress:
        self._start = time.monotonic()
        if self.live:
            self._ticker.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop.set()
        if self._ticker.is_alive():
            self._ticker.join()
        with in_dutch():  # a step may be shown outside the demo's run (a test, a script)
            mark = _("done") if exc is None else _("FAILED")
        end = "\r\x1b[K" if self.live else ""
        self.stream.write(f"{end}  {self.label}: {self._count()}{mark} in "
                          f"{_dec(self.elapsed)} s{self._note()}\n")
        self.stream.flush()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self._start

    def advance(self, n: int = 1) -> None:
        self.done += n

    def _note(self) -> str:
        return f" ({self.note})" if self.note else ""

    def _count(self) -> str:
        if self.total is None:
            return f"{_n(self.done)} " if self.done else ""
        return f"{_n(self.done)}/{_n(self.total)} "

    def _tick(self) -> None:
        while not self._stop.wait(0.1):
            if self.elapsed < BAR_AFTER_S:
                continue
            if self.total:
                frac = min(self.done / self.total, 1.0)
                bar = "#" * int(frac * 30)
                shown = f"[{bar:<30}] {frac:4.0%} {self._count()}"
            else:
                spin = "|/-\\"[int(self.elapsed * 8) % 4]
                shown = f"{spin} {self._count()}"
            self.stream.write(f"\r\x1b[K  {self.label}: {shown}{self.elapsed:.0f} s"
                              f"{self._note()}")
            self.stream.flush()


# HTTP ------------------------------------------------------------------------------------

class ApiError(RuntimeError):
    def __init__(self, status: int, body: Any, what: str) -> None:
        super().__init__(f"{what}: HTTP {status}: {body}")
        self.status, self.body = status, body


# A client connection idle this long is opened anew rather than reused: the server (KEEPALIVE_S)
# closes idle connections, and a request sent into one it is closing would be lost.
CLIENT_IDLE_S = 20.0
KEEPALIVE_S = 30
# Threads per serving process (gunicorn's gthread worker): enough to overlap one request's
# SQLite wait with another's work; the client sends from WORKERS threads in all.
SERVER_THREADS = 4


@dataclass
class Client:
    """A tiny JSON client for the API (the standard library: no dependency for a demo).

    Each thread keeps one connection alive across its requests: a new TCP connection per
    request cost the client and the server more than some of the API's own requests.
    ``base`` is one server's URL or several (``serve``'s, one per serving process): each
    thread's connection goes to the next in turn, so the threads' requests are spread evenly
    over the processes (kept-alive connections to one shared socket all went to whichever
    process accepted first, leaving the other core idle)."""

    base: str | Sequence[str]
    _local: threading.local = field(default_factory=threading.local, repr=False,
                                    compare=False)
    _turn: Iterator[int] = field(default_factory=itertools.count, repr=False, compare=False)

    @property
    def bases(self) -> tuple[str, ...]:
        return (self.base,) if isinstance(self.base, str) else tuple(self.base)

    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        """This thread's connection, and whether it was used before."""
        conn: http.client.HTTPConnection | None = getattr(self._local, "conn", None)
        if conn is not None and time.monotonic() - self._local.used > CLIENT_IDLE_S:
            conn.close()
            conn = None
        if conn is None:
            if not hasattr(self._local, "base"):
                bases = self.bases
                self._local.base = bases[next(self._turn) % len(bases)]
            parts = urllib.parse.urlsplit(self._local.base)
            conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port,
                                              timeout=600)
            self._local.conn, self._local.used = conn, time.monotonic()
            return conn, False
        return conn, True

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
        self._local.conn = None

    def _send(self, method: str, url: str, data: bytes | None, headers: dict[str, str]
              ) -> tuple[int, bytes, dict[str, str]]:
        while True:
            conn, reused = self._connection()
            try:
                conn.request(method, url, body=data, headers=headers)
                resp = conn.getresponse()
                raw = resp.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self._drop()
                if not reused:
                    raise
                # The server closed this kept-alive connection before reading the request
                # (it was idle); nothing was done: send it on a new one.
                continue
            self._local.used = time.monotonic()
            if resp.will_close:
                self._drop()
            return resp.status, raw, dict(resp.headers)

    def call(self, method: str, path: str, token: str, body: Any = None,
             accept: str = "application/json") -> tuple[int, Any, dict[str, str]]:
        data = None if body is None else json.dumps(body).encode()
        url = urllib.parse.urlsplit(self.bases[0]).path + path
        request_headers = {"Authorization": f"Bearer {token}", "Accept": accept,
                           **({"Content-Type": "application/json"} if data is not None
                              else {})}
        while True:
            status, raw, headers = self._send(method, url, data, request_headers)
            if status != 429:
                break
            # Over the token's rate limit (the admin reads many pages at 60,000 students):
            # wait as told, then ask again; nothing was written.
            time.sleep(float(headers.get("Retry-After", "1")))
        ctype = headers.get("Content-Type", "")
        parsed: Any = json.loads(raw) if "json" in ctype and raw else raw.decode()
        return status, parsed, headers

    def ok(self, method: str, path: str, token: str, body: Any = None,
           accept: str = "application/json") -> Any:
        status, parsed, _ = self.call(method, path, token, body, accept)
        if status >= 400:
            raise ApiError(status, parsed, f"{method} {path}")
        return parsed

    def all_pages(self, path: str, token: str, threads: int = WORKERS) -> list[Any]:
        """Every item of a paginated list (flask-smorest's page/page_size parameters).

        The pages after the first are read ``threads`` at a time, each thread on its own
        connection to the next serving process: read one after another on one kept-alive
        connection, a province's 1,400 pages went to one process, whose rate-limit counters
        (in the process, without Redis) then made the admin wait out the minute."""
        sep = "&" if "?" in path else "?"

        def one(page: int) -> tuple[list[Any], dict[str, Any]]:
            status, chunk, headers = self.call(
                "GET", f"{path}{sep}page={page}&page_size=100", token)
            if status >= 400:
                raise ApiError(status, chunk, f"GET {path}")
            return chunk, json.loads(headers.get("X-Pagination", "{}"))

        items, info = one(1)
        pages = int(info.get("total_pages", 1)) if items else 1
        if pages > 1:
            with ThreadPoolExecutor(max(1, threads)) as pool:
                for chunk, _info in pool.map(one, range(2, pages + 1)):
                    items.extend(chunk)
        return items


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn serving an app object that already exists (no import string, no argv)."""

    def __init__(self, app: Any, options: dict[str, Any]) -> None:
        self.application, self.options = app, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application


@contextmanager
def serve(app: Any, processes: int = SERVERS) -> Iterator[list[str]]:
    """The app served as ``make serve`` serves it, by gunicorn's gthread worker, in
    ``processes`` forked processes (so the server does not share the client's GIL), each on
    a free local port of its own; yields their base URLs (give them all to ``Client``)."""
    with app.app_context():
        db.engine.dispose()  # no pooled connection may cross the fork
    listeners: list[socket.socket] = []
    arbiters: list[multiprocessing.process.BaseProcess] = []
    try:
        for _ in range(processes):
            listener = socket.create_server(("127.0.0.1", 0), backlog=1024)
            listener.set_inheritable(True)
            listeners.append(listener)
            server = _Gunicorn(app, {
                "bind": [f"fd://{listener.fileno()}"], "workers": 1,
                "worker_class": "service.serving.ProblemThreadWorker",
                "threads": SERVER_THREADS, "keepalive": KEEPALIVE_S,
                # An allocation job runs in a serving process's thread; the worker's
                # heartbeat must not kill it at province scale.
                "timeout": int(JOB_TIMEOUT_S), "graceful_timeout": 10,
                "accesslog": None, "loglevel": "warning"})
            # Not daemonic: a daemonic process may not start children (gunicorn's worker,
            # and at province scale the allocation job's engine workers). SIGTERM below is
            # gunicorn's graceful stop.
            arbiter = multiprocessing.get_context("fork").Process(target=server.run)
            arbiter.start()
            arbiters.append(arbiter)
        yield [f"http://127.0.0.1:{listener.getsockname()[1]}" for listener in listeners]
    finally:
        for running in arbiters:
            running.terminate()
        for running in arbiters:
            running.join(30)
            if running.is_alive():
                running.kill()
                running.join()
        for listener in listeners:
            listener.close()
        with app.app_context():
            db.engine.dispose()


def _parallel(step: Progress, jobs: Iterable[Any], fn: Callable[[Any], Any]) -> list[Any]:
    out: list[Any] = []
    with ThreadPoolExecutor(WORKERS) as pool:
        for result in pool.map(fn, jobs):
            out.append(result)
            step.advance()
    return out


# The demo --------------------------------------------------------------------------------

@dataclass
class Demo:
    client: Client
    tokens: dict[str, str]  # "admin", "coordinator:<school id>", "company:<id>", "student:<id>"
    doc: dict[str, Any]
    log: list[str] = field(default_factory=list)
    students: dict[str, int] = field(default_factory=dict)  # generated id → database id
    offer_company: dict[int, int] = field(default_factory=dict)  # offer id → its company
    pok_csv: str = ""  # the first round's praktijkovereenkomsten, as a school system reads them

    def token(self, key: str) -> str:
        return self.tokens[key]


def _issue_tokens(app: Any, role: str, kind: str, ids: Iterable[int]) -> dict[str, str]:
    """Tokens keyed ``"<role>:<id>"`` (``"admin"`` for the admin's)."""
    with app.app_context(), db.transaction() as session:
        if role == "admin":
            return {"admin": issue_token(session, "admin", "")}
        ids = list(ids)
        tokens = issue_tokens(session, role, [f"{kind}:{i}" for i in ids])
    return {f"{role}:{i}": t for i, t in zip(ids, tokens, strict=True)}


def _without_refused(offers: list[int], problem: dict[str, Any]) -> list[int]:
    """The list minus the entries a 422 named (``offers.<i>``), or deduplicated when it
    names the list as a whole (an offer listed twice)."""
    named = {int(e["field"].split(".")[1]) for e in problem.get("errors", [])
             if e.get("field", "").startswith("offers.")}
    if named:
        return [o for i, o in enumerate(offers) if i not in named]
    return list(dict.fromkeys(offers))


# How long a demo request waits for SQLite's write lock before it fails, and the longest
# pause between its tries.
LOCK_WAIT_S = 60.0
LOCK_RETRY_MAX_S = 0.002


def _retrying(call: Callable[[], T]) -> T:
    """``call`` until SQLite's write lock is free: tried again after 0.1 ms, doubling to at
    most LOCK_RETRY_MAX_S, for up to LOCK_WAIT_S.

    SQLite's own busy handler (the ``timeout`` of ``sqlite3.connect``) sleeps 1, 2, 5, 10,
    15, 20 ms and more between tries, while the demo's writers hold the lock a millisecond
    or two: the serving processes slept in it about a third of their time. Only a statement
    that found the lock taken (plain SQLITE_BUSY) is tried again; it changed nothing. A
    transaction whose snapshot is older than the last write (SQLITE_BUSY_SNAPSHOT) fails at
    once, as with SQLite's own handler (pysqlite starts a transaction at a request's first
    write, so the demo's requests do not read under an older snapshot)."""
    pause, deadline = 0.0001, time.monotonic() + LOCK_WAIT_S
    while True:
        try:
            return call()
        except sqlite3.OperationalError as exc:
            if (getattr(exc, "sqlite_errorcode", None) != sqlite3.SQLITE_BUSY
                    or time.monotonic() > deadline):
                raise
        time.sleep(pause)
        pause = min(2 * pause, LOCK_RETRY_MAX_S)


class _RetryingCursor(sqlite3.Cursor):
    def execute(self, sql: str, parameters: Any = (), /) -> _RetryingCursor:
        _retrying(lambda: super(_RetryingCursor, self).execute(sql, parameters))
        return self

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> _RetryingCursor:
        rows = list(seq_of_parameters)  # an iterator could not be sent again
        _retrying(lambda: super(_RetryingCursor, self).executemany(sql, rows))
        return self


class RetryingConnection(sqlite3.Connection):
    """A SQLite connection whose statements wait for the write lock in short steps
    (``_retrying``); open it with ``timeout=0`` so SQLite's own coarse wait stays out."""

    def cursor(self, factory: Any = _RetryingCursor) -> Any:
        return super().cursor(factory)

    # The shortcuts make their cursor without ``cursor()``.
    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> Any:
        return self.cursor().executemany(sql, seq_of_parameters)

    def commit(self) -> None:
        _retrying(super().commit)


def fast_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """A ``connect`` listener: SQLite as the demo (and the benches that measure it) runs it,
    the write-ahead log without a disk flush per commit."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@_dutch
def run_demo(students: int, seed: int, output: Path, *, stream: TextIO | None = None
             ) -> dict[str, Any]:
    """Run the whole demo and return the report it printed and wrote."""
    out = stream if stream is not None else sys.stderr
    output.mkdir(parents=True, exist_ok=True)
    database = output / "leerplek.sqlite"
    for suffix in ("", "-wal", "-shm"):  # an earlier run's database and its write-ahead log
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    url = f"sqlite:///{database.resolve()}"
    print(_("Leerplek demo: %(students)s students (seed %(seed)s), database %(database)s",
            students=_n(students), seed=seed, database=database), file=out)

    with Progress(_("migrating a new SQLite database"), None, out):
        upgrade(url)
    # Writers in the server's processes queue for SQLite's lock instead of failing fast.
    # No Redis on a bare machine: allocation jobs, where the service has them, run in a
    # thread of the serving process whatever the environment says.
    # Without SMTP the messages become .eml files in demo-output/outbox, written once at the
    # end (no sweep runs in the serving processes).
    outbox = output / "outbox"
    shutil.rmtree(outbox, ignore_errors=True)
    app = create_app({"DATABASE_URL": url, "REDIS_URL": None, "JOBS_MODE": "thread",
                      "DATABASE_ENGINE_OPTIONS": {"connect_args": {
                          "timeout": 0, "factory": RetryingConnection}},
                      "MESSAGES_DIR": str(outbox), "MESSAGES_SWEEP_S": 0})
    with app.app_context():
        # A throwaway database: the write-ahead log without a disk flush per commit lets
        # thousands of one-row requests run at memory speed (SQLite's default syncs each).
        event.listen(db.engine, "connect", fast_sqlite)
    with Progress(_("generating a calibrated round for Overijssel"), None, out) as step:
        doc = generate_round(students, seed)
        step.note = _("%(offers)s internships and apprenticeships, %(environments)s hybrid "
                      "learning environments", offers=_n(len(doc["offers"])),
                      environments=_n(len(doc["environments"])))
    with app.app_context():
        with Progress(_("loading reference data, companies and learning environments"), None,
                      out) as step, db.transaction() as session:
            seed_reference(session)
            directory = seed_directory(session, doc, progress=step.advance)
            # Some leerbedrijven give a contact address (optional contact data).
            for company in session.scalars(select(Company).order_by(Company.id)
                                           .where(Company.id % CONTACT_EVERY == 0)):
                company.email = f"bpv@kvk-{company.kvk_number}.example"
        tokens = {**_issue_tokens(app, "admin", "", ()),
                  **_issue_tokens(app, "coordinator", "school", directory.schools.values()),
                  **_issue_tokens(app, "company", "company", directory.companies.values())}

    with serve(app) as bases:
        demo = Demo(Client(bases), tokens, doc)
        report = _drive(demo, app, directory, out)
    with Progress("berichten versturen (als .eml-bestanden)", None, out) as step, \
            app.app_context():
        sent = 0
        while done := deliver_due().sent:
            sent += done
        step.note = f"{_n(sent)} berichten in {outbox}"
    report["demo"] = {"students": students, "seed": seed}
    _write_outputs(output, report, demo)
    print(render_report(report), file=out)
    print("\n" + _("Written: %(files)s and %(last)s.", files=", ".join(
        str(output / name) for name in ("report.json", "report.md", "report.html",
                                        "assignments.csv")),
        last=output / "pok.csv"), file=out)
    dashboard, documentation = _("dashboard"), _("API documentation")
    serve_command = f"DATABASE_URL={url} make serve"
    token_command = f"DATABASE_URL={url} .venv/bin/leerplek create-token --role admin"
    print("\n".join([
        _("Start the service with `make serve` (gunicorn on http://127.0.0.1:8000):"),
        f"  {dashboard:<17} http://127.0.0.1:8000/dashboard",
        f"  {documentation:<17} http://127.0.0.1:8000/api/openapi.json "
        + _("(OpenAPI 3; the same document is api_spec/openapi.yaml)"),
        "  " + _("The demo database is %(database)s: %(command)s", database=database,
                 command=serve_command),
        "  " + _("A token for it: %(command)s", command=token_command)]), file=out)
    print(_("Sign in after `make serve` with that database (each link works once, %(days)s "
            "days; more with `leerplek login-link`):", days=app.config["SIGNIN_LINK_DAYS"]),
          file=out)
    for line in _signin_links(app):
        print(f"  {line}", file=out)
    return report


def _signin_links(app: Any) -> list[str]:
    """One-time sign-in links for a placed student, their company and their coordinator,
    so a newcomer can click through the pages after `make serve`."""
    base, days = app.config["BASE_URL"], app.config["SIGNIN_LINK_DAYS"]
    with app.app_context(), db.transaction() as session:
        placed = session.execute(
            select(Student.id, Student.student_number, Student.school_id, Offer.company_id)
            .join(Assignment, Assignment.student_id == Student.id)
            .join(Offer, Offer.id == Assignment.offer_id)
            .order_by(Assignment.id).limit(1)).first()
        if placed is None:
            return []
        student_id, number, school_id, company_id = placed
        lines = []
        for text, role, scope in (
                (_("student %(number)s", number=number), "student", f"student:{student_id}"),
                (_("their leerbedrijf"), "company", f"company:{company_id}"),
                (_("coordinator of their school (dashboard)"), "coordinator",
                 f"school:{school_id}")):
            _row, secret = create_link(session, None, role, scope, days)
            lines.append(f"{text + ':':42} {link_url(base, secret)}")
        return lines


def _drive(demo: Demo, app: Any, directory: Directory, out: TextIO) -> dict[str, Any]:
    c, admin = demo.client, demo.token("admin")
    doc = demo.doc

    # Each school's coordinator uploads its students, priority flags included (staff only).
    students: dict[str, int] = {}
    nearest = home_places()
    with Progress(_("coordinators upload their students"), len(doc["students"]),
                  out) as step:
        for code, school_id in directory.schools.items():
            mine = [s for s in doc["students"] if s["school_id"] == code]
            if not mine:
                continue
            body = [student_record(s, directory, nearest) for s in mine]
            for record in body[::CONTACT_EVERY]:  # some students give an e-mail address
                record["email"] = f"{record['student_number'].lower()}@leerling.example"
            summary = c.ok("POST", "/api/v1/students/import",
                           demo.token(f"coordinator:{school_id}"), body)
            students.update(zip((s["id"] for s in mine), summary["ids"], strict=True))
            step.advance(len(mine))
    demo.tokens.update(_issue_tokens(app, "student", "student", students.values()))
    demo.students = students

    rnd = c.ok("POST", "/api/v1/rounds", admin,
               {"name": "BPV Overijssel 2026–2027",  # no school or region: province-wide
                "seed": doc["policy"]["seed"],
                "max_preferences": doc["policy"]["max_preferences"]})
    rid = rnd["id"]

    # Companies post their offers into the round.
    offer_ids: dict[str, int] = {}
    with Progress(_("companies post their offers"), len(doc["offers"]), out) as step:
        def post(o: dict[str, Any]) -> tuple[str, int]:
            body = offer_record(o, directory, rid)
            company = body.pop("company_id")
            created = c.ok("POST", "/api/v1/offers", demo.token(f"company:{company}"), body)
            demo.offer_company[int(created["id"])] = company
            return o["id"], int(created["id"])
        offer_ids.update(_parallel(step, doc["offers"], post))
    c.ok("POST", f"/api/v1/rounds/{rid}/open", admin)

    # Students submit their lists; a refused list is fixed from the problem's named fields.
    lists = [s for s in doc["students"] if s["preferences"]]
    refused: Counter[str] = Counter()
    with Progress(_("students hand in their list of preferences"), len(lists), out) as step:
        def submit(s: dict[str, Any]) -> None:
            sid = students[s["id"]]
            token = demo.token(f"student:{sid}")
            offers = [offer_ids[o] for o in s["preferences"]]
            path = f"/api/v1/rounds/{rid}/preferences/{sid}"
            status, body, _ = c.call("PUT", path, token, {"offers": offers})
            if status == 422:
                refused["duplicate" if "twice" in json.dumps(body) else "ineligible"] += 1
                c.ok("PUT", path, token, {"offers": _without_refused(offers, body)})
            elif status >= 400:
                raise ApiError(status, body, f"PUT {path}")
        _parallel(step, lists, submit)
        step.note = (_("%(count)s refused with a named reason, corrected and handed in again",
                       count=_n(sum(refused.values()))) if refused else "")
    c.ok("POST", f"/api/v1/rounds/{rid}/close", admin)

    first = request_allocation(c, admin, rid, out, _("allocating the round"))
    c.ok("POST", f"/api/v1/rounds/{rid}/publish", admin)
    answers = _answer(demo, rid, out)
    _complete_poks(demo, directory, rid, out)
    with Progress(_("starting the follow-up round"), None, out):
        nxt = c.ok("POST", f"/api/v1/rounds/{rid}/follow-up", admin)["id"]
    c.ok("POST", f"/api/v1/rounds/{nxt}/close", admin)
    final = request_allocation(c, admin, nxt, out, _("allocating the follow-up round"))
    return _coordinator_report(demo, rid, nxt, final, first, answers, refused, out)


# One student in this many, and one company, gives an e-mail address: enough messages to
# read in demo-output/outbox without writing one per student.
CONTACT_EVERY = 50

JOB_DONE = ("finished", "failed")
JOB_TIMEOUT_S = 1800.0


@_dutch
def request_allocation(c: Client, admin: str, rid: int, out: TextIO, label: str
                       ) -> dict[str, Any]:
    """Allocate. A 200 carries the report; a 202 is a background job, polled at its
    ``Location`` (showing its phase and percent) until it has finished."""
    with Progress(label, None, out) as step:
        status, body, headers = c.call("POST", f"/api/v1/rounds/{rid}/allocate", admin)
        if status == 202:
            path = urllib.parse.urlsplit(headers.get("Location")
                                         or f"/api/v1/jobs/{body['id']}").path
            step.total = 100
            deadline = time.monotonic() + JOB_TIMEOUT_S
            job = body
            while job.get("status") not in JOB_DONE:
                if time.monotonic() > deadline:
                    raise ApiError(504, job, f"allocation job {path} did not finish")
                time.sleep(0.2)
                job = c.ok("GET", path, admin)
                step.done = int(job.get("percent") or 0)
                step.note = " ".join(str(job[k]) for k in ("phase", "step") if job.get(k))
            if job["status"] != "finished":
                raise ApiError(500, job, f"allocation job {path} failed")
            body = c.ok("GET", f"/api/v1/rounds/{rid}/report", admin)
        elif status >= 400:
            raise ApiError(status, body, f"POST /api/v1/rounds/{rid}/allocate")
        report: dict[str, Any] = body
        stats = report["stats"]
        step.note = _("%(placed)s of %(students)s placed", placed=_n(stats["placed"]),
                      students=_n(stats["students"]))
    return report


def _answer(demo: Demo, rid: int, out: TextIO) -> dict[str, int]:
    """Students answer their published placements: most accept, a few decline; BBL
    companies answer too, and a few of them decline."""
    c = demo.client
    rows = c.all_pages(f"/api/v1/rounds/{rid}/assignments", demo.token("admin"))
    counts: Counter[str] = Counter()
    with Progress(_("students and companies answer"), len(rows), out) as step:
        def answer(a: dict[str, Any]) -> str:
            # Deterministic "random" choices from the ids, so a seed replays exactly.
            h = (a["id"] * 2654435761) % 1000
            student = demo.token(f"student:{a['student_id']}")
            if h < 30:
                c.ok("POST", f"/api/v1/assignments/{a['id']}/decline", student)
                return "student declined"
            result = c.ok("POST", f"/api/v1/assignments/{a['id']}/accept", student)
            if result["status"] == "accepted":
                return "accepted"
            # A BBL placement is a job: the company answers as well.
            company = f"company:{demo.offer_company[a['offer_id']]}"
            verb = "decline" if h < 60 else "accept"
            c.ok("POST", f"/api/v1/assignments/{a['id']}/{verb}", demo.token(company))
            return "company declined" if verb == "decline" else "accepted"
        for outcome in _parallel(step, rows, answer):
            counts[outcome] += 1
        step.note = ", ".join(f"{_n(v)} {texts.label(ANSWERS, k)}"
                              for k, v in sorted(counts.items()))
    return dict(counts)


# A few companies and coordinators complete their praktijkovereenkomsten; two are signed.
POK_EXAMPLES = 5
POK_SIGNED = 2
DEMO_PLACES = {"twente": ("Enschede", "7511"), "regio-zwolle": ("Zwolle", "8011"),
               "stedendriehoek": ("Deventer", "7411")}


def _complete_poks(demo: Demo, directory: Directory, rid: int, out: TextIO) -> None:
    """The first accepted placements' POKs filled in by their company and their school's
    coordinator, the first of them made definitief; then the round's POKs as CSV."""
    c, admin = demo.client, demo.token("admin")
    with Progress(_("completing and exporting the praktijkovereenkomsten"), None, out) as step:
        accepted = c.ok("GET", f"/api/v1/assignments?round_id={rid}&status=accepted"
                               f"&page_size={POK_EXAMPLES}", admin)
        for n, a in enumerate(accepted):
            company = demo.offer_company[a["offer_id"]]
            offer = c.ok("GET", f"/api/v1/offers/{a['offer_id']}", admin)
            pok = c.ok("GET", f"/api/v1/assignments/{a['id']}/pok", admin)
            place, postcode = DEMO_PLACES.get(offer["region"], ("Zwolle", "8011"))
            url = f"/api/v1/assignments/{a['id']}/pok"
            c.ok("PATCH", url, demo.token(f"company:{company}"), {
                "leerbedrijf_sbb_code": f"{100000000 + company}",
                "leerbedrijf_adres": f"Stationsstraat {n + 1}",
                "leerbedrijf_postcode": f"{postcode} AB", "leerbedrijf_plaats": place,
                "uren_per_week": 32, "dagen_per_week": 4})
            start = dt.date.fromisoformat(offer["start"]) if offer.get("start") else (
                dt.date(2027, 2, 1))
            weeks = 20
            c.ok("PATCH", url, demo.token(f"coordinator:{directory.schools[pok['brin']]}"), {
                "begindatum": start.isoformat(),
                "geplande_einddatum": (start + dt.timedelta(weeks=weeks, days=-1)).isoformat(),
                "uren_totaal": 32 * weeks})
            if n < POK_SIGNED:
                c.ok("POST", f"{url}/finalize", admin)
        demo.pok_csv = c.ok("GET", f"/api/v1/rounds/{rid}/pok", admin, accept="text/csv")
        step.note = (f"{_n(demo.pok_csv.count(chr(10)) - 1)} overeenkomsten, "
                     f"{_n(len(accepted))} ingevuld")


# The coordinator's report ----------------------------------------------------------------

def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _coordinator_report(demo: Demo, first_id: int, rid: int, engine: dict[str, Any],
                        first: dict[str, Any], answers: dict[str, int], refused: Counter[str],
                        out: TextIO) -> dict[str, Any]:
    """The final round as a coordinator reads it through the API: the stored assignments,
    the round's offers and students, and the engine's reasons and shortage cells."""
    c, admin = demo.client, demo.token("admin")
    with Progress(_("reading back placements, offers and students"), None, out) as step:
        csv_text = c.ok("GET", f"/api/v1/rounds/{rid}/assignments", admin, accept="text/csv")
        earlier = c.ok("GET", f"/api/v1/rounds/{first_id}/assignments", admin,
                       accept="text/csv")
        offers = c.all_pages(f"/api/v1/offers?round_id={rid}", admin)
        students = c.all_pages("/api/v1/students", admin)
        step.note = _("%(offers)s places, %(students)s students", offers=_n(len(offers)),
                      students=_n(len(students)))
    demo.log.append(csv_text)
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    offer_by_id = {o["id"]: o for o in offers}
    home = {s["id"]: s["regions"][0] for s in students}
    sector = {s["id"]: s["sector"] for s in students}
    priority = {s["id"] for s in students if s.get("priority")}
    placed = {int(r["student_id"]): offer_by_id[int(r["offer_id"])] for r in rows}

    # A placement kept from the first round is pinned in the follow-up, where the student
    # listed nothing more: its rank is the one it was given in the first round.
    first_rank = {(r["student_id"], r["offer_id"]): r["rank"]
                  for r in csv.DictReader(io.StringIO(earlier))}
    ranks: Counter[str] = Counter(
        (first_rank.get((r["student_id"], r["offer_id"]), "") if r["pinned"] == "true"
         else r["rank"]) or "unranked" for r in rows)
    max_rank = max((int(k) for k in ranks if k != "unranked"), default=0)
    rank_profile = {str(k): ranks.get(str(k), 0) for k in range(1, max_rank + 1)}
    rank_profile["unranked"] = ranks.get("unranked", 0)

    def fill(key: str, student_key: dict[int, str]) -> list[dict[str, Any]]:
        seats: Counter[str] = Counter()
        taken: Counter[str] = Counter()
        for o in offers:
            seats[o[key]] += o["capacity"]
        for o in placed.values():
            taken[o[key]] += 1
        wanted = Counter(student_key.values())
        got = Counter(student_key[s] for s in placed)
        return [{key: k, "seats": seats[k], "placed_here": taken[k],
                 "fill": _share(taken[k], seats[k]), "students": wanted[k],
                 "students_placed": got[k], "placed_share": _share(got[k], wanted[k])}
                for k in sorted(set(seats) | set(wanted))]

    reasons = Counter(u["reason"] for u in engine["unassigned"])
    # Why the offers the outcompeted students listed had no seat left (the engine's seat
    # reasons; counted per lost offer on a list).
    seats = Counter(why for u in engine["unassigned"] for why in u.get("seat_reasons", []))
    return {
        "round_id": rid,
        "students": len(students),
        "placed": len(placed),
        "placed_share": _share(len(placed), len(students)),
        "priority_students": len(priority),
        "priority_placed": len(priority & set(placed)),
        "pinned": sum(r["pinned"] == "true" for r in rows),
        "rank_profile": rank_profile,
        "regions": fill("region", home),
        "sectors": fill("sector", sector),
        "unplaced": len(students) - len(placed),
        "unplaced_reasons": dict(reasons.most_common()),
        "seats_taken": {code: seats[code] for code in SEAT_REASONS if seats[code]},
        "top_shortages": engine["shortage"][:5],
        "first_round": {"placed": first["stats"]["placed"],
                        "students": first["stats"]["students"]},
        "answers": answers,
        "lists_refused": dict(refused),
        "engine_status": engine["status"],
        "policy": c.ok("GET", f"/api/v1/rounds/{rid}", admin)["objective"],
    }


# The report in Dutch: one table model, rendered as console text, Markdown and HTML ---------
# Every sentence is English in the code and Dutch in the message catalogue (service.texts and
# the entries below, through gettext); names of sectors and regions come from the reference
# data, formats from Babel's Dutch locale.

ANSWERS: dict[str, Any] = {"accepted": _l("accepted"),
                           "student declined": _l("declined by the student"),
                           "company declined": _l("declined by the company")}


def _n(value: int) -> str:
    """1.234"""
    return str(format_decimal(value, format="#,##0", locale=LOCALE))


def _pct(share: float) -> str:
    """92,0%"""
    return str(format_percent(share, format="#,##0.0%", locale=LOCALE))


def _dec(value: float) -> str:
    """2,7"""
    return str(format_decimal(value, format="#,##0.0", locale=LOCALE))


@functools.cache
def _names() -> tuple[dict[str, str], dict[str, str]]:
    """Sector and region names from the reference data."""
    ref = load_reference()
    return ({s["id"]: s["name"] for s in ref["sectors"]},
            {r["id"]: r["name"] for r in ref["regions"]})


@dataclass(frozen=True)
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool]  # right-aligned columns


def mean_rank(profile: dict[str, int]) -> float | None:
    """The mean rank of placements with a rank (unranked ones are counted apart)."""
    ranked = {int(k): v for k, v in profile.items() if k != "unranked"}
    total = sum(ranked.values())
    return sum(k * v for k, v in ranked.items()) / total if total else None


def report_summary(r: dict[str, Any]) -> list[str]:
    first = r["first_round"]
    mean = mean_rank(r["rank_profile"])
    answers = ", ".join(f"{_n(v)} {texts.label(ANSWERS, k)}"
                        for k, v in sorted(r["answers"].items()))
    where = (_("on average %(mean)s", mean=_dec(mean)) if mean is not None
             else _("no placement with a place on the list"))
    unranked = r["rank_profile"].get("unranked", 0)
    return [
        _("%(placed)s of %(students)s students placed (%(share)s); students with priority: "
          "%(priority_placed)s of %(priority)s placed.", placed=_n(r["placed"]),
          students=_n(r["students"]), share=_pct(r["placed_share"]),
          priority_placed=_n(r["priority_placed"]), priority=_n(r["priority_students"])),
        _("%(kept)s placements kept from the first round; the first round placed %(placed)s "
          "of %(students)s students.", kept=_n(r["pinned"]), placed=_n(first["placed"]),
          students=_n(first["students"])),
        _("Answers to the proposals: %(answers)s.", answers=answers or _("none")),
        _("Place on the list of preferences: %(where)s; %(count)s placed outside the list.",
          where=where, count=_n(unranked)) if unranked else
        _("Place on the list of preferences: %(where)s.", where=where),
        _("Policy: %(name)s.", name=texts.policy_name(r["policy"])) + " "
        + texts.policy_explanation(r["policy"]),
        _("Outcome of the calculation: %(status)s.",
          status=texts.label(texts.RESULT_STATUS, r["engine_status"])),
    ]


def report_tables(r: dict[str, Any]) -> list[Table]:
    sectors, regions = _names()
    profile = Table(_("Placements per place on the list of preferences"),
                    [_("Choice"), _("Students")],
                    [[_("choice %(rank)s", rank=k) if k != "unranked" else _("outside the list"),
                      _n(v)] for k, v in r["rank_profile"].items()], [False, True])
    fills = []
    for key, title, heading, names in (("regions", _("Region"), _("Per region"), regions),
                                       ("sectors", _("Sector"), _("Per sector"), sectors)):
        code = "region" if key == "regions" else "sector"
        fills.append(Table(
            heading,
            [title, _("Seats"), _("Taken"), _("Occupancy"), _("Students"), _("Placed"),
             _("Share")],
            [[names.get(row[code], row[code]), _n(row["seats"]), _n(row["placed_here"]),
              _pct(row["fill"]), _n(row["students"]), _n(row["students_placed"]),
              _pct(row["placed_share"])]
             for row in sorted(r[key], key=lambda row: names.get(row[code], row[code]))],
            [False] + [True] * 6))
    unplaced = Table(_("Not placed: %(count)s students", count=_n(r["unplaced"])),
                     [_("Reason"), _("Students")],
                     [[texts.reason_for_staff(k), _n(v)]
                      for k, v in r["unplaced_reasons"].items()], [False, True])
    seats = Table(_("Why the places on their lists had no seat left"),
                  [_("Why"), _("Places on a list")],
                  [[texts.seat_taken(k), _n(v)] for k, v in r.get("seats_taken", {}).items()],
                  [False, True])
    shortage = Table(
        _("Where extra seats place the most students"),
        [_("Region"), _("Sector"), _("Level"), _("Extra seats → more placed"),
         _("Not placed, listed a place here")],
        [[regions.get(c["region"], c["region"]), sectors.get(c["sector"], c["sector"]),
          str(c["level"]), f"+{_n(c['would_place'])} → {_n(c['would_place'])}",
          _n(c["unplaced_students"])] for c in r["top_shortages"]],
        [False, False, True, True, True])
    return [profile, *fills, unplaced, seats, shortage]


def _title(r: dict[str, Any]) -> str:
    return str(_("Coordinator's report: follow-up round %(id)s", id=r["round_id"]))


@_dutch
def render_report(r: dict[str, Any]) -> str:
    """The report as plain text, for the terminal."""
    lines = ["", _title(r), *(f"  {line}" for line in report_summary(r))]
    for table in report_tables(r):
        lines += ["", f"  {table.title}"]
        if not table.rows:
            lines.append("    " + _("none"))
            continue
        widths = [max(len(c), *(len(row[i]) for row in table.rows))
                  for i, c in enumerate(table.columns)]

        def line(cells: list[str], table: Table = table, widths: list[int] = widths) -> str:
            return "    " + "  ".join(c.rjust(w) if num else c.ljust(w) for c, w, num in
                                      zip(cells, widths, table.numeric, strict=True)).rstrip()
        lines += [line(table.columns), *(line(row) for row in table.rows)]
    return "\n".join(lines)


@_dutch
def render_markdown(r: dict[str, Any]) -> str:
    """The report as Markdown, with a table per section."""
    def cell(text: str) -> str:
        return text.replace("|", "\\|")
    out = [f"# {_title(r)}", "", *(f"- {line}" for line in report_summary(r))]
    for table in report_tables(r):
        out += ["", f"## {table.title}", ""]
        if not table.rows:
            out.append(_("None."))
            continue
        out += ["| " + " | ".join(cell(c) for c in table.columns) + " |",
                "|" + "|".join("---:" if num else "---" for num in table.numeric) + "|",
                *("| " + " | ".join(cell(c) for c in row) + " |" for row in table.rows)]
    return "\n".join(out) + "\n"


HTML_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1rem; max-width: 60rem; color: #1a1a1a; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; }
th, td { padding: .3rem .6rem; border-bottom: 1px solid #ccc; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
"""


@_dutch
def render_html(r: dict[str, Any]) -> str:
    """The report as one self-contained HTML page (no script, no external asset)."""
    def row(cells: list[str], numeric: list[bool], tag: str) -> str:
        scope = ' scope="col"' if tag == "th" else ""
        return "<tr>" + "".join(
            f'<{tag}{scope}{" class=num" if num else ""}>{escape(c)}</{tag}>'
            for c, num in zip(cells, numeric, strict=True)) + "</tr>"
    parts = ['<!doctype html>', f'<html lang="{LOCALE}">', '<head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{escape(_title(r))}</title>", f"<style>{HTML_STYLE}</style></head>",
             "<body><main>", f"<h1>{escape(_title(r))}</h1>", "<ul>",
             *(f"<li>{escape(line)}</li>" for line in report_summary(r)), "</ul>"]
    for table in report_tables(r):
        parts.append(f"<h2>{escape(table.title)}</h2>")
        if not table.rows:
            parts.append("<p>Geen.</p>")
            continue
        parts += ['<div class="scroll"><table>',
                  f"<thead>{row(table.columns, table.numeric, 'th')}</thead><tbody>",
                  *(row(cells, table.numeric, "td") for cells in table.rows),
                  "</tbody></table></div>"]
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def _write_outputs(output: Path, report: dict[str, Any], demo: Demo) -> None:
    (output / "assignments.csv").write_text(demo.log[-1], encoding="utf-8")
    (output / "pok.csv").write_text(demo.pok_csv, encoding="utf-8")
    (output / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
    (output / "report.md").write_text(render_markdown(report), encoding="utf-8")
    (output / "report.html").write_text(render_html(report), encoding="utf-8")
