"""An independent check of an allocation result against the rules of docs/ENGINE.md.

``verify(round, result)`` recomputes everything from the round alone and returns a list of
human-readable violations; an empty list means the result is valid. It deliberately shares no
code with the engine (only the frozen model and the seeded lottery), so that a mistake in the
engine's eligibility, ranking or statistics cannot hide behind the same mistake here.

Everything is linear in the size of the round and the result (dictionary look-ups per
assignment and per student, at most ``max_preferences`` entries per student); the only
student × offer work is vectorised with NumPy and done only for the students that need it
(unplaced students, and with ``place_unranked`` the students placed unranked).
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from solver.lottery import lottery_numbers
from solver.model import (
    FEASIBLE,
    INFEASIBLE,
    NO_ELIGIBLE_OFFER,
    NO_PREFERENCES,
    OPTIMAL,
    OUTCOMPETED,
    PREFERENCES_INELIGIBLE,
    SEAT_ENVIRONMENT_FULL,
    SEAT_FULL,
    SEAT_RESERVED,
    STABLE,
    UNASSIGNED_REASONS,
    Assignment,
    Environment,
    Location,
    Offer,
    Result,
    Round,
    Stats,
    Student,
)

__all__ = [
    "EARTH_RADIUS_KM",
    "RULE_NUMBER",
    "BrokenRule",
    "blocking_pairs",
    "counted_ranks",
    "eligible",
    "haversine_km",
    "ineligibility",
    "verify",
]

EARTH_RADIUS_KM = 6371.0
MEAN_RANK_TOLERANCE = 1e-9
STATUSES = (OPTIMAL, STABLE, FEASIBLE, INFEASIBLE)

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


# --------------------------------------------------------------------------------------------
# Eligibility and ranks
# --------------------------------------------------------------------------------------------


def haversine_km(a: Location, b: Location) -> float:
    """Great-circle distance in km on a sphere of radius 6371 km."""
    lat1 = math.radians(a.lat)
    lat2 = math.radians(b.lat)
    h = (
        math.sin((lat2 - lat1) / 2.0) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin(math.radians(b.lon - a.lon) / 2.0) ** 2
    )
    return 2.0 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, max(0.0, h))))


# The eligibility rules by stable code, with ENGINE.md's number. Rule 5 has two codes: an
# offer naming qualifications checks the student's qualification, any other its sector.
RULE_NUMBER = {"level": 1, "pathway": 2, "region": 3, "distance": 4, "qualification": 5,
               "sector": 5, "period": 6}


@dataclass(frozen=True, slots=True)
class BrokenRule:
    """One eligibility rule a (student, offer) pair breaks: a stable ``code`` (RULE_NUMBER's
    keys) and its ``details`` as data, for a surface to put into words (service.texts.RULES);
    ``str()`` is the plain English the command line and the API print."""

    code: str
    details: tuple[tuple[str, object], ...]

    @property
    def number(self) -> int:
        return RULE_NUMBER[self.code]

    def detail(self, key: str) -> Any:
        return dict(self.details)[key]

    def __str__(self) -> str:
        d: dict[str, Any] = dict(self.details)
        text = {
            "level": lambda: f"level {d['level']} not in {list(d['allowed'])}",
            "pathway": lambda: f"pathways {list(d['pathways'])} vs {list(d['allowed'])}",
            "region": lambda: f"region {d['region']!r} not in {list(d['allowed'])}",
            "distance": lambda: f"distance {d['km']:.3f} km > {d['limit_km']} km",
            "qualification": lambda: (f"qualification {d['qualification']!r} not in "
                                      f"{list(d['allowed'])}"),
            "sector": lambda: f"sector {d['sector']!r} != {d['offer_sector']!r}",
            "period": lambda: (f"offer period {d['start']}..{d['end']} does not cover "
                               f"{d['from']}..{d['until']}"),
        }[self.code]()
        return f"{self.number} ({text})"


def ineligibility(student: Student, offer: Offer) -> list[BrokenRule]:
    """The eligibility rules (ENGINE.md's order) that the pair breaks; empty if none."""
    broken: list[BrokenRule] = []
    if student.level not in offer.levels:
        broken.append(BrokenRule("level", (("level", student.level),
                                           ("allowed", tuple(offer.levels)))))
    if not set(student.pathways) & set(offer.pathways):
        broken.append(BrokenRule("pathway", (("pathways", tuple(student.pathways)),
                                             ("allowed", tuple(offer.pathways)))))
    if offer.region not in student.regions:
        broken.append(BrokenRule("region", (("region", offer.region),
                                            ("allowed", tuple(student.regions)))))
    if (
        student.location is not None
        and offer.location is not None
        and student.max_travel_km is not None
    ):
        d = haversine_km(student.location, offer.location)
        if d > student.max_travel_km:
            broken.append(BrokenRule("distance", (("km", d),
                                                  ("limit_km", student.max_travel_km))))
    if offer.qualifications:
        if student.qualification not in offer.qualifications:
            broken.append(BrokenRule("qualification", (
                ("qualification", student.qualification),
                ("allowed", tuple(offer.qualifications)))))
    elif student.sector != offer.sector:
        broken.append(BrokenRule("sector", (("sector", student.sector),
                                            ("offer_sector", offer.sector))))
    if (
        offer.start is not None
        and offer.end is not None
        and student.available_from is not None
        and student.available_until is not None
        and not (offer.start <= student.available_from and student.available_until <= offer.end)
    ):
        broken.append(BrokenRule("period", (
            ("start", offer.start), ("end", offer.end), ("from", student.available_from),
            ("until", student.available_until))))
    return broken


def eligible(student: Student, offer: Offer) -> bool:
    """All six eligibility rules of ENGINE.md hold for the pair."""
    if offer.region not in student.regions or student.level not in offer.levels:
        return False
    if offer.qualifications:
        if student.qualification not in offer.qualifications:
            return False
    elif student.sector != offer.sector:
        return False
    if not any(p in offer.pathways for p in student.pathways):
        return False
    if (
        offer.start is not None
        and offer.end is not None
        and student.available_from is not None
        and student.available_until is not None
        and not (offer.start <= student.available_from and student.available_until <= offer.end)
    ):
        return False
    return (
        student.location is None
        or offer.location is None
        or student.max_travel_km is None
        or haversine_km(student.location, offer.location) <= student.max_travel_km
    )


def _counted(
    student: Student, offers_by_id: Mapping[str, Offer], max_preferences: int
) -> dict[str, int]:
    ranks: dict[str, int] = {}
    seen: set[str] = set()
    for position, offer_id in enumerate(student.preferences[: max(0, max_preferences)], 1):
        if offer_id in seen:
            continue  # repeated: skipped, the first listing decides
        seen.add(offer_id)
        offer = offers_by_id.get(offer_id)
        if offer is None or not eligible(student, offer):
            continue  # unknown or ineligible: skipped, the rest keep their positions
        ranks[offer_id] = position
    return ranks


_INDEX_CACHE: list[tuple[Round, dict[str, Offer]]] = []


def _offers_by_id(round: Round) -> dict[str, Offer]:
    if _INDEX_CACHE and _INDEX_CACHE[0][0] is round:
        return _INDEX_CACHE[0][1]
    index = {o.id: o for o in round.offers}
    _INDEX_CACHE[:] = [(round, index)]
    return index


def counted_ranks(student: Student, round: Round) -> dict[str, int]:
    """The student's counted entries: offer id → 1-based position in the submitted list.

    Only the first ``max_preferences`` positions count; unknown, ineligible and repeated
    entries are skipped and the positions of the others are not renumbered.
    """
    return _counted(student, _offers_by_id(round), round.policy.max_preferences)


# --------------------------------------------------------------------------------------------
# Vectorised prefilter over all offers (exact checks are always redone with `eligible`)
# --------------------------------------------------------------------------------------------


class _OfferArrays:
    """Offer attributes as arrays, to find a student's eligible offers without a Python loop.

    Offers are indexed by region and sector or qualification (rules 3 and 5), and the other
    rules are then applied to that subset with NumPy. Distances within 1e-6 km of the limit
    are re-checked with the exact scalar `eligible`, so the answer is exactly `eligible`'s.
    """

    def __init__(self, offers: Sequence[Offer]) -> None:
        n = len(offers)
        self.offers = offers
        self._pathway_bit: dict[str, int] = {}
        for o in offers:
            for p in o.pathways:
                self._pathway_bit.setdefault(p, 1 << len(self._pathway_bit))
        self.level_bits = np.array(
            [sum(1 << lv for lv in set(o.levels) if 0 <= lv < 62) for o in offers], dtype=np.int64
        ).reshape(n)
        self.pathway_bits = np.array(
            [sum(self._pathway_bit[p] for p in set(o.pathways)) for o in offers], dtype=np.int64
        ).reshape(n)
        # Rules 3 and 5 through an index: offers without qualifications under (region,
        # sector), offers with qualifications under (region, each qualification).
        groups: dict[tuple[str, str, str], list[int]] = {}
        for j, o in enumerate(offers):
            if o.qualifications:
                for q in set(o.qualifications):
                    groups.setdefault((o.region, "q", q), []).append(j)
            else:
                groups.setdefault((o.region, "s", o.sector), []).append(j)
        self.groups = {k: np.array(js, dtype=np.int64) for k, js in groups.items()}
        self.has_loc = np.array([o.location is not None for o in offers], dtype=np.bool_).reshape(n)
        self.lat = np.radians(
            np.array([o.location.lat if o.location else 0.0 for o in offers], dtype=np.float64)
        ).reshape(n)
        self.lon = np.radians(
            np.array([o.location.lon if o.location else 0.0 for o in offers], dtype=np.float64)
        ).reshape(n)
        self.has_dates = np.array(
            [o.start is not None and o.end is not None for o in offers], dtype=np.bool_
        ).reshape(n)
        self.start = np.array(
            [o.start.toordinal() if o.start is not None else 0 for o in offers], dtype=np.int64
        ).reshape(n)
        self.end = np.array(
            [o.end.toordinal() if o.end is not None else 0 for o in offers], dtype=np.int64
        ).reshape(n)
        self._empty = np.zeros(0, dtype=np.int64)

    def eligible_offers(self, s: Student, allowed: BoolArray | None = None) -> IntArray:
        """Indices of the offers eligible for s (restricted to ``allowed`` when given)."""
        if not 0 <= s.level < 62:
            return self._empty
        keys = [(r, "s", s.sector) for r in set(s.regions)]
        if s.qualification is not None:
            keys += [(r, "q", s.qualification) for r in set(s.regions)]
        parts = [self.groups[k] for k in keys if k in self.groups]
        if not parts:
            return self._empty
        idx: IntArray = parts[0] if len(parts) == 1 else np.concatenate(parts)
        if allowed is not None:
            idx = idx[allowed[idx]]
        if idx.size == 0:
            return idx
        keep = (self.level_bits[idx] & (1 << s.level)) != 0
        sp = 0
        for p in set(s.pathways):
            sp |= self._pathway_bit.get(p, 0)
        keep &= (self.pathway_bits[idx] & sp) != 0
        if s.available_from is not None and s.available_until is not None:
            f = s.available_from.toordinal()
            u = s.available_until.toordinal()
            keep &= ~self.has_dates[idx] | ((self.start[idx] <= f) & (u <= self.end[idx]))
        idx = idx[keep]
        if s.location is not None and s.max_travel_km is not None and idx.size:
            lat = math.radians(s.location.lat)
            lon = math.radians(s.location.lon)
            olat = self.lat[idx]
            h = (
                np.sin((olat - lat) / 2.0) ** 2
                + math.cos(lat) * np.cos(olat) * np.sin((self.lon[idx] - lon) / 2.0) ** 2
            )
            d = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
            located = self.has_loc[idx]
            limit = s.max_travel_km
            keep = ~located | (d <= limit)
            close = np.flatnonzero(located & (np.abs(d - limit) <= 1e-6))
            for k in close:  # floating-point borderline: decide as the scalar rule does
                keep[k] = eligible(s, self.offers[int(idx[k])])
            idx = idx[keep]
        return idx

    def any_eligible(self, s: Student) -> bool:
        return bool(self.eligible_offers(s).size)


# --------------------------------------------------------------------------------------------
# Blocking pairs
# --------------------------------------------------------------------------------------------


@dataclass
class _OfferState:
    """An offer's students, in the offer's order, and its choice walk over them."""

    keys: list[tuple[int, int]]  # non-pinned holders' keys in the offer's order, sorted
    kept: list[int]  # kept[i]: students kept after the pinned ones and the first i holders
    kept_np: list[int]  # the same, counting non-priority students only
    capacity: int
    np_limit: int  # capacity - reserved_priority


class _Blocking:
    def __init__(
        self,
        round: Round,
        assignments: Iterable[Assignment],
        ranks_of: Callable[[Student], Mapping[str, int]] | None = None,
    ) -> None:
        policy = round.policy
        self.round = round
        self.students = round.students
        self.offers = round.offers
        self.offer_by_id = {o.id: o for o in round.offers}
        self.student_by_id = {s.id: s for s in round.students}
        self.offer_index = {o.id: j for j, o in enumerate(round.offers)}
        self.env_by_id: dict[str, Environment] = {e.id: e for e in round.environments}
        self.max_pref = policy.max_preferences
        self.place_unranked = policy.place_unranked
        n = len(self.students)
        self.n = n
        self.big = n + 1

        # Offers and environments order students by priority first, then the lottery (a lower
        # number is a better draw; the id breaks the practically impossible ties).
        lots = [int(x) for x in lottery_numbers([s.id for s in self.students], policy.seed)]
        order = sorted(
            range(n),
            key=lambda i: (0 if self.students[i].priority else 1, lots[i], self.students[i].id),
        )
        self.gpos: dict[str, int] = {}
        for p, i in enumerate(order):
            self.gpos[self.students[i].id] = p
        # Unranked offers are proposed to in the lottery order of the offers.
        olots = [int(x) for x in lottery_numbers([o.id for o in self.offers], policy.seed)]
        oorder = sorted(range(len(self.offers)), key=lambda j: (olots[j], self.offers[j].id))
        self.olpos = np.empty(len(self.offers), dtype=np.int64)
        for p, j in enumerate(oorder):
            self.olpos[j] = p
        self.rankings: dict[str, dict[str, int]] = {}
        for oid, listed in round.company_rankings.items():
            pos: dict[str, int] = {}
            for k, sid in enumerate(listed):
                pos.setdefault(sid, k)
            self.rankings[oid] = pos

        self.pins = {(p.student_id, p.offer_id) for p in round.pinned}
        self.pinned_students = {p.student_id for p in round.pinned}
        self.placement: dict[str, str] = {}
        for a in assignments:
            if (
                a.student_id in self.student_by_id
                and a.offer_id in self.offer_by_id
                and a.student_id not in self.placement
            ):
                self.placement[a.student_id] = a.offer_id

        holders: dict[str, list[Student]] = {o.id: [] for o in self.offers}
        pinned_holders: dict[str, list[Student]] = {o.id: [] for o in self.offers}
        env_count: Counter[str] = Counter()
        env_worst: dict[str, int] = {}  # the env's non-pinned student it orders last
        for sid, oid in self.placement.items():
            s = self.student_by_id[sid]
            is_pinned = (sid, oid) in self.pins
            (pinned_holders if is_pinned else holders)[oid].append(s)
            env = self.offer_by_id[oid].environment_id
            if env is not None:
                env_count[env] += 1
                if not is_pinned:
                    env_worst[env] = max(env_worst.get(env, -1), self.gpos[sid])

        self.state: dict[str, _OfferState] = {}
        t_prio = np.full(len(self.offers), self.big, dtype=np.int64)
        t_np = np.full(len(self.offers), self.big, dtype=np.int64)
        for j, o in enumerate(self.offers):
            np_limit = o.capacity - o.reserved_priority
            hs = sorted(holders[o.id], key=self._key_for(o.id))
            kept = len(pinned_holders[o.id])
            kept_np = sum(1 for s in pinned_holders[o.id] if not s.priority)
            ks = [kept]
            ks_np = [kept_np]
            for s in hs:
                if kept < o.capacity and (s.priority or kept_np < np_limit):
                    kept += 1
                    kept_np += 0 if s.priority else 1
                ks.append(kept)
                ks_np.append(kept_np)
            self.state[o.id] = _OfferState(
                keys=[self.key(o.id, s) for s in hs],
                kept=ks,
                kept_np=ks_np,
                capacity=o.capacity,
                np_limit=np_limit,
            )
            if o.id in self.rankings:
                continue  # not in the global order: no vectorised threshold, exact check only
            # Global order: a student at global position g is kept iff g < threshold.
            for i in range(len(ks)):
                g = 0 if i == 0 else self.gpos[hs[i - 1].id] + 1
                if ks[i] >= o.capacity and t_prio[j] == self.big:
                    t_prio[j] = g
                if (ks[i] >= o.capacity or ks_np[i] >= np_limit) and t_np[j] == self.big:
                    t_np[j] = g
        self.t_prio = t_prio
        self.t_np = t_np
        self.env_count = env_count
        self.env_worst = env_worst
        env_t = np.full(len(self.offers), self.big, dtype=np.int64)
        for j, o in enumerate(self.offers):
            e = self.env_by_id.get(o.environment_id) if o.environment_id is not None else None
            if e is not None and env_count[e.id] >= e.capacity:
                env_t[j] = env_worst.get(e.id, -1)
        self.env_t = env_t
        self.company_ranked = np.array(
            [o.id in self.rankings for o in self.offers], dtype=np.bool_
        ).reshape(len(self.offers))
        self._arrays: _OfferArrays | None = None
        self.ranks_of = ranks_of or (lambda s: _counted(s, self.offer_by_id, self.max_pref))

    def _key_for(self, offer_id: str) -> Callable[[Student], tuple[int, int]]:
        return lambda s: self.key(offer_id, s)

    def key(self, offer_id: str, s: Student) -> tuple[int, int]:
        listed = self.rankings.get(offer_id)
        if listed is not None and s.id in listed:
            return (0, listed[s.id])
        return (1, self.gpos[s.id])

    def keeps(self, s: Student, offer_id: str) -> bool:
        """The offer's choice from its students plus s keeps s."""
        st = self.state[offer_id]
        i = bisect.bisect_left(st.keys, self.key(offer_id, s))
        return st.kept[i] < st.capacity and (s.priority or st.kept_np[i] < st.np_limit)

    def env_admits(self, s: Student, offer: Offer) -> bool:
        """The offer's environment (if any) has a free seat or a student it orders below s."""
        if offer.environment_id is None:
            return True
        e = self.env_by_id.get(offer.environment_id)
        if e is None or self.env_count[e.id] < e.capacity:
            return True
        return self.env_worst.get(e.id, -1) > self.gpos[s.id]

    def arrays(self) -> _OfferArrays:
        if self._arrays is None:
            self._arrays = _OfferArrays(self.offers)
        return self._arrays

    def count(self) -> int:
        total = 0
        for s in self.students:
            if s.id in self.pinned_students:
                continue  # pinned students do not propose
            ranks = self.ranks_of(s)
            cur = self.placement.get(s.id)
            cur_rank: int | None = None  # rank of the current placement among counted entries
            cur_unranked: int | None = None  # lottery position of an unranked placement
            if cur is not None:
                if cur in ranks:
                    cur_rank = ranks[cur]
                elif self.place_unranked and eligible(s, self.offer_by_id[cur]):
                    cur_unranked = int(self.olpos[self.offer_index[cur]])
                # else: an invalid placement; the student prefers any allowed offer to it
            for oid, r in ranks.items():
                if cur_rank is not None and r >= cur_rank:
                    continue
                if self.keeps(s, oid) and self.env_admits(s, self.offer_by_id[oid]):
                    total += 1
            if not self.place_unranked or cur_rank is not None:
                continue
            g = self.gpos[s.id]
            limit = cur_unranked if cur_unranked is not None else len(self.offers)
            mask = self.olpos < limit
            mask &= g < (self.t_prio if s.priority else self.t_np)
            mask &= g < self.env_t
            for oid in ranks:  # counted entries were handled above
                mask[self.offer_index[oid]] = False
            if cur is not None:
                mask[self.offer_index[cur]] = False
            if not mask.any():
                continue
            idx = self.arrays().eligible_offers(s, mask)
            # Without company rankings the thresholds above are exact: every such offer left
            # keeps s and its environment admits s. Company-ranked offers are checked one by one.
            exact = self.company_ranked[idx]
            total += int(idx.size - np.count_nonzero(exact))
            for j in idx[exact]:
                o = self.offers[int(j)]
                if self.keeps(s, o.id) and self.env_admits(s, o):
                    total += 1
        return total


def blocking_pairs(round: Round, assignments: Iterable[Assignment]) -> int:
    """The number of blocking pairs (ENGINE.md, `stable`) of an allocation.

    A pair (s, o) blocks when s is not pinned, may be placed at o (a counted entry, or with
    ``place_unranked`` any eligible offer), prefers o to their placement (counted entries by
    rank, then unranked offers in the lottery order of the offers) or has none, o's choice from
    its students plus s keeps s (pinned students first and never displaced, then in the offer's
    order: ``company_rankings`` list, then priority, then lottery; a seat must be free and a
    non-priority student needs fewer than ``capacity - reserved_priority`` non-priority
    students kept before), and o's environment, if any, has a free seat or holds a non-pinned
    student it orders (priority, then lottery) below s.
    """
    return _Blocking(round, assignments).count()


# --------------------------------------------------------------------------------------------
# verify
# --------------------------------------------------------------------------------------------


def _pinned_overflow(round: Round) -> list[str]:
    """What the pinned pairs alone overfill (offer capacity, non-priority share, environment)."""
    offers = {o.id: o for o in round.offers}
    students = {s.id: s for s in round.students}
    envs = {e.id: e for e in round.environments}
    count: Counter[str] = Counter()
    count_np: Counter[str] = Counter()
    env_count: Counter[str] = Counter()
    for p in round.pinned:
        o = offers.get(p.offer_id)
        s = students.get(p.student_id)
        if o is None or s is None:
            continue
        count[o.id] += 1
        if not s.priority:
            count_np[o.id] += 1
        if o.environment_id is not None:
            env_count[o.environment_id] += 1
    out: list[str] = []
    for oid, c in sorted(count.items()):
        o = offers[oid]
        if c > o.capacity:
            out.append(f"offer {oid} ({c} pinned > capacity {o.capacity})")
        elif count_np[oid] > o.capacity - o.reserved_priority:
            out.append(
                f"offer {oid} ({count_np[oid]} non-priority pinned > "
                f"{o.capacity} - {o.reserved_priority} reserved)"
            )
    for eid, c in sorted(env_count.items()):
        e = envs.get(eid)
        if e is not None and c > e.capacity:
            out.append(f"environment {eid} ({c} pinned > capacity {e.capacity})")
    return out


def _expected_stats(
    round: Round,
    placed: Mapping[str, Assignment],
    true_rank: Mapping[str, int | None],
) -> dict[str, object]:
    policy = round.policy
    students = {s.id: s for s in round.students}
    profile = [0] * (policy.max_preferences + 1)
    rank_sum = 0
    unranked = 0
    for sid in placed:
        r = true_rank[sid]
        if r is None:
            profile[-1] += 1
            rank_sum += policy.max_preferences + 1
            unranked += 1
        else:
            profile[r - 1] += 1
            rank_sum += r
    n_placed = len(placed)
    return {
        "students": len(round.students),
        "priority_students": sum(1 for s in round.students if s.priority),
        "placed": n_placed,
        "placed_priority": sum(1 for sid in placed if students[sid].priority),
        "pinned": sum(1 for a in placed.values() if a.pinned),
        "rank_profile": tuple(profile),
        "rank_sum": rank_sum,
        "mean_rank": (rank_sum / n_placed) if n_placed else None,
        "unranked_placed": unranked,
    }


def _check_stats(stats: Stats, expected: Mapping[str, object], out: list[str]) -> None:
    for name, want in expected.items():
        got = getattr(stats, name)
        if name == "mean_rank":
            if want is None or got is None:
                ok = want is None and got is None
            else:
                assert isinstance(want, float)
                ok = isinstance(got, int | float) and abs(float(got) - want) <= MEAN_RANK_TOLERANCE
            if not ok:
                out.append(f"stats.mean_rank is {got!r}, expected {want!r}")
        elif name == "rank_profile":
            if tuple(got) != want:
                out.append(f"stats.rank_profile is {tuple(got)!r}, expected {want!r}")
        elif got != want:
            out.append(f"stats.{name} is {got!r}, expected {want!r}")


def verify(round: Round, result: Result) -> list[str]:
    """Every way ``result`` breaks the rules of docs/ENGINE.md for ``round``; empty if valid."""
    out: list[str] = []
    policy = round.policy
    students = {s.id: s for s in round.students}
    offers = {o.id: o for o in round.offers}
    envs = {e.id: e for e in round.environments}
    pin_of: dict[str, str] = {}
    for p in round.pinned:
        if p.student_id in pin_of and pin_of[p.student_id] != p.offer_id:
            out.append(f"round pins student {p.student_id} to two offers")
        pin_of.setdefault(p.student_id, p.offer_id)
    pins = {(p.student_id, p.offer_id) for p in round.pinned}

    if result.round_id != round.id:
        out.append(f"result.round_id {result.round_id!r} != round id {round.id!r}")
    if result.objective != policy.objective:
        out.append(f"result.objective {result.objective!r} != policy {policy.objective!r}")
    if result.status not in STATUSES:
        out.append(f"unknown status {result.status!r}")

    overflow = _pinned_overflow(round)
    if result.status == INFEASIBLE:
        if not overflow:
            out.append("status is infeasible but the pinned pairs alone break no capacity")
        if result.assignments:
            out.append(f"status is infeasible but {len(result.assignments)} assignments given")
        _check_stats(result.stats, _expected_stats(round, {}, {}), out)
        return out
    if overflow:
        out.append(
            "the pinned pairs alone break a capacity, status must be infeasible: "
            + "; ".join(overflow)
        )

    # -- assignments: known ids, one per student, pins, eligibility, ranks --------------------
    ranks_cache: dict[str, dict[str, int]] = {}

    def ranks_of(s: Student) -> dict[str, int]:
        r = ranks_cache.get(s.id)
        if r is None:
            r = _counted(s, offers, policy.max_preferences)
            ranks_cache[s.id] = r
        return r

    placed: dict[str, Assignment] = {}
    true_rank: dict[str, int | None] = {}
    for a in result.assignments:
        s = students.get(a.student_id)
        o = offers.get(a.offer_id)
        if s is None:
            out.append(f"assignment names unknown student {a.student_id!r}")
        if o is None:
            out.append(f"assignment names unknown offer {a.offer_id!r}")
        if s is None or o is None:
            continue
        if s.id in placed:
            out.append(
                f"student {s.id} assigned more than once ({placed[s.id].offer_id} and {o.id})"
            )
            continue
        placed[s.id] = a
        is_pin = (s.id, o.id) in pins
        if a.pinned and not is_pin:
            out.append(f"assignment {s.id} -> {o.id} marked pinned but is not a pinned pair")
        if is_pin and not a.pinned:
            out.append(f"pinned pair {s.id} -> {o.id} not marked pinned")
        ranks = ranks_of(s)
        expected_rank = ranks.get(o.id)
        true_rank[s.id] = expected_rank
        if a.rank != expected_rank:
            out.append(
                f"assignment {s.id} -> {o.id} has rank {a.rank!r}, expected {expected_rank!r}"
            )
        if not is_pin and expected_rank is None:
            why = ineligibility(s, o)
            if why:
                out.append(f"assignment {s.id} -> {o.id} is not eligible: rule "
                           + ", ".join(map(str, why)))
            elif not policy.place_unranked:
                out.append(
                    f"assignment {s.id} -> {o.id} is not among the student's counted entries "
                    "and place_unranked is off"
                )
    for p in round.pinned:
        if p.student_id not in students or p.offer_id not in offers:
            continue
        held = placed.get(p.student_id)
        if held is None or held.offer_id != p.offer_id:
            out.append(f"pinned pair {p.student_id} -> {p.offer_id} missing from the assignments")

    # -- capacities ---------------------------------------------------------------------------
    count: Counter[str] = Counter()
    count_np: Counter[str] = Counter()
    env_count: Counter[str] = Counter()
    for sid, a in placed.items():
        count[a.offer_id] += 1
        if not students[sid].priority:
            count_np[a.offer_id] += 1
        env = offers[a.offer_id].environment_id
        if env is not None:
            env_count[env] += 1
    for oid, c in sorted(count.items()):
        o = offers[oid]
        if c > o.capacity:
            out.append(f"offer {oid} holds {c} students, capacity {o.capacity}")
        limit = o.capacity - o.reserved_priority
        if count_np[oid] > limit:
            out.append(
                f"offer {oid} holds {count_np[oid]} non-priority students, at most "
                f"{limit} (capacity {o.capacity} - reserved_priority {o.reserved_priority})"
            )
    for eid, c in sorted(env_count.items()):
        e = envs.get(eid)
        if e is not None and c > e.capacity:
            out.append(f"environment {eid} holds {c} students, capacity {e.capacity}")

    def seat_taken(s: Student, o: Offer) -> str | None:
        """Why ``o`` had no seat for ``s`` (ENGINE.md's order), None if it had one."""
        if count[o.id] >= o.capacity:
            return SEAT_FULL
        e = envs.get(o.environment_id) if o.environment_id is not None else None
        if e is not None and env_count[e.id] >= e.capacity:
            return SEAT_ENVIRONMENT_FULL
        if not s.priority and count_np[o.id] >= o.capacity - o.reserved_priority:
            return SEAT_RESERVED
        return None

    # -- unassigned ---------------------------------------------------------------------------
    arrays: _OfferArrays | None = None
    listed: Counter[str] = Counter(u.student_id for u in result.unassigned)
    for sid, c in sorted(listed.items()):
        if c > 1:
            out.append(f"student {sid} listed {c} times as unassigned")
    for u in result.unassigned:
        s = students.get(u.student_id)
        if s is None:
            out.append(f"unassigned entry names unknown student {u.student_id!r}")
            continue
        if s.id in placed:
            out.append(f"student {s.id} is both assigned and listed as unassigned")
            continue
        if u.reason not in UNASSIGNED_REASONS:
            out.append(f"student {s.id}: unknown unassigned reason {u.reason!r}")
            continue
        ranks = ranks_of(s)
        expected: set[str]
        if not s.preferences and not policy.place_unranked:
            # ENGINE.md's order: no eligible offer comes before no list.
            if arrays is None:
                arrays = _OfferArrays(round.offers)
            expected = {NO_PREFERENCES} if arrays.any_eligible(s) else {NO_ELIGIBLE_OFFER}
        elif ranks:
            expected = {OUTCOMPETED}
        else:
            if arrays is None:
                arrays = _OfferArrays(round.offers)
            if not arrays.any_eligible(s):
                expected = {NO_ELIGIBLE_OFFER}
            elif policy.place_unranked:
                expected = {OUTCOMPETED}
            else:
                expected = {PREFERENCES_INELIGIBLE}
        if u.reason not in expected:
            out.append(
                f"student {s.id}: unassigned reason {u.reason!r}, expected "
                + " or ".join(repr(x) for x in sorted(expected))
            )
        if u.reason == OUTCOMPETED:
            taken = {oid: seat for oid in ranks
                     if (seat := seat_taken(s, offers[oid])) is not None}
            if set(u.offers) != set(taken) or len(u.offers) != len(set(u.offers)):
                out.append(
                    f"student {s.id}: outcompeted offers {list(u.offers)}, expected the full "
                    f"offers they ranked {sorted(taken, key=lambda x: ranks[x])}"
                )
            elif u.seat_reasons != tuple(taken[oid] for oid in u.offers):
                out.append(
                    f"student {s.id}: seat reasons {list(u.seat_reasons)} for offers "
                    f"{list(u.offers)}, expected {[taken[oid] for oid in u.offers]}"
                )
    for s in round.students:
        if s.id not in placed and s.id not in listed:
            out.append(f"student {s.id} is neither assigned nor listed as unassigned")

    # -- statistics ---------------------------------------------------------------------------
    _check_stats(result.stats, _expected_stats(round, placed, true_rank), out)
    # "Company rankings exist": at least one offer ranks at least one student.
    needs_bp = policy.objective == "stable" or any(round.company_rankings.values())
    bp: int | None = None
    if result.stats.blocking_pairs is not None or result.status == STABLE:
        bp = _Blocking(round, placed.values(), ranks_of).count()
    if result.stats.blocking_pairs is None:
        if needs_bp:
            out.append(
                "stats.blocking_pairs is None but must be counted "
                "(objective stable or company rankings given)"
            )
    elif result.stats.blocking_pairs != bp:
        out.append(f"stats.blocking_pairs is {result.stats.blocking_pairs}, expected {bp}")
    if result.status == STABLE and bp:
        out.append(f"status is stable but the allocation has {bp} blocking pairs")
    return out
