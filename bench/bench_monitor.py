"""The monitor's disclosure control on a synthetic province round: how long suppression takes
and how much it hides. ``.venv/bin/python bench/bench_monitor.py [students ...]``

3 regions × 8 sectors × 4 levels × 3 pathways, students spread unevenly (gamma weights,
seed 1) so that many cells are small, as in a real province.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sys
import time

import numpy as np

from service.models import Round
from service.monitor.disclosure import THRESHOLD
from service.monitor.figures import Cell, RoundData, publish

REGIONS = ("twente", "regio-zwolle", "stedendriehoek")
SECTORS = ("zorg-welzijn", "techniek", "economie", "handel", "ict-creatief", "logistiek",
           "gastvrijheid", "groen")


def main(sizes: list[int]) -> None:
    rng = np.random.default_rng(1)
    keys = list(itertools.product(REGIONS, SECTORS, (1, 2, 3, 4), ("BOL", "BBL", "HYBRID")))
    for students in sizes:
        weights = rng.gamma(0.6, 1.0, len(keys))
        counts = rng.multinomial(students, weights / weights.sum())
        cells = {k: Cell(seeking=int(n), placed=int(n * 0.8))
                 for k, n in zip(keys, counts, strict=True)}
        start = time.perf_counter()
        rows = publish(Round(id=1, name="bench", finished_at=dt.datetime(2027, 3, 1)),
                       RoundData(cells, []), []).rows
        seconds = time.perf_counter() - start
        hidden = sum(r["suppressed"] for r in rows)
        small = sum(1 for n in counts if 0 < n < THRESHOLD)
        print(f"{students} students: {len(rows)} rows, {hidden} hidden "
              f"({small} base cells below {THRESHOLD}), {seconds:.2f} s")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [6000, 60000])
