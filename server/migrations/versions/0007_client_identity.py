"""The client's version and provisioning profile, as it said at sign-in, kept with the
sign-in and its session.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLES = ("login_challenges", "auth_sessions")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("client_version", sa.String(length=20), nullable=True))
            batch_op.add_column(sa.Column("profile_sha256", sa.String(length=64), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("profile_sha256")
            batch_op.drop_column("client_version")
