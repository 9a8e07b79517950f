"""fibre per unit and month, and the sites that need checking

``infra_fibre_monthly`` holds the operators' fibre-to-the-home counts per unit and month
(households, passed, connected) that the infrastructure page and the dossier show.
``infra_sites_unchecked`` keeps imported sites that could not be given to a unit (outside the
province, an unknown unit code, or a location in another unit than the one stated), whole, so
that they are checked by hand rather than dropped.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 23:06:31
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "infra_fibre_monthly",
        sa.Column("unit_code", sa.String(length=5), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("households_passed", sa.Integer(), nullable=False),
        sa.Column("households_connected", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "households_connected <= households_passed",
            name=op.f("ck_infra_fibre_monthly_connected_passed"),
        ),
        sa.CheckConstraint(
            "households_connected >= 0", name=op.f("ck_infra_fibre_monthly_connected_not_negative")
        ),
        sa.CheckConstraint(
            "households_passed <= households",
            name=op.f("ck_infra_fibre_monthly_passed_within_households"),
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name=op.f("fk_infra_fibre_monthly_batch_id_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.code"], name=op.f("fk_infra_fibre_monthly_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("unit_code", "month", name=op.f("pk_infra_fibre_monthly")),
    )
    op.create_table(
        "infra_sites_unchecked",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_code", sa.String(length=30), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("stated_unit", sa.String(length=20), nullable=True),
        sa.Column("located_unit", sa.String(length=5), nullable=True),
        sa.Column("operator", sa.String(length=20), nullable=False),
        sa.Column("technology", sa.String(length=5), nullable=False),
        sa.Column("serves_centre", sa.Boolean(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("history_json", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name=op.f("fk_infra_sites_unchecked_batch_id_import_batches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_infra_sites_unchecked")),
        sa.UniqueConstraint("site_code", name=op.f("uq_infra_sites_unchecked_site_code")),
    )


def downgrade() -> None:
    op.drop_table("infra_sites_unchecked")
    op.drop_table("infra_fibre_monthly")
