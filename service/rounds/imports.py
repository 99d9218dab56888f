"""Importing a round document: its round, offers, environments, students and preferences.

Everything is checked before anything is written, every problem reported with its field path;
the writes run as bulk INSERTs inside the caller's one transaction.
"""

from __future__ import annotations

import json
import re
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from seeds.generator import load_reference
from service.audit.log import record_bulk
from service.bulk import (
    among,
    chunks,
    insert_integer_rows,
    insert_returning_ids,
    insert_rows,
    lock_existing,
    may_skip_row_triggers,
    row_triggers_off,
)
from service.directory.imports import (
    KVK_ID,
    IdMode,
    ImportErrors,
    decimal_id,
    existing_students,
    offer_rows,
    write_students,
)
from service.directory.reference import CHECKS, Reference, record_errors
from service.directory.reference import load_reference as load_known_values
from service.directory.students import student_rule_errors
from service.errors import Problem
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
    School,
    Student,
    environment_partners,
)
from service.rounds.lifecycle import create_round
from service.rounds.participation import participants
from service.schemas import text_error
from solver import model as m
from solver.document import DocumentError, parse_round
from solver.gcpause import gc_paused
from solver.schema import decode_round

# A round document ------------------------------------------------------------------------

@dataclass
class RoundImport:
    round: Round
    offers: int = 0
    environments: int = 0
    companies_created: int = 0
    students_created: int = 0
    students_updated: int = 0
    students_matched: int = 0
    preferences: int = 0
    pinned: int = 0
    students_in_round: int = 0
    warnings: list[dict[str, str]] = field(default_factory=list)


# Column widths of the tables the document's strings land in (PostgreSQL enforces them).
_WIDTHS = {"title": 200, "sector": 80, "region": 80, "name": 200, "student_number": 40,
           "qualification": 5}


def _too_long(errors: ImportErrors, path: str, name: str, value: str | None) -> None:
    if value is not None and len(value) > _WIDTHS[name]:
        errors.add(path, f"at most {_WIDTHS[name]} characters")


def read_document(data: bytes | Any) -> m.Round:
    """A round document (the request's bytes, or already decoded) as the engine's Round.

    Bytes go to the compiled reader first (``solver.schema``: parse and check in C, about a
    tenth of decoding to dicts, walking every string and reading them again). It is used only
    when the bytes cannot hold a control character: a raw DEL or C1 character, or a ``\\u``
    escape of one or of a surrogate (raw C0 characters are not JSON inside strings). Anything
    else, and every document it refuses, takes the careful path, which names each problem.
    """
    if isinstance(data, bytes | bytearray):
        if not _MAYBE_CONTROL.search(data):
            with gc_paused():
                fast = decode_round(bytes(data))
            if fast is not None:
                return fast
        try:
            data = json.loads(data)
        except ValueError:
            data = None
        if data is None:
            raise Problem(400, "the body must be a leerplek-round/1 document as JSON")
    control = ImportErrors()
    _check_text(data, "", control)
    control.raise_if_any("the document was not imported")
    try:
        return parse_round(data)
    except DocumentError as exc:
        raise Problem(422, str(exc), [{"field": e.path, "location": "json",
                                       "message": e.message} for e in exc.errors]) from None


# Bytes that may spell a control character or surrogate in a JSON text (a superset: an
# escaped backslash before "u00" matches too, and then the careful path decides).
_MAYBE_CONTROL = re.compile(rb"\\u(?:00[0-1]|007[fF]|00[89]|[dD][89a-fA-F])|\x7f|\xc2[\x80-\x9f]")


def import_round(session: Session, p: Principal, data: Any, ids: IdMode = "external",
                 school_id: int | None = None, region: str | None = None) -> RoundImport:
    """``_import_round`` with the cyclic garbage collector paused: a province's import makes
    a few million small objects (the document, the students' values and column rows, the
    preference rows), none in a cycle, and each generation of them made the collector walk
    all the earlier ones again (the profile charged ~1 s of it to whatever ran then)."""
    with gc_paused():
        return _import_round(session, p, data, ids, school_id, region)


def _import_round(session: Session, p: Principal, data: Any, ids: IdMode,
                  school_id: int | None, region: str | None) -> RoundImport:
    """Create a round, its offers, environments and preferences from a round document.

    ``ids="external"``: schools are named by code, companies by KvK number (unknown ones are
    registered, recognised for the qualifications their offers name), students by their
    number within their school (created, or updated to the document's values).
    ``ids="database"``: the ids are this database's, as ``GET /rounds/{id}/export`` writes
    them, and must all exist. Offers and environments are always created for the new round.
    """
    p.require(*STAFF)
    doc = read_document(data)
    errors = ImportErrors()
    if doc.company_rankings:
        errors.add("company_rankings", "the service does not store company rankings; "
                                       "solve such a round with `leerplek solve`")
    policy = {k: getattr(doc.policy, k) for k in m.POLICY_FIELDS}
    _too_long(errors, "round.name", "name", doc.name or doc.id)
    _check_reference(load_known_values(session), doc, errors)
    schools = _resolve_schools(session, p, doc, ids, errors)
    companies = _resolve_companies(session, doc, ids, errors)
    errors.raise_if_any("the document was not imported")
    rnd = create_round(session, p, {"name": doc.name or doc.id or "imported round",
                                    "school_id": school_id, "region": region, **policy})
    for i, o in enumerate(doc.offers):
        for name in ("title", "sector", "region"):
            _too_long(errors, f"offers[{i}].{name}", name, getattr(o, name))
    for i, s in enumerate(doc.students):
        _too_long(errors, f"students[{i}].id", "student_number", s.id)
        _too_long(errors, f"students[{i}].qualification", "qualification", s.qualification)
        _too_long(errors, f"students[{i}].sector", "sector", s.sector)
        for j, r in enumerate(s.regions):
            _too_long(errors, f"students[{i}].regions[{j}]", "region", r)
    ranked, warnings = _clean_preferences(doc)
    student_ids = _resolve_students(session, p, doc, ids, schools, errors)
    errors.raise_if_any("the document was not imported")

    summary = RoundImport(rnd, companies_created=len(companies.new))
    company_ids = companies.write(session)
    env_ids = _write_environments(session, doc, company_ids)
    # The bulk of the rows without PostgreSQL's per-row foreign-key triggers when the role
    # may switch them off: what they would check is checked set-wise (_Checks, below).
    checks = _Checks(session, doc) if may_skip_row_triggers(session) else None
    if checks is not None:
        checks.referenced(rnd, schools, company_ids, env_ids)
    with row_triggers_off(session) if checks is not None else nullcontext():
        offer_ids = insert_returning_ids(session, Offer, offer_rows(session, [{
                "company_id": company_ids[o.company_id], "round_id": rnd.id,
                "environment_id": env_ids.get(o.environment_id or ""), "title": o.title,
                "levels": list(o.levels), "pathways": list(o.pathways),
                "qualifications": list(o.qualifications), "sector": o.sector,
                "region": o.region,
                "location": None if o.location is None else {"lat": o.location.lat,
                                                              "lon": o.location.lon},
                "capacity": o.capacity, "reserved_priority": o.reserved_priority,
                "start": o.start, "end": o.end, "status": OfferStatus.OPEN.value}
            for o in doc.offers]))
        by_offer = dict(zip([o.id for o in doc.offers], offer_ids, strict=True))
        new_students, changed = student_ids.new, student_ids.changed
        created = write_students(session, [d for _, d in new_students], changed)
        sid = dict(student_ids.matched)
        sid.update(zip([ref for ref, _ in new_students], created, strict=True))
        sid.update((doc.students[i].id, db_id) for i, (db_id, _) in
                   zip(student_ids.changed_index, changed, strict=True))
        _check_membership(session, rnd, doc, sid)
        round_id = rnd.id
        prefs = [(round_id, sid[s.id], by_offer[ref], j)
                 for s, refs in zip(doc.students, ranked, strict=True)
                 for j, ref in enumerate(refs, 1)]
        if checks is not None:
            checks.written(offer_ids, sid)
        insert_integer_rows(session, Preference, ("round_id", "student_id", "offer_id", "rank"),
                            prefs)
    pinned = {pin.student_id for pin in doc.pinned}
    rank_of = {(s.id, ref): j + 1 for s, refs in zip(doc.students, ranked, strict=True)
               if s.id in pinned for j, ref in enumerate(refs)}
    pins = [{"round_id": rnd.id, "student_id": sid[pin.student_id],
             "offer_id": by_offer[pin.offer_id], "pinned": True,
             "rank": rank_of.get((pin.student_id, pin.offer_id)),
             "status": AssignmentStatus.ACCEPTED.value} for pin in doc.pinned]
    insert_rows(session, Assignment, pins)
    summary.offers, summary.environments = len(offer_ids), len(env_ids)
    summary.students_created, summary.students_updated = len(created), len(changed)
    summary.students_matched = len(student_ids.matched)
    summary.preferences, summary.pinned = len(prefs), len(pins)
    summary.warnings = warnings
    session.flush()

    summary.students_in_round = int(session.scalar(
        select(func.count()).select_from(Student).where(participants(rnd))) or 0)
    record_bulk(session, p, "round.import", "round",
                {"offers": summary.offers, "environments": summary.environments,
                 "companies_created": summary.companies_created,
                 "students_created": summary.students_created,
                 "students_updated": summary.students_updated,
                 "preferences": summary.preferences, "pinned": summary.pinned},
                entity_id=rnd.id, round_id=rnd.id, school_id=rnd.school_id,
                region=rnd.region)
    return summary


class _Checks:
    """What the foreign keys of the offers, students, their regions and the preferences would
    check row by row, checked set-wise, for the import's writes with row triggers off.

    Each of a province's 530,730 preferences fired three foreign-key triggers (a ``SELECT …
    FOR KEY SHARE`` of its round, offer and student each: ~70 % of PostgreSQL's time for the
    import), each offer three, each student and each of its regions one more. Instead every
    row those keys reference is locked ``FOR KEY SHARE`` (the triggers' own lock) with one
    statement per table, in the import's transaction, and the count compared: ``referenced``
    before the writes for the round, schools, companies and environments they point at,
    ``written`` after the offers, students and regions for the offers and students that
    the regions, preferences and pins point at, before the preferences go in. Every id a
    written row carries is one of these (the import resolved each of them), so the check is
    at least as strong as the triggers', and the locks hold to the commit. The round, the
    environments, the new companies, offers and students are this transaction's own rows,
    which nobody else can see; the stored schools, companies and students a concurrent
    request might delete are named when one is gone (409), and nothing is written.
    """

    def __init__(self, session: Session, doc: m.Round) -> None:
        self.session, self.doc = session, doc

    def referenced(self, rnd: Round, schools: dict[str, School], company_ids: dict[str, int],
                   env_ids: dict[str, int]) -> None:
        self.session.flush()  # schools registered on first use get their ids
        errors = ImportErrors()
        if lock_existing(self.session, Round, [rnd.id]):
            errors.add("round", f"round {rnd.id} was deleted during the import")
        school_ids = {ref: school.id for ref, school in schools.items()}
        self._name(errors, School, school_ids, "students", "school_id",
                   [s.school_id for s in self.doc.students])
        self._name(errors, Company, company_ids, "offers", "company_id",
                   [o.company_id for o in self.doc.offers])
        self._name(errors, Environment, env_ids, "offers", "environment_id",
                   [o.environment_id for o in self.doc.offers])
        errors.raise_if_any("the round was not imported: rows it refers to were deleted "
                            "meanwhile", status=409)

    def written(self, offer_ids: list[int], sid: dict[str, int]) -> None:
        errors = ImportErrors()
        self._name(errors, Offer, {o.id: i for o, i in zip(self.doc.offers, offer_ids,
                                                           strict=True)},
                   "offers", "id", [o.id for o in self.doc.offers])
        self._name(errors, Student, sid, "students", "id", [s.id for s in self.doc.students])
        errors.raise_if_any("the round was not imported: rows it refers to were deleted "
                            "meanwhile", status=409)

    def _name(self, errors: ImportErrors, model: type[Any], ids: dict[str, int], kind: str,
              name: str, refs: list[str | None]) -> None:
        """Lock ``ids``' rows; name the first record referring to each one that is gone."""
        gone = lock_existing(self.session, model, ids.values())
        named: set[int] = set()
        for i, ref in enumerate(refs):
            ident = ids.get(ref) if ref is not None else None
            if ident in gone and ident not in named:
                named.add(ident)
                what = {"companies": "company"}.get(model.__tablename__,
                                                    model.__tablename__.removesuffix("s"))
                errors.add(f"{kind}[{i}].{name}", f"{what} {ref!r} was deleted during the import")


def _check_reference(ref: Reference, doc: m.Round, errors: ImportErrors) -> None:
    """The regions, sectors and codes a document's offers and students name must be known."""
    if _all_known(ref, doc):
        return  # the usual case: no record to name, so none is checked one by one
    for kind, records in (("offers", doc.offers), ("students", doc.students)):
        for i, record in enumerate(records):
            values = {name: getattr(record, name) for name in CHECKS if hasattr(record, name)}
            for name, message in record_errors(ref, values):
                where, _, index = name.partition(".")
                errors.add(f"{kind}[{i}].{where}" + (f"[{index}]" if index else ""), message)


def _all_known(ref: Reference, doc: m.Round) -> bool:
    """Whether every reference value of the document is known: each distinct value checked
    once (a province names a few hundred distinct ones in 85,000 records), by the same
    ``CHECKS`` the record-by-record path applies."""
    values: dict[str, set[str]] = {}
    for records in (doc.offers, doc.students):
        if not records:
            continue
        for name in CHECKS:
            if not hasattr(records[0], name):
                continue
            seen = values.setdefault(name, set())
            for record in records:
                value = getattr(record, name)
                if isinstance(value, str):
                    seen.add(value)
                elif isinstance(value, list | tuple):
                    seen.update(value)
                elif value is not None:
                    return False  # not a shape this shortcut knows: check one by one
    return not any(record_errors(ref, {name: sorted(seen)}) for name, seen in values.items())


def _check_text(value: Any, path: str, errors: ImportErrors) -> None:
    """Every string of a document, keys included, free of control characters."""
    if isinstance(value, str):
        if message := text_error(value):
            errors.add(path or "_schema", message)
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if message := text_error(str(key)):
                errors.add(where, message)
            _check_text(item, where, errors)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_text(item, f"{path}[{i}]", errors)


def _clean_preferences(doc: m.Round) -> tuple[list[list[str]], list[dict[str, str]]]:
    """Each student's list as it can be stored: repeated and unknown entries dropped.

    The engine skips such entries with a warning, and so does the import: the stored list
    is what the student effectively ranked, renumbered without the gaps.
    """
    offers = {o.id for o in doc.offers}
    ranked: list[list[str]] = []
    warnings: list[dict[str, str]] = []
    for i, s in enumerate(doc.students):
        listed = s.preferences
        if len(set(listed)) == len(listed) and offers.issuperset(listed):
            ranked.append(list(listed))  # the usual case: nothing to drop, nothing to name
            continue
        kept: list[str] = []
        for j, ref in enumerate(listed):
            path = f"students[{i}].preferences[{j}]"
            if ref not in offers:
                warnings.append({"field": path, "message": f"unknown offer {ref!r}: dropped"})
            elif ref in kept:
                warnings.append({"field": path, "message": f"offer {ref!r} repeated: dropped"})
            else:
                kept.append(ref)
        ranked.append(kept)
    return ranked, warnings


def _resolve_schools(session: Session, p: Principal, doc: m.Round, ids: IdMode,
                     errors: ImportErrors) -> dict[str, School]:
    """The document's school ids as schools; reference schools are registered on first use."""
    wanted: dict[str, int] = {}
    for i, s in enumerate(doc.students):
        wanted.setdefault(s.school_id, i)
    found: dict[str, School] = {}
    by_code = {} if ids == "database" else {
        s.code: s for s in session.scalars(select(School).where(School.code.in_(wanted)))}
    reference = _reference_schools() if ids == "external" and p.role == Role.ADMIN else {}
    for ref, i in wanted.items():
        school = by_code.get(ref)
        ident = decimal_id(ref)
        if school is None and ident is not None:
            school = session.get(School, ident)
        if school is None and ref in reference:
            school = School(**reference[ref])
            session.add(school)
        if school is None:
            how = ("an existing school id" if ids == "database"
                   else "a school's code or id (admins may name the reference schools)")
            errors.add(f"students[{i}].school_id", f"unknown school {ref!r}: expected {how}")
        else:
            found[ref] = school
    return found


def _reference_schools() -> dict[str, dict[str, str]]:
    schools = load_reference()["schools"]
    return {s["id"]: {"code": s["id"], "name": s["name"], "region": s["regions"][0]}
            for s in schools}


@dataclass
class _Companies:
    """The document's companies: stored ones by id, and the rows of those to register."""

    known: dict[str, int] = field(default_factory=dict)
    new: dict[str, dict[str, Any]] = field(default_factory=dict)
    # a second reference to a company registered here ("kvk-12345678" after "12345678")
    alias: dict[str, str] = field(default_factory=dict)

    def write(self, session: Session) -> dict[str, int]:
        """Register the new ones in one bulk insert (a province names ~10,000 leerbedrijven);
        every company's id by the document's reference."""
        refs = list(self.new)
        ids = dict(zip(refs, insert_returning_ids(session, Company,
                                                  [self.new[r] for r in refs]), strict=True))
        return {**self.known, **ids, **{ref: ids[first] for ref, first in self.alias.items()}}


def _resolve_companies(session: Session, doc: m.Round, ids: IdMode, errors: ImportErrors
                       ) -> _Companies:
    """The document's company ids as stored companies, or the rows of those to register."""
    offers_of: dict[str, list[int]] = {}
    for i, o in enumerate(doc.offers):
        offers_of.setdefault(o.company_id, []).append(i)
    kvk = {ref: mt.group(1) for ref in offers_of
           if ids == "external" and (mt := KVK_ID.match(ref))}
    known = {number: (ident, set(qualifications)) for ident, number, qualifications in
             session.execute(select(Company.id, Company.kvk_number, Company.qualifications)
                             .where(among(session, Company.kvk_number, set(kvk.values()))))
             } if kvk else {}
    out = _Companies()
    registering: dict[str, str] = {}  # KvK number -> the first reference registering it
    for ref, indexes in offers_of.items():
        first = registering.get(kvk.get(ref, ""))
        if first is not None:
            out.alias[ref] = first
            _check_recognised(doc, indexes, set(out.new[first]["qualifications"]), errors)
            continue
        found = known.get(kvk.get(ref, ""))
        ident = decimal_id(ref)
        if found is None and ident is not None and ref not in kvk:
            company = session.get(Company, ident)
            if company is not None:
                found = (company.id, set(company.qualifications))
        if found is None and ref in kvk:
            offers = [doc.offers[i] for i in indexes]
            out.new[ref] = {
                "name": f"Leerbedrijf {kvk[ref]}", "kvk_number": kvk[ref],
                "qualifications": sorted({q for o in offers for q in o.qualifications}),
                "region": _most_common([o.region for o in offers])}
            registering[kvk[ref]] = ref
            continue
        if found is None:
            how = ("an existing company id" if ids == "database"
                   else "a KvK number (8 digits, or kvk-<8 digits>) or an existing company id")
            errors.add(f"offers[{indexes[0]}].company_id",
                       f"unknown company {ref!r}: expected {how}")
            continue
        out.known[ref] = found[0]
        _check_recognised(doc, indexes, found[1], errors)
    return out


def _most_common(values: list[str]) -> str:
    """The most frequent value, the first seen among equals (as ``Counter.most_common``,
    whose construction costs ~30 µs a call: half a second for a province's companies)."""
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return max(counts, key=counts.__getitem__)


def _check_recognised(doc: m.Round, indexes: list[int], recognised: set[str],
                      errors: ImportErrors) -> None:
    """A company's offers may name only the qualifications it is recognised for."""
    for i in indexes:
        missing = sorted(set(doc.offers[i].qualifications) - recognised)
        if missing:
            errors.add(f"offers[{i}].qualifications",
                       "the company is not recognised (erkend) for " + ", ".join(missing))


def _check_membership(session: Session, rnd: Round, doc: m.Round, sid: dict[str, int]
                      ) -> None:
    """Every student of the document must take part in the round it lands in.

    Checked on the stored rows with the round's one participation rule, so it is the rule
    the allocation applies; a refusal rolls the written rows back with the whole import.
    """
    if rnd.school_id is None and rnd.region is None:
        return  # a province-wide round takes every student
    index = {sid[s.id]: i for i, s in enumerate(doc.students)}
    outside = sorted(index[student_id] for part in chunks(list(index))
                     for student_id in session.scalars(select(Student.id).where(
                         Student.id.in_(part), ~participants(rnd))))
    errors = ImportErrors()
    for i in outside:
        if rnd.school_id is not None:
            errors.add(f"students[{i}].school_id",
                       f"the round is school {rnd.school_id}'s; this student is not")
        else:
            errors.add(f"students[{i}].regions", f"must include the round's region "
                                                 f"{rnd.region}")
    errors.raise_if_any("the document was not imported")


@dataclass
class _Students:
    matched: list[tuple[str, int]] = field(default_factory=list)
    new: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    changed: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    changed_index: list[int] = field(default_factory=list)


def _resolve_students(session: Session, p: Principal, doc: m.Round, ids: IdMode,
                      schools: dict[str, School], errors: ImportErrors) -> _Students:
    out = _Students()
    if ids == "database":
        wanted = [decimal_id(s.id) for s in doc.students]
        stored = {row.id: row for row in session.scalars(select(Student).where(
            Student.id.in_([w for w in wanted if w is not None])))} if doc.students else {}
        for i, (s, ident) in enumerate(zip(doc.students, wanted, strict=True)):
            row = stored.get(ident) if ident is not None else None
            if row is None or row.school_id != schools[s.school_id].id:
                errors.add(f"students[{i}].id", f"no student {s.id!r} at school "
                                                f"{s.school_id!r}")
            else:
                out.matched.append((s.id, row.id))
        return out
    existing = existing_students(session, ((schools[s.school_id].id, s.id)
                                            for s in doc.students))
    for i, s in enumerate(doc.students):
        school = schools[s.school_id]
        values = {
            "school_id": school.id, "student_number": s.id, "level": s.level,
            "pathways": list(s.pathways), "qualification": s.qualification,
            "sector": s.sector, "regions": list(s.regions),
            "location": None if s.location is None else {"lat": s.location.lat,
                                                         "lon": s.location.lon},
            "max_travel_km": s.max_travel_km, "priority": s.priority,
            "available_from": s.available_from, "available_until": s.available_until}
        for name, message in student_rule_errors(values):
            errors.add(f"students[{i}].{name}", message)
        if p.region is not None and p.region not in s.regions:
            errors.add(f"students[{i}].regions", f"must include {p.region}")
        ident = existing.get((school.id, s.id))
        if ident is None:
            out.new.append((s.id, values))
        else:
            out.changed.append((ident, values))
            out.changed_index.append(i)
    return out


def _write_environments(session: Session, doc: m.Round,
                        company_ids: dict[str, int]) -> dict[str, int]:
    """New environments for the round, with the companies of their offers as partners."""
    partners: dict[str, set[int]] = {}
    for o in doc.offers:
        if o.environment_id is not None:
            partners.setdefault(o.environment_id, set()).add(company_ids[o.company_id])
    created = [Environment(name=e.name or e.id, capacity=e.capacity)
               for e in doc.environments]
    session.add_all(created)
    session.flush()
    env_ids = {e.id: env.id for e, env in zip(doc.environments, created, strict=True)}
    links = [{"environment_id": env_ids[ref], "company_id": c}
             for ref, companies in partners.items() for c in sorted(companies)]
    insert_rows(session, environment_partners, links)
    return env_ids
