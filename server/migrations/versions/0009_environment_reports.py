"""What clients report of their surroundings, as the institution's policy judged it,
and the kinds a study session is refused for right now.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "environment_reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("learner_id", sa.String(length=64), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("study_session_id", sa.String(length=64), nullable=True),
        sa.Column("received_ms", sa.BigInteger(), nullable=False),
        sa.Column("signals_json", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_environment_reports_learner_id", "environment_reports", ["learner_id"], unique=False
    )
    op.create_index(
        "ix_environment_reports_study_session_id",
        "environment_reports",
        ["study_session_id"],
        unique=False,
    )
    with op.batch_alter_table("study_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("environment_refused", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("study_sessions", schema=None) as batch_op:
        batch_op.drop_column("environment_refused")
    op.drop_index("ix_environment_reports_study_session_id", table_name="environment_reports")
    op.drop_index("ix_environment_reports_learner_id", table_name="environment_reports")
    op.drop_table("environment_reports")
