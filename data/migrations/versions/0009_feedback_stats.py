"""feedback counts refreshed with the data, and the cases no unit could be given

``feedback_stats`` (period × unit × category) and ``feedback_weekly`` (week × unit × category)
hold what the feedback page, the dossier and the score read, so that no page view reads every
case; ``feedback_stats_state`` says which data and rules they were computed from.
``feedback_unrouted`` keeps received cases with coordinates outside the province or an unknown
unit, never dropped. The open backlog's lists read the open cases through a new index on
(status, received_at).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 07:38:05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedback_stats_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("data_version", sa.Integer(), nullable=False),
        sa.Column("rules_hash", sa.String(length=64), nullable=False),
        sa.Column("as_of", sa.DateTime(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_stats_state")),
    )
    op.create_table(
        "feedback_stats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("unit_code", sa.String(length=5), nullable=False),
        sa.Column("category_group", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("open_within", sa.Integer(), nullable=False),
        sa.Column("open_overdue", sa.Integer(), nullable=False),
        sa.Column("paused", sa.Integer(), nullable=False),
        sa.Column("age_0_7", sa.Integer(), nullable=False),
        sa.Column("age_8_30", sa.Integer(), nullable=False),
        sa.Column("age_31_90", sa.Integer(), nullable=False),
        sa.Column("age_over_90", sa.Integer(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("accepted_late", sa.Integer(), nullable=False),
        sa.Column("resolved", sa.Integer(), nullable=False),
        sa.Column("resolved_on_time", sa.Integer(), nullable=False),
        sa.Column("resolved_with_evidence", sa.Integer(), nullable=False),
        sa.Column("rated", sa.Integer(), nullable=False),
        sa.Column("satisfied", sa.Integer(), nullable=False),
        sa.Column("reopened", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("duplicate", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.code"], name=op.f("fk_feedback_stats_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_stats")),
    )
    with op.batch_alter_table("feedback_stats", schema=None) as batch_op:
        batch_op.create_index(
            "ix_feedback_stats_period_unit", ["period", "unit_code"], unique=False
        )

    op.create_table(
        "feedback_unrouted",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_code", sa.String(length=30), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("stated_unit", sa.String(length=20), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("category_group", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("severity", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("reporter_name", sa.String(length=120), nullable=True),
        sa.Column("reporter_phone", sa.String(length=20), nullable=True),
        sa.Column("reporter_address", sa.String(length=300), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name=op.f("fk_feedback_unrouted_batch_id_import_batches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_unrouted")),
        sa.UniqueConstraint("case_code", name=op.f("uq_feedback_unrouted_case_code")),
    )
    op.create_table(
        "feedback_weekly",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("unit_code", sa.String(length=5), nullable=False),
        sa.Column("category_group", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("opened", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.code"], name=op.f("fk_feedback_weekly_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_weekly")),
    )
    with op.batch_alter_table("feedback_weekly", schema=None) as batch_op:
        batch_op.create_index("ix_feedback_weekly_week", ["week_start"], unique=False)

    with op.batch_alter_table("feedback_cases", schema=None) as batch_op:
        batch_op.create_index(
            "ix_feedback_cases_status_received_at", ["status", "received_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("feedback_cases", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_cases_status_received_at")

    with op.batch_alter_table("feedback_weekly", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_weekly_week")

    op.drop_table("feedback_weekly")
    op.drop_table("feedback_unrouted")
    with op.batch_alter_table("feedback_stats", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_stats_period_unit")

    op.drop_table("feedback_stats")
    op.drop_table("feedback_stats_state")
