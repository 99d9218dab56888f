"""`solver.verify` must reject every kind of broken result, and accept a correct one.

The round and its correct result are built by hand from docs/ENGINE.md; every other test
breaks that result in exactly one way and checks that verify names the violation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver.lottery import lottery_numbers
from solver.model import (
    Assignment,
    Environment,
    Location,
    Offer,
    Pin,
    Policy,
    Result,
    Round,
    Stats,
    Student,
    Unassigned,
)
from solver.verify import (
    blocking_pairs,
    counted_ranks,
    eligible,
    haversine_km,
    ineligibility,
    verify,
)
from tests import oracle
from tests.strategies import rounds

AMSTERDAM = Location(52.3676, 4.9041)
UTRECHT = Location(52.0907, 5.1214)  # about 35 km from Amsterdam
ARNHEM = Location(51.9851, 5.8987)


def offer(oid: str, **kw: object) -> Offer:
    base: dict[str, object] = {
        "id": oid,
        "company_id": "c" + oid,
        "title": oid,
        "levels": (2, 3, 4),
        "pathways": ("BOL", "BBL"),
        "qualifications": (),
        "sector": "zorg",
        "region": "UT",
        "location": None,
        "capacity": 1,
    }
    base.update(kw)
    return Offer(**base)  # type: ignore[arg-type]


def student(sid: str, prefs: tuple[str, ...], **kw: object) -> Student:
    base: dict[str, object] = {
        "id": sid,
        "school_id": "roc",
        "level": 3,
        "pathways": ("BOL",),
        "qualification": "25491",
        "sector": "zorg",
        "regions": ("NH", "UT"),
        "location": None,
        "max_travel_km": None,
        "priority": False,
        "available_from": None,
        "available_until": None,
        "preferences": prefs,
    }
    base.update(kw)
    return Student(**base)  # type: ignore[arg-type]


OFFERS = (
    offer("o1", region="NH", capacity=2, reserved_priority=1, location=AMSTERDAM),
    offer("o2", qualifications=("25491",), environment_id="e1"),
    offer("o3", environment_id="e1"),
    offer("o4", region="GE", sector="techniek"),
)
STUDENTS = (
    student("s1", ("o1", "o2"), priority=True),
    student("s2", ("o1", "ghost", "o2")),
    student("s3", ("o1",)),
    student("s4", ()),
    student("s5", ("o1",), level=1),
    student("s6", ("o4", "o4")),
    student("s7", ("o3",)),
)
ROUND = Round(
    id="r",
    name="hand-made",
    policy=Policy(objective="optimal", max_preferences=3),
    environments=(Environment("e1", "hybride leeromgeving", 1),),
    offers=OFFERS,
    students=STUDENTS,
    pinned=(Pin("s1", "o1"),),
)
GOOD = Result(
    round_id="r",
    objective="optimal",
    status="optimal",
    proven=True,
    assignments=(
        Assignment("s1", "o1", 1, True),
        Assignment("s3", "o1", 1, False),
        Assignment("s2", "o2", 3, False),  # "ghost" is skipped, o2 keeps position 3
    ),
    unassigned=(
        Unassigned("s4", "no_preferences", ""),
        Unassigned("s5", "no_eligible_offer", ""),
        Unassigned("s6", "preferences_ineligible", ""),
        Unassigned("s7", "outcompeted", "o3 (environment e1 full)", ("o3",),
                   ("environment_full",)),
    ),
    stats=Stats(
        students=7,
        priority_students=1,
        placed=3,
        placed_priority=1,
        pinned=1,
        rank_profile=(2, 0, 1, 0),
        rank_sum=5,
        mean_rank=5 / 3,
        unranked_placed=0,
        blocking_pairs=None,
        build_seconds=0.0,
        solve_seconds=0.0,
    ),
    warnings=(),
    shortage=(),
)


def with_assignments(result: Result, *assignments: Assignment, **stats: object) -> Result:
    return dataclasses.replace(
        result,
        assignments=assignments,
        stats=dataclasses.replace(result.stats, **stats),  # type: ignore[arg-type]
    )


def assert_flags(result: Result, *needles: str, round: Round = ROUND) -> list[str]:
    problems = verify(round, result)
    for needle in needles:
        assert any(needle in p for p in problems), (needle, problems)
    return problems


def test_good_result_passes() -> None:
    assert verify(ROUND, GOOD) == []


def test_counted_ranks_skip_without_renumbering() -> None:
    assert counted_ranks(STUDENTS[1], ROUND) == {"o1": 1, "o2": 3}
    assert counted_ranks(STUDENTS[5], ROUND) == {}  # ineligible, then repeated
    short = dataclasses.replace(ROUND, policy=Policy(max_preferences=2))
    assert counted_ranks(STUDENTS[1], short) == {"o1": 1}  # o2 is at position 3 > 2
    s = student("x", ("o1", "o1", "ghost", "o3"))
    assert counted_ranks(s, ROUND) == {"o1": 1}  # o3 is at position 4 > 3
    long = dataclasses.replace(ROUND, policy=Policy(max_preferences=4))
    assert counted_ranks(s, long) == {"o1": 1, "o3": 4}


def _rule_pair() -> tuple[Student, Offer]:
    o = offer("x", region="NH", location=AMSTERDAM, start=dt.date(2025, 2, 1),
              end=dt.date(2025, 6, 30))
    return student("x", (), location=UTRECHT, max_travel_km=40.0), o


@pytest.mark.parametrize(("change", "code", "number"), [
    ({"level": 1}, "level", 1),
    ({"pathways": ("HYBRID",)}, "pathway", 2),
    ({"regions": ("UT",)}, "region", 3),
    ({"max_travel_km": 30.0}, "distance", 4),
    ({"sector": "techniek"}, "sector", 5),
    ({"available_from": dt.date(2025, 1, 31), "available_until": dt.date(2025, 6, 1)},
     "period", 6),
])
def test_each_broken_rule_has_a_stable_code_and_number(change: dict[str, object], code: str,
                                                      number: int) -> None:
    s, o = _rule_pair()
    assert ineligibility(s, o) == []
    [rule] = ineligibility(dataclasses.replace(s, **change), o)  # type: ignore[arg-type]
    assert (rule.code, rule.number) == (code, number)
    assert str(rule).startswith(f"{number} (")  # the command line's text, as before


def test_a_qualification_rule_is_its_own_code_with_the_codes_as_data() -> None:
    s, o = _rule_pair()
    oq = dataclasses.replace(o, qualifications=("25480",), sector="techniek")
    [rule] = ineligibility(s, oq)
    assert rule.code == "qualification" and rule.detail("allowed") == ("25480",)


def test_the_distance_rule_keeps_both_distances_as_data() -> None:
    s, o = _rule_pair()
    [rule] = ineligibility(dataclasses.replace(s, max_travel_km=30.0), o)
    assert 34 < rule.detail("km") < 36 and rule.detail("limit_km") == 30.0


def test_eligibility_rules() -> None:
    o = offer(
        "x",
        region="NH",
        location=AMSTERDAM,
        start=dt.date(2025, 2, 1),
        end=dt.date(2025, 6, 30),
    )
    s = student("x", (), location=UTRECHT, max_travel_km=40.0)
    assert 34 < haversine_km(AMSTERDAM, UTRECHT) < 36
    assert eligible(s, o)
    assert not eligible(dataclasses.replace(s, level=1), o)  # rule 1
    assert not eligible(dataclasses.replace(s, pathways=("HYBRID",)), o)  # rule 2
    assert not eligible(dataclasses.replace(s, regions=("UT",)), o)  # rule 3
    assert not eligible(dataclasses.replace(s, max_travel_km=30.0), o)  # rule 4
    assert eligible(dataclasses.replace(s, max_travel_km=30.0, location=None), o)
    assert not eligible(dataclasses.replace(s, sector="techniek"), o)  # rule 5, by sector
    oq = dataclasses.replace(o, qualifications=("25480",), sector="techniek")
    assert not eligible(s, oq)  # rule 5, by qualification (sector then does not matter)
    assert eligible(dataclasses.replace(s, qualification="25480"), oq)
    assert not eligible(dataclasses.replace(s, qualification=None), oq)
    window = {"available_from": dt.date(2025, 2, 1), "available_until": dt.date(2025, 6, 30)}
    assert eligible(dataclasses.replace(s, **window), o)  # rule 6, equal ends are covered
    assert not eligible(
        dataclasses.replace(
            s, available_from=dt.date(2025, 1, 31), available_until=window["available_until"]
        ),
        o,
    )
    assert not eligible(
        dataclasses.replace(
            s, available_from=window["available_from"], available_until=dt.date(2025, 7, 1)
        ),
        o,
    )
    # rule 6 only applies when all four dates are given
    assert eligible(dataclasses.replace(s, available_from=dt.date(2025, 1, 1)), o)


def test_over_capacity() -> None:
    bad = with_assignments(
        GOOD,
        Assignment("s1", "o1", 1, True),
        Assignment("s3", "o1", 1, False),
        Assignment("s2", "o1", 1, False),
        placed=3,
        rank_profile=(3, 0, 0, 0),
        rank_sum=3,
        mean_rank=1.0,
    )
    bad = dataclasses.replace(bad, unassigned=(*GOOD.unassigned[:3],))  # s7 may now go to o3
    bad = dataclasses.replace(
        bad, unassigned=(*bad.unassigned, Unassigned("s7", "outcompeted", "", ()))
    )
    assert_flags(bad, "offer o1 holds 3 students, capacity 2")


def test_reserved_seats() -> None:
    bad = with_assignments(
        GOOD,
        Assignment("s3", "o1", 1, False),
        Assignment("s2", "o1", 1, False),
        Assignment("s1", "o2", 2, False),
        pinned=0,
        rank_profile=(2, 1, 0, 0),
        rank_sum=4,
        mean_rank=4 / 3,
    )
    round = dataclasses.replace(ROUND, pinned=())
    problems = assert_flags(bad, "offer o1 holds 2 non-priority students, at most 1", round=round)
    assert not any("capacity 2" in p and "holds 2 students" in p for p in problems)


def test_environment_over() -> None:
    bad = with_assignments(
        GOOD,
        *GOOD.assignments,
        Assignment("s7", "o3", 1, False),
        placed=4,
        rank_profile=(3, 0, 1, 0),
        rank_sum=6,
        mean_rank=1.5,
    )
    bad = dataclasses.replace(bad, unassigned=GOOD.unassigned[:3])
    assert assert_flags(bad, "environment e1 holds 2 students, capacity 1") == [
        "environment e1 holds 2 students, capacity 1"
    ]


def test_ineligible_pair() -> None:
    bad = with_assignments(
        GOOD,
        *GOOD.assignments,
        Assignment("s6", "o4", None, False),
        placed=4,
        rank_profile=(2, 0, 1, 1),
        rank_sum=9,
        mean_rank=9 / 4,
        unranked_placed=1,
    )
    bad = dataclasses.replace(bad, unassigned=(*GOOD.unassigned[:2], GOOD.unassigned[3]))
    assert_flags(bad, "s6 -> o4 is not eligible: rule 3", "5 (sector")
    # the same placement is still wrong with place_unranked on
    unranked = dataclasses.replace(ROUND, policy=Policy(max_preferences=3, place_unranked=True))
    assert_flags(bad, "s6 -> o4 is not eligible", round=unranked)


def test_eligible_but_not_ranked_needs_place_unranked() -> None:
    # s4 listed nothing; o1 is eligible for them.
    bad = with_assignments(
        GOOD,
        Assignment("s1", "o1", 1, True),
        Assignment("s4", "o1", None, False),
        Assignment("s2", "o2", 3, False),
        rank_profile=(1, 0, 1, 1),
        rank_sum=8,
        mean_rank=8 / 3,
        unranked_placed=1,
    )
    bad = dataclasses.replace(
        bad,
        unassigned=(
            Unassigned("s3", "outcompeted", "", ("o1",), ("full",)),
            *GOOD.unassigned[1:],
        ),
    )
    assert assert_flags(bad, "place_unranked is off") == [
        "assignment s4 -> o1 is not among the student's counted entries and place_unranked is off"
    ]
    unranked_round = dataclasses.replace(
        ROUND, policy=Policy(max_preferences=3, place_unranked=True)
    )
    # with place_unranked, s6 (eligible for o1, o2? no: o2 needs 25491 which s6 has) differs:
    # s6 is then outcompeted, not preferences_ineligible
    problems = verify(unranked_round, bad)
    assert "student s6: unassigned reason 'preferences_ineligible', expected 'outcompeted'" in (
        problems
    )
    assert not any("place_unranked is off" in p for p in problems)


def test_wrong_rank() -> None:
    bad = with_assignments(
        GOOD,
        Assignment("s1", "o1", 1, True),
        Assignment("s3", "o1", 1, False),
        Assignment("s2", "o2", 2, False),  # renumbered past the unknown entry: wrong
    )
    assert assert_flags(bad) == ["assignment s2 -> o2 has rank 2, expected 3"]
    bad = with_assignments(
        GOOD,
        Assignment("s1", "o1", None, True),
        Assignment("s3", "o1", 1, False),
        Assignment("s2", "o2", 3, False),
    )
    assert assert_flags(bad) == ["assignment s1 -> o1 has rank None, expected 1"]


def test_wrong_stats() -> None:
    cases = {
        "students": 8,
        "priority_students": 0,
        "placed": 4,
        "placed_priority": 0,
        "pinned": 0,
        "rank_profile": (2, 0, 1),
        "rank_sum": 4,
        "mean_rank": 5 / 3 + 1e-6,
        "unranked_placed": 1,
        "blocking_pairs": 0,  # the true count is 1, see test_blocking_pairs_of_good
    }
    for name, value in cases.items():
        bad = dataclasses.replace(GOOD, stats=dataclasses.replace(GOOD.stats, **{name: value}))  # type: ignore[arg-type]
        problems = verify(ROUND, bad)
        assert len(problems) == 1 and f"stats.{name}" in problems[0], (name, problems)
    bad = dataclasses.replace(GOOD, stats=dataclasses.replace(GOOD.stats, mean_rank=None))
    assert_flags(bad, "stats.mean_rank")
    ok = dataclasses.replace(GOOD, stats=dataclasses.replace(GOOD.stats, mean_rank=5 / 3 + 1e-12))
    assert verify(ROUND, ok) == []
    ok = dataclasses.replace(GOOD, stats=dataclasses.replace(GOOD.stats, blocking_pairs=1))
    assert verify(ROUND, ok) == []  # counted although not required: it must be right


def test_blocking_pairs_of_good() -> None:
    lot = dict(
        zip([s.id for s in STUDENTS], lottery_numbers([s.id for s in STUDENTS], 0), strict=True)
    )
    # s2 (at o2, rank 3) prefers o1, whose one non-priority seat s3 holds (s1 is pinned);
    # s7 wants o3 (free) but environment e1 is full with s2.
    expected = int(lot["s2"] < lot["s3"]) + int(lot["s7"] < lot["s2"])
    assert blocking_pairs(ROUND, GOOD.assignments) == expected == 1


def test_missing_and_duplicate_unassigned() -> None:
    bad = dataclasses.replace(GOOD, unassigned=GOOD.unassigned[1:])
    assert assert_flags(bad) == ["student s4 is neither assigned nor listed as unassigned"]
    bad = dataclasses.replace(GOOD, unassigned=(*GOOD.unassigned, GOOD.unassigned[0]))
    assert_flags(bad, "student s4 listed 2 times as unassigned")
    bad = dataclasses.replace(
        GOOD, unassigned=(*GOOD.unassigned, Unassigned("s2", "outcompeted", ""))
    )
    assert_flags(bad, "student s2 is both assigned and listed as unassigned")
    bad = dataclasses.replace(
        GOOD, unassigned=(*GOOD.unassigned, Unassigned("nobody", "outcompeted", ""))
    )
    assert_flags(bad, "unknown student 'nobody'")


def test_wrong_reason() -> None:
    def swap(k: int, u: Unassigned) -> Result:
        us = list(GOOD.unassigned)
        us[k] = u
        return dataclasses.replace(GOOD, unassigned=tuple(us))

    assert_flags(swap(0, Unassigned("s4", "outcompeted", "")), "s4: unassigned reason")
    assert_flags(swap(1, Unassigned("s5", "preferences_ineligible", "")), "s5: unassigned reason")
    assert_flags(swap(2, Unassigned("s6", "no_eligible_offer", "")), "s6: unassigned reason")
    assert_flags(swap(2, Unassigned("s6", "no_preferences", "")), "s6: unassigned reason")
    assert_flags(swap(3, Unassigned("s7", "no_preferences", "")), "s7: unassigned reason")
    assert_flags(swap(3, Unassigned("s7", "too_late", "")), "unknown unassigned reason")
    # outcompeted must name exactly the full offers ranked
    assert_flags(swap(3, Unassigned("s7", "outcompeted", "", ())), "s7: outcompeted offers")
    assert_flags(
        swap(3, Unassigned("s7", "outcompeted", "", ("o3", "o1"))), "s7: outcompeted offers"
    )


def test_outcompeted_full_means_the_students_share() -> None:
    # o1 (capacity 2, 1 reserved) holds one non-priority student: full for non-priority s2
    # but not for a priority student.
    round = dataclasses.replace(ROUND, pinned=())
    result = dataclasses.replace(
        GOOD,
        assignments=(Assignment("s3", "o1", 1, False), Assignment("s7", "o3", 1, False)),
        unassigned=(
            # o2 is full through e1; o1's free seat is reserved for priority
            Unassigned("s1", "outcompeted", "", ("o2",), ("environment_full",)),
            Unassigned("s2", "outcompeted", "", ("o1", "o2"), ("reserved", "environment_full")),
            *GOOD.unassigned[:3],
        ),
        stats=dataclasses.replace(
            GOOD.stats,
            placed=2,
            placed_priority=0,
            pinned=0,
            rank_profile=(2, 0, 0, 0),
            rank_sum=2,
            mean_rank=1.0,
        ),
    )
    assert verify(round, result) == []
    bad = dataclasses.replace(
        result,
        unassigned=(Unassigned("s1", "outcompeted", "", ("o1", "o2")), *result.unassigned[1:]),
    )
    assert_flags(bad, "s1: outcompeted offers", round=round)


def test_assignment_identity_errors() -> None:
    bad = with_assignments(GOOD, *GOOD.assignments, Assignment("s2", "o3", 1, False))
    assert_flags(bad, "student s2 assigned more than once")
    bad = with_assignments(GOOD, *GOOD.assignments, Assignment("zz", "o3", 1, False))
    assert_flags(bad, "unknown student 'zz'")
    bad = with_assignments(GOOD, *GOOD.assignments, Assignment("s7", "o9", 1, False))
    assert_flags(bad, "unknown offer 'o9'")


def test_pins() -> None:
    bad = with_assignments(
        GOOD,
        Assignment("s1", "o1", 1, False),
        Assignment("s3", "o1", 1, False),
        Assignment("s2", "o2", 3, False),
        pinned=0,
    )
    assert assert_flags(bad) == ["pinned pair s1 -> o1 not marked pinned"]
    bad = with_assignments(
        GOOD,
        Assignment("s1", "o1", 1, True),
        Assignment("s3", "o1", 1, True),
        Assignment("s2", "o2", 3, False),
        pinned=2,
    )
    assert assert_flags(bad) == ["assignment s3 -> o1 marked pinned but is not a pinned pair"]
    bad = with_assignments(
        GOOD,
        Assignment("s3", "o1", 1, False),
        Assignment("s2", "o2", 3, False),
        placed=2,
        placed_priority=0,
        pinned=0,
        rank_profile=(1, 0, 1, 0),
        rank_sum=4,
        mean_rank=2.0,
    )
    bad = dataclasses.replace(
        bad, unassigned=(*GOOD.unassigned, Unassigned("s1", "outcompeted", "", ("o2",)))
    )
    assert_flags(bad, "pinned pair s1 -> o1 missing")


def test_pinned_pair_keeps_seat_even_if_ineligible() -> None:
    round = dataclasses.replace(ROUND, pinned=(Pin("s1", "o1"), Pin("s6", "o4")))
    result = with_assignments(
        GOOD,
        *GOOD.assignments,
        Assignment("s6", "o4", None, True),  # ineligible pin: rank null, counts as 4
        placed=4,
        pinned=2,
        rank_profile=(2, 0, 1, 1),
        rank_sum=9,
        mean_rank=9 / 4,
        unranked_placed=1,
    )
    result = dataclasses.replace(result, unassigned=(*GOOD.unassigned[:2], GOOD.unassigned[3]))
    assert verify(round, result) == []


def test_infeasible() -> None:
    # The pins fit: infeasible is wrong.
    bad = dataclasses.replace(
        GOOD,
        status="infeasible",
        assignments=(),
        unassigned=(),
        stats=dataclasses.replace(
            GOOD.stats,
            placed=0,
            placed_priority=0,
            pinned=0,
            rank_profile=(0, 0, 0, 0),
            rank_sum=0,
            mean_rank=None,
        ),
    )
    assert assert_flags(bad) == [
        "status is infeasible but the pinned pairs alone break no capacity"
    ]
    over = dataclasses.replace(ROUND, pinned=(Pin("s2", "o2"), Pin("s7", "o3")))
    assert verify(over, bad) == []
    # ...and a result that ignores the overflow is flagged
    assert_flags(GOOD, "status must be infeasible: environment e1", round=over)


def _two_for_one(rankings: dict[str, tuple[str, ...]]) -> tuple[Round, str, str]:
    """Two non-priority students want the one seat of o1; returns (round, winner, loser)."""
    round = Round(
        id="r",
        name="two",
        policy=Policy(objective="stable", max_preferences=2, seed=7),
        environments=(),
        offers=(offer("o1", region="NH"),),
        students=(student("a", ("o1",)), student("b", ("o1",))),
        company_rankings=rankings,
    )
    lots = lottery_numbers(["a", "b"], 7)
    winner, loser = ("a", "b") if lots[0] < lots[1] else ("b", "a")
    return round, winner, loser


def _result(round: Round, placed: str, other: str, blocking: int, status: str) -> Result:
    return Result(
        round_id="r",
        objective="stable",
        status=status,
        proven=status == "stable",
        assignments=(Assignment(placed, "o1", 1, False),),
        unassigned=(Unassigned(other, "outcompeted", "", ("o1",), ("full",)),),
        stats=Stats(2, 0, 1, 0, 0, (1, 0, 0), 1, 1.0, 0, blocking, 0.0, 0.0),
        warnings=(),
        shortage=(),
    )


def test_blocking_pairs_lottery_and_company_rankings() -> None:
    round, winner, loser = _two_for_one({})
    assert blocking_pairs(round, [Assignment(winner, "o1", 1, False)]) == 0
    assert blocking_pairs(round, [Assignment(loser, "o1", 1, False)]) == 1
    assert blocking_pairs(round, []) == 2  # o1 has a free seat for each of them
    assert verify(round, _result(round, winner, loser, 0, "stable")) == []
    assert_flags(
        _result(round, loser, winner, 0, "stable"),
        "stats.blocking_pairs is 0, expected 1",
        round=round,
    )
    assert_flags(_result(round, loser, winner, 1, "stable"), "status is stable but", round=round)
    assert verify(round, _result(round, loser, winner, 1, "feasible")) == []
    assert_flags(
        _result(round, winner, loser, None, "stable"),  # type: ignore[arg-type]
        "stats.blocking_pairs is None",
        round=round,
    )
    # The company ranking overrides the lottery.
    ranked, _, _ = _two_for_one({"o1": (loser,)})
    assert blocking_pairs(ranked, [Assignment(loser, "o1", 1, False)]) == 0
    assert blocking_pairs(ranked, [Assignment(winner, "o1", 1, False)]) == 1


def test_blocking_pairs_priority_and_reserved_seats() -> None:
    round = Round(
        id="r",
        name="reserved",
        policy=Policy(objective="stable", max_preferences=2),
        environments=(),
        offers=(offer("o1", region="NH", capacity=2, reserved_priority=1),),
        students=(
            student("p", ("o1",), priority=True),
            student("a", ("o1",)),
            student("b", ("o1",)),
        ),
    )
    # a and b both non-priority: only one non-priority seat.
    b_beats_a = int(lottery_numbers(["a", "b"], 0)[1] < lottery_numbers(["a", "b"], 0)[0])
    # p (free seat) blocks; b blocks when the lottery puts b before a
    assert blocking_pairs(round, [Assignment("a", "o1", 1, False)]) == 1 + b_beats_a
    assert (
        blocking_pairs(round, [Assignment("a", "o1", 1, False), Assignment("p", "o1", 1, False)])
        == b_beats_a
    )
    # a pinned non-priority student holds the non-priority seat and is never displaced
    pinned = dataclasses.replace(round, pinned=(Pin("b", "o1"),))
    assert (
        blocking_pairs(pinned, [Assignment("b", "o1", 1, True), Assignment("p", "o1", 1, False)])
        == 0
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(round=rounds(max_students=5, max_offers=3), data=st.data())
def test_blocking_pairs_match_naive_definition(round: Round, data: st.DataObject) -> None:
    """verify.blocking_pairs agrees with the oracle's literal pair-by-pair test."""
    p = oracle.prepare(round)
    allocs = list(itertools.islice(oracle.allocations(p), 5000))
    if not allocs:
        return
    for k in data.draw(st.lists(st.integers(0, len(allocs) - 1), min_size=1, max_size=4)):
        alloc = allocs[k]
        assignments = [
            Assignment(round.students[i].id, round.offers[j].id, None, p.pinned.get(i) == j)
            for i, j in enumerate(alloc)
            if j != oracle.UNPLACED
        ]
        assert blocking_pairs(round, assignments) == oracle.count_blocking(round, alloc)


def test_no_list_and_no_eligible_offer_is_no_eligible_offer() -> None:
    # ENGINE.md's order: with neither a list nor an eligible offer, the reason is the offers.
    lonely = student("s8", (), level=1)
    rnd = dataclasses.replace(ROUND, students=(*STUDENTS, lonely))
    good = dataclasses.replace(GOOD, unassigned=(
        *GOOD.unassigned, Unassigned("s8", "no_eligible_offer", "")),
        stats=dataclasses.replace(GOOD.stats, students=8))
    assert verify(rnd, good) == []
    bad = dataclasses.replace(good, unassigned=(
        *GOOD.unassigned, Unassigned("s8", "no_preferences", "")))
    assert_flags(bad, "s8: unassigned reason", round=rnd)
