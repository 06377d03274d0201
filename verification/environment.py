"""Environment signals: what the machine the client runs on says about the session.

A virtual machine, a remote desktop, a second monitor, a screen recorder, an automation
tool or a virtual camera may each be innocent, so this module decides nothing: every
signal says what was seen (`kind`) and why (`evidence`), and the server judges the set
under the institution's policy. The decisions are pure functions of a `SystemView` (where
/proc, /sys and the environment are read from; tests point it at a fake tree) and of the
process list, which `running_processes` reads in one pass over /proc.

Evidence strings are short and stable and never copy personal data: a process is named by
its entry in the tables below (`process=x11vnc`), never by its path or arguments; a remote
X display by its kind (`display=remote-host`), never by its host name; a DMI field by the
vendor recognised (`dmi:sys_vendor~qemu`), never by its text.

Process names are compared exactly (case-insensitively, without ".exe"), so "obsidian"
is not "obs" and "peekaboo" is not "peek". The kernel cuts a process's `comm` to 15
characters, so a longer table entry also matches a 15-character `comm` that begins it,
and the basename of argv[0] is compared as well.

What this cannot catch, or does not try to:
- a tool renamed or compiled into another executable (an AutoHotkey script compiled to
  its own .exe), or one that is only briefly running (a single `xdotool` command);
- Python automation such as pyautogui: a script importing it shows only as
  `python3 script.py`, so finding it would mean reading every Python process's files,
  which costs too much and would flag every unrelated script;
- processes on Windows: `running_processes` reads /proc only, and on Windows finds none
  (the tables carry the Windows names so that a Windows lister can use `tool_signals`);
- processes /proc hides (`hidepid`), a virtual machine configured to hide its CPUID bit
  and its vendor strings, and screens passed out through capture hardware.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from verification.camera_signals import VirtualCameraSignal


class EnvironmentSignalKind(StrEnum):
    VIRTUAL_MACHINE = "virtual_machine"
    REMOTE_SESSION = "remote_session"
    MULTIPLE_MONITORS = "multiple_monitors"
    SCREEN_RECORDER = "screen_recorder"
    AUTOMATION_TOOL = "automation_tool"
    VIRTUAL_CAMERA = "virtual_camera"


@dataclass(frozen=True, order=True)
class EnvironmentSignal:
    """What was seen (`kind`) and why (`evidence`), one of: `cpuinfo:hypervisor`,
    `dmi:<field>~<vendor>`, `sys:hypervisor_type=<type>`, `registry:<value>~<vendor>`,
    `env:<variable>`, `env:SESSIONNAME~rdp`, `display=remote-host`,
    `display=ssh-forwarded`, `process=<table entry>`, `process=ffmpeg+<grab>`,
    `monitors=<count>`, `camera=<virtual camera kind>`."""

    kind: EnvironmentSignalKind
    evidence: str


@dataclass(frozen=True)
class SystemView:
    """Where the signals are read from: the real machine by default."""

    proc: Path = Path("/proc")
    sys: Path = Path("/sys")
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    own_pid: int = field(default_factory=os.getpid)


@dataclass(frozen=True)
class ProcessName:
    """A running process as the tables see it: its `comm` and the basename of its
    argv[0] (never the path or the arguments); `screen_grab` is the screen-capture input
    of an ffmpeg process ("x11grab", ...), empty for any other process."""

    pid: int
    comm: str
    argv0: str = ""
    screen_grab: str = ""


# Virtual machine and cloud vendors as DMI and the Windows registry name them: (vendor,
# pattern), matched case-insensitively on letter boundaries (digits may touch a name:
# VMware Fusion's product name is "VMware7,1").
VIRTUAL_MACHINE_VENDORS: tuple[tuple[str, str], ...] = (
    ("qemu", r"qemu"),
    ("kvm", r"kvm"),
    ("vmware", r"vmware"),
    ("virtualbox", r"virtualbox|innotek"),
    ("xen", r"xen"),
    # Hyper-V's product name is "Virtual Machine" (vendor "Microsoft Corporation", which
    # alone is also Surface hardware)
    ("hyper-v", r"hyper-v|virtual machine"),
    ("parallels", r"parallels"),
    ("bochs", r"bochs"),
    ("amazon-ec2", r"amazon ec2"),
    # the vendor "Google" alone is also a Chromebook's
    ("google-compute-engine", r"google compute engine"),
    ("alibaba-cloud", r"alibaba cloud"),
    ("openstack", r"openstack"),
)

# /sys/class/dmi/id files read (all world-readable, unlike the serial numbers).
DMI_FIELDS: tuple[str, ...] = ("sys_vendor", "product_name", "board_vendor", "bios_vendor")

# Remote-desktop and screen-sharing servers, and the clients of remote-control services
# (which serve the screen they run on).
REMOTE_DESKTOP_PROCESSES: tuple[str, ...] = (
    "x11vnc",
    "xvnc",
    "xtigervnc",
    "vncserver",
    "x0vncserver",
    "vncserver-x11",
    "vncserver-x11-core",
    "wayvnc",
    "winvnc",
    "winvnc4",
    "tvnserver",
    "xrdp",
    "xrdp-sesman",
    "x2goagent",
    "krfb",
    "vino-server",
    "gnome-remote-desktop-daemon",
    "chrome-remote-desktop-host",
    "remoting_host",
    "anydesk",
    "teamviewer",
    "teamviewerd",
    "teamviewer_service",
    "todesk",
    "todesk_service",
    "sunloginclient",  # 向日葵
    "rustdesk",
)

SCREEN_RECORDER_PROCESSES: tuple[str, ...] = (
    "obs",
    "obs32",
    "obs64",
    "simplescreenrecorder",
    "kazam",
    "vokoscreen",
    "vokoscreenng",
    "recordmydesktop",
    "peek",
    "kooha",
    "gpu-screen-recorder",
    "wf-recorder",
    "bandicam",
    "bdcam",
    "camtasia",
    "camtasiastudio",
    "camrecorder",
)

# Keyboard and mouse automation. 按键精灵 is not listed: its process names could not be
# confirmed, and a guessed name would flag the wrong program.
AUTOMATION_PROCESSES: tuple[str, ...] = (
    "xdotool",
    "ydotool",
    "ydotoold",
    "autokey",
    "autokey-gtk",
    "autokey-qt",
    "actiona",
    "actexec",
    "autohotkey",
    "autohotkey32",
    "autohotkey64",
    "autohotkeya32",
    "autohotkeyu32",
    "autohotkeyu64",
    "autoit3",
    "autoit3_x64",
)

# ffmpeg records the screen only with one of these inputs (`-f x11grab`, ...); converting
# a file is not recording.
FFMPEG_SCREEN_GRABS: tuple[str, ...] = ("x11grab", "gdigrab", "kmsgrab")

_VENDOR_PATTERNS = tuple(
    (vendor, re.compile(rf"(?<![a-z])(?:{pattern})(?![a-z])", re.IGNORECASE))
    for vendor, pattern in VIRTUAL_MACHINE_VENDORS
)
_COMM_LENGTH = 15  # TASK_COMM_LEN less its NUL
_ARGV0_BYTES = 4096  # PATH_MAX: enough for argv[0] without reading a long command line
_SAFE_VALUE = re.compile(r"[a-z0-9_-]{1,32}")
_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})

_VM = EnvironmentSignalKind.VIRTUAL_MACHINE
_REMOTE = EnvironmentSignalKind.REMOTE_SESSION


def virtual_machine_vendor(text: str) -> str | None:
    """The virtual machine or cloud vendor `text` names, or None."""
    for vendor, regex in _VENDOR_PATTERNS:
        if regex.search(text):
            return vendor
    return None


def _read_text(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8", "replace")
    except OSError:  # missing (a container, no DMI), unreadable, or a directory
        return None


def _cpuinfo_has_hypervisor(path: Path) -> bool:
    try:
        with path.open("rb") as cpuinfo:
            for line in cpuinfo:
                key, _, value = line.partition(b":")
                if key.strip() == b"flags":  # every CPU repeats the first one's flags
                    return b"hypervisor" in value.split()
    except OSError:
        return False
    return False


if sys.platform == "win32":
    # The BIOS strings Windows keeps in the registry: cheap, unlike starting wmic or
    # PowerShell. Not run by the test suite, which has Linux only; `mypy --platform
    # win32` checks it.
    import winreg

    _BIOS_KEY = r"HARDWARE\DESCRIPTION\System\BIOS"
    _BIOS_VALUES = (
        "SystemManufacturer",
        "SystemProductName",
        "BaseBoardManufacturer",
        "BIOSVendor",
    )

    def _registry_vm_signals() -> list[EnvironmentSignal]:
        signals = []
        try:
            key = winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, _BIOS_KEY)
        except OSError:
            return []
        with key:
            for name in _BIOS_VALUES:
                try:
                    value, _type = winreg.QueryValueEx(key, name)
                except OSError:
                    continue
                vendor = virtual_machine_vendor(str(value))
                if vendor:
                    signals.append(EnvironmentSignal(_VM, f"registry:{name}~{vendor}"))
        return sorted(set(signals))


def virtual_machine_signals(view: SystemView) -> list[EnvironmentSignal]:
    """The CPU's hypervisor flag, DMI vendors and /sys/hypervisor on Linux; the BIOS
    strings in the registry on Windows."""
    if sys.platform == "win32":
        return _registry_vm_signals()
    signals = []
    if _cpuinfo_has_hypervisor(view.proc / "cpuinfo"):
        signals.append(EnvironmentSignal(_VM, "cpuinfo:hypervisor"))
    for name in DMI_FIELDS:
        vendor = virtual_machine_vendor(_read_text(view.sys / "class/dmi/id" / name) or "")
        if vendor:
            signals.append(EnvironmentSignal(_VM, f"dmi:{name}~{vendor}"))
    hypervisor = (_read_text(view.sys / "hypervisor/type") or "").strip().lower()
    if hypervisor:
        shown = hypervisor if _SAFE_VALUE.fullmatch(hypervisor) else "other"
        signals.append(EnvironmentSignal(_VM, f"sys:hypervisor_type={shown}"))
    return sorted(set(signals))


def _display_evidence(environ: Mapping[str, str]) -> str | None:
    """`display=remote-host` when DISPLAY names another host, `display=ssh-forwarded`
    when it names this host over TCP inside an SSH session (X11 forwarding)."""
    display = environ.get("DISPLAY", "").strip()
    protocol, slash, rest = display.partition("/")
    if not slash:
        protocol, rest = "", display
    host, colon, _number = rest.rpartition(":")
    # "unix/:0" and socket paths ("/tmp/launch-x/org.xquartz:0") are local
    if not colon or protocol == "unix" or (slash and not protocol):
        return None
    host = host.removesuffix(":").removeprefix("[").removesuffix("]").lower()  # DECnet, IPv6
    if host in ("", "unix"):
        return None
    if host in _LOOPBACK_HOSTS:
        ssh = "SSH_CONNECTION" in environ or "SSH_CLIENT" in environ
        return "display=ssh-forwarded" if ssh else None
    return "display=remote-host"


def _normalise(name: str) -> str:
    name = name.strip().casefold()
    return name.removesuffix(".exe")


def _table_matches(process: ProcessName, table: Iterable[str]) -> list[str]:
    names = {_normalise(process.comm), _normalise(process.argv0)} - {""}
    comm = process.comm.casefold()
    truncated = len(comm) == _COMM_LENGTH
    return [
        entry
        for entry in table
        if entry in names or (truncated and len(entry) > _COMM_LENGTH and entry.startswith(comm))
    ]


def _process_signals(
    processes: Sequence[ProcessName], table: Iterable[str], kind: EnvironmentSignalKind
) -> list[EnvironmentSignal]:
    return [
        EnvironmentSignal(kind, f"process={entry}")
        for process in processes
        for entry in _table_matches(process, table)
    ]


def remote_session_signals(
    view: SystemView, processes: Sequence[ProcessName]
) -> list[EnvironmentSignal]:
    """xrdp's session variables, a Windows RDP session, a remote or SSH-forwarded X
    display, and remote-desktop or screen-sharing servers among `processes`."""
    environ = view.environ
    signals = [
        EnvironmentSignal(_REMOTE, f"env:{name}")
        for name in ("XRDP_SESSION", "XRDP_SOCKET_PATH")
        if name in environ
    ]
    if environ.get("SESSIONNAME", "").upper().startswith("RDP-"):  # "RDP-Tcp#0"
        signals.append(EnvironmentSignal(_REMOTE, "env:SESSIONNAME~rdp"))
    display = _display_evidence(environ)
    if display:
        signals.append(EnvironmentSignal(_REMOTE, display))
    signals += _process_signals(processes, REMOTE_DESKTOP_PROCESSES, _REMOTE)
    return sorted(set(signals))


def tool_signals(processes: Sequence[ProcessName]) -> list[EnvironmentSignal]:
    """Screen recorders (with ffmpeg grabbing the screen) and automation tools."""
    recorder = EnvironmentSignalKind.SCREEN_RECORDER
    signals = _process_signals(processes, SCREEN_RECORDER_PROCESSES, recorder)
    signals += _process_signals(
        processes, AUTOMATION_PROCESSES, EnvironmentSignalKind.AUTOMATION_TOOL
    )
    signals += [
        EnvironmentSignal(recorder, f"process=ffmpeg+{process.screen_grab}")
        for process in processes
        if process.screen_grab in FFMPEG_SCREEN_GRABS
    ]
    return sorted(set(signals))


def monitor_signals(monitor_count: int) -> list[EnvironmentSignal]:
    """The count is the GUI's (its screens); this module imports no Qt."""
    if monitor_count > 1:
        return [
            EnvironmentSignal(EnvironmentSignalKind.MULTIPLE_MONITORS, f"monitors={monitor_count}")
        ]
    return []


def _basename(path: str) -> str:
    return re.split(r"[/\\]", path)[-1]  # Windows paths too (programs run under Wine)


def _read_process(directory: Path, pid: int) -> ProcessName | None:
    """None when the process is gone or cannot be read."""
    try:
        comm = (directory / "comm").read_bytes().decode("utf-8", "replace").rstrip("\n")
        with (directory / "cmdline").open("rb") as cmdline:
            head = cmdline.read(_ARGV0_BYTES)
            argv0 = _basename(head.split(b"\0", 1)[0].decode("utf-8", "replace"))
            if "ffmpeg" not in {_normalise(comm), _normalise(argv0)}:
                return ProcessName(pid, comm, argv0)
            arguments = (head + cmdline.read()).split(b"\0")[1:]
    except OSError:  # vanished since the listing (ENOENT, ESRCH), or hidden from us
        return None
    grabs = [grab for grab in FFMPEG_SCREEN_GRABS if grab.encode() in arguments]
    return ProcessName(pid, comm, argv0, grabs[0] if grabs else "")


def running_processes(view: SystemView) -> list[ProcessName]:
    """Every process /proc shows but this one, by pid; none where there is no /proc."""
    try:
        with os.scandir(view.proc) as listing:
            entries = [(int(entry.name), entry.path) for entry in listing if entry.name.isdigit()]
    except OSError:
        return []
    processes = (
        _read_process(Path(path), pid) for pid, path in sorted(entries) if pid != view.own_pid
    )
    return [process for process in processes if process is not None]


def collect(
    view: SystemView | None = None,
    *,
    monitor_count: int = 1,
    camera_signal: VirtualCameraSignal | None = None,
) -> tuple[EnvironmentSignal, ...]:
    """Every signal of the machine, sorted, each (kind, evidence) once. The monitor
    count and the camera's signal come from the GUI and the camera check."""
    view = view or SystemView()
    processes = running_processes(view)
    signals = [
        *virtual_machine_signals(view),
        *remote_session_signals(view, processes),
        *tool_signals(processes),
        *monitor_signals(monitor_count),
    ]
    if camera_signal is not None:
        signals.append(
            EnvironmentSignal(EnvironmentSignalKind.VIRTUAL_CAMERA, f"camera={camera_signal.kind}")
        )
    return tuple(sorted(set(signals)))
