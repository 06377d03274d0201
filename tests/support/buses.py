"""Private D-Bus daemons and a real Secret Service for tests.

The session and system buses stand in for the desktop's, so screen-lock and suspend
signals can be sent for real; gnome-keyring on the private session bus keeps the
client's database key as on a desktop. Started once per test process, by the folders
whose tests need them (Qt must see the buses before it first connects to one), and
stopped when the run ends.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from typing import ClassVar

# A session bus with no service on it and none to start on demand, as on a bare lab
# machine (the distribution's session config would start gnome-keyring when asked).
BUS_WITHOUT_SERVICES = """<!DOCTYPE busconfig PUBLIC
 "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


KEYRING_PROBE = (
    "import keyring; keyring.set_password('probe', 'probe', 'x'); "
    "assert keyring.get_password('probe', 'probe') == 'x'"
)


def wait_for_secret_service(timeout_s: float = 15.0) -> None:
    """gnome-keyring answers on the bus a moment before its login collection is made
    and unlocked; clients that ask earlier are told it is locked."""
    deadline = time.monotonic() + timeout_s
    while True:
        probe = subprocess.run(
            [sys.executable, "-c", KEYRING_PROBE], capture_output=True, timeout=10, check=False
        )
        if probe.returncode == 0:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"the test Secret Service never became usable: {probe.stderr!r}")
        time.sleep(0.2)


class PrivateBuses:
    addresses: ClassVar[dict[str, str]] = {}
    pids: ClassVar[list[int]] = []

    @classmethod
    def start(cls) -> None:
        for name, variable in (
            ("session", "DBUS_SESSION_BUS_ADDRESS"),
            ("system", "DBUS_SYSTEM_BUS_ADDRESS"),
        ):
            out = subprocess.run(
                ["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
                capture_output=True,
                text=True,
                check=True,
                timeout=10,
            ).stdout.split()
            cls.addresses[name] = out[0]
            cls.pids.append(int(out[1]))
            os.environ[variable] = out[0]

    keyring: ClassVar[subprocess.Popen | None] = None

    @classmethod
    def start_with_keyring(cls) -> None:
        """Both buses and the Secret Service, once per process. Without the tools the
        `display` fixture says what is missing."""
        if not cls.pids and shutil.which("dbus-daemon"):
            cls.start()
        if cls.pids and cls.keyring is None and shutil.which("gnome-keyring-daemon"):
            cls.start_keyring()

    @classmethod
    def start_keyring(cls) -> None:
        """A real Secret Service (gnome-keyring, unlocked) on the private session bus:
        the client keeps its database key there, as it does on a desktop."""
        # Its own data folder: the user's login keyring (another password) stays apart.
        home = tempfile.mkdtemp(prefix="test-keyring-")
        cls.keyring = subprocess.Popen(
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "XDG_DATA_HOME": home, "XDG_CACHE_HOME": home},
        )
        assert cls.keyring.stdin is not None
        cls.keyring.stdin.write(os.urandom(12).hex().encode())
        cls.keyring.stdin.close()
        wait_for_secret_service()

    @classmethod
    def stop(cls) -> None:
        if cls.keyring is not None:
            cls.keyring.terminate()
            cls.keyring.wait(10)
            cls.keyring = None
        for pid in cls.pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        cls.pids.clear()

    @classmethod
    def emit(cls, bus: str, path: str, member: str, *args: str) -> None:
        subprocess.run(
            ["dbus-send", f"--bus={cls.addresses[bus]}", "--type=signal", path, member, *args],
            check=True,
            timeout=10,
        )
