"""meetings: the Steering Committee's agendas, their items and the conclusions recorded on them

``meetings`` holds one meeting (the day, a title, the score month it looked at, who set it
up). ``meeting_items`` holds its agenda in order, each item with the figures shown stored as
JSON text, so a past agenda reads the same after the data behind it changed. A conclusion
(``meeting_conclusions``) recorded on an item becomes an Action-Plan task (``tasks.id``), which
the next meeting's agenda follows up.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 11:15:31
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    with op.batch_alter_table("meetings") as batch_op:
        batch_op.create_index("ix_meetings_held_on", ["held_on"], unique=False)

    op.create_table(
        "meeting_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("unit_code", sa.String(length=5), nullable=True),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('follow_up', 'turned_red', 'dropped', 'overdue_task', 'escalation',"
            " 'feedback_overdue', 'will_miss_5g')",
            name=op.f("ck_meeting_items_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_items_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.code"], name=op.f("fk_meeting_items_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_items")),
        sa.UniqueConstraint("meeting_id", "position", name="meeting_position"),
    )

    op.create_table(
        "meeting_conclusions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["meeting_items.id"],
            name=op.f("fk_meeting_conclusions_item_id_meeting_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_meeting_conclusions_task_id_tasks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_conclusions")),
    )
    with op.batch_alter_table("meeting_conclusions") as batch_op:
        batch_op.create_index("ix_meeting_conclusions_item_id", ["item_id"], unique=False)
        batch_op.create_index("ix_meeting_conclusions_task_id", ["task_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("meeting_conclusions") as batch_op:
        batch_op.drop_index("ix_meeting_conclusions_task_id")
        batch_op.drop_index("ix_meeting_conclusions_item_id")
    op.drop_table("meeting_conclusions")
    op.drop_table("meeting_items")
    with op.batch_alter_table("meetings") as batch_op:
        batch_op.drop_index("ix_meetings_held_on")
    op.drop_table("meetings")
