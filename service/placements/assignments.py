"""Published assignments: who sees them, and how student and company answer an offer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    Table,
    bindparam,
    exists,
    false,
    func,
    select,
    true,
    update,
)
from sqlalchemy.orm import Session

from service.audit.log import (
    ENTITY_TYPES,
    changes,
    now,
    record_change,
    snapshot,
    utc,
    write_event,
)
from service.directory.offers import (
    consent_needed,
    masks_need_consent,
    needs_company,
    seats_taken,
)
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
    student (and for BBL the company) accepted and a seat is free (``_settled``'s rule)."""
    status = _settled(a.student_response, a.company_response,
                      lambda: needs_company(session, a))
    if status == AssignmentStatus.ACCEPTED:
        claim_seat(session, a)
    if status != AssignmentStatus.PROPOSED:
        a.status = status


def overdue(rnd: Round, at: dt.datetime) -> bool:
    """The round's answer deadline has passed: its proposals are no longer answered."""
    return rnd.respond_by is not None and utc(rnd.respond_by) <= at


@dataclass(frozen=True, slots=True)
class Answered:
    """A placement as an answer left it: ``AssignmentSchema``'s fields, plus what the POK
    made at its acceptance starts from (the two pathway masks) and where the events about it
    belong (its round's school and region), all read with the placement in one statement."""

    id: int
    round_id: int
    student_id: int
    offer_id: int
    rank: int | None
    pinned: bool
    status: str
    student_response: str | None
    company_response: str | None
    student_mask: int
    offer_mask: int
    round_school_id: int | None
    round_region: str | None


# An answer's statements, built once and executed with plain parameters through Core: each
# is compiled once per process, and no ORM object is loaded, flushed or checked at commit
# (the ORM's flush, unit of work and per-request statement building were most of an
# answer's CPU: docs/PERFORMANCE.md "Answers: read first, write last").
#
# Everything an answer needs that no lock guards, in one statement read before the first
# write: the placement, its round's status and deadline, the pathway masks of student and
# offer (whether the company must consent), the offer's company and environment, the
# student's school, and whether any webhook endpoint listens.
_READ = (select(Assignment.id, Assignment.round_id, Assignment.student_id, Assignment.offer_id,
                Assignment.rank, Assignment.pinned, Assignment.status,
                Assignment.student_response, Assignment.company_response,
                Round.status.label("round_status"), Round.respond_by, Round.no_response,
                Round.school_id.label("round_school_id"), Round.region.label("round_region"),
                Offer.company_id, Offer.environment_id, Offer.pathway_mask.label("offer_mask"),
                Student.pathway_mask.label("student_mask"), Student.school_id,
                webhook_events.LISTENING.label("listening"))
         .join(Round, Round.id == Assignment.round_id)
         .join(Offer, Offer.id == Assignment.offer_id)
         .join(Student, Student.id == Assignment.student_id)
         .where(Assignment.id == bindparam("assignment_id")))
# ``assignment_filter`` on the joined rows, per role (the coordinator's, rarer and built
# from their scope, is added per request): a party sees its own, once published.
_PUBLISHED_FOR_PARTIES = Round.status.in_(VISIBLE_TO_PARTIES)
_READ_AS = {
    Role.ADMIN: _READ,
    Role.STUDENT: _READ.where(Assignment.student_id == bindparam("party_id"),
                              _PUBLISHED_FOR_PARTIES),
    Role.COMPANY: _READ.where(Offer.company_id == bindparam("party_id"),
                              _PUBLISHED_FOR_PARTIES),
}
# The first write: the answer, and the status it settles, on condition that the placement
# and its round are as they were read (still proposed, the same answers, the round still
# published). That condition is checked under the lock the statement takes (PostgreSQL: the
# row's; SQLite: the database's write lock), so an answer, the other party's answer and the
# deadline sweep cannot overwrite each other: a placement changed meanwhile updates no row,
# and the answer is judged again from the locked row (``_LOCKED``).
_ASSIGNMENTS = cast(Table, Assignment.__table__)
_WRITE = (update(_ASSIGNMENTS)
          .where(Assignment.id == bindparam("assignment_id"),
                 Assignment.status == AssignmentStatus.PROPOSED.value,
                 Assignment.student_response.is_not_distinct_from(bindparam("seen_student")),
                 Assignment.company_response.is_not_distinct_from(bindparam("seen_company")),
                 exists(select(Round.id).where(Round.id == Assignment.round_id,
                                               Round.status == RoundStatus.PUBLISHED.value)))
          .values(status=bindparam("new_status"), student_response=bindparam("new_student"),
                  company_response=bindparam("new_company")))
_LOCKED = (select(Assignment.status, Assignment.student_response, Assignment.company_response,
                  Round.status.label("round_status"))
           .join(Round, Round.id == Assignment.round_id)
           .where(Assignment.id == bindparam("assignment_id"))
           .with_for_update(of=_ASSIGNMENTS))
# The seats, once the placement is written as accepted (so the counts include it): the
# offer's capacity and accepted placements in the round, and its environment's. The offer's
# count reads ``ix_assignments_offer_round`` for the one offer, the environment's for each
# of its offers (as ``seats_taken``); without an environment the second count finds no
# offer. On PostgreSQL the offer's row (and the environment's) is locked first, as
# ``claim_seat`` does, so two accepts of the last seat take turns: the second counts the
# first's.
_ACCEPTED_IN_ROUND = ((Assignment.round_id == bindparam("round_id"))
                      & (Assignment.status == AssignmentStatus.ACCEPTED.value))
_SEATS = (select(Offer.capacity, Offer.environment_id,
                 select(func.count()).select_from(Assignment).where(
                     Assignment.offer_id == bindparam("offer_id"), _ACCEPTED_IN_ROUND)
                 .scalar_subquery().label("offer_taken"),
                 select(Environment.capacity).where(
                     Environment.id == bindparam("environment_id"))
                 .scalar_subquery().label("environment_capacity"),
                 select(func.count()).select_from(Assignment).where(
                     Assignment.offer_id.in_(select(Offer.id).where(
                         Offer.environment_id == bindparam("environment_id"))),
                     _ACCEPTED_IN_ROUND)
                 .scalar_subquery().label("environment_taken"))
          .where(Offer.id == bindparam("offer_id")))
_LOCK_OFFER = (select(Offer.environment_id).where(Offer.id == bindparam("offer_id"))
               .with_for_update())
_LOCK_ENVIRONMENT = (select(Environment.id).where(Environment.id == bindparam("environment_id"))
                     .with_for_update())


def count_seats(conn: Connection, round_id: int, offer_id: int,
                environment_id: int | None) -> Row[Any]:
    """``_SEATS`` for one offer (its own statement: the concurrency tests wait here)."""
    return conn.execute(_SEATS, {"round_id": round_id, "offer_id": offer_id,
                                 "environment_id": environment_id}).one()


def _check_seats(conn: Connection, round_id: int, offer_id: int,
                 environment_id: int | None) -> None:
    """409 unless the placement just written as accepted fits its offer's capacity and its
    environment's: ``claim_seat``'s rule, counted with the placement included."""
    if conn.dialect.name == "postgresql":
        # SQLite has held its one write lock since the answer's UPDATE: no one else writes.
        environment_id = conn.execute(_LOCK_OFFER, {"offer_id": offer_id}).scalar_one()
        if environment_id is not None:
            conn.execute(_LOCK_ENVIRONMENT, {"environment_id": environment_id})
    seats = count_seats(conn, round_id, offer_id, environment_id)
    if seats.environment_id != environment_id:
        # SQLite: the offer moved to another environment since it was read (the count is
        # exact now, under the lock): count again for that one.
        seats = count_seats(conn, round_id, offer_id, seats.environment_id)
    if seats.offer_taken > seats.capacity:
        raise Problem(409, f"offer {offer_id} has no seat left: all {seats.capacity} are "
                           "taken by accepted placements")
    if seats.environment_id is not None and (
            seats.environment_taken > seats.environment_capacity):
        raise Problem(409, f"learning environment {seats.environment_id} has no seat left: "
                           f"all {seats.environment_capacity} are taken by accepted "
                           "placements")


def _settled(student: str | None, company: str | None,
             needs_company: Callable[[], bool]) -> str:
    """A placement's status from its answers, the seat aside: declined by either party,
    accepted when the student (and for BBL the company) accepted. ``needs_company`` is
    asked only when it decides."""
    if DECLINE in (student, company):
        return AssignmentStatus.DECLINED.value
    if student == ACCEPT and (company == ACCEPT or not needs_company()):
        return AssignmentStatus.ACCEPTED.value
    return AssignmentStatus.PROPOSED.value


def respond(session: Session, p: Principal, assignment_id: int, answer: str,
            reason: str | None = None) -> Answered:
    """Record a student's or company's answer; the placement is settled when both agree.

    Staff (a coordinator for the students in scope, an admin) answer on the student's
    behalf, with a required ``reason`` that the audit event keeps beside the actor.

    Read first, write last: everything is read in one statement before the first write,
    which writes the answer only if the placement is still as read (``_WRITE``); from then
    on (SQLite: the database's write lock; PostgreSQL: the row's) only the seat count, the
    audit event and the webhook's rows follow before the commit. A student and a company
    answering at once thus see each other's answer (a BBL placement accepted by both is
    accepted, never left proposed), on SQLite as on PostgreSQL.
    """
    p.require(Role.STUDENT, Role.COMPANY, *STAFF)
    if p.role in STAFF and not (reason or "").strip():
        raise field_error("reason", "answering on a student's behalf needs a reason")
    conn = session.connection()
    stmt = _READ_AS.get(p.role)
    if stmt is None:
        stmt = _READ.where(assignment_filter(p))
    found = conn.execute(stmt, {"assignment_id": assignment_id, "party_id": (
        p.student_id if p.role == Role.STUDENT else p.company_id)}).one_or_none()
    if found is None:
        raise Problem(404, f"no assignment with id {assignment_id}")
    if found.round_status != RoundStatus.PUBLISHED:
        raise Problem(409, "assignments are answered while their round is published")
    if found.status == AssignmentStatus.PROPOSED and found.respond_by is not None and utc(
            found.respond_by) <= now():
        # The sweep (or the follow-up) settles it by the round's rule; an answer now would
        # race it, so the deadline is the deadline.
        raise Problem(409, f"the answer deadline of round {found.round_id} has passed: "
                           f"unanswered proposals are settled as {found.no_response}")
    if found.status != AssignmentStatus.PROPOSED:
        raise Problem(409, f"assignment {assignment_id} is already {found.status}")
    needs = masks_need_consent(found.offer_mask, found.student_mask)
    before = (found.status, found.student_response, found.company_response)
    after = _answered(p, answer, before, needs)
    written = conn.execute(_WRITE, {
        "assignment_id": assignment_id, "seen_student": before[1], "seen_company": before[2],
        "new_status": after[0], "new_student": after[1], "new_company": after[2]}).rowcount
    if not written:
        # Changed since it was read (the other party answered, the sweep settled it, the
        # round moved on): judged again from the row as it is now, locked.
        now_row = conn.execute(_LOCKED, {"assignment_id": assignment_id}).one()
        if now_row.round_status != RoundStatus.PUBLISHED:
            raise Problem(409, "assignments are answered while their round is published")
        if now_row.status != AssignmentStatus.PROPOSED:
            raise Problem(409, f"assignment {assignment_id} is already {now_row.status}")
        before = (now_row.status, now_row.student_response, now_row.company_response)
        after = _answered(p, answer, before, needs)
        written = conn.execute(_WRITE, {
            "assignment_id": assignment_id, "seen_student": before[1],
            "seen_company": before[2], "new_status": after[0], "new_student": after[1],
            "new_company": after[2]}).rowcount
        assert written == 1, "the row is locked: it is as just read"
    if after[0] == AssignmentStatus.ACCEPTED:
        _check_seats(conn, found.round_id, found.offer_id, found.environment_id)
    old, new = changes(dict(zip(FIELDS, before, strict=True)),
                       dict(zip(FIELDS, after, strict=True)))
    if p.role in STAFF:
        new = {**new, "on_behalf_of": "student", "reason": (reason or "").strip()}
    if old or new:
        write_event(session, p, f"assignment.{'accept' if answer == ACCEPT else 'decline'}",
                    ENTITY_TYPES[Assignment], assignment_id, old, new,
                    round_id=found.round_id, school_id=found.round_school_id,
                    region=found.round_region)
    event = {AssignmentStatus.ACCEPTED.value: webhook_events.ASSIGNMENT_ACCEPTED,
             AssignmentStatus.DECLINED.value: webhook_events.ASSIGNMENT_DECLINED}.get(after[0])
    if event is not None and found.listening:
        webhook_events.placement_settled(session, event, assignment_id, found.round_id,
                                         found.offer_id, found.company_id, found.school_id)
    return Answered(assignment_id, found.round_id, found.student_id, found.offer_id,
                    found.rank, found.pinned, after[0], after[1], after[2], found.student_mask,
                    found.offer_mask, found.round_school_id, found.round_region)


def _answered(p: Principal, answer: str, before: tuple[str, str | None, str | None],
              needs_company: bool) -> tuple[str, str | None, str | None]:
    """(status, student_response, company_response) after ``p``'s answer to a proposed
    placement whose fields were ``before``."""
    student, company = before[1], before[2]
    if p.role == Role.COMPANY:
        company = answer
    else:
        student = answer
    return _settled(student, company, lambda: needs_company), student, company


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
