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


def cmd_worker(args: argparse.Namespace) -> int:
    from .app import create_app
    from .jobs import work

    url = create_app().config.get("REDIS_URL")
    if not url:
        print("leerplek: the worker needs REDIS_URL; without it the API runs jobs itself",
              file=sys.stderr)
        return solver_cli.EXIT_BAD_INPUT
    work(url, burst=args.burst)
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

    p = sub.add_parser("worker", help="run allocation jobs from Redis (REDIS_URL)")
    p.add_argument("--burst", action="store_true", help="stop once the queue is empty")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("openapi", help="write the OpenAPI document generated from the code")
    p.add_argument("-o", "--output", default=str(OPENAPI_PATH))
    p.set_defaults(func=cmd_openapi)


def main(argv: list[str] | None = None) -> int:
    parser = solver_cli.build_parser(extra=add_service_commands)
    return solver_cli.main(argv, parser=parser)


if __name__ == "__main__":
    sys.exit(main())
