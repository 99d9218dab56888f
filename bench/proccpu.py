"""CPU seconds of processes on this machine, read from /proc.

The benches' measure on a shared machine: there a wall time mostly says how long a process
waited for a core, while the CPU seconds of the process, its workers and its database
backends are what a quiet machine would spend.
"""

from __future__ import annotations

import os
from collections.abc import Iterable


def proc_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of one process so far, 0 when it is gone or elsewhere."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()  # the name may hold spaces
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def total_cpu_s(pids: Iterable[int]) -> float:
    """The CPU seconds of all these processes together."""
    return sum(proc_cpu_s(pid) for pid in pids)
