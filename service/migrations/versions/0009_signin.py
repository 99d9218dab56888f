"""people sign in: one-time sign-in links, and session tokens marked as such

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = "role IN ('admin', 'coordinator', 'company', 'student')"


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("purpose", sa.String(length=8), nullable=False,
                                   server_default="api"))
        batch.create_check_constraint("purpose", "purpose IN ('api', 'session')")
        batch.create_index("ix_api_tokens_scope", ["role", "scope"], unique=False)
    op.create_table(
        "signin_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("scope", sa.String(length=120), nullable=False),
        sa.Column("created_by", sa.String(length=160), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("session_token_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(ROLES, name=op.f("ck_signin_links_role")),
        sa.ForeignKeyConstraint(["session_token_id"], ["api_tokens.id"],
                                name=op.f("fk_signin_links_session_token_id_api_tokens"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signin_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_signin_links_token_hash")),
    )
    op.create_index("ix_signin_links_scope", "signin_links", ["role", "scope"], unique=False)
    op.create_index(op.f("ix_signin_links_session_token_id"), "signin_links",
                    ["session_token_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_signin_links_session_token_id"), table_name="signin_links")
    op.drop_index("ix_signin_links_scope", table_name="signin_links")
    op.drop_table("signin_links")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_index("ix_api_tokens_scope")
        batch.drop_constraint("ck_api_tokens_purpose", type_="check")
        batch.drop_column("purpose")
