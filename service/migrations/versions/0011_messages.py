"""messages: an outbox of e-mails, optional e-mail addresses, a round's list deadline

Revision ID: 0011
Revises: 0011c
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0011c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("students", sa.Column("email", sa.String(254), nullable=True))
    op.add_column("companies", sa.Column("email", sa.String(254), nullable=True))
    op.add_column("rounds", sa.Column("lists_by", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(160), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("recipient", sa.String(254), nullable=False),
        sa.Column("subject", sa.String(250), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("student_id", sa.Integer(), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('queued', 'sent', 'failed')",
                           name=op.f("ck_messages_status")),
        sa.ForeignKeyConstraint(["student_id"], ["students.id"], ondelete="CASCADE",
                                name=op.f("fk_messages_student_id_students")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_messages_dedupe_key")),
    )
    op.create_index(op.f("ix_messages_kind"), "messages", ["kind"])
    op.create_index(op.f("ix_messages_round_id"), "messages", ["round_id"])
    op.create_index(op.f("ix_messages_student_id"), "messages", ["student_id"])
    op.create_index(op.f("ix_messages_company_id"), "messages", ["company_id"])
    op.create_index("ix_messages_due", "messages", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("messages")
    op.drop_column("rounds", "lists_by")
    op.drop_column("companies", "email")
    op.drop_column("students", "email")
