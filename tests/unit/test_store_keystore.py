"""The store key in the OS key store: made once, read back, never in a plaintext file.

One test runs against a real Secret Service (gnome-keyring-daemon on its own D-Bus
session bus, not the suite's private one); the others pass an in-memory backend
explicitly. Nothing here installs or uses keyrings.alt: its plaintext backends are
imitated by a class that only claims its module name."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringLocked, PasswordSetError

from sync.keystore import (
    KEY_BYTES,
    SERVICE,
    KeyStoreError,
    KeyStoreLockedError,
    NoKeyStoreError,
    check_backend,
    get_or_create_store_key,
    get_store_key,
    key_username,
)
from tests.support._store_child import MemoryKeyring
from tests.support.buses import BUS_WITHOUT_SERVICES

REPO = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).parents[1] / "support" / "_store_child.py"


def test_the_key_is_made_once_as_32_random_bytes_in_base64():
    ring = MemoryKeyring()
    assert get_store_key("s1", ring) is None
    key = get_or_create_store_key("s1", ring)
    assert len(key) == KEY_BYTES
    assert ring.entries == {(SERVICE, "store-key:s1"): base64.b64encode(key).decode()}
    assert get_or_create_store_key("s1", ring) == key
    assert get_or_create_store_key("s2", ring) != key
    assert key_username("s2") == "store-key:s2"


def _plaintext_backend() -> KeyringBackend:
    # What keyrings.alt.file.PlaintextKeyring looks like to our check, without
    # installing keyrings.alt anywhere.
    cls = type("PlaintextKeyring", (MemoryKeyring,), {"__module__": "keyrings.alt.file"})
    return cls()


class _TestChainer(chainer.ChainerBackend):
    """Every subclass of KeyringBackend is a candidate for keyring's own choice of
    backend, and a chainer's priority is high: these must never be chosen by themselves
    (they would win over the test session's real Secret Service)."""

    viable = False  # a chainer declares itself viable; keyring then sorts by priority


class _EmptyChainer(_TestChainer):
    backends = ()


class _ChainerWithPlaintext(_TestChainer):
    backends = (MemoryKeyring(), _plaintext_backend())


@pytest.mark.parametrize(
    ("backend", "reason"),
    [
        (fail.Keyring(), "no usable OS key store"),
        (null.Keyring(), "no usable OS key store"),
        (_plaintext_backend(), "plain file"),
        (_EmptyChainer(), "no usable OS key store"),
        (_ChainerWithPlaintext(), "plain file"),
    ],
    ids=["fail", "null", "keyrings.alt", "empty-chainer", "chainer-with-plaintext"],
)
def test_no_plaintext_fallback(backend: KeyringBackend, reason: str):
    with pytest.raises(NoKeyStoreError) as caught:
        get_or_create_store_key("s1", backend)
    assert caught.value.code == "no_key_store"
    assert reason in caught.value.message
    assert "gnome-keyring" in caught.value.message and "Credential Manager" in caught.value.message
    if isinstance(backend, MemoryKeyring):
        assert backend.entries == {}  # nothing was written to it


def test_a_chainer_of_secure_backends_is_accepted():
    class SecureChainer(_TestChainer):
        backends = (MemoryKeyring(),)

    check_backend(SecureChainer())


def test_a_locked_or_failing_key_store_is_a_known_error():
    class Locked(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            raise KeyringLocked("collection is locked")

    class Refusing(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise PasswordSetError("refused")

    class Forgetful(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            pass

    with pytest.raises(KeyStoreLockedError) as caught:
        get_or_create_store_key("s1", Locked())
    assert caught.value.code == "key_store_locked" and "Unlock" in caught.value.message
    with pytest.raises(KeyStoreError, match="failed while the store key was saved"):
        get_or_create_store_key("s1", Refusing())
    with pytest.raises(KeyStoreError, match="did not keep"):
        get_or_create_store_key("s1", Forgetful())


@pytest.mark.parametrize("stored", ["not base64!", base64.b64encode(b"short").decode()])
def test_a_damaged_key_entry_is_refused(stored: str):
    ring = MemoryKeyring()
    ring.entries[(SERVICE, key_username("s1"))] = stored
    with pytest.raises(KeyStoreError) as caught:
        get_or_create_store_key("s1", ring)
    assert caught.value.code == "key_store_failed"
    assert ring.entries[(SERVICE, key_username("s1"))] == stored  # not replaced


def _isolated_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "XDG_"))}
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    env.update(
        HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_RUNTIME_DIR=str(runtime),
        PYTHONPATH=str(REPO),
    )
    env.pop("DISPLAY", None)  # no GUI prompt may appear: the daemon is unlocked up front
    return env


@pytest.mark.parametrize("session", ["no session bus", "a bus without a key ring"])
def test_without_a_key_store_the_client_says_so(tmp_path: Path, session: str):
    """keyring's own choice where no Secret Service can be reached: refused, with the
    explanation (and no file written instead)."""
    env = _isolated_env(tmp_path)
    command = [sys.executable, str(CHILD), "auto-backend"]
    if session != "no session bus":
        config = tmp_path / "bus.conf"
        config.write_text(BUS_WITHOUT_SERVICES)
        command = ["dbus-run-session", f"--config-file={config}", "--", *command]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["code"] == "no_key_store", report
    assert not (tmp_path / "data").exists() and not (tmp_path / "home").exists()


def test_the_store_key_in_a_real_secret_service(tmp_path: Path):
    """gnome-keyring-daemon on a private session bus, unlocked with a test password."""
    for tool in ("dbus-run-session", "gnome-keyring-daemon"):
        assert shutil.which(tool), f"{tool} is missing: ./dev.sh installs it (apt)"
    env = _isolated_env(tmp_path)
    script = (
        'printf "test-password" | gnome-keyring-daemon --unlock --components=secrets'
        ' >/dev/null && exec "$0" "$@"'
    )
    done = subprocess.run(
        [
            "dbus-run-session",
            "--",
            "sh",
            "-c",
            script,
            sys.executable,
            str(CHILD),
            "secret-service",
            str(tmp_path / "study.db"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {
        "auto_backend": report["auto_backend"],
        "device_id_set": True,
        "key_length": 32,
        "stored_is_base64_of_key": True,
        "events_after_reopen": 1,
        "problems": 0,
        "opens_with_read_back_key": True,
        "key_in_plain_files": False,
    }
    assert "SecretService" in report["auto_backend"] or "chainer" in report["auto_backend"]
    # the key ring really kept it on disk, in its own (encrypted) file
    assert list((tmp_path / "data" / "keyrings").glob("*.keyring"))
