"""Versioned schema of the local store: `PRAGMA user_version` says which steps ran.

Each step moves the schema from version N-1 to N in one transaction (statements, or a
function for steps that move data), so a crash or a full disk mid-upgrade leaves the
previous version intact. Steps are never edited once released; a change is a new step.
Steps 1-3 make up the first release's schema; they are separate so the upgrade path is
exercised (and tested from every older version) from the first day.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

# A DB-API connection of sqlcipher3 or sqlite3, opened with isolation_level=None so the
# transactions here are the only ones.
Connection = Any


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: tuple[str, ...] | Callable[[Connection], None]


class SchemaTooNewError(Exception):
    """The file was written by a newer client; an older one must not guess at it."""

    def __init__(self, found: int, known: int) -> None:
        super().__init__(f"schema version {found} is newer than this client's {known}")
        self.found = found
        self.known = known


def _add_chain_head(conn: Connection) -> None:
    # The head of the chain is kept apart from the events so that removing the newest
    # events is noticed; version 1 stores start from their newest event.
    conn.execute(
        "CREATE TABLE chain_head ("
        " singleton INTEGER PRIMARY KEY CHECK (singleton = 1),"
        " seq INTEGER NOT NULL,"
        " hash TEXT NOT NULL)"
    )
    last = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    seq, head_hash = last if last else (0, "0" * 64)
    conn.execute("INSERT INTO chain_head (singleton, seq, hash) VALUES (1, ?, ?)", (seq, head_hash))


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "device identity, settings and the signed event log",
        (
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
            "CREATE TABLE device ("
            " singleton INTEGER PRIMARY KEY CHECK (singleton = 1),"
            " device_id TEXT NOT NULL,"
            " private_key BLOB NOT NULL,"
            " created_ms INTEGER NOT NULL)",
            # seq is the rowid: appends go to the end of the table's b-tree.
            "CREATE TABLE events ("
            " seq INTEGER PRIMARY KEY,"
            " device_id TEXT NOT NULL,"
            " kind TEXT NOT NULL,"
            " at_ms INTEGER NOT NULL,"
            " canonical BLOB NOT NULL,"
            " hash TEXT NOT NULL,"
            " prev_hash TEXT NOT NULL,"
            " signature TEXT NOT NULL,"
            " synced INTEGER NOT NULL DEFAULT 0)",
        ),
    ),
    Migration(2, "chain head, filled from the newest event", _add_chain_head),
    Migration(
        3,
        "outbox index, cached learner and course data, resume positions, study records",
        (
            # Only unsynced events are indexed, so the index stays as small as the outbox.
            "CREATE INDEX events_unsynced ON events (seq) WHERE synced = 0",
            "CREATE TABLE cached_data ("
            " kind TEXT NOT NULL,"
            " item_id TEXT NOT NULL,"
            " json TEXT NOT NULL,"
            " updated_ms INTEGER NOT NULL,"
            " PRIMARY KEY (kind, item_id)) WITHOUT ROWID",
            "CREATE TABLE resume_positions ("
            " learner_id TEXT NOT NULL,"
            " course_id TEXT NOT NULL,"
            " position_ms INTEGER NOT NULL,"
            " updated_ms INTEGER NOT NULL,"
            " PRIMARY KEY (learner_id, course_id)) WITHOUT ROWID",
            "CREATE TABLE study_records ("
            " session_id TEXT PRIMARY KEY,"
            " learner_id TEXT NOT NULL,"
            " json TEXT NOT NULL,"
            " updated_ms INTEGER NOT NULL) WITHOUT ROWID",
        ),
    ),
    # The platform keeps the learner's data and records; a copy on the PC would be
    # personal data to protect for nothing.
    Migration(
        4,
        "no cached learner or course data, no study records on the PC",
        ("DROP TABLE cached_data", "DROP TABLE study_records"),
    ),
)

LATEST_VERSION = MIGRATIONS[-1].version


def schema_version(conn: Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(
    conn: Connection,
    target: int = LATEST_VERSION,
    migrations: Sequence[Migration] = MIGRATIONS,
) -> list[int]:
    """Run the steps from the file's version up to `target`; return the versions applied.

    Raises SchemaTooNewError (touching nothing) for a file from a newer client, and lets
    database errors through after rolling back the step that failed."""
    known = migrations[-1].version if migrations else 0
    current = schema_version(conn)
    if current > known:
        raise SchemaTooNewError(current, known)
    applied = []
    for step in migrations:
        if step.version <= current or step.version > target:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have upgraded the file while this one waited for the lock.
            if schema_version(conn) >= step.version:
                conn.execute("ROLLBACK")
                continue
            if callable(step.apply):
                step.apply(conn)
            else:
                for statement in step.apply:
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {int(step.version)}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied.append(step.version)
    return applied
