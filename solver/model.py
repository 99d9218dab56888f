"""Plain, frozen data for one allocation round and its result.

These types are the engine's whole interface: the service builds them from its database,
the CLI from a ``leerplek-round/1`` document. Nothing here knows about HTTP or SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Literal

Objective = Literal["optimal", "rank_maximal", "stable"]
OBJECTIVES: tuple[Objective, ...] = ("optimal", "rank_maximal", "stable")
PATHWAYS: tuple[str, ...] = ("BOL", "BBL", "HYBRID")
LEVELS: tuple[int, ...] = (1, 2, 3, 4)

# Reasons a student ends a round without a placement.
NO_PREFERENCES = "no_preferences"
NO_ELIGIBLE_OFFER = "no_eligible_offer"
PREFERENCES_INELIGIBLE = "preferences_ineligible"
OUTCOMPETED = "outcompeted"
UNASSIGNED_REASONS = (NO_PREFERENCES, NO_ELIGIBLE_OFFER, PREFERENCES_INELIGIBLE, OUTCOMPETED)

# Why a listed offer had no seat for an outcompeted student (docs/ENGINE.md), most certain
# first: the offer's own seats all went to others; the offer's remaining seats are reserved for
# students with priority (only ever said of a student without priority); the hybrid learning
# environment the offer sits in was full, not the offer.
SEAT_FULL = "full"
SEAT_RESERVED = "reserved"
SEAT_ENVIRONMENT_FULL = "environment_full"
SEAT_REASONS = (SEAT_FULL, SEAT_RESERVED, SEAT_ENVIRONMENT_FULL)

# Result statuses.
OPTIMAL = "optimal"  # proven lexicographically optimal for the policy's objective
STABLE = "stable"  # deferred acceptance finished and no blocking pair exists
FEASIBLE = "feasible"  # a valid allocation, optimality or stability not proven
INFEASIBLE = "infeasible"  # pinned placements alone break a capacity: nothing allocated


@dataclass(frozen=True, slots=True)
class Location:
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Policy:
    objective: Objective = "optimal"
    priority_first: bool = True
    place_unranked: bool = False
    max_preferences: int = 10
    seed: int = 0
    time_limit_s: float = 60.0


# The policy's fields, defaults and allowed values: the one source. The round document, the
# service's schemas, its policy form and its round import all derive theirs from these.
POLICY_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Policy))
POLICY_DEFAULTS = Policy()
# Inclusive bounds of the numeric fields (the objective's allowed values are OBJECTIVES).
MAX_PREFERENCES_LIMITS: tuple[int, int] = (1, 100)
SEED_LIMITS: tuple[int, int] = (0, 2**63 - 1)
TIME_LIMIT_S_LIMITS: tuple[float, float] = (0.001, 86400)
POLICY_LIMITS: Mapping[str, tuple[float, float]] = {
    "max_preferences": MAX_PREFERENCES_LIMITS,
    "seed": SEED_LIMITS,
    "time_limit_s": TIME_LIMIT_S_LIMITS,
}


@dataclass(frozen=True, slots=True)
class Environment:
    """A hybrid learning environment: one capacity shared by its partners' offers."""

    id: str
    name: str
    capacity: int


@dataclass(frozen=True, slots=True)
class Offer:
    id: str
    company_id: str
    title: str
    levels: tuple[int, ...]
    pathways: tuple[str, ...]
    qualifications: tuple[str, ...]
    sector: str
    region: str
    location: Location | None
    capacity: int
    reserved_priority: int = 0
    environment_id: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Student:
    id: str
    school_id: str
    level: int
    pathways: tuple[str, ...]
    qualification: str | None
    sector: str
    regions: tuple[str, ...]
    location: Location | None
    max_travel_km: float | None
    priority: bool
    available_from: dt.date | None
    available_until: dt.date | None
    preferences: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Pin:
    """A placement accepted in an earlier round; it stays and uses its seat."""

    student_id: str
    offer_id: str
    # The rank it was made at, in the round that made it: a kept placement counts at that
    # rank, not as unranked (its list is no longer in the new round). None: look it up in
    # the student's list here, else unranked.
    rank: int | None = None


@dataclass(frozen=True)
class Round:
    id: str
    name: str
    policy: Policy
    environments: tuple[Environment, ...]
    offers: tuple[Offer, ...]
    students: tuple[Student, ...]
    company_rankings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    pinned: tuple[Pin, ...] = ()


@dataclass(frozen=True, slots=True)
class Assignment:
    student_id: str
    offer_id: str
    rank: int | None  # position in the student's list; None for an unranked placement
    pinned: bool


@dataclass(frozen=True, slots=True)
class Unassigned:
    student_id: str
    reason: str
    detail: str
    offers: tuple[str, ...] = ()  # for `outcompeted`: the full offers the student ranked
    # Per entry of ``offers``, why its seat was not free: one of SEAT_REASONS.
    seat_reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RoundWarning:
    code: str
    message: str
    student_id: str | None = None
    offer_id: str | None = None
    # For `ineligible_offer`: the eligibility rules the entry breaks, by stable code
    # (solver.verify.RULE_NUMBER's keys), for a surface to put into words.
    rules: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ShortageCell:
    """Extra capacity in one region × sector × level cell, and what it would achieve."""

    region: str
    sector: str
    level: int
    unplaced_students: int  # unplaced students of this level who listed or fit the cell
    would_place: int  # how many of them unlimited extra seats in the cell would place
    offers: int  # offers in the cell that accept this level


@dataclass(frozen=True)
class Stats:
    students: int
    priority_students: int
    placed: int
    placed_priority: int
    pinned: int
    rank_profile: tuple[int, ...]  # placed at rank 1..max_preferences, then unranked
    rank_sum: int
    mean_rank: float | None
    unranked_placed: int
    blocking_pairs: int | None  # counted when company rankings exist or the objective is stable
    build_seconds: float
    solve_seconds: float


@dataclass(frozen=True)
class Comparison:
    """One objective's outcome on the same round, for `--compare`."""

    objective: str
    status: str
    placed: int
    placed_priority: int
    rank_sum: int
    rank_profile: tuple[int, ...]
    blocking_pairs: int | None
    seconds: float


@dataclass(frozen=True)
class Result:
    round_id: str
    objective: str
    status: str
    proven: bool
    assignments: tuple[Assignment, ...]
    unassigned: tuple[Unassigned, ...]
    stats: Stats
    warnings: tuple[RoundWarning, ...]
    shortage: tuple[ShortageCell, ...]
    message: str = ""
    comparison: tuple[Comparison, ...] = ()
