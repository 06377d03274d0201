"""Helpers for the store tests, and the child process they start.

As a module: `MemoryKeyring` (the in-memory key store tests pass explicitly) and
`raw_connection` (a second SQLCipher connection with the key, to tamper with a file).

As a script (`python tests/support/_store_child.py MODE ...`), one of:
  append-loop PATH     key (hex) on stdin; appends events forever and prints "ack SEQ"
                       after each append (or group) has returned, i.e. after its commit
  hold-lock PATH       key on stdin; holds a write lock (BEGIN EXCLUSIVE) until stdin closes
  fsize-limit PATH     key on stdin; appends under a small RLIMIT_FSIZE until the store
                       refuses, printing acks and then "error CODE"
  secret-service PATH  run under dbus-run-session with gnome-keyring: makes, stores and
                       reads back the store key through the real Secret Service
  auto-backend         which key store keyring picks by itself here, as an error code
Nothing secret is printed: keys are compared and searched for, never shown.
"""

from __future__ import annotations

import base64
import json
import os
import random
import resource
import signal
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    # Run as a script: make the repository importable.
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import sqlcipher3.dbapi2 as sqlcipher
from keyring.backend import KeyringBackend
from keyring.compat import properties

from records.events import EventKind


class MemoryKeyring(KeyringBackend):
    """A key store in a dict, for tests only. Its priority raises, so keyring never
    picks it by itself: a test must pass it explicitly."""

    @properties.classproperty
    def priority(cls) -> float:  # noqa: N805 (a class property)
        raise RuntimeError("test backend: pass it explicitly")

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        del self.entries[(service, username)]


def raw_connection(path: Path | str, key: bytes) -> Any:
    """A plain SQLCipher connection to a store file, as an attacker with the key has."""
    from sync.store import apply_key

    conn = sqlcipher.connect(str(path), isolation_level=None)
    apply_key(conn, key)
    return conn


def progress_fields(position_ms: int, learner_id: str = "L-1001") -> dict[str, object]:
    return {
        "kind": EventKind.PROGRESS,
        "learner_id": learner_id,
        "session_id": "S-1",
        "course_id": "C-7",
        "data": {
            "position_ms": position_ms,
            "rate_milli": 1000,
            "focused": True,
            "visible": True,
            "playing": True,
        },
    }


def _say(line: str) -> None:
    # os.write: no Python buffer can hold an ack back after the process is killed.
    os.write(1, (line + "\n").encode())


def _read_key() -> bytes:
    return bytes.fromhex(sys.stdin.readline().strip())


def append_loop(path: str) -> None:
    from sync.store import StudyStore

    store = StudyStore.open(path, _read_key())
    _say(f"open {store.head()[0]}")
    rng = random.Random()
    position = 0
    while True:
        position += 10_000
        if rng.random() < 0.7:
            signed = [store.append(progress_fields(position))]
        else:
            signed = store.append_many(
                [progress_fields(position + i) for i in range(rng.randint(2, 8))]
            )
        for event in signed:
            _say(f"ack {event.event.seq}")


def hold_lock(path: str) -> None:
    conn = raw_connection(path, _read_key())
    conn.execute("BEGIN EXCLUSIVE")
    _say("locked")
    sys.stdin.read()  # until the parent closes our stdin
    conn.execute("ROLLBACK")
    conn.close()


def fsize_limit(path: str) -> None:
    from sync.store import StoreError, StudyStore

    store = StudyStore.open(path, _read_key())
    # A file size limit makes write() fail with EFBIG, as a quota would; SIGXFSZ would
    # otherwise kill the process instead of failing the write.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    wal = Path(f"{path}-wal")
    limit = max(Path(path).stat().st_size, wal.stat().st_size if wal.exists() else 0)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit + 64 * 1024, resource.RLIM_INFINITY))
    position = 0
    try:
        for _ in range(100_000):
            position += 10_000
            _say(f"ack {store.append(progress_fields(position)).event.seq}")
    except StoreError as error:
        _say(f"error {error.code}")


def secret_service(path: str) -> None:
    from keyring.backends import SecretService

    from sync.keystore import SERVICE, OsKeyStore, get_store_key, key_username, usable_backend
    from sync.store import StudyStore, open_store

    report: dict[str, object] = {}
    auto = usable_backend()  # keyring's own choice must be accepted here
    report["auto_backend"] = f"{type(auto).__module__}.{type(auto).__name__}"
    ring = SecretService.Keyring()
    store_id = "secret-service-test"
    with open_store(path, store_id, OsKeyStore(ring)) as store:
        store.append(progress_fields(10_000))
        report["device_id_set"] = bool(store.device_id)
    key = get_store_key(store_id, SecretService.Keyring())
    report["key_length"] = None if key is None else len(key)
    stored = ring.get_password(SERVICE, key_username(store_id)) or ""
    report["stored_is_base64_of_key"] = key is not None and base64.b64decode(stored) == key
    with open_store(path, store_id, OsKeyStore(SecretService.Keyring())) as store:
        report["events_after_reopen"] = store.head()[0]
        report["problems"] = len(store.integrity_problems)
    with StudyStore.open(path, key or b"") as store:
        report["opens_with_read_back_key"] = store.head()[0] == 1
    # The key ring's own files must not hold the key in the clear.
    home = Path(os.environ["XDG_DATA_HOME"])
    needles = [stored.encode(), (key or b"x").hex().encode()]
    report["key_in_plain_files"] = any(
        needle in file.read_bytes()
        for file in home.rglob("*")
        if file.is_file()
        for needle in needles
    )
    _say(json.dumps(report))


def auto_backend() -> None:
    from sync.keystore import KeyStoreError, usable_backend

    try:
        chosen = usable_backend()
    except KeyStoreError as error:
        _say(json.dumps({"code": error.code, "message": error.message}))
    else:
        _say(json.dumps({"code": None, "backend": f"{type(chosen).__module__}"}))


def machine_key(path_text: str, key_path: str) -> None:
    """A kiosk session's store: the key from the machine's file, no key ring anywhere."""
    from sync.keystore import KeyStoreError, MachineKeyFile, usable_backend
    from sync.store import open_store

    path, keys = Path(path_text), MachineKeyFile(Path(key_path), owner_uid=os.geteuid())
    report: dict[str, object] = {}
    try:
        usable_backend()
        report["keyring_usable"] = True
    except KeyStoreError:
        report["keyring_usable"] = False
    with open_store(path, "main", keys) as store:
        store.append(progress_fields(10_000))
    with open_store(path, "main", keys) as store:
        store.append(progress_fields(20_000))
    with open_store(path, "main", keys) as store:
        report["events_after_reopen"] = store.head()[0]
        report["problems"] = len(store.integrity_problems)
    _say(json.dumps(report))


def main(argv: list[str]) -> None:
    mode, *args = argv
    {
        "append-loop": append_loop,
        "hold-lock": hold_lock,
        "fsize-limit": fsize_limit,
        "secret-service": secret_service,
        "auto-backend": auto_backend,
        "machine-key": machine_key,
    }[mode](*args)


if __name__ == "__main__":
    main(sys.argv[1:])
