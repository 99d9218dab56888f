"""Preference PUTs in process, for counting instructions: ``valgrind --tool=callgrind``.

The host's speed moves too much for a 10 % change in CPU per request to show in seconds
(docs/PERFORMANCE.md, "Where issue 16 stands: session 8"); instruction counts do not move.
Sends ``--requests`` ``PUT /rounds/{id}/preferences/{sid}`` through the Flask test client to
the newest round of a bench database (each with its own new student token and the student's
stored list in reverse, so each is a change and audited) after 20 warm ones. Run it twice,
with N and with M requests, under callgrind; the difference of the two ``I refs`` totals over
M - N is the instructions of one PUT (start-up, imports and the set-up cancel out):

    PYTHONPATH=. valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        .venv/bin/python bench/instructions_submit.py --requests 50 --skip 30000 \\
        --database postgresql://postgres@127.0.0.1:5432/leerplek_bench_main \\
        --redis redis://127.0.0.1:6379/11

Its lists change: run it on a bench database only (``bench/bench_api.py`` leaves one).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.profile_submit import reversed_lists  # noqa: E402  (the checkout, on the path above)

WARM = 20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", required=True, help="DATABASE_URL of a bench database")
    parser.add_argument("--redis", default=None, help="REDIS_URL (default: none)")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--skip", type=int, default=30_000, help="students to skip first")
    args = parser.parse_args()

    from service.app import create_app

    config: dict[str, Any] = {"DATABASE_URL": args.database}
    if args.redis:
        config["REDIS_URL"] = args.redis
    app = create_app(config)
    work = reversed_lists(app, args.skip, WARM + args.requests)
    client = app.test_client()
    statuses: dict[int, int] = {}
    for n, (path, token, body) in enumerate(work):
        response = client.put(path, data=body, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        if n >= WARM:
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    print(f"{args.requests} PUTs after {WARM} warm ones: statuses {statuses}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
