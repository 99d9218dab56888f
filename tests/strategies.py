"""Hypothesis strategies for small random rounds that exercise every rule of docs/ENGINE.md.

The attribute pools are deliberately tiny (2–3 regions, 2 sectors, a handful of places and
dates) so that eligible pairs are common and every rule still rejects some pairs. Places and
travel limits are chosen so that no distance lies within 0.5 km of a limit: a correct engine
can never disagree with the checker over floating-point rounding at the boundary.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
from collections import Counter
from typing import Any

from hypothesis import strategies as st

from solver.model import (
    LEVELS,
    OBJECTIVES,
    PATHWAYS,
    Environment,
    Location,
    Objective,
    Offer,
    Pin,
    Policy,
    Round,
    Student,
)
from solver.verify import eligible, haversine_km

REGIONS = ("Noord-Holland", "Utrecht", "Gelderland")
SECTORS = ("zorg", "techniek")
QUALIFICATIONS = {"zorg": ("25491", "25480"), "techniek": ("25256", "25270")}
ALL_QUALIFICATIONS = tuple(q for qs in QUALIFICATIONS.values() for q in qs)
PLACES = (
    Location(52.3676, 4.9041),  # Amsterdam
    Location(52.0907, 5.1214),  # Utrecht
    Location(51.9851, 5.8987),  # Arnhem
    Location(52.1601, 4.4970),  # Leiden
    Location(52.3874, 4.6462),  # Haarlem
    Location(52.1561, 5.3878),  # Amersfoort
)
TRAVEL_KM = (0.0, 10.0, 35.0, 60.0, 200.0)
OFFER_STARTS = (dt.date(2025, 1, 6), dt.date(2025, 2, 3))
OFFER_ENDS = (dt.date(2025, 6, 27), dt.date(2025, 7, 11))
STUDENT_FROM = (dt.date(2025, 1, 6), dt.date(2025, 2, 3), dt.date(2025, 3, 3))
STUDENT_UNTIL = (dt.date(2025, 6, 27), dt.date(2025, 7, 11), dt.date(2025, 8, 1))

for _a, _b in itertools.product(PLACES, PLACES):
    _d = haversine_km(_a, _b)
    assert all(abs(_d - limit) > 0.5 or _d == limit == 0.0 for limit in TRAVEL_KM), (_a, _b)


# Strategies are built once and cached: building them anew for every draw costs more than
# the whole engine run on these tiny rounds.


@functools.cache
def ints(lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.integers(lo, hi)


@functools.cache
def pick(options: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    return st.sampled_from(options)


@functools.cache
def maybe(options: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    return st.none() | st.sampled_from(options)


@functools.cache
def subset(pool: tuple[Any, ...], min_size: int = 1) -> st.SearchStrategy[tuple[Any, ...]]:
    """A subset of the pool, in pool order."""
    return st.sets(st.sampled_from(pool), min_size=min_size).map(
        lambda s: tuple(x for x in pool if x in s)
    )


BOOLS = st.booleans()


@functools.cache
def permutations(items: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    return st.permutations(items)


def _often(draw: st.DrawFn, common: st.SearchStrategy, rare: st.SearchStrategy) -> Any:
    """Three times out of four the common case (what shrinking goes to), else the rare one."""
    return draw(common) if draw(ints(0, 3)) < 3 else draw(rare)


@st.composite
def offers_and_environments(
    draw: st.DrawFn, regions: tuple[str, ...], max_offers: int
) -> tuple[tuple[Offer, ...], tuple[Environment, ...]]:
    n_env = draw(ints(0, 2))
    environments = tuple(
        Environment(id=f"e{k}", name=f"Leeromgeving {k}", capacity=draw(ints(0, 3)))
        for k in range(n_env)
    )
    env_ids = tuple(e.id for e in environments)
    offers = []
    for j in range(_often(draw, ints(min(2, max_offers), max_offers), ints(1, 1))):
        sector = SECTORS[0] if draw(ints(0, 3)) < 3 else draw(pick(SECTORS))
        quals: tuple[str, ...] = () if draw(ints(0, 3)) < 3 else draw(subset(ALL_QUALIFICATIONS))
        capacity = _often(draw, ints(1, 2), ints(0, 3))
        dated = draw(ints(0, 2)) == 0
        offers.append(
            Offer(
                id=f"o{j}",
                company_id=f"c{draw(ints(0, 2))}",
                title=f"Plek {j}",
                levels=LEVELS if draw(ints(0, 3)) < 3 else draw(subset(LEVELS)),
                pathways=PATHWAYS if draw(ints(0, 3)) < 3 else draw(subset(PATHWAYS)),
                qualifications=quals,
                sector=sector,
                region=regions[0] if draw(ints(0, 3)) < 3 else draw(pick(regions)),
                location=None if draw(ints(0, 3)) < 3 else draw(pick(PLACES)),
                capacity=capacity,
                reserved_priority=0 if draw(ints(0, 3)) < 3 else draw(ints(0, capacity)),
                environment_id=draw(maybe(env_ids)) if env_ids else None,
                start=draw(maybe(OFFER_STARTS)) if dated else None,
                end=draw(maybe(OFFER_ENDS)) if dated else None,
            )
        )
    return tuple(offers), environments


@st.composite
def student_list(
    draw: st.DrawFn,
    regions: tuple[str, ...],
    offers: tuple[Offer, ...],
    max_students: int,
    max_preferences: int,
) -> tuple[Student, ...]:
    anything = (*(o.id for o in offers), "ghost")  # ghost: an unknown offer
    students = []
    for i in range(_often(draw, ints(min(3, max_students), max_students), ints(1, 1))):
        sector = SECTORS[0] if draw(ints(0, 3)) < 3 else draw(pick(SECTORS))
        qualification = _often(draw, pick(QUALIFICATIONS[sector]), maybe(ALL_QUALIFICATIONS))
        located = draw(ints(0, 2)) == 0
        dated = draw(ints(0, 2)) == 0
        s = Student(
            id=f"s{i}",
            school_id=f"school{draw(ints(0, 1))}",
            level=draw(pick(LEVELS)),
            pathways=("BOL",) if draw(ints(0, 3)) < 3 else draw(subset(PATHWAYS)),
            qualification=qualification,
            sector=sector,
            regions=regions if draw(ints(0, 3)) < 3 else draw(subset(regions, 0)),
            location=draw(pick(PLACES)) if located else None,
            max_travel_km=draw(maybe(TRAVEL_KM)) if located else None,
            priority=draw(BOOLS),
            available_from=draw(maybe(STUDENT_FROM)) if dated else None,
            available_until=draw(maybe(STUDENT_UNTIL)) if dated else None,
            preferences=(),
        )
        # Mostly eligible offers, so that counted entries are common; sometimes anything
        # (ineligible, unknown, repeated, or beyond max_preferences).
        fitting = tuple(o.id for o in offers if eligible(s, o))
        length = _often(draw, ints(1, max_preferences + 1), ints(0, max_preferences + 2))
        prefs = tuple(
            draw(pick(fitting)) if fitting and draw(ints(0, 5)) < 5 else draw(pick(anything))
            for _ in range(length)
        )
        students.append(dataclasses.replace(s, preferences=prefs))
    return tuple(students)


@st.composite
def pins_that_fit(
    draw: st.DrawFn,
    offers: tuple[Offer, ...],
    environments: tuple[Environment, ...],
    students: tuple[Student, ...],
) -> tuple[Pin, ...]:
    """Pinned pairs (eligible or not) that together break no capacity."""
    chosen: list[Student] = []
    if draw(ints(0, 2)) == 0:  # a third of the rounds have pins
        chosen = [s for s in students if draw(ints(0, 2)) == 0][:3]
    env_cap = {e.id: e.capacity for e in environments}
    count: Counter[str] = Counter()
    count_np: Counter[str] = Counter()
    env_count: Counter[str] = Counter()
    pins = []
    for s in chosen:
        o = draw(pick(offers))
        if count[o.id] + 1 > o.capacity:
            continue
        if not s.priority and count_np[o.id] + 1 > o.capacity - o.reserved_priority:
            continue
        if (
            o.environment_id is not None
            and env_count[o.environment_id] + 1 > env_cap[o.environment_id]
        ):
            continue
        count[o.id] += 1
        count_np[o.id] += 0 if s.priority else 1
        if o.environment_id is not None:
            env_count[o.environment_id] += 1
        pins.append(Pin(student_id=s.id, offer_id=o.id))
    return tuple(pins)


@st.composite
def rounds(
    draw: st.DrawFn,
    objective: Objective | None = None,
    max_students: int = 7,
    max_offers: int = 4,
    environments: bool | None = None,
    company_rankings: bool | None = None,
) -> Round:
    """A small random round.

    ``objective`` fixes the policy's objective (random otherwise); ``environments`` and
    ``company_rankings`` force them on or off (random when None).
    """
    regions = REGIONS[: draw(ints(2, 3))]
    max_preferences = draw(ints(1, 4))
    policy = Policy(
        objective=objective if objective is not None else draw(pick(OBJECTIVES)),
        priority_first=draw(BOOLS),
        place_unranked=draw(BOOLS),
        max_preferences=max_preferences,
        seed=draw(ints(0, 3)),
    )
    offers, envs = draw(offers_and_environments(regions, max_offers))
    if environments is False:
        offers = tuple(dataclasses.replace(o, environment_id=None) for o in offers)
        envs = ()
    elif environments is True and not envs:
        envs = (Environment(id="e0", name="Leeromgeving 0", capacity=draw(ints(0, 3))),)
        offers = tuple(
            dataclasses.replace(o, environment_id="e0") if k == 0 or draw(BOOLS) else o
            for k, o in enumerate(offers)
        )
    students = draw(student_list(regions, offers, max_students, max_preferences))
    rankings: dict[str, tuple[str, ...]] = {}
    if company_rankings is True or (company_rankings is None and draw(BOOLS)):
        ids = tuple(s.id for s in students)
        for o in offers:
            if (company_rankings is True and not rankings) or draw(BOOLS):
                rankings[o.id] = tuple(draw(permutations(ids))[: draw(ints(0, len(ids)))])
    pinned = draw(pins_that_fit(offers, envs, students))
    return Round(
        id="r1",
        name="Testronde",
        policy=policy,
        environments=envs,
        offers=offers,
        students=students,
        company_rankings=rankings,
        pinned=pinned,
    )
