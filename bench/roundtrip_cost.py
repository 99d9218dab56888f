"""What one round trip to PostgreSQL costs in CPU on this machine, on both ends.

Runs ``SELECT 1`` (prepared, autocommit) ``--times`` times on one psycopg connection, then
``BEGIN; SELECT 1; COMMIT`` as many times, each twice in turn, and prints the client's CPU,
the backend's CPU (read from /proc: same machine only) and the wall time per iteration: the
floor under every statement of a request (docs/PERFORMANCE.md, session 9).

Example: ``.venv/bin/python bench/roundtrip_cost.py --url postgresql://postgres@127.0.0.1:5432/postgres``
"""

from __future__ import annotations

import argparse
import os
import time

import psycopg


def backend_cpu_s(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--times", type=int, default=20_000)
    args = parser.parse_args()
    with psycopg.connect(args.url, autocommit=True) as conn:
        pid = conn.info.backend_pid
        for mode in ("SELECT 1", "BEGIN; SELECT 1; COMMIT") * 2:
            client, backend, wall = time.process_time(), backend_cpu_s(pid), time.perf_counter()
            for _ in range(args.times):
                if mode == "SELECT 1":
                    conn.execute("SELECT 1", prepare=True).fetchall()
                else:
                    conn.execute("BEGIN")
                    conn.execute("SELECT 1", prepare=True).fetchall()
                    conn.execute("COMMIT")
            per = 1e6 / args.times
            print(f"{mode}: client {(time.process_time() - client) * per:.1f} µs, backend "
                  f"{(backend_cpu_s(pid) - backend) * per:.1f} µs, wall "
                  f"{(time.perf_counter() - wall) * per:.1f} µs per iteration")


if __name__ == "__main__":
    main()
