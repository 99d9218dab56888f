"""Bulk writes: a round document into the database, and students or offers by the thousand.

Everything is checked before anything is written, and every problem is reported with where it
is (the document's field path, or the row and column of an upload), so one attempt is enough
to fix a file. The writes then run as bulk INSERTs inside the caller's single transaction: an
import lands whole or not at all.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import marshmallow as ma
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from solver import model as m
from solver.document import DocumentError, parse_round

from .audit import record_bulk
from .auth import Principal
from .bulk import chunks, insert_returning_ids, insert_rows
from .errors import Problem
from .models import (
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
    StudentRegion,
    environment_partners,
    levels_to_mask,
    pathways_to_mask,
)
from .records import offer_rule_errors, student_rule_errors
from .rounds import create_round, participants

MAX_ERRORS = 100  # enough to fix a file in one go without drowning the reader
MAX_ROWS = 200_000
IdMode = Literal["external", "database"]
# A company named by its KvK number: "12345678" or "kvk-12345678" (as generated rounds do).
_KVK_ID = re.compile(r"^(?:kvk-?)?([0-9]{8})$", re.IGNORECASE)
_DECIMAL = re.compile(r"^[1-9][0-9]{0,17}$")


class _Errors:
    """Field errors gathered over a whole upload, answered together as one problem."""

    def __init__(self, location: str = "json") -> None:
        self.items: list[dict[str, str]] = []
        self.location = location

    def add(self, path: str, message: str) -> None:
        if len(self.items) < MAX_ERRORS:
            self.items.append({"field": path, "location": self.location, "message": message})

    def raise_if_any(self, detail: str, status: int = 422) -> None:
        if self.items:
            shown = "; ".join(f"{e['field']}: {e['message']}" for e in self.items[:3])
            raise Problem(status, f"{detail}: {shown}", self.items)


def _decimal_id(text: str) -> int | None:
    return int(text) if _DECIMAL.match(text) else None


# Uploads: a JSON array, or CSV with a header row ------------------------------------------

# Columns holding lists: in CSV their items are separated by ";".
LIST_COLUMNS = {"levels", "pathways", "qualifications", "regions", "partner_ids"}


@dataclass(frozen=True)
class Upload:
    """Raw rows, and how to name row ``i`` in an error (JSON index or CSV line number)."""

    rows: list[dict[str, Any]]
    labels: list[str]
    location: str


def parse_upload(body: bytes, content_type: str) -> Upload:
    """An upload's rows; 400 for a body that is not the JSON array or CSV it claims to be."""
    mimetype = content_type.split(";")[0].strip().lower()
    if mimetype == "text/csv":
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise Problem(400, f"the CSV is not UTF-8: {exc}") from None
        try:
            return _csv_rows(text)
        except csv.Error as exc:  # e.g. a bare carriage return inside an unquoted cell
            raise Problem(400, f"the body is not valid CSV: {exc}") from None
    if mimetype in ("application/json", ""):
        try:
            data = json.loads(body or b"null")
        except ValueError as exc:
            raise Problem(400, f"the body is not JSON: {exc}") from None
        if not isinstance(data, list):
            raise Problem(422, "the body must be a JSON array of records",
                          [{"field": "_schema", "location": "json",
                            "message": "must be an array"}])
        if len(data) > MAX_ROWS:
            raise Problem(413, f"at most {MAX_ROWS} records per upload")
        return Upload(data, [str(i) for i in range(len(data))], "json")
    raise Problem(415, f"send application/json or text/csv, not {mimetype!r}")


def _csv_rows(text: str) -> Upload:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise Problem(422, "the CSV has no header row",
                      [{"field": "line.1", "location": "body", "message": "header expected"}])
    rows: list[dict[str, Any]] = []
    labels: list[str] = []
    for record in reader:
        if None in record:  # more cells than header columns
            raise Problem(422, f"line {reader.line_num} has more cells than the header",
                          [{"field": f"line.{reader.line_num}", "location": "body",
                            "message": "more cells than header columns"}])
        row: dict[str, Any] = {}
        for key, value in record.items():
            value = (value or "").strip()
            if value == "":
                continue  # an empty cell is a missing value: the field's default applies
            if key in ("lat", "lon"):
                row.setdefault("location", {})[key] = value
            elif key in LIST_COLUMNS:
                row[key] = [item.strip() for item in value.split(";") if item.strip()]
            else:
                row[key] = value
        rows.append(row)
        labels.append(f"line.{reader.line_num}")
        if len(rows) > MAX_ROWS:
            raise Problem(413, f"at most {MAX_ROWS} records per upload")
    return Upload(rows, labels, "body")


def _load_rows(schema: ma.Schema, upload: Upload, errors: _Errors
               ) -> list[tuple[int, dict[str, Any]]]:
    """Each row through the schema; the valid ones back with their index."""
    valid: list[tuple[int, dict[str, Any]]] = []
    for i, row in enumerate(upload.rows):
        if not isinstance(row, dict):
            errors.add(upload.labels[i], "must be an object")
            continue
        try:
            valid.append((i, schema.load(row)))
        except ma.ValidationError as exc:
            from .errors import flatten

            for e in flatten(exc.messages, upload.location, upload.labels[i]):
                errors.add(e["field"], e["message"])
    return valid


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    ids: list[int] = field(default_factory=list)


def _student_columns(data: dict[str, Any]) -> dict[str, Any]:
    """A validated student's values as column values (masks and coordinates spelled out)."""
    location = data.get("location")
    row = {k: v for k, v in data.items() if k not in ("pathways", "regions", "location")}
    row["pathway_mask"] = pathways_to_mask(data["pathways"])
    row["lat"], row["lon"] = (None, None) if location is None else (location["lat"],
                                                                     location["lon"])
    return row


def _region_rows(student_id: int, regions: Sequence[str]) -> list[dict[str, Any]]:
    return [{"student_id": student_id, "region": r, "position": i}
            for i, r in enumerate(dict.fromkeys(regions))]


def _write_students(session: Session, new: list[dict[str, Any]],
                    changed: list[tuple[int, dict[str, Any]]]) -> list[int]:
    """Insert ``new`` and overwrite ``changed`` (id, values); ids of the new ones in order."""
    ids = insert_returning_ids(session, Student, [_student_columns(d) for d in new])
    if changed:
        session.execute(update(Student), [{"id": sid, **_student_columns(d)}
                                          for sid, d in changed])
        session.execute(delete(StudentRegion).where(
            StudentRegion.student_id.in_([sid for sid, _ in changed])))
    regions = [r for sid, d in [*zip(ids, new, strict=True), *changed]
               for r in _region_rows(sid, d["regions"])]
    insert_rows(session, StudentRegion, regions)
    return ids


def _existing_students(session: Session, keys: Iterable[tuple[int, str]]
                       ) -> dict[tuple[int, str], int]:
    """Stored students' ids by (school id, student number), one query per school and chunk."""
    by_school: dict[int, list[str]] = {}
    for school_id, number in keys:
        by_school.setdefault(school_id, []).append(number)
    found: dict[tuple[int, str], int] = {}
    for school_id, numbers in by_school.items():
        for chunk in chunks(numbers):
            found.update(((school_id, n), ident) for ident, n in session.execute(
                select(Student.id, Student.student_number).where(
                    Student.school_id == school_id, Student.student_number.in_(chunk))))
    return found


def import_students(session: Session, p: Principal, upload: Upload,
                    on_conflict: Literal["error", "update"]) -> ImportSummary:
    """Students from an upload, checked row by row; ``update`` overwrites known numbers."""
    from .schemas import StudentSchema

    p.require(*STAFF)
    errors = _Errors(upload.location)
    rows = _load_rows(StudentSchema(), upload, errors)
    schools = {s.id for s in session.scalars(select(School))}
    forbidden = _Errors(upload.location)
    seen: dict[tuple[int, str], str] = {}
    for i, data in rows:
        label = upload.labels[i]
        if p.school_id is not None and data["school_id"] != p.school_id:
            forbidden.add(f"{label}.school_id", "must be the token's own school")
        if p.region is not None and p.region not in data["regions"]:
            forbidden.add(f"{label}.regions", f"must include {p.region}")
        if data["school_id"] not in schools:
            errors.add(f"{label}.school_id", f"no school with id {data['school_id']}")
        for name, message in student_rule_errors(data):
            errors.add(f"{label}.{name}", message)
        key = (data["school_id"], data["student_number"])
        if key in seen:
            errors.add(f"{label}.student_number", f"repeats {seen[key]}")
        seen.setdefault(key, label)
    forbidden.raise_if_any("rows outside the token's scope", 403)
    existing = _existing_students(session, ((d["school_id"], d["student_number"])
                                            for _, d in rows))
    if on_conflict == "error":
        for i, data in rows:
            if (key := (data["school_id"], data["student_number"])) in existing:
                errors.add(f"{upload.labels[i]}.student_number",
                           f"student {existing[key]} of this school has this number "
                           "(on_conflict=update overwrites it)")
    errors.raise_if_any("the upload was not imported")
    new = [d for _, d in rows if (d["school_id"], d["student_number"]) not in existing]
    changed = [(existing[(d["school_id"], d["student_number"])], d) for _, d in rows
               if (d["school_id"], d["student_number"]) in existing]
    created = _write_students(session, new, changed)
    by_key = dict(zip([(d["school_id"], d["student_number"]) for d in new], created,
                      strict=True)) | existing
    school_ids = {d["school_id"] for _, d in rows}
    record_bulk(session, p, "student.import", "student",
                {"created": len(new), "updated": len(changed)},
                school_id=school_ids.pop() if len(school_ids) == 1 else None,
                region=p.region)
    return ImportSummary(len(new), len(changed),
                         [by_key[(d["school_id"], d["student_number"])] for _, d in rows])


def _offer_columns(data: dict[str, Any]) -> dict[str, Any]:
    location = data.get("location")
    row = {k: v for k, v in data.items() if k not in ("levels", "pathways", "location")}
    row["level_mask"] = levels_to_mask(data["levels"])
    row["pathway_mask"] = pathways_to_mask(data["pathways"])
    row["lat"], row["lon"] = (None, None) if location is None else (location["lat"],
                                                                     location["lon"])
    return row


def import_offers(session: Session, p: Principal, upload: Upload) -> ImportSummary:
    """Offers from an upload; a company token's rows default to, and must be, its own."""
    from .schemas import OfferSchema

    p.require(*STAFF, Role.COMPANY)
    errors = _Errors(upload.location)
    rows = _load_rows(OfferSchema(), upload, errors)
    forbidden = _Errors(upload.location)
    for i, data in rows:
        if p.role == Role.COMPANY:
            data.setdefault("company_id", p.company_id)
            if data["company_id"] != p.company_id:
                forbidden.add(f"{upload.labels[i]}.company_id",
                              "must be the token's own company")
    forbidden.raise_if_any("rows outside the token's scope", 403)
    companies = _by_id(session, Company, {d.get("company_id") for _, d in rows})
    rounds = _by_id(session, Round, {d.get("round_id") for _, d in rows})
    environments = _by_id(session, Environment, {d.get("environment_id") for _, d in rows})
    for i, data in rows:
        label = upload.labels[i]
        company = companies.get(data.get("company_id", 0))
        if "company_id" not in data:
            errors.add(f"{label}.company_id", "is required")
        elif company is None:
            errors.add(f"{label}.company_id", f"no company with id {data['company_id']}")
        for key, known in (("round_id", rounds), ("environment_id", environments)):
            if data.get(key) is not None and data[key] not in known:
                errors.add(f"{label}.{key}", f"no {key[:-3]} with id {data[key]}")
        if company is not None:
            for name, message in offer_rule_errors(data, company.qualifications):
                errors.add(f"{label}.{name}", message)
    errors.raise_if_any("the upload was not imported")
    ids = insert_returning_ids(session, Offer, [_offer_columns(d) for _, d in rows])
    round_ids = {d.get("round_id") for _, d in rows}
    record_bulk(session, p, "offer.import", "offer", {"created": len(ids)},
                round_id=round_ids.pop() if len(round_ids) == 1 else None)
    return ImportSummary(len(ids), 0, ids)


def _by_id(session: Session, model: Any, ids: Iterable[Any]) -> dict[int, Any]:
    wanted = [i for i in ids if isinstance(i, int)]
    if not wanted:
        return {}
    return {obj.id: obj for obj in session.scalars(select(model).where(model.id.in_(wanted)))}


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


def _too_long(errors: _Errors, path: str, name: str, value: str | None) -> None:
    if value is not None and len(value) > _WIDTHS[name]:
        errors.add(path, f"at most {_WIDTHS[name]} characters")


def import_round(session: Session, p: Principal, data: Any, ids: IdMode = "external",
                 school_id: int | None = None, region: str | None = None) -> RoundImport:
    """Create a round, its offers, environments and preferences from a round document.

    ``ids="external"``: schools are named by code, companies by KvK number (unknown ones are
    registered, recognised for the qualifications their offers name), students by their
    number within their school (created, or updated to the document's values).
    ``ids="database"``: the ids are this database's, as ``GET /rounds/{id}/export`` writes
    them, and must all exist. Offers and environments are always created for the new round.
    """
    p.require(*STAFF)
    try:
        doc = parse_round(data)
    except DocumentError as exc:
        raise Problem(422, str(exc), [{"field": e.path, "location": "json",
                                       "message": e.message} for e in exc.errors]) from None
    errors = _Errors()
    if doc.company_rankings:
        errors.add("company_rankings", "the service does not store company rankings; "
                                       "solve such a round with `leerplek solve`")
    policy = {k: getattr(doc.policy, k) for k in m.POLICY_FIELDS}
    _too_long(errors, "round.name", "name", doc.name or doc.id)
    schools = _resolve_schools(session, p, doc, ids, errors)
    companies, new_companies = _resolve_companies(session, doc, ids, errors)
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

    summary = RoundImport(rnd, companies_created=new_companies)
    company_ids = {ref: c.id for ref, c in companies.items()}
    session.flush()
    env_ids = _write_environments(session, doc, company_ids)
    offer_ids = insert_returning_ids(session, Offer, [_offer_columns({
            "company_id": company_ids[o.company_id], "round_id": rnd.id,
            "environment_id": env_ids.get(o.environment_id or ""), "title": o.title,
            "levels": list(o.levels), "pathways": list(o.pathways),
            "qualifications": list(o.qualifications), "sector": o.sector, "region": o.region,
            "location": None if o.location is None else {"lat": o.location.lat,
                                                          "lon": o.location.lon},
            "capacity": o.capacity, "reserved_priority": o.reserved_priority,
            "start": o.start, "end": o.end, "status": OfferStatus.OPEN.value})
        for o in doc.offers])
    by_offer = dict(zip([o.id for o in doc.offers], offer_ids, strict=True))
    new_students, changed = student_ids.new, student_ids.changed
    created = _write_students(session, [d for _, d in new_students], changed)
    sid = dict(student_ids.matched)
    sid.update(zip([ref for ref, _ in new_students], created, strict=True))
    sid.update((doc.students[i].id, db_id) for i, (db_id, _) in
               zip(student_ids.changed_index, changed, strict=True))
    _check_membership(session, rnd, doc, sid)
    prefs = [{"round_id": rnd.id, "student_id": sid[s.id], "offer_id": by_offer[ref],
              "rank": j + 1} for s, refs in zip(doc.students, ranked, strict=True)
             for j, ref in enumerate(refs)]
    insert_rows(session, Preference, prefs)
    rank_of = {(s.id, ref): j + 1 for s, refs in zip(doc.students, ranked, strict=True)
               for j, ref in enumerate(refs)}
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


def _clean_preferences(doc: m.Round) -> tuple[list[list[str]], list[dict[str, str]]]:
    """Each student's list as it can be stored: repeated and unknown entries dropped.

    The engine skips such entries with a warning, and so does the import: the stored list
    is what the student effectively ranked, renumbered without the gaps.
    """
    offers = {o.id for o in doc.offers}
    ranked: list[list[str]] = []
    warnings: list[dict[str, str]] = []
    for i, s in enumerate(doc.students):
        kept: list[str] = []
        for j, ref in enumerate(s.preferences):
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
                     errors: _Errors) -> dict[str, School]:
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
        ident = _decimal_id(ref)
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
    from seeds.generator import load_reference

    schools = load_reference()["schools"]
    return {s["id"]: {"code": s["id"], "name": s["name"], "region": s["regions"][0]}
            for s in schools}


def _resolve_companies(session: Session, doc: m.Round, ids: IdMode, errors: _Errors
                       ) -> tuple[dict[str, Company], int]:
    """The document's company ids as companies, and how many were registered here."""
    offers_of: dict[str, list[int]] = {}
    for i, o in enumerate(doc.offers):
        offers_of.setdefault(o.company_id, []).append(i)
    kvk = {ref: mt.group(1) for ref in offers_of
           if ids == "external" and (mt := _KVK_ID.match(ref))}
    known = {c.kvk_number: c for c in session.scalars(
        select(Company).where(Company.kvk_number.in_(set(kvk.values()))))} if kvk else {}
    found: dict[str, Company] = {}
    created = 0
    for ref, indexes in offers_of.items():
        company = known.get(kvk.get(ref, ""))
        ident = _decimal_id(ref)
        if company is None and ident is not None and ref not in kvk:
            company = session.get(Company, ident)
        if company is None and ref in kvk:
            offers = [doc.offers[i] for i in indexes]
            company = Company(
                name=f"Leerbedrijf {kvk[ref]}", kvk_number=kvk[ref],
                qualifications=sorted({q for o in offers for q in o.qualifications}),
                region=Counter(o.region for o in offers).most_common(1)[0][0])
            known[kvk[ref]] = company
            session.add(company)
            created += 1
        if company is None:
            how = ("an existing company id" if ids == "database"
                   else "a KvK number (8 digits, or kvk-<8 digits>) or an existing company id")
            errors.add(f"offers[{indexes[0]}].company_id",
                       f"unknown company {ref!r}: expected {how}")
            continue
        found[ref] = company
        recognised = set(company.qualifications)
        for i in indexes:
            missing = sorted(set(doc.offers[i].qualifications) - recognised)
            if missing:
                errors.add(f"offers[{i}].qualifications",
                           "the company is not recognised (erkend) for " + ", ".join(missing))
    return found, created


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
    errors = _Errors()
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
                      schools: dict[str, School], errors: _Errors) -> _Students:
    out = _Students()
    if ids == "database":
        wanted = [_decimal_id(s.id) for s in doc.students]
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
    existing = _existing_students(session, ((schools[s.school_id].id, s.id)
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
