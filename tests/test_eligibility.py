"""Vectorised eligibility against the rules applied pair by pair."""

from __future__ import annotations

import numpy as np
import pytest

from solver import eligibility, load_round
from solver.eligibility import (
    build_arrays,
    candidate_pairs,
    eligible,
    has_eligible_offer,
    rule_checks,
)
from solver.verify import eligible as eligible_pair
from solver.verify import ineligibility

from .conftest import CONFORMANCE


@pytest.mark.parametrize("lookup", ["table", "search"])
@pytest.mark.parametrize("name", ["c01-optimal-features", "c06-edge-entries"])
def test_vectorised_rules_match_the_pairwise_checker(name: str, lookup: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # Region and qualification membership is read from a table or found by binary search,
    # depending on the sizes: both ways give the same answers.
    if lookup == "search":
        monkeypatch.setattr(eligibility, "DENSE_MEMBER_CELLS", 0)
    rnd = load_round(CONFORMANCE / f"{name}.json")
    a = build_arrays(rnd)
    s, o = np.divmod(np.arange(a.n_students * a.n_offers, dtype=np.int64), a.n_offers)
    got = eligible(a, s, o)
    want = np.array([eligible_pair(rnd.students[i], rnd.offers[j])
                     for i, j in zip(s.tolist(), o.tolist(), strict=True)])
    assert np.array_equal(got, want)


@pytest.mark.parametrize("name", ["c01-optimal-features", "c06-edge-entries"])
def test_each_vectorised_rule_matches_the_pairwise_checkers_codes(name: str) -> None:
    rnd = load_round(CONFORMANCE / f"{name}.json")
    a = build_arrays(rnd)
    s, o = np.divmod(np.arange(a.n_students * a.n_offers, dtype=np.int64), a.n_offers)
    checks = rule_checks(a, s, o)
    got = [{code for code, kept in checks.items() if not kept[k]} for k in range(s.size)]
    want = [{rule.code for rule in ineligibility(rnd.students[i], rnd.offers[j])}
            for i, j in zip(s.tolist(), o.tolist(), strict=True)]
    assert got == want
    assert any(len(w) > 1 for w in want)  # the rounds do break several rules at once


@pytest.mark.parametrize("window", [1, 3, 64])
def test_join_finds_exactly_the_eligible_pairs(window: int) -> None:
    rnd = load_round(CONFORMANCE / "c06-edge-entries.json")
    a = build_arrays(rnd)
    everyone = np.arange(a.n_students, dtype=np.int64)
    pairs = set()
    for s, o in candidate_pairs(a, everyone, chunk=500):
        pairs.update(zip(s.tolist(), o.tolist(), strict=True))
    s_all, o_all = np.divmod(np.arange(a.n_students * a.n_offers, dtype=np.int64), a.n_offers)
    ok = eligible(a, s_all, o_all)
    assert pairs == set(zip(s_all[ok].tolist(), o_all[ok].tolist(), strict=True))
    some = everyone[::3]
    expected = np.array([any((i, j) in pairs for j in range(a.n_offers)) for i in some])
    assert np.array_equal(has_eligible_offer(a, some, window=window), expected)
