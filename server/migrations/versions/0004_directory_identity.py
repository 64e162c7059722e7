"""Staff single sign-on: a user record names its directory identity (issuer, subject, e-mail, display name).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as table:
        table.add_column(sa.Column("issuer", sa.String(255), nullable=True))
        table.add_column(sa.Column("subject", sa.String(255), nullable=True))
        table.add_column(sa.Column("email", sa.String(320), nullable=True))
        table.add_column(sa.Column("display_name", sa.String(255), nullable=True))
        table.create_unique_constraint("uq_users_issuer", ["issuer", "subject"])


def downgrade():
    with op.batch_alter_table("users") as table:
        table.drop_constraint("uq_users_issuer", type_="unique")
        table.drop_column("display_name")
        table.drop_column("email")
        table.drop_column("subject")
        table.drop_column("issuer")
