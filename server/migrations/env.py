"""Alembic environment: the engine comes from `server.db` (never from an ini file)."""

from __future__ import annotations

from alembic import context

from server.models import Base

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things: batch mode copies tables
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
