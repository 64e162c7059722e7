"""Whole-site monitoring: a run keeps its notes (a sitemap missing, too large or malformed; pages left out).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("monitoring_runs") as table:
        table.add_column(sa.Column("notes", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("monitoring_runs") as table:
        table.drop_column("notes")
