"""background jobs (allocate, simulate) and what-if scenarios

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE_ALLOCATION = sa.text("kind = 'allocate' AND status IN ('queued', 'running')")


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("phase", sa.String(length=16), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=True),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("requested_by", sa.String(length=160), nullable=False),
        sa.Column("worker", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('allocate', 'simulate')", name=op.f("ck_jobs_kind")),
        sa.CheckConstraint("status IN ('queued', 'running', 'finished', 'failed')",
                           name=op.f("ck_jobs_status")),
        sa.CheckConstraint("percent BETWEEN 0 AND 100", name=op.f("ck_jobs_percent")),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_jobs_round_id_rounds"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    op.create_index(op.f("ix_jobs_round_id"), "jobs", ["round_id"], unique=False)
    op.create_index("uq_jobs_active_allocation", "jobs", ["round_id"], unique=True,
                    postgresql_where=ACTIVE_ALLOCATION, sqlite_where=ACTIVE_ALLOCATION)
    op.create_table(
        "scenarios",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("overrides", sa.JSON(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], name=op.f("fk_scenarios_job_id_jobs"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"],
                                name=op.f("fk_scenarios_round_id_rounds"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scenarios")),
    )
    op.create_index(op.f("ix_scenarios_job_id"), "scenarios", ["job_id"], unique=True)
    op.create_index(op.f("ix_scenarios_round_id"), "scenarios", ["round_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_scenarios_round_id"), table_name="scenarios")
    op.drop_index(op.f("ix_scenarios_job_id"), table_name="scenarios")
    op.drop_table("scenarios")
    op.drop_index("uq_jobs_active_allocation", table_name="jobs")
    op.drop_index(op.f("ix_jobs_round_id"), table_name="jobs")
    op.drop_table("jobs")
