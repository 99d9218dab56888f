"""What the demo's HTTP transport costs per request, apart from the app's own work.

Serves the real app the way ``make demo`` does (``service.demo.serve``: gunicorn's gthread
workers on one socket, a fresh SQLite database) and sends ``--requests`` ``GET /healthz``
(no database, no token: next to nothing of the app) from ``--threads`` threads with the
demo's ``Client``. Prints the wall time and the CPU seconds of the client process and of
the serving processes per request (``psutil``: user + sys, children included), so the
machine's load moves the figures little.

    PYTHONPATH=. .venv/bin/python bench/demo_transport.py --requests 4000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def cpu(process: object) -> float:
    import psutil

    assert isinstance(process, psutil.Process)
    t = process.cpu_times()
    return t.user + t.system


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--threads", type=int, default=None, help="default: the demo's")
    parser.add_argument("--processes", type=int, default=None, help="default: the demo's")
    parser.add_argument("--path", default="/healthz")
    args = parser.parse_args()

    import psutil

    from service import demo
    from service.app import create_app
    from service.migrate import upgrade

    threads = args.threads or demo.WORKERS
    processes = args.processes or demo.SERVERS
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/transport.sqlite"
        upgrade(url)
        app = create_app({"DATABASE_URL": url, "REDIS_URL": None, "MESSAGES_SWEEP_S": 0})
        with demo.serve(app, processes) as bases:
            client = demo.Client(bases)
            me = psutil.Process()
            for _ in range(4 * threads):  # warm up each side (every worker has started)
                client.ok("GET", args.path, "none")
            # gunicorn's arbiter and its workers (children of the arbiter)
            servers = [p for p in me.children(recursive=True) if p.is_running()]
            c0, s0, t0 = cpu(me), sum(cpu(p) for p in servers), time.monotonic()
            with ThreadPoolExecutor(threads) as pool:
                statuses = list(pool.map(
                    lambda _: client.call("GET", args.path, "none")[0], range(args.requests)))
            wall = time.monotonic() - t0
            client_s, server_s = cpu(me) - c0, sum(cpu(p) for p in servers) - s0
    n = args.requests
    print(f"{n} GET {args.path} ({sorted(set(statuses))}), {threads} client threads, "
          f"{processes} server processes: {wall:.2f} s wall = {n / wall:.0f}/s "
          f"(load {os.getloadavg()[0]:.2f})")
    print(f"  CPU per request: client {1000 * client_s / n:.2f} ms, "
          f"servers {1000 * server_s / n:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
