"""The PC a client runs on, as it said at sign-in (the same for every OS account of the
PC), kept with the sign-in and its session: a second learner on the PC signs the first
out even from another OS account.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("login_challenges", schema=None) as batch_op:
        batch_op.add_column(sa.Column("machine_id", sa.String(length=32), nullable=True))
    with op.batch_alter_table("auth_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("machine_id", sa.String(length=32), nullable=True))
        batch_op.create_index("ix_auth_sessions_machine_id", ["machine_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("auth_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_auth_sessions_machine_id")
        batch_op.drop_column("machine_id")
    with op.batch_alter_table("login_challenges", schema=None) as batch_op:
        batch_op.drop_column("machine_id")
