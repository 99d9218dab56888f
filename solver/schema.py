"""The ``leerplek-round/1`` format as compiled msgspec types: the fast way in for valid rounds.

msgspec parses and checks a whole document in C (types, ranges, required fields, non-empty
strings); the few rules that tie fields together (reserved seats within capacity, dates in
order, unique ids, known references) are checked here on the decoded values. Anything this
reader does not accept returns ``None``, and ``solver.document`` reads the document again with
its careful reader, which names every offending field. So this module only decides how fast a
valid round is read, never what a valid round is: every document it accepts, the careful
reader accepts and reads the same (``tests/test_document.py`` holds them to that).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from .model import (
    MAX_PREFERENCES_LIMITS,
    POLICY_DEFAULTS,
    SEED_LIMITS,
    TIME_LIMIT_S_LIMITS,
    Environment,
    Location,
    Objective,
    Offer,
    Pin,
    Policy,
    Round,
    Student,
)

Text = Annotated[str, Meta(min_length=1)]
Level = Annotated[int, Meta(ge=1, le=4)]
Pathway = Literal["BOL", "BBL", "HYBRID"]  # model.PATHWAYS (tests/test_document.py)
_D = POLICY_DEFAULTS


class _Location(Struct, frozen=True, gc=False):
    lat: Annotated[float, Meta(ge=-90, le=90)]
    lon: Annotated[float, Meta(ge=-180, le=180)]


class _Policy(Struct, frozen=True, gc=False):
    objective: Objective = _D.objective
    priority_first: bool = _D.priority_first
    place_unranked: bool = _D.place_unranked
    max_preferences: Annotated[int, Meta(ge=MAX_PREFERENCES_LIMITS[0],
                                         le=MAX_PREFERENCES_LIMITS[1])] = _D.max_preferences
    seed: Annotated[int, Meta(ge=SEED_LIMITS[0], le=SEED_LIMITS[1])] = _D.seed
    time_limit_s: Annotated[float, Meta(ge=TIME_LIMIT_S_LIMITS[0],
                                        le=TIME_LIMIT_S_LIMITS[1])] = _D.time_limit_s


class _Environment(Struct, frozen=True, gc=False):
    id: Text
    capacity: Annotated[int, Meta(ge=0)]
    name: Text = ""


class _Offer(Struct, frozen=True, gc=False):
    id: Text
    company_id: Text
    levels: Annotated[list[Level], Meta(min_length=1)]
    pathways: Annotated[list[Pathway], Meta(min_length=1)]
    sector: Text
    region: Text
    capacity: Annotated[int, Meta(ge=0)]
    title: Text = ""
    qualifications: list[Text] = []
    location: _Location | None = None
    reserved_priority: Annotated[int, Meta(ge=0)] = 0
    environment_id: Text | None = None
    start: dt.date | None = None
    end: dt.date | None = None


class _Student(Struct, frozen=True, gc=False):
    id: Text
    school_id: Text
    level: Level
    pathways: Annotated[list[Pathway], Meta(min_length=1)]
    sector: Text
    regions: list[Text]
    qualification: Text | None = None
    location: _Location | None = None
    max_travel_km: Annotated[float, Meta(ge=0, le=50_000)] | None = None
    priority: bool = False
    available_from: dt.date | None = None
    available_until: dt.date | None = None
    preferences: list[Text] = []


class _Head(Struct, frozen=True, gc=False):
    id: Text
    name: Text | UnsetType = UNSET


class _Pin(Struct, frozen=True, gc=False):
    student_id: Text
    offer_id: Text
    rank: Annotated[int, Meta(ge=1)] | None = None


class _Round(Struct, frozen=True, gc=False):
    format: Literal["leerplek-round/1"]
    round: _Head
    offers: list[_Offer]
    students: list[_Student]
    policy: _Policy | None = None
    environments: list[_Environment] = []
    company_rankings: dict[str, list[Text]] | None = None
    pinned: list[_Pin] = []


_DECODER = msgspec.json.Decoder(_Round)


def _location(loc: _Location | None) -> Location | None:
    return None if loc is None else Location(loc.lat, loc.lon)


def _unique(ids: list[str]) -> bool:
    return len(set(ids)) == len(ids)


def decode_round(data: bytes) -> Round | None:
    """The round, if ``data`` is a valid document; ``None`` for anything else (see above)."""
    try:
        doc = _DECODER.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    envs, offers, students = doc.environments, doc.offers, doc.students
    env_ids = {e.id for e in envs}
    if not (_unique([e.id for e in envs]) and _unique([o.id for o in offers])
            and _unique([s.id for s in students])):
        return None
    for o in offers:
        if (o.reserved_priority > o.capacity
                or (o.start is not None and o.end is not None and o.end < o.start)
                or (o.environment_id is not None and o.environment_id not in env_ids)):
            return None
    for s in students:
        if s.available_from and s.available_until and s.available_until < s.available_from:
            return None
    offer_ids = {o.id for o in offers}
    student_ids = {s.id for s in students}
    rankings = doc.company_rankings or {}
    for offer_id, ranking in rankings.items():
        if offer_id not in offer_ids or not _unique(ranking) or not student_ids.issuperset(
                ranking):
            return None
    pinned = [p.student_id for p in doc.pinned]
    if not (_unique(pinned) and student_ids.issuperset(pinned)
            and offer_ids.issuperset(p.offer_id for p in doc.pinned)):
        return None

    p = doc.policy or _Policy()
    return Round(
        id=doc.round.id,
        name=doc.round.id if isinstance(doc.round.name, UnsetType) else doc.round.name,
        policy=Policy(p.objective, p.priority_first, p.place_unranked, p.max_preferences,
                      p.seed, p.time_limit_s),
        environments=tuple(Environment(e.id, e.name, e.capacity) for e in envs),
        offers=tuple(
            Offer(o.id, o.company_id, o.title, tuple(o.levels), tuple(o.pathways),
                  tuple(o.qualifications), o.sector, o.region, _location(o.location),
                  o.capacity, o.reserved_priority, o.environment_id, o.start, o.end)
            for o in offers),
        students=tuple(
            Student(s.id, s.school_id, s.level, tuple(s.pathways), s.qualification, s.sector,
                    tuple(s.regions), _location(s.location), s.max_travel_km, s.priority,
                    s.available_from, s.available_until, tuple(s.preferences))
            for s in students),
        company_rankings={k: tuple(v) for k, v in rankings.items()},
        pinned=tuple(Pin(x.student_id, x.offer_id, x.rank) for x in doc.pinned),
    )


__all__ = ["decode_round"]
