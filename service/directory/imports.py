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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import marshmallow as ma
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from service.audit.log import record_bulk
from service.bulk import among, chunks, insert_returning_ids, insert_rows
from service.directory.offers import offer_rule_errors
from service.directory.places import PlacePoints, settled_location
from service.directory.reference import load_reference, record_errors
from service.directory.students import student_rule_errors
from service.errors import Problem, flatten
from service.identity.principals import Principal
from service.models import (
    Company,
    Environment,
    Offer,
    OfferStatus,
    Role,
    Round,
    School,
    Student,
    StudentRegion,
    levels_to_mask,
    pathways_to_mask,
)
from service.schemas import OfferSchema, StudentSchema, typed_text
from service.webhooks import events as webhook_events

MAX_ERRORS = 100  # enough to fix a file in one go without drowning the reader
MAX_ROWS = 200_000
IdMode = Literal["external", "database"]
# A company named by its KvK number: "12345678" or "kvk-12345678" (as generated rounds do).
KVK_ID = re.compile(r"^(?:kvk-?)?([0-9]{8})$", re.IGNORECASE)
_DECIMAL = re.compile(r"^[1-9][0-9]{0,17}$")


class ImportErrors:
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


def decimal_id(text: str) -> int | None:
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


# The body types of an upload (a view's ``body_types``: others are 415 before it runs).
UPLOAD_TYPES = ("application/json", "text/csv")


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


def _load_rows(schema: ma.Schema, upload: Upload, errors: ImportErrors
               ) -> list[tuple[int, dict[str, Any]]]:
    """Each row through the schema; the valid ones back with their index."""
    valid: list[tuple[int, dict[str, Any]]] = []
    for i, row in enumerate(upload.rows):
        if not isinstance(row, dict):
            errors.add(upload.labels[i], "must be an object")
            continue
        if upload.location == "body":
            row = typed_text(schema, row)
        try:
            valid.append((i, schema.load(row)))
        except ma.ValidationError as exc:
            for e in flatten(exc.messages, upload.location, upload.labels[i]):
                errors.add(e["field"], e["message"])
    return valid


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    ids: list[int] = field(default_factory=list)


def _student_columns(data: dict[str, Any], points: PlacePoints) -> dict[str, Any]:
    """A validated student's values as column values (masks and coordinates spelled out); an
    upload's row is the whole record, so a row without coordinates is put at its home place."""
    location = settled_location(points, data.get("home_place"), data["regions"],
                                data.get("location"), given=data.get("location") is not None)
    row = {k: v for k, v in data.items() if k not in ("pathways", "regions", "location")}
    row["pathway_mask"] = pathways_to_mask(data["pathways"])
    row["lat"], row["lon"] = (None, None) if location is None else (location["lat"],
                                                                     location["lon"])
    return row


def _region_rows(student_id: int, regions: Sequence[str]) -> list[dict[str, Any]]:
    return [{"student_id": student_id, "region": r, "position": i}
            for i, r in enumerate(dict.fromkeys(regions))]


def write_students(session: Session, new: list[dict[str, Any]],
                    changed: list[tuple[int, dict[str, Any]]]) -> list[int]:
    """Insert ``new`` and overwrite ``changed`` (id, values); ids of the new ones in order."""
    points = PlacePoints.load(session, [d.get("home_place") for d in
                                        [*new, *(d for _, d in changed)]])
    ids = insert_returning_ids(session, Student, [_student_columns(d, points) for d in new])
    if changed:
        session.execute(update(Student), [{"id": sid, **_student_columns(d, points)}
                                          for sid, d in changed])
        session.execute(delete(StudentRegion).where(
            StudentRegion.student_id.in_([sid for sid, _ in changed])))
    regions = [r for sid, d in [*zip(ids, new, strict=True), *changed]
               for r in _region_rows(sid, d["regions"])]
    insert_rows(session, StudentRegion, regions)
    return ids


def existing_students(session: Session, keys: Iterable[tuple[int, str]]
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
                    Student.school_id == school_id,
                    among(session, Student.student_number, chunk))))
    return found


def import_students(session: Session, p: Principal, upload: Upload,
                    on_conflict: Literal["error", "update"]) -> ImportSummary:
    """Students from an upload, checked row by row; ``update`` overwrites known numbers."""
    p.require(Role.ADMIN, Role.COORDINATOR)
    errors = ImportErrors(upload.location)
    rows = _load_rows(StudentSchema(), upload, errors)
    ref = load_reference(session)
    schools = {s.id for s in session.scalars(select(School))}
    forbidden = ImportErrors(upload.location)
    seen: dict[tuple[int, str], str] = {}
    for i, data in rows:
        label = upload.labels[i]
        if p.school_id is not None and data["school_id"] != p.school_id:
            forbidden.add(f"{label}.school_id", "must be the token's own school")
        if p.region is not None and p.region not in data["regions"]:
            forbidden.add(f"{label}.regions", f"must include {p.region}")
        if data["school_id"] not in schools:
            errors.add(f"{label}.school_id", f"no school with id {data['school_id']}")
        for name, message in [*student_rule_errors(data), *record_errors(ref, data)]:
            errors.add(f"{label}.{name}", message)
        key = (data["school_id"], data["student_number"])
        if key in seen:
            errors.add(f"{label}.student_number", f"repeats {seen[key]}")
        seen.setdefault(key, label)
    forbidden.raise_if_any("rows outside the token's scope", 403)
    existing = existing_students(session, ((d["school_id"], d["student_number"])
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
    created = write_students(session, new, changed)
    by_key = dict(zip([(d["school_id"], d["student_number"]) for d in new], created,
                      strict=True)) | existing
    school_ids = {d["school_id"] for _, d in rows}
    record_bulk(session, p, "student.import", "student",
                {"created": len(new), "updated": len(changed)},
                school_id=school_ids.pop() if len(school_ids) == 1 else None,
                region=p.region)
    return ImportSummary(len(new), len(changed),
                         [by_key[(d["school_id"], d["student_number"])] for _, d in rows])


def offer_rows(session: Session, offers: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Validated offers as column values, each located by the one rule (``settled_location``):
    a row without coordinates is put at its place."""
    points = PlacePoints.load(session, [d.get("place") for d in offers])
    return [_offer_columns(d, points) for d in offers]


def _offer_columns(data: dict[str, Any], points: PlacePoints) -> dict[str, Any]:
    location = settled_location(points, data.get("place"), [data["region"]],
                                data.get("location"), given=data.get("location") is not None)
    row = {k: v for k, v in data.items() if k not in ("levels", "pathways", "location")}
    row["level_mask"] = levels_to_mask(data["levels"])
    row["pathway_mask"] = pathways_to_mask(data["pathways"])
    row["lat"], row["lon"] = (None, None) if location is None else (location["lat"],
                                                                     location["lon"])
    return row


def import_offers(session: Session, p: Principal, upload: Upload) -> ImportSummary:
    """Offers from an upload; a company token's rows default to, and must be, its own."""
    p.require(Role.ADMIN, Role.COORDINATOR, Role.COMPANY)
    errors = ImportErrors(upload.location)
    rows = _load_rows(OfferSchema(), upload, errors)
    forbidden = ImportErrors(upload.location)
    for i, data in rows:
        if p.role == Role.COMPANY:
            data.setdefault("company_id", p.company_id)
            if data["company_id"] != p.company_id:
                forbidden.add(f"{upload.labels[i]}.company_id",
                              "must be the token's own company")
    forbidden.raise_if_any("rows outside the token's scope", 403)
    ref = load_reference(session)
    companies = by_id(session, Company, {d.get("company_id") for _, d in rows})
    rounds = by_id(session, Round, {d.get("round_id") for _, d in rows})
    environments = by_id(session, Environment, {d.get("environment_id") for _, d in rows})
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
        for name, message in record_errors(ref, data):
            errors.add(f"{label}.{name}", message)
    errors.raise_if_any("the upload was not imported")
    ids = insert_returning_ids(session, Offer, offer_rows(session, [d for _, d in rows]))
    round_ids = {d.get("round_id") for _, d in rows}
    record_bulk(session, p, "offer.import", "offer", {"created": len(ids)},
                round_id=round_ids.pop() if len(round_ids) == 1 else None)
    listed: dict[int, tuple[int, int]] = {}
    for _, data in rows:
        if data.get("status") == OfferStatus.OPEN:
            offers, seats = listed.get(data["company_id"], (0, 0))
            listed[data["company_id"]] = (offers + 1, seats + data["capacity"])
    for company_id, (offers, seats) in listed.items():
        webhook_events.offers_listed(session, company_id, offers, seats)
    return ImportSummary(len(ids), 0, ids)


def by_id(session: Session, model: Any, ids: Iterable[Any]) -> dict[int, Any]:
    wanted = [i for i in ids if isinstance(i, int)]
    if not wanted:
        return {}
    return {obj.id: obj for obj in session.scalars(select(model).where(model.id.in_(wanted)))}
