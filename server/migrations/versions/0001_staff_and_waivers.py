"""Staff accounts, roles, agency limits, API tokens; waivers and their append-only trail.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY_TABLES = ("waivers", "waiver_steps")


def upgrade():
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("failed_sign_ins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("session_epoch", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("name", name="uq_users_name"),
    )
    op.create_table(
        "user_roles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_user_roles_user_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "role", name="pk_user_roles"),
    )
    op.create_table(
        "user_agencies",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_user_agencies_user_id_users",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "agency_id", name="pk_user_agencies"),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_api_tokens_user_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "waivers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agency_id", sa.String(64), nullable=False),
        sa.Column("clauses", sa.JSON(), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("why_not_comply", sa.Text(), nullable=False),
        sa.Column("privacy_review", sa.Text(), nullable=False),
        sa.Column("pab_representative", sa.String(200), nullable=False),
        sa.Column("iso_copied", sa.Boolean(), nullable=False),
        sa.Column("no_sensitive_information", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("starts", sa.Date(), nullable=False),
        sa.Column("ends", sa.Date(), nullable=True),
        sa.Column("extends_id", sa.Integer(), nullable=True),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("filed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["extends_id"], ["waivers.id"], name="fk_waivers_extends_id_waivers"),
        sa.ForeignKeyConstraint(["requester_id"], ["users.id"], name="fk_waivers_requester_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_waivers"),
    )
    op.create_index("ix_waivers_agency_id", "waivers", ["agency_id"])
    op.create_index("ix_waivers_extends_id", "waivers", ["extends_id"])
    op.create_table(
        "waiver_steps",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("waiver_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("outcome", sa.String(8), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["waiver_id"], ["waivers.id"], name="fk_waiver_steps_waiver_id_waivers"),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name="fk_waiver_steps_actor_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_waiver_steps"),
        sa.UniqueConstraint("waiver_id", "action", name="uq_waiver_steps_waiver_id_action"),
    )
    op.create_index("ix_waiver_steps_waiver_id", "waiver_steps", ["waiver_id"])
    _append_only_triggers()


def _append_only_triggers():
    """The trail is evidence: the database itself refuses to change or delete a filed waiver or a step."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION consent_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
            END;
            $$ LANGUAGE plpgsql""")
        for table in APPEND_ONLY_TABLES:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION consent_append_only()")
        return
    for table in APPEND_ONLY_TABLES:
        for change in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{change.lower()} BEFORE {change} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY_TABLES:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute("DROP FUNCTION consent_append_only()")
    for table in ("waiver_steps", "waivers", "api_tokens", "user_agencies", "user_roles", "users"):
        op.drop_table(table)
