"""The database key of the local store: from the operating system's key store, or on a
lab PC derived from the machine's key file.

- **`OsKeyStore`** (the default): 32 random bytes made on this device, stored
  base64-encoded through `keyring`: the Secret Service (GNOME Keyring, KWallet) on Linux,
  the Credential Manager on Windows, the Keychain on macOS.
- **`MachineKeyFile`** (a lab PC's profile asks for it): a kiosk account that logs in by
  itself has no unlocked Secret Service. The training centre's setup writes 32 random
  bytes to a root-owned file readable only by the client's group; each store's key is
  derived from it (HKDF-SHA256 with the store id), so no key is ever written. It keeps
  the records from anyone who copies the data folder, a backup of the home folders or a
  disk image without /etc, and from OS accounts outside the group; not from root or a
  member of the group (every learner account of a lab PC is one), nor from whoever
  takes the whole disk unless it is encrypted.

There is deliberately no fallback: a key written to a plaintext file next to the
database would protect nothing, so when no secure key store is usable the client says
so and stops (`NoKeyStoreError`).
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import keyring
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringError, KeyringLocked

log = logging.getLogger(__name__)

SERVICE = "vocational-learning-client"
KEY_BYTES = 32

_HOW_TO_FIX = (
    "On Linux, install and unlock a Secret Service such as GNOME Keyring "
    "(package gnome-keyring) or KWallet in the desktop session; on Windows the "
    "Credential Manager is used automatically. For lab machines without a desktop "
    "session, see 'Key store on lab machines' in the README."
)


class KeyStoreError(Exception):
    """The OS key store could not give or keep the store key. `code` is stable; the UI
    translates by it."""

    code = "key_store_failed"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NoKeyStoreError(KeyStoreError):
    code = "no_key_store"


class KeyStoreLockedError(KeyStoreError):
    code = "key_store_locked"


class MachineKeyMissingError(NoKeyStoreError):
    code = "machine_key_missing"


class MachineKeyDeniedError(NoKeyStoreError):
    code = "machine_key_denied"


class MachineKeyUnsafeError(NoKeyStoreError):
    code = "machine_key_unsafe"


def key_username(store_id: str) -> str:
    return f"store-key:{store_id}"


def _is_plaintext(backend: KeyringBackend) -> bool:
    # keyrings.alt holds the plaintext and "encrypted" file backends (the latter with a
    # password typed into the same machine): none protects a key at rest on a shared PC.
    module = type(backend).__module__
    return module == "keyrings.alt" or module.startswith("keyrings.alt.")


def _refusal(backend: KeyringBackend) -> str | None:
    """Why `backend` must not hold the store key, or None when it may."""
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if isinstance(backend, fail.Keyring | null.Keyring):
        return "no usable OS key store was found"
    if _is_plaintext(backend):
        return f"the key store backend {name} keeps secrets in a plain file"
    if isinstance(backend, chainer.ChainerBackend):
        members = list(backend.backends)
        if not members:
            return "no usable OS key store was found"
        # A chainer writes to the first member that accepts the key, so one plaintext
        # member is enough to put the key in a file when the real store is locked.
        for member in members:
            reason = _refusal(member)
            if reason:
                return reason
    return None


def check_backend(backend: KeyringBackend) -> None:
    """Raise NoKeyStoreError unless `backend` is a real, secure key store."""
    reason = _refusal(backend)
    if reason:
        raise NoKeyStoreError(f"The study records cannot be protected: {reason}. {_HOW_TO_FIX}")


def usable_backend(backend: KeyringBackend | None = None) -> KeyringBackend:
    """The backend to use: `backend` when given (tests, explicit configuration), else
    keyring's own choice; refused unless it is secure."""
    chosen = backend if backend is not None else keyring.get_keyring()
    check_backend(chosen)
    return chosen


def _decode(text: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise KeyStoreError("The store key in the OS key store is damaged.") from error
    if len(raw) != KEY_BYTES:
        raise KeyStoreError("The store key in the OS key store has the wrong length.")
    return raw


def _failure(action: str, error: KeyringError) -> KeyStoreError:
    if isinstance(error, KeyringLocked):
        return KeyStoreLockedError(
            f"The OS key store is locked, so the store key cannot be {action}. "
            "Unlock the key ring (log in to the desktop session) and try again."
        )
    # keyring's message names the backend's problem; it never contains the secret.
    return KeyStoreError(f"The OS key store failed while the store key was {action}: {error}")


def get_store_key(store_id: str, backend: KeyringBackend | None = None) -> bytes | None:
    """The store key, or None when the key store has none for `store_id`."""
    ring = usable_backend(backend)
    try:
        text = ring.get_password(SERVICE, key_username(store_id))
    except KeyringError as error:
        raise _failure("read", error) from error
    return None if text is None else _decode(text)


def get_or_create_store_key(store_id: str, backend: KeyringBackend | None = None) -> bytes:
    """The key of store `store_id`, made and saved on first use.

    Only for a store that does not exist yet, or one opened with this key before: for an
    existing database file use `get_store_key`, since a new key could never open it."""
    ring = usable_backend(backend)
    existing = get_store_key(store_id, ring)
    if existing is not None:
        return existing
    key = secrets.token_bytes(KEY_BYTES)
    try:
        ring.set_password(SERVICE, key_username(store_id), base64.b64encode(key).decode("ascii"))
    except KeyringError as error:
        raise _failure("saved", error) from error
    # Read it back: a backend that accepts and drops the key would lose every record.
    if get_store_key(store_id, ring) != key:
        raise KeyStoreError("The OS key store did not keep the new store key.")
    log.info("created a new store key in %s", type(ring).__name__)
    return key


class StoreKeySource(Protocol):
    """Where a store's key comes from."""

    def existing_key(self, store_id: str) -> bytes | None:
        """The key of an existing store, or None when this source has none for it."""

    def key_for_new_store(self, store_id: str) -> bytes:
        """The key of a store about to be made (made and kept here if need be)."""


@dataclass(frozen=True)
class OsKeyStore:
    backend: KeyringBackend | None = None  # keyring's own choice when None

    def existing_key(self, store_id: str) -> bytes | None:
        return get_store_key(store_id, self.backend)

    def key_for_new_store(self, store_id: str) -> bytes:
        return get_or_create_store_key(store_id, self.backend)


MACHINE_KEY_PATH = Path("/etc/vocational-learning-client/machine.key")


@dataclass(frozen=True)
class MachineKeyFile:
    """A lab PC's key file: base64 of 32 random bytes, owned by `owner_uid` (root), not
    writable by anyone else and not readable by others outside its group. A file a
    learner could replace or other accounts could read would protect nothing, so it is
    refused before it is read."""

    path: Path = MACHINE_KEY_PATH
    owner_uid: int = 0

    def existing_key(self, store_id: str) -> bytes | None:
        return self.key_for_new_store(store_id)

    def key_for_new_store(self, store_id: str) -> bytes:
        return HKDF(
            algorithm=hashes.SHA256(),
            length=KEY_BYTES,
            salt=None,
            info=b"vocational-learning-client store key v1:" + store_id.encode("utf-8"),
        ).derive(self._machine_key())

    def _machine_key(self) -> bytes:
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError as error:
            raise MachineKeyMissingError(
                f"This PC's key file {self.path} is missing. The training centre's setup "
                "makes it (see 'Setting up a lab PC' in the README)."
            ) from error
        except PermissionError as error:
            raise MachineKeyDeniedError(
                f"This account may not read the PC's key file {self.path}: add it to the "
                "client's group (see 'Setting up a lab PC' in the README)."
            ) from error
        except OSError as error:  # a symbolic link (O_NOFOLLOW), a device error
            raise MachineKeyUnsafeError(
                f"This PC's key file {self.path} cannot be used: {error.strerror}."
            ) from error
        with os.fdopen(fd, "rb") as file:
            self._check_safe(os.fstat(file.fileno()))
            text = file.read(4096)
        try:
            raw = base64.b64decode(text.strip(), validate=True)
        except (binascii.Error, ValueError) as error:
            raise KeyStoreError(f"This PC's key file {self.path} is damaged.") from error
        if len(raw) != KEY_BYTES:
            raise KeyStoreError(f"This PC's key file {self.path} has the wrong length.")
        return raw

    def _check_safe(self, info: os.stat_result) -> None:
        mode = stat.S_IMODE(info.st_mode)
        problems = []
        if not stat.S_ISREG(info.st_mode):
            problems.append("it is not a regular file")
        if info.st_uid != self.owner_uid:
            problems.append(f"it is owned by uid {info.st_uid}, not {self.owner_uid}")
        if mode & (stat.S_IWGRP | stat.S_IWOTH):
            problems.append("others may write it")
        if mode & stat.S_IRWXO:
            problems.append("every account may read it")
        if problems:
            raise MachineKeyUnsafeError(
                f"This PC's key file {self.path} is not protected ({'; '.join(problems)}): "
                "it must be owned by root, mode 0640, group the client's group."
            )
