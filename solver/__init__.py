"""Leerplek's allocation engine: plain data in, an explained result out.

``allocate(round)`` solves a round under its policy; ``verify(round, result)`` checks every
constraint and statistic of a result independently; ``compare(round)`` runs every objective
on the same round to show the price of each policy.
"""

from __future__ import annotations

from .compare import compare
from .document import DocumentError, load_round, parse_round, result_to_dict, round_to_dict
from .engine import allocate
from .model import Policy, Result, Round
from .verify import verify

__all__ = [
    "DocumentError",
    "Policy",
    "Result",
    "Round",
    "allocate",
    "compare",
    "load_round",
    "parse_round",
    "result_to_dict",
    "round_to_dict",
    "verify",
]
