"""The ``leerplek`` command: the engine's commands plus the service's.

Service commands import Flask and SQLAlchemy only when they run, so ``leerplek solve`` stays as
light as the engine alone.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from solver import cli as solver_cli

ROOT = Path(__file__).resolve().parents[1]
OPENAPI_PATH = ROOT / "api_spec" / "openapi.yaml"


def openapi_yaml() -> str:
    """The OpenAPI document as the code describes it; no database is touched."""
    import yaml

    from .app import create_app
    from .extensions import api

    app = create_app({"DATABASE_URL": "sqlite://"})
    with app.app_context():
        spec: dict[str, Any] = api.spec.to_dict()
    text: str = yaml.safe_dump(spec, sort_keys=True, allow_unicode=True, width=100)
    return text


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from .app import create_app
    from .migrate import upgrade

    url: str = create_app().config["DATABASE_URL"]
    upgrade(url, args.revision)
    print(f"database at {url.split('@')[-1]} upgraded to {args.revision}", file=sys.stderr)
    if args.seed_reference:
        # Writes are checked against the reference data and refused (503) without it.
        return cmd_seed_reference(args)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .app import create_app

    # The development server; production runs gunicorn 'service.app:create_app()'.
    create_app().run(host=args.host, port=args.port, debug=args.debug)
    return 0


def cmd_create_token(args: argparse.Namespace) -> int:
    from .app import create_app
    from .auth import issue_token
    from .extensions import db

    with create_app().app_context():
        try:
            with db.transaction() as session:
                token = issue_token(session, args.role, args.scope)
        except ValueError as exc:
            print(f"leerplek: {exc}", file=sys.stderr)
            return solver_cli.EXIT_BAD_INPUT
    print(token)
    print("store it now: only its hash is kept", file=sys.stderr)
    return 0


def cmd_seed_reference(args: argparse.Namespace) -> int:
    from .app import create_app
    from .extensions import db
    from .seeding import seed_reference

    with create_app().app_context(), db.transaction() as session:
        counts = seed_reference(session)
    print(f"reference data: {counts.created} created, {counts.updated} updated, "
          f"{counts.unchanged} unchanged", file=sys.stderr)
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from .app import create_app
    from .demo import Progress
    from .errors import Problem
    from .extensions import db
    from .seeding import seed_demo

    with create_app().app_context():
        try:
            with db.transaction() as session, Progress("seeding", None):
                rid = seed_demo(session, args.students, args.seed).id
        except Problem as exc:
            print(f"leerplek: {exc.detail}", file=sys.stderr)
            for e in exc.errors[:10]:
                print(f"  {e['field']}: {e['message']}", file=sys.stderr)
            return solver_cli.EXIT_BAD_INPUT
    print(f"seeded open province-wide round {rid} with {args.students} students",
          file=sys.stderr)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    run_demo(args.students, args.seed, Path(args.output))
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from .app import create_app
    from .jobs import work

    url = create_app().config.get("REDIS_URL")
    if not url:
        print("leerplek: the worker needs REDIS_URL; without it the API runs jobs itself",
              file=sys.stderr)
        return solver_cli.EXIT_BAD_INPUT
    work(url, burst=args.burst, max_idle=args.max_idle)
    return 0


def cmd_revoke_token(args: argparse.Namespace) -> int:
    from .app import create_app
    from .errors import Problem
    from .extensions import db
    from .models import ApiToken
    from .tokens import revoke_token

    with create_app().app_context():
        try:
            with db.transaction() as session:
                row = session.get(ApiToken, args.id, with_for_update=True)
                if row is None:
                    raise Problem(404, f"no token with id {args.id}")
                revoke_token(session, None, row)
        except Problem as exc:
            print(f"leerplek: {exc.detail}", file=sys.stderr)
            return solver_cli.EXIT_BAD_INPUT
    print(f"token {args.id} revoked", file=sys.stderr)
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from .app import create_app
    from .extensions import db
    from .privacy import purge

    app = create_app()
    days = args.older_than_days or app.config["RETENTION_DAYS"]
    with app.app_context():
        try:
            with db.transaction() as session:
                summary = purge(session, int(days), dry_run=args.dry_run)
                if args.dry_run:
                    session.rollback()
        except ValueError as exc:
            print(f"leerplek: {exc}", file=sys.stderr)
            return solver_cli.EXIT_BAD_INPUT
    verb = "would erase" if args.dry_run else "erased"
    print(f"{verb} {summary.students_erased} students and "
          f"{'would delete' if args.dry_run else 'deleted'} {summary.audit_events_deleted} "
          f"audit events older than {summary.cutoff:%Y-%m-%d} ({days} days)")
    return 0


def cmd_openapi(args: argparse.Namespace) -> int:
    text = openapi_yaml()
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


def add_service_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("db", help="database schema (Alembic)")
    db_sub = p.add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", help="migrate DATABASE_URL's schema")
    up.add_argument("revision", nargs="?", default="head")
    up.add_argument("--seed-reference", action="store_true",
                    help="then load the reference data (as `leerplek seed reference`)")
    up.set_defaults(func=cmd_db_upgrade)

    p = sub.add_parser("serve", help="the development server (production: gunicorn)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5000)
    p.add_argument("--debug", action="store_true")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("create-token", help="issue an API token and print it once")
    p.add_argument("--role", required=True, choices=["admin", "coordinator", "company",
                                                     "student"])
    p.add_argument("--scope", default="",
                   help="school:<id> or region:<name> (coordinator), company:<id>, "
                        "student:<id>; empty for admin")
    p.set_defaults(func=cmd_create_token)

    p = sub.add_parser("seed", help="reference data, or a calibrated demo round")
    seed_sub = p.add_subparsers(dest="seed_command", required=True)
    ref = seed_sub.add_parser("reference", help="load seeds/reference/ (idempotent)")
    ref.set_defaults(func=cmd_seed_reference)
    demo = seed_sub.add_parser("demo", help="reference data plus an open province-wide round of "
                                            "generated companies, offers, students, lists")
    demo.add_argument("--students", type=int, default=6000)
    demo.add_argument("--seed", type=int, default=1)
    demo.set_defaults(func=cmd_seed_demo)

    p = sub.add_parser("demo", help="a whole round through the HTTP API on a fresh SQLite "
                                    "database, with the coordinator's report")
    p.add_argument("--students", type=int, default=6000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("-o", "--output", default="demo-output")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("worker", help="run allocation jobs from Redis (REDIS_URL)")
    p.add_argument("--burst", action="store_true", help="stop once the queue is empty")
    p.add_argument("--max-idle", type=int, default=None, metavar="SECONDS",
                   help="stop after this long without a job (tests use it so that a worker "
                        "whose test run died does not linger)")
    p.set_defaults(func=cmd_worker)
    p = sub.add_parser("revoke-token", help="revoke an API token by its id (401 from now on)")
    p.add_argument("id", type=int)
    p.set_defaults(func=cmd_revoke_token)

    p = sub.add_parser("purge", help="AVG retention: erase students whose rounds finished "
                                     "long ago, delete old audit events")
    p.add_argument("--older-than-days", type=int, default=None,
                   help="the retention period (default RETENTION_DAYS, 730)")
    p.add_argument("--dry-run", action="store_true", help="print the counts, change nothing")
    p.set_defaults(func=cmd_purge)

    p = sub.add_parser("openapi", help="write the OpenAPI document generated from the code")
    p.add_argument("-o", "--output", default=str(OPENAPI_PATH))
    p.set_defaults(func=cmd_openapi)


def main(argv: list[str] | None = None) -> int:
    parser = solver_cli.build_parser(extra=add_service_commands)
    return solver_cli.main(argv, parser=parser)


if __name__ == "__main__":
    sys.exit(main())
