"""Brute force over every valid allocation of a tiny round (≤ 8 students, ≤ 5 offers).

Written from docs/ENGINE.md alone. It uses only `solver.verify`'s `eligible` and
`counted_ranks` (the independent checker) and has its own, deliberately naive, blocking-pair
test, so that it also serves as a cross-check of `solver.verify.blocking_pairs`.

An allocation is a tuple with, per student (in round order), the index of their offer or -1.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from solver.lottery import lottery_numbers
from solver.model import Assignment, Round, Student
from solver.verify import counted_ranks, eligible

Allocation = tuple[int, ...]
UNPLACED = -1


@dataclass(frozen=True)
class Prepared:
    round: Round
    ranks: tuple[dict[int, int], ...]  # per student: offer index → counted rank
    allowed: tuple[tuple[int, ...], ...]  # per student: offers a non-pinned placement may use
    pinned: dict[int, int]  # student index → offer index
    student_lot: tuple[int, ...]
    offer_lot: tuple[int, ...]
    env_of: tuple[int, ...]  # offer index → environment index or -1
    env_cap: tuple[int, ...]

    @property
    def n(self) -> int:
        return len(self.round.students)


def prepare(round: Round) -> Prepared:
    students, offers = round.students, round.offers
    assert len(students) <= 8 and len(offers) <= 5, "brute force is for tiny rounds only"
    oidx = {o.id: j for j, o in enumerate(offers)}
    sidx = {s.id: i for i, s in enumerate(students)}
    ranks = []
    allowed = []
    for s in students:
        r = {oidx[oid]: k for oid, k in counted_ranks(s, round).items()}
        ranks.append(r)
        if round.policy.place_unranked:
            allowed.append(tuple(j for j, o in enumerate(offers) if eligible(s, o)))
        else:
            allowed.append(tuple(sorted(r)))
    eidx = {e.id: k for k, e in enumerate(round.environments)}
    return Prepared(
        round=round,
        ranks=tuple(ranks),
        allowed=tuple(allowed),
        pinned={sidx[p.student_id]: oidx[p.offer_id] for p in round.pinned},
        student_lot=tuple(
            int(x) for x in lottery_numbers([s.id for s in students], round.policy.seed)
        ),
        offer_lot=tuple(int(x) for x in lottery_numbers([o.id for o in offers], round.policy.seed)),
        env_of=tuple(
            -1 if o.environment_id is None else eidx.get(o.environment_id, -1) for o in offers
        ),
        env_cap=tuple(e.capacity for e in round.environments),
    )


def fits(p: Prepared, alloc: Sequence[int]) -> bool:
    """Every capacity rule holds (offer, non-priority share, environment)."""
    offers, students = p.round.offers, p.round.students
    count = [0] * len(offers)
    count_np = [0] * len(offers)
    env = [0] * len(p.env_cap)
    for i, j in enumerate(alloc):
        if j == UNPLACED:
            continue
        count[j] += 1
        count_np[j] += 0 if students[i].priority else 1
        if p.env_of[j] >= 0:
            env[p.env_of[j]] += 1
    return (
        all(count[j] <= o.capacity for j, o in enumerate(offers))
        and all(count_np[j] <= o.capacity - o.reserved_priority for j, o in enumerate(offers))
        and all(env[k] <= c for k, c in enumerate(p.env_cap))
    )


def allocations(p: Prepared) -> Iterator[Allocation]:
    """Every valid allocation: pinned pairs fixed, everyone else unplaced or at an allowed offer."""
    offers, students = p.round.offers, p.round.students
    count = [0] * len(offers)
    count_np = [0] * len(offers)
    env = [0] * len(p.env_cap)
    alloc = [UNPLACED] * p.n

    def put(i: int, j: int) -> bool:
        o = offers[j]
        np_add = 0 if students[i].priority else 1
        e = p.env_of[j]
        if count[j] + 1 > o.capacity:
            return False
        if count_np[j] + np_add > o.capacity - o.reserved_priority:
            return False
        if e >= 0 and env[e] + 1 > p.env_cap[e]:
            return False
        count[j] += 1
        count_np[j] += np_add
        if e >= 0:
            env[e] += 1
        alloc[i] = j
        return True

    def take(i: int) -> None:
        j = alloc[i]
        count[j] -= 1
        count_np[j] -= 0 if students[i].priority else 1
        if p.env_of[j] >= 0:
            env[p.env_of[j]] -= 1
        alloc[i] = UNPLACED

    for i, j in p.pinned.items():
        if not put(i, j):
            return  # the pinned pairs alone break a capacity: no allocation at all
    free = [i for i in range(p.n) if i not in p.pinned]

    def go(k: int) -> Iterator[Allocation]:
        if k == len(free):
            yield tuple(alloc)
            return
        i = free[k]
        yield from go(k + 1)
        for j in p.allowed[i]:
            if put(i, j):
                yield from go(k + 1)
                take(i)

    yield from go(0)


def rank_value(p: Prepared, i: int, j: int) -> int:
    """The rank a placement counts as: its counted rank, else max_preferences + 1."""
    return p.ranks[i].get(j, p.round.policy.max_preferences + 1)


def objective_value(p: Prepared, alloc: Sequence[int]) -> tuple[object, ...]:
    """The lexicographic value the policy's objective compares (see `best_value`)."""
    policy = p.round.policy
    placed = [(i, j) for i, j in enumerate(alloc) if j != UNPLACED]
    head: tuple[int, ...] = (len(placed),)
    if policy.priority_first:
        head = (sum(1 for i, _ in placed if p.round.students[i].priority), len(placed))
    if policy.objective == "rank_maximal":
        profile = [0] * (policy.max_preferences + 1)
        for i, j in placed:
            profile[rank_value(p, i, j) - 1] += 1
        return (*head, tuple(profile))
    return (*head, sum(rank_value(p, i, j) for i, j in placed))


def _better(policy_objective: str, a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    """a is strictly better than b (both from `objective_value`)."""
    if a[:-1] != b[:-1]:
        return a[:-1] > b[:-1]  # type: ignore[operator]
    if policy_objective == "rank_maximal":
        return a[-1] > b[-1]  # type: ignore[operator]
    return a[-1] < b[-1]  # type: ignore[operator]


def best_value(round: Round) -> tuple[object, ...] | None:
    """The optimum of ``optimal`` or ``rank_maximal`` over every valid allocation.

    ``optimal``: (priority_placed, placed, rank_sum), or (placed, rank_sum) without
    ``priority_first``; ``rank_maximal``: the same with the rank profile (a tuple, rank 1 first,
    unranked last) in place of the rank sum. None when no valid allocation exists.
    """
    p = prepare(round)
    best: tuple[object, ...] | None = None
    for alloc in allocations(p):
        v = objective_value(p, alloc)
        if best is None or _better(round.policy.objective, v, best):
            best = v
    return best


def value_of(round: Round, assignments: Sequence[Assignment]) -> tuple[object, ...]:
    """`objective_value` of an engine's assignments."""
    return objective_value(prepare(round), to_allocation(round, assignments))


def to_allocation(round: Round, assignments: Sequence[Assignment]) -> Allocation:
    oidx = {o.id: j for j, o in enumerate(round.offers)}
    sidx = {s.id: i for i, s in enumerate(round.students)}
    alloc = [UNPLACED] * len(round.students)
    for a in assignments:
        alloc[sidx[a.student_id]] = oidx[a.offer_id]
    return tuple(alloc)


# --- stability ------------------------------------------------------------------------------


def preference(p: Prepared, i: int, j: int) -> tuple[int, int]:
    """Student i's preference key for offer j (smaller is better; unplaced is worst).

    Counted entries by rank, then (with place_unranked) the other eligible offers in the
    lottery order of the offers.
    """
    if j == UNPLACED:
        return (3, 0)
    if j in p.ranks[i]:
        return (0, p.ranks[i][j])
    if j in p.allowed[i]:
        return (1, p.offer_lot[j])
    return (2, 0)  # not a placement the student could have chosen


def _offer_key(p: Prepared, j: int, s: Student, i: int) -> tuple[int, int, int]:
    listed = p.round.company_rankings.get(p.round.offers[j].id, ())
    if s.id in listed:
        return (0, listed.index(s.id), 0)
    return (1, 0 if s.priority else 1, p.student_lot[i])


def _env_key(p: Prepared, i: int) -> tuple[int, int]:
    return (0 if p.round.students[i].priority else 1, p.student_lot[i])


def blocks(p: Prepared, alloc: Sequence[int], i: int, j: int) -> bool:
    """(student i, offer j) is a blocking pair of the allocation (ENGINE.md, `stable`)."""
    students, offers = p.round.students, p.round.offers
    if i in p.pinned or j not in p.allowed[i]:
        return False
    if preference(p, i, j) >= preference(p, i, alloc[i]):
        return False
    o = offers[j]
    # The offer's choice from its students plus s: pinned first, never displaced.
    holders = [h for h in range(p.n) if alloc[h] == j]
    pinned = [h for h in holders if p.pinned.get(h) == j]
    rest = sorted(
        [h for h in holders if p.pinned.get(h) != j] + [i],
        key=lambda h: _offer_key(p, j, students[h], h),
    )
    kept = len(pinned)
    kept_np = sum(1 for h in pinned if not students[h].priority)
    keeps_s = False
    for h in rest:
        if kept < o.capacity and (
            students[h].priority or kept_np < o.capacity - o.reserved_priority
        ):
            kept += 1
            kept_np += 0 if students[h].priority else 1
            if h == i:
                keeps_s = True
    if not keeps_s:
        return False
    e = p.env_of[j]
    if e < 0:
        return True
    members = [h for h in range(p.n) if alloc[h] != UNPLACED and p.env_of[alloc[h]] == e]
    if len(members) < p.env_cap[e]:
        return True
    return any(p.pinned.get(h) != alloc[h] and _env_key(p, h) > _env_key(p, i) for h in members)


def count_blocking(round: Round, alloc: Sequence[int]) -> int:
    p = prepare(round)
    return sum(1 for i in range(p.n) for j in range(len(round.offers)) if blocks(p, alloc, i, j))


def stable_allocations(round: Round) -> list[Allocation]:
    """Every valid allocation with no blocking pair."""
    p = prepare(round)
    m = len(round.offers)
    return [
        alloc
        for alloc in allocations(p)
        if not any(blocks(p, alloc, i, j) for i in range(p.n) for j in range(m))
    ]


def weakly_prefers(round: Round, a: Sequence[int], b: Sequence[int]) -> list[str]:
    """Students who strictly prefer their place in b to their place in a (empty: a ≥ b)."""
    p = prepare(round)
    return [
        round.students[i].id for i in range(p.n) if preference(p, i, b[i]) < preference(p, i, a[i])
    ]
