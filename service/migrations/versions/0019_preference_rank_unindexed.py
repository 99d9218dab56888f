"""a student's ranks no longer in an index: a reordered list is a heap-only update

Revision ID: 0019
Revises: 0018

A preference PUT moves the kept offers' ranks in place (0018). With the rank in a unique
index, every moved row was a new row version in all five of the table's indexes, and the
deferrable constraint re-checked each possible duplicate at the end of the statement.
Without an index on ``rank``, PostgreSQL updates those rows heap-only (HOT: no index entry
at all) while the page has room, so the table's pages are now filled to 85 % only. The SQL
of a PUT alone (``bench/pgbench_put.sql`` on the bench database of 60,000 students, same
two cores) ran 3,900-4,450 transactions a second against 2,000-2,900 with the constraint;
the API's PUTs cost PostgreSQL a fifth less CPU and write half the WAL
(docs/PERFORMANCE.md, session 13).

What the constraint guarded holds by construction: every path that writes a list numbers
it by position in one statement (a PUT from the array's ordinality, an import from the
document's list, a follow-up round with ``row_number()``), never adding to a stored list,
and ``tests/service/test_preference_ranks.py`` checks each. (round_id, student_id,
offer_id) stays unique and serves every look-up by round.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "uq_preferences_round_id_student_id_rank"
FILLFACTOR = 85  # as models.PREFERENCES_FILLFACTOR then; a migration keeps its own values


def upgrade() -> None:
    with op.batch_alter_table("preferences") as batch:
        batch.drop_constraint(NAME, type_="unique")
    if op.get_bind().dialect.name == "postgresql":
        # Pages written from now on keep room for the new row versions (existing ones fill
        # up as before until rewritten).
        op.execute(f"ALTER TABLE preferences SET (fillfactor = {FILLFACTOR})")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("ALTER TABLE preferences RESET (fillfactor)")
    with op.batch_alter_table("preferences") as batch:
        # As 0018 left it: checked at the end of each statement on PostgreSQL.
        batch.create_unique_constraint(NAME, ["round_id", "student_id", "rank"],
                                       deferrable=True if postgres else None,
                                       initially="IMMEDIATE" if postgres else None)
