"""The store key in the OS key store: made once, read back, never in a plaintext file; or
on a lab PC derived from the machine's key file, with no session bus at all.

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
import tempfile
from collections.abc import Callable
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
    MachineKeyFile,
    MachineKeyMissingError,
    MachineKeyUnsafeError,
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


# --- a lab PC's machine key file -------------------------------------------------------


def _machine_key_file(tmp_path: Path, mode: int = 0o640, text: str | None = None) -> Path:
    path = tmp_path / "etc" / "machine.key"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text if text is not None else base64.b64encode(os.urandom(32)).decode())
    path.chmod(mode)
    return path


def test_a_machine_key_file_gives_each_store_its_own_key_and_writes_nothing(tmp_path: Path):
    path = _machine_key_file(tmp_path)
    keys = MachineKeyFile(path, owner_uid=os.geteuid())
    before = path.read_bytes()
    first = keys.key_for_new_store("main")
    assert len(first) == KEY_BYTES
    assert keys.existing_key("main") == first
    assert MachineKeyFile(path, owner_uid=os.geteuid()).existing_key("main") == first
    assert keys.existing_key("other") != first
    assert base64.b64decode(before) != first  # derived, not the machine key itself
    assert path.read_bytes() == before and sorted(path.parent.iterdir()) == [path]
    path.write_text(base64.b64encode(os.urandom(32)).decode())
    assert keys.existing_key("main") != first  # another PC's (or a re-imaged PC's) key


@pytest.mark.parametrize(
    ("mode", "owner_offset", "problem"),
    [
        (0o644, 0, "every account may read it"),
        (0o604, 0, "every account may read it"),
        (0o660, 0, "others may write it"),
        (0o642, 0, "others may write it"),
        (0o640, 1, "it is owned by uid"),
    ],
)
def test_a_machine_key_file_others_could_read_or_replace_is_refused_unread(
    tmp_path: Path, mode: int, owner_offset: int, problem: str
):
    path = _machine_key_file(tmp_path, mode)
    with pytest.raises(MachineKeyUnsafeError) as caught:
        MachineKeyFile(path, owner_uid=os.geteuid() + owner_offset).existing_key("main")
    assert caught.value.code == "machine_key_unsafe"
    assert isinstance(caught.value, NoKeyStoreError)
    assert problem in caught.value.message


def test_a_machine_key_behind_a_symbolic_link_is_refused(tmp_path: Path):
    target = _machine_key_file(tmp_path)
    link = tmp_path / "link.key"
    link.symlink_to(target)
    with pytest.raises(MachineKeyUnsafeError):
        MachineKeyFile(link, owner_uid=os.geteuid()).existing_key("main")


def test_a_missing_or_damaged_machine_key_is_a_known_error(tmp_path: Path):
    keys = MachineKeyFile(tmp_path / "absent.key", owner_uid=os.geteuid())
    with pytest.raises(MachineKeyMissingError) as missing:
        keys.existing_key("main")
    assert missing.value.code == "machine_key_missing"
    for text in ("not base64!", base64.b64encode(b"short").decode()):
        path = _machine_key_file(tmp_path, text=text)
        with pytest.raises(KeyStoreError) as damaged:
            MachineKeyFile(path, owner_uid=os.geteuid()).existing_key("main")
        assert damaged.value.code == "key_store_failed"


def _code_in_a_child_as(uid: int | None, read: Callable[[], object]) -> str:
    """The error code `read` raises in a forked child that first becomes `uid` (forked,
    since the interpreter may live where another account cannot run it)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: no logging, no threads, straight out
        code = "none"
        try:
            if uid is not None:
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)
            read()
        except KeyStoreError as error:
            code = error.code
        except BaseException as error:
            code = type(error).__name__
        os.write(write_end, code.encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as answer:
        code = answer.read().decode()
    os.waitpid(pid, 0)
    return code


def test_an_account_outside_the_group_cannot_read_the_machine_key(tmp_path: Path):
    """Root reads any file, so the child becomes nobody when the suite runs as root; as
    another user the file's mode alone keeps it out."""
    as_root = os.geteuid() == 0
    with tempfile.TemporaryDirectory() as place:  # /tmp: every account may look inside
        folder = Path(place)
        folder.chmod(0o755)
        path = _machine_key_file(folder, 0o640 if as_root else 0o000)
        path.parent.chmod(0o755)
        keys = MachineKeyFile(path, owner_uid=os.geteuid())
        nobody = 65534 if as_root else None
        denied = _code_in_a_child_as(nobody, lambda: keys.existing_key("main"))
        assert denied == "machine_key_denied"
        if as_root:  # the same child reads it when the mode lets every account in
            path.chmod(0o644)
            unsafe = _code_in_a_child_as(nobody, lambda: keys.existing_key("main"))
            assert unsafe == "machine_key_unsafe"


def test_a_store_opens_with_the_machine_key_where_no_session_bus_exists(tmp_path: Path):
    """A kiosk account's session: no D-Bus session bus, no Secret Service, no desktop.
    The store is made, written and opened again with the key derived from the file."""
    path = _machine_key_file(tmp_path)
    env = _isolated_env(tmp_path)
    assert "DBUS_SESSION_BUS_ADDRESS" not in env
    done = subprocess.run(
        [sys.executable, str(CHILD), "machine-key", str(tmp_path / "study.db"), str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"keyring_usable": False, "events_after_reopen": 2, "problems": 0}
