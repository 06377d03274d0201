"""The store's known errors produced for real: a full disk and a read-only folder on a
small tmpfs mounted for the test, a file size limit (EFBIG) in a child process, and a
write lock held by another process.

Mounting needs root with mount permission, as the project's container has; without it
these tests fail with a message saying so (never skip)."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sync.store import (
    DiskFullError,
    ReadOnlyStoreError,
    StoreIOError,
    StoreLockedError,
    StudyStore,
)
from tests.support._store_child import progress_fields
from tests.support.small_disk import SmallDisk, mounted_small_disk

CHILD = Path(__file__).parents[1] / "support" / "_store_child.py"


@pytest.fixture
def key() -> bytes:
    return secrets.token_bytes(32)


@pytest.fixture
def small_disk(tmp_path: Path):
    with mounted_small_disk(tmp_path / "disk", "1m") as disk:
        yield disk


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stored_seqs(path: Path, key: bytes) -> tuple[list[int], list]:
    with StudyStore.open(path, key) as store:
        seqs = [e.event.seq for e in store.events(limit=1_000_000)]
        return seqs, store.integrity_problems


# --- disk full -----------------------------------------------------------------------


def test_disk_full_keeps_what_was_committed_and_recovers(small_disk: SmallDisk, key: bytes):
    path = small_disk.root / "study.db"
    acknowledged = []
    store = StudyStore.open(path, key)
    acknowledged += [
        e.event.seq for e in store.append_many([progress_fields(i) for i in range(20)])
    ]
    ballast = small_disk.fill()
    error = None
    for i in range(5000):
        try:
            acknowledged.append(store.append(progress_fields(i)).event.seq)
        except DiskFullError as caught:
            error = caught
            break
    assert error is not None, "the disk never filled up"
    assert error.code == "store_disk_full" and "full" in error.message
    assert "intact" in error.message
    # The store stays usable for reading, and knows exactly what it has.
    assert store.head()[0] == acknowledged[-1]
    assert store.outbox_status().total == len(acknowledged)
    # Recovery: free space and carry on with the same store.
    ballast.unlink()
    acknowledged.append(store.append(progress_fields(1)).event.seq)
    store.close()
    seqs, problems = stored_seqs(path, key)
    assert seqs == acknowledged == list(range(1, len(acknowledged) + 1))
    assert problems == []


def test_creating_a_store_on_a_full_disk_fails_cleanly(small_disk: SmallDisk, key: bytes):
    path = small_disk.root / "study.db"
    ballast = small_disk.fill()
    with pytest.raises(DiskFullError):
        StudyStore.open(path, key)
    ballast.unlink()
    with StudyStore.open(path, key) as store:  # nothing half-made is in the way
        assert store.append(progress_fields(0)).event.seq == 1
        assert store.integrity_problems == []


def test_a_file_size_limit_is_a_write_error_and_loses_nothing(tmp_path: Path, key: bytes):
    """RLIMIT_FSIZE (as a quota would) makes write() fail with EFBIG: SQLite reports an
    I/O error, not a full disk. The child appends until the store refuses."""
    path = tmp_path / "study.db"
    with StudyStore.open(path, key) as store:
        store.append_many([progress_fields(i) for i in range(10)])
    done = subprocess.run(
        [sys.executable, str(CHILD), "fsize-limit", str(path)],
        input=key.hex() + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = done.stdout.splitlines()
    assert lines[-1] == f"error {StoreIOError.code}"
    acknowledged = [int(line.split()[1]) for line in lines if line.startswith("ack ")]
    assert acknowledged, "the limit left no room for a single event"
    seqs, problems = stored_seqs(path, key)
    assert seqs == list(range(1, acknowledged[-1] + 1)) and problems == []


# --- read-only folder ----------------------------------------------------------------


def test_a_read_only_folder_is_reported_and_left_unchanged(small_disk: SmallDisk, key: bytes):
    path = small_disk.root / "study.db"
    with StudyStore.open(path, key) as store:
        store.append_many([progress_fields(i) for i in range(5)])
        store.save("L-1", "C-1", 42_000)
    before = {p.name: digest(p) for p in small_disk.root.iterdir()}
    small_disk.remount("ro")
    try:
        with pytest.raises(ReadOnlyStoreError) as caught:
            StudyStore.open(path, key)
        assert caught.value.code == "store_read_only"
        assert str(small_disk.root) in caught.value.message
        with pytest.raises(ReadOnlyStoreError):
            StudyStore.open(small_disk.root / "new" / "study.db", key)
        with pytest.raises(ReadOnlyStoreError):
            StudyStore.open(small_disk.root / "new.db", key)
        assert {p.name: digest(p) for p in small_disk.root.iterdir()} == before
    finally:
        small_disk.remount("rw")
    # Recovery: once the folder is writable again, everything is there.
    with StudyStore.open(path, key) as store:
        assert store.head()[0] == 5 and store.position_ms("L-1", "C-1") == 42_000
        assert store.integrity_problems == []


# --- locked by another process -------------------------------------------------------


@contextlib.contextmanager
def lock_held_by_another_process(path: Path, key: bytes):
    with subprocess.Popen(
        [sys.executable, str(CHILD), "hold-lock", str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        try:
            holder.stdin.write(key.hex() + "\n")
            holder.stdin.flush()
            assert holder.stdout.readline().strip() == "locked"
            yield holder
        finally:
            holder.stdin.close()  # the holder rolls back and exits
            holder.wait(timeout=10)


def test_a_store_locked_by_another_process_times_out_then_recovers(tmp_path: Path, key):
    path = tmp_path / "study.db"
    with StudyStore.open(path, key) as store:
        store.append(progress_fields(0))
    with lock_held_by_another_process(path, key) as holder:
        store = StudyStore.open(path, key, busy_timeout_ms=300)  # reading is not blocked
        started = time.monotonic()
        with pytest.raises(StoreLockedError) as caught:
            store.append(progress_fields(1))
        waited = time.monotonic() - started
        assert caught.value.code == "store_locked" and "another program" in caught.value.message
        assert 0.25 <= waited < 3, waited  # it waited for the busy timeout, not forever
        assert holder.poll() is None  # the lock really was held throughout
    assert holder.returncode == 0
    # Recovery: once the other process lets go, the same store object carries on.
    assert store.append(progress_fields(1)).event.seq == 2
    store.close()
    seqs, problems = stored_seqs(path, key)
    assert seqs == [1, 2] and problems == []
