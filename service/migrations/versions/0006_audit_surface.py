"""audit events name the surface an actor came in through (api, staff)

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("audit_events", sa.Column("actor_surface", sa.String(length=16),
                                            nullable=True))


def downgrade() -> None:
    op.drop_column("audit_events", "actor_surface")
