"""Synthetic, calibrated ``leerplek-round/1`` documents for Overijssel.

This is the one generator behind the engine's ``leerplek generate`` and the service's demo
seeding. The figures it is calibrated on come from ``../shared/DOMAIN.md``, either through
the versioned reference data in ``seeds/reference/`` (regions, schools, sectors,
qualifications) or through :data:`TARGETS` (every other modelling choice, in one place so
tests and docs can cite it).

Everything is vectorised with NumPy: nothing loops in Python over student × offer pairs, so a
national round (500,000 students) takes seconds. The same ``(students, seed)`` always gives
the same document.
"""

from __future__ import annotations

import copy
import datetime as dt
import gc
import itertools
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Final, TypedDict, cast

import numpy as np
from numpy.typing import NDArray

from solver.eligibility import EARTH_RADIUS_KM, great_circle_km
from solver.model import POLICY_DEFAULTS, POLICY_FIELDS

__all__ = [
    "DEFAULT_POLICY", "FORMAT", "PERIODS", "TARGETS", "Targets", "generate_round", "load_reference",
]

FORMAT: Final = "leerplek-round/1"
PATHWAYS: Final = ("BOL", "BBL", "HYBRID")
_BOL, _BBL, _HYB = 1, 2, 4  # pathway bit masks, in PATHWAYS order

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
Bool = NDArray[np.bool_]

# BPV periods of the synthetic school year: two half-year blocks and the whole year. A dated
# student wants one of them; a dated offer runs for one of them, so "first half" students and
# "second half" offers do not fit, as in practice.
PERIODS: Final[dict[str, tuple[dt.date, dt.date]]] = {
    "first-half": (dt.date(2026, 9, 1), dt.date(2027, 1, 29)),
    "second-half": (dt.date(2027, 2, 1), dt.date(2027, 6, 30)),
    "year": (dt.date(2026, 9, 1), dt.date(2027, 6, 30)),
}


class Targets(TypedDict):
    """Calibration targets; shares are fractions of all students (or offers) unless noted."""

    level_shares: dict[int, float]
    school_shares: dict[str, float]
    sector_shares: dict[str, float]
    bbl_share: float
    hybrid_accept_share: float
    priority_share: float
    capacity_ratio: float
    own_region_only: dict[int, float]
    all_regions_share_level4: float
    max_travel_km: dict[int | None, float]
    no_location_share: float
    dated_share: float
    empty_preferences_share: float
    full_list_share: float
    list_length: int
    noise_share: float
    popularity_zipf_exponent: float
    distance_decay_km: float
    location_jitter_km: float
    offer_capacity: dict[int, float]
    offers_per_company: dict[int, float]
    offer_pathways: dict[str, float]
    multi_level_offer_share: float
    reserved_priority_share: float
    offer_qualifications: dict[str, float]
    hybrid_offer_share: float
    environment_capacity_factor: float
    students_per_environment: int
    environments_per_region: tuple[int, int]
    shortage_cells: tuple[tuple[str, str], ...]
    shortage_capacity_factor: float


def _read_json(name: str) -> dict[str, Any]:
    # importlib.resources keeps this working from a wheel or zip as well as from a checkout.
    text = resources.files("seeds").joinpath("reference", name).read_text(encoding="utf-8")
    return cast(dict[str, Any], json.loads(text))


@lru_cache(maxsize=1)
def _reference() -> dict[str, Any]:
    ref: dict[str, Any] = {
        key: _read_json(f"{key}.json")[key]
        for key in ("regions", "schools", "sectors", "qualifications")
    }
    _check_reference(ref)
    return ref


def load_reference() -> dict[str, Any]:
    """The reference data: ``{"regions", "schools", "sectors", "qualifications"}`` lists.

    Each call returns a fresh copy, so callers (the service's seeding) may change it freely.
    """
    return copy.deepcopy(_reference())


def _check_reference(ref: dict[str, Any]) -> None:
    """Fail loudly on edited reference files that the generator cannot calibrate on."""
    region_ids = {r["id"] for r in ref["regions"]}
    sector_ids = {s["id"] for s in ref["sectors"]}
    codes = [q["code"] for q in ref["qualifications"]]
    if len(set(codes)) != len(codes) or not all(len(c) == 5 and c.isdigit() for c in codes):
        raise ValueError("qualifications.json: codes must be unique 5-digit strings")
    if abs(sum(s["employment_share"] for s in ref["sectors"]) - 1.0) > 1e-6:
        raise ValueError("sectors.json: employment shares must add up to 1")
    for school in ref["schools"]:
        if not set(school["regions"]) <= region_ids:
            raise ValueError(f"schools.json: unknown region for {school['id']}")
        if school["sectors"] is not None and not set(school["sectors"]) <= sector_ids:
            raise ValueError(f"schools.json: unknown sector for {school['id']}")
    for q in ref["qualifications"]:
        if q["sector"] not in sector_ids or not set(q["levels"]) <= {1, 2, 3, 4}:
            raise ValueError(f"qualifications.json: bad sector or levels for {q['code']}")


def _shares_from_reference() -> tuple[dict[str, float], dict[str, float]]:
    ref = _reference()
    total = sum(s["students"] for s in ref["schools"])
    schools = {s["id"]: s["students"] / total for s in ref["schools"]}
    sectors = {s["id"]: float(s["employment_share"]) for s in ref["sectors"]}
    return schools, sectors


_SCHOOL_SHARES, _SECTOR_SHARES = _shares_from_reference()

TARGETS: Final[Targets] = {
    # DOMAIN.md: national level shares.
    "level_shares": {1: 0.03, 2: 0.17, 3: 0.25, 4: 0.55},
    # DOMAIN.md: school sizes (schools.json), students drawn in proportion.
    "school_shares": _SCHOOL_SHARES,
    # DOMAIN.md: Overijssel employment shares (sectors.json), used as student sector shares.
    "sector_shares": _SECTOR_SHARES,
    # Share of students on the work-based pathway; the rest is BOL.
    "bbl_share": 0.25,
    # Share of students who also accept a hybrid place, on top of BOL or BBL.
    "hybrid_accept_share": 0.05,
    # DOMAIN.md: about 15% of young people are vulnerable and get placements first.
    "priority_share": 0.15,
    # Total offer capacity / students.
    "capacity_ratio": 1.05,
    # Share of students per level who accept only their own region (levels 2–3 strongly bound).
    "own_region_only": {1: 1.0, 2: 0.92, 3: 0.92, 4: 0.50},
    # Share of level-4 students who accept every region (the rest of the mobile ones take two).
    "all_regions_share_level4": 0.10,
    # Distribution of max_travel_km (None: no limit).
    "max_travel_km": {15: 0.10, 25: 0.20, 40: 0.30, 60: 0.15, None: 0.25},
    # Students and offers without a location (travel limits then do not apply).
    "no_location_share": 0.01,
    # Students with an availability window, offers with a start/end (see PERIODS).
    "dated_share": 0.30,
    # Students who submit no preferences at all.
    "empty_preferences_share": 0.01,
    # Of the other students: share that lists the full list_length (the rest 3–9 entries).
    "full_list_share": 0.75,
    "list_length": 10,
    # Students with one noisy entry (an ineligible or a repeated offer), like real input.
    "noise_share": 0.02,
    # Offer popularity weight = (random popularity rank) ** -exponent: a few offers are wanted
    # by many, so they are oversubscribed.
    "popularity_zipf_exponent": 0.9,
    # Nearer offers are preferred: a candidate at d km is kept with 0.15 + 0.85·exp(-d/decay).
    "distance_decay_km": 25.0,
    # Standard deviation of home and company locations around their place.
    "location_jitter_km": 4.0,
    # Offer capacity distribution (1–6 seats).
    "offer_capacity": {1: 0.35, 2: 0.25, 3: 0.15, 4: 0.10, 5: 0.08, 6: 0.07},
    # Offers per company (kvk number).
    "offers_per_company": {1: 0.5, 2: 0.3, 3: 0.2},
    # Pathways of ordinary (non-hybrid) offers.
    "offer_pathways": {"BOL": 0.65, "BBL": 0.22, "BOL+BBL": 0.13},
    # Offers that take an adjacent level too (e.g. levels 2 and 3).
    "multi_level_offer_share": 0.25,
    # Offers (with 2+ seats) that reserve some seats for priority students.
    "reserved_priority_share": 0.25,
    # Offer recognised for every qualification of its sector and levels, for a single one, or
    # listing none (then the sector decides).
    "offer_qualifications": {"all": 0.50, "single": 0.35, "sector_only": 0.15},
    # Share of offers that are hybrid places in an environment.
    "hybrid_offer_share": 0.03,
    # Environment capacity = factor × its offers' capacity, so the environment binds.
    "environment_capacity_factor": 0.75,
    # One environment per region per this many students, clipped to environments_per_region.
    "students_per_environment": 12_000,
    "environments_per_region": (2, 6),
    # (region, sector) cells with too few places: capacity = factor × home demand there; the
    # other cells are scaled up so the total stays at capacity_ratio.
    "shortage_cells": (
        ("twente", "zorg-welzijn"),
        ("regio-zwolle", "ict-creatief"),
        ("stedendriehoek", "techniek"),
    ),
    "shortage_capacity_factor": 0.70,
}

DEFAULT_POLICY: Final[dict[str, Any]] = {k: getattr(POLICY_DEFAULTS, k) for k in POLICY_FIELDS}

_BATCH = 32_768  # students per sampling batch: bounds memory at national scale
_DRAWS = (30, 60, 150)  # candidate draws per student in successive top-up passes
_KM_PER_DEG = math.pi * EARTH_RADIUS_KM / 180.0


# --------------------------------------------------------------------------------------------
# Reference data as arrays


@dataclass(frozen=True)
class _Tables:
    region_ids: list[str]
    place_names: list[str]
    place_lat: F64
    place_lon: F64
    place_weight: F64
    place_region: I64
    sector_ids: list[str]
    sector_names: list[str]
    sector_share: F64
    school_ids: list[str]
    school_size: F64
    school_region_p: F64  # schools × regions
    school_level_ok: Bool  # schools × 4
    school_sector_ok: Bool  # schools × sectors
    school_quals: list[frozenset[str] | None]
    qual_codes: list[str]
    qual_names: list[str]
    qual_sector: I64
    qual_levels: I64  # bit mask, bit l-1 for level l


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    ref = _reference()
    region_ids = [r["id"] for r in ref["regions"]]
    places = [(ri, p) for ri, r in enumerate(ref["regions"]) for p in r["places"]]
    sector_ids = [s["id"] for s in ref["sectors"]]
    schools = ref["schools"]
    region_p = np.zeros((len(schools), len(region_ids)))
    level_ok = np.zeros((len(schools), 4), dtype=bool)
    sector_ok = np.zeros((len(schools), len(sector_ids)), dtype=bool)
    for si, school in enumerate(schools):
        for rid in school["regions"]:
            region_p[si, region_ids.index(rid)] = 1.0 / len(school["regions"])
        for level in school["levels"]:
            level_ok[si, level - 1] = True
        allowed = school["sectors"] if school["sectors"] is not None else sector_ids
        for sid in allowed:
            sector_ok[si, sector_ids.index(sid)] = True
    quals = ref["qualifications"]
    return _Tables(
        region_ids=region_ids,
        place_names=[p["name"] for _, p in places],
        place_lat=np.array([p["lat"] for _, p in places], dtype=np.float64),
        place_lon=np.array([p["lon"] for _, p in places], dtype=np.float64),
        place_weight=np.array([p["weight"] for _, p in places], dtype=np.float64),
        place_region=np.array([ri for ri, _ in places], dtype=np.int64),
        sector_ids=sector_ids,
        sector_names=[s["name"] for s in ref["sectors"]],
        sector_share=np.array([s["employment_share"] for s in ref["sectors"]], dtype=np.float64),
        school_ids=[s["id"] for s in schools],
        school_size=np.array([s["students"] for s in schools], dtype=np.float64),
        school_region_p=region_p,
        school_level_ok=level_ok,
        school_sector_ok=sector_ok,
        school_quals=[
            frozenset(s["qualifications"]) if s.get("qualifications") else None for s in schools
        ],
        qual_codes=[q["code"] for q in quals],
        qual_names=[q["name"] for q in quals],
        qual_sector=np.array([sector_ids.index(q["sector"]) for q in quals], dtype=np.int64),
        qual_levels=np.array(
            [sum(1 << (lv - 1) for lv in q["levels"]) for q in quals], dtype=np.int64
        ),
    )


# --------------------------------------------------------------------------------------------
# Small vectorised helpers


def _choose_rows(rng: np.random.Generator, probs: F64) -> I64:
    """One category per row of ``probs`` (rows × categories), each row its own distribution."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(probs.shape[0]) * cum[:, -1]
    choice: I64 = (u[:, None] >= cum).sum(axis=1).astype(np.int64)
    return cast(I64, np.minimum(choice, probs.shape[1] - 1))


def _choose(rng: np.random.Generator, table: dict[Any, float], size: int) -> I64:
    """Indices into ``list(table)`` drawn with the table's probabilities."""
    p = np.array(list(table.values()), dtype=np.float64)
    return rng.choice(len(p), size=size, p=p / p.sum()).astype(np.int64)


def _group_shares(target: F64, sizes: F64, allowed: Bool) -> F64:
    """Per-group category probabilities whose size-weighted mix hits ``target``.

    Restricted groups (Cibap: levels 3–4, creative only) take the target renormalised over
    what they allow; unrestricted groups absorb the difference, so the overall shares stay on
    target instead of drifting by the restricted schools' weight.
    """
    probs = np.zeros(allowed.shape, dtype=np.float64)
    restricted = ~allowed.all(axis=1)
    for g in np.flatnonzero(restricted):
        p = target * allowed[g]
        probs[g] = p / p.sum() if p.sum() > 0 else allowed[g] / allowed[g].sum()
    free = ~restricted
    if free.any():
        rest = target * sizes.sum() - (sizes[restricted, None] * probs[restricted]).sum(axis=0)
        rest = np.clip(rest, 0.0, None)
        probs[free] = rest / rest.sum() if rest.sum() > 0 else target / target.sum()
    return probs


def _jitter(
    rng: np.random.Generator, lat: F64, lon: F64, km: float
) -> tuple[F64, F64]:
    d_lat = rng.normal(0.0, km / _KM_PER_DEG, lat.shape[0])
    d_lon = rng.normal(0.0, km / _KM_PER_DEG, lat.shape[0]) / np.cos(np.radians(lat))
    # Rounded as written to the document, so eligibility below sees the same numbers.
    return np.round(lat + d_lat, 5), np.round(lon + d_lon, 5)


def _places_in_regions(rng: np.random.Generator, t: _Tables, regions: I64) -> I64:
    """A place per entry, drawn by population weight within the entry's region."""
    out = np.zeros(regions.shape[0], dtype=np.int64)
    for r in range(len(t.region_ids)):
        rows = np.flatnonzero(regions == r)
        candidates = np.flatnonzero(t.place_region == r)
        w = t.place_weight[candidates]
        out[rows] = candidates[rng.choice(len(candidates), size=rows.shape[0], p=w / w.sum())]
    return out


def _days(d: dt.date) -> int:
    return d.toordinal()


def _dates(rng: np.random.Generator, n: int, keys: I64) -> tuple[I64, I64]:
    """Start/end ordinals for the PERIODS selected by ``keys`` (-1: no dates)."""
    starts = np.array([_days(a) for a, _ in PERIODS.values()], dtype=np.int64)
    ends = np.array([_days(b) for _, b in PERIODS.values()], dtype=np.int64)
    dated = rng.random(n) < TARGETS["dated_share"]
    return np.where(dated, starts[keys], -1), np.where(dated, ends[keys], -1)


# --------------------------------------------------------------------------------------------
# Students


@dataclass
class _Students:
    school: I64
    region: I64  # home region
    level: I64  # 1..4
    sector: I64
    qual: I64  # index into qualifications, -1 for none
    pathways: I64  # bit mask
    regions: I64  # bit mask of accepted regions
    lat: F64  # NaN: no location
    lon: F64
    max_km: F64  # NaN: no limit
    priority: Bool
    avail_from: I64  # date ordinal, -1: none
    avail_until: I64
    list_len: I64  # how many entries the student wants to list


def _make_students(rng: np.random.Generator, t: _Tables, n: int) -> _Students:
    n_regions = len(t.region_ids)
    school_p = t.school_size / t.school_size.sum()
    school = rng.choice(len(school_p), size=n, p=school_p).astype(np.int64)
    region = _choose_rows(rng, t.school_region_p[school])

    level_target = np.array([TARGETS["level_shares"][lv] for lv in (1, 2, 3, 4)])
    level_p = _group_shares(level_target, t.school_size, t.school_level_ok)
    level = _choose_rows(rng, level_p[school]) + 1
    sector_p = _group_shares(t.sector_share, t.school_size, t.school_sector_ok)
    sector = _choose_rows(rng, sector_p[school])

    # Qualification: uniform among the sector's codes at the student's level (and the school's
    # own list when it has one). One vectorised draw per (school, sector, level) combination.
    qual = np.full(n, -1, dtype=np.int64)
    key = (school * len(t.sector_ids) + sector) * 4 + (level - 1)
    order = np.argsort(key, kind="stable")
    uniq, starts = np.unique(key[order], return_index=True)
    ends = np.append(starts[1:], n)[: starts.shape[0]]
    for k, a, b in zip(uniq.tolist(), starts.tolist(), ends.tolist(), strict=True):
        sc, rest = divmod(k, len(t.sector_ids) * 4)
        se, lv = divmod(rest, 4)
        allowed = t.school_quals[sc]
        options = [
            q
            for q in np.flatnonzero((t.qual_sector == se) & ((t.qual_levels >> lv) & 1 == 1))
            if allowed is None or t.qual_codes[q] in allowed
        ]
        if options:
            qual[order[a:b]] = np.array(options)[rng.integers(0, len(options), b - a)]

    bbl = rng.random(n) < TARGETS["bbl_share"]
    hybrid = rng.random(n) < TARGETS["hybrid_accept_share"]
    pathways = np.where(bbl, _BBL, _BOL) | np.where(hybrid, _HYB, 0)

    # Accepted regions: own region, for the mobile ones one more (any other), level 4 at times all.
    own_only = np.array([TARGETS["own_region_only"][lv] for lv in (1, 2, 3, 4)])[level - 1]
    u = rng.random(n)
    other = (region + 1 + rng.integers(0, max(n_regions - 1, 1), n)) % n_regions
    regions = (1 << region) | np.where(u >= own_only, 1 << other, 0)
    everywhere = (level == 4) & (u >= 1.0 - TARGETS["all_regions_share_level4"])
    regions = np.where(everywhere, (1 << n_regions) - 1, regions)

    place = _places_in_regions(rng, t, region)
    lat, lon = _jitter(rng, t.place_lat[place], t.place_lon[place], TARGETS["location_jitter_km"])
    located = rng.random(n) >= TARGETS["no_location_share"]
    lat, lon = np.where(located, lat, np.nan), np.where(located, lon, np.nan)

    km_values = np.array(
        [np.nan if k is None else float(k) for k in TARGETS["max_travel_km"]], dtype=np.float64
    )
    max_km = km_values[_choose(rng, TARGETS["max_travel_km"], n)]
    priority = rng.random(n) < TARGETS["priority_share"]

    # BBL students work the whole year; BOL students do a half-year block.
    period = np.where(bbl, 2, rng.integers(0, 2, n))
    avail_from, avail_until = _dates(rng, n, period)

    list_len = np.where(
        rng.random(n) < TARGETS["full_list_share"],
        TARGETS["list_length"],
        rng.integers(3, TARGETS["list_length"], n),
    )
    list_len = np.where(rng.random(n) < TARGETS["empty_preferences_share"], 0, list_len)
    return _Students(
        school, region, level, sector, qual, pathways.astype(np.int64), regions.astype(np.int64),
        lat, lon, max_km, priority, avail_from, avail_until, list_len.astype(np.int64),
    )


# --------------------------------------------------------------------------------------------
# Offers and environments


@dataclass
class _Offers:
    company: I64  # kvk number
    region: I64
    sector: I64
    place: I64
    levels: I64  # bit mask
    pathways: I64  # bit mask
    quals: I64  # bit mask over qualifications; 0: none listed (sector decides)
    lat: F64
    lon: F64
    capacity: I64
    reserved: I64
    env: I64  # environment index, -1: none
    start: I64
    end: I64
    popularity: F64


@dataclass
class _Environment:
    id: str
    name: str
    capacity: int


def _capacity_targets(t: _Tables, s: _Students) -> I64:
    """Seats per (region, sector, level) cell: home demand × factor, summing to the ratio."""
    n_s = len(t.sector_ids)
    cells = len(t.region_ids) * n_s * 4
    demand = np.bincount((s.region * n_s + s.sector) * 4 + (s.level - 1), minlength=cells)
    demand = demand.astype(np.float64)
    short = np.zeros(cells, dtype=bool)
    for rid, sid in TARGETS["shortage_cells"]:
        if rid in t.region_ids and sid in t.sector_ids:
            base = (t.region_ids.index(rid) * n_s + t.sector_ids.index(sid)) * 4
            short[base : base + 4] = True
    total = round(TARGETS["capacity_ratio"] * s.level.shape[0])
    short_seats = demand[short].sum() * TARGETS["shortage_capacity_factor"]
    other = demand[~short].sum()
    factor = np.where(
        short,
        TARGETS["shortage_capacity_factor"],
        (total - short_seats) / other if other > 0 else 0.0,
    )
    wanted = demand * factor
    seats = np.floor(wanted).astype(np.int64)
    # Largest remainders (among cells with demand) make the total exact.
    missing = total - int(seats.sum())
    if missing > 0 and demand.any():
        frac = np.where(demand > 0, wanted - seats, -1.0)
        order = np.argsort(-frac, kind="stable")[: int((demand > 0).sum())]
        np.add.at(seats, order[np.arange(missing) % order.shape[0]], 1)
    return seats


def _make_offers(
    rng: np.random.Generator, t: _Tables, s: _Students
) -> tuple[_Offers, list[_Environment]]:
    n_s = len(t.sector_ids)
    seats = _capacity_targets(t, s)
    cap_values = np.array(list(TARGETS["offer_capacity"]), dtype=np.int64)
    cap_p = np.array(list(TARGETS["offer_capacity"].values()))
    per_company = np.array(list(TARGETS["offers_per_company"]), dtype=np.int64)
    per_company_p = np.array(list(TARGETS["offers_per_company"].values()))

    # Per cell: capacities until the cell's seats are reached (the last one trimmed), grouped
    # into companies of 1–3 offers. ~100 cells, each vectorised.
    caps_l: list[I64] = []
    cell_l: list[I64] = []
    comp_l: list[I64] = []
    n_companies = 0
    for c in np.flatnonzero(seats > 0).tolist():
        target = int(seats[c])
        caps = cap_values[rng.choice(cap_values.shape[0], size=target, p=cap_p)]
        cum = np.cumsum(caps)
        k = int(np.searchsorted(cum, target)) + 1
        caps = caps[:k].copy()
        caps[-1] -= int(cum[k - 1]) - target
        sizes = per_company[rng.choice(per_company.shape[0], size=k, p=per_company_p)]
        comp = np.repeat(np.arange(k, dtype=np.int64), sizes)[:k]
        caps_l.append(caps)
        cell_l.append(np.full(k, c, dtype=np.int64))
        comp_l.append(comp + n_companies)
        n_companies += int(comp[-1]) + 1
    if not caps_l:
        i0, f0 = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        return _Offers(i0, i0, i0, i0, i0, i0, i0, f0, f0, i0, i0, i0, i0, i0, f0), []

    capacity = np.concatenate(caps_l)
    cell = np.concatenate(cell_l)
    company = np.concatenate(comp_l)
    # Shuffle companies so ids do not follow cells; a company's offers stay together.
    rank = rng.permutation(n_companies)
    order = np.argsort(rank[company], kind="stable")
    capacity, cell, company = capacity[order], cell[order], rank[company[order]]
    m = capacity.shape[0]
    # kvk numbers: 8 digits, ascending in order of appearance with random gaps (real numbers
    # are not consecutive); the gap shrinks for huge rounds so they stay 8 digits.
    max_gap = max(2, min(200, 89_000_000 // max(n_companies, 1)))
    kvk = 10_000_000 + np.cumsum(rng.integers(1, max_gap, n_companies))
    region, rest = np.divmod(cell, n_s * 4)
    sector, level0 = np.divmod(rest, 4)  # level0: primary level − 1

    # One location per company: offers of the same company share its site.
    comp_region = np.zeros(n_companies, dtype=np.int64)
    comp_region[company] = region
    comp_place = _places_in_regions(rng, t, comp_region)
    c_lat, c_lon = _jitter(
        rng, t.place_lat[comp_place], t.place_lon[comp_place], TARGETS["location_jitter_km"]
    )
    place, lat, lon = comp_place[company], c_lat[company], c_lon[company]
    located = rng.random(m) >= TARGETS["no_location_share"]
    lat, lon = np.where(located, lat, np.nan), np.where(located, lon, np.nan)

    # Levels: the primary one, a quarter also an adjacent one.
    up = (level0 == 0) | ((level0 < 3) & (rng.random(m) < 0.5))
    adjacent = np.where(up, level0 + 1, level0 - 1)
    multi = rng.random(m) < TARGETS["multi_level_offer_share"]
    levels = (1 << level0) | np.where(multi, 1 << adjacent, 0)

    pw_masks = np.array([_BOL, _BBL, _BOL | _BBL], dtype=np.int64)
    pathways = pw_masks[_choose(rng, TARGETS["offer_pathways"], m)]

    quals = _offer_qualifications(rng, t, sector, levels)

    reserved = np.where(
        (capacity >= 2) & (rng.random(m) < TARGETS["reserved_priority_share"]),
        1 + (rng.random(m) * (capacity // 2)).astype(np.int64),
        0,
    )
    reserved = np.minimum(reserved, np.maximum(capacity // 2, 0))
    # Dated offers run a half-year block or the whole year; a BBL job is always the whole year.
    period = np.where(pathways == _BBL, 2, _choose(rng, {0: 0.35, 1: 0.35, 2: 0.30}, m))
    start, end = _dates(rng, m, period)

    # Zipf-like popularity over a random ranking of all offers.
    ranks = rng.permutation(m).astype(np.float64) + 1.0
    popularity = ranks ** -TARGETS["popularity_zipf_exponent"]

    offers = _Offers(
        kvk[company], region, sector, place, levels.astype(np.int64), pathways, quals, lat, lon,
        capacity, reserved.astype(np.int64), np.full(m, -1, dtype=np.int64), start, end,
        popularity,
    )
    envs = _make_environments(rng, t, offers, s.level.shape[0])
    return offers, envs


def _offer_qualifications(
    rng: np.random.Generator, t: _Tables, sector: I64, levels: I64
) -> I64:
    """Recognition per offer: all codes of its sector and levels, a single one, or none."""
    m = int(sector.shape[0])
    kind = _choose(rng, TARGETS["offer_qualifications"], m)  # 0 all, 1 single, 2 sector only
    pick: F64 = rng.random(m)
    quals = np.zeros(m, dtype=np.int64)
    key = sector * 16 + levels
    for k in np.unique(key).tolist():
        se, lv_mask = divmod(k, 16)
        options = np.flatnonzero((t.qual_sector == se) & ((t.qual_levels & lv_mask) != 0))
        if options.shape[0] == 0:
            continue
        rows = np.flatnonzero(key == k)
        bits: I64 = np.left_shift(np.ones_like(options, dtype=np.int64), options)
        single = bits[(pick[rows] * options.shape[0]).astype(np.int64)]
        every = int(bits.sum())
        quals[rows] = np.where(kind[rows] == 0, every, np.where(kind[rows] == 1, single, 0))
    return quals


def _make_environments(
    rng: np.random.Generator, t: _Tables, o: _Offers, n_students: int
) -> list[_Environment]:
    """A handful of hybrid environments per region; they take over some offers there."""
    ref_regions = _reference()["regions"]
    lo, hi = TARGETS["environments_per_region"]
    per_region = int(np.clip(round(n_students / TARGETS["students_per_environment"]), lo, hi))
    envs: list[_Environment] = []
    for r, rid in enumerate(t.region_ids):
        # Level-1 and location-less offers stay ordinary; hybrid places are on a campus.
        candidates = np.flatnonzero((o.region == r) & (o.levels != 1) & ~np.isnan(o.lat))
        n_hybrid = max(2 * per_region, round(TARGETS["hybrid_offer_share"] * (o.region == r).sum()))
        n_hybrid = min(n_hybrid, candidates.shape[0])
        n_env = min(per_region, n_hybrid // 2)
        if n_env == 0:
            continue
        chosen = rng.choice(candidates, size=n_hybrid, replace=False)
        which = np.arange(n_hybrid) % n_env  # round robin: every environment gets 2+ offers
        examples = ref_regions[r].get("hybrid_environments", [])
        region_places = np.flatnonzero(t.place_region == r)
        w = t.place_weight[region_places]
        for e in range(n_env):
            if e < len(examples):
                name = examples[e]["name"]
                place = t.place_names.index(examples[e]["place"])
            else:
                place = int(region_places[rng.choice(region_places.shape[0], p=w / w.sum())])
                name = f"Hybride leeromgeving {t.place_names[place]} {e}"
            rows = chosen[which == e]
            env_index = len(envs)
            o.env[rows] = env_index
            # Partners' hybrid places sit on the environment's campus.
            o.lat[rows], o.lon[rows] = _jitter(
                rng, np.full(rows.shape[0], t.place_lat[place]),
                np.full(rows.shape[0], t.place_lon[place]), 0.5,
            )
            o.place[rows] = place
            o.pathways[rows] = np.where(rng.random(rows.shape[0]) < 0.6, _BOL | _HYB, _HYB)
            total = int(o.capacity[rows].sum())
            # Below the partners' total, so the shared capacity binds.
            cap = max(1, min(total - 1, math.floor(TARGETS["environment_capacity_factor"] * total)))
            envs.append(_Environment(f"env-{rid}-{e}", name, cap))
    return envs


# --------------------------------------------------------------------------------------------
# Preferences


@dataclass
class _Groups:
    """Offers grouped by (region, sector, level, pathway) with cumulative popularity."""

    offer: I64  # offer index per entry, entries sorted by group
    cum: F64  # cumulative popularity over entries
    start: I64  # first entry per group
    end: I64
    base: F64  # cum before the group's first entry
    weight: F64  # total popularity per group
    guide: I64  # guide[j]: first entry whose cum exceeds j · cum[-1] / (len(guide) − 1)


def _group_key(region: I64 | int, sector: I64, level0: I64 | int, pathway: int, n_s: int) -> I64:
    return cast(I64, ((region * n_s + sector) * 4 + level0) * 3 + pathway)


def _build_groups(t: _Tables, o: _Offers) -> _Groups:
    n_s = len(t.sector_ids)
    n_groups = len(t.region_ids) * n_s * 4 * 3
    keys: list[I64] = []
    offers: list[I64] = []
    for lv in range(4):
        for p in range(3):
            sel = np.flatnonzero(((o.levels >> lv) & 1 == 1) & ((o.pathways >> p) & 1 == 1))
            keys.append(_group_key(o.region[sel], o.sector[sel], lv, p, n_s))
            offers.append(sel)
    key = np.concatenate(keys)
    order = np.argsort(key, kind="stable")
    key, offer = key[order], np.concatenate(offers)[order]
    cum = np.cumsum(o.popularity[offer])
    groups = np.arange(n_groups)
    start = np.searchsorted(key, groups, side="left").astype(np.int64)
    end = np.searchsorted(key, groups, side="right").astype(np.int64)
    padded = np.concatenate([[0.0], cum])  # padded[i] = popularity before entry i
    base, top = padded[start], padded[end]
    weight = np.where(end > start, top - base, 0.0)
    # A guide table (Chen & Asau) turns the inverse-CDF lookup into one random access and a
    # step or two, instead of a binary search over every entry for each of ~10^7 draws.
    buckets = 4 * max(cum.shape[0], 1)
    total = float(cum[-1]) if cum.shape[0] else 0.0
    guide = np.searchsorted(cum, np.arange(buckets + 1) * (total / buckets), side="right")
    return _Groups(offer, cum, start, end, base, weight, guide.astype(np.int64))


def _lookup(g: _Groups, x: F64) -> I64:
    """Entry index per point ``x`` of the cumulative popularity (searchsorted, side right)."""
    n = g.cum.shape[0]
    flat = x.ravel()
    total = float(g.cum[-1])
    bucket = np.minimum((flat * ((g.guide.shape[0] - 1) / total)).astype(np.int64),
                        g.guide.shape[0] - 1)
    # One bucket back, so rounding in the bucket index can never skip the right entry.
    pos = np.minimum(g.guide[np.maximum(bucket - 1, 0)], n - 1)
    active = np.flatnonzero(g.cum[pos] <= flat)
    while active.shape[0]:
        pos[active] += 1
        step = pos[active]
        active = active[(step < n - 1) & (g.cum[np.minimum(step, n - 1)] <= flat[active])]
    return cast(I64, pos.reshape(x.shape))


@dataclass(frozen=True)
class _Geo:
    """Student and offer locations in radians (NaN: no location), for the engine's distance."""

    s_lat: F64
    s_lon: F64
    o_lat: F64
    o_lon: F64

    @staticmethod
    def of(s: _Students, o: _Offers) -> _Geo:
        return _Geo(np.radians(s.lat), np.radians(s.lon), np.radians(o.lat), np.radians(o.lon))

    def km(self, rows: I64, cand: I64) -> F64:
        """Distance from student ``rows`` to offer ``cand``, as the engine measures it."""
        return great_circle_km(self.s_lat[rows], self.s_lon[rows], self.o_lat[cand],
                               self.o_lon[cand])


def _eligible(s: _Students, rows: I64, cand: I64, o: _Offers) -> Bool:
    """Eligibility of candidate offers ``cand`` (batch × draws) for students ``rows``, except
    for the travel distance (see ``_draw``).

    Level, region, pathway and sector hold by construction (candidates come from the student's
    groups); this checks qualification and dates, exactly as the engine does.
    """
    r = rows[:, None]
    q = s.qual[r]
    oq = o.quals[cand]
    ok = (oq == 0) | ((q >= 0) & (((oq >> np.maximum(q, 0)) & 1) == 1))
    dated = (s.avail_from[r] >= 0) & (o.start[cand] >= 0)
    ok &= ~dated | ((o.start[cand] <= s.avail_from[r]) & (s.avail_until[r] <= o.end[cand]))
    return cast(Bool, ok)


def _draw(
    rng: np.random.Generator, t: _Tables, s: _Students, o: _Offers, g: _Groups, geo: _Geo,
    rows: I64, draws: int,
) -> I64:
    """``draws`` candidate offers per student (−1: rejected), by popularity within the groups
    the student can accept, then filtered by eligibility and a preference for nearby offers."""
    n_s, n_r = len(t.sector_ids), len(t.region_ids)
    b = rows.shape[0]
    cols = n_r * 3
    gid = np.zeros((b, cols), dtype=np.int64)
    gw = np.zeros((b, cols), dtype=np.float64)
    for r in range(n_r):
        # Mobile level-4 students still lean to their own region.
        bonus = np.where(s.region[rows] == r, 1.0, 0.5)
        accepts_r = (s.regions[rows] >> r) & 1 == 1
        for p in range(3):
            col = r * 3 + p
            gid[:, col] = _group_key(r, s.sector[rows], s.level[rows] - 1, p, n_s)
            accepts = accepts_r & ((s.pathways[rows] >> p) & 1 == 1)
            gw[:, col] = np.where(accepts, g.weight[gid[:, col]] * bonus, 0.0)
    cum = np.cumsum(gw, axis=1)
    total = cum[:, -1]
    u = rng.random((b, draws)) * total[:, None]
    # Column per draw: how many cumulative weights it passes (one 2-D pass per column is
    # much faster than a 3-D comparison reduced over a short last axis).
    col_idx = np.zeros((b, draws), dtype=np.int64)
    for c in range(cols - 1):
        col_idx += u >= cum[:, c : c + 1]
    grp = np.take_along_axis(gid, col_idx, axis=1)
    has = (total[:, None] > 0) & (g.end[grp] > g.start[grp])
    if g.cum.shape[0] == 0 or not has.any():
        return np.full((b, draws), -1, dtype=np.int64)
    target = g.base[grp] + rng.random((b, draws)) * g.weight[grp]
    pos = np.clip(_lookup(g, target), g.start[grp], np.maximum(g.end[grp] - 1, g.start[grp]))
    cand = np.where(has, g.offer[np.minimum(pos, g.offer.shape[0] - 1)], 0)

    ok = has & _eligible(s, rows, cand, o)
    # Distances only for the pairs still eligible: the trigonometry is the costly part.
    i, j = np.nonzero(ok)
    km = geo.km(rows[i], cand[i, j])
    # A metre of margin so a pair on the limit cannot flip with the verifier's scalar formula;
    # no limit (NaN) or no location (NaN) compares False: never too far, as in the engine.
    near = ~(km > s.max_km[rows[i]] - 1e-3)
    keep_p = np.where(np.isnan(km), 0.6, 0.15 + 0.85 * np.exp(-km / TARGETS["distance_decay_km"]))
    ok[i, j] = near & (rng.random((b, draws))[i, j] < keep_p)
    return np.where(ok, cand, -1)


def _first_unique(cand: I64, limit: I64, width: int) -> I64:
    """Per row: the first ``limit`` distinct non-negative entries in order, −1 padded."""
    order = np.argsort(cand, axis=1, kind="stable")
    srt = np.take_along_axis(cand, order, axis=1)
    dup_sorted = np.zeros(cand.shape, dtype=bool)
    dup_sorted[:, 1:] = srt[:, 1:] == srt[:, :-1]
    dup = np.empty_like(dup_sorted)
    np.put_along_axis(dup, order, dup_sorted, axis=1)
    valid = (cand >= 0) & ~dup
    # Stable sort on "invalid" keeps the valid entries first, in their original order.
    keep = np.argsort(~valid, axis=1, kind="stable")[:, :width]
    out = np.take_along_axis(cand, keep, axis=1)
    count = np.minimum(valid.sum(axis=1), limit)
    out[np.arange(width)[None, :] >= count[:, None]] = -1
    if out.shape[1] < width:
        out = np.hstack([out, np.full((out.shape[0], width - out.shape[1]), -1, dtype=np.int64)])
    return out


def _make_preferences(
    rng: np.random.Generator, t: _Tables, s: _Students, o: _Offers
) -> I64:
    """Students × list_length offer indices (−1 padded): eligible offers, best first."""
    n, width = s.level.shape[0], TARGETS["list_length"]
    prefs = np.full((n, width), -1, dtype=np.int64)
    if o.capacity.shape[0] == 0:
        return prefs
    g = _build_groups(t, o)
    geo = _Geo.of(s, o)
    for lo in range(0, n, _BATCH):
        rows = np.arange(lo, min(lo + _BATCH, n), dtype=np.int64)
        rows = rows[s.list_len[rows] > 0]
        current = np.full((rows.shape[0], width), -1, dtype=np.int64)
        todo = np.arange(rows.shape[0])
        # Top-up passes: students whose list is still short (sparse cells, tight travel
        # limits) draw again with more candidates; the rest are done after the first pass.
        for draws in _DRAWS:
            if todo.shape[0] == 0:
                break
            new = _draw(rng, t, s, o, g, geo, rows[todo], draws)
            merged = _first_unique(np.hstack([current[todo], new]), s.list_len[rows[todo]], width)
            current[todo] = merged
            todo = todo[(merged >= 0).sum(axis=1) < s.list_len[rows[todo]]]
        prefs[rows] = current
    return prefs


def _add_noise(
    rng: np.random.Generator, s: _Students, o: _Offers, prefs: list[list[int]]
) -> None:
    """Give a few students one repeated or one ineligible entry, as real lists have."""
    n, m = len(prefs), o.capacity.shape[0]
    lengths = np.array([len(p) for p in prefs], dtype=np.int64)
    noisy = np.flatnonzero((rng.random(n) < TARGETS["noise_share"]) & (lengths > 0))
    repeat = rng.random(noisy.shape[0]) < 0.5
    # An offer of another sector is never eligible: its codes belong to that other sector.
    wrong = rng.integers(0, m, (noisy.shape[0], 4))
    other = o.sector[wrong] != s.sector[noisy][:, None]
    pick = np.take_along_axis(wrong, np.argmax(other, axis=1)[:, None], axis=1)[:, 0]
    has_other = other.any(axis=1)
    u1, u2 = rng.random(noisy.shape[0]), rng.random(noisy.shape[0])
    width = TARGETS["list_length"]
    for i, st in enumerate(noisy.tolist()):
        lst = prefs[st]
        k = len(lst)
        full = k >= width  # a full list gets an entry overwritten instead of one more
        if repeat[i]:
            j = int(u1[i] * (k - 1 if full else k))  # repeat entry j somewhere after it
            pos = j + 1 + int(u2[i] * (k - j - (1 if full else 0)))
            if full:
                lst[pos] = lst[j]
            else:
                lst.insert(pos, lst[j])
        elif has_other[i]:
            pos = int(u2[i] * (k if full else k + 1))
            if full:
                lst[pos] = int(pick[i])
            else:
                lst.insert(pos, int(pick[i]))


# --------------------------------------------------------------------------------------------
# Output


def _ids(prefix: str, n: int) -> list[str]:
    width = max(6, len(str(max(n - 1, 0))))
    return [f"{prefix}-{i:0{width}d}" for i in range(n)]


def _iso(days: I64) -> list[str | None]:
    cache = {int(d): dt.date.fromordinal(int(d)).isoformat() for d in np.unique(days) if d >= 0}
    return [cache.get(d) for d in days.tolist()]


def _locations(lat: F64, lon: F64) -> list[dict[str, float] | None]:
    return [
        None if math.isnan(a) else {"lat": a, "lon": b}
        for a, b in zip(lat.tolist(), lon.tolist(), strict=True)
    ]


def _mask_lists(masks: I64, names: list[Any]) -> list[list[Any]]:
    table = {
        int(mk): [names[i] for i in range(len(names)) if (int(mk) >> i) & 1]
        for mk in np.unique(masks)
    }
    # Fresh lists per entry: callers may edit one offer without touching the others.
    return [list(table[mk]) for mk in masks.tolist()]


def _region_lists(s: _Students, region_ids: list[str]) -> list[list[str]]:
    """Accepted regions, home region first."""
    table: dict[tuple[int, int], list[str]] = {}
    for home, mask in set(zip(s.region.tolist(), s.regions.tolist(), strict=True)):
        rest = [region_ids[i] for i in range(len(region_ids)) if (mask >> i) & 1 and i != home]
        table[(home, mask)] = [region_ids[home], *rest]
    return [list(table[k]) for k in zip(s.region.tolist(), s.regions.tolist(), strict=True)]


def _offer_dicts(
    t: _Tables, o: _Offers, envs: list[_Environment], offer_ids: list[str]
) -> list[dict[str, Any]]:
    levels = _mask_lists(o.levels, [1, 2, 3, 4])
    pathways = _mask_lists(o.pathways, list(PATHWAYS))
    quals = _mask_lists(o.quals, t.qual_codes)
    starts, ends = _iso(o.start), _iso(o.end)
    locs = _locations(o.lat, o.lon)
    env_ids = [e.id for e in envs]
    qual_name = dict(zip(t.qual_codes, t.qual_names, strict=True))
    out: list[dict[str, Any]] = []
    for i, (comp, r, se, pl, pw, cap, res, env) in enumerate(
        zip(
            o.company.tolist(), o.region.tolist(), o.sector.tolist(), o.place.tolist(),
            o.pathways.tolist(), o.capacity.tolist(), o.reserved.tolist(), o.env.tolist(),
            strict=True,
        )
    ):
        q = quals[i]
        what = qual_name[q[0]] if len(q) == 1 else t.sector_names[se]
        kind = (
            "Hybride leerplek" if env >= 0
            else "Leerbaan (BBL)" if pw == _BBL
            else "Stageplaats" if pw == _BOL
            else "Leerplaats"
        )
        out.append({
            "id": offer_ids[i],
            "company_id": f"kvk-{comp:08d}",
            "title": f"{kind} {what} – {t.place_names[pl]}",
            "levels": levels[i],
            "pathways": pathways[i],
            "qualifications": q,
            "sector": t.sector_ids[se],
            "region": t.region_ids[r],
            "location": locs[i],
            "capacity": cap,
            "reserved_priority": res,
            "environment_id": env_ids[env] if env >= 0 else None,
            "start": starts[i],
            "end": ends[i],
        })
    return out


def _student_dicts(
    t: _Tables, s: _Students, prefs: list[list[int]], offer_ids: list[str]
) -> list[dict[str, Any]]:
    n = s.level.shape[0]
    ids = _ids("st", n)
    quals = [t.qual_codes[q] if q >= 0 else None for q in s.qual.tolist()]
    pathways = _mask_lists(s.pathways, list(PATHWAYS))
    regions = _region_lists(s, t.region_ids)
    locs = _locations(s.lat, s.lon)
    max_km = [None if math.isnan(k) else k for k in s.max_km.tolist()]
    a_from, a_until = _iso(s.avail_from), _iso(s.avail_until)
    # Offer ids for all entries in one vectorised lookup, then sliced per student.
    lengths = [len(p) for p in prefs]
    flat = np.fromiter(itertools.chain.from_iterable(prefs), dtype=np.int64, count=sum(lengths))
    flat_ids = np.array(offer_ids, dtype=object)[flat].tolist() if offer_ids else []
    ends = list(itertools.accumulate(lengths))
    pref_ids = [flat_ids[b - k : b] for b, k in zip(ends, lengths, strict=True)]
    return [
        {
            "id": ids[i],
            "school_id": t.school_ids[sc],
            "level": lv,
            "pathways": pathways[i],
            "qualification": quals[i],
            "sector": t.sector_ids[se],
            "regions": regions[i],
            "location": locs[i],
            "max_travel_km": max_km[i],
            "priority": pr,
            "available_from": a_from[i],
            "available_until": a_until[i],
            "preferences": pref_ids[i],
        }
        for i, (sc, lv, se, pr) in enumerate(
            zip(s.school.tolist(), s.level.tolist(), s.sector.tolist(), s.priority.tolist(),
                strict=True)
        )
    ]


def generate_round(
    students: int,
    seed: int = 0,
    *,
    round_id: str | None = None,
    policy: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A complete, calibrated ``leerplek-round/1`` document as plain JSON-ready data.

    ``policy`` overrides the defaults (``seed`` defaults to the generator seed). The same
    ``students`` and ``seed`` always give the identical document.
    """
    if students < 0:
        raise ValueError("students must be >= 0")
    unknown = set(policy or {}) - set(DEFAULT_POLICY)
    if unknown:
        raise ValueError(f"unknown policy field(s): {', '.join(sorted(unknown))}")
    # Millions of fresh dicts and lists would set off the cyclic garbage collector over and
    # over (each pass walking the whole growing document); none of them form cycles.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _generate(students, seed, round_id, policy)
    finally:
        if was_enabled:
            gc.enable()


def _generate(
    students: int, seed: int, round_id: str | None, policy: dict[str, Any] | None
) -> dict[str, Any]:
    t = _tables()
    rng = np.random.default_rng(seed)
    s = _make_students(rng, t, students)
    o, envs = _make_offers(rng, t, s)
    pref_matrix = _make_preferences(rng, t, s, o)
    # Ragged Python lists from the padded matrix in one pass (row-major keeps the order).
    valid = pref_matrix >= 0
    flat = pref_matrix[valid].tolist()
    lengths = valid.sum(axis=1).tolist()
    prefs = [
        flat[b - k : b] for b, k in zip(itertools.accumulate(lengths), lengths, strict=True)
    ]
    _add_noise(rng, s, o, prefs)

    offer_ids = _ids("of", o.capacity.shape[0])
    rid = round_id if round_id is not None else f"synthetic-{students}-s{seed}"
    return {
        "format": FORMAT,
        "round": {"id": rid, "name": f"Synthetische ronde ({students} studenten, seed {seed})"},
        "policy": {**DEFAULT_POLICY, "seed": seed, **(policy or {})},
        "environments": [{"id": e.id, "name": e.name, "capacity": e.capacity} for e in envs],
        "offers": _offer_dicts(t, o, envs, offer_ids),
        "students": _student_dicts(t, s, prefs, offer_ids),
    }
