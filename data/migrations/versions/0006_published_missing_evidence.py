"""published indicator rows record missing evidence, like the score snapshots

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("published_indicator_scores", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("missing_evidence", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    # Months published before this revision froze the flag's consequence but not the flag: an
    # applicable value with no points is exactly a value scored as missing for want of its
    # evidence (a reported value always earns a number, 0 included). Recorded here, so their
    # dossiers say "thiếu minh chứng" and their re-score (which computes the flag) still matches.
    rows = sa.table(
        "published_indicator_scores",
        sa.column("value", sa.Float()),
        sa.column("applicable", sa.Boolean()),
        sa.column("points", sa.Float()),
        sa.column("missing_evidence", sa.Boolean()),
    )
    op.execute(
        rows.update()
        .where(rows.c.value.is_not(None), rows.c.applicable == sa.true(), rows.c.points.is_(None))
        .values(missing_evidence=sa.true())
    )


def downgrade() -> None:
    with op.batch_alter_table("published_indicator_scores", schema=None) as batch_op:
        batch_op.drop_column("missing_evidence")
