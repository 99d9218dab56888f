"""The periodic sweep that settles answer deadlines, without a cron.

RQ has no periodic jobs of its own, so whoever runs jobs also sweeps: `leerplek worker`
(the rq mode) and, in the embedded thread mode, each API process. A sweep is one
transaction calling `settle_overdue`, which locks the rows it settles and re-reads them, so
several processes sweeping at once settle each proposal once. Between sweeps, answering and
starting a follow-up settle their round on the spot (settle-on-read), so the deadline holds
to the second where it matters.
"""

from __future__ import annotations

import logging

from flask import Flask

from service.audit.log import now
from service.extensions import db
from service.jobs.periodic import Periodic, start_periodic
from service.placements.assignments import settle_overdue

log = logging.getLogger(__name__)


def sweep_once(app: Flask) -> int:
    """Settle every overdue proposal now, in one transaction; how many were settled."""
    with app.app_context(), db.transaction() as session:
        return settle_overdue(session, now())


def _sweep(app: Flask) -> None:
    settled = sweep_once(app)
    if settled:
        log.info("settled %d unanswered proposals at their deadline", settled)


def start_sweep(app: Flask) -> Periodic | None:
    """Start the sweep for ``app`` unless DEADLINE_SWEEP_S is 0; once per app."""
    return start_periodic(app, "deadline-sweep", "DEADLINE_SWEEP_S", _sweep)
