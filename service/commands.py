"""The service's commands behind ``leerplek``: database, seeding, tokens, worker, purge.

``service.cli`` imports this module only when one of these commands runs (it imports Flask
and SQLAlchemy), so the engine's commands stay as light as the engine alone.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from pathlib import Path
from typing import Any

import yaml
from flask import Flask

from service.api import api
from service.app import create_app
from service.audit.log import now
from service.demo import Progress, run_demo
from service.errors import Problem
from service.extensions import db
from service.identity.links import create_link, create_links, link_url
from service.identity.links import people as links_people
from service.identity.sessions import revoke_access
from service.identity.tokens import issue_token, revoke_token
from service.migrate import upgrade
from service.models import ApiToken, School
from service.monitor.export import write_export
from service.privacy.students import purge
from service.seeding import seed_demo, seed_reference
from service.worker import work
from solver import cli as solver_cli

ROOT = Path(__file__).resolve().parents[1]
OPENAPI_PATH = ROOT / "api_spec" / "openapi.yaml"


def one_shot_app(config: dict[str, Any] | None = None) -> Flask:
    """The app for a command that does its work and ends: configured as ``create_app``'s,
    without the embedded mode's sweeps (answer deadlines, the outbox, webhook retries),
    which belong to a serving process: `db upgrade` would otherwise start them against
    tables it has not made yet, and each would outlive the command's work."""
    return create_app({"EMBEDDED_SWEEPS": False, **(config or {})})


def openapi_yaml() -> str:
    """The OpenAPI document as the code describes it; no database is touched."""

    app = one_shot_app({"DATABASE_URL": "sqlite://"})
    with app.app_context():
        spec: dict[str, Any] = api.spec.to_dict()
    text: str = yaml.safe_dump(spec, sort_keys=True, allow_unicode=True, width=100)
    return text


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    url: str = one_shot_app().config["DATABASE_URL"]
    upgrade(url, args.revision)
    print(f"database at {url.split('@')[-1]} upgraded to {args.revision}", file=sys.stderr)
    if args.seed_reference:
        # Writes are checked against the reference data and refused (503) without it.
        return cmd_seed_reference(args)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    # The development server; production runs gunicorn 'service.app:create_app()'.
    create_app().run(host=args.host, port=args.port, debug=args.debug)
    return 0


def cmd_create_token(args: argparse.Namespace) -> int:
    with one_shot_app().app_context():
        try:
            with db.transaction() as session:
                days = args.expires_in_days
                expires = None if days is None else now() + dt.timedelta(days=days)
                token = issue_token(session, args.role, args.scope, expires)
        except ValueError as exc:
            print(f"leerplek: {exc}", file=sys.stderr)
            return solver_cli.EXIT_BAD_INPUT
    print(token)
    print("store it now: only its hash is kept", file=sys.stderr)
    return 0


def cmd_login_link(args: argparse.Namespace) -> int:
    app = one_shot_app()
    with app.app_context():
        days = args.days or app.config["SIGNIN_LINK_DAYS"]
        try:
            with db.transaction() as session:
                _row, secret = create_link(session, None, args.role, args.scope, days)
        except ValueError as exc:
            print(f"leerplek: {exc}", file=sys.stderr)
            return solver_cli.EXIT_BAD_INPUT
        print(link_url(app.config["BASE_URL"], secret))
    print(f"works once, for {days} days; only its hash is kept", file=sys.stderr)
    return 0


def cmd_login_links(args: argparse.Namespace) -> int:
    app = one_shot_app()
    with app.app_context():
        days = args.days or app.config["SIGNIN_LINK_DAYS"]
        if args.role == "student" and args.school is None:
            print("leerplek: --role student needs --school ID", file=sys.stderr)
            return solver_cli.EXIT_BAD_INPUT
        with db.transaction() as session:
            if args.role == "student" and session.get(School, args.school) is None:
                print(f"leerplek: no school with id {args.school}", file=sys.stderr)
                return solver_cli.EXIT_BAD_INPUT
            people = links_people(session, None, args.role, args.school)
            made = create_links(session, None, args.role, [p[0] for p in people], days,
                                args.school)
        expires = (now() + dt.timedelta(days=days)).date().isoformat()
        with open(args.output, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["scope", "name" if args.role == "company" else "student_number",
                             "school", "link", "expires"])
            for (scope, name, school), secret in zip(people, made, strict=True):
                writer.writerow([scope, name, school, link_url(app.config["BASE_URL"], secret),
                                 expires])
    print(f"{len(made)} links written to {args.output}; each works once, for {days} days",
          file=sys.stderr)
    return 0


def cmd_revoke_access(args: argparse.Namespace) -> int:
    with one_shot_app().app_context():
        try:
            with db.transaction() as session:
                tokens, links = revoke_access(session, None, args.role, args.scope)
        except ValueError as exc:
            print(f"leerplek: {exc}", file=sys.stderr)
            return solver_cli.EXIT_BAD_INPUT
    print(f"revoked {tokens} tokens (sessions included) and {links} unused sign-in links",
          file=sys.stderr)
    return 0


def cmd_seed_reference(args: argparse.Namespace) -> int:
    with one_shot_app().app_context(), db.transaction() as session:
        counts = seed_reference(session)
    print(f"reference data: {counts.created} created, {counts.updated} updated, "
          f"{counts.unchanged} unchanged", file=sys.stderr)
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    with one_shot_app().app_context():
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
    run_demo(args.students, args.seed, Path(args.output))
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    url = one_shot_app().config.get("REDIS_URL")
    if not url:
        print("leerplek: the worker needs REDIS_URL; without it the API runs jobs itself",
              file=sys.stderr)
        return solver_cli.EXIT_BAD_INPUT
    work(url, burst=args.burst, max_idle=args.max_idle)
    return 0


def cmd_revoke_token(args: argparse.Namespace) -> int:
    with one_shot_app().app_context():
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
    app = one_shot_app()
    # `or` would turn an explicit 0 into the default: only a missing option takes it.
    days = (app.config["RETENTION_DAYS"] if args.older_than_days is None
            else args.older_than_days)
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


def cmd_monitor_export(args: argparse.Namespace) -> int:
    with one_shot_app().app_context(), db.transaction() as session:
        written = write_export(session, Path(args.output))
    for path in written:
        print(f"wrote {path}", file=sys.stderr)
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
