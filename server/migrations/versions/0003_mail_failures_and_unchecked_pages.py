"""Why a regression e-mail was not sent (shown in the console), and pages not checked several runs in a row.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("regressions") as table:
        table.add_column(sa.Column("mail_error", sa.Text(), nullable=True))
    op.create_table(
        "unchecked_pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.String(64), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("notified_at", sa.DateTime(), nullable=True),
        sa.Column("mail_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["monitoring_runs.id"], name="fk_unchecked_pages_run_id_monitoring_runs",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_unchecked_pages"),
        sa.UniqueConstraint("run_id", "url", name="uq_unchecked_pages_run_id"),
    )
    op.create_index("ix_unchecked_pages_agency_id_resolved_at", "unchecked_pages", ["agency_id", "resolved_at"])


def downgrade():
    op.drop_table("unchecked_pages")
    with op.batch_alter_table("regressions") as table:
        table.drop_column("mail_error")
