"""rounds get an answer deadline (respond_by) and what an unanswered proposal becomes;
a finished round keeps its offers as they were (round_offers)

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(sa.Column("respond_by", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("no_response", sa.String(length=16), nullable=False,
                                   server_default="decline"))
        batch.create_check_constraint("no_response", "no_response IN ('decline', 'accept')")
    op.create_table(
        "round_offers",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], ondelete="CASCADE",
                                name=op.f("fk_round_offers_round_id_rounds")),
        sa.ForeignKeyConstraint(["offer_id"], ["offers.id"], ondelete="CASCADE",
                                name=op.f("fk_round_offers_offer_id_offers")),
        sa.PrimaryKeyConstraint("round_id", "offer_id", name=op.f("pk_round_offers")),
    )
    op.create_index(op.f("ix_round_offers_offer_id"), "round_offers", ["offer_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_round_offers_offer_id"), table_name="round_offers")
    op.drop_table("round_offers")
    with op.batch_alter_table("rounds") as batch:
        batch.drop_constraint("ck_rounds_no_response", type_="check")
        batch.drop_column("no_response")
        batch.drop_column("respond_by")
