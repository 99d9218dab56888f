"""The ``leerplek-round/1`` and ``leerplek-result/1`` documents: parse, validate, serialise.

A document that breaks the format is rejected as a whole with every problem found, each
naming its field path (``students[12].level``). Problems with *content* that the engine can
work around (a preference for an unknown offer, say) are not format errors: the engine skips
them and reports warnings.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from .gcpause import gc_paused
from .model import (
    MAX_PREFERENCES_LIMITS,
    OBJECTIVES,
    PATHWAYS,
    SEED_LIMITS,
    TIME_LIMIT_S_LIMITS,
    Assignment,
    Environment,
    Location,
    Offer,
    Pin,
    Policy,
    Result,
    Round,
    RoundWarning,
    ShortageCell,
    Stats,
    Student,
    Unassigned,
)
from .schema import decode_round

ROUND_FORMAT = "leerplek-round/1"
RESULT_FORMAT = "leerplek-result/1"
MAX_ERRORS = 50  # enough to fix a file in one go without drowning the reader

T = TypeVar("T")


@dataclass(frozen=True)
class FieldError:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class DocumentError(ValueError):
    """The document breaks the format; ``errors`` names every offending field."""

    def __init__(self, errors: list[FieldError], document: str = ROUND_FORMAT) -> None:
        self.errors = errors
        self.title = f"invalid {document} document"
        shown = "; ".join(str(e) for e in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        super().__init__(f"{self.title}: {shown}{more}")


class _TooMany(Exception):
    pass


class _Reader:
    """Collects field errors while reading; every getter returns a safe default on error."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path, message))
        if len(self.errors) >= MAX_ERRORS:
            raise _TooMany

    def obj(self, data: Any, path: str) -> Mapping[str, Any] | None:
        if not isinstance(data, Mapping):
            self.error(path, "must be an object")
            return None
        return data

    def field(
        self,
        data: Mapping[str, Any],
        key: str,
        path: str,
        check: Callable[[Any, str], T],
        default: Any = ...,
    ) -> T:
        if key not in data:
            if default is ...:
                self.error(f"{path}.{key}", "is required")
                return None  # type: ignore[return-value]
            return default  # type: ignore[no-any-return]
        return check(data[key], f"{path}.{key}")

    # -- checks: each takes (value, path) and returns the converted value -------------------

    def string(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not value:
            self.error(path, "must be a non-empty string")
            return ""
        return value

    def opt_string(self, value: Any, path: str) -> str | None:
        return None if value is None else self.string(value, path)

    def boolean(self, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            self.error(path, "must be true or false")
            return False
        return value

    def integer(self, value: Any, path: str, low: int, high: int | None = None) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(path, "must be an integer")
            return low
        if value < low or (high is not None and value > high):
            bound = f"between {low} and {high}" if high is not None else f"at least {low}"
            self.error(path, f"must be {bound}, got {value}")
            return low
        return value

    def number(self, value: Any, path: str, low: float, high: float) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.error(path, "must be a number")
            return low
        f = float(value)
        if not math.isfinite(f) or f < low or f > high:
            self.error(path, f"must be between {low:g} and {high:g}, got {value}")
            return low
        return f

    def date(self, value: Any, path: str) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.error(path, "must be a date as YYYY-MM-DD or null")
        return None

    def location(self, value: Any, path: str) -> Location | None:
        if value is None:
            return None
        obj = self.obj(value, path)
        if obj is None:
            return None
        lat = self.field(obj, "lat", path, lambda v, p: self.number(v, p, -90, 90))
        lon = self.field(obj, "lon", path, lambda v, p: self.number(v, p, -180, 180))
        return Location(lat, lon)

    def array(self, value: Any, path: str) -> list[Any]:
        if not isinstance(value, list):
            self.error(path, "must be an array")
            return []
        return value

    def strings(self, value: Any, path: str) -> tuple[str, ...]:
        return tuple(self.string(v, f"{path}[{i}]") for i, v in enumerate(self.array(value, path)))

    def levels(self, value: Any, path: str) -> tuple[int, ...]:
        items = self.array(value, path)
        if not items:
            self.error(path, "must list at least one level")
        return tuple(self.integer(v, f"{path}[{i}]", 1, 4) for i, v in enumerate(items))

    def pathway_list(self, value: Any, path: str) -> tuple[str, ...]:
        items = self.array(value, path)
        if not items:
            self.error(path, "must list at least one pathway")
        out = []
        for i, v in enumerate(items):
            if v not in PATHWAYS:
                self.error(f"{path}[{i}]", f"must be one of {', '.join(PATHWAYS)}, got {v!r}")
            else:
                out.append(v)
        return tuple(out)


def _policy(r: _Reader, data: Any) -> Policy:
    if data is None:
        return Policy()
    obj = r.obj(data, "policy")
    if obj is None:
        return Policy()
    d = Policy()
    objective = obj.get("objective", d.objective)
    if objective not in OBJECTIVES:
        r.error("policy.objective", f"must be one of {', '.join(OBJECTIVES)}, got {objective!r}")
        objective = d.objective
    return Policy(
        objective=objective,
        priority_first=r.field(obj, "priority_first", "policy", r.boolean, d.priority_first),
        place_unranked=r.field(obj, "place_unranked", "policy", r.boolean, d.place_unranked),
        max_preferences=r.field(
            obj, "max_preferences", "policy",
            lambda v, p: r.integer(v, p, *MAX_PREFERENCES_LIMITS), d.max_preferences
        ),
        seed=r.field(obj, "seed", "policy", lambda v, p: r.integer(v, p, *SEED_LIMITS), d.seed),
        time_limit_s=r.field(
            obj, "time_limit_s", "policy", lambda v, p: r.number(v, p, *TIME_LIMIT_S_LIMITS),
            d.time_limit_s,
        ),
    )


def _environment(r: _Reader, data: Any, path: str) -> Environment | None:
    obj = r.obj(data, path)
    if obj is None:
        return None
    return Environment(
        id=r.field(obj, "id", path, r.string),
        name=r.field(obj, "name", path, r.string, ""),
        capacity=r.field(obj, "capacity", path, lambda v, p: r.integer(v, p, 0)),
    )


def _offer_fast(obj: Any) -> Offer | None:
    """The common case of a valid offer (see ``_student_fast``)."""
    try:
        g = obj.get
        oid, company, levels, pathways = obj["id"], obj["company_id"], obj["levels"], obj[
            "pathways"]
        sector, region, capacity = obj["sector"], obj["region"], obj["capacity"]
        title, qualifications = g("title", ""), g("qualifications", [])
        reserved, environment = g("reserved_priority", 0), g("environment_id")
        if not (_text(oid) and _text(company) and _text(sector) and _text(region)
                and (title == "" or _text(title)) and _texts(qualifications)
                and type(capacity) is int and capacity >= 0 and type(reserved) is int
                and 0 <= reserved <= capacity and (environment is None or _text(environment))
                and type(levels) is list and levels
                and all(type(x) is int and 1 <= x <= 4 for x in levels)
                and type(pathways) is list and pathways
                and all(type(x) is str and x in _PATHWAY_SET for x in pathways)):
            return None
        start, end = _fast_date(g("start")), _fast_date(g("end"))
        if start is not None and end is not None and end < start:
            return None
        return Offer(
            id=oid, company_id=company, title=title, levels=tuple(levels),
            pathways=tuple(pathways), qualifications=tuple(qualifications), sector=sector,
            region=region, location=_fast_location(g("location")), capacity=capacity,
            reserved_priority=reserved, environment_id=environment, start=start, end=end,
        )
    except (AttributeError, KeyError, TypeError, ValueError):
        return None


def _offer(r: _Reader, data: Any, path: str) -> Offer | None:
    fast = _offer_fast(data)
    return fast if fast is not None else _offer_careful(r, data, path)


def _offer_careful(r: _Reader, data: Any, path: str) -> Offer | None:
    obj = r.obj(data, path)
    if obj is None:
        return None
    capacity = r.field(obj, "capacity", path, lambda v, p: r.integer(v, p, 0))
    reserved = r.field(obj, "reserved_priority", path, lambda v, p: r.integer(v, p, 0), 0)
    if capacity is not None and reserved > capacity:
        r.error(f"{path}.reserved_priority", f"must not exceed capacity ({capacity})")
    start = r.field(obj, "start", path, r.date, None)
    end = r.field(obj, "end", path, r.date, None)
    if start is not None and end is not None and end < start:
        r.error(f"{path}.end", "must not be before start")
    return Offer(
        id=r.field(obj, "id", path, r.string),
        company_id=r.field(obj, "company_id", path, r.string),
        title=r.field(obj, "title", path, r.string, ""),
        levels=r.field(obj, "levels", path, r.levels),
        pathways=r.field(obj, "pathways", path, r.pathway_list),
        qualifications=r.field(obj, "qualifications", path, r.strings, ()),
        sector=r.field(obj, "sector", path, r.string),
        region=r.field(obj, "region", path, r.string),
        location=r.field(obj, "location", path, r.location, None),
        capacity=capacity,
        reserved_priority=reserved,
        environment_id=r.field(obj, "environment_id", path, r.opt_string, None),
        start=start,
        end=end,
    )


_PATHWAY_SET = frozenset(PATHWAYS)


def _text(v: Any) -> bool:
    return type(v) is str and v != ""


def _texts(v: Any) -> bool:
    return type(v) is list and all(type(x) is str and x != "" for x in v)


def _fast_date(v: Any) -> dt.date | None:
    return None if v is None else dt.date.fromisoformat(v)  # TypeError/ValueError: slow path


def _fast_location(v: Any) -> Location | None:
    if v is None:
        return None
    lat, lon = v["lat"], v["lon"]
    if type(lat) not in (int, float) or type(lon) not in (int, float):
        raise TypeError
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError
    return Location(float(lat), float(lon))


def _student_fast(obj: Any) -> Student | None:
    """The common case of a valid student, checked without building error paths.

    Returns None on anything unusual; the careful reader then finds and names the problem.
    """
    try:
        g = obj.get
        sid, school, level, sector = obj["id"], obj["school_id"], obj["level"], obj["sector"]
        pathways, regions = obj["pathways"], obj["regions"]
        qualification, travel = g("qualification"), g("max_travel_km")
        priority, preferences = g("priority", False), g("preferences", [])
        if not (_text(sid) and _text(school) and _text(sector) and type(level) is int
                and 1 <= level <= 4 and type(priority) is bool and _texts(regions)
                and _texts(preferences) and (qualification is None or _text(qualification))
                and type(pathways) is list and pathways
                and all(type(x) is str and x in _PATHWAY_SET for x in pathways)):
            return None
        if travel is not None and (type(travel) not in (int, float)
                                   or not 0 <= travel <= 50_000):
            return None
        available_from = _fast_date(g("available_from"))
        available_until = _fast_date(g("available_until"))
        if available_from and available_until and available_until < available_from:
            return None
        return Student(
            id=sid, school_id=school, level=level, pathways=tuple(pathways),
            qualification=qualification, sector=sector, regions=tuple(regions),
            location=_fast_location(g("location")),
            max_travel_km=None if travel is None else float(travel), priority=priority,
            available_from=available_from, available_until=available_until,
            preferences=tuple(preferences),
        )
    except (AttributeError, KeyError, TypeError, ValueError):
        return None


def _student(r: _Reader, data: Any, path: str) -> Student | None:
    fast = _student_fast(data)
    return fast if fast is not None else _student_careful(r, data, path)


def _student_careful(r: _Reader, data: Any, path: str) -> Student | None:
    obj = r.obj(data, path)
    if obj is None:
        return None
    available_from = r.field(obj, "available_from", path, r.date, None)
    available_until = r.field(obj, "available_until", path, r.date, None)
    if available_from and available_until and available_until < available_from:
        r.error(f"{path}.available_until", "must not be before available_from")
    travel = r.field(
        obj,
        "max_travel_km",
        path,
        lambda v, p: None if v is None else r.number(v, p, 0, 50_000),
        None,
    )
    return Student(
        id=r.field(obj, "id", path, r.string),
        school_id=r.field(obj, "school_id", path, r.string),
        level=r.field(obj, "level", path, lambda v, p: r.integer(v, p, 1, 4)),
        pathways=r.field(obj, "pathways", path, r.pathway_list),
        qualification=r.field(obj, "qualification", path, r.opt_string, None),
        sector=r.field(obj, "sector", path, r.string),
        regions=r.field(obj, "regions", path, r.strings),
        location=r.field(obj, "location", path, r.location, None),
        max_travel_km=travel,
        priority=r.field(obj, "priority", path, r.boolean, False),
        available_from=available_from,
        available_until=available_until,
        preferences=r.field(obj, "preferences", path, r.strings, ()),
    )


def _items(
    r: _Reader, data: Mapping[str, Any], key: str, parse: Callable[[_Reader, Any, str], T | None]
) -> tuple[T, ...]:
    out: list[T] = []
    ids: dict[str, int] = {}
    for i, item in enumerate(r.array(data.get(key, []), key)):
        parsed = parse(r, item, f"{key}[{i}]")
        if parsed is None:
            continue
        ident: str = getattr(parsed, "id", "")
        if ident and ident in ids:
            r.error(f"{key}[{i}].id", f"duplicate id {ident!r} (also {key}[{ids[ident]}])")
        ids[ident] = i
        out.append(parsed)
    return tuple(out)


def parse_round(data: Any) -> Round:
    """Validate a decoded ``leerplek-round/1`` document and build the engine's Round."""
    r = _Reader()
    try:
        return _parse_round(r, data)
    except _TooMany:
        raise DocumentError(r.errors) from None


def _parse_round(r: _Reader, data: Any) -> Round:
    doc = r.obj(data, "$")
    if doc is None:
        raise DocumentError(r.errors)
    fmt = doc.get("format")
    if fmt != ROUND_FORMAT:
        r.error("format", f"must be {ROUND_FORMAT!r}, got {fmt!r}")
        raise DocumentError(r.errors)
    head = r.obj(doc.get("round"), "round") if "round" in doc else None
    if "round" not in doc:
        r.error("round", "is required")
    round_id = r.field(head, "id", "round", r.string) if head else ""
    name = r.field(head, "name", "round", r.string, round_id) if head else ""
    policy = _policy(r, doc.get("policy"))
    for key in ("offers", "students"):
        if key not in doc:
            r.error(key, "is required")
    environments = _items(r, doc, "environments", _environment)
    offers = _items(r, doc, "offers", _offer)
    students = _items(r, doc, "students", _student)

    env_ids = {e.id for e in environments}
    for i, o in enumerate(offers):
        if o.environment_id is not None and o.environment_id not in env_ids:
            r.error(f"offers[{i}].environment_id", f"unknown environment {o.environment_id!r}")
    offer_ids = {o.id for o in offers}
    student_ids = {s.id for s in students}

    rankings: dict[str, tuple[str, ...]] = {}
    raw_rankings = doc.get("company_rankings")
    if raw_rankings is not None:
        obj = r.obj(raw_rankings, "company_rankings")
        for offer_id, ranking in (obj or {}).items():
            path = f"company_rankings.{offer_id}"
            if offer_id not in offer_ids:
                r.error(path, f"unknown offer {offer_id!r}")
                continue
            listed = r.strings(ranking, path)
            seen: set[str] = set()
            for j, sid in enumerate(listed):
                if sid not in student_ids:
                    r.error(f"{path}[{j}]", f"unknown student {sid!r}")
                elif sid in seen:
                    r.error(f"{path}[{j}]", f"student {sid!r} listed twice")
                seen.add(sid)
            rankings[offer_id] = listed

    pins: list[Pin] = []
    pinned_students: set[str] = set()
    for i, item in enumerate(r.array(doc.get("pinned", []), "pinned")):
        path = f"pinned[{i}]"
        obj = r.obj(item, path)
        if obj is None:
            continue
        sid = r.field(obj, "student_id", path, r.string)
        oid = r.field(obj, "offer_id", path, r.string)
        if sid and sid not in student_ids:
            r.error(f"{path}.student_id", f"unknown student {sid!r}")
        elif sid in pinned_students:
            r.error(f"{path}.student_id", f"student {sid!r} is pinned twice")
        if oid and oid not in offer_ids:
            r.error(f"{path}.offer_id", f"unknown offer {oid!r}")
        pinned_students.add(sid)
        rank = obj.get("rank")
        pins.append(Pin(sid, oid, None if rank is None
                        else r.integer(rank, f"{path}.rank", 1)))

    if r.errors:
        raise DocumentError(r.errors)
    return Round(
        id=round_id,
        name=name,
        policy=policy,
        environments=environments,
        offers=offers,
        students=students,
        company_rankings=rankings,
        pinned=tuple(pins),
    )


def load_round(path: str | Path) -> Round:
    """Read and parse a round document file; JSON syntax errors become DocumentErrors.

    A valid document is read by the compiled reader (``solver.schema``); any other is read
    again by the careful one, which names every problem.
    """
    text = Path(path).read_bytes()
    with gc_paused():
        fast = decode_round(text)
    if fast is not None:
        return fast
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(
            [FieldError("$", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")]
        ) from None
    return parse_round(data)


# -- serialisation -----------------------------------------------------------------------------


def _date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _loc(value: Location | None) -> dict[str, float] | None:
    return None if value is None else {"lat": value.lat, "lon": value.lon}


def round_to_dict(rnd: Round) -> dict[str, Any]:
    """The round as a ``leerplek-round/1`` document (``parse_round`` reads it back equal)."""
    p = rnd.policy
    doc: dict[str, Any] = {
        "format": ROUND_FORMAT,
        "round": {"id": rnd.id, "name": rnd.name},
        "policy": {
            "objective": p.objective,
            "priority_first": p.priority_first,
            "place_unranked": p.place_unranked,
            "max_preferences": p.max_preferences,
            "seed": p.seed,
            "time_limit_s": p.time_limit_s,
        },
        "environments": [{"id": e.id, "name": e.name, "capacity": e.capacity}
                         for e in rnd.environments],
        "offers": [
            {
                "id": o.id, "company_id": o.company_id, "title": o.title,
                "levels": list(o.levels), "pathways": list(o.pathways),
                "qualifications": list(o.qualifications), "sector": o.sector,
                "region": o.region, "location": _loc(o.location), "capacity": o.capacity,
                "reserved_priority": o.reserved_priority, "environment_id": o.environment_id,
                "start": _date(o.start), "end": _date(o.end),
            }
            for o in rnd.offers
        ],
        "students": [
            {
                "id": s.id, "school_id": s.school_id, "level": s.level,
                "pathways": list(s.pathways), "qualification": s.qualification,
                "sector": s.sector, "regions": list(s.regions), "location": _loc(s.location),
                "max_travel_km": s.max_travel_km, "priority": s.priority,
                "available_from": _date(s.available_from),
                "available_until": _date(s.available_until),
                "preferences": list(s.preferences),
            }
            for s in rnd.students
        ],
    }
    if rnd.company_rankings:
        doc["company_rankings"] = {k: list(v) for k, v in rnd.company_rankings.items()}
    if rnd.pinned:
        doc["pinned"] = [{"student_id": p.student_id, "offer_id": p.offer_id}
                         | ({} if p.rank is None else {"rank": p.rank}) for p in rnd.pinned]
    return doc


def result_to_dict(result: Result) -> dict[str, Any]:
    """The result as a ``leerplek-result/1`` document."""
    return _result_doc(result, plain=True)


def result_to_json(result: Result) -> bytes:
    """The result as a ``leerplek-result/1`` document in compact UTF-8 JSON.

    Equal to ``result_to_dict`` encoded, without building a dict per assignment: msgspec
    writes the result's frozen dataclasses directly (their fields are the document's keys).
    """
    return _ENCODER.encode(_result_doc(result, plain=False))


_ENCODER = msgspec.json.Encoder()


def _result_doc(result: Result, *, plain: bool) -> dict[str, Any]:
    st = result.stats
    doc: dict[str, Any] = {
        "format": RESULT_FORMAT,
        "round_id": result.round_id,
        "objective": result.objective,
        "status": result.status,
        "proven": result.proven,
        "message": result.message,
        "assignments": [
            {"student_id": a.student_id, "offer_id": a.offer_id, "rank": a.rank,
             "pinned": a.pinned}
            for a in result.assignments
        ] if plain else result.assignments,
        "unassigned": [
            {"student_id": u.student_id, "reason": u.reason, "detail": u.detail,
             "offers": list(u.offers), "seat_reasons": list(u.seat_reasons)}
            for u in result.unassigned
        ] if plain else result.unassigned,
        "stats": {
            "students": st.students,
            "priority_students": st.priority_students,
            "placed": st.placed,
            "placed_priority": st.placed_priority,
            "pinned": st.pinned,
            "rank_profile": list(st.rank_profile),
            "rank_sum": st.rank_sum,
            "mean_rank": st.mean_rank,
            "unranked_placed": st.unranked_placed,
            "blocking_pairs": st.blocking_pairs,
            "build_seconds": round(st.build_seconds, 4),
            "solve_seconds": round(st.solve_seconds, 4),
        },
        "warnings": [
            {"code": w.code, "message": w.message, "student_id": w.student_id,
             "offer_id": w.offer_id, "rules": list(w.rules)}
            for w in result.warnings
        ] if plain else result.warnings,
        "shortage": [
            {"region": c.region, "sector": c.sector, "level": c.level,
             "unplaced_students": c.unplaced_students, "would_place": c.would_place,
             "offers": c.offers}
            for c in result.shortage
        ] if plain else result.shortage,
    }
    if result.comparison:
        doc["comparison"] = [
            {"objective": c.objective, "status": c.status, "placed": c.placed,
             "placed_priority": c.placed_priority, "rank_sum": c.rank_sum,
             "rank_profile": list(c.rank_profile), "blocking_pairs": c.blocking_pairs,
             "seconds": round(c.seconds, 4)}
            for c in result.comparison
        ]
    return doc


def parse_result(data: Any) -> Result:
    """Read a ``leerplek-result/1`` document back into a Result (for ``leerplek verify``)."""
    r = _Reader()
    doc = r.obj(data, "$")
    if doc is None or doc.get("format") != RESULT_FORMAT:
        raise DocumentError([FieldError("format", f"must be {RESULT_FORMAT!r}")], RESULT_FORMAT)
    try:
        st = r.obj(doc.get("stats"), "stats") or {}

        def nat(v: Any, p: str) -> int:
            return r.integer(v, p, 0)

        assignments = []
        for i, item in enumerate(r.array(doc.get("assignments"), "assignments")):
            path = f"assignments[{i}]"
            obj = r.obj(item, path) or {}
            rank = obj.get("rank")
            assignments.append(Assignment(
                r.field(obj, "student_id", path, r.string),
                r.field(obj, "offer_id", path, r.string),
                None if rank is None else r.integer(rank, f"{path}.rank", 1),
                r.field(obj, "pinned", path, r.boolean, False)))
        unassigned = []
        for i, item in enumerate(r.array(doc.get("unassigned", []), "unassigned")):
            path = f"unassigned[{i}]"
            obj = r.obj(item, path) or {}
            unassigned.append(Unassigned(
                r.field(obj, "student_id", path, r.string), r.field(obj, "reason", path, r.string),
                r.field(obj, "detail", path, lambda v, p: str(v), ""),
                r.field(obj, "offers", path, r.strings, ()),
                r.field(obj, "seat_reasons", path, r.strings, ())))
        mean = st.get("mean_rank")
        blocking = st.get("blocking_pairs")
        stats = Stats(
            students=r.field(st, "students", "stats", nat),
            priority_students=r.field(st, "priority_students", "stats", nat, 0),
            placed=r.field(st, "placed", "stats", nat),
            placed_priority=r.field(st, "placed_priority", "stats", nat),
            pinned=r.field(st, "pinned", "stats", nat, 0),
            rank_profile=tuple(
                r.integer(v, f"stats.rank_profile[{i}]", 0)
                for i, v in enumerate(r.array(st.get("rank_profile", []), "stats.rank_profile"))),
            rank_sum=r.field(st, "rank_sum", "stats", nat, 0),
            mean_rank=None if mean is None else r.number(mean, "stats.mean_rank", 0, 1e9),
            unranked_placed=r.field(st, "unranked_placed", "stats", nat, 0),
            blocking_pairs=None if blocking is None else nat(blocking, "stats.blocking_pairs"),
            build_seconds=float(st.get("build_seconds", 0.0)),
            solve_seconds=float(st.get("solve_seconds", 0.0)),
        )
        warnings = tuple(RoundWarning(str(w.get("code", "")), str(w.get("message", "")),
                                      w.get("student_id"), w.get("offer_id"),
                                      tuple(str(x) for x in w.get("rules") or ()))
                         for w in doc.get("warnings", []) if isinstance(w, Mapping))
        shortage = tuple(ShortageCell(str(c["region"]), str(c["sector"]), int(c["level"]),
                                      int(c["unplaced_students"]), int(c["would_place"]),
                                      int(c["offers"]))
                         for c in doc.get("shortage", []) if isinstance(c, Mapping)
                         and {"region", "sector", "level", "unplaced_students",
                              "would_place", "offers"} <= c.keys())
    except _TooMany:
        raise DocumentError(r.errors, RESULT_FORMAT) from None
    if r.errors:
        raise DocumentError(r.errors, RESULT_FORMAT)
    return Result(
        round_id=str(doc.get("round_id", "")), objective=str(doc.get("objective", "")),
        status=str(doc.get("status", "")), proven=bool(doc.get("proven", False)),
        assignments=tuple(assignments), unassigned=tuple(unassigned), stats=stats,
        warnings=warnings, shortage=shortage, message=str(doc.get("message", "")),
    )


def load_result(path: str | Path) -> Result:
    try:
        data = json.loads(Path(path).read_bytes())
    except json.JSONDecodeError as exc:
        raise DocumentError([FieldError("$", f"not valid JSON: {exc.msg}")],
                            RESULT_FORMAT) from None
    return parse_result(data)
