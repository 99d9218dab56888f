"""Hypothesis strategies for small random rounds that exercise every rule of docs/ENGINE.md.

The attribute pools are deliberately tiny (2–3 regions, 2 sectors, a handful of places and
dates) so that eligible pairs are common and every rule still rejects some pairs. Places and
travel limits are chosen so that no distance lies within 0.5 km of a limit: a correct engine
can never disagree with the checker over floating-point rounding at the boundary.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import Counter

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
from solver.verify import haversine_km

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


def _subset(pool: tuple[str, ...] | tuple[int, ...], full_weight: bool = True) -> st.SearchStrategy:
    """A non-empty subset of the pool, in pool order; the whole pool half of the time."""
    some = st.sets(st.sampled_from(pool), min_size=1).map(
        lambda s: tuple(x for x in pool if x in s)
    )
    return st.one_of(st.just(tuple(pool)), some) if full_weight else some


def _maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(st.none(), strategy)


@st.composite
def offers_and_environments(
    draw: st.DrawFn, regions: tuple[str, ...], max_offers: int
) -> tuple[tuple[Offer, ...], tuple[Environment, ...]]:
    n_env = draw(st.integers(0, 2))
    environments = tuple(
        Environment(id=f"e{k}", name=f"Leeromgeving {k}", capacity=draw(st.integers(0, 3)))
        for k in range(n_env)
    )
    offers = []
    for j in range(draw(st.integers(1, max_offers))):
        sector = draw(st.sampled_from(SECTORS))
        quals: tuple[str, ...] = draw(
            st.one_of(
                st.just(()),
                st.sets(st.sampled_from(ALL_QUALIFICATIONS), min_size=1).map(
                    lambda s: tuple(sorted(s))
                ),
            )
        )
        capacity = draw(st.integers(0, 3))
        offers.append(
            Offer(
                id=f"o{j}",
                company_id=f"c{draw(st.integers(0, 2))}",
                title=f"Plek {j}",
                levels=draw(_subset(LEVELS)),
                pathways=draw(_subset(PATHWAYS)),
                qualifications=quals,
                sector=sector,
                region=draw(st.sampled_from(regions)),
                location=draw(_maybe(st.sampled_from(PLACES))),
                capacity=capacity,
                reserved_priority=draw(st.integers(0, capacity)),
                environment_id=(
                    draw(_maybe(st.sampled_from([e.id for e in environments])))
                    if environments
                    else None
                ),
                start=draw(_maybe(st.sampled_from(OFFER_STARTS))),
                end=draw(_maybe(st.sampled_from(OFFER_ENDS))),
            )
        )
    return tuple(offers), environments


@st.composite
def student_list(
    draw: st.DrawFn,
    regions: tuple[str, ...],
    offer_ids: list[str],
    max_students: int,
    max_preferences: int,
) -> tuple[Student, ...]:
    entries = st.sampled_from([*offer_ids, "ghost"])  # "ghost": an unknown offer
    students = []
    for i in range(draw(st.integers(1, max_students))):
        sector = draw(st.sampled_from(SECTORS))
        qualification = draw(
            st.one_of(
                st.sampled_from(QUALIFICATIONS[sector]),
                st.none(),
                st.sampled_from(ALL_QUALIFICATIONS),
            )
        )
        students.append(
            Student(
                id=f"s{i}",
                school_id=f"school{draw(st.integers(0, 1))}",
                level=draw(st.sampled_from(LEVELS)),
                pathways=draw(_subset(PATHWAYS, full_weight=False)),
                qualification=qualification,
                sector=sector,
                regions=draw(
                    st.one_of(
                        st.just(regions),
                        st.sets(st.sampled_from(regions), max_size=len(regions)).map(
                            lambda s: tuple(r for r in regions if r in s)
                        ),
                    )
                ),
                location=draw(_maybe(st.sampled_from(PLACES))),
                max_travel_km=draw(_maybe(st.sampled_from(TRAVEL_KM))),
                priority=draw(st.booleans()),
                available_from=draw(_maybe(st.sampled_from(STUDENT_FROM))),
                available_until=draw(_maybe(st.sampled_from(STUDENT_UNTIL))),
                preferences=tuple(
                    draw(st.lists(entries, min_size=0, max_size=max_preferences + 2))
                ),
            )
        )
    return tuple(students)


@st.composite
def pins_that_fit(
    draw: st.DrawFn,
    offers: tuple[Offer, ...],
    environments: tuple[Environment, ...],
    students: tuple[Student, ...],
) -> tuple[Pin, ...]:
    """Pinned pairs (eligible or not) that together break no capacity."""
    if not draw(st.integers(0, 2)):  # a third of the rounds have pins
        chosen = draw(st.lists(st.sampled_from(students), unique_by=lambda s: s.id, max_size=3))
    else:
        chosen = []
    env_cap = {e.id: e.capacity for e in environments}
    count: Counter[str] = Counter()
    count_np: Counter[str] = Counter()
    env_count: Counter[str] = Counter()
    pins = []
    for s in chosen:
        o = draw(st.sampled_from(offers))
        if count[o.id] + 1 > o.capacity:
            continue
        if not s.priority and count_np[o.id] + 1 > o.capacity - o.reserved_priority:
            continue
        if o.environment_id is not None and env_count[o.environment_id] + 1 > env_cap[
            o.environment_id
        ]:
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
    regions = REGIONS[: draw(st.integers(2, 3))]
    max_preferences = draw(st.integers(1, 4))
    policy = Policy(
        objective=objective if objective is not None else draw(st.sampled_from(OBJECTIVES)),
        priority_first=draw(st.booleans()),
        place_unranked=draw(st.booleans()),
        max_preferences=max_preferences,
        seed=draw(st.integers(0, 3)),
    )
    offers, envs = draw(offers_and_environments(regions, max_offers))
    if environments is False:
        offers = tuple(dataclasses.replace(o, environment_id=None) for o in offers)
        envs = ()
    elif environments is True and not envs:
        envs = (Environment(id="e0", name="Leeromgeving 0", capacity=draw(st.integers(0, 3))),)
        offers = tuple(
            dataclasses.replace(o, environment_id="e0")
            if k == 0 or draw(st.booleans())
            else o
            for k, o in enumerate(offers)
        )
    students = draw(student_list(regions, [o.id for o in offers], max_students, max_preferences))
    rankings: dict[str, tuple[str, ...]] = {}
    if company_rankings is True or (company_rankings is None and draw(st.booleans())):
        for o in offers:
            if company_rankings is True and not rankings or draw(st.booleans()):
                listed = draw(
                    st.lists(st.sampled_from(students), unique_by=lambda s: s.id).map(
                        lambda ss: tuple(s.id for s in ss)
                    )
                )
                rankings[o.id] = listed
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
