"""Published assignments: who sees them, and how student and company answer an offer."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, select, true
from sqlalchemy.orm import Session

from .audit import record_change, snapshot
from .auth import Principal
from .errors import Problem
from .models import (
    STAFF,
    Assignment,
    AssignmentStatus,
    Environment,
    Offer,
    Role,
    Round,
    RoundStatus,
    Student,
)
from .rounds import filter_assignments, round_filter

ACCEPT, DECLINE = "accepted", "declined"
VISIBLE_TO_PARTIES = (RoundStatus.PUBLISHED.value, RoundStatus.FINISHED.value)


def assignment_filter(p: Principal) -> ColumnElement[bool]:
    """Staff see their rounds' assignments; a student or company only their own, once
    the round is published."""
    if p.role in STAFF:
        return Assignment.round_id.in_(select(Round.id).where(round_filter(p))) if (
            p.role == Role.COORDINATOR) else true()
    published = Assignment.round_id.in_(select(Round.id).where(
        Round.status.in_(VISIBLE_TO_PARTIES)))
    if p.role == Role.STUDENT:
        return (Assignment.student_id == p.student_id) & published
    if p.role == Role.COMPANY:
        return Assignment.offer_id.in_(select(Offer.id).where(
            Offer.company_id == p.company_id)) & published
    return false()


def assignment_list(p: Principal, filters: dict[str, Any]) -> Select[Assignment]:
    return filter_assignments(select(Assignment).where(assignment_filter(p))
                              .order_by(Assignment.id), filters)


def visible_assignment(session: Session, p: Principal, assignment_id: int,
                       lock: bool = False) -> Assignment:
    """The assignment if ``p`` may see it; ``lock`` holds its row until the transaction ends."""
    stmt = select(Assignment).where(Assignment.id == assignment_id, assignment_filter(p))
    if lock:
        stmt = stmt.with_for_update(of=Assignment).execution_options(populate_existing=True)
    found = session.scalar(stmt)
    if found is None:
        raise Problem(404, f"no assignment with id {assignment_id}")
    return found


def needs_company(session: Session, a: Assignment) -> bool:
    """A BBL placement is a job: the company must accept it too."""
    offer = session.get(Offer, a.offer_id)
    student = session.get(Student, a.student_id)
    assert offer is not None and student is not None
    return set(offer.pathways) & set(student.pathways) == {"BBL"}


def seats_taken(session: Session, round_id: int | None, where: ColumnElement[bool]) -> int:
    """Seats taken: accepted placements of one round at the offers ``where`` selects.

    The one count of taken seats, for answering an offer and for changing a capacity. Per
    round: a follow-up round carries each accepted placement along as its own pinned copy,
    so counting across rounds would count it twice."""
    return int(session.scalar(select(func.count()).select_from(Assignment).join(
        Offer, Offer.id == Assignment.offer_id).where(
        where, Assignment.round_id == round_id,
        Assignment.status == AssignmentStatus.ACCEPTED.value)) or 0)


def claim_seat(session: Session, a: Assignment) -> None:
    """Before a placement is accepted: a seat must be free at its offer and environment.

    The offer's row (and its environment's) is locked first, so two accepts of the last seat
    take turns: the second counts the first's acceptance and is refused. Capacity changes
    lock the same row, so a seat also cannot vanish between the count and the commit.
    """
    offer = session.get(Offer, a.offer_id, with_for_update=True, populate_existing=True)
    assert offer is not None
    if seats_taken(session, a.round_id, Offer.id == offer.id) >= offer.capacity:
        raise Problem(409, f"offer {offer.id} has no seat left: all {offer.capacity} are "
                           "taken by accepted placements")
    if offer.environment_id is not None:
        env = session.get(Environment, offer.environment_id, with_for_update=True,
                          populate_existing=True)
        assert env is not None
        if seats_taken(session, a.round_id, Offer.environment_id == env.id) >= env.capacity:
            raise Problem(409, f"learning environment {env.id} has no seat left: all "
                               f"{env.capacity} are taken by accepted placements")


def respond(session: Session, p: Principal, assignment_id: int, answer: str) -> Assignment:
    """Record a student's or company's answer; the placement is settled when both agree.

    The assignment's row is locked, so a student and a company answering at once see each
    other's answer (a BBL placement accepted by both is accepted, never left proposed).
    """
    p.require(Role.STUDENT, Role.COMPANY)
    a = visible_assignment(session, p, assignment_id, lock=True)
    rnd = session.get(Round, a.round_id)
    if rnd is None or rnd.status != RoundStatus.PUBLISHED:
        raise Problem(409, "assignments are answered while their round is published")
    if a.status != AssignmentStatus.PROPOSED:
        raise Problem(409, f"assignment {a.id} is already {a.status}")
    fields = ("status", "student_response", "company_response")
    before = snapshot(a, fields)
    if p.role == Role.STUDENT:
        a.student_response = answer
    else:
        a.company_response = answer
    if DECLINE in (a.student_response, a.company_response):
        a.status = AssignmentStatus.DECLINED.value
    elif a.student_response == ACCEPT and (
            a.company_response == ACCEPT or not needs_company(session, a)):
        claim_seat(session, a)
        a.status = AssignmentStatus.ACCEPTED.value
    session.flush()
    record_change(session, p, f"assignment.{'accept' if answer == ACCEPT else 'decline'}", a,
                  before, snapshot(a, fields))
    return a
