"""score snapshots record the catalog's content hash and missing evidence

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 02:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Scores stored before this revision carry an empty hash, so they are recomputed once.
    with op.batch_alter_table("score_snapshots", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("catalog_hash", sa.String(length=64), server_default="", nullable=False)
        )
    with op.batch_alter_table("score_indicator_snapshots", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("missing_evidence", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("score_indicator_snapshots", schema=None) as batch_op:
        batch_op.drop_column("missing_evidence")
    with op.batch_alter_table("score_snapshots", schema=None) as batch_op:
        batch_op.drop_column("catalog_hash")
