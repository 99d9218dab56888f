"""Periodic work without a cron: a daemon thread per app calling one function on a timer.

RQ has no periodic jobs of its own, so whoever runs jobs also sweeps: `leerplek worker` (the
rq mode) and, in the embedded thread mode, each API process. The deadline sweep, the message
outbox and webhook retries each start one through `start_periodic`; each sweep is one
transaction that locks what it takes, so several processes sweeping at once do each thing once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from flask import Flask

log = logging.getLogger(__name__)


class Periodic:
    """A daemon thread calling ``work(app)`` every ``interval`` seconds until stopped; a
    failed call is logged and the next one tries again (a sweep never ends the process)."""

    def __init__(self, app: Flask, name: str, interval: float,
                 work: Callable[[Flask], object]) -> None:
        self.app, self.name, self.interval, self.work = app, name, interval, work
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> Periodic:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()

    def _run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                self.work(self.app)
            except Exception:
                log.exception("the %s failed", self.name)


def start_periodic(app: Flask, name: str, interval_key: str,
                   work: Callable[[Flask], object]) -> Periodic | None:
    """Start ``name`` for ``app`` every ``app.config[interval_key]`` seconds, unless that is
    0; once per app (a second call returns None)."""
    interval = float(app.config[interval_key])
    if interval <= 0 or name in app.extensions:
        return None
    periodic = app.extensions[name] = Periodic(app, name, interval, work).start()
    return periodic
