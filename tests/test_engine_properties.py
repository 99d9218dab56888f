"""Property tests: the engine against the independent checker and brute force.

For random small rounds (tests/strategies.py), `allocate` must return a result that
`solver.verify` accepts, reach the brute-force optimum (tests/oracle.py) exactly for
`optimal` and `rank_maximal`, return the student-optimal stable allocation for `stable`
(without environments, where it is guaranteed to exist), and give the same answer twice.
"""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, currently_in_test_context, given, note, settings
from hypothesis import strategies as st

from solver import allocate
from solver.model import Offer, Pin, Policy, Result, Round, Student
from solver.verify import verify
from tests import oracle
from tests.strategies import rounds

SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SMALL = {"max_students": 8, "max_offers": 5}


def solve(round: Round) -> Result:
    if currently_in_test_context():
        note(f"round: {round!r}")
    result = allocate(round)
    if currently_in_test_context():
        note(f"result: {result!r}")
    problems = verify(round, result)
    assert problems == [], problems
    return result


def comparable(result: Result) -> Result:
    """The result without its timings."""
    return dataclasses.replace(
        result,
        stats=dataclasses.replace(result.stats, build_seconds=0.0, solve_seconds=0.0),
        comparison=(),
    )


@SETTINGS
@given(rounds(**SMALL))
def test_every_result_verifies_and_is_deterministic(round: Round) -> None:
    first = solve(round)
    # An equal round built anew (no shared objects) gives exactly the same result.
    again = allocate(
        dataclasses.replace(
            round,
            offers=tuple(dataclasses.replace(o) for o in round.offers),
            students=tuple(dataclasses.replace(s) for s in round.students),
            company_rankings=dict(round.company_rankings),
        )
    )
    assert comparable(again) == comparable(first)


@SETTINGS
@given(rounds(objective="optimal", **SMALL))
def test_optimal_reaches_the_brute_force_optimum(round: Round) -> None:
    result = solve(round)
    best = oracle.best_value(round)
    note(f"brute force: {best}")
    assert best is not None  # the strategies only pin pairs that fit
    assert oracle.value_of(round, result.assignments) == best
    assert result.status == "optimal" and result.proven


@SETTINGS
@given(rounds(objective="rank_maximal", **SMALL))
def test_rank_maximal_reaches_the_brute_force_optimum(round: Round) -> None:
    result = solve(round)
    best = oracle.best_value(round)
    note(f"brute force: {best}")
    assert best is not None
    assert oracle.value_of(round, result.assignments) == best
    assert result.status == "optimal" and result.proven


@SETTINGS
@given(rounds(objective="stable", environments=False, **SMALL))
def test_stable_is_the_student_optimal_stable_allocation(round: Round) -> None:
    result = solve(round)
    assert result.stats.blocking_pairs == 0
    assert result.status == "stable" and result.proven
    mine = oracle.to_allocation(round, result.assignments)
    assert oracle.count_blocking(round, mine) == 0
    stable = oracle.stable_allocations(round)
    note(f"stable allocations: {stable}")
    assert mine in stable
    for other in stable:
        assert oracle.weakly_prefers(round, mine, other) == [], other


@SETTINGS
@given(rounds(objective="stable", environments=True, **SMALL))
def test_stable_with_environments_is_valid(round: Round) -> None:
    # Shared environment capacity can make every allocation unstable: the engine must still
    # give a valid allocation, and may only claim `stable` when there is no blocking pair
    # (verify checks both).
    result = solve(round)
    assert result.stats.blocking_pairs is not None
    if result.stats.blocking_pairs:
        assert result.status == "feasible"


@SETTINGS
@given(rounds(**SMALL), st.data())
def test_pinned_pairs_that_overfill_make_the_round_infeasible(
    round: Round, data: st.DataObject
) -> None:
    offer = data.draw(st.sampled_from(round.offers))
    extra = [s for s in round.students if s.id not in {p.student_id for p in round.pinned}]
    held = sum(1 for p in round.pinned if p.offer_id == offer.id)
    need = offer.capacity - held + 1
    if need > len(extra):
        return
    pins = (*round.pinned, *(Pin(s.id, offer.id) for s in extra[:need]))
    over = dataclasses.replace(round, pinned=pins)
    result = solve(over)
    assert result.status == "infeasible"
    assert result.assignments == ()


# --- minimal examples of failures the properties above found ------------------------------


def _offer(oid: str, **kw: object) -> Offer:
    base: dict[str, object] = {
        "id": oid,
        "company_id": "c",
        "title": oid,
        "levels": (1, 2, 3, 4),
        "pathways": ("BOL",),
        "qualifications": (),
        "sector": "zorg",
        "region": "NH",
        "location": None,
        "capacity": 1,
    }
    base.update(kw)
    return Offer(**base)  # type: ignore[arg-type]


def _student(sid: str, prefs: tuple[str, ...]) -> Student:
    return Student(
        id=sid,
        school_id="roc",
        level=2,
        pathways=("BOL",),
        qualification=None,
        sector="zorg",
        regions=("NH",),
        location=None,
        max_travel_km=None,
        priority=False,
        available_from=None,
        available_until=None,
        preferences=prefs,
    )


def _round(offers: tuple[Offer, ...], students: tuple[Student, ...], **kw: object) -> Round:
    return Round(
        id="r", name="r", policy=Policy(), environments=(), offers=offers, students=students, **kw
    )  # type: ignore[arg-type]


def test_an_unknown_entry_does_not_make_a_later_entry_repeated() -> None:
    # ('ghost', 'o0'): o0 is listed once, at position 2, and is eligible and free.
    round = _round((_offer("o0"),), (_student("s0", ("ghost", "o0")),))
    result = solve(round)
    assert [(a.offer_id, a.rank) for a in result.assignments] == [("o0", 2)]
    assert [w.code for w in result.warnings] == ["unknown_offer"]


def test_an_ineligible_pinned_pair_is_unranked() -> None:
    # ENGINE.md: a pinned pair's rank is its position among the *counted* entries, or null;
    # an ineligible entry is skipped (not counted), so the pinned pair counts as unranked.
    round = _round(
        (_offer("o0", sector="techniek"),), (_student("s0", ("o0",)),), pinned=(Pin("s0", "o0"),)
    )
    result = solve(round)
    assert [(a.offer_id, a.rank, a.pinned) for a in result.assignments] == [("o0", None, True)]
    assert result.stats.rank_sum == round.policy.max_preferences + 1


def test_company_rankings_make_every_objective_count_blocking_pairs() -> None:
    # model.Stats: blocking_pairs is counted when company rankings exist or the objective is
    # stable.
    round = _round((_offer("o0"),), (_student("s0", ("o0",)),), company_rankings={"o0": ("s0",)})
    for objective in ("optimal", "rank_maximal"):
        result = solve(dataclasses.replace(round, policy=Policy(objective=objective)))
        assert result.stats.blocking_pairs == 0
