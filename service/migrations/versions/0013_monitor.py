"""regional agreements on workplaces, shown against the seats offered by the monitor; the
monitor's published rows per finished round, kept as first computed

Revision ID: 0013
Revises: 0011
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("region", sa.String(length=80), nullable=False),
        sa.Column("sector", sa.String(length=80), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("pathway", sa.String(length=16), nullable=True),
        sa.Column("school_year", sa.String(length=9), nullable=False),
        sa.Column("baseline_school_year", sa.String(length=9), nullable=True),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.CheckConstraint("target >= 1", name=op.f("ck_agreements_target")),
        sa.CheckConstraint("level IS NULL OR level BETWEEN 1 AND 4",
                           name=op.f("ck_agreements_level")),
        sa.CheckConstraint("pathway IS NULL OR pathway IN ('BOL', 'BBL', 'HYBRID')",
                           name=op.f("ck_agreements_pathway")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
    )
    op.create_index(op.f("ix_agreements_region"), "agreements", ["region"])
    op.create_index(op.f("ix_agreements_school_year"), "agreements", ["school_year"])
    op.create_table(
        "monitor_figures",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], ondelete="CASCADE",
                                name=op.f("fk_monitor_figures_round_id_rounds")),
        sa.PrimaryKeyConstraint("round_id", name=op.f("pk_monitor_figures")),
    )


def downgrade() -> None:
    op.drop_table("monitor_figures")
    op.drop_index(op.f("ix_agreements_school_year"), table_name="agreements")
    op.drop_index(op.f("ix_agreements_region"), table_name="agreements")
    op.drop_table("agreements")
