"""The REST service under load: gunicorn on PostgreSQL, driven over loopback.

1. A fresh PostgreSQL database is created and migrated by Alembic; gunicorn serves the app.
2. **Bulk import**: a generated round (default 60,000 students) is posted whole to
   ``POST /api/v1/rounds/import``; the figure is that request's wall time, and the rows it
   wrote are counted back.
3. **Preference submissions**: the round is opened and ``PUT /rounds/{id}/preferences/{sid}``
   is sent by ``--clients`` keep-alive connections, each request with its own student's
   token, the generated list in reverse as the body (a change, so each is audited). The run
   is bounded by ``--requests`` and by ``--seconds``, whichever comes first; requests per
   second, latency percentiles and status counts are printed, and the stored preference rows
   are checked against the acknowledged submissions (every 200 stored exactly once). The
   rate in each full ``--window`` seconds (min / median / max) shows how much this host's
   speed moved within the run. The clients send requests encoded before the clock starts
   over plain sockets (``RawConnection``) and decode the answers' JSON after it stops, so
   the load generator takes as little as it can of the cores the server runs on.
4. **Baseline, same process**: the same kind of submission through the plain function
   (``service.rounds.lifecycle.submit_preferences``, one transaction each) with no HTTP and no
   gunicorn, so the ratio shows what the web layer costs.

Example: ``PYTHONPATH=. .venv/bin/python bench/bench_api.py --students 60000``
(needs PostgreSQL at ``--server``; the database ``--database`` is dropped and recreated).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.proccpu import proc_cpu_s  # noqa: E402  (the checkout, put on the path above)


def fresh_database(server: str, name: str) -> str:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_gunicorn(url: str, port: int, workers: int, env: dict[str, str] | None = None,
                   timeout: int = 900, worker_class: str = "service.serving.ProblemWorker",
                   threads: int = 1, root: Path = ROOT, venv: Path | None = None
                   ) -> subprocess.Popen[bytes]:
    """gunicorn serving the app of the source tree ``root`` on ``url``, once ``/readyz``
    answers 200; ``env`` adds to (or, with REDIS_URL, restores) the environment: by default
    no Redis. gunicorn is this interpreter's, or that of the virtual environment ``venv``."""
    gunicorn = (venv / "bin" if venv else Path(sys.executable).parent) / "gunicorn"
    child = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(root)}
    child.pop("REDIS_URL", None)
    child.update(env or {})
    proc = subprocess.Popen(
        [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--worker-class", worker_class, "--threads", str(threads),
         "--timeout", str(timeout), "--log-level", "warning", "service.app:create_app()"],
        env=child, cwd=root)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/readyz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not come up")


def call(conn: http.client.HTTPConnection, method: str, path: str, token: str,
         body: Any = None, key: str | None = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if key is not None:
        headers["Idempotency-Key"] = key
    conn.request(method, path, body=data, headers=headers)
    response = conn.getresponse()
    raw = response.read()
    return response.status, (json.loads(raw) if raw else None)


def import_round(port: int, admin: str, body: bytes
                 ) -> tuple[dict[str, Any], dict[str, Any], float]:
    """Post a round document (``body``, JSON) to the service on ``port``, open the round and
    read it back: the import's answer, the exported round and the import's wall seconds."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    try:
        start = time.perf_counter()
        conn.request("POST", "/api/v1/rounds/import", body=body,
                     headers={"Authorization": f"Bearer {admin}",
                              "Content-Type": "application/json"})
        response = conn.getresponse()
        imported = json.loads(response.read())
        seconds = time.perf_counter() - start
        if response.status != 201:
            raise SystemExit(f"import failed: {response.status} {imported}")
        round_id = imported["round"]["id"]
        status, _ = call(conn, "POST", f"/api/v1/rounds/{round_id}/open", admin)
        assert status == 200, status
        status, exported = call(conn, "GET", f"/api/v1/rounds/{round_id}/export", admin)
        assert status == 200, status
        return imported, exported, seconds
    finally:
        conn.close()


def tokens(url: str, role: str, scopes: list[str]) -> list[str]:
    from service.app import create_app
    from service.extensions import db
    from service.identity.tokens import issue_tokens

    app = create_app({"DATABASE_URL": url})
    # All at once (one INSERT, one audit event): tens of thousands of students' tokens.
    with app.app_context(), db.transaction() as session:
        return issue_tokens(session, role, scopes)


def seed_reference_data(url: str) -> None:
    from service.app import create_app
    from service.extensions import db
    from service.seeding import seed_reference

    with create_app({"DATABASE_URL": url}).app_context(), db.transaction() as session:
        seed_reference(session)


def children(pid: int) -> list[int]:
    """The direct children of a process (gunicorn's workers)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def server_activity(url: str) -> dict[str, int]:
    """PostgreSQL's own work so far that a load window may happen to include: checkpoints
    (after one, each page's first change writes its whole image to the WAL), WAL written,
    and the autovacuum and autoanalyze runs of the tables a submission writes."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        # PostgreSQL 17 moved the counts to pg_stat_checkpointer.
        newer = conn.info.server_version >= 170000
        checkpoints, = conn.execute(
            "SELECT num_timed + num_requested FROM pg_stat_checkpointer" if newer else
            "SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter").fetchone() or (0,)
        wal_bytes, fpi = conn.execute(
            "SELECT wal_bytes::bigint, wal_fpi FROM pg_stat_wal").fetchone() or (0, 0)
        vacuums, analyzes = conn.execute(
            "SELECT coalesce(sum(autovacuum_count), 0), coalesce(sum(autoanalyze_count), 0) "
            "FROM pg_stat_user_tables WHERE relname IN ('preferences', 'audit_events')"
        ).fetchone() or (0, 0)
    return {"checkpoints": int(checkpoints), "wal_bytes": int(wal_bytes), "fpi": int(fpi),
            "autovacuums": int(vacuums), "autoanalyzes": int(analyzes)}


class CpuMeter:
    """CPU seconds spent by every process a submission touches, read from /proc before and
    after the load: gunicorn (master and workers), the PostgreSQL backends of the bench's
    database, the Redis server (shared with whoever else uses it) and this process (the load
    generator). On a loaded machine wall time is mostly waiting for a core; CPU seconds are
    what a quiet one would spend."""

    def __init__(self, url: str, server: subprocess.Popen[bytes], redis_url: str | None):
        self.url, self.server, self.redis_pid = url, server, None
        if redis_url:
            import redis

            self.redis_pid = int(redis.Redis.from_url(redis_url).info("server")["process_id"])

    def backends(self) -> list[int]:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            return [pid for (pid,) in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()")]

    def read(self) -> dict[str, dict[int, float]]:
        workers = [self.server.pid, *children(self.server.pid)]
        return {"gunicorn": {pid: proc_cpu_s(pid) for pid in workers},
                "postgresql": {pid: proc_cpu_s(pid) for pid in self.backends()},
                "redis": {} if self.redis_pid is None
                else {self.redis_pid: proc_cpu_s(self.redis_pid)},
                "generator": {os.getpid(): time.process_time()}}

    @staticmethod
    def spent(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]
              ) -> dict[str, float]:
        """CPU seconds per part between two readings; a process that started in between
        counts from zero (a backend the pool opened during the load)."""
        return {part: sum(cpu - before[part].get(pid, 0.0) for pid, cpu in pids.items())
                for part, pids in after.items()}


class ProtocolError(RuntimeError):
    """A response the load generator does not understand: never counted as an answer."""


def encode_put(host: str, path: str, token: str, body: Any, key: str | None) -> bytes:
    """One whole PUT (request line, headers, JSON body) as the bytes put on the wire, so the
    load itself only sends them: no JSON encoding or header building while the clock runs."""
    data = json.dumps(body).encode()
    head = (f"PUT {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n")
    if key is not None:
        head += f"Idempotency-Key: {key}\r\n"
    return head.encode("latin-1") + b"\r\n" + data


class RawConnection:
    """One keep-alive HTTP/1.1 connection over a plain socket, one request in flight.

    The load generator runs on the same 2 cores as gunicorn and PostgreSQL: with http.client
    and JSON per request it took 0.26-0.29 ms of CPU per PUT, this one 0.08-0.10 ms (same
    command, alternated, 2 Dec 2026). It reads only what a PUT's answer needs: the status
    line, the headers up to the blank line and a Content-Length body, however the bytes are
    split across ``recv`` calls. Anything else (a closed connection before the whole answer,
    no Content-Length, chunked encoding, bytes beyond the answer) raises ProtocolError: a
    request is counted only with its whole answer."""

    MAX_HEAD = 64 * 1024

    def __init__(self, port: int, timeout: float = 60.0):
        self.port, self.timeout = port, timeout
        self.sock: socket.socket | None = None
        self.buffer = bytearray()

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def exchange(self, request: bytes) -> tuple[int, bytes]:
        """Send one pre-encoded request, return its status and body."""
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), self.timeout)
            # Small requests and answers: no Nagle delay between a request's segments.
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.sendall(request)
        status, body, close = self._response()
        if close:  # the server said so (Connection: close): a new connection next time
            self.close()
        return status, body

    def _fill(self, sock: socket.socket) -> None:
        chunk = sock.recv(65536)
        if not chunk:
            raise ProtocolError(f"connection closed mid-response ({len(self.buffer)} bytes "
                                "of it unread)")
        self.buffer += chunk

    def _response(self) -> tuple[int, bytes, bool]:
        sock, buffer = self.sock, self.buffer
        assert sock is not None
        while (end := buffer.find(b"\r\n\r\n")) < 0:
            if len(buffer) > self.MAX_HEAD:
                raise ProtocolError(f"no end of headers in {len(buffer)} bytes")
            self._fill(sock)
        lines = buffer[:end].decode("latin-1").split("\r\n")
        del buffer[:end + 4]
        version, _, rest = lines[0].partition(" ")
        code = rest[:3]
        if not version.startswith("HTTP/1.") or not code.isdigit() or rest[3:4] not in ("", " "):
            raise ProtocolError(f"bad status line {lines[0]!r}")
        status = int(code)
        if status < 200:  # no Expect: 100-continue is sent, so no interim answer is due
            raise ProtocolError(f"unexpected interim response {lines[0]!r}")
        length: int | None = None
        close = version == "HTTP/1.0"
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if not colon:
                raise ProtocolError(f"bad header line {line!r}")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                if not value.isdigit() or (length is not None and int(value) != length):
                    raise ProtocolError(f"bad Content-Length {value!r}")
                length = int(value)
            elif name == "transfer-encoding":
                raise ProtocolError(f"Transfer-Encoding {value!r} not supported")
            elif name == "connection":
                options = {o.strip().lower() for o in value.split(",")}
                close = "close" in options or (close and "keep-alive" not in options)
        if length is None:
            if status not in (204, 304):  # the only answers to a PUT without a body
                raise ProtocolError(f"{status} answer without Content-Length")
            length = 0
        while len(buffer) < length:
            self._fill(sock)
        if len(buffer) > length:  # one request in flight: nothing may follow its answer
            raise ProtocolError(f"{len(buffer) - length} bytes after a {length}-byte body")
        body = bytes(buffer)
        buffer.clear()
        return status, body, close


def encode_puts(port: int, jobs: list[tuple[str, str, Any]], idempotency_keys: bool = False
                ) -> list[bytes]:
    """``jobs`` (path, token, body) as whole PUTs; with ``idempotency_keys`` each with its
    own ``Idempotency-Key``, as a careful client sends (made here, before the clock)."""
    host = f"127.0.0.1:{port}"
    return [encode_put(host, path, token, body, uuid.uuid4().hex if idempotency_keys else None)
            for path, token, body in jobs]


def load(port: int, requests: list[bytes], clients: int, seconds: float) -> dict[str, Any]:
    """Send the pre-encoded ``requests`` over ``clients`` keep-alive connections, in order,
    until all are sent or ``seconds`` have passed. Returns the figures, each request's
    completion time since the start (``ends``) and the raw bodies of the 200s
    (``acknowledged``: request index, bytes), left for the caller to decode after the clock.
    A client's failure stops the others and is raised here."""
    # next() on an itertools.count is one C call under the GIL: the clients share the
    # queue of requests without a lock.
    queue = itertools.count()
    total = len(requests)
    errors: list[BaseException] = []
    # Each client keeps its own lists (no lock per request); they are merged after the join.
    results: list[tuple[list[float], list[float], list[int], list[tuple[int, bytes]]]] = []

    def worker() -> None:
        latencies: list[float] = []
        ends: list[float] = []
        statuses: list[int] = []
        bodies: list[tuple[int, bytes]] = []
        results.append((latencies, ends, statuses, bodies))  # list.append is atomic
        conn = RawConnection(port)
        clock = time.perf_counter
        now = clock()
        try:
            while now < deadline and not errors:
                index = next(queue)
                if index >= total:
                    return
                sent = now
                status, body = conn.exchange(requests[index])
                now = clock()
                latencies.append(now - sent)
                ends.append(now - start)
                statuses.append(status)
                if status == 200:
                    bodies.append((index, body))
        except BaseException as exc:  # every other client stops too, and load raises it
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    start = time.perf_counter()
    deadline = start + seconds
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    if errors:
        raise RuntimeError(f"load generator failed: {errors[0]!r}") from errors[0]
    latencies = sorted(x for r in results for x in r[0])
    return {"requests": len(latencies), "seconds": wall, "per_second": len(latencies) / wall,
            "p50_ms": 1000 * statistics.median(latencies),
            "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
            "statuses": dict(Counter(s for r in results for s in r[2])),
            "ends": [x for r in results for x in r[1]],
            "acknowledged": [b for r in results for b in r[3]]}


def window_rates(ends: list[float], wall: float, window: float) -> list[float]:
    """Requests per second in each full ``window``-second window from the start, by
    completion time: how the rate moved within one run (this host's speed does)."""
    counts = [0] * int(wall // window)
    for end in ends:
        k = int(end // window)
        if k < len(counts):  # the last, partial window is left out
            counts[k] += 1
    return [n / window for n in counts]


def count_preferences(url: str, round_id: int) -> int:
    from sqlalchemy import create_engine, func, select

    from service.config import normalise_database_url
    from service.models import Preference

    engine = create_engine(normalise_database_url(url))
    with engine.connect() as conn:
        n = conn.scalar(select(func.count()).select_from(Preference)
                        .where(Preference.round_id == round_id))
    engine.dispose()
    return int(n or 0)


def baseline(url: str, round_id: int, jobs: list[tuple[int, list[int]]]) -> dict[str, Any]:
    """The same submissions through the plain function, in this process, one by one."""
    from service.app import create_app
    from service.errors import Problem
    from service.extensions import db
    from service.identity.principals import Principal
    from service.models import Role, Round
    from service.rounds.lifecycle import submit_preferences

    app = create_app({"DATABASE_URL": url})
    admin = Principal(Role.ADMIN, "")
    refused = 0
    start = time.perf_counter()
    with app.app_context():
        for student_id, offers in jobs:
            try:
                with db.transaction() as session:
                    rnd = session.get(Round, round_id)
                    assert rnd is not None
                    submit_preferences(session, admin, rnd, student_id, offers)
            except Problem:  # the same lists the API refuses (ineligible entries)
                refused += 1
    wall = time.perf_counter() - start
    return {"requests": len(jobs), "refused": refused, "seconds": wall,
            "per_second": len(jobs) / wall}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=60_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="leerplek_bench")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--worker-class", default="service.serving.ProblemWorker",
                        help="gunicorn worker class (the default is the sync worker)")
    parser.add_argument("--venv", type=Path, default=None,
                        help="the virtual environment whose gunicorn (and Python) serves; "
                             "default this interpreter's")
    parser.add_argument("--threads", type=int, default=1,
                        help="gunicorn threads per worker (for a threaded worker class)")
    parser.add_argument("--redis", default=None,
                        help="REDIS_URL for gunicorn (rate limits, idempotency records); "
                             "default none: both live in each process")
    parser.add_argument("--idempotency-keys", action="store_true",
                        help="send every submission with its own Idempotency-Key")
    parser.add_argument("--clients", type=int, default=8, help="concurrent connections")
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--window", type=float, default=5.0,
                        help="seconds per window for the spread of the rate within the run")
    parser.add_argument("--baseline", type=int, default=1000,
                        help="submissions through the plain function")
    args = parser.parse_args()
    if args.window <= 0:
        parser.error("--window must be positive")

    from seeds.generator import generate_round
    from service.migrate import upgrade

    url = fresh_database(args.server, args.database)
    upgrade(url)
    seed_reference_data(url)  # the import is checked against it
    doc = generate_round(args.students, seed=args.seed)
    body = json.dumps(doc).encode()
    port = free_port()
    if args.redis:
        import redis

        redis.Redis.from_url(args.redis).flushdb()  # no counters or keys of an earlier run
    server = start_gunicorn(url, port, args.workers,
                            env={"REDIS_URL": args.redis} if args.redis else None,
                            worker_class=args.worker_class, threads=args.threads,
                            venv=args.venv)
    try:
        (admin,) = tokens(url, "admin", [""])
        imported, exported, import_seconds = import_round(port, admin, body)
        round_id = imported["round"]["id"]
        print(f"import: {args.students} students, {imported['offers']} offers, "
              f"{imported['preferences']} preferences, {len(body) / 1e6:.1f} MB JSON: "
              f"{import_seconds:.1f} s")
        students = [s for s in exported["students"] if s["preferences"]][:args.requests]
        student_tokens = tokens(url, "student", [f"student:{s['id']}" for s in students])
        # Each student sends their list in reverse: a real change, so every accepted
        # submission also writes its audit event, as on a deadline day.
        jobs = [(f"/api/v1/rounds/{round_id}/preferences/{s['id']}", token,
                 {"offers": [int(o) for o in reversed(s["preferences"])]})
                for s, token in zip(students, student_tokens, strict=True)]
        # Encoded before the CPU reading and decoded after it: the generator's CPU per PUT
        # is what it takes from the server's cores while the load runs.
        requests = encode_puts(port, jobs, args.idempotency_keys)
        meter = CpuMeter(url, server, args.redis)
        activity_before = server_activity(url)
        cpu_before = meter.read()
        result = load(port, requests, args.clients, args.seconds)
        cpu = CpuMeter.spent(cpu_before, meter.read())
        activity = {key: value - activity_before[key]
                    for key, value in server_activity(url).items()}
        # Every acknowledged list is stored exactly once; the rest kept their imported list.
        acknowledged = {jobs[index][0]: json.loads(raw)["offers"]
                        for index, raw in result.pop("acknowledged")}
        expected = imported["preferences"] - sum(
            len(s["preferences"]) for s in students
            if f"/api/v1/rounds/{round_id}/preferences/{s['id']}" in acknowledged
        ) + sum(len(v) for v in acknowledged.values())
        stored = count_preferences(url, round_id)
        served_by = (args.venv or Path(sys.executable).parent.parent).resolve()
        print(f"preferences: {result['requests']} PUTs by {args.clients} clients against "
              f"{args.workers} gunicorn workers ({args.worker_class}, {args.threads} "
              f"thread(s), {served_by}, Redis {args.redis or 'none'}, Idempotency-Key "
              f"{'yes' if args.idempotency_keys else 'no'}) in {result['seconds']:.1f} s: "
              f"{result['per_second']:.0f}/s, p50 {result['p50_ms']:.1f} ms, "
              f"p99 {result['p99_ms']:.1f} ms, statuses {result['statuses']}; "
              f"stored rows {stored}, expected {expected}")
        # The whole-run rate hides how the host's speed moved; the windows show it.
        rates = window_rates(result.pop("ends"), result["seconds"], args.window)
        print(f"windows of {args.window:g} s: " + (
            f"{len(rates)} full, min {min(rates):.0f}/s, median {statistics.median(rates):.0f}"
            f"/s, max {max(rates):.0f}/s ({' '.join(f'{r:.0f}' for r in rates)})" if rates
            else f"none full in {result['seconds']:.1f} s"))
        per_request = {part: 1000 * seconds / max(1, result["requests"])
                       for part, seconds in cpu.items()}
        print("CPU per PUT (ms): " + ", ".join(
            f"{part} {ms:.2f}" for part, ms in per_request.items())
            + f"; total {sum(per_request.values()):.2f} (Redis server shared)")
        # Run-to-run differences of the same code: was a checkpoint or an autovacuum (whose
        # worker's CPU the meter counts only if it still runs at the end) in the window?
        print(f"PostgreSQL during the load: {activity['checkpoints']} checkpoint(s), "
              f"{activity['wal_bytes'] / 1e6:.0f} MB WAL "
              f"({activity['wal_bytes'] / max(1, result['requests']) / 1e3:.1f} kB per PUT, "
              f"{activity['fpi']} full-page images), autovacuum {activity['autovacuums']}x and "
              f"autoanalyze {activity['autoanalyzes']}x of preferences and audit_events")
        ok = stored == expected
    finally:
        server.terminate()
        server.wait(30)
    plain = baseline(url, round_id,
                     [(int(s["id"]), [int(o) for o in s["preferences"]])
                      for s in students[:args.baseline]])
    print(f"baseline (plain function, one process, no HTTP): {plain['requests']} "
          f"({plain['refused']} refused) in "
          f"{plain['seconds']:.1f} s: {plain['per_second']:.0f}/s; the API served "
          f"{result['per_second'] / plain['per_second']:.2f}x that")
    if not ok:
        print("FAILED: stored preference rows differ from the acknowledged submissions")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
