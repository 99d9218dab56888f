"""The praktijkovereenkomst (POK): one bpv-blad per accepted placement, who fills in what,
its rules and its status.

A POK is made when its placement is accepted (``for_assignment``, called by every way an
acceptance reaches the service, and idempotent: reading a round's POKs makes any that an
accepted placement still lacks, such as those the deadline sweep accepted; an API answer
makes the same row in one statement, ``_create_for_answer``). The company
completes its part, the school's coordinator the school's; the status follows the fields:
``voorlopig`` while any required field is empty, ``volledig`` when both parts are filled in
(``ready``: the moment a POK can be signed), ``definitief`` when a coordinator records that
it was signed. A definitief POK no longer changes: as with the MBO Raad model, a change
needs a new bpv-blad.

The law's bounds (WEB art. 7.2.8 and BRON, see DOMAIN.md): at most 5,120 clock hours in all;
for BBL at least 610 hours a year of bpv, here in proportion to the planned period; no more
hours than the days allow (12 a day, the Arbeidstijdenwet's longest shift) nor than the
weeks between start and end allow.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ColumnElement, Integer, String, Table, bindparam, func, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.audit.log import (
    ENTITY_TYPES,
    now,
    record,
    record_bulk,
    record_change,
    snapshot,
    write_event,
)
from service.bulk import insert_rows
from service.directory.reference import reference_errors
from service.errors import Problem
from service.identity.principals import Principal
from service.messages.events import notify_pok_ready
from service.models import (
    POK_PATHWAYS,
    STAFF,
    Assignment,
    AssignmentStatus,
    Company,
    Offer,
    Pok,
    PokStatus,
    RefQualification,
    Role,
    Round,
    School,
    Student,
    mask_to_pathways,
)
from service.placements.assignments import (
    Answered,
    assignment_filter,
    respond,
    visible_assignment,
)
from service.rounds.lifecycle import in_scope, natural_key
from service.webhooks import events as webhook_events

# Beyond the field bounds (models.POK_MAX_*, checked by the schema): a BBL year's bpv and a
# day's longest shift (Arbeidstijdenwet).
BBL_HOURS_PER_YEAR = 610
MAX_HOURS_PER_DAY = 12

# Who fills in what. People's names and e-mail addresses are stored only where the
# deployment switches them on (POK_STORE_PEOPLE); they are never written to the audit log.
SCHOOL_FIELDS = ("crebo", "pathway", "start_date", "planned_end_date", "total_hours",
                 "praktijkbegeleider_name", "praktijkbegeleider_email")
COMPANY_FIELDS = ("sbb_code", "address", "postcode", "place", "hours_per_week",
                  "days_per_week", "praktijkopleider_name", "praktijkopleider_email")
PEOPLE_FIELDS = ("praktijkbegeleider_name", "praktijkbegeleider_email",
                 "praktijkopleider_name", "praktijkopleider_email")
FIELDS = SCHOOL_FIELDS + COMPANY_FIELDS
REDACTED = "[redacted]"


def required_fields(store_people: bool) -> tuple[str, ...]:
    """What must be filled in before a POK is volledig: every field, the people's only where
    this deployment stores them (else the school system adds them)."""
    return tuple(f for f in FIELDS if store_people or f not in PEOPLE_FIELDS)


def pok_filter(p: Principal) -> ColumnElement[bool]:
    """The POKs a principal sees: those of the placements they see (a company its own, a
    coordinator their students', a student their own; parties once the round is
    published)."""
    return Pok.assignment_id.in_(select(Assignment.id).where(assignment_filter(p)))


def _pathway_of(student: list[str], offer: list[str]) -> str | None:
    """The leerweg a new POK starts with: the one the student and offer share, else the
    student's only one."""
    shared = [p for p in POK_PATHWAYS if p in student and p in offer]
    if len(shared) == 1:
        return shared[0]
    own = [p for p in POK_PATHWAYS if p in student]
    return own[0] if len(own) == 1 and not shared else None


def for_assignment(session: Session, a: Assignment) -> Pok:
    """The POK of an accepted placement, made on first need with what is already known (the
    student's crebo and leerweg, the offer's dates); a placement kept in a follow-up round
    has its first round's POK. 409 for a placement not accepted."""
    if a.status != AssignmentStatus.ACCEPTED:
        raise Problem(409, f"assignment {a.id} is {a.status}: a praktijkovereenkomst is made "
                           "for an accepted placement")
    found = _existing(session, a)
    if found is not None:
        return found
    # The columns it needs, in one statement (as ``for_round`` reads them): loading the
    # student and the offer took three (the student's regions too) at every accept.
    crebo, student_mask, offer_mask, start, end = session.execute(
        select(Student.qualification, Student.pathway_mask, Offer.pathway_mask, Offer.start,
               Offer.end).select_from(Student).join(Offer, Offer.id == a.offer_id)
        .where(Student.id == a.student_id)).one()
    sequence = (session.scalar(select(func.max(Pok.sequence))
                               .where(Pok.student_id == a.student_id)) or 0) + 1
    pok = Pok(assignment_id=a.id, student_id=a.student_id, offer_id=a.offer_id,
              sequence=sequence, status=PokStatus.VOORLOPIG.value, created_at=now(),
              crebo=crebo, pathway=_pathway_of(mask_to_pathways(student_mask),
                                               mask_to_pathways(offer_mask)),
              start_date=start, planned_end_date=end)
    try:
        # A savepoint: two requests making the same POK at once (two reads of a round's
        # export) leave one row, and the second reads it instead of failing.
        with session.begin_nested():
            session.add(pok)
            session.flush()
    except IntegrityError:
        found = _existing(session, a)
        if found is None:
            raise
        return found
    record(session, None, "pok.create", pok, None,
           {"assignment_id": a.id, "sequence": sequence, "status": pok.status})
    return pok


def _existing(session: Session, a: Assignment) -> Pok | None:
    return session.scalar(select(Pok).where(Pok.student_id == a.student_id,
                                            Pok.offer_id == a.offer_id))


def answer(session: Session, p: Principal, assignment_id: int, response: str,
           reason: str | None = None) -> Answered:
    """A party's answer to a placement (``placements.assignments.respond``); the placement
    it accepts gets its POK in the same transaction."""
    a = respond(session, p, assignment_id, response, reason)
    if a.status == AssignmentStatus.ACCEPTED:
        _create_for_answer(session, a)
    return a


# ``for_assignment``'s POK as one statement, for an answer's hot path: the student's crebo
# and the offer's dates read by the INSERT itself, the sequence counted in it (on SQLite
# under the write lock the answer holds), and a POK already there for the same student and
# offer (a pinned placement's, or one another request just made) left as it is instead of a
# savepoint's failed insert. Built once per dialect (their ON CONFLICT clauses differ).
_POK_ROW = select(
    bindparam("assignment_id", type_=Integer), Student.id, Offer.id,
    func.coalesce(select(func.max(Pok.sequence)).where(Pok.student_id == Student.id)
                  .scalar_subquery(), 0) + 1,
    literal(PokStatus.VOORLOPIG.value, String), bindparam("created_at", type_=Pok.created_at.type),
    Student.qualification, bindparam("pathway", type_=String), Offer.start, Offer.end,
).select_from(Student).join(Offer, Offer.id == bindparam("offer_id")).where(
    Student.id == bindparam("student_id"))
_POK_INTO = ["assignment_id", "student_id", "offer_id", "sequence", "status", "created_at",
             "crebo", "pathway", "start_date", "planned_end_date"]
_INSERT_POK = {
    name: dialect_insert(cast(Table, Pok.__table__)).from_select(_POK_INTO, _POK_ROW)
    .on_conflict_do_nothing(index_elements=["student_id", "offer_id"])
    .returning(Pok.id, Pok.sequence)
    for name, dialect_insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))}


def _create_for_answer(session: Session, a: Answered) -> None:
    """``for_assignment`` for a placement just accepted by an answer: the POK and its
    ``pok.create`` event, unless the student already has one at this offer."""
    conn = session.connection()
    made = conn.execute(_INSERT_POK[conn.dialect.name], {
        "assignment_id": a.id, "student_id": a.student_id, "offer_id": a.offer_id,
        "created_at": now(), "pathway": _pathway_of(mask_to_pathways(a.student_mask),
                                                     mask_to_pathways(a.offer_mask)),
    }).one_or_none()
    if made is None:
        return
    write_event(session, None, "pok.create", ENTITY_TYPES[Pok], made.id, None,
                {"assignment_id": a.id, "sequence": made.sequence,
                 "status": PokStatus.VOORLOPIG.value},
                round_id=a.round_id, school_id=a.round_school_id, region=a.round_region)


def for_round(session: Session, rnd: Round) -> int:
    """Make the POKs a round's accepted placements still lack (accepted by the deadline
    sweep, or before this feature existed); returns how many were made.

    In one insert and one audit event: reading a province round's POKs the first time makes
    some 50,000 (one at a time, each with its look-ups, savepoint and event, took minutes).
    Should another request make some of them meanwhile, the insert fails on the unique
    (student, offer) pair and they are made one by one instead, as ``for_assignment`` does.
    """
    lacking = ((Assignment.round_id == rnd.id)
               & (Assignment.status == AssignmentStatus.ACCEPTED)
               & ~select(Pok.id).where(Pok.student_id == Assignment.student_id,
                                       Pok.offer_id == Assignment.offer_id).exists())
    missing = session.execute(
        select(Assignment.id, Assignment.student_id, Assignment.offer_id,
               Student.qualification, Student.pathway_mask, Offer.pathway_mask, Offer.start,
               Offer.end)
        .join(Student, Student.id == Assignment.student_id)
        .join(Offer, Offer.id == Assignment.offer_id)
        .where(lacking).order_by(Assignment.id)).all()
    if not missing:
        return 0
    last: dict[int, int] = {student_id: top for student_id, top in session.execute(
        select(Pok.student_id, func.max(Pok.sequence))
        .where(Pok.student_id.in_(select(Assignment.student_id).where(lacking)))
        .group_by(Pok.student_id))}
    made = now()
    rows = [{"assignment_id": a_id, "student_id": student_id, "offer_id": offer_id,
             "sequence": (last.get(student_id) or 0) + 1,
             "status": PokStatus.VOORLOPIG.value, "created_at": made, "crebo": crebo,
             "pathway": _pathway_of(mask_to_pathways(student_mask),
                                    mask_to_pathways(offer_mask)),
             "start_date": start, "planned_end_date": end}
            for a_id, student_id, offer_id, crebo, student_mask, offer_mask, start, end
            in missing]
    try:
        with session.begin_nested():
            insert_rows(session, Pok, rows)
    except IntegrityError:
        for a in session.scalars(select(Assignment).where(lacking).order_by(Assignment.id)):
            for_assignment(session, a)
        return len(rows)
    record_bulk(session, None, "pok.create", "pok", {"poks": len(rows)}, round_id=rnd.id,
                school_id=rnd.school_id, region=rnd.region)
    return len(rows)


def visible_pok(session: Session, p: Principal, assignment_id: int,
                lock: bool = False) -> Pok:
    """The POK of a placement ``p`` may see (404 otherwise), made if still missing (a
    placement kept in a follow-up round has its first round's). ``lock`` holds the POK's
    row, so the company and the school completing their parts at once take turns."""
    pok = for_assignment(session, visible_assignment(session, p, assignment_id))
    if lock:
        locked = session.get(Pok, pok.id, with_for_update=True, populate_existing=True)
        assert locked is not None
        return locked
    return pok


# The rules ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Party:
    """The parts of a POK a principal fills in."""

    fields: tuple[str, ...]
    who: str


def party(p: Principal) -> Party:
    if p.role == Role.ADMIN:
        return Party(FIELDS, "an admin")
    if p.role == Role.COORDINATOR:
        return Party(SCHOOL_FIELDS, "the school")
    if p.role == Role.COMPANY:
        return Party(COMPANY_FIELDS, "the company")
    return Party((), "a student")


def _weeks(start: dt.date, end: dt.date) -> int:
    return math.ceil(((end - start).days + 1) / 7)


def errors_of(session: Session, pok: Pok, values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field, message) for every rule the POK with ``values`` breaks; fields are named as
    the API names them (see ``API_NAMES``)."""
    errors: list[tuple[str, str]] = []
    student = session.get(Student, pok.student_id)
    assert student is not None
    crebo = values.get("crebo")
    if crebo is not None:
        # Only this code is looked up (the tables are read whole for an unknown one's hint).
        if unknown := reference_errors(session, {"qualification": crebo}):
            errors.extend(("crebo", message) for _field, message in unknown)
        else:
            qualification = session.get(RefQualification, crebo)
            if qualification is not None and student.level not in qualification.levels:
                errors.append(("crebo", f"qualification {crebo} is not taught at level "
                                        f"{student.level}, the student's"))
    pathway = values.get("pathway")
    if pathway is not None and pathway not in student.pathways:
        errors.append(("pathway", f"{pathway} is not a leerweg of this student "
                                  f"({'/'.join(student.pathways)})"))
    start, end = values.get("start_date"), values.get("planned_end_date")
    if start is not None and end is not None and end <= start:
        errors.append(("planned_end_date", "must lie after the start date"))
    per_week, days = values.get("hours_per_week"), values.get("days_per_week")
    if per_week is not None and days is not None and per_week > MAX_HOURS_PER_DAY * days:
        errors.append(("hours_per_week", f"{per_week} hours in {days} days is more than "
                                         f"{MAX_HOURS_PER_DAY} hours a day"))
    total = values.get("total_hours")
    if total is not None and start is not None and end is not None and end > start:
        if per_week is not None and total > per_week * _weeks(start, end):
            errors.append(("total_hours", f"more than {per_week} hours a week over the "
                                          f"{_weeks(start, end)} weeks of the period allow"))
        least = math.floor(BBL_HOURS_PER_YEAR * ((end - start).days + 1) / 365)
        if pathway == "BBL" and total < least:
            errors.append(("total_hours", f"BBL needs at least {BBL_HOURS_PER_YEAR} hours of "
                                          f"bpv a year: {least} over this period"))
    return errors


def _complete(values: Mapping[str, Any], store_people: bool) -> bool:
    return all(values.get(f) not in (None, "") for f in required_fields(store_people))


def _audit_view(values: Mapping[str, Any]) -> dict[str, Any]:
    # People's names and addresses stay out of the audit log: which field changed, not to what.
    return {k: (REDACTED if k in PEOPLE_FIELDS and v is not None else v)
            for k, v in values.items()}


def complete(session: Session, p: Principal, assignment_id: int, data: Mapping[str, Any],
             store_people: bool) -> Pok:
    """Fill in a party's part of the POK: the company its own, the school's coordinator the
    school's, an admin either. Every field another party fills in is refused (403, named),
    people's names where the deployment stores none (422), and every broken rule (422,
    named). The status follows: volledig once every required field is filled in (then
    ``ready``), voorlopig again when one is emptied; a definitief POK answers 409."""
    p.require(Role.COMPANY, *STAFF)
    pok = visible_pok(session, p, assignment_id, lock=True)
    if pok.status == PokStatus.DEFINITIEF:
        raise Problem(409, f"the praktijkovereenkomst of assignment {assignment_id} is "
                           "definitief: a change needs a new bpv-blad")
    mine = party(p)
    foreign = [f for f in data if f not in mine.fields]
    if foreign:
        raise Problem(403, f"{', '.join(API_NAMES[f] for f in foreign)}: filled in by the "
                           f"other party, not by {mine.who}",
                      [{"field": API_NAMES[f], "location": "json",
                        "message": f"not filled in by {mine.who}"} for f in foreign])
    if not store_people:
        people = [f for f in data if f in PEOPLE_FIELDS and data[f] is not None]
        if people:
            raise Problem(422, "this service stores no names or e-mail addresses of people: "
                               "the school system adds them",
                          [{"field": API_NAMES[f], "location": "json",
                            "message": "not stored by this deployment (POK_STORE_PEOPLE)"}
                           for f in people])
    values = {**{f: getattr(pok, f) for f in FIELDS}, **data}
    errors = errors_of(session, pok, values)
    if errors:
        raise Problem(422, "; ".join(f"{API_NAMES[f]}: {m}" for f, m in errors[:5]),
                      [{"field": API_NAMES[f], "location": "json", "message": m}
                       for f, m in errors])
    before = snapshot(pok, (*FIELDS, "status"))
    for key, value in data.items():
        setattr(pok, key, value)
    was_complete = pok.status == PokStatus.VOLLEDIG
    pok.status = (PokStatus.VOLLEDIG if _complete(values, store_people)
                  else PokStatus.VOORLOPIG).value
    session.flush()
    record_change(session, p, "pok.update", pok, _audit_view(before),
                  _audit_view(snapshot(pok, (*FIELDS, "status"))))
    if pok.status == PokStatus.VOLLEDIG and not was_complete:
        ready(session, p, pok)
    return pok


def ready(session: Session, actor: Principal | None, pok: Pok) -> None:
    """The event point "POK ready to sign": both parts are filled in. Called once each time
    a POK becomes volledig, in the transaction of the change: the parties are told by
    e-mail (messages, each once) and by webhook (``pok.ready``) in that same transaction."""
    record(session, actor, "pok.ready", pok, None, {"status": pok.status})
    notify_pok_ready(session, pok.assignment_id)
    company_id = session.scalar(select(Offer.company_id).where(Offer.id == pok.offer_id))
    school_id = session.scalar(select(Student.school_id).where(Student.id == pok.student_id))
    if company_id is not None:
        webhook_events.pok_ready(session, company_id, {
            "assignment_id": pok.assignment_id, "pok_id": pok.id, "offer_id": pok.offer_id},
            school_id)


def finalize(session: Session, p: Principal, assignment_id: int) -> Pok:
    """A coordinator (or admin) records that the volledig POK was signed by all parties: it
    becomes definitief, dated today (the contract date BRON receives)."""
    p.require(*STAFF)
    pok = visible_pok(session, p, assignment_id, lock=True)
    if pok.status != PokStatus.VOLLEDIG:
        raise Problem(409, f"the praktijkovereenkomst of assignment {assignment_id} is "
                           f"{pok.status}: only a volledig one becomes definitief")
    pok.status = PokStatus.DEFINITIEF.value
    pok.contract_date = now().date()
    session.flush()
    record(session, p, "pok.finalize", pok, {"status": PokStatus.VOLLEDIG.value},
           {"status": pok.status, "contract_date": pok.contract_date.isoformat()})
    return pok


# Reading and exporting ------------------------------------------------------------------

# The columns of the export, named as school systems (and BRON) name the bpv's fields;
# docs/EXCHANGE.md maps each. The JSON of one POK uses the same names.
COLUMNS = ["volgnummer", "status", "studentnummer", "brin", "school", "crebo",
           "kwalificatie", "niveau", "leerweg", "leerbedrijf_sbb_code", "leerbedrijf_naam",
           "leerbedrijf_kvk", "leerbedrijf_adres", "leerbedrijf_postcode",
           "leerbedrijf_plaats", "begindatum", "geplande_einddatum", "uren_totaal",
           "uren_per_week", "dagen_per_week", "praktijkopleider_naam",
           "praktijkopleider_email", "praktijkbegeleider_naam", "praktijkbegeleider_email",
           "contractdatum", "plaatsing_id", "ronde_id"]
# The stored field behind each name a party writes.
API_NAMES = {"crebo": "crebo", "pathway": "leerweg", "start_date": "begindatum",
             "planned_end_date": "geplande_einddatum", "total_hours": "uren_totaal",
             "praktijkbegeleider_name": "praktijkbegeleider_naam",
             "praktijkbegeleider_email": "praktijkbegeleider_email",
             "sbb_code": "leerbedrijf_sbb_code", "address": "leerbedrijf_adres",
             "postcode": "leerbedrijf_postcode", "place": "leerbedrijf_plaats",
             "hours_per_week": "uren_per_week", "days_per_week": "dagen_per_week",
             "praktijkopleider_name": "praktijkopleider_naam",
             "praktijkopleider_email": "praktijkopleider_email"}


def row(session: Session, pok: Pok) -> dict[str, Any]:
    """One POK with everything the bpv-blad shows, by the export's column names."""
    a = session.get(Assignment, pok.assignment_id)
    student, offer = session.get(Student, pok.student_id), session.get(Offer, pok.offer_id)
    assert a is not None and student is not None and offer is not None
    school, company = session.get(School, student.school_id), session.get(Company,
                                                                          offer.company_id)
    assert school is not None and company is not None
    qualification = session.get(RefQualification, pok.crebo) if pok.crebo else None
    return _row(pok, a, student, school, offer, company,
                qualification.name if qualification else None)


def _row(pok: Pok, a: Assignment, student: Student, school: School, offer: Offer,
         company: Company, qualification: str | None) -> dict[str, Any]:
    own = {API_NAMES[f]: getattr(pok, f) for f in FIELDS}
    return {**own, "volgnummer": pok.sequence, "status": pok.status,
            "studentnummer": student.student_number, "brin": school.code,
            "school": school.name, "kwalificatie": qualification, "niveau": student.level,
            "leerbedrijf_naam": company.name, "leerbedrijf_kvk": company.kvk_number,
            "contractdatum": pok.contract_date, "plaatsing_id": a.id,
            "ronde_id": a.round_id}


def round_rows(session: Session, p: Principal, rnd: Round, school_id: int | None = None
               ) -> list[dict[str, Any]]:
    """The POKs of a round's accepted placements (kept ones too) that ``p`` sees, optionally
    of one school's students: by school and then student number in numeric order. The
    caller has checked that ``p`` sees the round; missing POKs are made first."""
    for_round(session, rnd)
    stmt = (select(Pok, Assignment, Student, School, Offer, Company, RefQualification.name)
            .join(Assignment, (Assignment.student_id == Pok.student_id)
                  & (Assignment.offer_id == Pok.offer_id))
            .join(Student, Student.id == Pok.student_id)
            .join(School, School.id == Student.school_id)
            .join(Offer, Offer.id == Pok.offer_id)
            .join(Company, Company.id == Offer.company_id)
            .outerjoin(RefQualification, RefQualification.code == Pok.crebo)
            .where(Assignment.round_id == rnd.id,
                   Assignment.status == AssignmentStatus.ACCEPTED, in_scope(p)))
    if school_id is not None:
        stmt = stmt.where(Student.school_id == school_id)
    found = list(session.execute(stmt).all())
    found.sort(key=lambda r: (r[3].name, natural_key(r[2].student_number), r[0].id))
    rows = []
    for pok, a, student, school, offer, company, qualification in found:
        rows.append(_row(pok, a, student, school, offer, company, qualification))
    return rows


def party_rows(session: Session, p: Principal) -> list[dict[str, Any]]:
    """The POKs of every accepted placement ``p`` sees (a company's own, across rounds),
    newest placement first; missing POKs are made first. A placement kept in a follow-up
    round shares its first round's POK: it is listed once, under its latest placement."""
    accepted = list(session.scalars(
        select(Assignment).where(assignment_filter(p),
                                 Assignment.status == AssignmentStatus.ACCEPTED)
        .order_by(Assignment.id.desc())))
    rows: list[dict[str, Any]] = []
    seen: set[int] = set()
    for a in accepted:
        pok = for_assignment(session, a)
        if pok.id not in seen:
            seen.add(pok.id)
            offer = session.get(Offer, pok.offer_id)
            assert offer is not None
            rows.append({**row(session, pok), "plaatsing_id": a.id, "ronde_id": a.round_id,
                         "aanbod": offer.title})
    return rows


def rows_csv(rows: list[dict[str, Any]]) -> str:
    """The export as CSV: one row per POK, ``COLUMNS`` in order, dates as ISO 8601, empty
    cells for what is not filled in."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow(["" if r[c] is None else r[c].isoformat()
                         if isinstance(r[c], dt.date) else r[c] for c in COLUMNS])
    return out.getvalue()
