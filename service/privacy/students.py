"""AVG/GDPR: a student's data export, erasure of their personal data, the retention purge.

Erasure keeps what the round statistics need and nothing that identifies: the student number
becomes a random pseudonym, home place, location, travel distance, availability dates,
qualification (on their praktijkovereenkomsten too), the priority flag and the e-mail
address are cleared, and the student's tokens and messages are deleted. Level, sector,
pathways, regions and school stay, as do preferences, assignments and
praktijkovereenkomsten, now about a pseudonym: counts, rank profiles and stored round
reports stay exactly as they were.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, exists, func, or_, select
from sqlalchemy.orm import Session

from service.audit.log import now, record, student_events
from service.errors import Problem
from service.identity.principals import Principal
from service.identity.tokens import revoke_student_tokens
from service.messages.outbox import forget_student
from service.models import (
    ApiToken,
    Assignment,
    AuditEvent,
    Message,
    Pok,
    Preference,
    Role,
    Round,
    RoundStatus,
    Student,
)

EXPORT_FORMAT = "leerplek-data-export/1"
# The fields erasure clears, and the value each gets.
ERASED_FIELDS: dict[str, Any] = {
    "home_place": None, "lat": None, "lon": None, "max_travel_km": None,
    "available_from": None, "available_until": None, "qualification": None, "priority": False,
    "email": None,
}


def data_export(session: Session, student: Student) -> dict[str, Any]:
    """Everything stored about ``student``: record, preferences, placements and their
    praktijkovereenkomsten, tokens, messages, events."""
    rounds = {r.id: r for r in session.scalars(select(Round).where(Round.id.in_(
        select(Preference.round_id).where(Preference.student_id == student.id))))}
    ranked: dict[int, list[int]] = {}
    for pref in session.scalars(select(Preference).where(Preference.student_id == student.id)
                                .order_by(Preference.round_id, Preference.rank)):
        ranked.setdefault(pref.round_id, []).append(pref.offer_id)
    assignments = list(session.scalars(select(Assignment).where(
        Assignment.student_id == student.id).order_by(Assignment.id)))
    tokens = list(session.scalars(select(ApiToken).where(
        ApiToken.role == Role.STUDENT.value, ApiToken.scope == f"student:{student.id}")
        .order_by(ApiToken.id)))
    return {
        "format": EXPORT_FORMAT,
        "exported_at": now(),
        "student": student,
        "preferences": [{"round_id": rid, "round_name": rounds[rid].name, "offers": offers}
                        for rid, offers in ranked.items()],
        "assignments": assignments,
        # The praktijkovereenkomsten of the student's placements (without the names of the
        # supervisors, which are theirs, not the student's).
        "praktijkovereenkomsten": list(session.scalars(
            select(Pok).where(Pok.student_id == student.id).order_by(Pok.id))),
        "tokens": tokens,
        # The messages sent (or still to send) to the student's address.
        "messages": list(session.scalars(select(Message).where(
            Message.student_id == student.id).order_by(Message.id))),
        "audit_events": student_events(session, student.id, [a.id for a in assignments],
                                       [t.id for t in tokens]),
    }


def _unfinished_rounds(session: Session, student_id: int) -> list[int]:
    """Rounds not yet finished in which the student has a list or a placement."""
    return list(session.scalars(select(Round.id).where(
        Round.status != RoundStatus.FINISHED.value,
        or_(Round.id.in_(select(Preference.round_id).where(Preference.student_id == student_id)),
            Round.id.in_(select(Assignment.round_id).where(
                Assignment.student_id == student_id))))
        .order_by(Round.id)))


def erase_student(session: Session, actor: Principal | None, student: Student) -> Student:
    """Replace the student's personal data by a pseudonym, keeping what statistics need.

    Refused (409) while a round the student takes part in is unfinished: the allocation
    would otherwise run on a record stripped of the data its eligibility rules read.
    """
    if student.erased_at is not None:
        raise Problem(409, f"student {student.id}'s personal data is already erased")
    busy = _unfinished_rounds(session, student.id)
    if busy:
        raise Problem(409, f"student {student.id} takes part in round {busy[0]}, which is not "
                           "finished: erase after it finishes, or delete the student")
    changed = ["student_number", *(k for k, v in ERASED_FIELDS.items()
                                   if getattr(student, k) != v)]
    student.student_number = f"erased-{uuid.uuid4().hex}"  # 39 characters: fits the 40
    for key, value in ERASED_FIELDS.items():
        setattr(student, key, value)
    student.erased_at = now()
    # The qualification is erased from the student's praktijkovereenkomsten too: each copies
    # it as its crebo (the hours and dates are the placement's, kept for the statistics).
    for pok in session.scalars(select(Pok).where(Pok.student_id == student.id)):
        pok.crebo = None
    revoke_student_tokens(session, actor, student.id)
    # Their messages hold the address and the student number: they go as well.
    forget_student(session, student.id)
    session.flush()
    record(session, actor, "student.erase", student, dict.fromkeys(changed),
           dict.fromkeys(changed))
    return student


@dataclass(frozen=True, slots=True)
class PurgeSummary:
    cutoff: dt.datetime
    students_erased: int
    audit_events_deleted: int


def purge_candidates(session: Session, cutoff: dt.datetime) -> list[Student]:
    """Students not yet erased who took part in rounds, every one finished before ``cutoff``.

    A student who never took part in a round has no date to count from: their school
    deletes them (``DELETE /students/{id}``) when they leave.
    """
    took_part = or_(
        exists(select(Preference.id).where(Preference.student_id == Student.id)),
        exists(select(Assignment.id).where(Assignment.student_id == Student.id)))
    # correlate(Student): two levels down, each must still mean the outer query's student.
    their_rounds = or_(
        Round.id.in_(select(Preference.round_id).where(Preference.student_id == Student.id)
                     .correlate(Student)),
        Round.id.in_(select(Assignment.round_id).where(Assignment.student_id == Student.id)
                     .correlate(Student)))
    recent = exists(select(Round.id).where(their_rounds, or_(
        Round.status != RoundStatus.FINISHED.value, Round.finished_at.is_(None),
        Round.finished_at >= cutoff)))
    return list(session.scalars(select(Student).where(
        Student.erased_at.is_(None), took_part, ~recent).order_by(Student.id)))


def purge(session: Session, older_than_days: int, dry_run: bool = False) -> PurgeSummary:
    """Erase students whose last round finished more than ``older_than_days`` ago, and delete
    audit events older than that; ``dry_run`` counts and changes nothing."""
    if older_than_days < 1:
        raise ValueError("the retention period must be at least one day")
    cutoff = now() - dt.timedelta(days=older_than_days)
    students = purge_candidates(session, cutoff)
    old_events = AuditEvent.at < cutoff
    events = int(session.scalar(select(func.count()).select_from(AuditEvent)
                                .where(old_events)) or 0)
    if not dry_run:
        # Old events go first: the erasure events written now must stay.
        session.execute(delete(AuditEvent).where(old_events))
        for student in students:
            erase_student(session, None, student)
    return PurgeSummary(cutoff, len(students), events)
