"""Which messages a principal sees: the coordinators' view of the outbox (sent, failed, why).

Above the rounds, as it reuses their rule: a coordinator sees the messages to the students
in their scope and every message of the rounds they run (a company's included); an admin
all. Students and companies read their own mail, not the outbox (403).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, false, or_, select, true
from sqlalchemy.orm import Session

from service.directory.students import student_filter
from service.errors import Problem
from service.identity.principals import Principal
from service.models import STAFF, Message, Role, Round, Student
from service.rounds.lifecycle import managed_round_filter


def message_filter(p: Principal) -> ColumnElement[bool]:
    if p.role == Role.ADMIN:
        return true()
    if p.role == Role.COORDINATOR:
        return or_(Message.student_id.in_(select(Student.id).where(student_filter(p))),
                   Message.round_id.in_(select(Round.id).where(managed_round_filter(p))))
    return false()


def message_query(p: Principal, filters: dict[str, Any]) -> Select[Message]:
    """The outbox as ``p`` may read it, newest first, filtered by status, kind, round,
    student or company."""
    p.require(*STAFF)
    stmt = select(Message).where(message_filter(p)).order_by(Message.id.desc())
    for key in ("status", "kind", "round_id", "student_id", "company_id"):
        if key in filters:
            stmt = stmt.where(getattr(Message, key) == filters[key])
    return stmt


def visible_message(session: Session, p: Principal, message_id: int) -> Message:
    p.require(*STAFF)
    found = session.scalar(select(Message).where(Message.id == message_id, message_filter(p)))
    if found is None:
        raise Problem(404, f"no message with id {message_id}")
    return found
