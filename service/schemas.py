"""Marshmallow schemas: request validation, response shape and the OpenAPI document at once."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Callable
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from service.models import (
    MAX_ID,
    NO_RESPONSE,
    POK_MAX_DAYS_PER_WEEK,
    POK_MAX_HOURS_PER_WEEK,
    POK_MAX_TOTAL_HOURS,
    POK_PATHWAYS,
    WEBHOOK_EVENTS,
    AssignmentStatus,
    MessageStatus,
    OfferStatus,
    Role,
    RoundStatus,
)
from solver.model import OBJECTIVES, PATHWAYS, POLICY_DEFAULTS, POLICY_FIELDS, POLICY_LIMITS

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
# A week of work: at most 7 days, and at most 60 hours (the Arbeidstijdenwet's weekly limit).
DAYS_PER_WEEK = validate.Range(min=1, max=7)
HOURS_PER_WEEK = validate.Range(min=1, max=60)
PHONE = validate.Regexp(r"^\+?[0-9][0-9 -]{5,38}$",
                        error="must be a phone number of digits, spaces and dashes")

EMAIL = validate.Length(max=254)  # the longest address SMTP carries (RFC 5321)


# Strict input -----------------------------------------------------------------------------

# Control characters (NUL included: PostgreSQL refuses it in text) and lone surrogates (not
# encodable as UTF-8) never belong in a record's text.
_FORBIDDEN_TEXT = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
CONTROL_ERROR = "must not contain control characters"


def text_error(value: str) -> str | None:
    """Why ``value`` may not be stored as text, or None; shared with the query-string check."""
    return CONTROL_ERROR if _FORBIDDEN_TEXT.search(value) else None


def _raw_error(field: fields.Field[Any], value: Any) -> Any:
    """What is wrong with a JSON value's *type* for ``field``, before marshmallow converts it:
    marshmallow alone would store ``1.5`` as 1, ``"yes"`` as true and ``"7"`` as 7."""
    if value is None or isinstance(field, fields.Nested):
        return None  # null is allow_none's business; a nested schema checks itself
    if isinstance(field, fields.List):
        if not isinstance(value, list):
            return None
        if isinstance(field.inner, fields.Integer) and all(type(v) is int for v in value):
            return None  # the usual list of ids, judged in one pass (bool is no int here)
        inner = {i: e for i, v in enumerate(value) if (e := _raw_error(field.inner, v))}
        return inner or None
    if isinstance(field, fields.Boolean):
        return None if isinstance(value, bool) else ["Not a valid boolean."]
    if isinstance(field, fields.Integer):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else ["Not a valid integer."]
    if isinstance(field, fields.Number):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else ["Not a valid number."]
    if isinstance(value, str) and (message := text_error(value)):
        return [message]
    return None


_TEXT_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_TEXT_TRUE, _TEXT_FALSE = {"true", "1", "ja"}, {"false", "0", "nee"}


def _text_value(field: fields.Field[Any], text: Any) -> Any:
    """A CSV cell or form field as the JSON value its field means. Text that is no such
    value stays text, and the schema refuses it as it would refuse that JSON."""
    if isinstance(field, fields.List) and isinstance(text, list):
        return [_text_value(field.inner, item) for item in text]
    if isinstance(field, fields.Nested) and isinstance(text, dict):
        return typed_text(field.schema, text)
    if not isinstance(text, str):
        return text
    if isinstance(field, fields.Boolean):
        word = text.lower()
        return True if word in _TEXT_TRUE else False if word in _TEXT_FALSE else text
    if isinstance(field, fields.Integer):
        return int(text) if _TEXT_INTEGER.match(text) else text
    if isinstance(field, fields.Number):
        try:
            number = float(text)
        except ValueError:
            return text
        return number if math.isfinite(number) else text
    return text


def typed_text(schema: ma.Schema, row: dict[str, Any]) -> dict[str, Any]:
    """A CSV row or a form (all text) typed by the schema's fields, for the strict base."""
    fields = {f.data_key or name: f for name, f in schema.load_fields.items()}
    return {key: _text_value(fields[key], value) if key in fields else value
            for key, value in row.items()}


def etag_of(schema: ma.Schema, obj: Any) -> str:
    """A strong ETag: the SHA-256 of the record as ``schema`` shows it. Here, beside the
    schemas, so the API's If-Match and a page form's hidden version are one rule."""
    data = json.dumps(schema.dump(obj), sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:32]


class Schema(ma.Schema):
    """The base of every request body: JSON types taken as they are (an integer is a JSON
    integer, a boolean a JSON boolean, a number never a string) and no control characters in
    any text. CSV uploads are typed column by column before they get here (imports.py)."""

    @ma.pre_load
    def _strict_types(self, data: Any, **kwargs: Any) -> Any:
        if not isinstance(data, dict):
            return data
        errors = {}
        for name, field in self.load_fields.items():
            key = field.data_key or name
            if key in data and (error := _raw_error(field, data[key])):
                errors[key] = error
        if errors:
            raise ma.ValidationError(errors)
        return data


class UtcDateTime(fields.DateTime):
    """ISO 8601 with an explicit UTC offset, also for SQLite's naive timestamps.

    Input is read as a moment in UTC (no zone: UTC) within years 1970–9000: a far-off moment
    with an offset (0001-01-01T00:00+14:00) cannot even be converted, and is a typo anyway.
    """

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return super()._serialize(value, attr, obj, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        moment: dt.datetime = super()._deserialize(value, attr, data, **kwargs)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        try:
            moment = moment.astimezone(dt.UTC)
        except OverflowError:
            raise ma.ValidationError("must lie between the years 1970 and 9000") from None
        if not 1970 <= moment.year <= 9000:
            raise ma.ValidationError("must lie between the years 1970 and 9000")
        return moment


class LocationSchema(Schema):
    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(required=True, validate=validate.Range(min=-180, max=180))


class SchoolSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=NAME)
    code = fields.String(required=True, validate=validate.Length(min=1, max=40),
                         metadata={"description": "BRIN or short code, unique"})
    region = fields.String(required=True, validate=LABEL)
    size = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0),
                          metadata={"description": "approximate number of students"})
    main_place = fields.String(load_default=None, allow_none=True, validate=LABEL)
    contact_name = fields.String(
        load_default=None, allow_none=True, validate=NAME,
        metadata={"description": "the bpv coordinator companies with a proposed student call"})
    contact_email = fields.Email(load_default=None, allow_none=True,
                                 validate=validate.Length(max=254))
    contact_phone = fields.String(load_default=None, allow_none=True, validate=PHONE)


class CompanySchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=NAME)
    kvk_number = fields.String(required=True, validate=KVK)
    qualifications = fields.List(
        fields.String(validate=CREBO), load_default=list,
        metadata={"description": "crebo codes the company is recognised (erkend) for"})
    region = fields.String(load_default=None, allow_none=True, validate=LABEL)
    email = fields.Email(load_default=None, allow_none=True, validate=EMAIL, metadata={
        "description": "optional contact address for messages (proposals awaiting consent, "
                       "a POK ready to sign)"})


class IdList(fields.List[Any]):
    """A list of record ids: ``fields.List(fields.Integer(validate=ID))``, with the usual
    list, whole integers all in the range of ids, taken in one pass. The preference PUT
    reads one on every call, and marshmallow's list deserialised and range-checked each id
    through the inner field's machinery (docs/PERFORMANCE.md, session 12); any other list
    goes that way, for the same values and the same errors."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(fields.Integer(validate=ID), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any
                     ) -> list[Any]:
        low, high = ID.min, ID.max  # the range ID checks, not a copy of its numbers
        if type(value) is list and all(type(v) is int and low <= v <= high for v in value):
            return list(value)
        return super()._deserialize(value, attr, data, **kwargs)


class EnvironmentSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=NAME)
    capacity = fields.Integer(required=True, validate=SEATS,
                              metadata={"description": "students over all partners' offers"})
    region = fields.String(load_default=None, allow_none=True, validate=LABEL)
    partner_ids = IdList(load_default=list,
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


class _RoundTenant(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=NAME)
    school_id = fields.Integer(validate=ID, load_default=None, allow_none=True,
                               metadata={"description": "set from a coordinator's token"})
    region = fields.String(load_default=None, allow_none=True, validate=LABEL)
    status = fields.String(dump_only=True)
    respond_by = UtcDateTime(
        load_default=None, allow_none=True,
        metadata={"description": "the answer deadline of the published proposals (no zone: "
                                 "UTC); at it, every unanswered one is settled by "
                                 "no_response"})
    no_response = fields.String(
        load_default=NO_RESPONSE[0], validate=validate.OneOf(NO_RESPONSE),
        metadata={"description": "what an unanswered proposal becomes at respond_by"})
    lists_by = UtcDateTime(
        load_default=None, allow_none=True,
        metadata={"description": "the list deadline (no zone: UTC); students without a list "
                                 "are reminded by e-mail two days before it"})


RoundSchema = _RoundTenant.from_dict(policy_fields(defaults=True), name="RoundSchema")


class RoundQuerySchema(ma.Schema):
    status = fields.String(validate=validate.OneOf([s.value for s in RoundStatus]))
    region = fields.String()
    school_id = fields.Integer(validate=ID)


class PreferencesSchema(Schema):
    round_id = fields.Integer(dump_only=True)
    student_id = fields.Integer(dump_only=True)
    offers = IdList(required=True, metadata={"description": "offer ids, best first"})


class AssignmentSchema(ma.Schema):
    id = fields.Integer(dump_only=True)
    round_id = fields.Integer(dump_only=True)
    student_id = fields.Integer(dump_only=True)
    offer_id = fields.Integer(dump_only=True)
    rank = fields.Integer(dump_only=True, allow_none=True,
                          metadata={"description": "null for an unranked placement"})
    pinned = fields.Boolean(dump_only=True)
    status = fields.String(dump_only=True)


class AnswerSchema(ma.Schema):
    reason = fields.String(
        load_default=None, validate=validate.Length(min=1, max=500),
        metadata={"description": "required when staff answer on a student's behalf; "
                                 "kept in the audit log with who answered"})


class ReportSchema(ma.Schema):
    """The last allocation's explanation: statistics, unplaced reasons, shortage cells."""

    status = fields.String()
    proven = fields.Boolean()
    message = fields.String()
    warnings = fields.Integer()
    stats = fields.Dict(keys=fields.String())
    unassigned = fields.List(fields.Dict(keys=fields.String()))
    shortage = fields.List(fields.Dict(keys=fields.String()))
    scope = fields.Dict(keys=fields.String(), metadata={
        "description": "a coordinator's own students only: students, placed, kept, "
                       "unplaced, rank_profile, mean_rank (absent for admins)"})


class OfferSchema(Schema):
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
    location = fields.Nested(
        LocationSchema, load_default=None, allow_none=True,
        metadata={"description": "without it, the reference point of `place`; a location "
                                 "so derived follows a changed `place`"})
    capacity = fields.Integer(required=True, validate=SEATS)
    reserved_priority = fields.Integer(load_default=0, validate=SEATS)
    start = fields.Date(load_default=None, allow_none=True)
    end = fields.Date(load_default=None, allow_none=True)
    status = fields.String(load_default=OfferStatus.DRAFT.value,
                           validate=validate.OneOf([s.value for s in OfferStatus]))
    place = fields.String(load_default=None, allow_none=True, validate=LABEL,
                          metadata={"description": "a place of the reference data"})
    days_per_week = fields.Integer(load_default=None, allow_none=True, validate=DAYS_PER_WEEK)
    hours_per_week = fields.Integer(load_default=None, allow_none=True, validate=HOURS_PER_WEEK)
    description = fields.String(load_default=None, allow_none=True,
                                validate=validate.Length(max=4000),
                                metadata={"description": "what the place is and what the "
                                                         "company offers"})


class StudentSchema(Schema):
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
    location = fields.Nested(
        LocationSchema, load_default=None, allow_none=True,
        metadata={"description": "without it, the reference point of `home_place`; a "
                                 "location so derived follows a changed `home_place`"})
    max_travel_km = fields.Float(load_default=None, allow_none=True,
                                 validate=validate.Range(min=0, max=50_000))
    priority = fields.Boolean(
        load_default=False,
        metadata={"description": "placed first; set and seen by coordinators and admins only"})
    available_from = fields.Date(load_default=None, allow_none=True)
    available_until = fields.Date(load_default=None, allow_none=True)
    email = fields.Email(load_default=None, allow_none=True, validate=EMAIL, metadata={
        "description": "optional contact address for messages; erased with the student's "
                       "personal data"})


# The POK's fields, named as school systems name the bpv's (docs/EXCHANGE.md).
_SBB_ERROR = "must be an SBB leerbedrijf number of 5 to 9 digits"
_POSTCODE_ERROR = "must be a Dutch postcode such as 7511 AB"


def _pok_text(key: str, length: int, description: str,
              extra: list[validate.Validator] | None = None) -> fields.String:
    return fields.String(data_key=key, allow_none=True,
                         validate=[validate.Length(min=1, max=length), *(extra or [])],
                         metadata={"description": description})


class PokUpdateSchema(Schema):
    """A party's part of a POK: the school's (crebo to praktijkbegeleider) or the
    company's (leerbedrijf to praktijkopleider); null empties a field. Names and e-mail
    addresses of people only where the deployment stores them (POK_STORE_PEOPLE)."""

    crebo = fields.String(allow_none=True, validate=CREBO,
                          metadata={"description": "school: the bpv's crebo code"})
    pathway = fields.String(data_key="leerweg", allow_none=True,
                            validate=validate.OneOf(POK_PATHWAYS),
                            metadata={"description": "school: BOL or BBL"})
    start_date = fields.Date(data_key="begindatum", allow_none=True,
                             metadata={"description": "school: first day of the bpv"})
    planned_end_date = fields.Date(data_key="geplande_einddatum", allow_none=True,
                                   metadata={"description": "school: after begindatum"})
    total_hours = fields.Integer(
        data_key="uren_totaal", allow_none=True,
        validate=validate.Range(min=1, max=POK_MAX_TOTAL_HOURS),
        metadata={"description": "school: clock hours of bpv in all (BBL: at least 610 a "
                                 "year of the period)"})
    praktijkbegeleider_name = _pok_text("praktijkbegeleider_naam", 200,
                                        "school: its bpv-begeleider")
    praktijkbegeleider_email = fields.Email(data_key="praktijkbegeleider_email",
                                            allow_none=True,
                                            validate=validate.Length(max=254))
    sbb_code = _pok_text("leerbedrijf_sbb_code", 9, "company: SBB leerbedrijf number", [
        validate.Regexp(r"^[0-9]{5,9}$", error=_SBB_ERROR)])
    address = _pok_text("leerbedrijf_adres", 200, "company: street and number")
    postcode = _pok_text("leerbedrijf_postcode", 7, "company", [
        validate.Regexp(r"^[1-9][0-9]{3} ?[A-Z]{2}$", error=_POSTCODE_ERROR)])
    place = _pok_text("leerbedrijf_plaats", 80, "company: the place of the address")
    hours_per_week = fields.Integer(
        data_key="uren_per_week", allow_none=True,
        validate=validate.Range(min=1, max=POK_MAX_HOURS_PER_WEEK),
        metadata={"description": "company: at most 12 a day"})
    days_per_week = fields.Integer(data_key="dagen_per_week", allow_none=True,
                                   validate=validate.Range(min=1, max=POK_MAX_DAYS_PER_WEEK),
                                   metadata={"description": "company"})
    praktijkopleider_name = _pok_text("praktijkopleider_naam", 200,
                                      "company: its praktijkopleider")
    praktijkopleider_email = fields.Email(data_key="praktijkopleider_email",
                                          allow_none=True, validate=validate.Length(max=254))


class PokSchema(ma.Schema):
    """One POK as school systems import it; the same columns as the round's CSV export."""

    volgnummer = fields.Integer(metadata={"description": "the student's bpv number"})
    status = fields.String(metadata={"description": "voorlopig, volledig or definitief"})
    studentnummer = fields.String()
    brin = fields.String()
    school = fields.String()
    crebo = fields.String(allow_none=True)
    kwalificatie = fields.String(allow_none=True)
    niveau = fields.Integer()
    leerweg = fields.String(allow_none=True)
    leerbedrijf_sbb_code = fields.String(allow_none=True)
    leerbedrijf_naam = fields.String()
    leerbedrijf_kvk = fields.String()
    leerbedrijf_adres = fields.String(allow_none=True)
    leerbedrijf_postcode = fields.String(allow_none=True)
    leerbedrijf_plaats = fields.String(allow_none=True)
    begindatum = fields.Date(allow_none=True)
    geplande_einddatum = fields.Date(allow_none=True)
    uren_totaal = fields.Integer(allow_none=True)
    uren_per_week = fields.Integer(allow_none=True)
    dagen_per_week = fields.Integer(allow_none=True)
    praktijkopleider_naam = fields.String(allow_none=True)
    praktijkopleider_email = fields.String(allow_none=True)
    praktijkbegeleider_naam = fields.String(allow_none=True)
    praktijkbegeleider_email = fields.String(allow_none=True)
    contractdatum = fields.Date(allow_none=True)
    plaatsing_id = fields.Integer(metadata={"description": "the assignment"})
    ronde_id = fields.Integer()


class PokQuerySchema(ma.Schema):
    school_id = fields.Integer(validate=ID, metadata={"description": "one school's students"})


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


class TokenSchema(Schema):
    """A token's metadata; the secret is never stored, so never shown after issue."""

    id = fields.Integer(dump_only=True)
    role = fields.String(required=True, validate=validate.OneOf([r.value for r in Role]))
    scope = fields.String(
        load_default="", validate=validate.Length(max=120),
        metadata={"description": "school:<id> or region:<name> (coordinator), company:<id>, "
                                 "student:<id>; empty for admin"})
    created_at = UtcDateTime(dump_only=True)
    revoked_at = UtcDateTime(dump_only=True, allow_none=True)
    expires_at = UtcDateTime(load_default=None, allow_none=True, metadata={
        "description": "when the token stops working (in the future when issued); null: "
                       "until revoked"})
    purpose = fields.String(dump_only=True, metadata={
        "description": "api: a bearer token; session: a person's web sign-in (revoking it "
                       "signs them out; the API never accepts it)"})


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
    actor_surface = fields.String(allow_none=True, metadata={
        "description": "where the actor came in: api, or a web surface such as staff; "
                       "null for the system"})
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


class ExportedPokSchema(ma.Schema):
    """A praktijkovereenkomst in a student's data export, by the export's column names; the
    supervisors' names are theirs and stay out."""

    id = fields.Integer()
    plaatsing_id = fields.Integer(attribute="assignment_id")
    offer_id = fields.Integer()
    volgnummer = fields.Integer(attribute="sequence")
    status = fields.String()
    contractdatum = fields.Date(attribute="contract_date", allow_none=True)
    crebo = fields.String(allow_none=True)
    leerweg = fields.String(attribute="pathway", allow_none=True)
    begindatum = fields.Date(attribute="start_date", allow_none=True)
    geplande_einddatum = fields.Date(attribute="planned_end_date", allow_none=True)
    uren_totaal = fields.Integer(attribute="total_hours", allow_none=True)
    uren_per_week = fields.Integer(attribute="hours_per_week", allow_none=True)
    dagen_per_week = fields.Integer(attribute="days_per_week", allow_none=True)


class DataExportSchema(ma.Schema):
    """Everything stored about one student (AVG right of access)."""

    format = fields.String(metadata={"description": "leerplek-data-export/1"})
    exported_at = UtcDateTime()
    student = fields.Nested(ExportedStudentSchema)
    preferences = fields.List(fields.Nested(ExportedPreferencesSchema))
    assignments = fields.List(fields.Nested(ExportedAssignmentSchema))
    praktijkovereenkomsten = fields.List(fields.Nested(ExportedPokSchema))
    tokens = fields.List(fields.Nested(TokenSchema))
    messages = fields.List(fields.Nested("MessageSchema"))
    audit_events = fields.List(fields.Nested(AuditEventSchema))


def upload_body(schema: str, example: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The OpenAPI request body of a bulk upload: a JSON array of records, or CSV."""
    return {"required": True, "content": {
        "application/json": {"schema": {"type": "array",
                                        "items": {"$ref": f"#/components/schemas/{schema}"}},
                             **({"example": example} if example is not None else {})},
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


class MessageSchema(ma.Schema):
    """One e-mail of the outbox: to whom, what, and how sending it went."""

    id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True, metadata={
        "description": "round_opened, lists_reminder, results_published, consent_requested, "
                       "answer_due or pok_ready"})
    recipient = fields.String(dump_only=True)
    subject = fields.String(dump_only=True)
    round_id = fields.Integer(dump_only=True, allow_none=True)
    student_id = fields.Integer(dump_only=True, allow_none=True)
    company_id = fields.Integer(dump_only=True, allow_none=True)
    status = fields.String(dump_only=True, metadata={
        "description": "queued, sent, or failed (tried again at next_attempt_at; null: "
                       "given up)"})
    attempts = fields.Integer(dump_only=True)
    next_attempt_at = UtcDateTime(dump_only=True, allow_none=True)
    last_error = fields.String(dump_only=True, allow_none=True,
                               metadata={"description": "why the last attempt failed"})
    created_at = UtcDateTime(dump_only=True)
    sent_at = UtcDateTime(dump_only=True, allow_none=True)


class MessageQuerySchema(ma.Schema):
    status = fields.String(validate=validate.OneOf([s.value for s in MessageStatus]))
    kind = fields.String()
    round_id = fields.Integer(validate=ID)
    student_id = fields.Integer(validate=ID)
    company_id = fields.Integer(validate=ID)


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


PolicyOverrideSchema = Schema.from_dict(policy_fields(defaults=False),
                                           name="PolicyOverrideSchema")


class CapacityOverrideSchema(Schema):
    offer_id = fields.Integer(required=True)
    capacity = fields.Integer(required=True, validate=validate.Range(min=0, max=100_000))


class ScaleOverrideSchema(Schema):
    sector = fields.String(load_default=None, allow_none=True, validate=LABEL)
    region = fields.String(load_default=None, allow_none=True, validate=LABEL)
    factor = fields.Float(required=True, validate=validate.Range(min=0, max=10), metadata={
        "description": "multiplies the capacity of the offers matching sector and region "
                       "(both optional), rounded to whole seats"})


class SimulateSchema(Schema):
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
    current = fields.Dict(metadata={"description": "students, placed, placed_priority, kept "
                                                   "(from an earlier round), placed_share, "
                                                   "rank_profile, mean_rank"})
    scenario = fields.Dict(metadata={"description": "the same figures for the scenario"})
    delta = fields.Dict(metadata={"description": "scenario minus current"})
    sectors = fields.List(fields.Dict(keys=fields.String()), metadata={
        "description": "per sector: capacity, placed and fill in both, placed_delta"})


# The regional monitor (open data) and its agreements -----------------------------------------

_SCHOOL_YEAR_ERROR = "must be a school year such as 2026-2027 (two consecutive years)"


def _school_year(value: str) -> bool:
    """"2026-2027": two consecutive years from 2000 on (a school year runs August to July)."""
    match = re.fullmatch(r"(20[0-9]{2})-(20[0-9]{2})", value)
    if match is None or int(match[2]) != int(match[1]) + 1:
        raise ma.ValidationError(_SCHOOL_YEAR_ERROR)
    return True


SCHOOL_YEAR: list[Callable[[Any], Any]] = [
    _school_year, validate.Length(equal=9, error=_SCHOOL_YEAR_ERROR)]


class MonitorQuerySchema(ma.Schema):
    school_year = fields.String(validate=SCHOOL_YEAR,
                                metadata={"description": "only the rounds of this school year"})
    format = fields.String(validate=validate.OneOf(["json", "csv"]), metadata={
        "description": "csv: the same as Accept: text/csv (a link in a browser can ask)"})


class AgreementQuerySchema(ma.Schema):
    format = fields.String(validate=validate.OneOf(["json", "csv"]), metadata={
        "description": "csv: the same as Accept: text/csv"})


class MonitorRowSchema(ma.Schema):
    """One published figure: a base cell, or a total where a dimension is null."""

    school_year = fields.String()
    round_id = fields.Integer()
    round_name = fields.String()
    region = fields.String(allow_none=True, metadata={"description": "null: every region"})
    sector = fields.String(allow_none=True, metadata={"description": "null: every sector"})
    level = fields.Integer(allow_none=True, metadata={"description": "null: every level"})
    pathway = fields.String(allow_none=True, metadata={
        "description": "BOL, BBL or HYBRID; null: every pathway"})
    students_seeking = fields.Integer(allow_none=True, metadata={
        "description": "null when suppressed"})
    offers = fields.Integer()
    seats = fields.Integer()
    placed = fields.Integer(allow_none=True)
    unplaced = fields.Integer(allow_none=True)
    fill_rate = fields.Float(allow_none=True, metadata={"description": "placed / seats"})
    shortage_gain = fields.Integer(allow_none=True, metadata={
        "description": "students one or more extra seats in this region, sector and level "
                       "would place (rows of region × sector × level only)"})
    suppressed = fields.Boolean()
    shortage_hidden = fields.Boolean()


class AgreementSchema(Schema):
    id = fields.Integer(dump_only=True)
    title = fields.String(required=True, validate=NAME)
    region = fields.String(required=True, validate=LABEL)
    sector = fields.String(required=True, validate=LABEL)
    level = fields.Integer(load_default=None, allow_none=True, validate=LEVEL,
                           metadata={"description": "null: every level"})
    pathway = fields.String(load_default=None, allow_none=True, validate=PATHWAY,
                            metadata={"description": "null: every pathway"})
    school_year = fields.String(required=True, validate=SCHOOL_YEAR)
    baseline_school_year = fields.String(load_default=None, allow_none=True,
                                         validate=SCHOOL_YEAR, metadata={
                                             "description": "count only the seats beyond "
                                                            "this earlier year's"})
    target = fields.Integer(required=True, validate=validate.Range(min=1, max=100_000),
                            metadata={"description": "seats"})
    seats_offered = fields.Integer(dump_only=True)
    baseline_seats = fields.Integer(dump_only=True, allow_none=True)
    achieved = fields.Integer(dump_only=True)
    progress = fields.Float(dump_only=True, metadata={"description": "achieved / target, "
                                                                     "at most 1"})
    finished_rounds = fields.Integer(dump_only=True)


class MonitorSchema(ma.Schema):
    licence = fields.String()
    source = fields.String()
    threshold = fields.Integer(metadata={
        "description": "counts below this (and their complements) are suppressed"})
    columns = fields.List(fields.String())
    rows = fields.List(fields.Nested(MonitorRowSchema))
    agreements = fields.List(fields.Nested(AgreementSchema))

class WebhookEndpointSchema(Schema):
    """A URL that receives events, signed with the endpoint's secret (Standard Webhooks)."""

    id = fields.Integer(dump_only=True)
    url = fields.String(required=True, validate=validate.Length(min=1, max=2000), metadata={
        "description": "https:// URL that receives a POST per event; not an address inside "
                       "a private network"})
    description = fields.String(load_default="", validate=validate.Length(max=200))
    events = fields.List(fields.String(validate=validate.OneOf(WEBHOOK_EVENTS)),
                         validate=validate.Length(min=1), metadata={
        "description": "events to receive; all when left out: " + ", ".join(WEBHOOK_EVENTS)})
    company_id = fields.Integer(allow_none=True, validate=ID, metadata={
        "description": "the company whose events it receives (a company's token: itself); "
                       "an admin's endpoint without company or school receives every event"})
    school_id = fields.Integer(allow_none=True, validate=ID, metadata={
        "description": "admins: the school whose systems receive the events of its rounds "
                       "and students"})
    active = fields.Boolean(metadata={
        "description": "false after too many failed attempts (see disabled_reason) or by "
                       "its owner; set true to enable it again"})
    disabled_reason = fields.String(dump_only=True, allow_none=True)
    failures = fields.Integer(dump_only=True,
                              metadata={"description": "failed attempts in a row"})
    created_at = UtcDateTime(dump_only=True)


class RegisteredWebhookSchema(WebhookEndpointSchema):
    secret = fields.String(dump_only=True, metadata={
        "description": "whsec_ and base64: the key of every delivery's webhook-signature; "
                       "shown this once only"})


class WebhookDeliverySchema(ma.Schema):
    """One event for one endpoint, with the log of its attempts."""

    id = fields.Integer(dump_only=True)
    endpoint_id = fields.Integer(dump_only=True)
    message_id = fields.String(dump_only=True, metadata={
        "description": "the webhook-id header: the same on every attempt and replay"})
    event = fields.String(dump_only=True)
    payload = fields.Dict(dump_only=True, metadata={"description": "the body sent"})
    status = fields.String(dump_only=True, metadata={
        "description": "pending, sending, delivered or failed"})
    attempts = fields.Integer(dump_only=True)
    next_attempt_at = UtcDateTime(dump_only=True, allow_none=True)
    last_status_code = fields.Integer(dump_only=True, allow_none=True)
    last_error = fields.String(dump_only=True, allow_none=True)
    created_at = UtcDateTime(dump_only=True)
    delivered_at = UtcDateTime(dump_only=True, allow_none=True)


class WebhookDeliveryQuerySchema(ma.Schema):
    status = fields.String(validate=validate.OneOf(["pending", "sending", "delivered",
                                                    "failed"]))
    event = fields.String(validate=validate.OneOf(WEBHOOK_EVENTS))
