"""the cases open at the feedback counts' as-of instant, with their state

``feedback_open_cases`` is written with the stored feedback counts from the same case-state
computation: the page's lists and map narrow by that state (within the deadline, overdue,
paused) and read only these rows, not the whole case table. The counting version moves with
this revision, so the first refresh after it fills the table.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedback_open_cases",
        sa.Column("case_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("unit_code", sa.String(length=5), nullable=False),
        sa.Column("category_group", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_feedback_open_cases")),
    )
    with op.batch_alter_table("feedback_open_cases", schema=None) as batch_op:
        batch_op.create_index(
            "ix_feedback_open_cases_received", ["received_at", "case_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("feedback_open_cases", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_open_cases_received")
    op.drop_table("feedback_open_cases")
