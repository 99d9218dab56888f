"""preferences looked up by offer and round: the listed counts of the company pages

Revision ID: 0014
Revises: 0010
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The new index starts with offer_id, so it replaces the one on offer_id alone (one
    # index fewer to write on a round's import of half a million preferences). Plain
    # index operations: no batch mode, so SQLite does not copy the table.
    op.create_index("ix_preferences_offer_round", "preferences",
                    ["offer_id", "round_id", "student_id"], unique=False)
    op.drop_index("ix_preferences_offer_id", table_name="preferences")


def downgrade() -> None:
    op.create_index("ix_preferences_offer_id", "preferences", ["offer_id"], unique=False)
    op.drop_index("ix_preferences_offer_round", table_name="preferences")
