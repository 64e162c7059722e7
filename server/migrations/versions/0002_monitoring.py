"""Monitoring history: runs, their pages, findings, screenshots, regressions; signed statements of compliance.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _id():
    return sa.Column("id", sa.Integer(), nullable=False)


def _fk(column, table, **options):
    return sa.ForeignKeyConstraint([column], [f"{table}.id"], name=f"fk_%s_{column}_{table}", **options)


def _named(table, *constraints):
    """Fill the table's name into the foreign keys' conventional names."""
    for constraint in constraints:
        if isinstance(constraint, sa.ForeignKeyConstraint) and "%s" in constraint.name:
            constraint.name = constraint.name % table
    return constraints


def upgrade():
    op.create_table(
        "monitoring_runs", _id(),
        sa.Column("key", sa.String(160), nullable=False),
        sa.Column("agency_id", sa.String(64), nullable=False),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("pages_total", sa.Integer(), nullable=False),
        sa.Column("pages_failed", sa.Integer(), nullable=False),
        sa.Column("verdicts", sa.JSON(), nullable=True),
        sa.Column("browser", sa.String(300), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_monitoring_runs"),
        sa.UniqueConstraint("key", name="uq_monitoring_runs_key"),
    )
    op.create_index("ix_monitoring_runs_agency_id_started_at", "monitoring_runs", ["agency_id", "started_at"])
    op.create_table(
        "monitored_pages", _id(),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("leased_by", sa.String(120), nullable=True),
        sa.Column("checked_at", sa.DateTime(), nullable=True),
        sa.Column("seconds", sa.Double(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        *_named("monitored_pages", _fk("run_id", "monitoring_runs", ondelete="CASCADE")),
        sa.PrimaryKeyConstraint("id", name="pk_monitored_pages"),
        sa.UniqueConstraint("run_id", "url", name="uq_monitored_pages_run_id_url"),
    )
    op.create_index("ix_monitored_pages_run_id", "monitored_pages", ["run_id"])
    op.create_index("ix_monitored_pages_state_lease_until", "monitored_pages", ["state", "lease_until"])
    op.create_table(
        "findings", _id(),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.String(64), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
        sa.Column("clause", sa.String(32), nullable=False),
        sa.Column("verdict", sa.String(8), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=True),
        sa.Column("waiver_id", sa.Integer(), nullable=True),
        *_named("findings", _fk("page_id", "monitored_pages", ondelete="CASCADE"),
                _fk("run_id", "monitoring_runs", ondelete="CASCADE"), _fk("waiver_id", "waivers")),
        sa.PrimaryKeyConstraint("id", name="pk_findings"),
        sa.UniqueConstraint("page_id", "clause", name="uq_findings_page_id_clause"),
    )
    op.create_index("ix_findings_run_id", "findings", ["run_id"])
    op.create_index("ix_findings_agency_id_clause_checked_at", "findings", ["agency_id", "clause", "checked_at"])
    op.create_index("ix_findings_agency_id_url_clause_checked_at", "findings",
                    ["agency_id", "url", "clause", "checked_at"])
    op.create_table(
        "screenshots", _id(),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(32), nullable=False),
        sa.Column("media_type", sa.String(32), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.Column("path", sa.String(500), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        *_named("screenshots", _fk("page_id", "monitored_pages", ondelete="CASCADE"),
                _fk("run_id", "monitoring_runs", ondelete="CASCADE")),
        sa.PrimaryKeyConstraint("id", name="pk_screenshots"),
        sa.UniqueConstraint("page_id", "label", name="uq_screenshots_page_id_label"),
    )
    op.create_index("ix_screenshots_run_id", "screenshots", ["run_id"])
    op.create_index("ix_screenshots_taken_at", "screenshots", ["taken_at"])
    op.create_table(
        "regressions", _id(),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("previous_finding_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.String(64), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("clause", sa.String(32), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("notified_at", sa.DateTime(), nullable=True),
        *_named("regressions", _fk("run_id", "monitoring_runs", ondelete="CASCADE"),
                _fk("finding_id", "findings", ondelete="CASCADE"),
                _fk("previous_finding_id", "findings", ondelete="SET NULL")),
        sa.PrimaryKeyConstraint("id", name="pk_regressions"),
        sa.UniqueConstraint("run_id", "url", "clause", name="uq_regressions_run_id_url_clause"),
    )
    op.create_index("ix_regressions_agency_id_detected_at", "regressions", ["agency_id", "detected_at"])
    op.create_table(
        "statement_signatures", _id(),
        sa.Column("agency_id", sa.String(64), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=False),
        sa.Column("period_to", sa.Date(), nullable=False),
        sa.Column("signer_id", sa.Integer(), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
        sa.Column("title", sa.String(200), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("digest", sa.String(64), nullable=True),
        *_named("statement_signatures", _fk("signer_id", "users")),
        sa.PrimaryKeyConstraint("id", name="pk_statement_signatures"),
    )
    op.create_index("ix_statement_signatures_agency_id_signed_at", "statement_signatures",
                    ["agency_id", "signed_at"])


def downgrade():
    for table in ("statement_signatures", "regressions", "screenshots", "findings", "monitored_pages",
                  "monitoring_runs"):
        op.drop_table(table)
