"""audit events, token revocation, erasure and round finish times

Revision ID: 0005
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_token_id", sa.Integer(), nullable=True),
        sa.Column("actor_role", sa.String(length=16), nullable=False),
        sa.Column("actor_scope", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("entity_type", sa.String(length=20), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("region", sa.String(length=80), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index("ix_audit_events_entity", "audit_events", ["entity_type", "entity_id"])
    for column in ("at", "action", "round_id", "school_id", "region"):
        op.create_index(op.f(f"ix_audit_events_{column}"), "audit_events", [column])
    op.add_column("api_tokens", sa.Column("revoked_at", sa.DateTime(timezone=True),
                                          nullable=True))
    op.add_column("students", sa.Column("erased_at", sa.DateTime(timezone=True),
                                        nullable=True))
    op.add_column("rounds", sa.Column("finished_at", sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    op.drop_column("rounds", "finished_at")
    op.drop_column("students", "erased_at")
    op.drop_column("api_tokens", "revoked_at")
    op.drop_table("audit_events")
