"""the praktijkovereenkomst: one bpv-blad (POK record) per accepted placement

Revision ID: 0010
Revises: 0012
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "poks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("contract_date", sa.Date(), nullable=True),
        sa.Column("crebo", sa.String(length=5), nullable=True),
        sa.Column("pathway", sa.String(length=8), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("planned_end_date", sa.Date(), nullable=True),
        sa.Column("total_hours", sa.Integer(), nullable=True),
        sa.Column("praktijkbegeleider_name", sa.String(length=200), nullable=True),
        sa.Column("praktijkbegeleider_email", sa.String(length=254), nullable=True),
        sa.Column("sbb_code", sa.String(length=9), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("postcode", sa.String(length=7), nullable=True),
        sa.Column("place", sa.String(length=80), nullable=True),
        sa.Column("hours_per_week", sa.Integer(), nullable=True),
        sa.Column("days_per_week", sa.Integer(), nullable=True),
        sa.Column("praktijkopleider_name", sa.String(length=200), nullable=True),
        sa.Column("praktijkopleider_email", sa.String(length=254), nullable=True),
        sa.CheckConstraint("status IN ('voorlopig', 'volledig', 'definitief')",
                           name=op.f("ck_poks_status")),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignments.id"],
                                name=op.f("fk_poks_assignment_id_assignments"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["offer_id"], ["offers.id"],
                                name=op.f("fk_poks_offer_id_offers")),
        sa.ForeignKeyConstraint(["student_id"], ["students.id"],
                                name=op.f("fk_poks_student_id_students")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poks")),
        sa.UniqueConstraint("student_id", "offer_id", name=op.f("uq_poks_student_id_offer_id")),
        sa.UniqueConstraint("student_id", "sequence", name=op.f("uq_poks_student_id_sequence")),
    )
    op.create_index(op.f("ix_poks_assignment_id"), "poks", ["assignment_id"], unique=True)
    op.create_index(op.f("ix_poks_offer_id"), "poks", ["offer_id"], unique=False)
    op.create_index(op.f("ix_poks_student_id"), "poks", ["student_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_poks_student_id"), table_name="poks")
    op.drop_index(op.f("ix_poks_offer_id"), table_name="poks")
    op.drop_index(op.f("ix_poks_assignment_id"), table_name="poks")
    op.drop_table("poks")
