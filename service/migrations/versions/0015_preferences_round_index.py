"""preferences: drop ix_preferences_round_id, whose column leads both unique indexes (import16b)

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # round_id leads both unique constraints, (round_id, student_id, rank) and (round_id,
    # student_id, offer_id): every lookup by round alone uses them as well, so this index
    # only costs a B-tree insert per preference (530,000 on a province's import). A plain
    # index operation: no batch mode, so SQLite does not copy the table.
    op.drop_index("ix_preferences_round_id", table_name="preferences")


def downgrade() -> None:
    op.create_index("ix_preferences_round_id", "preferences", ["round_id"], unique=False)
