"""The outbox: a message rendered from its Dutch templates and queued once per event.

Queueing happens in the caller's transaction, so a message exists exactly when the change
that caused it was committed; sending is the sweep's work (``delivery``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
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


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message to queue: its key, kind, recipient, what it is about, and the context its
    templates render."""

    key: str
    kind: str
    recipient: str | None
    round_id: int | None = None
    student_id: int | None = None
    company_id: int | None = None
    context: dict[str, Any] = field(default_factory=dict)


def message(*, key: str, kind: str, recipient: str | None, round_id: int | None = None,
            student_id: int | None = None, company_id: int | None = None,
            **context: Any) -> Outgoing:
    return Outgoing(key, kind, recipient, round_id, student_id, company_id, context)


# Messages looked up and inserted per statement: a round's students are told in a few
# statements rather than two per student.
CHUNK = 500


def queue_all(session: Session, outgoing: Iterable[Outgoing]) -> int:
    """Queue each message unless its key was queued before; how many were queued.

    No address, no message: an e-mail address is optional contact data. Keys already there
    are looked up first, so nothing is rendered twice; the insert also skips a key that
    exists (ON CONFLICT DO NOTHING on both databases), so two processes seeing the same
    event at once still queue it once.
    """
    pending = [o for o in outgoing if o.recipient]
    maker = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    count = 0
    for start in range(0, len(pending), CHUNK):
        chunk = pending[start:start + CHUNK]
        told = set(session.scalars(select(Message.dedupe_key).where(
            Message.dedupe_key.in_([o.key for o in chunk]))))
        moment = now()
        values = []
        for o in chunk:
            if o.key in told:
                continue
            told.add(o.key)
            subject, text, html = render(o.kind, **o.context)
            values.append({"dedupe_key": o.key, "kind": o.kind, "recipient": o.recipient,
                           "subject": subject, "body_text": text, "body_html": html,
                           "round_id": o.round_id, "student_id": o.student_id,
                           "company_id": o.company_id, "status": MessageStatus.QUEUED.value,
                           "attempts": 0, "next_attempt_at": moment, "created_at": moment})
        if values:
            # RETURNING, not rowcount: exactly the rows this call inserted.
            count += len(session.scalars(
                maker(Message).values(values)
                .on_conflict_do_nothing(index_elements=["dedupe_key"])
                .returning(Message.id)).all())
    return count


def queue(session: Session, *, key: str, kind: str, recipient: str | None,
          round_id: int | None = None, student_id: int | None = None,
          company_id: int | None = None, **context: Any) -> bool:
    """Queue one message (see `queue_all`); whether it was queued."""
    return bool(queue_all(session, [Outgoing(key, kind, recipient, round_id, student_id,
                                             company_id, context)]))


def forget_student(session: Session, student_id: int) -> int:
    """Erasure: delete every message to or about a student (their address is in it)."""
    result = session.execute(delete(Message).where(Message.student_id == student_id))
    return int(result.rowcount)  # type: ignore[attr-defined]
