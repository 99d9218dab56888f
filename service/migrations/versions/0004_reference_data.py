"""reference data tables (regions, places, sectors, qualifications); school size and place

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("schools") as batch:
        batch.add_column(sa.Column("size", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("main_place", sa.String(length=80), nullable=True))
    op.create_table(
        "ref_regions",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ref_regions")),
    )
    op.create_table(
        "ref_sectors",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sbb_chamber", sa.String(length=200), nullable=False),
        sa.Column("employment_share", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ref_sectors")),
    )
    op.create_table(
        "ref_places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("province", sa.String(length=80), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["region_id"], ["ref_regions.id"],
                                name=op.f("fk_ref_places_region_id_ref_regions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ref_places")),
        sa.UniqueConstraint("region_id", "name", name=op.f("uq_ref_places_region_id_name")),
    )
    op.create_index(op.f("ix_ref_places_region_id"), "ref_places", ["region_id"])
    op.create_table(
        "ref_qualifications",
        sa.Column("code", sa.String(length=5), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sector_id", sa.String(length=80), nullable=False),
        sa.Column("level_mask", sa.Integer(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["sector_id"], ["ref_sectors.id"],
                                name=op.f("fk_ref_qualifications_sector_id_ref_sectors")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_ref_qualifications")),
    )
    op.create_index(op.f("ix_ref_qualifications_sector_id"), "ref_qualifications",
                    ["sector_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_ref_qualifications_sector_id"), table_name="ref_qualifications")
    op.drop_table("ref_qualifications")
    op.drop_index(op.f("ix_ref_places_region_id"), table_name="ref_places")
    op.drop_table("ref_places")
    op.drop_table("ref_sectors")
    op.drop_table("ref_regions")
    with op.batch_alter_table("schools") as batch:
        batch.drop_column("main_place")
        batch.drop_column("size")
