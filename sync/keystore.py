"""The database key of the local store, kept in the operating system's key store.

The key is 32 random bytes made on this device, stored base64-encoded through `keyring`:
the Secret Service (GNOME Keyring, KWallet) on Linux, the Credential Manager on Windows,
the Keychain on macOS. There is deliberately no fallback: a key written to a plaintext
file next to the database would protect nothing, so when no secure key store is usable
the client says so and stops (`NoKeyStoreError`).
"""

from __future__ import annotations

import base64
import binascii
import logging
import secrets

import keyring
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
