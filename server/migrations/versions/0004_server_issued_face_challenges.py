"""server-issued face challenges: the actions a check must show, under a one-time id

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "face_challenges",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("learner_id", sa.String(length=64), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("login_challenge_id", sa.String(length=64), nullable=True),
        sa.Column("due_id", sa.String(length=64), nullable=True),
        sa.Column("actions_json", sa.Text(), nullable=False),
        sa.Column("issued_ms", sa.BigInteger(), nullable=False),
        sa.Column("expires_ms", sa.BigInteger(), nullable=False),
        sa.Column("closed_ms", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("face_challenges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_face_challenges_learner_id"), ["learner_id"], unique=False
        )
    # Every evidence hash of a learner is looked up at each check (reuse is refused).
    with op.batch_alter_table("face_checks", schema=None) as batch_op:
        batch_op.create_index("ix_face_checks_learner_crop", ["learner_id", "crop_sha256"])


def downgrade() -> None:
    with op.batch_alter_table("face_checks", schema=None) as batch_op:
        batch_op.drop_index("ix_face_checks_learner_crop")
    with op.batch_alter_table("face_challenges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_face_challenges_learner_id"))
    op.drop_table("face_challenges")
