"""Offers: who sees and writes them (the scope rules), their queries and their rules.

Staff see every offer; a company its own; a student the open ones. An offer outside the
caller's scope is reported missing (404) so its existence does not leak.
"""

from __future__ import annotations

from functools import cache
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Table,
    and_,
    bindparam,
    distinct,
    func,
    insert,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session, make_transient_to_detached

from service.audit.log import ENTITY_TYPES, changes, snapshot, write_event
from service.directory.places import locate
from service.directory.records import (
    assign,
    before_change,
    contains_words,
    delete_record,
)
from service.directory.reference import ReferenceCheck, shape_columns
from service.errors import Problem, field_error
from service.identity.principals import Principal
from service.models import (
    STAFF,
    Assignment,
    AssignmentStatus,
    Company,
    Environment,
    Offer,
    OfferStatus,
    Preference,
    Role,
    Round,
    RoundStatus,
    Student,
    levels_to_mask,
    pathways_to_mask,
)
from service.webhooks import events as webhook_events


def offer_filter(p: Principal) -> ColumnElement[bool]:
    if p.is_staff:
        return true()
    if p.role == Role.COMPANY:
        return Offer.company_id == p.company_id
    return Offer.status == OfferStatus.OPEN.value  # students browse open offers only



def can_see_offer(p: Principal, offer: Offer) -> bool:
    if p.is_staff:
        return True
    if p.role == Role.COMPANY:
        return offer.company_id == p.company_id
    return offer.status == OfferStatus.OPEN.value



def visible_offer(session: Session, p: Principal, offer_id: int, lock: bool = False) -> Offer:
    """The offer if ``p`` may see it; ``lock`` reads it afresh and holds its row (FOR UPDATE)
    until the transaction ends, so a check made on it still holds at commit."""
    offer = session.get(Offer, offer_id, with_for_update=lock or None, populate_existing=lock)
    if offer is None or not can_see_offer(p, offer):
        raise Problem(404, f"no offer with id {offer_id}")
    return offer



def require_offer_writer(p: Principal, company_id: int | None) -> None:
    """Staff write any offer; a company only its own; students none."""
    p.require(*STAFF, Role.COMPANY)
    if p.role == Role.COMPANY and company_id is not None and company_id != p.company_id:
        raise Problem(403, "a company token creates and edits only its own offers",
                      [{"field": "company_id", "location": "json",
                        "message": "must be the token's own company"}])




def offer_query(filters: dict[str, Any], scope: ColumnElement[bool]) -> Select[Offer]:
    stmt = select(Offer).where(scope).order_by(Offer.id)
    for key in ("region", "sector", "status", "company_id", "round_id", "environment_id"):
        if key in filters:
            stmt = stmt.where(getattr(Offer, key) == filters[key])
    if "q" in filters:
        stmt = stmt.where(contains_words(Offer.title, filters["q"]))
    if "level" in filters:
        stmt = stmt.where(Offer.level_mask.op("&")(levels_to_mask([filters["level"]])) != 0)
    if "pathway" in filters:
        stmt = stmt.where(Offer.pathway_mask.op("&")(pathways_to_mask([filters["pathway"]]))
                          != 0)
    return stmt


def seats_taken(session: Session, round_id: int | None, where: ColumnElement[bool]) -> int:
    """Seats taken: accepted placements of one round at the offers ``where`` selects.

    The one count of taken seats, for answering an offer and for changing a capacity. Per
    round: a follow-up round carries each accepted placement along as its own pinned copy,
    so counting across rounds would count it twice.

    The offers are a subquery rather than a join so that the count reads
    ``ix_assignments_offer_round`` for each selected offer: joined, SQLite without
    statistics started from the round's assignments (all 56,000 of a province round, ~6 ms
    at every accept), since the condition on the offers did not reach the index."""
    return int(session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.offer_id.in_(select(Offer.id).where(where)),
        Assignment.round_id == round_id,
        Assignment.status == AssignmentStatus.ACCEPTED.value)) or 0)


def listed_counts(session: Session, offers: list[Offer]) -> dict[int, int]:
    """How many students listed each offer in its own round: all a company learns about the
    students before the round is published (never who they are)."""
    by_round: dict[int, list[int]] = {}
    for o in offers:
        if o.round_id is not None:  # an offer outside every round has no listings
            by_round.setdefault(o.round_id, []).append(o.id)
    counts: dict[int, int] = {}
    if by_round:
        # Each offer's round is known here, so the condition names it rather than joining
        # offers: both columns lead ix_preferences_offer_round, read alone (a join made
        # PostgreSQL hash all of the offers table; SQLite without statistics read the
        # round's every preference through its unique index).
        rows = session.execute(
            select(Preference.offer_id, func.count(distinct(Preference.student_id)))
            .where(or_(*(and_(Preference.round_id == round_id, Preference.offer_id.in_(ids))
                         for round_id, ids in by_round.items())))
            .group_by(Preference.offer_id))
        counts = {int(offer_id): int(n) for offer_id, n in rows}
    return {o.id: counts.get(o.id, 0) for o in offers}


# A company offers places into a round that still takes them: one being prepared or open.
ROUNDS_TAKING_OFFERS = (RoundStatus.DRAFT.value, RoundStatus.OPEN.value)


def rounds_taking_offers(session: Session) -> list[Round]:
    """The rounds an offer can be posted into (``round_id``), newest first."""
    return list(session.scalars(select(Round).where(Round.status.in_(ROUNDS_TAKING_OFFERS))
                                .order_by(Round.id.desc())))


def offer_rule_errors(data: dict[str, Any], recognised: list[str]) -> list[tuple[str, str]]:
    """The rules that span an offer's fields and its company, as (field, message) pairs."""
    errors = []
    unrecognised = sorted(set(data.get("qualifications", ())) - set(recognised))
    if unrecognised:
        errors.append(("qualifications", "the company is not recognised (erkend) for "
                       + ", ".join(unrecognised)))
    capacity, reserved = data["capacity"], data.get("reserved_priority", 0)
    if reserved > capacity:
        errors.append(("reserved_priority", f"must not exceed capacity ({capacity})"))
    start, end = data.get("start"), data.get("end")
    if start is not None and end is not None and end < start:
        errors.append(("end", "must not be before start"))
    return errors


def _is_taken(session: Session, offer_id: int) -> bool:
    """Whether some student listed the offer or was placed on it."""
    return any(session.scalar(select(model.id).where(model.offer_id == offer_id).limit(1))
               is not None for model in (Preference, Assignment))


@cache
def _facts_statement(shape: tuple[bool, ...]) -> Select[Any]:
    """What a save needs to know besides the offer, in one statement built once per shape:
    the reference check's columns, then the company (id, recognised codes), the round (id,
    school: the audit event's placement), whether the environment exists and whether any
    webhook endpoint listens. Scalar subqueries (those of records on their primary key, NULL
    when the row is missing); before, these were up to nine statements (docs/PERFORMANCE.md,
    "The offer POST")."""
    company = bindparam("company_id", type_=Integer)
    round_id = bindparam("round_id", type_=Integer)
    return select(
        *shape_columns(shape),
        select(Company.id).where(Company.id == company).scalar_subquery(),
        select(Company.qualifications).where(Company.id == company).scalar_subquery(),
        select(Round.id).where(Round.id == round_id).scalar_subquery(),
        select(Round.school_id).where(Round.id == round_id).scalar_subquery(),
        select(Environment.id).where(Environment.id == bindparam(
            "environment_id", type_=Integer)).exists(),
        webhook_events.LISTENING)


def save_offer(session: Session, actor: Principal | None,
               offer: Offer, data: dict[str, Any]) -> Offer:
    """Create or update an offer; checks the rules that span fields and records."""
    company_id = data.get("company_id", offer.company_id)
    # The round the offer is in after the save: checked when the save names one, and the
    # audit event's placement either way.
    round_id = data.get("round_id", offer.round_id)
    reference = ReferenceCheck.of(data)
    row = session.execute(_facts_statement(reference.shape), {
        **reference.params, "company_id": company_id, "round_id": round_id,
        "environment_id": data.get("environment_id")}).one()
    n = len(row) - 6
    reference.settle(session, row[:n])
    found_company, recognised, found_round, round_school, environment, heard = row[n:]
    if company_id is None:
        raise field_error("company_id", "is required")
    if found_company is None:
        raise field_error("company_id", f"no company with id {company_id}")
    if data.get("round_id") is not None and found_round is None:
        raise field_error("round_id", f"no round with id {data['round_id']}")
    if data.get("environment_id") is not None and not environment:
        raise field_error("environment_id", f"no environment with id {data['environment_id']}")
    if (offer.id is not None and data.get("status") == OfferStatus.DRAFT.value
            and offer.status != OfferStatus.DRAFT.value and _is_taken(session, offer.id)):
        # A draft is outside every round: one with preferences or placements cannot go back.
        raise field_error("status", "the offer has preferences or placements: close it "
                                    "instead", 409)
    # The location is audited with every save: a changed place may move a derived one.
    audited = {**data, "location": data.get("location")}
    before = before_change(offer, audited)
    was_open = offer.id is not None and offer.status == OfferStatus.OPEN
    old_place = offer.place
    assign(offer, data)
    locate(session, offer, offer.place, [offer.region], data, old_place)
    for name, message in offer_rule_errors(
            {"qualifications": offer.qualifications, "capacity": offer.capacity,
             "reserved_priority": offer.reserved_priority, "start": offer.start,
             "end": offer.end}, recognised or []):
        raise field_error(name, message)
    if offer.id is not None and "capacity" in data:
        # The offer's current round only: a follow-up carries accepted placements along as
        # pinned copies, which must not count twice.
        accepted = seats_taken(session, offer.round_id, Offer.id == offer.id)
        if offer.capacity < accepted:
            raise field_error("capacity", f"{accepted} placements are already accepted", 409)
    _store(session, offer)
    _audit_save(session, actor, offer, before, audited, round_school)
    if offer.status == OfferStatus.OPEN and not was_open:
        webhook_events.offers_listed(session, offer.company_id, 1, offer.capacity, heard)
    return offer


# Each column of an offer as (attribute, column) key, and its INSERT, built once.
_COLUMNS = tuple((attr.key, attr.columns[0].key) for attr in Offer.__mapper__.column_attrs
                 if attr.key != "id")
_INSERT_OFFER = insert(cast(Table, Offer.__table__))


def _store(session: Session, offer: Offer) -> None:
    """Write the offer now. A new offer with every column given (an API POST: the schema
    gives each field or its default) is one Core INSERT, then joins the session as the
    stored row it is (no INSERT at flush): the ORM's unit of work for one row cost more
    CPU than the statement (docs/PERFORMANCE.md, "The offer POST"). Anything else (an
    update, a form that leaves a column to its default) goes through the ORM's flush."""
    given = offer.__dict__
    if offer.id is not None or any(key not in given for key, _ in _COLUMNS):
        session.add(offer)
        session.flush()
        return
    result = session.connection().execute(
        _INSERT_OFFER, {column: given[key] for key, column in _COLUMNS})
    offer.id = result.inserted_primary_key[0]
    make_transient_to_detached(offer)
    session.add(offer)


def _audit_save(session: Session, actor: Principal | None, offer: Offer,
                before: dict[str, Any] | None, audited: dict[str, Any],
                round_school: int | None) -> None:
    """``records.audit_save``'s event, as ``audit.log.record`` places an offer's (its
    round, that round's school, its own region), written as one INSERT."""
    after = snapshot(offer, list(audited))
    if before is None:
        action, old, new = "offer.create", None, after
    else:
        action, (old, new) = "offer.update", changes(before, after)
        if not old and not new:
            return  # an update that changed nothing is no event
    write_event(session, actor, action, ENTITY_TYPES[Offer], offer.id, old, new,
                round_id=offer.round_id,
                school_id=round_school if offer.round_id is not None else None,
                region=offer.region)


def delete_offer(session: Session, actor: Principal | None, offer: Offer) -> None:
    if offer.status != OfferStatus.DRAFT.value:
        raise Problem(409, "only a draft offer can be deleted; close it instead",
                      [{"field": "status", "location": "json", "message": "must be draft"}])
    delete_record(session, actor, offer)


def consent_needed(offer: Offer, student: Student) -> bool:
    """A BBL placement is a job: the company must accept it too."""
    return masks_need_consent(offer.pathway_mask, student.pathway_mask)


def masks_need_consent(offer_mask: int, student_mask: int) -> bool:
    """``consent_needed`` on the pathway masks: the pathways both share are BBL alone."""
    return offer_mask & student_mask == pathways_to_mask(["BBL"])


def needs_company(session: Session, a: Assignment) -> bool:
    """Whether placement ``a`` needs its company's yes (``consent_needed``).

    Only the two masks are read, in one statement: every answer asks this, and loading the
    offer and the student (with the student's regions) took three, none of them kept for
    later (the session holds loaded rows only while something refers to them)."""
    row = session.execute(select(Offer.pathway_mask, Student.pathway_mask).select_from(Offer)
                          .join(Student, Student.id == a.student_id)
                          .where(Offer.id == a.offer_id)).one()
    return masks_need_consent(row[0], row[1])
