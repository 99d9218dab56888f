"""solver.flow's chains of stages on hand-made networks."""

from __future__ import annotations

import time

import numpy as np

from solver.flow import (
    ASSIGN,
    STRUCTURE,
    UNPLACED,
    Network,
    _shares,
    _solve_chain,
    close_dead_arcs,
    solve_lexicographic,
)


def test_a_part_that_never_reaches_the_sink_is_solved_on_its_own() -> None:
    # Two students always placed in two full single-seat offers: once the seats and the
    # "unplaced" arcs are fixed, the free arcs only swap the students and miss the sink.
    s1, s2, o1, o2, sink = range(5)
    net = Network(
        n_nodes=5, sink=sink, supply=np.array([1, 1, 0, 0, -2]),
        tail=np.array([s1, s1, s2, s2, s1, s2, o1, o2]),
        head=np.array([o1, o2, o1, o2, sink, sink, sink, sink]),
        cap=np.ones(8, dtype=np.int64),
        kind=np.array([ASSIGN] * 4 + [UNPLACED] * 2 + [STRUCTURE] * 2),
        student=np.array([0, 0, 1, 1, 0, 1, -1, -1]), offer=np.array([0, 1, 0, 1, -1, -1, -1, -1]),
        rank=np.array([1, 2, 2, 1, 0, 0, 0, 0]), priority=np.zeros(8, dtype=np.bool_))
    net.upper[4:6] = 0  # never unplaced
    net.lower[6:8] = 1  # both seats taken
    flow, done = _solve_chain(net, [net.rank.copy()], net.lower.copy(), time.monotonic() + 60,
                              check_first=False)
    assert done == 1
    assert flow.tolist() == [1, 0, 0, 1, 0, 0, 1, 1]  # each student at their first choice


def _two_offers_one_full_environment() -> Network:
    # s1 and s2 each rank o1 (no seats left: pinned students took them) and o2, whose
    # environment e is full; o3 has a seat. Only the arcs to o3 and "unplaced" can carry flow.
    s1, s2, o1, o2, o3, e, sink = range(7)
    return Network(
        n_nodes=7, sink=sink, supply=np.array([1, 1, 0, 0, 0, 0, -2]),
        tail=np.array([s1, s1, s1, s2, s2, s2, s1, s2, o1, o2, o3, e]),
        head=np.array([o1, o2, o3, o1, o2, o3, sink, sink, sink, e, sink, sink]),
        cap=np.array([1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 0]),
        kind=np.array([ASSIGN] * 6 + [UNPLACED] * 2 + [STRUCTURE] * 4),
        student=np.array([0, 0, 0, 1, 1, 1, 0, 1, -1, -1, -1, -1]),
        offer=np.array([0, 1, 2, 0, 1, 2, -1, -1, -1, -1, -1, -1]),
        rank=np.array([1, 2, 3, 1, 2, 3, 0, 0, 0, 0, 0, 0]), priority=np.zeros(12, dtype=np.bool_))


def test_arcs_into_offers_without_a_way_to_the_sink_are_closed() -> None:
    net = _two_offers_one_full_environment()
    assert close_dead_arcs(net) == 5  # s1/s2 -> o1, s1/s2 -> o2, o2 -> e (e is full)
    assert net.upper.tolist() == [0, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0]
    assert net.cap.tolist() == [1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 0]  # the shortage reads cap


def test_closing_dead_arcs_keeps_the_optimum() -> None:
    net = _two_offers_one_full_environment()
    unplaced = (net.kind == UNPLACED).astype(np.int64)
    rank = np.where(net.kind == ASSIGN, net.rank, 0)
    flow, _, proven = solve_lexicographic(net, [("placed", unplaced), ("rank_sum", rank)],
                                          time.monotonic() + 60, placement_stages=1)
    assert proven
    assert int(unplaced @ flow) == 1 and int(rank @ flow) == 3
    assert flow[[0, 1, 3, 4, 8, 9, 11]].tolist() == [0] * 7


def test_parts_are_dealt_by_more_than_their_arcs() -> None:
    # The 60k round's parts: the one of 151,831 arcs costs more than its share of arcs, so
    # its worker gets fewer arcs besides it (by arcs alone the two shares were 249,439 and
    # 247,856 arcs, and the first took a quarter longer).
    sizes = [151831, 96557, 89935, 57526, 41571, 32266, 19793, 7816]
    shares = _shares([np.zeros(n, dtype=np.int64) for n in sizes], 2)
    assert [[sizes[i] for i in share] for share in shares] == [
        [151831, 41571, 32266, 7816], [96557, 89935, 57526, 19793]]
