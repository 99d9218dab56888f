"""what a company's offer page and a proposed student's school tell: the offer's place, days
and hours per week and description; the school's bpv coordinator contact

Revision ID: 0011c
Revises: 0009
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0011c"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Column = tuple[str, sa.types.TypeEngine[Any]]
OFFER_COLUMNS: tuple[Column, ...] = (
    ("place", sa.String(80)), ("days_per_week", sa.Integer()),
    ("hours_per_week", sa.Integer()), ("description", sa.Text()))
SCHOOL_COLUMNS: tuple[Column, ...] = (
    ("contact_name", sa.String(200)), ("contact_email", sa.String(254)),
    ("contact_phone", sa.String(40)))


def upgrade() -> None:
    for name, kind in OFFER_COLUMNS:
        op.add_column("offers", sa.Column(name, kind, nullable=True))
    for name, kind in SCHOOL_COLUMNS:
        op.add_column("schools", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    # SQLite drops a column only by rebuilding its table: batch mode does that.
    with op.batch_alter_table("schools") as batch:
        for name, _kind in reversed(SCHOOL_COLUMNS):
            batch.drop_column(name)
    with op.batch_alter_table("offers") as batch:
        for name, _kind in reversed(OFFER_COLUMNS):
            batch.drop_column(name)
