"""The ``leerplek`` command: the engine's commands plus the service's.

The service's commands live in ``service.commands``, imported only when one runs (it imports
Flask and SQLAlchemy), so ``leerplek solve`` stays as light as the engine alone.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from solver import cli as solver_cli

OPENAPI_PATH = Path(__file__).resolve().parents[1] / "api_spec" / "openapi.yaml"


def _service(name: str) -> Callable[[argparse.Namespace], int]:
    """The service command ``name``, imported only when it runs."""
    def run(args: argparse.Namespace) -> int:
        # Lazily: service.commands imports Flask and SQLAlchemy; `leerplek solve` must not.
        from service import commands

        command: Callable[[argparse.Namespace], int] = getattr(commands, name)
        return command(args)
    return run


def add_service_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("db", help="database schema (Alembic)")
    db_sub = p.add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", help="migrate DATABASE_URL's schema")
    up.add_argument("revision", nargs="?", default="head")
    up.add_argument("--seed-reference", action="store_true",
                    help="then load the reference data (as `leerplek seed reference`)")
    up.set_defaults(func=_service("cmd_db_upgrade"))

    p = sub.add_parser("serve", help="the development server (production: gunicorn)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5000)
    p.add_argument("--debug", action="store_true")
    p.set_defaults(func=_service("cmd_serve"))

    p = sub.add_parser("create-token", help="issue an API token and print it once")
    p.add_argument("--role", required=True, choices=["admin", "coordinator", "company",
                                                     "student"])
    p.add_argument("--scope", default="",
                   help="school:<id> or region:<name> (coordinator), company:<id>, "
                        "student:<id>; empty for admin")
    p.add_argument("--expires-in-days", type=solver_cli.positive, default=None, metavar="N",
                   help="the token stops working after N days (default: until revoked)")
    p.set_defaults(func=_service("cmd_create_token"))

    p = sub.add_parser("seed", help="reference data, or a calibrated demo round")
    seed_sub = p.add_subparsers(dest="seed_command", required=True)
    ref = seed_sub.add_parser("reference", help="load seeds/reference/ (idempotent)")
    ref.set_defaults(func=_service("cmd_seed_reference"))
    demo = seed_sub.add_parser("demo", help="reference data plus an open province-wide round of "
                                            "generated companies, offers, students, lists")
    demo.add_argument("--students", type=int, default=6000)
    demo.add_argument("--seed", type=int, default=1)
    demo.set_defaults(func=_service("cmd_seed_demo"))

    p = sub.add_parser("demo", help="a whole round through the HTTP API on a fresh SQLite "
                                    "database, with the coordinator's report")
    p.add_argument("--students", type=int, default=6000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("-o", "--output", default="demo-output")
    p.set_defaults(func=_service("cmd_demo"))

    p = sub.add_parser("worker", help="run allocation jobs from Redis (REDIS_URL)")
    p.add_argument("--burst", action="store_true", help="stop once the queue is empty")
    p.add_argument("--max-idle", type=int, default=None, metavar="SECONDS",
                   help="stop after this long without a job (tests use it so that a worker "
                        "whose test run died does not linger)")
    p.set_defaults(func=_service("cmd_worker"))
    p = sub.add_parser("revoke-token", help="revoke an API token by its id (401 from now on)")
    p.add_argument("id", type=int)
    p.set_defaults(func=_service("cmd_revoke_token"))

    p = sub.add_parser("login-link", help="make a one-time sign-in link and print its URL")
    p.add_argument("--role", required=True, choices=["admin", "coordinator", "company",
                                                     "student"])
    p.add_argument("--scope", default="",
                   help="student:<id>, company:<id>, school:<id> or region:<name> "
                        "(coordinator); empty for admin")
    p.add_argument("--days", type=solver_cli.positive, default=None, metavar="N",
                   help="the link expires after N days (default SIGNIN_LINK_DAYS, 14)")
    p.set_defaults(func=_service("cmd_login_link"))

    p = sub.add_parser("login-links", help="one sign-in link per student of a school, or per "
                                           "company, as CSV")
    p.add_argument("--role", required=True, choices=["student", "company"])
    p.add_argument("--school", type=int, default=None, metavar="ID",
                   help="the school whose students get a link (students: required)")
    p.add_argument("--days", type=solver_cli.positive, default=None, metavar="N")
    p.add_argument("-o", "--output", required=True, help="the CSV file to write")
    p.set_defaults(func=_service("cmd_login_links"))

    p = sub.add_parser("revoke-access", help="end a person's sessions, tokens and unused "
                                             "sign-in links")
    p.add_argument("--role", required=True, choices=["admin", "coordinator", "company",
                                                     "student"])
    p.add_argument("--scope", default="")
    p.set_defaults(func=_service("cmd_revoke_access"))

    p = sub.add_parser("purge", help="AVG retention: erase students whose rounds finished "
                                     "long ago, delete old audit events")
    p.add_argument("--older-than-days", type=int, default=None,
                   help="the retention period (default RETENTION_DAYS, 730)")
    p.add_argument("--dry-run", action="store_true", help="print the counts, change nothing")
    p.set_defaults(func=_service("cmd_purge"))

    p = sub.add_parser("monitor", help="the regional monitor's open data")
    monitor_sub = p.add_subparsers(dest="monitor_command", required=True)
    export = monitor_sub.add_parser("export", help="write monitor.csv and agreements.csv "
                                                   "(the open data of GET /api/v1/monitor)")
    export.add_argument("-o", "--output", required=True, help="the directory to write into")
    export.set_defaults(func=_service("cmd_monitor_export"))

    p = sub.add_parser("openapi", help="write the OpenAPI document generated from the code")
    p.add_argument("-o", "--output", default=str(OPENAPI_PATH))
    p.set_defaults(func=_service("cmd_openapi"))


def main(argv: list[str] | None = None) -> int:
    parser = solver_cli.build_parser(extra=add_service_commands)
    return solver_cli.main(argv, parser=parser)


if __name__ == "__main__":
    sys.exit(main())
