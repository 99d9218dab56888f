"""Fuzz the API with a large budget: schemathesis over every operation of
``api_spec/openapi.yaml``, as every role (admin, school and region coordinator, company,
student, anonymous), valid and invalid requests, in process against a seeded database.

Prints the cases tried per operation, the status codes seen and every finding (a 5xx, an
undocumented status, a wrong content type or a body off its schema) with the first request
that showed it. Exit status 1 when there is any finding.

Example: ``PYTHONPATH=. .venv/bin/python bench/fuzz_api.py --examples 100``
(SQLite in a temporary directory; ``--database postgresql://...`` fuzzes a PostgreSQL
database instead, whose tables are dropped and recreated).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    from sqlalchemy import create_engine

    from service.config import normalise_database_url
    from service.models import Base
    from tests.service.fuzzing import fuzz, seeded_app

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100,
                        help="cases per operation, role and mode (valid, invalid)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--database", help="a PostgreSQL URL; default: a temporary SQLite")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{tmp}/fuzz.sqlite"
        if args.database:
            url = normalise_database_url(url)
            engine = create_engine(url)
            Base.metadata.drop_all(engine)
            engine.dispose()
        with seeded_app(url) as (app, seeded):
            report = fuzz(app, seeded, args.examples, seed_value=args.seed,
                          progress=lambda line: print(line, file=sys.stderr, flush=True))

    print(f"{report.total} cases in {report.seconds:.0f} s "
          f"({report.total / report.seconds:.0f} per second), {len(report.cases)} operations")
    for label, count in sorted(report.cases.items()):
        print(f"  {count:7d}  {label}")
    print("statuses:", ", ".join(f"{s}: {n}" for s, n in sorted(report.statuses.items())))
    print(f"findings: {len(report.findings)}")
    for finding in report.findings.values():
        print(f"- {finding.operation} as {finding.role}: {finding.check} ({finding.status})\n"
              f"    {finding.example}")
    return 1 if report.findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
