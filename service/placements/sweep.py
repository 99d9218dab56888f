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
import threading

from flask import Flask

from service.audit.log import now
from service.extensions import db
from service.placements.assignments import settle_overdue

log = logging.getLogger(__name__)


def sweep_once(app: Flask) -> int:
    """Settle every overdue proposal now, in one transaction; how many were settled."""
    with app.app_context(), db.transaction() as session:
        return settle_overdue(session, now())


class DeadlineSweep:
    """A daemon thread calling `sweep_once` every ``interval`` seconds until stopped."""

    def __init__(self, app: Flask, interval: float) -> None:
        self.app, self.interval = app, interval
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="deadline-sweep", daemon=True)

    def start(self) -> DeadlineSweep:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()

    def _run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                settled = sweep_once(self.app)
            except Exception:  # the next sweep tries again; a sweep never ends the process
                log.exception("the deadline sweep failed")
                continue
            if settled:
                log.info("settled %d unanswered proposals at their deadline", settled)


def start_sweep(app: Flask) -> DeadlineSweep | None:
    """Start the sweep for ``app`` unless DEADLINE_SWEEP_S is 0; once per app."""
    interval = float(app.config["DEADLINE_SWEEP_S"])
    if interval <= 0 or "deadline_sweep" in app.extensions:
        return None
    sweep = app.extensions["deadline_sweep"] = DeadlineSweep(app, interval).start()
    return sweep
