"""Visitor counts: per-agency cumulative banner loads, opt-outs and withdrawals, snapshotted per master series.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "visitor_counts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agency_id", sa.String(64), nullable=False),
        sa.Column("series", sa.String(36), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.Column("banner_loads", sa.Integer(), nullable=False),
        sa.Column("opt_outs", sa.Integer(), nullable=False),
        sa.Column("withdrawals", sa.Integer(), nullable=False),
    )
    op.create_index("ix_visitor_counts_agency_id_taken_at", "visitor_counts", ["agency_id", "taken_at"])


def downgrade():
    op.drop_index("ix_visitor_counts_agency_id_taken_at", table_name="visitor_counts")
    op.drop_table("visitor_counts")
