"""Published assignments: who sees them, and how student and company answer an offer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, false, select, true
from sqlalchemy.orm import Session

from service.audit.log import now, record_change, snapshot, utc
from service.directory.offers import consent_needed, needs_company, seats_taken
from service.errors import Problem, field_error
from service.identity.principals import Principal
from service.models import (
    STAFF,
    Assignment,
    AssignmentStatus,
    Environment,
    Offer,
    Role,
    Round,
    RoundStatus,
    School,
    Student,
)
from service.rounds.lifecycle import filter_assignments, follow_up, in_scope, round_filter
from service.webhooks import events as webhook_events

ACCEPT, DECLINE = "accepted", "declined"
VISIBLE_TO_PARTIES = (RoundStatus.PUBLISHED.value, RoundStatus.FINISHED.value)


def assignment_filter(p: Principal) -> ColumnElement[bool]:
    """Staff see their students' assignments in the rounds they see (a coordinator: in a
    shared round too); a student or company only their own, once the round is published."""
    if p.role in STAFF:
        return Assignment.round_id.in_(select(Round.id).where(round_filter(p))) & in_scope(
            p) if p.role == Role.COORDINATOR else true()
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


FIELDS = ("status", "student_response", "company_response")


def _settle(session: Session, a: Assignment) -> None:
    """The placement's status from its answers: declined by either party, accepted when the
    student (and for BBL the company) accepted and a seat is free."""
    if DECLINE in (a.student_response, a.company_response):
        a.status = AssignmentStatus.DECLINED.value
    elif a.student_response == ACCEPT and (
            a.company_response == ACCEPT or not needs_company(session, a)):
        claim_seat(session, a)
        a.status = AssignmentStatus.ACCEPTED.value


def overdue(rnd: Round, at: dt.datetime) -> bool:
    """The round's answer deadline has passed: its proposals are no longer answered."""
    return rnd.respond_by is not None and utc(rnd.respond_by) <= at


def respond(session: Session, p: Principal, assignment_id: int, answer: str,
            reason: str | None = None) -> Assignment:
    """Record a student's or company's answer; the placement is settled when both agree.

    Staff (a coordinator for the students in scope, an admin) answer on the student's
    behalf, with a required ``reason`` that the audit event keeps beside the actor. The
    assignment's row is locked, so a student and a company answering at once see each
    other's answer (a BBL placement accepted by both is accepted, never left proposed).
    """
    p.require(Role.STUDENT, Role.COMPANY, *STAFF)
    if p.role in STAFF and not (reason or "").strip():
        raise field_error("reason", "answering on a student's behalf needs a reason")
    a = visible_assignment(session, p, assignment_id, lock=True)
    rnd = session.get(Round, a.round_id)
    if rnd is None or rnd.status != RoundStatus.PUBLISHED:
        raise Problem(409, "assignments are answered while their round is published")
    if a.status == AssignmentStatus.PROPOSED and overdue(rnd, now()):
        # The sweep (or the follow-up) settles it by the round's rule; an answer now would
        # race it, so the deadline is the deadline.
        raise Problem(409, f"the answer deadline of round {rnd.id} has passed: unanswered "
                           f"proposals are settled as {rnd.no_response}")
    if a.status != AssignmentStatus.PROPOSED:
        raise Problem(409, f"assignment {a.id} is already {a.status}")
    before = snapshot(a, FIELDS)
    if p.role == Role.COMPANY:
        a.company_response = answer
    else:
        a.student_response = answer
    _settle(session, a)
    session.flush()
    after = snapshot(a, FIELDS)
    if p.role in STAFF:
        after = {**after, "on_behalf_of": "student", "reason": (reason or "").strip()}
    record_change(session, p, f"assignment.{'accept' if answer == ACCEPT else 'decline'}", a,
                  before, after)
    webhook_events.assignment_answered(session, a)
    return a


@dataclass(frozen=True, slots=True)
class CompanyProposal:
    """A placement at a company's offer as the company sees it: only what it needs to decide
    (level, pathway, qualification, school, start date) and whom at the school to call;
    never the student's number, home or anything else."""

    assignment_id: int
    status: str
    company_response: str | None
    needs_consent: bool  # BBL: the placement needs the company's yes
    answerable: bool  # published, proposed, not answered by the company, before the deadline
    level: int
    pathways: list[str]  # the pathways student and offer share
    qualification: str | None
    sector: str
    school: str
    contact_name: str | None
    contact_email: str | None
    contact_phone: str | None
    start: dt.date | None
    respond_by: dt.datetime | None


def company_proposals(session: Session, p: Principal, offer: Offer) -> list[CompanyProposal]:
    """The students proposed at ``offer`` in its published rounds, as its company sees them
    (``assignment_filter``: its own offers, published rounds only)."""
    p.require(Role.COMPANY)
    rows = session.execute(
        select(Assignment, Student, School, Round)
        .join(Student, Student.id == Assignment.student_id)
        .join(School, School.id == Student.school_id)
        .join(Round, Round.id == Assignment.round_id)
        .where(Assignment.offer_id == offer.id, assignment_filter(p))
        .order_by(Assignment.round_id.desc(), Assignment.id))
    at = now()
    found = []
    for a, student, school, rnd in rows:
        shared = [w for w in offer.pathways if w in student.pathways]
        starts = [d for d in (offer.start, student.available_from) if d is not None]
        answerable = (rnd.status == RoundStatus.PUBLISHED.value
                      and a.status == AssignmentStatus.PROPOSED.value
                      and a.company_response is None and not overdue(rnd, at))
        found.append(CompanyProposal(
            a.id, a.status, a.company_response, consent_needed(offer, student), answerable,
            student.level, shared, student.qualification, student.sector, school.name,
            school.contact_name, school.contact_email, school.contact_phone,
            max(starts) if starts else None, rnd.respond_by))
    return found


def settle_round(session: Session, rnd: Round, at: dt.datetime) -> int:
    """At the round's deadline, give every unanswered proposal the round's ``no_response``
    answer (for the party that did not answer) and settle it; each audited as the system's.
    An ``accept`` that finds no seat left is declined. Returns how many were settled.

    Rows are locked and re-read, so an answer given at the same moment is never
    overwritten, and two sweeps (two processes) settle each proposal once."""
    if rnd.status != RoundStatus.PUBLISHED or not overdue(rnd, at):
        return 0
    answer = ACCEPT if rnd.no_response == "accept" else DECLINE
    rows = list(session.scalars(
        select(Assignment).where(Assignment.round_id == rnd.id,
                                 Assignment.status == AssignmentStatus.PROPOSED)
        .order_by(Assignment.id).with_for_update().execution_options(populate_existing=True)))
    for a in rows:
        before = snapshot(a, FIELDS)
        a.student_response = a.student_response or answer
        if needs_company(session, a):
            a.company_response = a.company_response or answer
        try:
            _settle(session, a)  # claim_seat refuses before it changes anything
        except Problem:
            a.student_response, a.status = DECLINE, AssignmentStatus.DECLINED.value
        session.flush()
        record_change(session, None, "assignment.expire", a, before,
                      {**snapshot(a, FIELDS), "no_response": rnd.no_response})
        webhook_events.assignment_answered(session, a)
    return len(rows)


def settle_overdue(session: Session, at: dt.datetime) -> int:
    """Settle every published round whose deadline has passed (the periodic sweep)."""
    return sum(settle_round(session, rnd, at) for rnd in session.scalars(
        select(Round).where(Round.status == RoundStatus.PUBLISHED,
                            Round.respond_by.is_not(None), Round.respond_by <= at)
        .order_by(Round.id)))


def start_follow_up(session: Session, actor: Principal | None, rnd: Round) -> Round:
    """The next round, once the answers are in: after the deadline the unanswered are
    settled first, so one student who never answered no longer holds everyone up."""
    settle_round(session, rnd, now())
    return follow_up(session, actor, rnd)
