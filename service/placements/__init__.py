"""Placements: who sees an assignment, answering a proposal, the seats an offer has taken."""
