"""The encrypted local store on real SQLCipher files: what it keeps, that nothing is in
the clear on disk, and the known errors of opening a file (wrong key, damaged file,
newer schema). Disk, lock and read-only errors are in test_store_fs.py, the chain checks
in test_store_chain.py."""

from __future__ import annotations

import hashlib
import inspect
import secrets
from pathlib import Path

import pytest

from player.resume import ResumeStore
from records.events import EventKind
from records.signing import public_key_from_bytes, signature_is_valid, verify_chain
from sync.keystore import SERVICE, OsKeyStore, key_username
from sync.migrations import LATEST_VERSION
from sync.store import (
    PAGE_SIZE,
    PLAIN_SQLITE,
    CorruptStoreError,
    StoreError,
    StoreKeyMissingError,
    StoreTooNewError,
    StudyStore,
    WrongKeyError,
    open_store,
    set_aside,
)
from tests.support._store_child import MemoryKeyring, progress_fields, raw_connection

# What the store holds of a learner: their platform id, the courses and sessions they
# studied, where they stopped, and what happened while they studied.
LEARNER_ID = "learner-张三丰-7f3a"
COURSE_ID = "course-低压电工作业-91c2"


@pytest.fixture
def key() -> bytes:
    return secrets.token_bytes(32)


class FakeClock:
    def __init__(self, now_ms: int = 1_700_000_000_000) -> None:
        self.now_ms = now_ms

    def __call__(self) -> int:
        return self.now_ms


def file_state(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def fill_personal_data(store: StudyStore) -> None:
    store.save(LEARNER_ID, COURSE_ID, 123_000)
    for i in range(20):
        store.append({**progress_fields(i * 10_000, LEARNER_ID), "course_id": COURSE_ID})


# --- encryption at rest --------------------------------------------------------------


def test_no_personal_data_in_the_clear_in_the_file_or_its_wal(tmp_path: Path, key: bytes):
    path = tmp_path / "study.db"
    needles = {
        "learner id": LEARNER_ID.encode(),
        "course id": COURSE_ID.encode(),
        "event kind": b'"progress"',
        "SQLite header": b"SQLite format 3",
    }
    with StudyStore.open(path, key) as store:
        fill_personal_data(store)
        device_key = store._key.private_bytes_raw()
        wal = Path(f"{path}-wal")
        # While open, the newest pages are only in the WAL: it must be encrypted too.
        assert wal.stat().st_size > 0
        for file in (path, wal):
            raw = file.read_bytes()
            found = [label for label, needle in needles.items() if needle in raw]
            assert found == [], f"{file.name} holds in the clear: {found}"
            assert device_key not in raw and key not in raw
    raw = path.read_bytes()  # after close: checkpointed into the main file
    assert [label for label, needle in needles.items() if needle in raw] == []
    assert device_key not in raw


def test_the_plaintext_search_would_find_the_data_in_an_unencrypted_file(tmp_path: Path):
    """The control for the test above: the same data through plain sqlite3 is found."""
    path = tmp_path / "plain.db"
    with StudyStore.open(path, b"\0" * 32, connector=PLAIN_SQLITE) as store:
        fill_personal_data(store)
    raw = path.read_bytes()
    assert LEARNER_ID.encode() in raw and COURSE_ID.encode() in raw and b'"progress"' in raw


# --- what the store keeps ------------------------------------------------------------


def test_device_identity_is_made_once_and_kept(tmp_path: Path, key: bytes):
    path = tmp_path / "study.db"
    with StudyStore.open(path, key) as store:
        device_id, public = store.device_id, store.device_public_key
        signed = store.append(progress_fields(0))
    assert device_id.startswith("dev-") and len(public) == 32
    assert signature_is_valid(public_key_from_bytes(public), signed)
    with StudyStore.open(path, key) as store:
        assert (store.device_id, store.device_public_key) == (device_id, public)
    with StudyStore.open(tmp_path / "other.db", key) as other:
        assert other.device_id != device_id


def test_append_builds_a_signed_chain_continuing_after_reopen(tmp_path: Path, key: bytes):
    path = tmp_path / "study.db"
    clock = FakeClock()
    with StudyStore.open(path, key, clock_ms=clock) as store:
        clock.now_ms = 1_700_000_123_456
        first = store.append(progress_fields(0))
        more = store.append_many([progress_fields(i) for i in (1, 2, 3)])
        assert store.append_many([]) == []
    assert [e.event.seq for e in [first, *more]] == [1, 2, 3, 4]
    assert first.event.at_ms == 1_700_000_123_456  # at_ms defaults to the store's clock
    with StudyStore.open(path, key) as store:
        assert store.integrity_problems == [] and store.tamper_event is None
        nxt = store.append(
            {
                "kind": "pause",
                "learner_id": "L-1001",
                "session_id": "S-1",
                "data": {"position_ms": 5, "reason": "focus_lost"},
            }
        )
        assert nxt.event.seq == 5 and nxt.event.prev_hash == more[-1].hash
        assert nxt.event.course_id == "" and nxt.event.kind is EventKind.PAUSE
        events = store.events()
        assert store.head() == (5, nxt.hash)
        public = public_key_from_bytes(store.device_public_key)
        assert verify_chain(public, events, store.device_id) == []


def test_a_malformed_event_is_a_bug_and_stores_nothing(tmp_path: Path, key: bytes):
    from records.events import EventFormatError

    with StudyStore.open(tmp_path / "study.db", key) as store:
        store.append(progress_fields(0))
        bad = {"kind": "progress", "learner_id": "L", "session_id": "S", "data": {}}
        with pytest.raises(EventFormatError):
            store.append_many([progress_fields(1), bad])
        assert store.head()[0] == 1
        assert store.append(progress_fields(2)).event.seq == 2


def test_resume_positions_round_trip_and_satisfy_the_players_protocol(tmp_path: Path, key):
    path = tmp_path / "study.db"
    for name in ("position_ms", "save"):
        mine = inspect.signature(getattr(StudyStore, name))
        theirs = inspect.signature(getattr(ResumeStore, name))
        assert list(mine.parameters) == list(theirs.parameters), name
    with StudyStore.open(path, key) as store:
        resume: ResumeStore = store
        assert resume.position_ms("L-1", "C-1") == 0
        resume.save("L-1", "C-1", 61_500)
        resume.save("L-1", "C-2", -5)  # clamped: never before the start
        resume.save("L-2", "C-1", 7_000)
        resume.save("L-1", "C-1", 62_000)
    with StudyStore.open(path, key) as store:
        assert store.position_ms("L-1", "C-1") == 62_000
        assert store.position_ms("L-1", "C-2") == 0
        assert store.position_ms("L-2", "C-1") == 7_000


def test_outbox_batches_and_mark_synced(tmp_path: Path, key: bytes):
    path = tmp_path / "study.db"
    clock = FakeClock()
    with StudyStore.open(path, key, clock_ms=clock) as store:
        store.append_many([progress_fields(i) for i in range(25)])
        status = store.outbox_status()
        assert (status.pending, status.total, status.head_seq, status.last_sync_ms) == (
            25,
            25,
            25,
            None,
        )
        batch = store.unsynced(limit=10)
        assert [e.event.seq for e in batch] == list(range(1, 11))
        assert store.mark_synced(batch[-1].event.seq) == 10
        assert store.mark_synced(10) == 0  # a repeated acknowledgement changes nothing
        assert [e.event.seq for e in store.unsynced(limit=10)] == list(range(11, 21))
        clock.now_ms += 60_000
        store.mark_synced(10)
        assert store.outbox_status().last_sync_ms == clock.now_ms
        # the batch carries exactly what was signed
        assert store.unsynced(1)[0].hash == store.events(after_seq=10, limit=1)[0].hash
    with StudyStore.open(path, key) as store:
        assert store.outbox_status().pending == 15
        assert store.mark_synced(10_000) == 15
        assert store.unsynced() == []
        store.append(progress_fields(99))
        assert [e.event.seq for e in store.unsynced()] == [26]


# --- known errors of opening ----------------------------------------------------------


def test_wrong_key_leaves_the_file_untouched(tmp_path: Path, key: bytes):
    path = tmp_path / "study.db"
    with StudyStore.open(path, key) as store:
        fill_personal_data(store)
    before = file_state(tmp_path)
    with pytest.raises(WrongKeyError) as caught:
        StudyStore.open(path, secrets.token_bytes(32))
    assert caught.value.code == "store_wrong_key"
    assert "not changed" in caught.value.message and caught.value.path == path
    assert file_state(tmp_path) == before
    # Recovery: the right key (restored key store) opens it with everything in it.
    with StudyStore.open(path, key) as store:
        assert store.position_ms(LEARNER_ID, COURSE_ID) == 123_000
        assert store.outbox_status().total == 20


def test_a_store_whose_key_is_lost_can_be_set_aside_for_a_new_one(tmp_path: Path, key):
    path = tmp_path / "study.db"
    with StudyStore.open(path, key) as store:
        store.append(progress_fields(0))
    before = path.read_bytes()
    new_key = secrets.token_bytes(32)
    with pytest.raises(WrongKeyError):
        StudyStore.open(path, new_key)
    kept = set_aside(path, "unreadable")
    assert kept.name.startswith("study.db.unreadable-") and kept.read_bytes() == before
    with StudyStore.open(path, new_key) as fresh:
        assert fresh.head()[0] == 0
    with StudyStore.open(kept, key) as old:  # the old one still opens with its own key
        assert old.head()[0] == 1


def test_damage_to_the_salt_bytes_alone_loses_nothing(tmp_path: Path, key: bytes):
    """The salt is derived from the key, so the 16 bytes SQLCipher keeps it in are not
    needed to open the file."""
    path = tmp_path / "study.db"
    with StudyStore.open(path, key) as store:
        fill_personal_data(store)
    data = bytearray(path.read_bytes())
    data[:16] = secrets.token_bytes(16)
    path.write_bytes(bytes(data))
    with StudyStore.open(path, key) as store:
        assert store.head()[0] == 20 and store.integrity_problems == []


def test_a_damaged_page_moves_the_file_aside_and_a_fresh_store_starts(tmp_path: Path, key):
    path = tmp_path / "study.db"
    with StudyStore.open(path, key) as store:
        fill_personal_data(store)
        old_device = store.device_id
    data = bytearray(path.read_bytes())
    assert len(data) // PAGE_SIZE > 4
    data[3 * PAGE_SIZE + 100 : 3 * PAGE_SIZE + 140] = b"\x00" * 40  # one page, not page 1
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptStoreError) as caught:
        StudyStore.open(path, key)
    moved = caught.value.moved_to
    assert caught.value.code == "store_corrupt"
    assert moved is not None and moved.name.startswith("study.db.corrupt-")
    assert moved.name in caught.value.message
    assert moved.read_bytes() == bytes(data) and not path.exists()  # kept, byte for byte
    with StudyStore.open(path, key) as fresh:  # the recovery path
        assert fresh.device_id != old_device and fresh.head()[0] == 0


@pytest.mark.parametrize(
    "damage",
    ["header", "truncated", "garbage"],
)
def test_a_damaged_file_is_not_mistaken_for_a_wrong_key(tmp_path: Path, key: bytes, damage):
    path = tmp_path / "study.db"
    with StudyStore.open(path, key) as store:
        fill_personal_data(store)
    data = bytearray(path.read_bytes())
    if damage == "header":
        data[:64] = secrets.token_bytes(64)  # salt and first bytes of page 1
    elif damage == "truncated":
        data = data[: len(data) - 1000]
    else:
        data = bytearray(secrets.token_bytes(3 * PAGE_SIZE + 17))
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptStoreError) as caught:
        StudyStore.open(path, key)
    assert caught.value.moved_to is not None and caught.value.moved_to.read_bytes() == data


def test_a_store_from_a_newer_client_is_refused_untouched(tmp_path: Path, key: bytes):
    path = tmp_path / "study.db"
    StudyStore.open(path, key).close()
    conn = raw_connection(path, key)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    before = file_state(tmp_path)
    with pytest.raises(StoreTooNewError) as caught:
        StudyStore.open(path, key)
    assert caught.value.code == "store_too_new"
    assert f"schema {LATEST_VERSION + 1}" in caught.value.message
    assert file_state(tmp_path) == before


def test_every_known_error_has_its_own_stable_code():
    from sync import store as module

    classes = [
        obj
        for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, StoreError)
    ]
    codes = [cls.code for cls in classes]
    assert len(classes) >= 9 and len(set(codes)) == len(codes)
    assert all(code.startswith("store_") for code in codes)


# --- with the key from a key store -----------------------------------------------------


def test_open_store_makes_the_key_once_and_never_replaces_it(tmp_path: Path):
    path = tmp_path / "study.db"
    ring = MemoryKeyring()
    with open_store(path, "learner-store", OsKeyStore(ring)) as store:
        store.append(progress_fields(0))
    stored = ring.get_password(SERVICE, key_username("learner-store"))
    assert stored is not None
    with open_store(path, "learner-store", OsKeyStore(ring)) as store:
        assert store.head()[0] == 1
    assert ring.get_password(SERVICE, key_username("learner-store")) == stored

    # The key store lost its entry: the file must not get a new key.
    ring.delete_password(SERVICE, key_username("learner-store"))
    before = file_state(tmp_path)
    with pytest.raises(StoreKeyMissingError) as caught:
        open_store(path, "learner-store", OsKeyStore(ring))
    assert caught.value.code == "store_key_missing"
    assert isinstance(caught.value, WrongKeyError)
    assert file_state(tmp_path) == before and ring.entries == {}
