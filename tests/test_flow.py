"""solver.flow's chains of stages on hand-made networks."""

from __future__ import annotations

import time

import numpy as np

from solver.flow import ASSIGN, STRUCTURE, UNPLACED, Network, _solve_chain


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
