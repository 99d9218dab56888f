"""The outbox: a message rendered from its Dutch templates and queued once per event.

Queueing happens in the caller's transaction, so a message exists exactly when the change
that caused it was committed; sending is the sweep's work (``delivery``).
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from jinja2 import Environment, FileSystemLoader
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from service.audit.log import now
from service.models import Message, MessageStatus

TEMPLATES = os.path.join(os.path.dirname(__file__), "templates")

# Each kind's subject (students are addressed with "je", companies with "u", so a kind
# sent to both has a subject per party); its bodies are templates/messages/<kind>.txt and
# <kind>.html.
SUBJECTS: dict[str, Any] = {
    "round_opened": _l("Round %(round)s is open: choose your placements"),
    "lists_reminder": _l("Reminder: hand in your list for %(round)s"),
    "results_published": _l("The results of %(round)s are published"),
    "consent_requested": _l("Proposals awaiting your consent in %(round)s"),
    "answer_due": _l("Answer your proposal in %(round)s before the deadline"),
    "pok_ready": _l("Your placement agreement (POK) is ready to sign"),
    "answer_due:company": _l("Proposals in %(round)s await your answer before the deadline"),
    "pok_ready:company": _l("A placement agreement (POK) is ready to sign"),
}
KINDS = tuple(k for k in SUBJECTS if ":" not in k)


def _environment(app: Flask) -> Environment:
    """The app's Jinja environment (gettext, filters such as ``moment``) reading this
    package's templates; made once per app."""
    env: Environment | None = app.extensions.get("messages_jinja")
    if env is None:
        env = app.extensions["messages_jinja"] = app.jinja_env.overlay(
            loader=FileSystemLoader(TEMPLATES))
    return env


def render(kind: str, **context: Any) -> tuple[str, str, str]:
    """Subject, plain text and HTML of a message of ``kind``, in Dutch whoever asks."""
    env = _environment(current_app._get_current_object())  # type: ignore[attr-defined]
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        template = SUBJECTS.get(f"{kind}:{context.get('party')}", SUBJECTS[kind])
        subject = str(template % {"round": context.get("round_name", "")})
        text = env.get_template(f"messages/{kind}.txt").render(subject=subject, **context)
        html = env.get_template(f"messages/{kind}.html").render(subject=subject, **context)
    return subject, text, html


def queue(session: Session, *, key: str, kind: str, recipient: str | None,
          round_id: int | None = None, student_id: int | None = None,
          company_id: int | None = None, **context: Any) -> bool:
    """Queue one message unless its ``key`` was queued before; whether it was queued.

    No address, no message: an e-mail address is optional contact data. The insert skips a
    key that exists (ON CONFLICT DO NOTHING on both databases), so two processes seeing the
    same event at once still queue it once.
    """
    if not recipient or session.scalar(select(Message.id).where(
            Message.dedupe_key == key)) is not None:
        return False  # no address, or told before: nothing to render
    subject, text, html = render(kind, **context)
    moment = now()
    values = {"dedupe_key": key, "kind": kind, "recipient": recipient, "subject": subject,
              "body_text": text, "body_html": html, "round_id": round_id,
              "student_id": student_id, "company_id": company_id,
              "status": MessageStatus.QUEUED.value, "attempts": 0,
              "next_attempt_at": moment, "created_at": moment}
    dialect = session.get_bind().dialect.name
    maker = pg_insert if dialect == "postgresql" else sqlite_insert
    # RETURNING, not rowcount: the row is there exactly when this call inserted it.
    inserted = session.execute(maker(Message).values(**values)
                               .on_conflict_do_nothing(index_elements=["dedupe_key"])
                               .returning(Message.id)).first()
    return inserted is not None


def forget_student(session: Session, student_id: int) -> int:
    """Erasure: delete every message to or about a student (their address is in it)."""
    result = session.execute(delete(Message).where(Message.student_id == student_id))
    return int(result.rowcount)  # type: ignore[attr-defined]
