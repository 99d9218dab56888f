"""What PostgreSQL spends storing a province's preferences, with and without their foreign keys.

Run after ``bench/bench_api_allocate.py`` (it leaves the imported round in the schema
``leerplek_bench``). Copies the stored preferences out, then COPYs them back into the emptied
table in a transaction that is rolled back, once per variant: as the schema has it, without
the round's foreign key, without all three foreign keys, with the row triggers off (what the
import does), and that with the ids given rather than drawn from the sequence. Prints the
backend's CPU seconds (the server is on this machine) and the wall time of each; the DDL of
a variant is rolled back with it.

    PYTHONPATH=. python bench/bench_preferences_copy.py \\
        postgresql://postgres@127.0.0.1:5432/test_jobs --repeat 2
"""

from __future__ import annotations

import argparse
import io
import os
import time

import psycopg

from bench.proccpu import proc_cpu_s

VARIANTS = {
    "as the schema has it": [],
    "without the round's foreign key": [
        "ALTER TABLE preferences DROP CONSTRAINT fk_preferences_round_id_rounds"],
    "without its three foreign keys": [
        f"ALTER TABLE preferences DROP CONSTRAINT fk_preferences_{c}"
        for c in ("round_id_rounds", "offer_id_offers", "student_id_students")],
    # What the import does when the role may (service.rounds.imports._store_preferences).
    "row triggers off (replica)": ["SET LOCAL session_replication_role = replica"],
    "replica, ids given (no nextval)": ["SET LOCAL session_replication_role = replica"],
}
COLUMNS = "round_id, student_id, offer_id, rank"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with psycopg.connect(args.url, options="-csearch_path=leerplek_bench") as conn:
        data = io.BytesIO()
        with conn.cursor().copy(f"COPY preferences (id, {COLUMNS}) TO STDOUT") as copy:
            for block in copy:
                data.write(block)
        conn.commit()
        rows = data.getvalue().count(b"\n")
        without_ids = b"".join(line.split(b"\t", 1)[1]
                               for line in data.getvalue().splitlines(keepends=True))
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]  # type: ignore[index]
        print(f"{rows} preferences, load average {os.getloadavg()[0]:.1f}")
        for _ in range(args.repeat):
            for name, ddl in VARIANTS.items():
                conn.execute("TRUNCATE preferences")
                for statement in ddl:
                    conn.execute(statement)
                cpu0, t0 = proc_cpu_s(pid), time.monotonic()
                given = "ids given" in name
                body = data.getvalue() if given else without_ids
                columns = f"id, {COLUMNS}" if given else COLUMNS
                with conn.cursor().copy(f"COPY preferences ({columns}) FROM STDIN") as copy:
                    copy.write(body)
                print(f"  {name:34s} backend CPU {proc_cpu_s(pid) - cpu0:6.2f} s, wall "
                      f"{time.monotonic() - t0:6.2f} s (load {os.getloadavg()[0]:.1f})",
                      flush=True)
                conn.rollback()


if __name__ == "__main__":
    main()
