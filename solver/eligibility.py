"""Eligibility and candidate arcs, computed on arrays.

The round is turned into column arrays once (one Python pass over students and offers, never
over pairs); every eligibility test then runs vectorised over arrays of (student, offer)
pairs, whether those pairs come from the students' lists or from a join on region × sector /
qualification when unranked placements are allowed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, repeat

import numpy as np
import numpy.typing as npt

from .arrays import unique_sorted
from .model import PATHWAYS, Round, RoundWarning

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

EARTH_RADIUS_KM = 6371.0
NO_DATE = -1
_PATHWAY_BIT = {p: 1 << i for i, p in enumerate(PATHWAYS)}


def _codes(values: list[str], vocabulary: dict[str, int]) -> IntArray:
    return np.fromiter((vocabulary.setdefault(v, len(vocabulary)) for v in values),
                       dtype=np.int64, count=len(values))


@dataclass(frozen=True)
class RoundArrays:
    """The round as columns; indices follow ``round.students`` and ``round.offers``."""

    n_students: int
    n_offers: int
    n_environments: int
    student_index: dict[str, int]
    offer_index: dict[str, int]
    # students
    s_level: IntArray
    s_pathways: IntArray  # bit mask over PATHWAYS
    s_sector: IntArray
    s_qual: IntArray  # -1: none
    s_lat: FloatArray  # radians; nan: unknown
    s_lon: FloatArray
    s_travel: FloatArray  # km; inf: no limit
    s_from: IntArray  # date ordinal; NO_DATE: not given
    s_until: IntArray
    s_priority: BoolArray
    s_region_keys: IntArray  # sorted student * n_regions + region
    # offers
    o_levels: IntArray  # bit mask, bit l set when level l accepted
    o_pathways: IntArray
    o_sector: IntArray
    o_region: IntArray
    o_has_quals: BoolArray
    o_qual_keys: IntArray  # sorted offer * n_quals + qualification
    o_lat: FloatArray
    o_lon: FloatArray
    o_start: IntArray
    o_end: IntArray
    o_capacity: IntArray
    o_reserved: IntArray
    o_environment: IntArray  # -1: none
    e_capacity: IntArray
    n_regions: int
    n_quals: int
    regions: tuple[str, ...]
    sectors: tuple[str, ...]


def build_arrays(rnd: Round) -> RoundArrays:
    students, offers = rnd.students, rnd.offers
    regions: dict[str, int] = {}
    sectors: dict[str, int] = {}
    quals: dict[str, int] = {}
    env_index = {e.id: i for i, e in enumerate(rnd.environments)}

    o_region = _codes([o.region for o in offers], regions)
    o_sector = _codes([o.sector for o in offers], sectors)
    s_sector = _codes([s.sector for s in students], sectors)
    s_qual = np.fromiter(
        (-1 if s.qualification is None else quals.setdefault(s.qualification, len(quals))
         for s in students), dtype=np.int64, count=len(students))
    o_qual_pairs = [(i, quals.setdefault(q, len(quals)))
                    for i, o in enumerate(offers) for q in o.qualifications]
    s_region_pairs = [(i, regions.setdefault(r, len(regions)))
                      for i, s in enumerate(students) for r in s.regions]
    n_regions, n_quals = max(len(regions), 1), max(len(quals), 1)

    def keys(pairs: list[tuple[int, int]], width: int) -> IntArray:
        if not pairs:
            return np.empty(0, dtype=np.int64)
        a = np.asarray(pairs, dtype=np.int64)
        return unique_sorted(a[:, 0] * width + a[:, 1])

    def coords(locs: list[object]) -> tuple[FloatArray, FloatArray]:
        lat = np.array([np.nan if loc is None else loc.lat for loc in locs])  # type: ignore[attr-defined]
        lon = np.array([np.nan if loc is None else loc.lon for loc in locs])  # type: ignore[attr-defined]
        return np.radians(lat), np.radians(lon)

    def ordinals(dates: list[object]) -> IntArray:
        return np.fromiter((NO_DATE if d is None else d.toordinal() for d in dates),  # type: ignore[attr-defined]
                           dtype=np.int64, count=len(dates))

    def mask(items: tuple[str, ...]) -> int:
        m = 0
        for p in items:
            m |= _PATHWAY_BIT[p]
        return m

    s_lat, s_lon = coords([s.location for s in students])
    o_lat, o_lon = coords([o.location for o in offers])
    return RoundArrays(
        n_students=len(students),
        n_offers=len(offers),
        n_environments=len(rnd.environments),
        student_index={s.id: i for i, s in enumerate(students)},
        offer_index={o.id: i for i, o in enumerate(offers)},
        s_level=np.fromiter((s.level for s in students), np.int64, len(students)),
        s_pathways=np.fromiter((mask(s.pathways) for s in students), np.int64, len(students)),
        s_sector=s_sector,
        s_qual=s_qual,
        s_lat=s_lat,
        s_lon=s_lon,
        s_travel=np.array([np.inf if s.max_travel_km is None else s.max_travel_km
                           for s in students], dtype=np.float64),
        s_from=ordinals([s.available_from for s in students]),
        s_until=ordinals([s.available_until for s in students]),
        s_priority=np.fromiter((s.priority for s in students), np.bool_, len(students)),
        s_region_keys=keys(s_region_pairs, n_regions),
        o_levels=np.fromiter((sum(1 << lv for lv in set(o.levels)) for o in offers),
                             np.int64, len(offers)),
        o_pathways=np.fromiter((mask(o.pathways) for o in offers), np.int64, len(offers)),
        o_sector=o_sector,
        o_region=o_region,
        o_has_quals=np.fromiter((bool(o.qualifications) for o in offers), np.bool_, len(offers)),
        o_qual_keys=keys(o_qual_pairs, n_quals),
        o_lat=o_lat,
        o_lon=o_lon,
        o_start=ordinals([o.start for o in offers]),
        o_end=ordinals([o.end for o in offers]),
        o_capacity=np.fromiter((o.capacity for o in offers), np.int64, len(offers)),
        o_reserved=np.fromiter((o.reserved_priority for o in offers), np.int64, len(offers)),
        o_environment=np.fromiter(
            (-1 if o.environment_id is None else env_index[o.environment_id] for o in offers),
            np.int64, len(offers)),
        e_capacity=np.fromiter((e.capacity for e in rnd.environments), np.int64,
                               len(rnd.environments)),
        n_regions=n_regions,
        n_quals=n_quals,
        regions=tuple(regions),
        sectors=tuple(sectors),
    )


# Up to this many (row, column) cells, and when there are not far fewer keys to look up than
# cells, membership is read from a table of booleans instead of a binary search in the sorted
# keys: a province's 530,000 entries took 0.06 CPU s for the qualification rule alone by
# search (docs/PERFORMANCE.md, issue 16), a few ms by table.
DENSE_MEMBER_CELLS = 50_000_000


def _member(keys: IntArray, sorted_keys: IntArray, cells: int) -> BoolArray:
    """Per key: is it one of ``sorted_keys``? Every key lies in ``range(cells)``."""
    if sorted_keys.size == 0:
        return np.zeros(keys.shape, dtype=np.bool_)
    if cells <= DENSE_MEMBER_CELLS and cells <= 8 * keys.size:
        table = np.zeros(cells, dtype=np.bool_)
        table[sorted_keys] = True
        return table[keys]
    pos = np.searchsorted(sorted_keys, keys)
    pos[pos == sorted_keys.size] = 0
    return np.asarray(sorted_keys[pos] == keys)


def great_circle_km(lat1: FloatArray, lon1: FloatArray, lat2: FloatArray,
                    lon2: FloatArray) -> FloatArray:
    """Haversine distance in km between points given in radians, element-wise (broadcast);
    nan where a coordinate is nan. The one distance formula: the engine's travel rule, the
    generator's lists and the service's charts all measure with it, so they agree exactly.
    (``solver.verify`` keeps its own scalar formula on purpose: it is the independent check.)"""
    h = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))))


def distance_km(a: RoundArrays, s: IntArray, o: IntArray) -> FloatArray:
    """Distance from student ``s[i]`` to offer ``o[i]`` per pair; nan where a location is
    missing."""
    return great_circle_km(a.s_lat[s], a.s_lon[s], a.o_lat[o], a.o_lon[o])


def rule_checks(a: RoundArrays, s: IntArray, o: IntArray) -> dict[str, BoolArray]:
    """Per eligibility rule of docs/ENGINE.md, by its stable code (solver.verify.RULE_NUMBER),
    where each (s[i], o[i]) pair keeps it. Rule 5 is two codes: an offer that names
    qualifications checks the student's qualification, any other the sector."""
    has_quals = a.o_has_quals[o]
    has_qual = a.s_qual[s] >= 0
    # A student without a qualification (-1) is looked up as qualification 0 and then refused.
    qual_ok = has_qual & _member(o * a.n_quals + np.where(has_qual, a.s_qual[s], 0),
                                 a.o_qual_keys, a.n_offers * a.n_quals)
    distance = np.ones(s.shape, dtype=np.bool_)
    limited = np.isfinite(a.s_travel[s])
    if limited.any():
        with np.errstate(invalid="ignore"):
            too_far = distance_km(a, s, o) > a.s_travel[s]  # nan compares False: no location
        distance = ~(limited & too_far)
    dated = ((a.o_start[o] != NO_DATE) & (a.o_end[o] != NO_DATE)
             & (a.s_from[s] != NO_DATE) & (a.s_until[s] != NO_DATE))
    covers = (a.o_start[o] <= a.s_from[s]) & (a.s_until[s] <= a.o_end[o])
    return {
        "level": ((a.o_levels[o] >> a.s_level[s]) & 1).astype(np.bool_),
        "pathway": (a.s_pathways[s] & a.o_pathways[o]) != 0,
        "region": _member(s * a.n_regions + a.o_region[o], a.s_region_keys,
                          a.n_students * a.n_regions),
        "distance": distance,
        "qualification": ~has_quals | qual_ok,
        "sector": has_quals | (a.s_sector[s] == a.o_sector[o]),
        "period": ~dated | covers,
    }


def eligible(a: RoundArrays, s: IntArray, o: IntArray) -> BoolArray:
    """The six eligibility rules of docs/ENGINE.md, for each (s[i], o[i]) pair."""
    ok = np.ones(s.shape, dtype=np.bool_)
    for kept in rule_checks(a, s, o).values():
        ok &= kept
    return ok


@dataclass(frozen=True)
class PreferenceArcs:
    """The counted, eligible entries of every student's list."""

    student: IntArray
    offer: IntArray
    rank: IntArray  # 1-based position in the submitted list
    listed: IntArray  # per student: number of entries submitted
    warnings: tuple[RoundWarning, ...]


def preference_arcs(rnd: Round, a: RoundArrays) -> PreferenceArcs:
    k = rnd.policy.max_preferences
    index = a.offer_index
    students = rnd.students
    listed = np.fromiter((len(s.preferences) for s in students), np.int64, len(students))
    counted = np.minimum(listed, k)
    s_idx = np.repeat(np.arange(len(students), dtype=np.int64), counted)
    offsets = np.concatenate(([0], np.cumsum(counted)[:-1])).astype(np.int64)
    rank = np.arange(s_idx.size, dtype=np.int64) - np.repeat(offsets, counted) + 1
    flat = list(chain.from_iterable(s.preferences[:k] for s in students))
    o_idx = np.fromiter(map(index.get, flat, repeat(-1, len(flat))), np.int64, s_idx.size)

    warnings: list[RoundWarning] = []
    known = o_idx >= 0
    # A repeated entry is any later occurrence of the same (student, offer) pair.
    # Unknown entries get a key of their own so they never collide with offer 0.
    key = s_idx * (a.n_offers + 1) + np.where(known, o_idx, a.n_offers)
    # The entries are in (student, rank) order already: a stable sort by key alone orders
    # them by (key, rank), as a lexsort on both did, in a quarter of the time.
    order = np.argsort(key, kind="stable")
    repeat_sorted = np.zeros(key.size, dtype=np.bool_)
    repeat_sorted[1:] = key[order][1:] == key[order][:-1]
    repeated = np.zeros(key.size, dtype=np.bool_)
    repeated[order] = repeat_sorted
    repeated &= known
    ok = known & ~repeated
    ok[ok] = eligible(a, s_idx[ok], o_idx[ok])

    sids = [s.id for s in students]
    # Which rules the ineligible entries break: one vectorised check over those entries only.
    bad = np.flatnonzero(known & ~repeated & ~ok)
    broken = {code: ~kept for code, kept in rule_checks(a, s_idx[bad], o_idx[bad]).items()}
    rules_of = {int(i): tuple(code for code, hit in broken.items() if hit[j])
                for j, i in enumerate(bad.tolist())}
    for i in np.flatnonzero(~ok):
        sid, r = sids[s_idx[i]], int(rank[i])
        oid = students[s_idx[i]].preferences[r - 1]
        if not known[i]:
            warnings.append(RoundWarning("unknown_offer", f"entry {r} names unknown offer {oid}",
                                         sid, oid))
        elif repeated[i]:
            warnings.append(RoundWarning("repeated_offer", f"entry {r} repeats offer {oid}",
                                         sid, oid))
        else:
            rules = rules_of[int(i)]
            warnings.append(RoundWarning(
                "ineligible_offer", f"entry {r}: student is not eligible for offer {oid} "
                f"(rules broken: {', '.join(rules)})", sid, oid, rules))
    for i in np.flatnonzero(listed > k):
        warnings.append(RoundWarning(
            "too_many_preferences",
            f"{int(listed[i])} entries submitted; only the first {k} count", sids[i]))
    return PreferenceArcs(s_idx[ok], o_idx[ok], rank[ok], listed, tuple(warnings))


def has_eligible_offer(a: RoundArrays, students: IntArray, window: int = 64) -> BoolArray:
    """Per given student: is any offer of the round eligible? Stops at the first one found.

    Walks each student's join range (see ``candidate_pairs``) ``window`` offers at a time,
    so students with an eligible offer are usually settled in the first window.
    ``students`` must be sorted.
    """
    found = np.zeros(students.size, dtype=np.bool_)
    if students.size == 0 or a.n_offers == 0:
        return found
    o_keys, o_vals, s_keys, s_vals = _join_keys(a, students)
    lo = np.searchsorted(o_keys, s_keys, side="left")
    hi = np.searchsorted(o_keys, s_keys, side="right")
    position = np.searchsorted(students, s_vals)
    offset = 0
    live = np.flatnonzero(hi > lo)
    while live.size:
        c = np.minimum(hi[live] - lo[live] - offset, window)
        s_rep = np.repeat(s_vals[live], c)
        within = np.arange(int(c.sum()), dtype=np.int64) - np.repeat(np.cumsum(c) - c, c)
        o_rep = o_vals[np.repeat(lo[live] + offset, c) + within]
        hit = eligible(a, s_rep, o_rep)
        found[np.searchsorted(students, s_rep[hit])] = True
        offset += window
        live = live[(hi[live] - lo[live] > offset) & ~found[position[live]]]
    return found


def _join_keys(a: RoundArrays, students: IntArray
               ) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Offer and student join keys on (region, sector) and (region, qualification)."""
    width = max(len(a.sectors), a.n_quals) + 1
    o_all = np.arange(a.n_offers, dtype=np.int64)
    plain = o_all[~a.o_has_quals]
    q_pairs_o = a.o_qual_keys // a.n_quals
    q_pairs_q = a.o_qual_keys % a.n_quals
    o_keys = np.concatenate((
        (a.o_region[plain] * width + a.o_sector[plain]) * 2,
        (a.o_region[q_pairs_o] * width + q_pairs_q) * 2 + 1,
    ))
    o_vals = np.concatenate((plain, q_pairs_o))
    order = np.argsort(o_keys, kind="stable")
    reg_s = a.s_region_keys // a.n_regions
    reg_r = a.s_region_keys % a.n_regions
    sel = np.isin(reg_s, students)
    reg_s, reg_r = reg_s[sel], reg_r[sel]
    has_q = a.s_qual[reg_s] >= 0
    s_keys = np.concatenate((
        (reg_r * width + a.s_sector[reg_s]) * 2,
        (reg_r[has_q] * width + a.s_qual[reg_s[has_q]]) * 2 + 1,
    ))
    s_vals = np.concatenate((reg_s, reg_s[has_q]))
    return o_keys[order], o_vals[order], s_keys, s_vals


def candidate_pairs(a: RoundArrays, students: IntArray,
                    chunk: int = 2_000_000) -> Iterator[tuple[IntArray, IntArray]]:
    """All eligible (student, offer) pairs for the given students, in bounded chunks.

    Offers are joined to students on (region, sector) for offers without qualification
    codes and on (region, qualification) for the others, so only pairs that already pass
    rules 3 and 5 are ever formed; the rest are filtered vectorised.
    """
    if students.size == 0 or a.n_offers == 0:
        return
    o_keys, o_vals, s_keys, s_vals = _join_keys(a, students)
    lo = np.searchsorted(o_keys, s_keys, side="left")
    hi = np.searchsorted(o_keys, s_keys, side="right")
    counts = hi - lo
    start = 0
    n = s_keys.size
    while start < n:
        # Take as many student keys as fit in one chunk of pairs (at least one).
        csum = np.cumsum(counts[start:])
        stop = start + max(1, int(np.searchsorted(csum, chunk, side="right")))
        c = counts[start:stop]
        total = int(c.sum())
        if total:
            s_rep = np.repeat(s_vals[start:stop], c)
            first = np.repeat(lo[start:stop], c)
            within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(c) - c, c)
            o_rep = o_vals[first + within]
            keep = eligible(a, s_rep, o_rep)
            yield s_rep[keep], o_rep[keep]
        start = stop
