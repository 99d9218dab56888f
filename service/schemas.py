"""Marshmallow schemas: request validation, response shape and the OpenAPI document at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from solver.model import (
    OBJECTIVES,
    PATHWAYS,
    POLICY_DEFAULTS,
    POLICY_FIELDS,
    POLICY_LIMITS,
)

from .models import MAX_ID, AssignmentStatus, OfferStatus, Role, RoundStatus

# [0-9], not \d (which admits other scripts' digits); the length check rules out the trailing
# newline that "$" tolerates, and both travel into the OpenAPI document as pattern and length.
_KVK_ERROR = "must be a KvK number of exactly 8 digits"
_CREBO_ERROR = "must be a qualification (crebo) code of 5 digits"
KVK = [validate.Regexp(r"^[0-9]{8}$", error=_KVK_ERROR),
       validate.Length(equal=8, error=_KVK_ERROR)]
CREBO = [validate.Regexp(r"^[0-9]{5}$", error=_CREBO_ERROR),
         validate.Length(equal=5, error=_CREBO_ERROR)]
NAME = validate.Length(min=1, max=200)
LABEL = validate.Length(min=1, max=80)
LEVEL = validate.Range(min=1, max=4)
PATHWAY = validate.OneOf(PATHWAYS)
# Every id a client sends names a row: 1 to PostgreSQL's integer maximum. Larger numbers
# would overflow the database driver (a 500) before any lookup could answer 404 or 422.
ID = validate.Range(min=1, max=MAX_ID)
# Seat counts are stored as integers too; no real placement has more than this many.
SEATS = validate.Range(min=0, max=100_000)


class UtcDateTime(fields.DateTime):
    """ISO 8601 with an explicit UTC offset, also for SQLite's naive timestamps."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class LocationSchema(ma.Schema):
    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(required=True, validate=validate.Range(min=-180, max=180))


class SchoolSchema(ma.Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=NAME)
    code = fields.String(required=True, validate=validate.Length(min=1, max=40),
                         metadata={"description": "BRIN or short code, unique"})
    region = fields.String(required=True, validate=LABEL)
    size = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0),
                          metadata={"description": "approximate number of students"})
    main_place = fields.String(load_default=None, allow_none=True, validate=LABEL)


class CompanySchema(ma.Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=NAME)
    kvk_number = fields.String(required=True, validate=KVK)
    qualifications = fields.List(
        fields.String(validate=CREBO), load_default=list,
        metadata={"description": "crebo codes the company is recognised (erkend) for"})
    region = fields.String(load_default=None, allow_none=True, validate=LABEL)


class EnvironmentSchema(ma.Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=NAME)
    capacity = fields.Integer(required=True, validate=SEATS,
                              metadata={"description": "students over all partners' offers"})
    region = fields.String(load_default=None, allow_none=True, validate=LABEL)
    partner_ids = fields.List(fields.Integer(validate=ID), load_default=list,
                              metadata={"description": "ids of the partner companies"})


class EnvironmentQuerySchema(ma.Schema):
    region = fields.String()


def policy_fields(defaults: bool) -> dict[str, fields.Field[Any]]:
    """The policy's fields with their allowed values (and, if ``defaults``, their defaults),
    all as ``solver.model`` defines them."""
    made: dict[str, fields.Field[Any]] = {}
    for name in POLICY_FIELDS:
        default = getattr(POLICY_DEFAULTS, name)
        extra: dict[str, Any] = {"load_default": default} if defaults else {}
        if name == "objective":
            made[name] = fields.String(validate=validate.OneOf(OBJECTIVES), **extra)
        elif isinstance(default, bool):
            made[name] = fields.Boolean(**extra)
        else:
            low, high = POLICY_LIMITS[name]
            kind = fields.Integer if isinstance(default, int) else fields.Float
            made[name] = kind(validate=validate.Range(min=low, max=high), **extra)
    return made


class _RoundTenant(ma.Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=NAME)
    school_id = fields.Integer(validate=ID, load_default=None, allow_none=True,
                               metadata={"description": "set from a coordinator's token"})
    region = fields.String(load_default=None, allow_none=True, validate=LABEL)
    status = fields.String(dump_only=True)


RoundSchema = _RoundTenant.from_dict(policy_fields(defaults=True), name="RoundSchema")


class RoundQuerySchema(ma.Schema):
    status = fields.String(validate=validate.OneOf([s.value for s in RoundStatus]))
    region = fields.String()
    school_id = fields.Integer(validate=ID)


class PreferencesSchema(ma.Schema):
    round_id = fields.Integer(dump_only=True)
    student_id = fields.Integer(dump_only=True)
    offers = fields.List(fields.Integer(validate=ID), required=True,
                         metadata={"description": "offer ids, best first"})


class AssignmentSchema(ma.Schema):
    id = fields.Integer(dump_only=True)
    round_id = fields.Integer(dump_only=True)
    student_id = fields.Integer(dump_only=True)
    offer_id = fields.Integer(dump_only=True)
    rank = fields.Integer(dump_only=True, allow_none=True,
                          metadata={"description": "null for an unranked placement"})
    pinned = fields.Boolean(dump_only=True)
    status = fields.String(dump_only=True)


class ReportSchema(ma.Schema):
    """The last allocation's explanation: statistics, unplaced reasons, shortage cells."""

    status = fields.String()
    proven = fields.Boolean()
    message = fields.String()
    warnings = fields.Integer()
    stats = fields.Dict(keys=fields.String())
    unassigned = fields.List(fields.Dict(keys=fields.String()))
    shortage = fields.List(fields.Dict(keys=fields.String()))


class OfferSchema(ma.Schema):
    id = fields.Integer(dump_only=True)
    company_id = fields.Integer(validate=ID,
                                metadata={"description": "defaults to a company token's own"})
    round_id = fields.Integer(validate=ID, load_default=None, allow_none=True)
    environment_id = fields.Integer(validate=ID, load_default=None, allow_none=True)
    title = fields.String(load_default="", validate=validate.Length(max=200))
    levels = fields.List(fields.Integer(validate=LEVEL), required=True,
                         validate=validate.Length(min=1, max=4))
    pathways = fields.List(fields.String(validate=PATHWAY), required=True,
                           validate=validate.Length(min=1, max=3))
    qualifications = fields.List(fields.String(validate=CREBO), load_default=list)
    sector = fields.String(required=True, validate=LABEL)
    region = fields.String(required=True, validate=LABEL)
    location = fields.Nested(LocationSchema, load_default=None, allow_none=True)
    capacity = fields.Integer(required=True, validate=SEATS)
    reserved_priority = fields.Integer(load_default=0, validate=SEATS)
    start = fields.Date(load_default=None, allow_none=True)
    end = fields.Date(load_default=None, allow_none=True)
    status = fields.String(load_default=OfferStatus.DRAFT.value,
                           validate=validate.OneOf([s.value for s in OfferStatus]))


class StudentSchema(ma.Schema):
    id = fields.Integer(dump_only=True)
    school_id = fields.Integer(validate=ID, required=True)
    student_number = fields.String(
        required=True, validate=validate.Length(min=1, max=40),
        metadata={"description": "pseudonymous number, unique within the school; never a name"})
    level = fields.Integer(required=True, validate=LEVEL)
    pathways = fields.List(fields.String(validate=PATHWAY), required=True,
                           validate=validate.Length(min=1, max=3))
    qualification = fields.String(load_default=None, allow_none=True, validate=CREBO)
    sector = fields.String(required=True, validate=LABEL)
    regions = fields.List(fields.String(validate=LABEL), required=True,
                          validate=validate.Length(min=1, max=20))
    home_place = fields.String(load_default=None, allow_none=True, validate=LABEL)
    location = fields.Nested(LocationSchema, load_default=None, allow_none=True)
    max_travel_km = fields.Float(load_default=None, allow_none=True,
                                 validate=validate.Range(min=0, max=50_000))
    priority = fields.Boolean(
        load_default=False,
        metadata={"description": "placed first; set and seen by coordinators and admins only"})
    available_from = fields.Date(load_default=None, allow_none=True)
    available_until = fields.Date(load_default=None, allow_none=True)


class AssignmentQuerySchema(ma.Schema):
    status = fields.String(validate=validate.OneOf([s.value for s in AssignmentStatus]))
    round_id = fields.Integer(validate=ID)
    offer_id = fields.Integer(validate=ID)
    student_id = fields.Integer(validate=ID)


class OfferQuerySchema(ma.Schema):
    q = fields.String(validate=validate.Length(min=1, max=200),
                      metadata={"description": "words the title contains, any case"})
    region = fields.String()
    sector = fields.String()
    level = fields.Integer(validate=LEVEL)
    pathway = fields.String(validate=PATHWAY)
    status = fields.String(validate=validate.OneOf([s.value for s in OfferStatus]))
    company_id = fields.Integer(validate=ID)
    round_id = fields.Integer(validate=ID)
    environment_id = fields.Integer(validate=ID)


class StudentQuerySchema(ma.Schema):
    region = fields.String()
    sector = fields.String()
    level = fields.Integer(validate=LEVEL)
    pathway = fields.String(validate=PATHWAY)
    school_id = fields.Integer(validate=ID)
    student_number = fields.String()


class CompanyQuerySchema(ma.Schema):
    region = fields.String()
    kvk_number = fields.String()
    q = fields.String(validate=validate.Length(min=1, max=200),
                      metadata={"description": "words the name contains, any case"})


class SchoolQuerySchema(ma.Schema):
    region = fields.String()
    code = fields.String()


class HealthSchema(ma.Schema):
    status = fields.String()
    checks = fields.Dict(keys=fields.String(), values=fields.String())


class ImportQuerySchema(ma.Schema):
    on_conflict = fields.String(
        load_default="error", validate=validate.OneOf(["error", "update"]),
        metadata={"description": "a student number the school already has: report it "
                                 "(error) or overwrite that student (update)"})


class ImportSummarySchema(ma.Schema):
    created = fields.Integer()
    updated = fields.Integer()
    ids = fields.List(fields.Integer(), metadata={"description": "one id per row, in order"})


class RoundImportQuerySchema(ma.Schema):
    ids = fields.String(
        load_default="external", validate=validate.OneOf(["external", "database"]),
        metadata={"description": "external: schools by code, companies by KvK number, "
                                 "students by number; database: ids as export writes them"})
    school_id = fields.Integer(validate=ID,
                               metadata={"description": "admins: the school whose round it is"})
    region = fields.String(validate=LABEL,
                           metadata={"description": "admins: the region whose round it is"})


class RoundImportSchema(ma.Schema):
    round = fields.Nested(RoundSchema)
    offers = fields.Integer()
    environments = fields.Integer()
    companies_created = fields.Integer()
    students_created = fields.Integer()
    students_updated = fields.Integer()
    students_matched = fields.Integer()
    preferences = fields.Integer()
    pinned = fields.Integer()
    students_in_round = fields.Integer(
        metadata={"description": "the round takes every student of its school or region, "
                                 "also those stored before"})
    warnings = fields.List(
        fields.Dict(keys=fields.String(), values=fields.String()),
        metadata={"description": "preference entries dropped (unknown or repeated offers), "
                                 "each with its field path"})


class TokenSchema(ma.Schema):
    """A token's metadata; the secret is never stored, so never shown after issue."""

    id = fields.Integer(dump_only=True)
    role = fields.String(required=True, validate=validate.OneOf([r.value for r in Role]))
    scope = fields.String(
        load_default="", validate=validate.Length(max=120),
        metadata={"description": "school:<id> or region:<name> (coordinator), company:<id>, "
                                 "student:<id>; empty for admin"})
    created_at = UtcDateTime(dump_only=True)
    revoked_at = UtcDateTime(dump_only=True, allow_none=True)


class IssuedTokenSchema(TokenSchema):
    token = fields.String(dump_only=True,
                          metadata={"description": "the bearer token: shown this once only"})


class TokenQuerySchema(ma.Schema):
    role = fields.String(validate=validate.OneOf([r.value for r in Role]))
    scope = fields.String()
    revoked = fields.Boolean()


class AuditEventSchema(ma.Schema):
    id = fields.Integer()
    at = UtcDateTime()
    actor_token_id = fields.Integer(allow_none=True,
                                    metadata={"description": "null for the system"})
    actor_role = fields.String(metadata={"description": "a role, or system"})
    actor_scope = fields.String()
    action = fields.String(metadata={"description": "entity.verb, e.g. round.publish"})
    entity_type = fields.String()
    entity_id = fields.Integer(allow_none=True)
    round_id = fields.Integer(allow_none=True)
    school_id = fields.Integer(allow_none=True)
    region = fields.String(allow_none=True)
    before = fields.Dict(keys=fields.String(), allow_none=True,
                         metadata={"description": "the changed fields' old values"})
    after = fields.Dict(keys=fields.String(), allow_none=True,
                        metadata={"description": "the changed fields' new values"})


class AuditQuerySchema(ma.Schema):
    action = fields.String()
    entity_type = fields.String()
    entity_id = fields.Integer(validate=ID)
    round_id = fields.Integer(validate=ID)
    actor_role = fields.String(validate=validate.OneOf([*(r.value for r in Role), "system"]))
    since = fields.DateTime(metadata={"description": "events at or after (no zone: UTC)"})
    until = fields.DateTime(metadata={"description": "events before (no zone: UTC)"})


class ExportedStudentSchema(StudentSchema):
    erased_at = UtcDateTime(dump_only=True, allow_none=True)


class ExportedPreferencesSchema(ma.Schema):
    round_id = fields.Integer()
    round_name = fields.String()
    offers = fields.List(fields.Integer(), metadata={"description": "offer ids, best first"})


class ExportedAssignmentSchema(AssignmentSchema):
    student_response = fields.String(dump_only=True, allow_none=True)
    company_response = fields.String(dump_only=True, allow_none=True)


class DataExportSchema(ma.Schema):
    """Everything stored about one student (AVG right of access)."""

    format = fields.String(metadata={"description": "leerplek-data-export/1"})
    exported_at = UtcDateTime()
    student = fields.Nested(ExportedStudentSchema)
    preferences = fields.List(fields.Nested(ExportedPreferencesSchema))
    assignments = fields.List(fields.Nested(ExportedAssignmentSchema))
    tokens = fields.List(fields.Nested(TokenSchema))
    audit_events = fields.List(fields.Nested(AuditEventSchema))


def upload_body(schema: str) -> dict[str, Any]:
    """The OpenAPI request body of a bulk upload: a JSON array of records, or CSV."""
    return {"required": True, "content": {
        "application/json": {"schema": {"type": "array",
                                        "items": {"$ref": f"#/components/schemas/{schema}"}}},
        "text/csv": {"schema": {
            "type": "string",
            "description": "a header row of field names, then one record per line; list "
                           "items separated by ';', a location as lat and lon columns, "
                           "an empty cell for a missing value"}}}}


def schema_name(schema: type[ma.Schema] | ma.Schema) -> str:
    """Component names for the OpenAPI document: ``Offer``, and ``OfferPatch`` when partial."""
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__.removesuffix("Schema")
    partial: Any = getattr(schema, "partial", None)
    return name + "Patch" if not isinstance(schema, type) and partial else name


class JobSchema(ma.Schema):
    """A background allocation or what-if: poll it until ``finished`` or ``failed``."""

    id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True, metadata={"description": "allocate or simulate"})
    round_id = fields.Integer(dump_only=True)
    status = fields.String(dump_only=True,
                           metadata={"description": "queued, running, finished or failed"})
    phase = fields.String(dump_only=True, metadata={
        "description": "queued, loading, solving, writing or done; a failed job keeps the "
                       "phase it failed in"})
    step = fields.String(dump_only=True, allow_none=True, metadata={
        "description": "while solving: the engine's current stage (placed, rank_1, …)"})
    percent = fields.Integer(dump_only=True, metadata={
        "description": "0–100: loading 0, solving 10–90, writing 90, done 100"})
    params = fields.Dict(dump_only=True, allow_none=True, metadata={
        "description": "a what-if's name and overrides, as requested; null for allocate"})
    result = fields.Dict(dump_only=True, allow_none=True, metadata={
        "description": "when finished: status, placed, placed_share, rank_profile, "
                       "unassigned, timings (and scenario_id for a what-if)"})
    error = fields.String(dump_only=True, allow_none=True,
                          metadata={"description": "when failed: what went wrong"})
    requested_by = fields.String(dump_only=True,
                                 metadata={"description": "role and scope of the requester"})
    worker = fields.String(dump_only=True, allow_none=True, metadata={
        "description": "where it runs: rq, thread or eager, then host and process id"})
    created_at = UtcDateTime(dump_only=True)
    started_at = UtcDateTime(dump_only=True, allow_none=True)
    heartbeat_at = UtcDateTime(dump_only=True, allow_none=True, metadata={
        "description": "last sign of life of the process running the job"})
    finished_at = UtcDateTime(dump_only=True, allow_none=True)


class JobQuerySchema(ma.Schema):
    round_id = fields.Integer(validate=ID)
    status = fields.String(validate=validate.OneOf(["queued", "running", "finished",
                                                    "failed"]))
    kind = fields.String(validate=validate.OneOf(["allocate", "simulate"]))


PolicyOverrideSchema = ma.Schema.from_dict(policy_fields(defaults=False),
                                           name="PolicyOverrideSchema")


class CapacityOverrideSchema(ma.Schema):
    offer_id = fields.Integer(required=True)
    capacity = fields.Integer(required=True, validate=validate.Range(min=0, max=100_000))


class ScaleOverrideSchema(ma.Schema):
    sector = fields.String(load_default=None, allow_none=True, validate=LABEL)
    region = fields.String(load_default=None, allow_none=True, validate=LABEL)
    factor = fields.Float(required=True, validate=validate.Range(min=0, max=10), metadata={
        "description": "multiplies the capacity of the offers matching sector and region "
                       "(both optional), rounded to whole seats"})


class SimulateSchema(ma.Schema):
    """A what-if: the round's allocation under other policy or capacities, stored apart."""

    name = fields.String(required=True, validate=NAME)
    policy = fields.Nested(PolicyOverrideSchema, load_default=dict)
    capacity = fields.List(fields.Nested(CapacityOverrideSchema), load_default=list,
                           metadata={"description": "explicit capacities; applied after scale"})
    scale = fields.List(fields.Nested(ScaleOverrideSchema), load_default=list)


class ScenarioSchema(ma.Schema):
    id = fields.Integer(dump_only=True)
    round_id = fields.Integer(dump_only=True)
    job_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    overrides = fields.Dict(dump_only=True)
    report = fields.Dict(dump_only=True, metadata={
        "description": "status, stats, shortage, unassigned count and per-sector "
                       "capacity and placed"})
    created_at = UtcDateTime(dump_only=True)


class ComparisonSchema(ma.Schema):
    """A scenario against the round's current allocation."""

    round_id = fields.Integer()
    scenario_id = fields.Integer()
    name = fields.String()
    current = fields.Dict(metadata={"description": "students, placed, placed_priority, "
                                                   "placed_share, rank_profile, mean_rank"})
    scenario = fields.Dict(metadata={"description": "the same figures for the scenario"})
    delta = fields.Dict(metadata={"description": "scenario minus current"})
    sectors = fields.List(fields.Dict(keys=fields.String()), metadata={
        "description": "per sector: capacity, placed and fill in both, placed_delta"})
