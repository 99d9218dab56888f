"""The demo's answer step alone, over HTTP: placements answered through the served app.

Takes a database with a published round (``bench/profile_answer.py --requests 1`` leaves
one; copy it first, each run answers placements), serves the app as ``make demo`` does
(``service.demo.serve``: ``--processes`` gunicorn's gthread workers, SQLite in WAL mode) and
answers ``--requests`` placements from ``--threads`` client threads with the demo's
``Client``, as ``service.demo._answer`` does (the company answers too where BBL). Prints
requests per second and the CPU seconds per request of the client and of the servers
(``psutil``, user + sys), so the machine's load moves the comparison less.

    cp /tmp/b20k-fresh.sqlite /tmp/b20k.sqlite
    PYTHONPATH=. .venv/bin/python bench/demo_answers_http.py --database /tmp/b20k.sqlite \\
        --requests 3000 --processes 2 --threads 4
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", required=True, help="SQLite file with a published round")
    parser.add_argument("--requests", type=int, default=3000, help="placements to answer")
    parser.add_argument("--processes", type=int, default=None, help="default: the demo's")
    parser.add_argument("--threads", type=int, default=None, help="default: the demo's")
    args = parser.parse_args()

    import psutil
    from sqlalchemy import event, select

    from bench.demo_transport import cpu
    from service import demo
    from service.app import create_app
    from service.extensions import db
    from service.identity.tokens import issue_tokens
    from service.models import Assignment, AssignmentStatus, Offer, Round, RoundStatus

    url = f"sqlite:///{Path(args.database).resolve()}"
    app = create_app({"DATABASE_URL": url, "REDIS_URL": None, "JOBS_MODE": "thread",
                      "DATABASE_ENGINE_OPTIONS": {"connect_args": {"timeout": 60}},
                      "MESSAGES_SWEEP_S": 0})
    with app.app_context():
        event.listen(db.engine, "connect", demo.fast_sqlite)
        round_id = db.session.scalar(select(Round.id).where(
            Round.status == RoundStatus.PUBLISHED.value).order_by(Round.id.desc()))
        rows = db.session.execute(
            select(Assignment.id, Assignment.student_id, Offer.company_id)
            .join(Offer, Offer.id == Assignment.offer_id)
            .where(Assignment.round_id == round_id,
                   Assignment.status == AssignmentStatus.PROPOSED.value)
            .order_by(Assignment.id).limit(args.requests)).all()
        companies = list(dict.fromkeys(c for _, _, c in rows))
        with db.transaction() as session:
            students = issue_tokens(session, "student", [f"student:{s}" for _, s, _ in rows])
            company_token = dict(zip(companies, issue_tokens(
                session, "company", [f"company:{c}" for c in companies]), strict=True))
        db.session.close()
    threads = args.threads or demo.WORKERS
    processes = args.processes or demo.SERVERS
    with demo.serve(app, processes) as bases:
        client = demo.Client(bases)
        me = psutil.Process()
        for _ in range(4 * threads):  # every worker has started (gunicorn forks them)
            client.ok("GET", "/healthz", "none")
        # gunicorn's arbiter and its workers (children of the arbiter)
        servers = [p for p in me.children(recursive=True) if p.is_running()]

        def answer(job: tuple[Any, str]) -> str:
            (a_id, _s, company), token = job
            h = (a_id * 2654435761) % 1000
            verb = "decline" if h < 30 else "accept"
            result = client.ok("POST", f"/api/v1/assignments/{a_id}/{verb}", token)
            if verb == "decline" or result["status"] != "proposed":
                return f"student {verb}"
            verb = "decline" if h < 60 else "accept"
            client.ok("POST", f"/api/v1/assignments/{a_id}/{verb}", company_token[company])
            return f"student accept, company {verb}"

        c0, s0, t0 = cpu(me), sum(cpu(p) for p in servers), time.monotonic()
        with ThreadPoolExecutor(threads) as pool:
            outcomes = Counter(pool.map(answer, zip(rows, students, strict=True)))
        wall = time.monotonic() - t0
        client_s, server_s = cpu(me) - c0, sum(cpu(p) for p in servers) - s0
    requests = len(rows) + sum(n for k, n in outcomes.items() if "company" in k)
    print(f"{len(rows)} placements answered ({requests} requests, {dict(outcomes)}), "
          f"{threads} client threads, {processes} server processes")
    print(f"  {wall:.2f} s wall = {len(rows) / wall:.0f} placements/s, "
          f"{requests / wall:.0f} requests/s (load {os.getloadavg()[0]:.2f})")
    print(f"  CPU per request: client {1000 * client_s / requests:.2f} ms, "
          f"servers {1000 * server_s / requests:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
