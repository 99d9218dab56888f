"""assignments looked up by offer, round and status: the seats taken when answering

Revision ID: 0016
Revises: 0015

Branch answers16 (issue 16, `make demo N=60000`).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Starts with offer_id, so it replaces the index on offer_id alone (one index fewer to
    # write when an allocation stores its assignments). Plain index operations: no batch
    # mode, so SQLite does not copy the table.
    op.create_index("ix_assignments_offer_round", "assignments",
                    ["offer_id", "round_id", "status"], unique=False)
    op.drop_index("ix_assignments_offer_id", table_name="assignments")


def downgrade() -> None:
    op.create_index("ix_assignments_offer_id", "assignments", ["offer_id"], unique=False)
    op.drop_index("ix_assignments_offer_round", table_name="assignments")
