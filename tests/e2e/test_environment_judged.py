"""Each environment signal this machine can make real, seen by the client's own
collector and sent with a sign-in by the real sync engine, judged by the real server
under each policy: allowed, flagged for review (the report kept) or refused with the
kind named.

Real here: x11vnc serving a display (a remote session), copies of `sleep` named like a
screen recorder and an automation tool, a second X screen seen by Qt (two monitors).
Not makeable here: a virtual machine (read from a /proc tree whose cpuinfo says so) and
a v4l2loopback camera (its device's name, as the camera check reads it)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from app.build_info import VERSION
from app.environment_watch import EnvironmentSampler
from server.models import EnvironmentReport, Institution
from sync.engine import SyncEngine
from sync.http_client import ConnectionSettings, PlatformClient, ServerRefusedError
from sync.store import StudyStore
from sync.store_worker import StoreWorker
from tests.support.private_display import private_display
from tests.support.real_processes import running, sleep_named, wait_for, x11vnc_serving
from tests.support.server_harness import ID_NUMBERS, LiveServer, make_fixture
from verification.camera_signals import virtual_camera_evidence
from verification.environment import SystemView, collect, running_processes
from verification.frames import CameraDevice
from wire.auth import ClientIdentity
from wire.environment import EnvironmentSignalReport

REPO = Path(__file__).resolve().parents[2]
ACTIONS = ("allow", "flag", "refuse")


@pytest.fixture(scope="module")
def platform(tmp_path_factory) -> Iterator[tuple[LiveServer, str]]:
    tmp = tmp_path_factory.mktemp("environment")
    with LiveServer.running(tmp / "server", f"sqlite:///{tmp / 'p.db'}") as server:
        fixture = make_fixture(server, tmp)
        fixture.add_learner("learner1", ID_NUMBERS[0])
        yield server, fixture.institution_id


def judged(
    platform: tuple[LiveServer, str],
    tmp_path: Path,
    sample: Callable[[], list[EnvironmentSignalReport]],
    kind: str,
    action: str,
) -> tuple[str, str | None, list[dict]]:
    """Signs in with the first factor under a policy where `kind` gets `action` and every
    other kind is allowed; the outcome, the report's action and its signals."""
    server, institution_id = platform
    others = {k: "allow" for k in ("virtual_machine", "remote_session", "multiple_monitors")}
    others |= {"screen_recorder": "allow", "automation_tool": "allow"}
    policy: dict[str, object] = {"environment": others}
    if kind == "virtual_camera":
        policy["virtual_camera"] = "refuse" if action == "refuse" else "warn"
    else:
        others[kind] = action
    with server.platform.transaction() as db:
        institution = db.get(Institution, institution_id)
        assert institution is not None
        institution.verification_json = json.dumps(policy)
        before = db.scalar(select(EnvironmentReport.id).order_by(EnvironmentReport.id.desc()))
    worker = StoreWorker(lambda: StudyStore.open(tmp_path / "c.db", secrets.token_bytes(32)))
    client = PlatformClient(ConnectionSettings(base_url=server.base_url, read_timeout_s=60))
    engine = SyncEngine(
        client,
        worker,
        worker.opened.result(30),
        identity=ClientIdentity(version=VERSION),
        environment=sample,
    )
    try:
        engine.password_login("learner1", "correct horse learner1").result(60)
        outcome = "signed_in"
    except ServerRefusedError as refusal:
        outcome = refusal.reason_code or ""
    finally:
        engine.close()
        client.close()
        worker.close().result(30)
    with server.platform.sessions() as db:
        report = db.scalars(
            select(EnvironmentReport).where(EnvironmentReport.id > (before or 0))
        ).one_or_none()
    if report is None:
        return outcome, None, []
    return outcome, report.action, json.loads(report.signals_json)


def assert_judged(outcome, action, expected_action, kind, signals, evidence) -> None:
    assert {"kind": kind, "evidence": evidence} in signals
    if expected_action == "refuse":
        assert outcome == f"environment_refused_{kind}"
    else:
        assert outcome == "signed_in"
    assert action == expected_action


@contextmanager
def named_process(tmp_path: Path, name: str) -> Iterator[None]:
    with running([str(sleep_named(tmp_path, name)), "600"]) as process:
        wait_for(
            lambda: [p.comm for p in running_processes(SystemView()) if p.pid == process.pid],
            [name],
        )
        yield


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(
    ("name", "kind"), [("obs", "screen_recorder"), ("autokey", "automation_tool")]
)
def test_a_running_tool(platform, tmp_path, name, kind, action) -> None:
    with named_process(tmp_path, name):
        outcome, judged_as, signals = judged(
            platform, tmp_path, EnvironmentSampler().sample, kind, action
        )
    assert_judged(outcome, judged_as, action, kind, signals, f"process={name}")


@pytest.mark.parametrize("action", ACTIONS)
def test_a_remote_desktop_server_on_the_display(platform, tmp_path, action) -> None:
    with private_display() as display, x11vnc_serving(display):
        outcome, judged_as, signals = judged(
            platform, tmp_path, EnvironmentSampler().sample, "remote_session", action
        )
    assert_judged(outcome, judged_as, action, "remote_session", signals, "process=x11vnc")


def monitors_seen_by_qt(display: str) -> int:
    """What the client's Qt side counts on `display`, in a process of its own."""
    code = (
        "from qt_binding import QApplication\n"
        "from app.environment_watch import monitor_count\n"
        "app = QApplication([])\n"
        "print(monitor_count())\n"
    )
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return int(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def two_screens() -> Iterator[str]:
    with private_display(screens=2, window_manager=False) as display:
        yield display


@pytest.mark.parametrize("action", ACTIONS)
def test_a_second_monitor(platform, tmp_path, two_screens, action) -> None:
    sampler = EnvironmentSampler()
    sampler.monitor_count = monitors_seen_by_qt(two_screens)
    outcome, judged_as, signals = judged(
        platform, tmp_path, sampler.sample, "multiple_monitors", action
    )
    assert_judged(outcome, judged_as, action, "multiple_monitors", signals, "monitors=2")


@pytest.mark.parametrize("action", ACTIONS)
def test_a_virtual_machine(platform, tmp_path, action) -> None:
    proc = tmp_path / "proc"
    proc.mkdir()
    (proc / "cpuinfo").write_text("processor\t: 0\nflags\t\t: fpu vme hypervisor\n\n")
    view = SystemView(proc=proc, sys=tmp_path / "sys", environ={})

    def sample() -> list[EnvironmentSignalReport]:
        return [
            EnvironmentSignalReport(kind=s.kind.value, evidence=s.evidence) for s in collect(view)
        ]

    outcome, judged_as, signals = judged(platform, tmp_path, sample, "virtual_machine", action)
    assert_judged(outcome, judged_as, action, "virtual_machine", signals, "cpuinfo:hypervisor")


@pytest.mark.parametrize("action", ["flag", "refuse"])  # a camera's policy: warn or refuse
def test_a_loopback_camera(platform, tmp_path, action) -> None:
    device = CameraDevice(2, "/dev/video2", "Dummy video device (0x0000)", "v4l2 loopback")
    camera = virtual_camera_evidence(device)
    assert camera is not None

    def sample() -> list[EnvironmentSignalReport]:
        seen = collect(
            SystemView(proc=tmp_path / "none", sys=tmp_path / "none", environ={}),
            camera_signal=camera,
        )
        return [EnvironmentSignalReport(kind=s.kind.value, evidence=s.evidence) for s in seen]

    outcome, judged_as, signals = judged(platform, tmp_path, sample, "virtual_camera", action)
    assert_judged(outcome, judged_as, action, "virtual_camera", signals, f"camera={camera.kind}")
