"""Deferred acceptance on generated rounds: its blocking-pair count matches verify's."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from seeds.generator import generate_round
from solver import allocate, parse_round, verify
from solver.verify import blocking_pairs


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_blocking_pairs_count_matches_the_independent_checker(seed: int) -> None:
    rnd = parse_round(generate_round(1500, seed, policy={"objective": "stable"}))
    # Companies rank a few students, some of them not on the offer's own list.
    rng = random.Random(seed)
    ids = [s.id for s in rnd.students]
    rankings = {o.id: tuple(rng.sample(ids, 5)) for o in rng.sample(list(rnd.offers), 40)}
    rnd = replace(rnd, company_rankings=rankings)
    result = allocate(rnd)
    assert verify(rnd, result) == []
    assert result.stats.blocking_pairs == blocking_pairs(rnd, result.assignments)
    assert result.status == ("stable" if result.stats.blocking_pairs == 0 else "feasible")


def test_without_environments_deferred_acceptance_is_stable() -> None:
    rnd = parse_round(generate_round(1500, 5, policy={"objective": "stable"}))
    rnd = replace(rnd, environments=(),
                  offers=tuple(replace(o, environment_id=None) for o in rnd.offers))
    result = allocate(rnd)
    assert result.status == "stable" and result.stats.blocking_pairs == 0
    assert blocking_pairs(rnd, result.assignments) == 0
