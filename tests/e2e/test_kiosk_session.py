"""The lab PC's kiosk session (installer/linux/kiosk/), run as a display manager runs
it: `kiosk-session` on a private X display of its own (it brings its own openbox),
with no D-Bus session bus, starting the real client from source under an institution's
profile signed here (kiosk on, the store's key from the machine's key file). Also its
openbox configuration, and the lab PC set-up script run into a temporary root.

Every wait is bounded and generous (a loaded machine is slow, not wrong); nothing is
asserted about how long anything took. Each test ends every process it started: the
session runs in a process group of its own, which is killed whatever happens."""

from __future__ import annotations

import base64
import contextlib
import grp
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.keystore import MachineKeyFile
from tests.support.app_log import log_entries, wait_for_log
from tests.support.private_display import private_display
from wire.provisioning import hash_exit_pin, raw_public_key, sign_profile

REPO = Path(__file__).resolve().parents[2]
KIOSK = REPO / "installer" / "linux" / "kiosk"
SESSION = KIOSK / "kiosk-session"
OPENBOX_RC = KIOSK / "openbox-kiosk-rc.xml"
SETUP = KIOSK / "setup-lab-pc.sh"
OB = "{http://openbox.org/3.4/rc}"
CLIENT_CLASS = "vocational-learning-client"  # WM_CLASS class: the application's name
WAIT_S = 60.0  # generous: a busy machine, never a measure of speed
SESSION_TOOLS = ("Xvfb", "openbox", "xdotool", "xprop")
STARTED = re.compile(r"client started \(start (\d+), pid (\d+)\)")

T = TypeVar("T")


def require(*tools: str) -> None:
    """These tests fail, never skip, where the tools are missing."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: run the suite with ./dev.sh test")


def wait_until(what: str, probe: Callable[[], T | None], context: Callable[[], str]) -> T:
    deadline = time.monotonic() + WAIT_S
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {WAIT_S} s\n{context()}")
        time.sleep(0.2)


def running(pid: int) -> bool:
    """A process that exists and is not a zombie (an orphan's zombie waits for init)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def group_members(pgid: int) -> dict[int, str]:
    """The live processes of process group `pgid`, with their command lines."""
    members = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members[int(entry.name)] = command
    return members


@dataclass
class LabPc:
    """What a lab PC holds for the client: the machine key file and the signed profile,
    and what a source run needs to check them (the platform key, the key's owner)."""

    profile: Path
    machine_key: Path
    client_env: dict[str, str]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_lab_pc(folder: Path) -> LabPc:
    folder.mkdir(parents=True, exist_ok=True)
    machine_key = folder / "machine.key"
    machine_key.write_text(base64.b64encode(os.urandom(32)).decode("ascii") + "\n")
    machine_key.chmod(0o640)
    signing_key = Ed25519PrivateKey.generate()
    profile = folder / "provisioning.json"
    profile.write_bytes(
        sign_profile(
            {
                # Nothing listens there: the client shows its sign-in page and says so.
                "platform_url": f"http://127.0.0.1:{free_port()}",
                "institution_code": "LAB-PC-TEST",
                "kiosk": True,
                "kiosk_exit_pin": hash_exit_pin("86420135"),
                "key_store": "machine_file",
                "machine_key_path": str(machine_key),
                "issued_ms": int(time.time() * 1000),
            },
            signing_key,
        )
    )
    platform_key = base64.b64encode(raw_public_key(signing_key)).decode("ascii")
    env = {
        "APP_PLATFORM_KEY": platform_key,  # a source run checks profiles against it
        "APP_MACHINE_KEY_OWNER_UID": str(os.geteuid()),  # the test's key is not root's
        "APP_INSTANCE_NAMESPACE": f"kiosk-{folder}",
    }
    return LabPc(profile, machine_key, env)


@dataclass
class KioskSession:
    process: subprocess.Popen
    display: str
    log_path: Path  # its stderr: what a display manager keeps as the session's log
    env: dict[str, str]

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def lines(self) -> list[str]:
        """The session's own lines (the client's JSON log lines go to stderr too)."""
        return [line for line in self.log().splitlines() if "kiosk-session[" in line]

    def context(self) -> str:
        return "session log:\n" + "\n".join(self.lines()[-20:])

    def wait(self, what: str, probe: Callable[[], T | None]) -> T:
        return wait_until(what, probe, self.context)

    def wait_for_line(self, text: str) -> str:
        return self.wait(f"'{text}' in the session log", lambda: self.line_with(text))

    def line_with(self, text: str) -> str | None:
        return next((line for line in self.lines() if text in line), None)

    def starts(self) -> list[tuple[int, int]]:
        """(start number, pid) of every start of the client logged so far."""
        found = (STARTED.search(line) for line in self.lines())
        return [(int(m.group(1)), int(m.group(2))) for m in found if m]

    def wait_for_start(self, number: int) -> int:
        """The pid of the client's `number`th start."""
        return self.wait(
            f"start {number} of the client",
            lambda: next((pid for n, pid in self.starts() if n == number), None),
        )

    def x(self, *command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command,
            env={**os.environ, "DISPLAY": self.display},
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )

    def client_windows(self) -> dict[str, int]:
        """The client's visible windows and the pid each belongs to."""
        found = self.x("xdotool", "search", "--onlyvisible", "--class", CLIENT_CLASS)
        windows = {}
        for window in found.stdout.split():
            owner = self.x("xdotool", "getwindowpid", window)
            if owner.returncode == 0 and owner.stdout.strip().isdigit():
                windows[window] = int(owner.stdout)
        return windows

    def window_state(self, window: str) -> str:
        return self.x("xprop", "-id", window, "_NET_WM_STATE").stdout

    def wait_for_full_screen_window(self, pid: int) -> str:
        """The window of client `pid`, once it is the client's only visible window and
        openbox holds it full screen."""

        def only_window_full_screen() -> str | None:
            windows = self.client_windows()
            if not windows or set(windows.values()) != {pid}:
                return None
            return next(
                (w for w in windows if "_NET_WM_STATE_FULLSCREEN" in self.window_state(w)),
                None,
            )

        return self.wait(f"a full-screen window of client {pid}", only_window_full_screen)

    def wait_for_end(self) -> int:
        try:
            return self.process.wait(WAIT_S)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the session did not end\n{self.context()}") from None


def session_environment(display: str, extra: dict[str, str]) -> dict[str, str]:
    """What a display manager gives the kiosk account's session on a bare lab PC: a
    display, no D-Bus session bus and no runtime folder (so no Secret Service)."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR")
        and not name.startswith(("KIOSK_", "APP_"))
    }
    env.update(DISPLAY=display, PYTHONPATH=str(REPO), **extra)
    return env


@contextlib.contextmanager
def kiosk_session(
    folder: Path, client: str, extra_env: dict[str, str], *args: str
) -> Iterator[KioskSession]:
    """`kiosk-session ARGS` on a bare private display, `client` as KIOSK_CLIENT."""
    require(*SESSION_TOOLS)
    folder.mkdir(parents=True, exist_ok=True)
    with private_display(window_manager=False) as display:
        env = session_environment(display, {"KIOSK_CLIENT": client, **extra_env})
        log_path = folder / "session.log"
        with log_path.open("wb") as log:
            # A process group of its own: the client and openbox are in it too, so
            # everything the session started can be found and ended.
            process = subprocess.Popen(
                [str(SESSION), *args],
                cwd=REPO,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            yield KioskSession(process, display, log_path, env)
        finally:
            end_group(process)


def end_group(process: subprocess.Popen) -> None:
    pgid = process.pid  # start_new_session: the session leads its group
    deadline = time.monotonic() + WAIT_S
    while group_members(pgid) or process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(1)
        if time.monotonic() > deadline:
            raise AssertionError(f"processes left behind: {group_members(pgid)}")


def the_client(lab: LabPc, data: Path) -> tuple[str, dict[str, str], tuple[str, ...]]:
    """KIOSK_CLIENT, the environment and the session's arguments for the real client."""
    assert not re.search(r"\s", sys.executable), "KIOSK_CLIENT is word-split"
    env = {**lab.client_env, "KIOSK_RESTART_PAUSE_S": "1"}
    args = ("--data-dir", str(data), "--profile", str(lab.profile))
    return f"{sys.executable} -m app", env, args


def test_the_session_shows_the_client_full_screen_under_the_locked_openbox_without_a_bus(
    tmp_path,
) -> None:
    """openbox runs with the kiosk configuration, the client's window fills the screen
    undecorated, and the client opened its encrypted store with the machine's key and
    entered kiosk mode though no session bus (so no Secret Service) exists."""
    lab = make_lab_pc(tmp_path / "lab")
    data = tmp_path / "data"
    client, env, args = the_client(lab, data)
    with kiosk_session(tmp_path / "session", client, env, *args) as session:
        pid = session.wait_for_start(1)
        window = session.wait_for_full_screen_window(pid)
        assert "_OB_WM_STATE_UNDECORATED" in session.window_state(window)
        # openbox read the kiosk configuration (it names the file it loaded) ...
        loaded = session.x("xprop", "-root", "_OB_CONFIG_FILE").stdout
        assert f'"{OPENBOX_RC}"' in loaded, loaded
        desktops = session.x("xprop", "-root", "_NET_NUMBER_OF_DESKTOPS").stdout
        assert desktops.strip().endswith("= 1"), desktops  # ... which has one desktop
        openbox = [c for c in group_members(session.process.pid).values() if "openbox" in c]
        assert openbox == [f"openbox --config-file {OPENBOX_RC}"]

        wait_for_log(data, lambda e: e.get("msg") == "kiosk mode", timeout=WAIT_S)
        opened = wait_for_log(data, lambda e: e.get("msg") == "study store open", timeout=WAIT_S)
        assert opened["integrity_problems"] == 0
        # The client ran without a session bus, where no OS key store can be used: the
        # store's key came from the machine's key file.
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        names = {item.split(b"=", 1)[0] for item in environ}
        assert not names & {b"DBUS_SESSION_BUS_ADDRESS", b"XDG_RUNTIME_DIR"}
        probe = subprocess.run(
            [sys.executable, "-c", "from sync.keystore import usable_backend; usable_backend()"],
            cwd=REPO,
            env=session.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert probe.returncode != 0 and "NoKeyStoreError" in probe.stderr, probe.stderr
        assert not [e for e in log_entries(data) if e.get("level") == "error"]


def store_opens(data: Path) -> list[dict]:
    return [e for e in log_entries(data) if e.get("msg") == "study store open"]


def test_a_killed_client_is_started_again_with_a_new_window(tmp_path) -> None:
    lab = make_lab_pc(tmp_path / "lab")
    data = tmp_path / "data"
    client, env, args = the_client(lab, data)
    with kiosk_session(tmp_path / "session", client, env, *args) as session:
        first = session.wait_for_start(1)
        window = session.wait_for_full_screen_window(first)
        owner = session.x("xdotool", "getwindowpid", window).stdout.strip()
        assert owner == str(first)
        wait_for_log(data, lambda e: e.get("msg") == "study store open", timeout=WAIT_S)
        os.kill(first, signal.SIGKILL)

        second = session.wait_for_start(2)
        assert second != first
        # The new process's window (X may give it the old one's id: ids are reused).
        session.wait_for_full_screen_window(second)
        assert not running(first)
        assert session.line_with("client died: killed by signal 9 (exit status 137)")
        assert session.line_with("restarting the client in 1 s")
        # The store a kill -9 interrupted opens again, whole, with the same machine key.
        opened = session.wait("the store open a second time", lambda: store_opens(data)[1:])
        assert opened[0]["integrity_problems"] == 0


def test_a_termination_signal_ends_the_client_openbox_and_the_session(tmp_path) -> None:
    lab = make_lab_pc(tmp_path / "lab")
    data = tmp_path / "data"
    client, env, args = the_client(lab, data)
    with kiosk_session(tmp_path / "session", client, env, *args) as session:
        pid = session.wait_for_start(1)
        session.wait_for_full_screen_window(pid)
        wait_for_log(data, lambda e: e.get("msg") == "client ready", timeout=WAIT_S)
        members = group_members(session.process.pid)
        assert any(c.startswith("openbox ") for c in members.values())

        session.process.send_signal(signal.SIGTERM)  # logout or shutdown
        assert session.wait_for_end() == 0
        # The client was told (it logs the signal), openbox went, nothing is left.
        told = wait_for_log(data, lambda e: e.get("msg") == "termination signal", timeout=WAIT_S)
        assert told["signal"] == signal.SIGTERM
        assert session.line_with("SIGTERM: ending the session")
        # It closed by itself (no PIN asked), status 128 + SIGTERM, not killed.
        assert session.line_with("client ended (exit status 143)")
        closed = wait_for_log(data, lambda e: e.get("msg") == "client exited", timeout=WAIT_S)
        assert closed["code"] == 143
        assert wait_for_log(
            data, lambda e: e.get("msg") == "kiosk closed by the system", timeout=WAIT_S
        )
        assert session.line_with("session ended")
        assert not [p for p in members if running(p)]
        assert group_members(session.process.pid) == {}
        assert len(session.starts()) == 1  # never started again while ending


def test_a_client_that_dies_at_once_is_not_restarted_in_a_tight_loop(tmp_path) -> None:
    """Five deaths within the burst window, then the long wait: counted at the moment
    the session says it waits, not timed. The wait ends at once on SIGTERM."""
    env = {"KIOSK_RESTART_PAUSE_S": "0", "KIOSK_BACKOFF_S": "600"}
    with kiosk_session(tmp_path / "session", "false", env) as session:
        waiting = session.wait_for_line("waiting 600 s before the next start")
        log = session.lines()
        before = log[: log.index(waiting)]
        assert len([line for line in before if "client started" in line]) == 5
        assert len([line for line in before if "client died: exit status 1" in line]) == 5
        assert "5 deaths within 60 s" in waiting
        session.process.send_signal(signal.SIGTERM)
        assert session.wait_for_end() == 0  # not 600 s later: the wait is cut short
        assert len(session.starts()) == 5
        assert group_members(session.process.pid) == {}


def test_exit_status_0_ends_the_session_without_a_restart(tmp_path) -> None:
    """Status 0 is the administrator closing the client with the PIN."""
    with kiosk_session(tmp_path / "session", "true", {"KIOSK_RESTART_PAUSE_S": "0"}) as session:
        assert session.wait_for_end() == 0
        assert session.line_with("client closed by the administrator (exit status 0)")
        assert session.line_with("session ended")
        assert len(session.starts()) == 1
        assert group_members(session.process.pid) == {}  # openbox went too


def run_setup(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SETUP), *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_the_setup_script_makes_the_key_once_and_puts_the_session_in_place(tmp_path) -> None:
    root = tmp_path / "root"
    group = grp.getgrgid(os.getegid())
    profile = make_lab_pc(tmp_path / "institution").profile
    common = ("--root", str(root), "--no-accounts", "--group", group.gr_name, "--lightdm")

    first = run_setup(*common, "--profile", str(profile))
    assert first.returncode == 0, first.stderr
    key = root / "etc" / "vocational-learning-client" / "machine.key"
    info = key.stat()
    assert stat.S_IMODE(info.st_mode) == 0o640
    assert (info.st_uid, info.st_gid) == (os.geteuid(), group.gr_gid)
    made = key.read_bytes()
    assert len(base64.b64decode(made.strip(), validate=True)) == 32
    assert not list(key.parent.glob(".machine.key.*"))  # no temporary copy left
    # The client takes it: the same check and derivation as on a lab PC.
    store_key = MachineKeyFile(key, owner_uid=os.geteuid()).key_for_new_store("main")
    assert len(store_key) == 32

    copied = key.parent / "provisioning.json"
    assert copied.read_bytes() == profile.read_bytes()
    assert stat.S_IMODE(copied.stat().st_mode) == 0o644
    entry = root / "usr" / "share" / "xsessions" / "vocational-learning-kiosk.desktop"
    assert entry.read_text() == (KIOSK / "vocational-learning-kiosk.desktop").read_text()
    assert "Exec=/opt/vocational-learning-client/kiosk/kiosk-session\n" in entry.read_text()
    xorg = root / "etc" / "X11" / "xorg.conf.d" / "50-vocational-learning-kiosk.conf"
    assert 'Option "DontVTSwitch" "true"' in xorg.read_text()
    assert 'Option "DontZap" "true"' in xorg.read_text()
    lightdm = root / "etc" / "lightdm" / "lightdm.conf.d" / "50-vocational-learning-kiosk.conf"
    settings = lightdm.read_text().splitlines()
    assert "autologin-user=kiosk" in settings
    assert "autologin-session=vocational-learning-kiosk" in settings
    assert "allow-guest=false" in settings

    # Again, with another kiosk account: the key stays, the autologin follows.
    second = run_setup(*common, "--kiosk-user", "lab-kiosk")
    assert second.returncode == 0, second.stderr
    assert key.read_bytes() == made
    assert "machine key" in second.stdout and "kept, not replaced" in second.stdout
    assert "autologin-user=lab-kiosk" in lightdm.read_text().splitlines()
    assert f"{entry}: already in place" in second.stdout
    assert copied.read_bytes() == profile.read_bytes()  # kept without --profile

    # A key file that is a link is refused, and left alone.
    other = tmp_path / "other-root"
    link = other / "etc" / "vocational-learning-client" / "machine.key"
    link.parent.mkdir(parents=True)
    link.symlink_to(key)
    refused = run_setup("--root", str(other), "--no-accounts", "--group", group.gr_name)
    assert refused.returncode != 0 and "not a plain file" in refused.stderr
    assert link.is_symlink() and key.read_bytes() == made
    # Accounts are made only on the machine itself.
    assert run_setup("--root", str(other), "--group", group.gr_name).returncode != 0


def test_the_openbox_configuration_binds_no_keys_no_menus_and_no_window_moves() -> None:
    config = ET.parse(OPENBOX_RC).getroot()
    assert config.tag == f"{OB}openbox_config"
    # Present though empty: without these sections openbox keeps its built-in
    # Alt+Tab, Alt+F4, title-bar drags and window buttons.
    keyboard = config.find(f"{OB}keyboard")
    mouse = config.find(f"{OB}mouse")
    assert keyboard is not None and mouse is not None
    assert not list(config.iter(f"{OB}keybind"))
    actions = {action.get("name") for action in config.iter(f"{OB}action")}
    assert actions <= {"Focus", "Raise"}, actions  # no ShowMenu, Move, Close, Execute...
    contexts = {context.get("name") for context in mouse.iter(f"{OB}context")}
    assert contexts == {"Client"}  # nothing bound on the root window or the frame
    assert config.findtext(f"{OB}desktops/{OB}number") == "1"
    assert config.findtext(f"{OB}mouse/{OB}screenEdgeWarpTime") == "0"

    rules = config.findall(f"{OB}applications/{OB}application")
    assert any(r.get("class") == "*" and r.findtext(f"{OB}decor") == "no" for r in rules)
    full_screen = [r for r in rules if r.findtext(f"{OB}fullscreen") == "yes"]
    # Only the client's main window: its dialogs (the PIN, the test) keep their size.
    assert [(r.get("class"), r.get("type")) for r in full_screen] == [(CLIENT_CLASS, "normal")]


def test_the_kiosk_scripts_pass_shellcheck() -> None:
    require("shellcheck")
    for script, shell in ((SESSION, "sh"), (SETUP, "bash")):
        checked = subprocess.run(
            ["shellcheck", f"--shell={shell}", str(script)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert checked.returncode == 0, checked.stdout
        assert os.access(script, os.X_OK), f"{script.name} is not executable"


def test_the_package_carries_the_kiosk_folder_with_its_scripts_runnable(tmp_path) -> None:
    """installer/build.py puts these files in /opt/<app>/kiosk/ of the .deb (the
    session entry's Exec names that path); nothing of them outside it."""
    from installer.build import NAME, copy_kiosk

    copy_kiosk(tmp_path / "kiosk")
    shipped = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "kiosk").iterdir()}
    assert set(shipped) == {p.name for p in KIOSK.iterdir() if p.is_file()}
    assert shipped["kiosk-session"] == shipped["setup-lab-pc.sh"] == 0o755
    assert shipped["openbox-kiosk-rc.xml"] == shipped["README.md"] == 0o644
    entry = (KIOSK / "vocational-learning-kiosk.desktop").read_text()
    assert f"Exec=/opt/{NAME}/kiosk/kiosk-session\n" in entry


def test_the_self_check_checks_the_lab_pcs_key_file_without_a_session_bus(tmp_path) -> None:
    """Support staff run --self-check on a lab PC: its key store line is the machine key
    file the profile names, checked where no Secret Service exists."""
    lab = make_lab_pc(tmp_path / "lab")
    env = session_environment(":0", lab.client_env)
    env.pop("DISPLAY")  # over SSH: the Qt part draws offscreen ...
    env.pop("QT_QPA_PLATFORM", None)  # ... unless told to use a display it does not have

    def key_store_line() -> str:
        command = [sys.executable, "-m", "app", "--self-check", "--profile", str(lab.profile)]
        done = subprocess.run(
            [*command, "--data-dir", str(tmp_path / "data")],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        lines = [x for x in done.stdout.splitlines() if " key_store: " in x]
        assert len(lines) == 1, done.stdout + done.stderr[-3000:]
        return lines[0]

    # (A user name in the path is scrubbed.)
    usable = key_store_line()
    assert usable.startswith("ok   key_store: /") and usable.endswith("/lab/machine.key")
    lab.machine_key.chmod(0o644)
    unsafe = key_store_line()
    assert unsafe.startswith("FAIL key_store: RuntimeError: /")
    assert unsafe.endswith("/lab/machine.key: machine_key_unsafe")
