"""The rate limit's increment, on a Redis connection of its own and through redis-py's client.

Every API request increments its token's counter with ``WindowRedisStorage``'s script. Since
session 12 (docs/PERFORMANCE.md) it is sent and read on a connection of its own (an idle list);
before, it went through redis-py's client (``Script.__call__``: the pool's checkout and
release, the retry wrapper). This times both in one process, alternated ``--rounds`` times,
``--calls`` increments each, and prints CPU and wall microseconds per call:

    PYTHONPATH=. .venv/bin/python bench/ratelimit_incr.py --redis redis://127.0.0.1:6379/11
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.identity.throttling import WindowRedisStorage  # noqa: E402  (the checkout)

KEY = "leerplek-bench:ratelimit-incr"


def timed(call: Callable[[], object], calls: int) -> tuple[float, float]:
    """CPU and wall microseconds per call of ``call``."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(calls):
        call()
    return ((time.process_time() - cpu) / calls * 1e6,
            (time.perf_counter() - wall) / calls * 1e6)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    storage = WindowRedisStorage("leerplek+" + args.redis)
    key = storage.prefixed_key(KEY)
    ways: dict[str, Callable[[], object]] = {
        "own connection": lambda: storage._incr_window([key], 60, 1),
        "redis-py client": lambda: storage.lua_incr_window([key], [60, 1]),
    }
    for way in ways.values():  # connections made, the script loaded
        for _ in range(200):
            way()
    for n in range(1, args.rounds + 1):
        for name, way in ways.items():
            cpu, wall = timed(way, args.calls)
            print(f"round {n} {name}: {cpu:.1f} µs CPU, {wall:.1f} µs wall per call")
    storage.get_connection().delete(key)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
