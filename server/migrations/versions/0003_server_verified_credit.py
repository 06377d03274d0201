"""server-verified credit: face checks the server asks for, test papers drawn per sitting,
and summaries made again under the distinct-range rule

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 11:30:00
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# The policy field the distinct-range rule replaced (each range of a course earns once,
# always): stored institution policies must not carry it any more.
RETIRED_POLICY_FIELDS = ("cap_at_course_duration",)


def summarise_every_session_again(connection: sa.Connection) -> None:
    """Drop every stored summary and mark every study session for the ledger to
    summarise again when it is next read."""
    connection.execute(sa.text("DELETE FROM session_summaries"))
    connection.execute(
        sa.text(
            "INSERT INTO dirty_sessions (study_session_id, learner_id) "
            "SELECT id, learner_id FROM study_sessions WHERE id NOT IN "
            "(SELECT study_session_id FROM dirty_sessions)"
        )
    )


def upgrade() -> None:
    with op.batch_alter_table("study_sessions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("next_check_slot", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("furthest_position_ms", sa.BigInteger(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("last_pass_ms", sa.BigInteger(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("paused_at_ms", sa.BigInteger(), nullable=True))
    op.create_table(
        "check_dues",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("study_session_id", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=True),
        sa.Column("due_ms", sa.BigInteger(), nullable=False),
        sa.Column("passed_ms", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["study_session_id"], ["study_sessions.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("check_dues", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_check_dues_study_session_id"), ["study_session_id"], unique=False
        )
    with op.batch_alter_table("face_checks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("due_id", sa.String(length=64), nullable=True))
        batch_op.drop_column("slot")
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("questions_per_test", sa.Integer(), server_default="0", nullable=False)
        )
    op.create_table(
        "test_sittings",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("learner_id", sa.String(length=64), nullable=False),
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("issued_ms", sa.BigInteger(), nullable=False),
        sa.Column("expires_ms", sa.BigInteger(), nullable=False),
        sa.Column("paper_json", sa.Text(), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["course_id"], ["courses.id"]),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("test_sittings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_test_sittings_learner_id"), ["learner_id"], unique=False
        )
    with op.batch_alter_table("test_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sitting_id", sa.String(length=64), nullable=True))

    connection = op.get_bind()
    # Every summary was made under the old per-interval rule: make them all again.
    summarise_every_session_again(connection)
    for institution_id, policy_json in connection.execute(
        sa.text("SELECT id, policy_json FROM institutions")
    ).all():
        policy = json.loads(policy_json or "{}")
        kept = {k: v for k, v in policy.items() if k not in RETIRED_POLICY_FIELDS}
        if kept != policy:
            connection.execute(
                sa.text("UPDATE institutions SET policy_json = :policy WHERE id = :id"),
                {"policy": json.dumps(kept), "id": institution_id},
            )


def downgrade() -> None:
    with op.batch_alter_table("test_attempts", schema=None) as batch_op:
        batch_op.drop_column("sitting_id")
    with op.batch_alter_table("test_sittings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_test_sittings_learner_id"))
    op.drop_table("test_sittings")
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_column("questions_per_test")
    with op.batch_alter_table("face_checks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("slot", sa.Integer(), nullable=True))
        batch_op.drop_column("due_id")
    with op.batch_alter_table("check_dues", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_check_dues_study_session_id"))
    op.drop_table("check_dues")
    with op.batch_alter_table("study_sessions", schema=None) as batch_op:
        batch_op.drop_column("paused_at_ms")
        batch_op.drop_column("last_pass_ms")
        batch_op.drop_column("furthest_position_ms")
        batch_op.drop_column("next_check_slot")
    # Summaries made under the distinct-range rule are not the old rule's.
    summarise_every_session_again(op.get_bind())
