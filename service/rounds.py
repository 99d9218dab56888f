"""Round lifecycle as plain functions: who may see a round, and which transitions exist."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, delete, false, func, insert, or_, select, true
from sqlalchemy.orm import Session

from solver.model import POLICY_FIELDS, Result

from .audit import now, record, record_change, snapshot
from .auth import Principal
from .errors import Problem, field_error
from .models import (
    Assignment,
    AssignmentStatus,
    Offer,
    OfferStatus,
    Preference,
    Role,
    Round,
    RoundStatus,
    School,
    Student,
    StudentRegion,
)

# Each explicit transition: the action's name, the states it starts from, where it goes.
# `allocated` is reached by running an allocation, not by a plain transition.
TRANSITIONS: dict[str, tuple[tuple[RoundStatus, ...], RoundStatus]] = {
    "open": ((RoundStatus.DRAFT,), RoundStatus.OPEN),
    "close": ((RoundStatus.OPEN,), RoundStatus.CLOSED),
    "reopen": ((RoundStatus.CLOSED,), RoundStatus.OPEN),
    "publish": ((RoundStatus.ALLOCATED,), RoundStatus.PUBLISHED),
    "finish": ((RoundStatus.PUBLISHED,), RoundStatus.FINISHED),
}


def round_filter(p: Principal) -> ColumnElement[bool]:
    """Rounds a principal may see: admins all, coordinators their school's or region's."""
    if p.role == Role.ADMIN:
        return true()
    if p.role == Role.COORDINATOR:
        if p.region is not None:
            return Round.region == p.region
        return Round.school_id == p.school_id
    return false()


def participants(rnd: Round) -> ColumnElement[bool]:
    """Who takes part in a round, as a filter on students: a school's round takes its
    students; a regional round those who accept the region; a province-wide round (neither
    set, admins only) every student. The one statement of this rule."""
    if rnd.school_id is not None:
        return Student.school_id == rnd.school_id
    if rnd.region is not None:
        return Student.id.in_(select(StudentRegion.student_id).where(
            StudentRegion.region == rnd.region))
    return true()


def round_query(p: Principal, filters: dict[str, Any]) -> Select[Round]:
    stmt = select(Round).where(round_filter(p)).order_by(Round.id)
    for key in ("status", "school_id"):
        if key in filters:
            stmt = stmt.where(getattr(Round, key) == filters[key])
    if "region" in filters:
        stmt = stmt.where(or_(Round.region == filters["region"],
                              Round.school_id.in_(select(School.id).where(
                                  School.region == filters["region"]))))
    return stmt


def visible_round(session: Session, p: Principal, round_id: int) -> Round:
    rnd = session.get(Round, round_id)
    if rnd is None or not session.scalar(select(round_filter(p)).where(Round.id == round_id)):
        raise Problem(404, f"no round with id {round_id}")
    return rnd


def create_round(session: Session, p: Principal, data: dict[str, Any]) -> Round:
    """A coordinator's round belongs to their school or region; an admin names the tenant."""
    data = dict(data)
    if p.role == Role.COORDINATOR:
        data["school_id"], data["region"] = p.school_id, p.region
    elif data.get("school_id") is not None and data.get("region"):
        raise field_error("region", "a round is a school's or a region's, not both")
    # An admin's round with neither is province-wide: it takes every student.
    if data.get("school_id") is not None and session.get(School, data["school_id"]) is None:
        raise field_error("school_id", f"no school with id {data['school_id']}")
    rnd = Round(status=RoundStatus.DRAFT.value)
    for key, value in data.items():
        setattr(rnd, key, value)
    session.add(rnd)
    session.flush()
    record(session, p, "round.create", rnd, None,
           snapshot(rnd, ("name", "school_id", "region", "status", *POLICY_FIELDS)))
    return rnd


def change_policy(session: Session, rnd: Round, data: dict[str, Any]) -> Round:
    """Name and policy may change until the round is closed; after that they are history."""
    if rnd.status not in (RoundStatus.DRAFT, RoundStatus.OPEN):
        raise Problem(409, f"round {rnd.id} is {rnd.status}: its policy can no longer change")
    fields = [key for key in ("name", *POLICY_FIELDS) if key in data]
    before = snapshot(rnd, fields)
    for key in fields:
        setattr(rnd, key, data[key])
    session.flush()
    record_change(session, None, "round.update", rnd, before, snapshot(rnd, fields))
    return rnd


def transition(session: Session, rnd: Round, action: str) -> Round:
    """Take a lifecycle step. The one way a round's state changes by hand, whichever surface
    asks: a running allocation is waited for here (409 naming the job), since it would write
    its assignments into a round that has moved on."""
    # jobs imports this module (scope filter, writing an allocation): imported here until the
    # per-round lock and the worker are separate modules.
    from .jobs import ensure_not_allocating

    if action not in TRANSITIONS:
        raise Problem(404, f"no transition {action!r}")
    ensure_not_allocating(session, rnd)
    sources, target = TRANSITIONS[action]
    if rnd.status not in sources:
        allowed = ", ".join(s.value for s in sources)
        raise Problem(409, f"cannot {action} round {rnd.id}: it is {rnd.status}, "
                           f"and {action} needs {allowed}")
    before = rnd.status
    rnd.status = target.value
    if target == RoundStatus.FINISHED:
        rnd.finished_at = now()
    session.flush()
    record(session, None, f"round.{action}", rnd, {"status": before}, {"status": rnd.status})
    return rnd


def submit_preferences(session: Session, p: Principal, rnd: Round, student_id: int,
                       offer_ids: list[int]) -> list[Preference]:
    """Replace a student's ranked list while the round is open; refuse ineligible choices.

    Every refused offer is named with the rule it breaks, so the student can fix the list in
    one go. The old list is replaced whole or not at all.
    """
    from solver.verify import ineligibility

    from .access import visible_student
    from .convert import offer_model, student_model

    student = visible_student(session, p, student_id)
    # One submission per student at a time: concurrent ones queue on the student's row, so
    # each replaces the list whole and the last to commit wins, instead of two interleaved
    # delete-then-insert runs colliding (or, without the unique constraints, mixing lists).
    session.execute(select(Student.id).where(Student.id == student.id).with_for_update())
    if session.scalar(select(Student.id).where(Student.id == student.id,
                                                participants(rnd))) is None:
        raise Problem(404, f"student {student_id} does not take part in round {rnd.id}")
    if rnd.status != RoundStatus.OPEN:
        raise Problem(409, f"round {rnd.id} is {rnd.status}: preferences are taken while it "
                           "is open")
    if len(offer_ids) > rnd.max_preferences:
        raise field_error("offers", f"at most {rnd.max_preferences} preferences count in "
                                    "this round")
    if len(set(offer_ids)) != len(offer_ids):
        raise field_error("offers", "an offer is listed twice")
    offers = {o.id: o for o in session.scalars(select(Offer).where(
        Offer.round_id == rnd.id, Offer.id.in_(offer_ids)))}
    errors = []
    me = student_model(student)
    for i, oid in enumerate(offer_ids):
        offer = offers.get(oid)
        if offer is None or offer.status != OfferStatus.OPEN:
            errors.append({"field": f"offers.{i}", "location": "json",
                           "message": f"offer {oid} is not an open offer of this round"})
            continue
        broken = ineligibility(me, offer_model(offer))
        if broken:
            errors.append({"field": f"offers.{i}", "location": "json",
                           "message": f"offer {oid}: not eligible, rule "
                                      + "; rule ".join(broken)})
    if errors:
        raise Problem(422, "some preferences cannot be accepted", errors)
    old = list(session.scalars(select(Preference.offer_id).where(
        Preference.round_id == rnd.id, Preference.student_id == student.id)
        .order_by(Preference.rank)))
    session.execute(delete(Preference).where(Preference.round_id == rnd.id,
                                             Preference.student_id == student.id))
    prefs = [Preference(round_id=rnd.id, student_id=student.id, offer_id=oid, rank=i + 1)
             for i, oid in enumerate(offer_ids)]
    session.add_all(prefs)
    session.flush()
    # A student's values never enter the log: the event says the list changed, not to what.
    record_change(session, p, "preferences.submit", student, {"offers": old},
                  {"offers": list(offer_ids)})
    return prefs


def write_allocation(session: Session, rnd: Round, result: Result,
                     actor: Principal | None = None) -> dict[str, Any]:
    """Replace the round's assignments and report with ``result``; the caller commits.

    Called by the allocation job inside its one write transaction. Rows go in as one bulk
    INSERT (executemany), which for a province round is many times faster than ORM objects.
    ``actor`` is who asked for the allocation (the job runs outside their request). Returns
    the job's result summary.
    """
    from solver.document import result_to_dict

    before = {"status": rnd.status, "assignments": int(session.scalar(
        select(func.count()).select_from(Assignment).where(Assignment.round_id == rnd.id))
        or 0)}
    session.execute(delete(Assignment).where(Assignment.round_id == rnd.id))
    rows = [{"round_id": rnd.id, "student_id": int(a.student_id), "offer_id": int(a.offer_id),
             "rank": a.rank, "pinned": a.pinned,
             "status": (AssignmentStatus.ACCEPTED if a.pinned
                        else AssignmentStatus.PROPOSED).value}
            for a in result.assignments]
    if rows:
        session.execute(insert(Assignment), rows)
    doc = result_to_dict(result)
    report = {key: doc[key] for key in
              ("status", "proven", "message", "stats", "unassigned", "shortage")}
    report["warnings"] = len(result.warnings)
    rnd.report = report
    if result.status != "infeasible":
        rnd.status = RoundStatus.ALLOCATED.value
    session.flush()
    # Written with the assignments, in their transaction: one event per allocation (the
    # assignments themselves are listed by the round), never one without the other.
    record(session, actor, "round.allocate", rnd, before,
           {"status": rnd.status, "assignments": len(rows), "result": result.status,
            "unassigned": len(result.unassigned)})
    return result_summary(result, assignments=len(rows))


def result_summary(result: Result, **extra: Any) -> dict[str, Any]:
    """The headline figures a job reports when it finishes; the full report is elsewhere."""
    stats = result.stats
    return {"status": result.status, "proven": result.proven, "students": stats.students,
            "placed": stats.placed, "placed_priority": stats.placed_priority,
            "placed_share": round(stats.placed / stats.students, 4) if stats.students else 0.0,
            "rank_profile": list(stats.rank_profile), "unassigned": len(result.unassigned),
            "warnings": len(result.warnings), "solver_build_s": round(stats.build_seconds, 3),
            "solver_solve_s": round(stats.solve_seconds, 3), **extra}


def filter_assignments(stmt: Select[Assignment], filters: dict[str, Any]
                       ) -> Select[Assignment]:
    for key in ("status", "round_id", "offer_id", "student_id"):
        if key in filters:
            stmt = stmt.where(getattr(Assignment, key) == filters[key])
    return stmt


def assignment_query(rnd: Round, filters: dict[str, Any] | None = None
                     ) -> Select[Assignment]:
    return filter_assignments(select(Assignment).where(Assignment.round_id == rnd.id)
                              .order_by(Assignment.id), filters or {})


def follow_up(session: Session, rnd: Round) -> Round:
    """Start the next round from a published one, which is then finished.

    Accepted placements come along pinned, so they keep their seats; the offers move to the
    new round with their remaining capacity; students who declined or were not placed keep
    their lists, without the offer they declined, and are allocated again.
    """
    if rnd.status != RoundStatus.PUBLISHED:
        raise Problem(409, f"round {rnd.id} is {rnd.status}: a follow-up starts from a "
                           "published round")
    pending = session.scalar(select(Assignment.id).where(
        Assignment.round_id == rnd.id, Assignment.status == AssignmentStatus.PROPOSED))
    if pending is not None:
        raise Problem(409, f"assignment {pending} still awaits an answer")
    nxt = Round(name=f"{rnd.name} (vervolg)", school_id=rnd.school_id, region=rnd.region,
                status=RoundStatus.OPEN.value, **{k: getattr(rnd, k) for k in POLICY_FIELDS})
    session.add(nxt)
    session.flush()
    assignments = list(session.scalars(select(Assignment).where(Assignment.round_id == rnd.id)))
    accepted = {a.student_id: a for a in assignments if a.status == AssignmentStatus.ACCEPTED}
    declined = {(a.student_id, a.offer_id) for a in assignments
                if a.status == AssignmentStatus.DECLINED}
    session.add_all(Assignment(round_id=nxt.id, student_id=a.student_id, offer_id=a.offer_id,
                               rank=a.rank, pinned=True, status=AssignmentStatus.ACCEPTED.value)
                    for a in accepted.values())
    for offer in session.scalars(select(Offer).where(Offer.round_id == rnd.id)):
        offer.round_id = nxt.id
    carried: dict[int, list[int]] = {}
    for pref in session.scalars(select(Preference).where(Preference.round_id == rnd.id)
                                .order_by(Preference.student_id, Preference.rank)):
        if pref.student_id not in accepted and (pref.student_id, pref.offer_id) not in declined:
            carried.setdefault(pref.student_id, []).append(pref.offer_id)
    session.add_all(Preference(round_id=nxt.id, student_id=sid, offer_id=oid, rank=i + 1)
                    for sid, offers in carried.items() for i, oid in enumerate(offers))
    rnd.status = RoundStatus.FINISHED.value
    rnd.finished_at = now()
    session.flush()
    record(session, None, "round.follow_up", rnd, {"status": RoundStatus.PUBLISHED.value},
           {"status": rnd.status, "follow_up_round_id": nxt.id})
    record(session, None, "round.create", nxt, None,
           {"name": nxt.name, "status": nxt.status, "follow_up_of": rnd.id,
            "pinned": len(accepted), "carried_lists": len(carried)})
    return nxt


def assignments_csv(session: Session, rnd: Round, school_id: int | None = None,
                    company_id: int | None = None) -> str:
    """The round's assignments as CSV, with the student number and offer title.

    ``school_id`` keeps one school's students, ``company_id`` one company's offers: the lists
    a school and a company each need.
    """
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["assignment_id", "student_id", "student_number", "offer_id", "offer_title",
                     "company_id", "rank", "pinned", "status"])
    stmt = (select(Assignment, Student.student_number, Offer.title, Offer.company_id)
            .join(Student, Student.id == Assignment.student_id)
            .join(Offer, Offer.id == Assignment.offer_id)
            .where(Assignment.round_id == rnd.id).order_by(Assignment.id))
    if school_id is not None:
        stmt = stmt.where(Student.school_id == school_id)
    if company_id is not None:
        stmt = stmt.where(Offer.company_id == company_id)
    rows = session.execute(stmt)
    for a, number, title, company in rows:
        writer.writerow([a.id, a.student_id, number, a.offer_id, title, company,
                         "" if a.rank is None else a.rank, str(a.pinned).lower(), a.status])
    return out.getvalue()
