"""Tamper evidence: the real SQLCipher file is edited through a second connection that
has the database key (what a learner who dug the key out of the key store can do), and
the next open must find it, record it as one TAMPER event, and repair nothing."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as sqlcipher

from records.canonical import canonical_json, parse_canonical
from records.events import EventKind
from records.signing import (
    CHUNK_SIZE,
    DeviceSigner,
    EventChainBuilder,
    SignedEvent,
    new_device_key,
    public_key_bytes,
    signatures_valid,
)
from sync.signatures import MIN_SIGNING_SHARE, GroupSigner
from sync.store import STORE_ACTOR, IntegrityProblem, StudyStore
from tests.support._store_child import progress_fields, raw_connection

EVENTS = 8


@pytest.fixture
def key() -> bytes:
    return secrets.token_bytes(32)


@pytest.fixture
def store_path(tmp_path: Path, key: bytes) -> Path:
    path = tmp_path / "study.db"
    with StudyStore.open(path, key) as store:
        store.append_many([progress_fields(i * 10_000) for i in range(EVENTS)])
    return path


def row(conn, seq: int) -> dict:
    names = ("seq", "device_id", "kind", "at_ms", "canonical", "hash", "prev_hash", "signature")
    values = conn.execute(f"SELECT {', '.join(names)} FROM events WHERE seq = ?", (seq,)).fetchone()
    return dict(zip(names, values, strict=True))


def edited_payload(conn, seq: int) -> dict:
    payload = parse_canonical(bytes(row(conn, seq)["canonical"]))
    payload["data"]["position_ms"] += 600_000  # ten minutes more watched than really
    return payload


def rewrite(conn, seq: int, payload: dict, rehash: bool) -> str:
    canonical = canonical_json(payload)
    new_hash = hashlib.sha256(canonical).hexdigest()
    if rehash:
        conn.execute(
            "UPDATE events SET canonical = ?, hash = ?, prev_hash = ? WHERE seq = ?",
            (canonical, new_hash, payload["prev_hash"], seq),
        )
    else:
        conn.execute("UPDATE events SET canonical = ? WHERE seq = ?", (canonical, seq))
    return new_hash


def rewrite_consistently_from(path: Path, key: bytes, first_seq: int) -> None:
    """The attacker edits row `first_seq`, re-hashes it, re-links every later row and
    moves the chain head: every hash and link is consistent, only signatures are wrong."""
    conn = raw_connection(path, key)
    conn.execute("BEGIN")
    last_hash = rewrite(conn, first_seq, edited_payload(conn, first_seq), rehash=True)
    for seq in range(first_seq + 1, EVENTS + 1):
        payload = parse_canonical(bytes(row(conn, seq)["canonical"]))
        payload["prev_hash"] = last_hash
        last_hash = rewrite(conn, seq, payload, rehash=True)
    conn.execute("UPDATE chain_head SET hash = ?", (last_hash,))
    conn.execute("COMMIT")
    conn.close()


def spoiled_signature(conn, seq: int, byte: int) -> str:
    """Row `seq`'s signature with one bit of one byte flipped, as stored (base64)."""
    signature = bytearray(base64.b64decode(row(conn, seq)["signature"]))
    signature[byte] ^= 0x01
    return base64.b64encode(bytes(signature)).decode()


def reopen_and_check(path: Path, key: bytes, expected: set[tuple[int, str]]) -> StudyStore:
    store = StudyStore.open(path, key)
    found = {(p.seq, p.kind) for p in store.integrity_problems}
    assert found == expected
    tamper = store.tamper_event
    assert tamper is not None and tamper.event.kind is EventKind.TAMPER
    data = dict(tamper.event.data)
    assert data["tamper"] == "store_chain" and data["problems"] == len(expected)
    assert sum(data["kinds"].values()) == len(expected)
    # No personal data in the report: counts, kinds and sequence numbers only.
    assert set(data) == {
        "tamper",
        "finding",
        "problems",
        "kinds",
        "first_seq",
        "last_seq",
        "events_checked",
    }
    assert tamper.event.learner_id == STORE_ACTOR and tamper.event.course_id == ""
    return store


def test_an_untouched_store_has_no_problems(store_path: Path, key: bytes):
    with StudyStore.open(store_path, key) as store:
        assert store.integrity_problems == [] and store.tamper_event is None


def test_an_edited_row_is_found_reported_once_and_not_repaired(store_path: Path, key):
    conn = raw_connection(store_path, key)
    edited = canonical_json(edited_payload(conn, 4))
    conn.execute("UPDATE events SET canonical = ? WHERE seq = 4", (edited,))
    conn.close()
    with reopen_and_check(store_path, key, {(4, "hash_mismatch")}) as store:
        tamper_seq = store.tamper_event.event.seq
        assert tamper_seq == EVENTS + 1
        # The chain goes on after the report, and the edited row is still there as it is.
        assert store.append(progress_fields(1)).event.seq == EVENTS + 2
    conn = raw_connection(store_path, key)
    assert bytes(row(conn, 4)["canonical"]) == edited
    conn.close()
    with StudyStore.open(store_path, key) as store:
        assert store.integrity_problems == [IntegrityProblem(4, "hash_mismatch")]
        assert store.tamper_event is None  # the same finding is not reported twice
        assert store.head()[0] == EVENTS + 2


def test_a_further_edit_is_reported_again(store_path: Path, key: bytes):
    conn = raw_connection(store_path, key)
    conn.execute(
        "UPDATE events SET canonical = ? WHERE seq = 4", (canonical_json(edited_payload(conn, 4)),)
    )
    conn.close()
    reopen_and_check(store_path, key, {(4, "hash_mismatch")}).close()
    conn = raw_connection(store_path, key)
    conn.execute("DELETE FROM events WHERE seq = 2")
    conn.close()
    with reopen_and_check(
        store_path, key, {(2, "gap"), (3, "broken_link"), (4, "hash_mismatch")}
    ) as store:
        assert store.tamper_event.event.seq == EVENTS + 2


def test_rehashing_an_edited_row_without_the_device_key_does_not_fool_it(store_path, key):
    conn = raw_connection(store_path, key)
    rewrite(conn, 4, edited_payload(conn, 4), rehash=True)
    conn.close()
    reopen_and_check(store_path, key, {(4, "bad_signature"), (5, "broken_link")}).close()


def test_rewriting_the_whole_tail_without_the_device_key_does_not_fool_it(store_path, key):
    """The attacker re-hashes the edited row, re-links every later row and moves the
    chain head: every hash and link is consistent, only the signatures are wrong."""
    rewrite_consistently_from(store_path, key, 4)
    expected = {(seq, "bad_signature") for seq in range(4, EVENTS + 1)}
    reopen_and_check(store_path, key, expected).close()


def test_a_deleted_row_in_the_middle_is_found(store_path: Path, key: bytes):
    conn = raw_connection(store_path, key)
    conn.execute("DELETE FROM events WHERE seq = 4")
    conn.close()
    reopen_and_check(store_path, key, {(4, "gap"), (5, "broken_link")}).close()


def test_deleting_the_newest_rows_is_found(store_path: Path, key: bytes):
    conn = raw_connection(store_path, key)
    conn.execute(f"DELETE FROM events WHERE seq >= {EVENTS - 1}")
    conn.close()
    with reopen_and_check(store_path, key, {(EVENTS, "head_mismatch")}) as store:
        # The chain continues after the removed events, so their numbers are never reused.
        assert store.tamper_event.event.seq == EVENTS + 1


def test_an_inserted_row_signed_by_another_key_is_found(store_path: Path, key: bytes):
    conn = raw_connection(store_path, key)
    last = row(conn, EVENTS)
    payload = parse_canonical(bytes(last["canonical"]))
    payload.update(seq=EVENTS + 1, prev_hash=last["hash"])
    payload["data"]["position_ms"] += 10_000
    canonical = canonical_json(payload)
    new_hash = hashlib.sha256(canonical).hexdigest()
    forged = base64.b64encode(new_device_key().sign(canonical)).decode()
    conn.execute(
        "INSERT INTO events (seq, device_id, kind, at_ms, canonical, hash, prev_hash, signature)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            EVENTS + 1,
            last["device_id"],
            "progress",
            payload["at_ms"],
            canonical,
            new_hash,
            last["hash"],
            forged,
        ),
    )
    conn.execute("UPDATE chain_head SET seq = ?, hash = ?", (EVENTS + 1, new_hash))
    conn.close()
    reopen_and_check(store_path, key, {(EVENTS + 1, "bad_signature")}).close()


def test_an_inserted_copy_of_a_row_is_found(store_path: Path, key):
    conn = raw_connection(store_path, key)
    conn.execute(
        "INSERT INTO events (seq, device_id, kind, at_ms, canonical, hash, prev_hash, signature)"
        " SELECT seq + 100, device_id, kind, at_ms, canonical, hash, prev_hash, signature"
        " FROM events WHERE seq = 3"
    )
    conn.close()
    # A copy of event 3 under seq 103: its content says seq 3 (a column mismatch), it is a
    # second, identical event 3 (harmless on its own), and the head no longer matches.
    reopen_and_check(store_path, key, {(103, "column_mismatch"), (EVENTS, "head_mismatch")}).close()


def test_edited_query_columns_and_unreadable_rows_are_found(store_path: Path, key: bytes):
    conn = raw_connection(store_path, key)
    conn.execute("UPDATE events SET kind = 'pause' WHERE seq = 2")
    conn.execute(
        "UPDATE events SET canonical = X'7B226E6F74223A2261206576656E74227D' WHERE seq = 6"
    )
    conn.close()
    reopen_and_check(
        store_path,
        key,
        {(2, "column_mismatch"), (6, "unreadable"), (6, "gap"), (7, "broken_link")},
    ).close()


def test_a_bad_signature_deep_in_a_big_store_is_found(tmp_path, key):
    """Past one chunk the signatures are checked on the machine's cores: a wrong one in a
    later chunk must still be found, at its own sequence number and nowhere else."""
    path = tmp_path / "big.db"
    count = 3 * CHUNK_SIZE + 5
    with StudyStore.open(path, key) as store:
        store.append_many([progress_fields(i * 10_000) for i in range(count)])
    bad_seq = 2 * CHUNK_SIZE + 7
    conn = raw_connection(path, key)
    conn.execute(
        "UPDATE events SET signature = ? WHERE seq = ?",
        (spoiled_signature(conn, bad_seq, byte=10), bad_seq),
    )
    conn.close()
    reopen_and_check(path, key, {(bad_seq, "bad_signature")}).close()


def test_checking_signatures_on_threads_gives_the_answers_of_one_thread():
    device_key = new_device_key()
    builder = EventChainBuilder(device_key, "pc-1")
    signed = [
        builder.next(at_ms=i, **progress_fields(i * 10_000)) for i in range(2 * CHUNK_SIZE + 3)
    ]
    raw_public = public_key_bytes(device_key.public_key())
    forged = {5, CHUNK_SIZE + 1, 2 * CHUNK_SIZE + 2}
    for index in forged:
        signed[index] = SignedEvent(signed[index].event, signed[index].hash, signed[0].signature)
    expected = [index not in forged for index in range(len(signed))]
    assert signatures_valid(raw_public, signed, workers=1) == expected
    assert signatures_valid(raw_public, signed, workers=3) == expected


class ThreadRecordingSigner(DeviceSigner):
    """The real signer, noting which thread made each signature."""

    def __init__(self, key) -> None:
        super().__init__(key)
        self.key = key
        self.threads: set[str] = set()

    def sign(self, message: bytes) -> bytes:
        self.threads.add(threading.current_thread().name)
        return super().sign(message)


@pytest.mark.parametrize("workers", [1, 2, 3, 4])
@pytest.mark.parametrize("count", [0, 1, MIN_SIGNING_SHARE * 2 - 1, MIN_SIGNING_SHARE * 2, 101])
def test_signing_a_group_on_threads_gives_one_threads_signatures_in_order(workers, count):
    device_key = new_device_key()
    messages = [canonical_json({"n": index}) for index in range(count)]
    alone = [DeviceSigner(device_key).sign(message) for message in messages]
    signer = ThreadRecordingSigner(device_key)
    group = GroupSigner(signer, workers=workers)
    try:
        assert group.sign_all(messages) == alone
    finally:
        group.close()
    # The group is really shared once each share would hold enough messages: the calling
    # thread signs the first share and helper threads the others. Which helper takes
    # which share is the scheduler's choice (one may take two), so only the bounds are
    # certain on a busy machine.
    shares = min(workers, count // MIN_SIGNING_SHARE)
    helpers = signer.threads - {threading.current_thread().name}
    if shares >= 2:
        assert threading.current_thread().name in signer.threads
        assert 1 <= len(helpers) <= shares - 1
    else:
        assert helpers == set() and len(signer.threads) == min(count, 1)


def test_a_closed_group_signer_signs_alone_and_the_store_stops_its_threads(tmp_path, key):
    group = GroupSigner(DeviceSigner(new_device_key()), workers=2)
    group.close()
    group.close()  # closing twice is harmless
    assert len(group.sign_all([b"x"] * 4 * MIN_SIGNING_SHARE)) == 4 * MIN_SIGNING_SHARE
    with StudyStore.open(tmp_path / "s.db", key) as store:
        signed = store.append_many([progress_fields(i * 10_000) for i in range(100)])
        assert store.integrity_problems == []
    assert [s.event.seq for s in signed] == list(range(1, 101))
    with StudyStore.open(tmp_path / "s.db", key) as again:
        assert again.integrity_problems == [] and again.tamper_event is None
        assert again.events(limit=200) == signed
    assert not [t for t in threading.enumerate() if t.name.startswith("event-signing")]


def test_a_group_whose_helpers_stopped_is_signed_on_the_calling_thread():
    # At interpreter exit concurrent.futures refuses new work before a daemon store
    # thread may commit its last group: that group must still be signed, not lost.
    signer = ThreadRecordingSigner(new_device_key())
    group = GroupSigner(signer, workers=2)
    group._helpers.shutdown(wait=True)  # stopped under it, as at exit
    messages = [canonical_json({"n": index}) for index in range(4 * MIN_SIGNING_SHARE)]
    assert group.sign_all(messages) == [DeviceSigner(signer.key).sign(m) for m in messages]
    assert signer.threads == {threading.current_thread().name}


def test_a_close_that_fails_leaves_the_store_usable(tmp_path, key):
    store = StudyStore.open(tmp_path / "s.db", key)
    refused: list[BaseException] = []

    def close_from_another_thread() -> None:
        try:
            store.close()
        except sqlcipher.ProgrammingError as error:  # SQLite's own thread check
            refused.append(error)

    closer = threading.Thread(target=close_from_another_thread)
    closer.start()
    closer.join()
    assert refused, "the close was expected to fail"
    assert store.append_many([progress_fields(i * 10_000) for i in range(40)])[-1].event.seq == 40
    store.close()


# -- events the server has acknowledged ------------------------------------------------
# Their hashes, links and columns are checked, not their signatures (the server checked
# those when it took them); signatures are checked from the first unacknowledged event.
ACKNOWLEDGED = EVENTS - 2


@pytest.fixture
def acked_path(store_path: Path, key: bytes) -> Path:
    with StudyStore.open(store_path, key) as store:
        assert store.mark_synced(ACKNOWLEDGED) == ACKNOWLEDGED
    return store_path


def test_an_acknowledged_store_untouched_has_no_problems(acked_path: Path, key: bytes):
    with StudyStore.open(acked_path, key) as store:
        assert store.integrity_problems == [] and store.tamper_event is None


def test_an_edited_acknowledged_row_is_found(acked_path: Path, key: bytes):
    conn = raw_connection(acked_path, key)
    conn.execute(
        "UPDATE events SET canonical = ? WHERE seq = 4", (canonical_json(edited_payload(conn, 4)),)
    )
    conn.close()
    reopen_and_check(acked_path, key, {(4, "hash_mismatch")}).close()


def test_a_rehashed_acknowledged_row_breaks_the_next_link(acked_path: Path, key: bytes):
    conn = raw_connection(acked_path, key)
    rewrite(conn, 4, edited_payload(conn, 4), rehash=True)
    conn.close()
    reopen_and_check(acked_path, key, {(5, "broken_link")}).close()


def test_relinking_the_next_row_too_is_a_column_mismatch(acked_path: Path, key: bytes):
    """The attacker re-hashes row 4 and points row 5's prev_hash column at it; row 5's
    own bytes still name the old hash (and the chain goes by the bytes)."""
    conn = raw_connection(acked_path, key)
    new_hash = rewrite(conn, 4, edited_payload(conn, 4), rehash=True)
    conn.execute("UPDATE events SET prev_hash = ? WHERE seq = 5", (new_hash,))
    conn.close()
    reopen_and_check(acked_path, key, {(5, "column_mismatch"), (5, "broken_link")}).close()


def test_rewriting_acknowledged_rows_and_the_tail_fails_the_tails_signatures(acked_path, key):
    """Every hash and link consistent again from row 4 on: the acknowledged rows pass the
    light check, but the unacknowledged tail's signatures no longer match its bytes."""
    rewrite_consistently_from(acked_path, key, 4)
    expected = {(seq, "bad_signature") for seq in range(ACKNOWLEDGED + 1, EVENTS + 1)}
    reopen_and_check(acked_path, key, expected).close()


def test_deleted_unreadable_and_foreign_acknowledged_rows_are_found(acked_path, key):
    conn = raw_connection(acked_path, key)
    conn.execute("DELETE FROM events WHERE seq = 2")
    conn.execute("UPDATE events SET at_ms = at_ms + 1 WHERE seq = 3")
    conn.execute(  # {"not":"a event"}: JSON, but not an event
        "UPDATE events SET canonical = X'7B226E6F74223A2261206576656E74227D' WHERE seq = 4"
    )
    conn.execute("UPDATE events SET canonical = X'FF00' WHERE seq = 5")
    conn.execute("UPDATE events SET device_id = 'pc-other' WHERE seq = 6")
    conn.close()
    reopen_and_check(
        acked_path,
        key,
        {
            (2, "gap"),
            (3, "broken_link"),
            (3, "column_mismatch"),
            (4, "unreadable"),  # unreadable rows drop out of the chain: a gap from 4
            (5, "unreadable"),
            (4, "gap"),
            (6, "broken_link"),
            (6, "column_mismatch"),
        },
    ).close()


def test_a_finding_reported_and_acknowledged_is_not_reported_again(acked_path, key):
    conn = raw_connection(acked_path, key)
    conn.execute(
        "UPDATE events SET canonical = ? WHERE seq = 4", (canonical_json(edited_payload(conn, 4)),)
    )
    conn.close()
    with reopen_and_check(acked_path, key, {(4, "hash_mismatch")}) as store:
        report_seq = store.tamper_event.event.seq
        store.mark_synced(report_seq)  # the server took the report
    with StudyStore.open(acked_path, key) as store:
        assert store.integrity_problems == [IntegrityProblem(4, "hash_mismatch")]
        assert store.tamper_event is None


def test_removing_acknowledged_newest_rows_is_found(acked_path: Path, key: bytes):
    with StudyStore.open(acked_path, key) as store:
        store.mark_synced(EVENTS)
    conn = raw_connection(acked_path, key)
    conn.execute(f"DELETE FROM events WHERE seq >= {EVENTS - 1}")
    conn.close()
    reopen_and_check(acked_path, key, {(EVENTS, "head_mismatch")}).close()


DAMAGES = {
    "kind column": ["UPDATE events SET kind = 'pause' WHERE seq = 3"],
    "device column": ["UPDATE events SET device_id = 'pc-other' WHERE seq = 3"],
    "prev_hash column": ["UPDATE events SET prev_hash = '" + "a" * 64 + "' WHERE seq = 3"],
    "text instead of bytes": ["UPDATE events SET canonical = 'not bytes' WHERE seq = 3"],
    "garbage bytes": ["UPDATE events SET canonical = X'FF00' WHERE seq = 3"],
    "JSON that is no event": [
        "UPDATE events SET canonical = X'7B226E6F74223A2261206576656E74227D' WHERE seq = 3"
    ],
    "deleted row": ["DELETE FROM events WHERE seq = 3"],
    "row copied": [
        "INSERT INTO events (seq, device_id, kind, at_ms, canonical, hash, prev_hash, signature,"
        " synced) SELECT 50, device_id, kind, at_ms, canonical, hash, prev_hash, signature,"
        " synced FROM events WHERE seq = 3"
    ],
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_the_same_damage_is_the_same_finding_acknowledged_or_not(tmp_path, key, damage):
    """Checked lightly or fully, a damaged row gives the same findings, so the report is
    not repeated when the server acknowledges the row, and stores written before the
    light check came report as they did."""
    found = {}
    for acknowledged in (False, True):
        path = tmp_path / f"{acknowledged}.db"
        with StudyStore.open(path, key) as store:
            store.append_many([progress_fields(i * 10_000) for i in range(EVENTS)])
            if acknowledged:
                store.mark_synced(EVENTS)
        conn = raw_connection(path, key)
        for statement in DAMAGES[damage]:
            conn.execute(statement)
        conn.close()
        with StudyStore.open(path, key) as store:
            found[acknowledged] = set(store.integrity_problems)
            assert store.tamper_event is not None
    assert found[False] and found[False] == found[True]


def test_damage_reported_then_acknowledged_is_not_reported_again(store_path: Path, key):
    conn = raw_connection(store_path, key)
    conn.execute("UPDATE events SET prev_hash = ? WHERE seq = 3", ("b" * 64,))
    conn.close()
    with StudyStore.open(store_path, key) as store:
        assert store.tamper_event is not None
        store.mark_synced(store.tamper_event.event.seq)  # the server took everything
    with StudyStore.open(store_path, key) as store:
        assert store.integrity_problems and store.tamper_event is None


def test_after_the_first_unacknowledged_event_every_signature_is_checked(acked_path, key):
    """A `synced` flag set again further on does not switch signature checks off."""
    conn = raw_connection(acked_path, key)
    conn.execute(
        "UPDATE events SET signature = ?, synced = 1 WHERE seq = ?",
        (spoiled_signature(conn, EVENTS, byte=0), EVENTS),
    )
    conn.close()
    reopen_and_check(acked_path, key, {(EVENTS, "bad_signature")}).close()
