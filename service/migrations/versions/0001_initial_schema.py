"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-28 13:40:12.787367
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("scope", sa.String(length=120), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "role IN ('admin', 'coordinator', 'company', 'student')",
            name=op.f("ck_api_tokens_role"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_table(
        "companies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kvk_number", sa.String(length=8), nullable=False),
        sa.Column("qualifications", sa.JSON(), nullable=False),
        sa.Column("region", sa.String(length=80), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_companies")),
        sa.UniqueConstraint("kvk_number", name=op.f("uq_companies_kvk_number")),
    )
    op.create_table(
        "environments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=80), nullable=True),
        sa.CheckConstraint("capacity >= 0", name=op.f("ck_environments_capacity")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_environments")),
    )
    op.create_table(
        "schools",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("region", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schools")),
        sa.UniqueConstraint("code", name=op.f("uq_schools_code")),
    )
    op.create_table(
        "environment_partners",
        sa.Column("environment_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_environment_partners_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["environments.id"],
            name=op.f("fk_environment_partners_environment_id_environments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "environment_id", "company_id", name=op.f("pk_environment_partners")
        ),
    )
    with op.batch_alter_table("environment_partners", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_environment_partners_company_id"), ["company_id"], unique=False
        )

    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("region", sa.String(length=80), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("objective", sa.String(length=16), nullable=False),
        sa.Column("priority_first", sa.Boolean(), nullable=False),
        sa.Column("place_unranked", sa.Boolean(), nullable=False),
        sa.Column("max_preferences", sa.Integer(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("time_limit_s", sa.Float(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "objective IN ('optimal', 'rank_maximal', 'stable')", name=op.f("ck_rounds_objective")
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'open', 'closed', 'allocated', 'published', 'finished')",
            name=op.f("ck_rounds_status"),
        ),
        sa.CheckConstraint(
            "max_preferences BETWEEN 1 AND 100", name=op.f("ck_rounds_max_preferences")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_rounds_school_id_schools")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rounds")),
    )
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rounds_school_id"), ["school_id"], unique=False)

    op.create_table(
        "students",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("student_number", sa.String(length=40), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("pathway_mask", sa.Integer(), nullable=False),
        sa.Column("qualification", sa.String(length=5), nullable=True),
        sa.Column("sector", sa.String(length=80), nullable=False),
        sa.Column("home_place", sa.String(length=80), nullable=True),
        sa.Column("max_travel_km", sa.Float(), nullable=True),
        sa.Column("priority", sa.Boolean(), nullable=False),
        sa.Column("available_from", sa.Date(), nullable=True),
        sa.Column("available_until", sa.Date(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.CheckConstraint("level BETWEEN 1 AND 4", name=op.f("ck_students_level")),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_students_school_id_schools")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_students")),
        sa.UniqueConstraint(
            "school_id", "student_number", name=op.f("uq_students_school_id_student_number")
        ),
    )
    with op.batch_alter_table("students", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_students_level"), ["level"], unique=False)
        batch_op.create_index(batch_op.f("ix_students_school_id"), ["school_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_students_sector"), ["sector"], unique=False)

    op.create_table(
        "offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("environment_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("level_mask", sa.Integer(), nullable=False),
        sa.Column("pathway_mask", sa.Integer(), nullable=False),
        sa.Column("qualifications", sa.JSON(), nullable=False),
        sa.Column("sector", sa.String(length=80), nullable=False),
        sa.Column("region", sa.String(length=80), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("reserved_priority", sa.Integer(), nullable=False),
        sa.Column("start", sa.Date(), nullable=True),
        sa.Column("end", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.CheckConstraint("status IN ('draft', 'open', 'closed')", name=op.f("ck_offers_status")),
        sa.CheckConstraint("capacity >= 0", name=op.f("ck_offers_capacity")),
        sa.CheckConstraint(
            "reserved_priority >= 0 AND reserved_priority <= capacity",
            name=op.f("ck_offers_reserved_priority"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_offers_company_id_companies")
        ),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["environments.id"],
            name=op.f("fk_offers_environment_id_environments"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_offers_round_id_rounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
    )
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offers_company_id"), ["company_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_offers_environment_id"), ["environment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_offers_region"), ["region"], unique=False)
        batch_op.create_index(batch_op.f("ix_offers_round_id"), ["round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_offers_sector"), ["sector"], unique=False)
        batch_op.create_index(batch_op.f("ix_offers_status"), ["status"], unique=False)

    op.create_table(
        "student_regions",
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_student_regions_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("student_id", "region", name=op.f("pk_student_regions")),
    )
    with op.batch_alter_table("student_regions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_student_regions_region"), ["region"], unique=False)

    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("student_response", sa.String(length=16), nullable=True),
        sa.Column("company_response", sa.String(length=16), nullable=True),
        sa.CheckConstraint(
            "status IN ('proposed', 'accepted', 'declined')", name=op.f("ck_assignments_status")
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["offers.id"], name=op.f("fk_assignments_offer_id_offers")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_assignments_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["students.id"], name=op.f("fk_assignments_student_id_students")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
        sa.UniqueConstraint(
            "round_id", "student_id", name=op.f("uq_assignments_round_id_student_id")
        ),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignments_offer_id"), ["offer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_round_id"), ["round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_student_id"), ["student_id"], unique=False)

    op.create_table(
        "preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.CheckConstraint("rank >= 1", name=op.f("ck_preferences_rank")),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["offers.id"],
            name=op.f("fk_preferences_offer_id_offers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_preferences_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_preferences_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preferences")),
        sa.UniqueConstraint(
            "round_id",
            "student_id",
            "offer_id",
            name=op.f("uq_preferences_round_id_student_id_offer_id"),
        ),
        sa.UniqueConstraint(
            "round_id", "student_id", "rank", name=op.f("uq_preferences_round_id_student_id_rank")
        ),
    )
    with op.batch_alter_table("preferences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_preferences_offer_id"), ["offer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_preferences_round_id"), ["round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_preferences_student_id"), ["student_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("preferences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_preferences_student_id"))
        batch_op.drop_index(batch_op.f("ix_preferences_round_id"))
        batch_op.drop_index(batch_op.f("ix_preferences_offer_id"))

    op.drop_table("preferences")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignments_student_id"))
        batch_op.drop_index(batch_op.f("ix_assignments_round_id"))
        batch_op.drop_index(batch_op.f("ix_assignments_offer_id"))

    op.drop_table("assignments")
    with op.batch_alter_table("student_regions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_student_regions_region"))

    op.drop_table("student_regions")
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offers_status"))
        batch_op.drop_index(batch_op.f("ix_offers_sector"))
        batch_op.drop_index(batch_op.f("ix_offers_round_id"))
        batch_op.drop_index(batch_op.f("ix_offers_region"))
        batch_op.drop_index(batch_op.f("ix_offers_environment_id"))
        batch_op.drop_index(batch_op.f("ix_offers_company_id"))

    op.drop_table("offers")
    with op.batch_alter_table("students", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_students_sector"))
        batch_op.drop_index(batch_op.f("ix_students_school_id"))
        batch_op.drop_index(batch_op.f("ix_students_level"))

    op.drop_table("students")
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rounds_school_id"))

    op.drop_table("rounds")
    with op.batch_alter_table("environment_partners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_environment_partners_company_id"))

    op.drop_table("environment_partners")
    op.drop_table("schools")
    op.drop_table("environments")
    op.drop_table("companies")
    op.drop_table("api_tokens")
