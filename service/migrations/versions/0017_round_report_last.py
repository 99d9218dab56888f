"""rounds.report stored after every other column of the round (SQLite)

Revision ID: 0017
Revises: 0016

SQLite stores a row's columns in table order and keeps a large value in a chain of
overflow pages; to read a column stored after it, it reads through that chain. The report
of an allocated province (1.4 MB of JSON, ~420 pages) came before ``finished_at``,
``respond_by``, ``no_response`` and ``lists_by``, added by later migrations, so every
read of a round's deadline walked the whole chain: 0.35-0.55 ms per round read at 60,000
students while other processes wrote (each write empties the other connections' page
caches), twice per accepted placement (branch answers16's profile, docs/PERFORMANCE.md).
The table is rebuilt with the report last. PostgreSQL keeps large values out of the row
(TOAST), so there the order does not matter and nothing is done.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AFTER = ("finished_at", "respond_by", "no_response", "lists_by")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("rounds", recreate="always",
                              partial_reordering=[(*AFTER, "report")]):
        pass


def downgrade() -> None:
    pass  # the order is no part of the schema: 0016's rounds hold the same columns
