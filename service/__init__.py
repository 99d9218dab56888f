"""Leerplek's REST service: the database, the HTTP API and the service commands.

Depends on ``solver`` and never the other way round.
"""
