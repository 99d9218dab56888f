"""a student's ranks unique at the end of each statement: lists reordered in place

Revision ID: 0018
Revises: 0017

A preference PUT replaced the whole list, deleting every row and inserting it again; each
inserted row paid three foreign-key checks (the round, the student and the offer, each a
row lock ``FOR KEY SHARE``: 30 for a list of ten, a fifth of PostgreSQL's work per PUT).
Now an offer kept in the list keeps its row and only its rank changes, which no foreign
key checks. Moving ranks in place passes through duplicates (two rows swapping ranks), so
the unique constraint on a student's ranks in a round is checked at the end of each
statement (``DEFERRABLE INITIALLY IMMEDIATE``: still within the statement, never deferred
to the commit). SQLite knows no deferrable unique constraint; it keeps the whole-list
replacement and its constraint as it was.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "uq_preferences_round_id_student_id_rank"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # One statement: the constraint is never missing while the table is being written.
    op.execute(f"ALTER TABLE preferences DROP CONSTRAINT {NAME}, ADD CONSTRAINT {NAME} "
               "UNIQUE (round_id, student_id, rank) DEFERRABLE INITIALLY IMMEDIATE")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE preferences DROP CONSTRAINT {NAME}, ADD CONSTRAINT {NAME} "
               "UNIQUE (round_id, student_id, rank)")
