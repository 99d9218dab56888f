"""Allocation from the dashboard: start it, and report how far it is.

The round page polls ``state`` as JSON while an allocation runs. Allocation is still
in-process and synchronous (service.rounds.allocate_round), so ``start`` returns when it is
done and the state is read from the round itself; when allocation moves onto background jobs,
``start`` enqueues and ``state`` reads the job's phase and percentage, and the page and its
script stay as they are.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Round, RoundStatus
from ..rounds import allocate_round

DONE = (RoundStatus.ALLOCATED, RoundStatus.PUBLISHED, RoundStatus.FINISHED)


def can_allocate(rnd: Round) -> bool:
    return rnd.status in (RoundStatus.CLOSED, RoundStatus.ALLOCATED)


def start(rnd: Round) -> None:
    """Allocate the round (one transaction: assignments and report stored together)."""
    with db.transaction() as session:
        allocate_round(session, rnd)


def state(_session: Session, rnd: Round) -> dict[str, Any]:
    """``{"state": idle|running|finished|failed, "phase", "percent", "message"}``."""
    if rnd.report is not None and rnd.report.get("status") == "infeasible":
        return {"state": "failed", "phase": "klaar", "percent": 100,
                "message": rnd.report.get("message", "")}
    if rnd.status in DONE and rnd.report is not None:
        return {"state": "finished", "phase": "klaar", "percent": 100, "message": ""}
    return {"state": "idle", "phase": "", "percent": 0, "message": ""}
