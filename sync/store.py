"""The encrypted, tamper-evident local store: one SQLCipher 4 database per learner data
folder, holding the device identity, resume positions and the signed, hash-chained event
log with its outbox. The learner's profile and records stay on the platform.

Encryption at rest (DESIGN: "keeps its records encrypted and signed on disk"): the whole
file, its WAL and its temporary tables are encrypted by SQLCipher with a random 256-bit
raw key from the OS key store (`sync.keystore`). Tamper evidence: every event is signed
by the device key and linked to the previous one; the whole chain is checked on every
open, and what is wrong is recorded as a TAMPER event, never repaired or deleted.

An event is acknowledged only when `append` / `append_many` return, which is after the
COMMIT with synchronous=FULL: a crash after that point cannot lose it.

Known failures raise a `StoreError` subclass with a stable `code` (the UI translates by
it) and an English message saying what to do. Only bugs raise anything else.

A connection is bound to the thread that opened it; `sync.store_worker` runs a store on
one worker thread.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import secrets
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from records.canonical import JsonValue, canonical_json
from records.events import GENESIS_HASH, EventKind, event_from_canonical
from records.signing import (
    ChainLink,
    DeviceSigner,
    EventChain,
    SignedEvent,
    face_burst_message,
    link_of,
    new_device_key,
    private_key_bytes,
    private_key_from_bytes,
    public_key_bytes,
    signatures_valid,
    signed_event,
    verify_links,
)
from sync.keystore import OsKeyStore, StoreKeySource
from sync.migrations import SchemaTooNewError, migrate
from sync.signatures import GroupSigner

log = logging.getLogger(__name__)

PAGE_SIZE = 4096  # SQLCipher 4's default page size; a wrong key never changes the length
DEFAULT_BUSY_TIMEOUT_MS = 5000
SIDECAR_SUFFIXES = ("-wal", "-shm", "-journal")

# SQLite primary result codes (the low byte of an extended code)
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26

# Who a store-level event is about: no learner, no session (no personal data either).
STORE_ACTOR = "device"
TAMPER_STORE_CHAIN = "store_chain"


# --- known errors --------------------------------------------------------------------


class StoreError(Exception):
    """A known failure of the local store. `code` is stable (the UI translates by it);
    the message is English and says what the user can do."""

    code = "store_failed"

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


class WrongKeyError(StoreError):
    """The key does not open the file. The file is left exactly as it was."""

    code = "store_wrong_key"


class StoreKeyMissingError(WrongKeyError):
    """The file exists but the OS key store has no key for it."""

    code = "store_key_missing"


class CorruptStoreError(StoreError):
    """The file is damaged. On open it is moved aside (`moved_to`), never deleted."""

    code = "store_corrupt"

    def __init__(self, message: str, path: Path | None = None, moved_to: Path | None = None):
        super().__init__(message, path)
        self.moved_to = moved_to


class DiskFullError(StoreError):
    code = "store_disk_full"


class ReadOnlyStoreError(StoreError):
    code = "store_read_only"


class StoreLockedError(StoreError):
    code = "store_locked"


class StoreTooNewError(StoreError):
    code = "store_too_new"


class StoreIOError(StoreError):
    code = "store_io_error"


class StoreClosedError(StoreError):
    code = "store_closed"


def _primary_code(error: BaseException) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def _writable(directory: Path) -> bool:
    # os.access also reports a read-only mount (EROFS) for root, unlike a chmod.
    return os.access(directory, os.W_OK)


def classify_error(error: BaseException, path: Path) -> StoreError:
    """The known error that a database error means, for the store at `path`."""
    code = _primary_code(error)
    name = getattr(error, "sqlite_errorname", type(error).__name__)
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return StoreLockedError(
            "The study records store is in use by another program (perhaps another copy "
            "of the client). Close it and try again; nothing was lost.",
            path,
        )
    if code == SQLITE_FULL:
        return DiskFullError(
            f"The disk holding the study records ({path.parent}) is full. Everything "
            "saved before is intact; free some space and saving continues.",
            path,
        )
    if code == SQLITE_READONLY or (
        code == SQLITE_CANTOPEN
        and (not _writable(path.parent) or (path.exists() and not os.access(path, os.W_OK)))
    ):
        return ReadOnlyStoreError(
            f"The study records folder {path.parent} cannot be written (read-only). Choose "
            "a writable data folder or fix its permissions; the records in it are unchanged.",
            path,
        )
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return CorruptStoreError(
            f"The study records store {path.name} is damaged. Restart the client: it "
            "moves the damaged file aside (it is kept) and starts a new store.",
            path,
        )
    if code == SQLITE_IOERR:
        return StoreIOError(
            f"Reading or writing the study records failed ({name}). Check the disk; what "
            "was saved before is unchanged.",
            path,
        )
    return StoreError(f"The study records store failed ({name}).", path)


def _os_error(error: OSError, path: Path) -> StoreError:
    if error.errno == errno.ENOSPC:
        return DiskFullError(f"The disk holding {path.parent} is full; free some space.", path)
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return ReadOnlyStoreError(
            f"The study records folder {path.parent} cannot be written (read-only). Choose "
            "a writable data folder or fix its permissions.",
            path,
        )
    return StoreIOError(f"The study records folder {path.parent} is not usable: {error}", path)


# --- opening the file ----------------------------------------------------------------


@dataclass(frozen=True)
class Connector:
    """How the database file is opened. SQLCipher is the store; plain sqlite3 exists only
    so a benchmark can measure what the encryption costs (it writes plaintext)."""

    name: str
    module: ModuleType
    encrypted: bool

    def connect(self, path: Path, busy_timeout_ms: int) -> Any:
        # isolation_level=None: the store issues BEGIN/COMMIT itself, so a COMMIT is the
        # acknowledgement and nothing is committed behind its back.
        return self.module.connect(str(path), timeout=busy_timeout_ms / 1000, isolation_level=None)


SQLCIPHER = Connector("SQLCipher 4", sqlcipher, encrypted=True)
PLAIN_SQLITE = Connector("sqlite3, NOT encrypted (benchmarks only)", sqlite3, encrypted=False)


def key_salt(key: bytes) -> bytes:
    """The file's 16-byte salt, derived from the key rather than read from the file.

    SQLCipher derives each page's HMAC key from the salt in the first 16 bytes of the file;
    if those bytes were damaged, no page would verify and a damaged file would look like a
    wrong key. Given with the key, the salt no longer depends on the file, so a damaged
    first page is told apart from a wrong key. (With a random 256-bit key the salt adds
    no secrecy either way.)"""
    return hashlib.sha256(b"vocational-learning-client store salt\0" + key).digest()[:16]


def apply_key(conn: Any, key: bytes) -> None:
    """Key a fresh SQLCipher connection: the raw 256-bit key plus its salt (no PBKDF2,
    the key is already random), SQLCipher 4 format."""
    if len(key) != 32:
        raise ValueError("the store key must be 32 bytes")
    # SQLCipher would also print each failed page check to stderr; the store reports
    # errors itself.
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = \"x'{key.hex()}{key_salt(key).hex()}'\"")
    # Pin the format, so a later SQLCipher with other defaults still opens old files.
    conn.execute("PRAGMA cipher_compatibility = 4")


def _wrong_key_or_corrupt(conn: Any, path: Path) -> StoreError:
    """Page 1 did not decrypt: tell a wrong key from a damaged file. A wrong key fails
    every page's HMAC; if some pages check out, the key is right and the file is damaged."""
    size = path.stat().st_size
    damaged = CorruptStoreError(f"The study records store {path.name} is damaged.", path)
    if size % PAGE_SIZE:
        return damaged
    try:
        report = [str(row[0]) for row in conn.execute("PRAGMA cipher_integrity_check")]
    except sqlcipher.Error:
        report = []
    pages = size // PAGE_SIZE
    failed = sum("HMAC verification failed" in line for line in report)
    if pages > 1 and report and failed < pages:
        return damaged
    return WrongKeyError(
        f"The study records store {path.name} cannot be opened with the key from the OS "
        "key store. The file was not changed. Unlock or restore the key store that holds "
        "its key; if that key is lost, the store can be set aside and a new one started "
        "(events not yet sent are then lost to the server).",
        path,
    )


def set_aside(path: Path, label: str, now: datetime | None = None) -> Path:
    """Move a store file and its WAL/SHM to `<name>.<label>-<UTC time>`; never delete.

    The WAL moves with the file it belongs to: a fresh database must not pick it up."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.{label}-{stamp}")
    n = 1
    while any(Path(f"{target}{s}").exists() for s in ("", *SIDECAR_SUFFIXES)):
        n += 1
        target = path.with_name(f"{path.name}.{label}-{stamp}-{n}")
    for suffix in SIDECAR_SUFFIXES:
        side = Path(f"{path}{suffix}")
        if side.exists():
            os.replace(side, f"{target}{suffix}")
    os.replace(path, target)
    return target


def store_exists(path: Path) -> bool:
    """A file with content (an empty file is what a crash before the first commit leaves)."""
    return any(p.exists() and p.stat().st_size > 0 for p in (path, Path(f"{path}-wal")))


# --- the store -----------------------------------------------------------------------


@dataclass(frozen=True)
class IntegrityProblem:
    """One thing wrong in the stored chain. `kind` is a records.signing.ChainProblemKind
    value or one of the store's own: unreadable, column_mismatch, head_mismatch."""

    seq: int
    kind: str


@dataclass(frozen=True)
class OutboxStatus:
    pending: int  # events not yet acknowledged by the server
    total: int
    head_seq: int
    last_sync_ms: int | None


def _wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


EventFields = Mapping[str, object]


_HEADER_TYPES = {"seq": int, "device_id": str, "kind": str, "at_ms": int, "prev_hash": str}


def _acknowledged_link(
    row: tuple[Any, ...],
    problems: list[IntegrityProblem],
    reports: list[tuple[int, JsonValue]],
) -> ChainLink | None:
    """The light check of an event the server has acknowledged: its bytes parsed as
    JSON for the fields the chain needs and compared with the query columns, without
    the event's full validation or its signature. None when the bytes are unreadable:
    the row then drops out of the chain, as in the full check."""
    seq, device_id, kind, at_ms, canonical, row_hash, prev_hash, _signature, _synced = row
    try:
        payload = json.loads(canonical) if isinstance(canonical, bytes) else None
    except (ValueError, RecursionError):
        payload = None
    if not isinstance(payload, dict) or not all(
        type(payload.get(name)) is kind_of for name, kind_of in _HEADER_TYPES.items()
    ):
        problems.append(IntegrityProblem(seq, "unreadable"))
        return None
    header = tuple(payload[name] for name in _HEADER_TYPES)
    if header != (seq, device_id, kind, at_ms, prev_hash):
        problems.append(IntegrityProblem(seq, "column_mismatch"))
    if payload["kind"] == EventKind.TAMPER.value:
        reports.append((payload["seq"], payload.get("data")))
    return ChainLink(
        seq=payload["seq"],
        device_id=payload["device_id"],
        prev_hash=payload["prev_hash"],
        stored_hash=row_hash,
        content_hash=hashlib.sha256(canonical).hexdigest(),
    )


class StudyStore:
    """The local store. Open with `StudyStore.open` (or `open_store`); use from
    the thread that opened it. Satisfies player.resume.ResumeStore."""

    def __init__(
        self,
        conn: Any,
        path: Path,
        connector: Connector,
        clock_ms: Callable[[], int],
    ) -> None:
        self._conn = conn
        self.path = path
        self._connector = connector
        self._clock_ms = clock_ms
        self.device_id = ""
        self._device_key: Ed25519PrivateKey | None = None  # set by _load_device
        self._group_signer: GroupSigner | None = None  # likewise
        self.integrity_problems: list[IntegrityProblem] = []
        self.tamper_event: SignedEvent | None = None

    # -- opening --

    @classmethod
    def open(
        cls,
        path: Path | str,
        key: bytes,
        *,
        connector: Connector = SQLCIPHER,
        busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
        clock_ms: Callable[[], int] = _wall_clock_ms,
    ) -> StudyStore:
        """Open or create the store at `path`, verify its key and its whole event chain.

        A damaged file is moved aside (CorruptStoreError.moved_to) and the next open
        creates a fresh store; every other error leaves the file as it was."""
        path = Path(path)
        try:
            return cls._open(path, key, connector, busy_timeout_ms, clock_ms)
        except CorruptStoreError as error:
            if error.moved_to is not None or not path.exists():
                raise
            try:
                moved = set_aside(path, "corrupt")
            except OSError as move_error:
                raise CorruptStoreError(
                    f"The study records store {path.name} is damaged and could not be moved "
                    f"aside ({move_error.strerror}). Move or rename it, then restart.",
                    path,
                ) from error
            log.error("damaged store moved aside to %s", moved.name)
            raise CorruptStoreError(
                f"The study records store {path.name} was damaged. It was moved aside to "
                f"{moved.name} (kept, not deleted) and a new store will be started; events "
                "not yet sent may be recovered from it by support.",
                path,
                moved_to=moved,
            ) from error

    @classmethod
    def _open(
        cls,
        path: Path,
        key: bytes,
        connector: Connector,
        busy_timeout_ms: int,
        clock_ms: Callable[[], int],
    ) -> StudyStore:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise _os_error(error, path) from error
        conn = None
        try:
            conn = connector.connect(path, busy_timeout_ms)
            if connector.encrypted:
                apply_key(conn, key)
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except connector.module.DatabaseError as error:
                if connector.encrypted and _primary_code(error) == SQLITE_NOTADB:
                    raise _wrong_key_or_corrupt(conn, path) from error
                raise
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            conn.execute("PRAGMA journal_mode = WAL")
            # FULL: the WAL is synced at every commit, so an acknowledged event survives
            # a power cut, not only a crash of the process.
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA temp_store = MEMORY")  # no temporary files at all
            # Reads every page: a damaged page is found now, not in the middle of study.
            check = conn.execute("PRAGMA quick_check").fetchall()
            if check != [("ok",)]:
                raise CorruptStoreError(f"The study records store {path.name} is damaged.", path)
            migrate(conn)
            store = cls(conn, path, connector, clock_ms)
            store._load_device()
            store._check_chain()
            return store
        except SchemaTooNewError as error:
            _close_quietly(conn)
            raise StoreTooNewError(
                f"The study records store was written by a newer version of the client "
                f"(schema {error.found}, this version knows {error.known}). Install the "
                "newer version; the file was not changed.",
                path,
            ) from error
        except StoreError:
            _close_quietly(conn)
            raise
        except connector.module.Error as error:
            _close_quietly(conn)
            if _is_bug(error, connector):
                raise
            raise classify_error(error, path) from error
        except BaseException:
            _close_quietly(conn)
            raise

    def close(self) -> None:
        if self._conn is not None:
            with self._errors():
                self._conn.close()
            self._conn = None
        # Only once the connection is closed: a close that fails leaves a usable store.
        if self._group_signer is not None:
            self._group_signer.close()
            self._group_signer = None

    def __enter__(self) -> StudyStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing --

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except self._connector.module.Error as error:
            if _is_bug(error, self._connector):
                raise
            raise classify_error(error, self.path) from error

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Any]:
        """One write transaction; its COMMIT is the acknowledgement."""
        if self._conn is None:
            raise StoreClosedError("The study records store is closed.", self.path)
        conn = self._conn
        with self._errors():
            # IMMEDIATE takes the write lock now, so a busy store fails here, before
            # anything was prepared against a head that may change.
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    with contextlib.suppress(self._connector.module.Error):
                        conn.execute("ROLLBACK")
                raise

    def _read(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        if self._conn is None:
            raise StoreClosedError("The study records store is closed.", self.path)
        with self._errors():
            return self._conn.execute(sql, params).fetchall()

    def _meta(self, key: str) -> str | None:
        rows = self._read("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    # -- device identity --

    def _load_device(self) -> None:
        rows = self._read("SELECT device_id, private_key FROM device")
        if not rows:
            key = new_device_key()
            with self._transaction() as conn:
                conn.execute(
                    "INSERT OR IGNORE INTO device (singleton, device_id, private_key, created_ms)"
                    " VALUES (1, ?, ?, ?)",
                    (f"dev-{secrets.token_hex(16)}", private_key_bytes(key), self._clock_ms()),
                )
            rows = self._read("SELECT device_id, private_key FROM device")
        self.device_id = rows[0][0]
        self._device_key = private_key_from_bytes(bytes(rows[0][1]))
        self._group_signer = GroupSigner(DeviceSigner(self._device_key))

    @property
    def _key(self) -> Ed25519PrivateKey:
        if self._device_key is None:
            raise StoreClosedError("The study records store is not open.", self.path)
        return self._device_key

    @property
    def _signer(self) -> GroupSigner:
        if self._group_signer is None:
            raise StoreClosedError("The study records store is not open.", self.path)
        return self._group_signer

    @property
    def device_public_key(self) -> bytes:
        """The raw Ed25519 public key the server registers for this device."""
        return public_key_bytes(self._key.public_key())

    # -- the event chain --

    def _check_chain(self) -> None:
        """Verify the stored events and the chain head; record what is wrong as a TAMPER
        event (once per distinct finding).

        Every event's hash, link, sequence and query columns are checked, which finds an
        edited, deleted or inserted row. Signatures are checked from the first event the
        server has not acknowledged on: the server checked the acknowledged ones when it
        took them, and it credits time only from its own copy. Opening a store that has
        grown for months then costs a fraction of checking every signature
        (bench/store_append.py), and an acknowledged event rewritten with a fresh hash
        still breaks the next link. What it does not find: acknowledged events rewritten
        consistently to the end with the head moved along, when no unacknowledged event
        follows them, or a `synced` flag set by hand. That needs the database key, and
        whoever holds it also holds the device key and could re-sign anything: this
        check finds damage and clumsy edits; the server's checks are the real guard."""
        problems: list[IntegrityProblem] = []
        reports: list[tuple[int, JsonValue]] = []  # (seq, data) of earlier TAMPER events
        links: list[ChainLink] = []
        tail: list[SignedEvent] = []  # from the first unacknowledged event on
        last_row: tuple[int, str] = (0, GENESIS_HASH)
        checked = 0
        with self._errors():
            assert self._conn is not None
            rows = self._conn.execute(
                "SELECT seq, device_id, kind, at_ms, canonical, hash, prev_hash, signature,"
                " synced FROM events ORDER BY seq"
            )
            in_tail = False  # once an event is unacknowledged, all after it are checked
            for row in rows:
                checked += 1
                last_row = (row[0], row[5])
                in_tail = in_tail or not row[8]
                if in_tail:
                    signed = self._parse_row(row, problems)
                    if signed is not None:
                        tail.append(signed)
                        if signed.event.kind is EventKind.TAMPER:
                            reports.append((signed.event.seq, signed.event.data))
                else:
                    link = _acknowledged_link(row, problems, reports)
                    if link is not None:
                        links.append(link)
        # The signatures, most of the cost, are checked on every core; the order,
        # hashes and links of the whole chain on this thread.
        valid = signatures_valid(self.device_public_key, tail)
        links += [link_of(s, ok) for s, ok in zip(tail, valid, strict=True)]
        problems += [
            IntegrityProblem(p.seq, p.kind.value) for p in verify_links(links, self.device_id)
        ]
        head = self._read("SELECT seq, hash FROM chain_head")
        head_seq, head_hash = head[0] if head else (0, GENESIS_HASH)
        if (head_seq, head_hash) != last_row:
            problems.append(IntegrityProblem(head_seq, "head_mismatch"))
        self.integrity_problems = sorted(set(problems), key=lambda p: (p.seq, p.kind))
        if self.integrity_problems:
            self._report_tamper(checked, reports)

    @staticmethod
    def _parse_row(row: tuple[Any, ...], problems: list[IntegrityProblem]) -> SignedEvent | None:
        seq, device_id, kind, at_ms, canonical, row_hash, prev_hash, signature, _synced = row
        try:
            if not isinstance(canonical, bytes):
                raise TypeError("not bytes")  # text stored by hand: SQLite does not refuse it
            event = event_from_canonical(canonical)
        except (TypeError, ValueError, RecursionError):
            problems.append(IntegrityProblem(seq, "unreadable"))
            return None
        # The columns beside the canonical bytes are copies for queries; the server
        # only sees the bytes, but a changed copy is still a sign of tampering.
        if (event.seq, event.device_id, event.kind.value, event.at_ms, event.prev_hash) != (
            seq,
            device_id,
            kind,
            at_ms,
            prev_hash,
        ):
            problems.append(IntegrityProblem(seq, "column_mismatch"))
        return SignedEvent(event=event, hash=row_hash, signature=signature)

    def _report_tamper(self, events_checked: int, reports: Sequence[tuple[int, JsonValue]]) -> None:
        finding = hashlib.sha256(
            canonical_json([[p.seq, p.kind] for p in self.integrity_problems])
        ).hexdigest()
        kinds = Counter(p.kind for p in self.integrity_problems)
        log.warning(
            "store chain check: %d problem(s) in %d events: %s",
            len(self.integrity_problems),
            events_checked,
            dict(kinds),
        )
        # Report each distinct finding once. Whether it was reported is read from the
        # signed chain itself, not from a flag, which anyone with the database key could set.
        suspect = {p.seq for p in self.integrity_problems}
        if any(
            isinstance(data, Mapping)
            and data.get("tamper") == TAMPER_STORE_CHAIN
            and data.get("finding") == finding
            and seq not in suspect
            for seq, data in reports
        ):
            return
        data: dict[str, JsonValue] = {
            "tamper": TAMPER_STORE_CHAIN,
            "finding": finding,  # a hash of the problem list, to report it only once
            "problems": len(self.integrity_problems),
            "kinds": dict(sorted(kinds.items())),
            "first_seq": self.integrity_problems[0].seq,
            "last_seq": self.integrity_problems[-1].seq,
            "events_checked": events_checked,
        }
        at_ms = self._clock_ms()
        fields = {
            "kind": EventKind.TAMPER,
            "at_ms": at_ms,
            "learner_id": STORE_ACTOR,
            "session_id": f"store-check-{at_ms}",
            "course_id": "",
            "data": data,
        }
        with self._transaction() as conn:
            (self.tamper_event,) = self._insert_events(conn, [fields])

    def _insert_events(self, conn: Any, items: Sequence[EventFields]) -> list[SignedEvent]:
        # The head is read inside the write transaction: it is the one truth about where
        # the chain continues, even after a failed commit or another writer.
        seq, head_hash = conn.execute("SELECT seq, hash FROM chain_head").fetchone()
        chain = EventChain(self.device_id, seq, head_hash)
        linked = [chain.link(**self._event_fields(item)) for item in items]
        signatures = self._signer.sign_all([event.canonical() for event, _ in linked])
        signed = [
            signed_event(event, digest, signature)
            for (event, digest), signature in zip(linked, signatures, strict=True)
        ]
        conn.executemany(
            "INSERT INTO events"
            " (seq, device_id, kind, at_ms, canonical, hash, prev_hash, signature)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    s.event.seq,
                    s.event.device_id,
                    s.event.kind.value,
                    s.event.at_ms,
                    s.event.canonical(),
                    s.hash,
                    s.event.prev_hash,
                    s.signature,
                )
                for s in signed
            ],
        )
        conn.execute("UPDATE chain_head SET seq = ?, hash = ?", (chain.last_seq, chain.last_hash))
        return signed

    def _event_fields(self, item: EventFields) -> dict[str, object]:
        fields = dict(item)
        fields["kind"] = EventKind(str(fields["kind"]))
        fields.setdefault("at_ms", self._clock_ms())
        fields.setdefault("course_id", "")
        fields.setdefault("data", {})
        return fields

    def append(self, fields: EventFields) -> SignedEvent:
        """Sign and store the next event; returns after its COMMIT (the acknowledgement).

        `fields`: kind, learner_id, session_id, and optionally course_id, data, at_ms
        (default: now). A malformed event raises records' EventFormatError (a bug)."""
        (signed,) = self.append_many([fields])
        return signed

    def append_many(self, items: Sequence[EventFields]) -> list[SignedEvent]:
        """Sign and store several events in one transaction (group commit): all are
        acknowledged together when it commits, or none is stored."""
        if not items:
            return []
        with self._transaction() as conn:
            return self._insert_events(conn, items)

    def head(self) -> tuple[int, str]:
        """(seq, hash) of the newest event; (0, GENESIS_HASH) before the first."""
        seq, head_hash = self._read("SELECT seq, hash FROM chain_head")[0]
        return int(seq), str(head_hash)

    def events(self, after_seq: int = 0, limit: int = 1000) -> list[SignedEvent]:
        rows = self._read(
            "SELECT canonical, hash, signature FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
            (after_seq, limit),
        )
        return _signed_events(rows)

    # -- outbox --

    def unsynced(self, limit: int = 500) -> list[SignedEvent]:
        """The oldest events the server has not acknowledged yet, in order."""
        rows = self._read(
            "SELECT canonical, hash, signature FROM events WHERE synced = 0 ORDER BY seq LIMIT ?",
            (limit,),
        )
        return _signed_events(rows)

    def mark_synced(self, up_to_seq: int) -> int:
        """Mark every event up to `up_to_seq` as acknowledged by the server; returns how
        many changed. Records the sync time."""
        with self._transaction() as conn:
            marked = conn.execute(
                "UPDATE events SET synced = 1 WHERE synced = 0 AND seq <= ?", (up_to_seq,)
            ).rowcount
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('last_sync_ms', ?)",
                (str(self._clock_ms()),),
            )
        return int(marked)

    def sign_face_burst(self, challenge_id: str, frames: Sequence[tuple[int, bytes]]) -> bytes:
        """The device's signature over a face check's evidence (`face_burst_message`):
        the store signs that message and events, nothing chosen by a caller."""
        return self._key.sign(face_burst_message(challenge_id, frames))

    def outbox_status(self) -> OutboxStatus:
        pending = self._read("SELECT count(*) FROM events WHERE synced = 0")[0][0]
        total = self._read("SELECT count(*) FROM events")[0][0]
        last_sync = self._meta("last_sync_ms")
        return OutboxStatus(
            pending=int(pending),
            total=int(total),
            head_seq=self.head()[0],
            last_sync_ms=None if last_sync is None else int(last_sync),
        )

    # -- resume positions (player.resume.ResumeStore) --

    def position_ms(self, learner_id: str, course_id: str) -> int:
        rows = self._read(
            "SELECT position_ms FROM resume_positions WHERE learner_id = ? AND course_id = ?",
            (learner_id, course_id),
        )
        return int(rows[0][0]) if rows else 0

    def save(self, learner_id: str, course_id: str, position_ms: int) -> None:
        with self._transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO resume_positions"
                " (learner_id, course_id, position_ms, updated_ms) VALUES (?, ?, ?, ?)",
                (learner_id, course_id, max(0, int(position_ms)), self._clock_ms()),
            )


def _signed_events(rows: Sequence[tuple[Any, ...]]) -> list[SignedEvent]:
    out = []
    for canonical, row_hash, signature in rows:
        try:
            event = event_from_canonical(bytes(canonical))
        except (TypeError, ValueError):
            # Already reported by the chain check on open; the server sees the gap.
            continue
        out.append(SignedEvent(event=event, hash=row_hash, signature=signature))
    return out


def _is_bug(error: BaseException, connector: Connector) -> bool:
    """Misuse (wrong thread, closed connection, bad SQL binding, constraint) is a bug in
    our code, not a condition of the user's machine: let it raise as it is."""
    db = connector.module
    return isinstance(error, db.ProgrammingError | db.InterfaceError | db.IntegrityError)


def _close_quietly(conn: Any) -> None:
    if conn is not None:
        with contextlib.suppress(Exception):
            conn.close()


def open_store(
    path: Path | str,
    store_id: str,
    keys: StoreKeySource | None = None,
    **options: Any,
) -> StudyStore:
    """Open the store with its key from `keys` (the OS key store by default), making the
    key for a new store.

    An existing file never gets a new key (it could not be opened with it):
    StoreKeyMissingError instead. Key store problems raise sync.keystore errors."""
    path = Path(path)
    source = keys if keys is not None else OsKeyStore()
    if store_exists(path):
        key = source.existing_key(store_id)
        if key is None:
            raise StoreKeyMissingError(
                f"The OS key store has no key for the study records store {path.name}. The "
                "file was not changed. Unlock or restore the key store that holds its key; "
                "if that key is lost, the store can be set aside and a new one started.",
                path,
            )
    else:
        key = source.key_for_new_store(store_id)
    return StudyStore.open(path, key, **options)
