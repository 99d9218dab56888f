"""The periodic outbox sweep: time-based reminders queued, then due messages sent.

Like the deadline sweep (service/placements/sweep.py) it runs where jobs run: in
`leerplek worker` (rq mode) and, in the embedded thread mode, in each API process. Several
sweeping at once is safe: reminders are queued once per key, and each message is claimed
before it is sent (service/messages/delivery.py).
"""

from __future__ import annotations

import datetime as dt
import logging

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.audit.log import now
from service.extensions import db
from service.jobs.periodic import Periodic, start_periodic
from service.messages.delivery import Delivery, deliver_due
from service.messages.events import REMIND_BEFORE, answer_due, lists_reminder
from service.models import Round, RoundStatus
from service.rounds.participation import participants

log = logging.getLogger(__name__)


def queue_reminders(session: Session, at: dt.datetime) -> int:
    """Within two days of a deadline: the list reminder of every open round, and the
    answer reminder of every published one; each recipient once per round."""
    count = 0
    soon = at + REMIND_BEFORE
    for rnd in session.scalars(select(Round).where(
            Round.status == RoundStatus.OPEN.value, Round.lists_by.is_not(None),
            Round.lists_by > at, Round.lists_by <= soon).order_by(Round.id)):
        count += lists_reminder(session, rnd, participants(rnd))
    for rnd in session.scalars(select(Round).where(
            Round.status == RoundStatus.PUBLISHED.value, Round.respond_by.is_not(None),
            Round.respond_by > at, Round.respond_by <= soon).order_by(Round.id)):
        count += answer_due(session, rnd)
    return count


def sweep_once(app: Flask, at: dt.datetime | None = None) -> Delivery:
    """Queue the reminders now due (one transaction), then send the due messages."""
    at = at or now()
    with app.app_context():
        with db.transaction() as session:
            queue_reminders(session, at)
        return deliver_due(at)


def _sweep(app: Flask) -> None:
    done = sweep_once(app)
    if done.sent or done.failed:
        log.info("messages: %d sent, %d failed (retried later)", done.sent, done.failed)


def start_message_sweep(app: Flask) -> Periodic | None:
    """Start the sweep for ``app`` unless MESSAGES_SWEEP_S is 0; once per app."""
    return start_periodic(app, "message-sweep", "MESSAGES_SWEEP_S", _sweep)
