"""task accountability: incomplete records allowed, escalations dated and attributed

A task may be recorded before its responsible leader is named and an assignment before its
deadline is set: such records are listed as incomplete, never judged, so the columns become
nullable instead of the load inventing a value. An escalation ("vượt thẩm quyền") now says
since when and by whom it was raised.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-10 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch_alter_table: SQLite cannot alter a column's nullability in place.
    with op.batch_alter_table("tasks") as batch:
        batch.alter_column("responsible_leader", existing_type=sa.String(120), nullable=True)
        batch.alter_column("deadline", existing_type=sa.Date(), nullable=True)
    with op.batch_alter_table("task_assignments") as batch:
        batch.alter_column("deadline", existing_type=sa.Date(), nullable=True)
        batch.add_column(sa.Column("escalated_at", sa.Date(), nullable=True))
        batch.add_column(sa.Column("escalated_by", sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("task_assignments") as batch:
        batch.drop_column("escalated_by")
        batch.drop_column("escalated_at")
        batch.alter_column("deadline", existing_type=sa.Date(), nullable=False)
    with op.batch_alter_table("tasks") as batch:
        batch.alter_column("deadline", existing_type=sa.Date(), nullable=False)
        batch.alter_column("responsible_leader", existing_type=sa.String(120), nullable=False)
