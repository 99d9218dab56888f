"""solver.graph against plain Python searches on random graphs (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from solver.graph import component_labels, reachable


@st.composite
def graphs(draw: st.DrawFn) -> tuple[int, list[tuple[int, int]]]:
    n = draw(st.integers(1, 30))
    arcs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=60))
    return n, arcs


def _arrays(arcs: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    u = np.array([a for a, _ in arcs], dtype=np.int64)
    v = np.array([b for _, b in arcs], dtype=np.int64)
    return u, v


def _search(n: int, arcs: list[tuple[int, int]], starts: set[int]) -> set[int]:
    seen, todo = set(starts), list(starts)
    while todo:
        x = todo.pop()
        for a, b in arcs:
            if a == x and b not in seen:
                seen.add(b)
                todo.append(b)
    return seen


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_component_labels_are_the_smallest_node_of_each_component(
        graph: tuple[int, list[tuple[int, int]]]) -> None:
    n, arcs = graph
    label = component_labels(n, *_arrays(arcs))
    both_ways = arcs + [(b, a) for a, b in arcs]
    for x in range(n):
        assert label[x] == min(_search(n, both_ways, {x}))


@settings(max_examples=300, deadline=None)
@given(graphs(), st.data())
def test_reachable_is_the_set_a_search_reaches(graph: tuple[int, list[tuple[int, int]]],
                                               data: st.DataObject) -> None:
    n, arcs = graph
    starts = data.draw(st.sets(st.integers(0, n - 1), max_size=4))
    seen = reachable(n, *_arrays(arcs), np.array(sorted(starts), dtype=np.int64))
    assert set(np.flatnonzero(seen).tolist()) == _search(n, arcs, starts)


def test_a_long_path_is_one_component_and_reached_end_to_end() -> None:
    n = 5000
    order = np.random.default_rng(7).permutation(n)
    u, v = order[:-1], order[1:]
    assert np.all(component_labels(n, u, v) == 0)
    assert reachable(n, u, v, order[:1]).all()
    assert reachable(n, u, v, order[-1:]).sum() == 1


@given(st.lists(st.integers(-(2**40), 2**40), max_size=50))
def test_unique_sorted_is_the_sorted_set(values: list[int]) -> None:
    from solver.arrays import unique_sorted

    assert unique_sorted(np.array(values, dtype=np.int64)).tolist() == sorted(set(values))
