"""Round lifecycle as plain functions: who may see a round, and which transitions exist."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import namedtuple
from dataclasses import dataclass
from typing import Any, Protocol, cast

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    Select,
    Subquery,
    Table,
    any_,
    bindparam,
    delete,
    distinct,
    exists,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy import cast as type_cast
from sqlalchemy.orm import Session

from service.audit.log import (
    audit_query,
    now,
    record,
    record_change,
    record_student_change,
    snapshot,
    student_change_event,
    utc,
)
from service.directory.places import (
    nearest_place,
    places_by_region,
    region_names,
    sector_names,
)
from service.directory.reference import check_record
from service.directory.students import can_see_student, student_filter
from service.errors import Problem, field_error
from service.extensions import driver_rows, pg_sql
from service.identity.principals import Principal
from service.jobs.lock import ensure_not_allocating
from service.messages.events import results_published, round_opened
from service.models import (
    Assignment,
    AssignmentStatus,
    AuditEvent,
    Company,
    Offer,
    OfferStatus,
    Preference,
    Role,
    Round,
    RoundOffer,
    RoundStatus,
    School,
    Student,
    StudentRegion,
    mask_to_pathways,
)
from service.rounds.loading import (
    offer_row_model,
    round_offer_filter,
    student_row_model,
)
from service.rounds.participation import (
    RoundScope,
    participants,
    takes_part,
    takes_part_as_read,
)
from service.webhooks import events as webhook_events
from solver.model import MAX_PREFERENCES_LIMITS, POLICY_FIELDS
from solver.verify import ineligibility

# Each explicit transition: the action's name, the states it starts from, where it goes.
# `allocated` is reached by running an allocation, not by a plain transition.
TRANSITIONS: dict[str, tuple[tuple[RoundStatus, ...], RoundStatus]] = {
    "open": ((RoundStatus.DRAFT,), RoundStatus.OPEN),
    "close": ((RoundStatus.OPEN,), RoundStatus.CLOSED),
    "reopen": ((RoundStatus.CLOSED,), RoundStatus.OPEN),
    "publish": ((RoundStatus.ALLOCATED,), RoundStatus.PUBLISHED),
    "finish": ((RoundStatus.PUBLISHED,), RoundStatus.FINISHED),
}


def managed_round_filter(p: Principal) -> ColumnElement[bool]:
    """Rounds a principal runs (policy, lifecycle, allocation, scenarios): admins all,
    coordinators their school's or region's own."""
    if p.role == Role.ADMIN:
        return true()
    if p.role == Role.COORDINATOR:
        if p.region is not None:
            return Round.region == p.region
        return Round.school_id == p.school_id
    return false()


# Changeable until the round is finished: the answer deadline and what it does.
ANSWER_FIELDS = ("respond_by", "no_response")


def with_utc_deadline(data: dict[str, Any]) -> dict[str, Any]:
    """The deadlines stored in UTC, as every moment is (SQLite keeps no zone)."""
    return {key: utc(value) if key in ("respond_by", "lists_by") and value is not None
            else value for key, value in data.items()}


def round_filter(p: Principal) -> ColumnElement[bool]:
    """Rounds a principal may see: the ones they run, and every shared round (a region's,
    the province's) in which students of their scope take part. The one statement of
    "which rounds may this principal see", for every surface."""
    if p.role != Role.COORDINATOR:
        return managed_round_filter(p)
    return or_(managed_round_filter(p), exists(select(Student.id).where(
        student_filter(p), takes_part())))


def in_scope(p: Principal) -> ColumnElement[bool]:
    """Within a visible round, the assignments a principal sees: a coordinator's those of
    their students (in a shared round, the rest of the province is theirs to see only as
    totals), an admin's all."""
    if p.role == Role.ADMIN:
        return true()
    return Assignment.student_id.in_(select(Student.id).where(student_filter(p)))


def shared_round_events(p: Principal) -> ColumnElement[bool]:
    """The audit events a coordinator reads of the shared rounds they see (round_filter) but
    do not own: the round's own steps (opened, allocated, published) and the events of their
    students' assignments (answers), never those of the other schools' students. Their own
    rounds and records are audit.log.audit_filter's."""
    if p.role != Role.COORDINATOR:
        return false()
    return AuditEvent.round_id.in_(select(Round.id).where(round_filter(p))) & or_(
        AuditEvent.entity_type == "round",
        (AuditEvent.entity_type == "assignment") & AuditEvent.entity_id.in_(
            select(Assignment.id).where(in_scope(p))))


def audit_events(p: Principal, filters: dict[str, Any]) -> Select[AuditEvent]:
    """The audit log as ``p`` may read it: audit.log's scope plus their shared rounds."""
    return audit_query(p, filters, shared_round_events(p))


def require_manager(p: Principal | None, rnd: Round) -> None:
    """A shared round is seen by coordinators of its students, but run by its owner: 403 for
    anyone else (the system, ``None``, runs every round)."""
    if p is None or p.role == Role.ADMIN:
        return
    owned = (rnd.school_id is None and rnd.region is not None and rnd.region == p.region) or (
        rnd.school_id is not None and rnd.school_id == p.school_id)
    if not owned:
        raise Problem(403, f"round {rnd.id} is run by its own coordinators; this token may "
                           "see it and act for its students, not run it")


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
    if rnd is None or session.scalar(select(Round.id).where(Round.id == round_id,
                                                            round_filter(p))) is None:
        raise Problem(404, f"no round with id {round_id}")
    return rnd


def managed_round(session: Session, p: Principal, round_id: int) -> Round:
    """A round ``p`` may run: 404 when they cannot see it, 403 when they only see it."""
    rnd = visible_round(session, p, round_id)
    require_manager(p, rnd)
    return rnd


def create_round(session: Session, p: Principal, data: dict[str, Any]) -> Round:
    """A coordinator's round belongs to their school or region; an admin names the tenant."""
    data = with_utc_deadline(data)
    if p.role == Role.COORDINATOR:
        data["school_id"], data["region"] = p.school_id, p.region
    elif data.get("school_id") is not None and data.get("region"):
        raise field_error("region", "a round is a school's or a region's, not both")
    else:
        check_record(session, {"region": data.get("region")})
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


def change_policy(session: Session, actor: Principal | None,
                  rnd: Round, data: dict[str, Any]) -> Round:
    """Name and policy may change until the round is closed; after that they are history.
    The answer deadline and what it does may change until the round is finished (a
    deadline may be set or moved while the proposals await their answers)."""
    require_manager(actor, rnd)
    data = with_utc_deadline(data)
    policy = [key for key in ("name", "lists_by", *POLICY_FIELDS) if key in data]
    if policy and rnd.status not in (RoundStatus.DRAFT, RoundStatus.OPEN):
        raise Problem(409, f"round {rnd.id} is {rnd.status}: its policy can no longer change")
    answers = [key for key in ANSWER_FIELDS if key in data]
    if answers and rnd.status == RoundStatus.FINISHED:
        raise Problem(409, f"round {rnd.id} is finished: its answers are settled")
    fields = policy + answers
    before = snapshot(rnd, fields)
    for key in fields:
        setattr(rnd, key, data[key])
    session.flush()
    record_change(session, actor, "round.update", rnd, before, snapshot(rnd, fields))
    return rnd


def transition(session: Session, actor: Principal | None, rnd: Round, action: str) -> Round:
    """Take a lifecycle step. The one way a round's state changes by hand, whichever surface
    asks: a running allocation is waited for here (409 naming the job), since it would write
    its assignments into a round that has moved on."""
    if action not in TRANSITIONS:
        raise Problem(404, f"no transition {action!r}")
    require_manager(actor, rnd)
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
        keep_offers(session, rnd)
    session.flush()
    record(session, actor, f"round.{action}", rnd, {"status": before}, {"status": rnd.status})
    # Told in this transaction: the messages exist exactly when the step was taken. A
    # reopened round's students were told when it first opened (and a one-time sign-in
    # link made now would never be sent).
    if action == "open":
        round_opened(session, rnd, participants(rnd))
    elif target == RoundStatus.PUBLISHED:
        results_published(session, rnd, participants(rnd))

    if target == RoundStatus.PUBLISHED:
        webhook_events.round_published(session, rnd)
    return rnd


def keep_offers(session: Session, rnd: Round) -> None:
    """As a round finishes: its offers and their capacities as they are now, so its figures
    stay what they were when a follow-up moves the offers on."""
    session.execute(insert(RoundOffer).from_select(
        ["round_id", "offer_id", "capacity"],
        select(literal(rnd.id), Offer.id, Offer.capacity).where(round_offer_filter(rnd.id))))


def round_offer_rows() -> Subquery:
    """Every round's offers as (round_id, offer_id, capacity): a finished round's as they
    were kept when it finished, any other round's as they are. The one source of a round's
    offers and seats for its figures (dashboard, scenario comparison)."""
    kept = select(RoundOffer.round_id, RoundOffer.offer_id, RoundOffer.capacity)
    live = select(Offer.round_id.label("round_id"), Offer.id.label("offer_id"),
                  Offer.capacity.label("capacity")).where(
        Offer.round_id.is_not(None), Offer.status != OfferStatus.DRAFT.value,
        ~exists(select(RoundOffer.offer_id).where(RoundOffer.round_id == Offer.round_id)))
    return union_all(kept, live).subquery("round_offer_rows")


class ListingRound(RoundScope, Protocol):
    """What a submission reads of its round: an ORM ``Round`` or ``listing_round``'s values."""

    @property
    def id(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def max_preferences(self) -> int: ...


@dataclass(frozen=True, slots=True)
class _ListingRoundRow:
    id: int
    school_id: int | None
    region: str | None
    status: str
    max_preferences: int


_LISTING_ROUND = select(Round.id, Round.school_id, Round.region, Round.status,
                        Round.max_preferences).where(Round.id == bindparam("round_id"))


def listing_round(session: Session, round_id: int) -> ListingRound | None:
    """The round a student submits a list to, as plain values by a statement built once
    (no ORM object), or None when there is no such round."""
    row = session.connection().execute(_LISTING_ROUND, {"round_id": round_id}).first()
    return None if row is None else _ListingRoundRow(*row)


def submit_preferences(session: Session, p: Principal, rnd: ListingRound, student_id: int,
                       offer_ids: list[int]) -> list[int]:
    """Replace a student's ranked list while the round is open; refuse ineligible choices.

    Every refused offer is named with the rule it breaks, so the student can fix the list in
    one go. The old list is replaced whole or not at all. Returns the stored list.

    This is the deadline-day hot path (docs/PERFORMANCE.md, "The fast path"), so it asks the
    database as little as it can: one statement reads and locks the student with their
    regions (and the round's values), one reads the listed offers, one replaces the old list
    by the new and, when the list changed, writes the audit event (PostgreSQL; SQLite
    deletes and returns the old list, inserts, then writes the event).
    """
    return _submit(session, p, rnd.id, rnd, student_id, offer_ids)[1]


def submit_preferences_to(session: Session, p: Principal, round_id: int, student_id: int,
                          offer_ids: list[int]) -> tuple[ListingRound, list[int]]:
    """``submit_preferences`` to a round known by its id only (a student's own list through
    the API): the round is read with the student, in the same statement. 404 when there is
    no such round. Returns the round and the stored list."""
    return _submit(session, p, round_id, None, student_id, offer_ids)


def _submit(session: Session, p: Principal, round_id: int, rnd: ListingRound | None,
            student_id: int, offer_ids: list[int]) -> tuple[ListingRound, list[int]]:
    """Both of the above: ``rnd`` given, or read with the student when None; returns the
    round and the stored list."""
    # One submission per student at a time: concurrent ones queue on the student's row, so
    # each replaces the list whole and the last to commit wins, instead of two interleaved
    # delete-then-insert runs colliding (or, without the unique constraints, mixing lists).
    # The row is read under the lock, so the rules below judge the student as they are
    # while the list is written. Plain rows through Core, no ORM objects: each statement's
    # compiled form is cached, and there is nothing for the commit's flush to look at.
    conn = session.connection()
    # On PostgreSQL the statements run on psycopg's cursor, prepared once per connection
    # (extensions.driver_rows: SQLAlchemy's per-statement work was a quarter of the
    # worker's CPU per submission); elsewhere through SQLAlchemy, the same statements.
    pg = conn.dialect.name == "postgresql"
    lock = {"student_id": student_id, "round_id": round_id}
    offers: dict[int, Any] = {}
    if pg:
        # The listed offers come in the same statement (one round trip fewer): a row per
        # region and listed offer. A list longer than any round takes is refused below
        # without its offers being read.
        listed_ids = offer_ids if len(offer_ids) <= MAX_PREFERENCES_LIMITS[1] else []
        read = driver_rows(conn, _LOCK_STUDENT_WITH_OFFERS_PG,
                           {**lock, "offer_ids": int_array(listed_ids)})
        # One row per region, in order: each came once per listed offer, alike (a student's
        # regions are distinct).
        rows: list[Any] = [_LockedRow._make(r)
                           for r in dict.fromkeys(r[:_LOCKED_WIDTH] for r in read)]
        # An offer of another round is not found (the statement reads offers by id alone).
        offers = {r[_LOCKED_WIDTH]: _OfferRow._make(r[_LOCKED_WIDTH:-1])
                  for r in read if r[_LOCKED_WIDTH] is not None and r[-1] == round_id}
    else:
        rows = list(conn.execute(_LOCK_STUDENT, lock).all())
    if not rows and rnd is None and listing_round(session, round_id) is None:
        # No row: no such student, or no such round (told apart only on this error path).
        raise Problem(404, f"no round with id {round_id}")
    regions = tuple(r.region for r in rows if r.region is not None)
    found = _ListingStudent(rows[0].id, rows[0].school_id, regions) if rows else None
    if found is None or not can_see_student(p, found):
        raise Problem(404, f"no student with id {student_id}")
    if rnd is None:
        first = rows[0]
        rnd = _ListingRoundRow(first.round_id, first.round_school_id, first.round_region,
                               first.round_status, first.round_max_preferences)
    if not takes_part_as_read(rnd, found.school_id, regions):
        raise Problem(404, f"student {student_id} does not take part in round {rnd.id}")
    if rnd.status != RoundStatus.OPEN:
        raise Problem(409, f"round {rnd.id} is {rnd.status}: preferences are taken while it "
                           "is open")
    if len(offer_ids) > rnd.max_preferences:
        raise field_error("offers", f"at most {rnd.max_preferences} preferences count in "
                                    "this round")
    if len(set(offer_ids)) != len(offer_ids):
        raise field_error("offers", "an offer is listed twice")
    if offer_ids and not pg:
        offers = {o.id: o for o in conn.execute(
            _LISTED_OFFERS, {"round_id": rnd.id, "offer_ids": offer_ids})}
    errors = []
    me = student_row_model(rows[0], regions)
    for i, oid in enumerate(offer_ids):
        offer = offers.get(oid)
        if offer is None or offer.status != OfferStatus.OPEN:
            errors.append({"field": f"offers.{i}", "location": "json",
                           "message": f"offer {oid} is not an open offer of this round"})
            continue
        broken = ineligibility(me, offer_row_model(offer))
        if broken:
            errors.append({"field": f"offers.{i}", "location": "json",
                           "message": f"offer {oid}: not eligible, rule "
                                      + "; rule ".join(map(str, broken))})
    if errors:
        raise Problem(422, "some preferences cannot be accepted", errors)
    # On PostgreSQL one statement (one round trip) moves the kept offers' ranks in place,
    # deletes and inserts the rest and writes the audit event; the old list is compared
    # with the new there. Elsewhere the old list comes back from its own DELETE (one
    # statement instead of a read and a delete) and the new one is inserted.
    keys = {"round_id": rnd.id, "student_id": student_id}
    if pg:
        # One statement replaces the list and, when it changed, writes the audit event:
        # the row record_student_change writes (a student's values never enter the log:
        # the event says the list changed, not to what), placed by the same rule.
        event = student_change_event(p, "preferences.submit", student_id, found.school_id,
                                     regions, ("offers",))
        driver_rows(conn, _REPLACE_LIST_PG, {
            **keys, "offer_ids": int_array(offer_ids),
            **{f"event_{k}": v for k, v in event.items() if k not in ("before", "after")},
            "event_change": json.dumps(event["after"])})
        return rnd, list(offer_ids)
    removed = conn.execute(_DELETE_LIST, keys).all()
    if offer_ids:
        # Elsewhere (SQLite) one executemany of a statement built once. (A multi-row
        # INSERT built per list length was measured dearer on PostgreSQL:
        # docs/PERFORMANCE.md.)
        conn.execute(_INSERT_PREFERENCE, [
            {"round_id": rnd.id, "student_id": student_id, "offer_id": oid, "rank": i + 1}
            for i, oid in enumerate(offer_ids)])
    old = [offer_id for offer_id, _rank in sorted(removed, key=lambda row: row[1])]
    # A student's values never enter the log: the event says the list changed, not to what.
    record_student_change(session, p, "preferences.submit", student_id, found.school_id,
                          regions, {"offers": old}, {"offers": list(offer_ids)})
    return rnd, list(offer_ids)


def int_array(ids: list[int]) -> str:
    """Integers as PostgreSQL's array literal, for a parameter the statement casts to
    ``integer[]``: psycopg's list adapter, in Python, checked and escaped every element
    (twice per preference PUT); PostgreSQL reads the literal itself."""
    return "{" + ",".join(map(str, map(int, ids))) + "}"


@dataclass(frozen=True, slots=True)
class _ListingStudent:
    """The student a list is submitted for, as the scope rule reads them."""

    id: int
    school_id: int
    regions: tuple[str, ...]


# Built once and executed with plain parameters: compiled once per process (building a
# statement per request cost more CPU than PostgreSQL spends running it).
# The student, locked, with their regions in order: one row per region (or one without).
# The round's values come along (an inner join on its key: no row without the round), so a
# student's PUT needs no statement of its own for the round.
# Only the columns the scope rule and the engine's record (``student_row_model``,
# ``offer_row_model``) read: each column more is a column description psycopg builds and a
# value SQLAlchemy processes on every submission (an offer's description is free text).
_STUDENT_READ = tuple(c for c in Student.__table__.c
                      if c.name not in {"student_number", "home_place", "email", "erased_at"})
_OFFER_READ = tuple(c for c in Offer.__table__.c if c.name not in {
    "round_id", "place", "days_per_week", "hours_per_week", "description"})
_LOCK_STUDENT = (select(*_STUDENT_READ, StudentRegion.region,
                        Round.id.label("round_id"), Round.school_id.label("round_school_id"),
                        Round.region.label("round_region"), Round.status.label("round_status"),
                        Round.max_preferences.label("round_max_preferences"))
                 .select_from(Student)
                 .join(Round, Round.id == bindparam("round_id"))
                 .outerjoin(StudentRegion, StudentRegion.student_id == Student.id)
                 .where(Student.id == bindparam("student_id"))
                 .order_by(StudentRegion.position)
                 .with_for_update(of=Student.__table__))
_LISTED_OFFERS = select(*_OFFER_READ).where(
    Offer.round_id == bindparam("round_id"),
    Offer.id.in_(bindparam("offer_ids", expanding=True)))
_DELETE_LIST = (delete(cast(Table, Preference.__table__))
                .where(Preference.round_id == bindparam("round_id"),
                       Preference.student_id == bindparam("student_id"))
                .returning(Preference.offer_id, Preference.rank))
_INSERT_PREFERENCE = insert(cast(Table, Preference.__table__))
# PostgreSQL, on psycopg's cursor (extensions.driver_rows): the same student statement,
# compiled once, with the listed offers outer-joined (a row per region and offer; none
# listed or found: the offer's columns are null), the list as one array parameter (one
# prepared statement whatever its length, where the expanding IN makes one per length).
# The offers are found by id alone and their round is compared in ``_submit``: with the
# round's condition in the join, the prepared statement's generic plan ANDed the primary
# key with the round's index, reading every offer id of the round (24,861 at province
# scale: most of the statement's time; docs/PERFORMANCE.md, session 9).
_LOCK_STUDENT_WITH_OFFERS_PG = pg_sql(
    _LOCK_STUDENT.add_columns(*_OFFER_READ, Offer.round_id.label("offer_round_id"))
    .outerjoin(Offer, Offer.id == any_(type_cast(bindparam("offer_ids"), ARRAY(Integer)))))
_LockedRow = namedtuple("_LockedRow", _LOCK_STUDENT.selected_columns.keys())  # type: ignore[misc]
_LOCKED_WIDTH = len(_LockedRow._fields)
_OfferRow = namedtuple("_OfferRow", [c.name for c in _OFFER_READ])  # type: ignore[misc]
# The list replaced and the audit event written in one statement. An offer kept in the list
# keeps its row and, if it moved, gets its new rank (an UPDATE of the rank alone: no foreign
# key is checked); offers no longer listed are deleted, new ones inserted. Deleting and
# inserting every row, as before, cost three foreign-key checks per row (each a row lock
# FOR KEY SHARE on the round, student and offer): 30 for a list of ten, a fifth of
# PostgreSQL's work per PUT (docs/PERFORMANCE.md, session 10). No index holds the rank, so
# a moved row is a heap-only update with no new index entry (migration 0019). Every
# part reads the rows as they were before the statement (``old``); the parts touch
# different rows. The event is written when the old list (in rank order; no rows: an empty
# list) differs from the new, as record_student_change decides; every value is typed (a
# NULL has no type of its own). The student's row is locked by the statement before.
_REPLACE_LIST_PG = """
WITH listed AS (
    SELECT offer_id, CAST(rank AS integer) AS rank
    FROM unnest(CAST(%(offer_ids)s AS integer[])) WITH ORDINALITY AS listed(offer_id, rank)
), old AS (
    SELECT offer_id, rank FROM preferences
    WHERE round_id = %(round_id)s AND student_id = %(student_id)s
), dropped AS (
    DELETE FROM preferences
    WHERE round_id = %(round_id)s AND student_id = %(student_id)s
      AND offer_id <> ALL (CAST(%(offer_ids)s AS integer[]))
), moved AS (
    UPDATE preferences SET rank = listed.rank
    FROM listed
    WHERE preferences.round_id = %(round_id)s AND preferences.student_id = %(student_id)s
      AND preferences.offer_id = listed.offer_id AND preferences.rank <> listed.rank
), added AS (
    INSERT INTO preferences (round_id, student_id, offer_id, rank)
    SELECT %(round_id)s, %(student_id)s, listed.offer_id, listed.rank
    FROM listed
    WHERE NOT EXISTS (SELECT FROM old WHERE old.offer_id = listed.offer_id)
), event AS (
    INSERT INTO audit_events (at, actor_token_id, actor_role, actor_scope, actor_surface,
                              action, entity_type, entity_id, round_id, school_id, region,
                              before, after)
    SELECT CAST(%(event_at)s AS timestamptz), CAST(%(event_actor_token_id)s AS integer),
           CAST(%(event_actor_role)s AS varchar), CAST(%(event_actor_scope)s AS varchar),
           CAST(%(event_actor_surface)s AS varchar), CAST(%(event_action)s AS varchar),
           CAST(%(event_entity_type)s AS varchar), CAST(%(event_entity_id)s AS integer),
           CAST(%(event_round_id)s AS integer), CAST(%(event_school_id)s AS integer),
           CAST(%(event_region)s AS varchar), CAST(%(event_change)s AS json),
           CAST(%(event_change)s AS json)
    WHERE (SELECT coalesce(array_agg(offer_id ORDER BY rank), '{}') FROM old)
          IS DISTINCT FROM CAST(%(offer_ids)s AS integer[])
)
SELECT count(*) FROM old
"""


def filter_assignments(stmt: Select[Assignment], filters: dict[str, Any]
                       ) -> Select[Assignment]:
    for key in ("status", "round_id", "offer_id", "student_id"):
        if key in filters:
            stmt = stmt.where(getattr(Assignment, key) == filters[key])
    return stmt


def assignment_query(rnd: Round, p: Principal, filters: dict[str, Any] | None = None
                     ) -> Select[Assignment]:
    return filter_assignments(select(Assignment).where(Assignment.round_id == rnd.id,
                                                       in_scope(p))
                              .order_by(Assignment.id), filters or {})


def follow_up(session: Session, actor: Principal | None, rnd: Round) -> Round:
    """Start the next round from a published one, which is then finished.

    Accepted placements come along pinned, so they keep their seats; the offers move to the
    new round with their remaining capacity; students who declined or were not placed keep
    their lists, without the offer they declined, and are allocated again.
    """
    require_manager(actor, rnd)
    if rnd.status != RoundStatus.PUBLISHED:
        raise Problem(409, f"round {rnd.id} is {rnd.status}: a follow-up starts from a "
                           "published round")
    pending = session.scalar(select(Assignment.id).where(
        Assignment.round_id == rnd.id, Assignment.status == AssignmentStatus.PROPOSED))
    if pending is not None:
        raise Problem(409, f"assignment {pending} still awaits an answer"
                      + ("" if rnd.respond_by is None else
                         f"; unanswered proposals are settled at {rnd.respond_by.isoformat()}"))
    nxt = Round(name=f"{rnd.name} (vervolg)", school_id=rnd.school_id, region=rnd.region,
                status=RoundStatus.OPEN.value, no_response=rnd.no_response,
                **{k: getattr(rnd, k) for k in POLICY_FIELDS})
    session.add(nxt)
    session.flush()
    # Set-based, in the database: a province's follow-up carries ~500,000 preference rows,
    # which as ORM objects took most of the request's 13 s (docs/PERFORMANCE.md).
    accepted_here = ((Assignment.round_id == rnd.id)
                     & (Assignment.status == AssignmentStatus.ACCEPTED.value))
    session.execute(insert(Assignment).from_select(
        ["round_id", "student_id", "offer_id", "rank", "pinned", "status"],
        select(literal(nxt.id), Assignment.student_id, Assignment.offer_id, Assignment.rank,
               true(), literal(AssignmentStatus.ACCEPTED.value))
        .where(accepted_here).order_by(Assignment.id)))
    keep_offers(session, rnd)
    session.execute(update(Offer).where(Offer.round_id == rnd.id).values(round_id=nxt.id))
    # The lists of those not accepted, without an offer they declined, ranked 1, 2, … again.
    declined = exists(select(Assignment.id).where(
        Assignment.round_id == rnd.id, Assignment.status == AssignmentStatus.DECLINED.value,
        Assignment.student_id == Preference.student_id,
        Assignment.offer_id == Preference.offer_id))
    session.execute(insert(Preference).from_select(
        ["round_id", "student_id", "offer_id", "rank"],
        select(literal(nxt.id), Preference.student_id, Preference.offer_id,
               func.row_number().over(partition_by=Preference.student_id,
                                      order_by=Preference.rank))
        .where(Preference.round_id == rnd.id,
               Preference.student_id.not_in(select(Assignment.student_id).where(accepted_here)),
               ~declined)))
    # Counted back: an INSERT ... SELECT's row count is not reported on every driver.
    pinned = session.scalar(select(func.count()).where(Assignment.round_id == nxt.id))
    carried = session.scalar(select(func.count(distinct(Preference.student_id)))
                             .where(Preference.round_id == nxt.id))
    rnd.status = RoundStatus.FINISHED.value
    rnd.finished_at = now()
    session.flush()
    record(session, actor, "round.follow_up", rnd, {"status": RoundStatus.PUBLISHED.value},
           {"status": rnd.status, "follow_up_round_id": nxt.id})
    record(session, actor, "round.create", nxt, None,
           {"name": nxt.name, "status": nxt.status, "follow_up_of": rnd.id,
            "pinned": pinned, "carried_lists": carried})
    # Those whose placement came along pinned have nothing to choose in it.
    round_opened(session, nxt, participants(nxt) & ~Student.id.in_(
        select(Assignment.student_id).where(Assignment.round_id == nxt.id)))

    webhook_events.follow_up_started(session, rnd, nxt)
    return nxt


ASSIGNMENT_COLUMNS = ["assignment_id", "student_id", "student_number", "school", "offer_id",
                      "offer_title", "company_id", "company", "place", "region", "sector",
                      "level", "pathway", "rank", "pinned", "status"]


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Digits compare as numbers: 9 < 10 < 100, and "s-9" < "s-10"."""
    return tuple((0, int(part)) if part.isdigit() else (1, part)
                 for part in re.split(r"(\d+)", text) if part)


def assignments_csv(session: Session, rnd: Round, p: Principal, school_id: int | None = None,
                    company_id: int | None = None) -> str:
    """The round's assignments as CSV: per placement the school, student number, company,
    the offer's place, region and sector by name, level, pathway and rank (as stored, kept
    placements too), by school and then student number in numeric order.

    ``school_id`` keeps one school's students, ``company_id`` one company's offers: the lists
    a school and a company each need; only students in ``p``'s scope are listed.
    """
    stmt = (select(Assignment, Student, Offer, School.name, Company.name)
            .join(Student, Student.id == Assignment.student_id)
            .join(School, School.id == Student.school_id)
            .join(Offer, Offer.id == Assignment.offer_id)
            .join(Company, Company.id == Offer.company_id)
            .where(Assignment.round_id == rnd.id, in_scope(p)))
    if school_id is not None:
        stmt = stmt.where(Student.school_id == school_id)
    if company_id is not None:
        stmt = stmt.where(Offer.company_id == company_id)
    rows = list(session.execute(stmt).all())
    places, regions, sectors = (places_by_region(session), region_names(session),
                                sector_names(session))
    rows.sort(key=lambda r: (r[3], natural_key(r[1].student_number), r[0].id))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ASSIGNMENT_COLUMNS)
    for a, student, offer, school, company in rows:
        place = (nearest_place(places.get(offer.region, []), offer.lat, offer.lon)
                 if offer.lat is not None and offer.lon is not None else None)
        pathway = "/".join(mask_to_pathways(student.pathway_mask & offer.pathway_mask))
        writer.writerow([a.id, a.student_id, student.student_number, school, a.offer_id,
                         offer.title, offer.company_id, company, place or "",
                         regions.get(offer.region, offer.region),
                         sectors.get(offer.sector, offer.sector), student.level, pathway,
                         "" if a.rank is None else a.rank, str(a.pinned).lower(), a.status])
    return out.getvalue()


def scoped_report(session: Session, p: Principal, rnd: Round) -> dict[str, Any]:
    """The last allocation's report as ``p`` may read it: the round's totals (``stats``, the
    shortage) as they are, the unplaced only for ``p``'s students, and ``scope``: the same
    figures for ``p``'s students alone (kept placements counted apart as ``kept``)."""
    if rnd.report is None:
        raise Problem(409, f"round {rnd.id} has not been allocated yet")
    report = dict(rnd.report)
    if p.role == Role.ADMIN:
        return report
    mine = set(session.scalars(select(Student.id).where(student_filter(p), participants(rnd))))
    report["unassigned"] = [u for u in report.get("unassigned", [])
                            if int(u["student_id"]) in mine]
    k = rnd.max_preferences
    profile = [0] * (k + 1)
    kept = 0
    for rank, pinned in session.execute(select(Assignment.rank, Assignment.pinned).where(
            Assignment.round_id == rnd.id, in_scope(p))):
        profile[min(rank or k + 1, k + 1) - 1] += 1
        kept += bool(pinned)
    placed = sum(profile)
    report["scope"] = {
        "students": len(mine), "placed": placed, "kept": kept,
        "unplaced": len(report["unassigned"]), "rank_profile": profile,
        "mean_rank": (sum((i + 1) * n for i, n in enumerate(profile)) / placed
                      if placed else None)}
    return report
