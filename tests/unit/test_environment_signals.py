"""Environment signals (verification/environment.py).

The rules are tested on fake /proc and /sys trees built in tmp_path, laid out like the
kernel's. The real ones run against the real /proc: copies of `sleep` named like a
screen recorder and an automation tool, x11vnc serving a private Xvfb display, a process
that ends between the listing of /proc and the reading of its files, and `collect` on
this machine. Waits poll with a generous deadline; nothing asserts on time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.support.private_display import private_display
from tests.support.real_processes import running, sleep_named, wait_for, x11vnc_serving
from verification.camera_signals import VirtualCameraSignal
from verification.environment import (
    AUTOMATION_PROCESSES,
    DMI_FIELDS,
    REMOTE_DESKTOP_PROCESSES,
    SCREEN_RECORDER_PROCESSES,
    EnvironmentSignal,
    EnvironmentSignalKind,
    ProcessName,
    SystemView,
    collect,
    monitor_signals,
    remote_session_signals,
    running_processes,
    tool_signals,
    virtual_machine_signals,
    virtual_machine_vendor,
)

VM = EnvironmentSignalKind.VIRTUAL_MACHINE
REMOTE = EnvironmentSignalKind.REMOTE_SESSION
RECORDER = EnvironmentSignalKind.SCREEN_RECORDER
AUTOMATION = EnvironmentSignalKind.AUTOMATION_TOOL
OWN_PID = 999_999  # no fake process has it unless a test says so

CPUINFO_HOST = (
    "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Core(TM) i7-8650U\n"
    "flags\t\t: fpu vme de pse tsc msr pae mce vmx smx est\n\n"
    "processor\t: 1\nflags\t\t: fpu vme de pse tsc msr pae mce vmx smx est\n\n"
)
CPUINFO_GUEST = CPUINFO_HOST.replace("vmx smx", "hypervisor")
# ARM lists "Features" and no hypervisor bit.
CPUINFO_ARM = "processor\t: 0\nBogoMIPS\t: 48.00\nFeatures\t: fp asimd evtstrm aes crc32\n\n"
# The word elsewhere than in the flags is not the CPU's hypervisor bit.
CPUINFO_HYPERVISOR_IN_NAME = CPUINFO_HOST.replace("Intel(R) Core(TM)", "hypervisor-ready")


def write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)


def fake_view(tmp_path: Path, environ: dict[str, str] | None = None) -> SystemView:
    return SystemView(
        proc=tmp_path / "proc", sys=tmp_path / "sys", environ=environ or {}, own_pid=OWN_PID
    )


def fake_process(view: SystemView, pid: int, comm: str, argv: Sequence[str]) -> None:
    write(view.proc / str(pid) / "comm", comm + "\n")
    write(view.proc / str(pid) / "cmdline", b"".join(a.encode() + b"\0" for a in argv))


# --- virtual machines --------------------------------------------------------------

VM_CASES = [
    pytest.param(None, {}, None, [], id="container-no-cpuinfo-no-dmi"),
    pytest.param(
        CPUINFO_HOST,
        {"sys_vendor": "Dell Inc.", "product_name": "XPS 13 9370"},
        None,
        [],
        id="bare-metal",
    ),
    pytest.param(CPUINFO_GUEST, {}, None, ["cpuinfo:hypervisor"], id="cpuinfo-hypervisor"),
    pytest.param(CPUINFO_ARM, {}, None, [], id="arm-no-flags-line"),
    pytest.param(CPUINFO_HYPERVISOR_IN_NAME, {}, None, [], id="hypervisor-only-in-model-name"),
    pytest.param(
        CPUINFO_GUEST,
        {
            "sys_vendor": "QEMU",
            "product_name": "Standard PC (Q35 + ICH9, 2009)",
            "bios_vendor": "SeaBIOS",
        },
        None,
        ["cpuinfo:hypervisor", "dmi:sys_vendor~qemu"],
        id="qemu",
    ),
    pytest.param(
        None,
        {"product_name": "KVM", "sys_vendor": "Red Hat"},
        None,
        ["dmi:product_name~kvm"],
        id="kvm",
    ),
    pytest.param(
        None,
        {
            "sys_vendor": "innotek GmbH",
            "product_name": "VirtualBox",
            "board_vendor": "Oracle Corporation",
            "bios_vendor": "innotek GmbH",
        },
        None,
        ["dmi:bios_vendor~virtualbox", "dmi:product_name~virtualbox", "dmi:sys_vendor~virtualbox"],
        id="virtualbox",
    ),
    pytest.param(
        None,
        {"sys_vendor": "VMware, Inc.", "product_name": "VMware7,1"},
        None,
        ["dmi:product_name~vmware", "dmi:sys_vendor~vmware"],
        id="vmware-digits-touch-the-name",
    ),
    pytest.param(
        None,
        {
            "sys_vendor": "Microsoft Corporation",
            "product_name": "Virtual Machine",
            "bios_vendor": "Microsoft Corporation",
        },
        None,
        ["dmi:product_name~hyper-v"],
        id="hyper-v",
    ),
    pytest.param(
        None,
        {"sys_vendor": "Microsoft Corporation", "product_name": "Surface Laptop 5"},
        None,
        [],
        id="surface-is-hardware",
    ),
    pytest.param(
        None,
        {"sys_vendor": "Xen", "product_name": "HVM domU"},
        "xen\n",
        ["dmi:sys_vendor~xen", "sys:hypervisor_type=xen"],
        id="xen",
    ),
    pytest.param(
        None,
        {"sys_vendor": "Xenon Systems", "product_name": "Kvmaster 2"},
        None,
        [],
        id="xenon-kvmaster-near-misses",
    ),
    pytest.param(
        None,
        {
            "sys_vendor": "Parallels Software International Inc.",
            "product_name": "Parallels Virtual Platform",
        },
        None,
        ["dmi:product_name~parallels", "dmi:sys_vendor~parallels"],
        id="parallels",
    ),
    pytest.param(
        None,
        {"sys_vendor": "Bochs", "bios_vendor": "Bochs"},
        None,
        ["dmi:bios_vendor~bochs", "dmi:sys_vendor~bochs"],
        id="bochs",
    ),
    pytest.param(
        None,
        {"sys_vendor": "Amazon EC2", "product_name": "t3.micro", "bios_vendor": "Amazon EC2"},
        None,
        ["dmi:bios_vendor~amazon-ec2", "dmi:sys_vendor~amazon-ec2"],
        id="ec2",
    ),
    pytest.param(
        None,
        {"sys_vendor": "Google", "product_name": "Google Compute Engine"},
        None,
        ["dmi:product_name~google-compute-engine"],
        id="gce",
    ),
    pytest.param(
        None, {"sys_vendor": "Google", "product_name": "Eve"}, None, [], id="chromebook-is-hardware"
    ),
    pytest.param(
        None,
        {"sys_vendor": "Alibaba Cloud", "product_name": "Alibaba Cloud ECS"},
        None,
        ["dmi:product_name~alibaba-cloud", "dmi:sys_vendor~alibaba-cloud"],
        id="alibaba-ecs",
    ),
    pytest.param(
        None,
        {"sys_vendor": "OpenStack Foundation", "product_name": "OpenStack Nova"},
        None,
        ["dmi:product_name~openstack", "dmi:sys_vendor~openstack"],
        id="openstack",
    ),
    pytest.param(
        None,
        {},
        "Some Hypervisor!",
        ["sys:hypervisor_type=other"],
        id="odd-hypervisor-type-not-copied",
    ),
    pytest.param(None, {}, "\n", [], id="empty-hypervisor-type"),
]


@pytest.mark.parametrize(("cpuinfo", "dmi", "hypervisor_type", "expected"), VM_CASES)
def test_virtual_machine_signals(
    tmp_path: Path,
    cpuinfo: str | None,
    dmi: dict[str, str],
    hypervisor_type: str | None,
    expected: list[str],
) -> None:
    view = fake_view(tmp_path)
    if cpuinfo is not None:
        write(view.proc / "cpuinfo", cpuinfo)
    for name, value in dmi.items():
        write(view.sys / "class/dmi/id" / name, value + "\n")
    if hypervisor_type is not None:
        write(view.sys / "hypervisor/type", hypervisor_type)
    assert virtual_machine_signals(view) == [EnvironmentSignal(VM, e) for e in expected]


def test_unreadable_cpuinfo_and_dmi_give_no_signal(tmp_path: Path) -> None:
    view = fake_view(tmp_path)
    (view.proc / "cpuinfo").mkdir(parents=True)  # reading it fails (EISDIR)
    for name in DMI_FIELDS:
        (view.sys / "class/dmi/id" / name).mkdir(parents=True)
    assert virtual_machine_signals(view) == []


@pytest.mark.parametrize(
    ("text", "vendor"),
    [
        ("QEMU", "qemu"),
        ("qemu-kvm", "qemu"),  # the first vendor of the table that matches
        ("VMware7,1", "vmware"),
        ("innotek GmbH", "virtualbox"),
        ("Hyper-V UEFI Release v4.1", "hyper-v"),
        ("Xenial Labs", None),
        ("LENOVO", None),
        ("", None),
    ],
)
def test_virtual_machine_vendor(text: str, vendor: str | None) -> None:
    assert virtual_machine_vendor(text) == vendor


# --- remote sessions from the environment -----------------------------------------

SSH = {"SSH_CONNECTION": "192.0.2.7 50122 192.0.2.1 22"}

ENV_CASES = [
    pytest.param({}, [], id="nothing"),
    pytest.param({"XRDP_SESSION": "1"}, ["env:XRDP_SESSION"], id="xrdp-session"),
    pytest.param(
        {"XRDP_SOCKET_PATH": "/run/xrdp/sockdir"}, ["env:XRDP_SOCKET_PATH"], id="xrdp-socket"
    ),
    pytest.param({"SESSIONNAME": "RDP-Tcp#3"}, ["env:SESSIONNAME~rdp"], id="windows-rdp"),
    pytest.param({"SESSIONNAME": "Console"}, [], id="windows-console"),
    pytest.param({"DISPLAY": ":0"}, [], id="local"),
    pytest.param({"DISPLAY": ":1.0", **SSH}, [], id="local-display-started-over-ssh"),
    pytest.param({"DISPLAY": "unix:0"}, [], id="unix-host"),
    pytest.param({"DISPLAY": "unix/:0"}, [], id="unix-protocol"),
    pytest.param(
        {"DISPLAY": "/private/tmp/com.apple.launchd.x/org.xquartz:0"}, [], id="socket-path"
    ),
    pytest.param({"DISPLAY": "localhost:10.0"}, [], id="local-tcp"),
    pytest.param(
        {"DISPLAY": "localhost:10.0", **SSH}, ["display=ssh-forwarded"], id="ssh-x11-forwarding"
    ),
    pytest.param(
        {"DISPLAY": "127.0.0.1:10", "SSH_CLIENT": "192.0.2.7 50122 22"},
        ["display=ssh-forwarded"],
        id="ssh-client-ipv4",
    ),
    pytest.param({"DISPLAY": "[::1]:10.0", **SSH}, ["display=ssh-forwarded"], id="ssh-ipv6"),
    pytest.param({"DISPLAY": "alice-laptop:0"}, ["display=remote-host"], id="named-host"),
    pytest.param({"DISPLAY": "192.168.1.20:0.0"}, ["display=remote-host"], id="address"),
    pytest.param({"DISPLAY": "tcp/alice-laptop:0"}, ["display=remote-host"], id="tcp-protocol"),
    pytest.param({"DISPLAY": "alice-laptop::0"}, ["display=remote-host"], id="decnet"),
    pytest.param({"DISPLAY": ""}, [], id="empty-display"),
    pytest.param({"DISPLAY": "nonsense"}, [], id="not-a-display"),
    pytest.param(
        {"XRDP_SESSION": "1", "DISPLAY": "alice-laptop:10.0", **SSH},
        ["display=remote-host", "env:XRDP_SESSION"],
        id="several",
    ),
]


@pytest.mark.parametrize(("environ", "expected"), ENV_CASES)
def test_remote_session_from_environment(
    tmp_path: Path, environ: dict[str, str], expected: list[str]
) -> None:
    signals = remote_session_signals(fake_view(tmp_path, environ), [])
    assert signals == [EnvironmentSignal(REMOTE, e) for e in expected]
    assert not any("alice" in signal.evidence for signal in signals)


# --- processes -----------------------------------------------------------------------

PROCESS_CASES = [
    pytest.param("obs", ["/usr/bin/obs", "--startrecording"], (RECORDER, "process=obs"), id="obs"),
    pytest.param("obsidian", ["/opt/Obsidian/obsidian"], None, id="obsidian-is-not-obs"),
    pytest.param("peek", ["/usr/bin/peek"], (RECORDER, "process=peek"), id="peek"),
    pytest.param("peekaboo", ["peekaboo"], None, id="peekaboo-is-not-peek"),
    pytest.param(
        "obs64.exe",
        [r"C:\Program Files\obs-studio\bin\64bit\obs64.exe"],
        (RECORDER, "process=obs64"),
        id="obs64-under-wine",
    ),
    pytest.param(
        "simplescreenrec",
        ["simplescreenrecorder", "--start-hidden"],
        (RECORDER, "process=simplescreenrecorder"),
        id="comm-cut-to-15",
    ),
    pytest.param(
        "gpu-screen-reco",
        ["/usr/bin/gpu-screen-recorder", "-w", "screen"],
        (RECORDER, "process=gpu-screen-recorder"),
        id="gpu-screen-recorder",
    ),
    pytest.param(
        "vokoscreenNG",
        ["/usr/bin/vokoscreenNG"],
        (RECORDER, "process=vokoscreenng"),
        id="vokoscreen-case",
    ),
    pytest.param("bdcam.exe", ["bdcam.exe"], (RECORDER, "process=bdcam"), id="bandicam"),
    pytest.param(
        "ffmpeg",
        ["ffmpeg", "-f", "x11grab", "-i", ":0", "out.mkv"],
        (RECORDER, "process=ffmpeg+x11grab"),
        id="ffmpeg-x11grab",
    ),
    pytest.param(
        "ffmpeg",
        ["/usr/bin/ffmpeg", "-device", "/dev/dri/card0", "-f", "kmsgrab", "-i", "-", "o.mkv"],
        (RECORDER, "process=ffmpeg+kmsgrab"),
        id="ffmpeg-kmsgrab",
    ),
    pytest.param(
        "ffmpeg.exe",
        ["ffmpeg.exe", "-f", "gdigrab", "-i", "desktop", "o.mp4"],
        (RECORDER, "process=ffmpeg+gdigrab"),
        id="ffmpeg-gdigrab",
    ),
    pytest.param(
        "ffmpeg", ["ffmpeg", "-i", "lecture.mp4", "lecture.webm"], None, id="ffmpeg-converting"
    ),
    pytest.param(
        "ffmpeg", ["ffmpeg", "-i", "x11grab.mp4", "out.webm"], None, id="ffmpeg-file-named-x11grab"
    ),
    pytest.param(
        "ffmpeg",
        ["ffmpeg", "-i", "in.mp4", *["-metadata", "k=v"] * 600, "-f", "x11grab", "-i", ":0"],
        (RECORDER, "process=ffmpeg+x11grab"),
        id="ffmpeg-long-command-line",
    ),
    pytest.param(
        "xdotool", ["xdotool", "type", "answer"], (AUTOMATION, "process=xdotool"), id="xdotool"
    ),
    pytest.param(
        "ydotoold", ["/usr/bin/ydotoold"], (AUTOMATION, "process=ydotoold"), id="ydotoold"
    ),
    pytest.param(
        "autokey-gtk",
        ["/usr/bin/python3", "/usr/bin/autokey-gtk"],
        (AUTOMATION, "process=autokey-gtk"),
        id="python-script-by-comm",
    ),
    pytest.param(
        "AutoHotkeyU64.e",
        [r"C:\AHK\AutoHotkeyU64.exe", "script.ahk"],
        (AUTOMATION, "process=autohotkeyu64"),
        id="autohotkey-by-argv0",
    ),
    pytest.param(
        "python3", ["python3", "-c", "import pyautogui"], None, id="pyautogui-not-scanned"
    ),
    pytest.param(
        "x11vnc",
        ["/home/alice/bin/x11vnc", "-display", ":0"],
        (REMOTE, "process=x11vnc"),
        id="x11vnc-from-home",
    ),
    pytest.param(
        "Xtigervnc", ["/usr/bin/Xtigervnc", ":1"], (REMOTE, "process=xtigervnc"), id="xtigervnc"
    ),
    pytest.param(
        "gnome-remote-de",
        ["/usr/libexec/gnome-remote-desktop-daemon"],
        (REMOTE, "process=gnome-remote-desktop-daemon"),
        id="gnome-remote-desktop",
    ),
    pytest.param(
        "gnome-remote-de",
        [],
        (REMOTE, "process=gnome-remote-desktop-daemon"),
        id="cut-comm-without-cmdline",
    ),
    pytest.param(
        "AnyDesk.exe",
        [r"C:\Program Files (x86)\AnyDesk\AnyDesk.exe"],
        (REMOTE, "process=anydesk"),
        id="anydesk-exe",
    ),
    pytest.param(
        "TeamViewer",
        ["/opt/teamviewer/tv_bin/TeamViewer"],
        (REMOTE, "process=teamviewer"),
        id="teamviewer",
    ),
    pytest.param("ToDesk", ["/opt/todesk/bin/ToDesk"], (REMOTE, "process=todesk"), id="todesk"),
    pytest.param(
        "sunloginclient",
        ["/usr/local/sunlogin/bin/sunloginclient"],
        (REMOTE, "process=sunloginclient"),
        id="sunlogin",
    ),
    pytest.param("anydesk-helper", ["anydesk-helper"], None, id="not-exactly-anydesk"),
    pytest.param("vncviewer", ["vncviewer", "lab:1"], None, id="viewer-shows-another-screen"),
    pytest.param("kworker/0:1", [], None, id="kernel-thread"),
    pytest.param("bash", ["-bash"], None, id="login-shell"),
]


@pytest.mark.parametrize(("comm", "argv", "expected"), PROCESS_CASES)
def test_process_tables(
    tmp_path: Path,
    comm: str,
    argv: list[str],
    expected: tuple[EnvironmentSignalKind, str] | None,
) -> None:
    view = fake_view(tmp_path)
    fake_process(view, 4242, comm, argv)
    processes = running_processes(view)
    assert [p.pid for p in processes] == [4242]
    signals = remote_session_signals(view, processes) + tool_signals(processes)
    assert signals == ([] if expected is None else [EnvironmentSignal(*expected)])


def test_process_names_keep_no_path(tmp_path: Path) -> None:
    view = fake_view(tmp_path)
    fake_process(view, 7, "x11vnc", ["/home/alice/bin/x11vnc", "-passwd", "secret"])
    assert running_processes(view) == [ProcessName(7, "x11vnc", "x11vnc")]


def test_tables_are_exact_lowercase_names() -> None:
    for table in (REMOTE_DESKTOP_PROCESSES, SCREEN_RECORDER_PROCESSES, AUTOMATION_PROCESSES):
        assert len(set(table)) == len(table)
        for name in table:
            assert re.fullmatch(r"[a-z0-9_.-]+", name) and not name.endswith(".exe"), name


def test_running_processes_skips_what_it_cannot_read(tmp_path: Path) -> None:
    view = fake_view(tmp_path)
    write(view.proc / "cpuinfo", CPUINFO_HOST)
    (view.proc / "self").mkdir()
    fake_process(view, 12, "bash", ["/bin/bash"])
    fake_process(view, 3, "obs", ["obs"])
    fake_process(view, OWN_PID, "python3", ["python3", "-m", "app"])
    (view.proc / "20").mkdir()  # vanished: its files went with it
    write(view.proc / "21" / "comm", "kazam\n")  # vanished between comm and cmdline
    (view.proc / "22" / "comm").mkdir(parents=True)  # unreadable
    assert running_processes(view) == [
        ProcessName(3, "obs", "obs"),
        ProcessName(12, "bash", "bash"),
    ]


def test_no_proc_means_no_processes(tmp_path: Path) -> None:
    assert running_processes(fake_view(tmp_path)) == []


def test_tool_signals_ignore_unknown_screen_grab() -> None:
    # Another lister's process records carry only known grab names into evidence.
    assert tool_signals([ProcessName(5, "ffmpeg", "ffmpeg", "lavfi")]) == []


# --- monitors, camera, collect --------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "expected"), [(0, []), (1, []), (2, ["monitors=2"]), (3, ["monitors=3"])]
)
def test_monitor_signals(count: int, expected: list[str]) -> None:
    kind = EnvironmentSignalKind.MULTIPLE_MONITORS
    assert monitor_signals(count) == [EnvironmentSignal(kind, e) for e in expected]


def test_collect_sorts_and_removes_duplicates(tmp_path: Path) -> None:
    view = fake_view(tmp_path, {"DISPLAY": "alice-laptop:0", "XRDP_SESSION": "1"})
    write(view.proc / "cpuinfo", CPUINFO_GUEST)
    write(view.sys / "class/dmi/id/sys_vendor", "QEMU\n")
    for pid in (30, 31):  # two recorders of one name: one signal
        fake_process(view, pid, "obs", ["/usr/bin/obs"])
    fake_process(view, 32, "xdotool", ["xdotool", "mousemove", "10", "10"])
    fake_process(view, 33, "x11vnc", ["x11vnc"])
    camera = VirtualCameraSignal("v4l2loopback", ("driver=v4l2loopback",))
    signals = collect(view, monitor_count=2, camera_signal=camera)
    assert signals == (
        EnvironmentSignal(AUTOMATION, "process=xdotool"),
        EnvironmentSignal(EnvironmentSignalKind.MULTIPLE_MONITORS, "monitors=2"),
        EnvironmentSignal(REMOTE, "display=remote-host"),
        EnvironmentSignal(REMOTE, "env:XRDP_SESSION"),
        EnvironmentSignal(REMOTE, "process=x11vnc"),
        EnvironmentSignal(RECORDER, "process=obs"),
        EnvironmentSignal(EnvironmentSignalKind.VIRTUAL_CAMERA, "camera=v4l2loopback"),
        EnvironmentSignal(VM, "cpuinfo:hypervisor"),
        EnvironmentSignal(VM, "dmi:sys_vendor~qemu"),
    )


def test_collect_on_an_empty_tree(tmp_path: Path) -> None:
    assert collect(fake_view(tmp_path)) == ()


def expect_virtual_machine() -> bool:
    """Computed apart from the module: the flags line's words, and vendor words in DMI."""
    cpuinfo = Path("/proc/cpuinfo").read_text(errors="replace").splitlines()
    flags = next(
        (line.split(":", 1)[1].split() for line in cpuinfo if line.startswith("flags")), []
    )
    words = (
        "qemu",
        "kvm",
        "vmware",
        "virtualbox",
        "innotek",
        "xen",
        "virtual machine",
        "hyper-v",
        "parallels",
        "bochs",
        "amazon ec2",
        "google compute engine",
        "alibaba cloud",
        "openstack",
    )
    dmi = ""
    for name in ("sys_vendor", "product_name", "board_vendor", "bios_vendor"):
        path = Path("/sys/class/dmi/id") / name
        dmi += path.read_text(errors="replace").lower() + "\n" if path.exists() else ""
    hypervisor = Path("/sys/hypervisor/type")
    return (
        "hypervisor" in flags
        or any(re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", dmi) for w in words)
        or (hypervisor.exists() and hypervisor.read_text().strip() != "")
    )


def test_collect_on_this_machine() -> None:
    signals = collect()
    assert isinstance(signals, tuple)
    assert list(signals) == sorted(set(signals))
    assert any(s.kind == VM for s in signals) == expect_virtual_machine()


# --- real processes ------------------------------------------------------------------


def test_real_recorder_and_automation_tool_are_found(tmp_path: Path) -> None:
    recorder = sleep_named(tmp_path, "obs")
    automation = sleep_named(tmp_path, "xdotool")
    with running([str(recorder), "600"]) as first, running([str(automation), "600"]) as second:
        ours = {first.pid, second.pid}
        processes = wait_for(
            lambda: [p for p in running_processes(SystemView()) if p.pid in ours],
            sorted(
                [
                    ProcessName(first.pid, "obs", "obs"),
                    ProcessName(second.pid, "xdotool", "xdotool"),
                ],
                key=lambda p: p.pid,
            ),
        )
        assert tool_signals(processes) == [
            EnvironmentSignal(AUTOMATION, "process=xdotool"),
            EnvironmentSignal(RECORDER, "process=obs"),
        ]


def test_a_process_that_ends_after_the_listing_is_skipped(tmp_path: Path) -> None:
    # The fake /proc lists the real process's directory; it ends before it is read.
    view = fake_view(tmp_path)
    view.proc.mkdir()
    with running([str(sleep_named(tmp_path, "kazam")), "600"]) as process:
        (view.proc / str(process.pid)).symlink_to(Path("/proc") / str(process.pid))
        wait_for(lambda: running_processes(view), [ProcessName(process.pid, "kazam", "kazam")])
    assert (view.proc / str(process.pid)).is_symlink()
    assert running_processes(view) == []


@pytest.mark.slow  # a private X server and x11vnc
def test_real_x11vnc_is_a_remote_session() -> None:
    with private_display() as display, x11vnc_serving(display) as vnc:
        processes = wait_for(
            lambda: [p for p in running_processes(SystemView()) if p.pid == vnc.pid],
            [ProcessName(vnc.pid, "x11vnc", "x11vnc")],
        )
        signals = remote_session_signals(SystemView(environ={}), processes)
        assert signals == [EnvironmentSignal(REMOTE, "process=x11vnc")]
