"""Allocation rounds: ``lifecycle`` (who sees a round, transitions, policy, preferences,
follow-up), ``loading`` (a round as the engine's ``solver.model`` objects), ``allocation``
(writing the engine's result), ``imports`` (a round document) and ``scenarios`` (what-ifs).
"""
