"""Schema migrations on real SQLCipher files: every older version upgrades to the latest
with its data intact, a failing step changes nothing, a newer file is refused."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from records.signing import EventChainBuilder, new_device_key, private_key_bytes
from sync.migrations import (
    LATEST_VERSION,
    MIGRATIONS,
    Migration,
    SchemaTooNewError,
    migrate,
    schema_version,
)
from sync.store import StudyStore
from tests.support._store_child import progress_fields, raw_connection


@pytest.fixture
def key() -> bytes:
    return secrets.token_bytes(32)


def schema(conn) -> list[tuple[str, str, str]]:
    return sorted(
        conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchall()
    )


def seed(conn, version: int) -> dict:
    """Data a client at `version` would have written; returns what must survive."""
    kept: dict = {}
    if version >= 1:
        device_key = new_device_key()
        conn.execute(
            "INSERT INTO device (singleton, device_id, private_key, created_ms)"
            " VALUES (1, 'dev-old', ?, 1)",
            (private_key_bytes(device_key),),
        )
        builder = EventChainBuilder(device_key, "dev-old")
        for i in range(5):
            s = builder.next(**{**progress_fields(i), "at_ms": 1_700_000_000_000 + i})
            conn.execute(
                "INSERT INTO events"
                " (seq, device_id, kind, at_ms, canonical, hash, prev_hash, signature, synced)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    s.event.seq,
                    s.event.device_id,
                    s.event.kind.value,
                    s.event.at_ms,
                    s.event.canonical(),
                    s.hash,
                    s.event.prev_hash,
                    s.signature,
                    int(i < 2),
                ),
            )
        conn.execute("INSERT INTO meta (key, value) VALUES ('last_sync_ms', '1700000000001')")
        kept["head"] = (builder.last_seq, builder.last_hash)
    if version >= 2:
        conn.execute(
            "UPDATE chain_head SET seq = ?, hash = ?", (builder.last_seq, builder.last_hash)
        )
    if version == 3:  # the only version that had them: version 4 drops them, rows and all
        conn.execute(
            "INSERT INTO cached_data (kind, item_id, json, updated_ms)"
            " VALUES ('learner', 'L-1', '{\"name\": \"x\"}', 1)"
        )
        conn.execute(
            "INSERT INTO study_records (session_id, learner_id, json, updated_ms)"
            " VALUES ('S-1', 'L-1', '{}', 1)"
        )
    return kept


def test_the_steps_are_numbered_from_one_without_gaps():
    assert [m.version for m in MIGRATIONS] == list(range(1, LATEST_VERSION + 1))


@pytest.mark.parametrize("old_version", range(LATEST_VERSION))
def test_every_older_version_upgrades_with_its_data(tmp_path: Path, key: bytes, old_version):
    path = tmp_path / "study.db"
    conn = raw_connection(path, key)
    assert migrate(conn, target=old_version) == list(range(1, old_version + 1))
    assert schema_version(conn) == old_version
    kept = seed(conn, old_version)
    conn.close()

    with StudyStore.open(path, key) as store:
        assert store.integrity_problems == []
        if old_version >= 1:
            assert store.device_id == "dev-old"
            assert store.head() == kept["head"]  # version 2 filled the head from the log
            status = store.outbox_status()
            assert (status.total, status.pending, status.last_sync_ms) == (5, 3, 1700000000001)
            assert [e.event.seq for e in store.unsynced()] == [3, 4, 5]
            assert store.append(progress_fields(99)).event.seq == 6
        store.save("L-1", "C-1", 5_000)
        assert store.position_ms("L-1", "C-1") == 5_000

    fresh = raw_connection(tmp_path / "fresh.db", key)
    migrate(fresh)
    upgraded = raw_connection(path, key)
    assert schema_version(upgraded) == LATEST_VERSION
    assert schema(upgraded) == schema(fresh)
    upgraded.close()
    fresh.close()


def test_a_failing_step_leaves_the_previous_version_intact(tmp_path: Path, key: bytes):
    def half_done(conn) -> None:
        conn.execute("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("step failed midway")

    path = tmp_path / "study.db"
    conn = raw_connection(path, key)
    migrate(conn)
    before = schema(conn)
    broken = (*MIGRATIONS, Migration(LATEST_VERSION + 1, "fails", half_done))
    with pytest.raises(RuntimeError, match="midway"):
        migrate(conn, target=LATEST_VERSION + 1, migrations=broken)
    assert schema_version(conn) == LATEST_VERSION and schema(conn) == before
    assert not conn.in_transaction
    conn.close()


def test_migrate_is_idempotent_and_refuses_a_newer_file(tmp_path: Path, key: bytes):
    conn = raw_connection(tmp_path / "study.db", key)
    assert migrate(conn) == list(range(1, LATEST_VERSION + 1))
    assert migrate(conn) == []
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    with pytest.raises(SchemaTooNewError) as caught:
        migrate(conn)
    assert (caught.value.found, caught.value.known) == (LATEST_VERSION + 1, LATEST_VERSION)
    conn.close()
