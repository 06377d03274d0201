"""End-to-end: the real client started as a process on the test display, checked through
its JSON log, its screenshot and its data directory."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.demo_platform import DEMO_LOGIN, DEMO_PASSWORD
from qt_binding import QColor, QImage
from records.events import EventKind
from sync.store import open_store
from tests.support.app_log import log_entries, wait_for_log
from tests.support.buses import BUS_WITHOUT_SERVICES
from tests.support.small_disk import mounted_small_disk

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.usefixtures("display")


def start_client(
    data_dir: Path,
    *args: str,
    namespace: str | None = None,
    extra_env: dict | None = None,
    steps: list[dict] | None = None,
) -> subprocess.Popen:
    """The demo client; with `steps`, a scripted learner (app/autopilot.py) drives it."""
    # The single-instance scope is the OS user: a namespace per data directory keeps
    # these runs apart from each other and from a developer's running client.
    env = {**os.environ, "APP_INSTANCE_NAMESPACE": namespace or f"test-{data_dir}"}
    env.update(extra_env or {})
    if steps is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
        script = data_dir / f"autopilot-{len(list(data_dir.glob('autopilot-*')))}.json"
        script.write_text(json.dumps(steps))
        args = ("--autopilot", str(script), *args)
    return subprocess.Popen(
        [sys.executable, "-m", "app", "--demo", "--data-dir", str(data_dir), *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def open_first_course(then: list[dict] | None = None) -> list[dict]:
    """Sign in as the demo learner (face check on the simulated camera) and play the
    first course, then `then`."""
    return [
        {"do": "wait", "for": "ready", "timeout_s": 120},
        {"do": "sign_in", "account": DEMO_LOGIN, "password": DEMO_PASSWORD},
        {"do": "wait", "for": "signed_in", "timeout_s": 120},
        {"do": "open_course", "index": 0},
        {"do": "wait", "for": "playing", "timeout_s": 60},
        *(then or []),
    ]


def finish(process: subprocess.Popen, timeout: float = 60.0) -> tuple[int, str]:
    try:
        _out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        _out, err = process.communicate()
        raise
    return process.returncode, err


@pytest.fixture(scope="module")
def demo_platform_data(tmp_path_factory) -> Path:
    """The demo platform's folder, seeded once (its generated courses and the demo
    learner's face), copied into each test's data directory to save time."""
    from app.demo_platform import start_demo_platform

    base = tmp_path_factory.mktemp("demo-base") / "demo-platform"
    start_demo_platform(base).stop()
    return base


def fresh_data_dir(tmp_path: Path, demo_platform_data: Path) -> Path:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(demo_platform_data, data / "demo-platform")
    return data


def test_a_demo_seeded_by_an_earlier_version_gets_the_settings_its_camera_needs(
    tmp_path, demo_platform_data
):
    """The demo keeps its data between runs: a platform seeded before the server issued
    challenges would ask the simulated camera for actions it cannot perform."""
    import json
    import shutil

    from sqlalchemy import select

    from app.demo_platform import DEMO_LIVENESS_ACTIONS, start_demo_platform
    from server.models import Institution

    folder = tmp_path / "demo-platform"
    shutil.copytree(demo_platform_data, folder)
    demo = start_demo_platform(folder)
    platform = demo.server.platform
    with platform.transaction() as db:
        (institution,) = db.scalars(select(Institution)).all()
        institution.verification_json = json.dumps({"virtual_camera": "warn"})  # as it was
    demo.stop()
    demo = start_demo_platform(folder)
    try:
        with demo.server.platform.sessions() as db:
            (institution,) = db.scalars(select(Institution)).all()
            settings = json.loads(institution.verification_json)
    finally:
        demo.stop()
    assert settings["liveness_actions"] == list(DEMO_LIVENESS_ACTIONS)
    assert settings["virtual_camera"] == "warn"


def assert_video_drawn(shot: Path) -> None:
    image = QImage(str(shot))
    assert not image.isNull() and image.width() >= 640
    # The video area shows white clock digits on a dark background: bright pixels exist
    # in its upper middle, which a black (not drawn) surface would not have.
    bright = sum(
        1
        for x in range(40, image.width() - 40, 4)
        for y in range(160, image.height() // 2, 4)
        if QColor(image.pixel(x, y)).lightness() > 200
    )
    assert bright > 50, "the video surface is empty"


def test_second_instance_hands_over_to_the_first(tmp_path, demo_platform_data) -> None:
    data = fresh_data_dir(tmp_path, demo_platform_data)
    other_data = tmp_path / "other-data"  # another data directory: still the same user
    namespace = f"handover-{tmp_path.name}"
    first = start_client(data, "--quit-after", "60", namespace=namespace)
    try:
        wait_for_log(data, lambda e: e.get("msg") == "window shown", timeout=60)
        second = start_client(other_data, "--quit-after", "20", namespace=namespace)
        code, err = finish(second, timeout=30)
        assert code == 0, err
        assert any("handed over to it" in e.get("msg", "") for e in log_entries(other_data))
        wait_for_log(data, lambda e: "raising the window" in e.get("msg", ""), timeout=10)
        # Only one program ran: the second never opened its store nor a course.
        assert not [e for e in log_entries(other_data) if e.get("msg") == "study store open"]
    finally:
        first.terminate()
        finish(first)


def test_termination_signal_closes_the_course_and_a_restart_resumes_it(
    tmp_path, demo_platform_data
) -> None:
    data = fresh_data_dir(tmp_path, demo_platform_data)
    shots = tmp_path / "shots"
    steps = open_first_course(
        [
            {"do": "pause", "seconds": 2},
            {"do": "screenshot", "name": "playing"},
            {"do": "pause", "seconds": 120},
        ]
    )
    client = start_client(data, "--screenshots-dir", str(shots), steps=steps)
    try:
        wait_for_log(data, lambda e: e.get("msg") == "screenshot written", timeout=120)
        time.sleep(1)
        client.send_signal(signal.SIGTERM)
        code, err = finish(client, timeout=30)
    finally:
        if client.poll() is None:
            client.kill()
    assert code == 0, err
    closed = [
        e for e in log_entries(data) if e.get("event") == "paused" and e["reason"] == "closed"
    ]
    assert closed and closed[-1]["position_ms"] >= 1000
    assert_video_drawn(shots / "playing.png")  # the course really played, in our window
    # It reopens where it was stopped (read from the encrypted store).
    (data / "client.log").unlink()
    code, err = finish(start_client(data, steps=open_first_course([{"do": "quit"}])))
    assert code == 0, err
    started = [e for e in log_entries(data) if e.get("event") == "started"]
    assert started[0]["course_id"].startswith("crs-")  # the platform's course
    assert abs(started[0]["resumed_from_ms"] - closed[-1]["position_ms"]) < 1000
    # Everything recorded on the way is in the encrypted store, none of it readable.
    course_id = started[0]["course_id"]
    raw = b"".join(p.read_bytes() for p in data.glob("study.db*"))
    assert len(raw) > 4096
    for plaintext in (course_id.encode(), b"learner", b"progress", b"SQLite format 3"):
        assert plaintext not in raw


def test_without_a_key_store_the_client_stops_with_a_message(tmp_path, demo_platform_data) -> None:
    data = fresh_data_dir(tmp_path, demo_platform_data)
    # A session bus with no Secret Service on it and none to start, as on a bare lab.
    config = tmp_path / "bare-bus.conf"
    config.write_text(BUS_WITHOUT_SERVICES)
    bus = subprocess.run(
        ["dbus-daemon", f"--config-file={config}", "--fork", "--print-address=1", "--print-pid=1"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    try:
        env_bus = {"DBUS_SESSION_BUS_ADDRESS": bus[0]}
        client = start_client(data, "--quit-after", "8", extra_env=env_bus)
        code, err = finish(client)
    finally:
        os.kill(int(bus[1]), signal.SIGTERM)
    assert code == 4, err
    assert any("no_key_store" in e.get("msg", "") for e in log_entries(data))
    assert not any(e.get("event") == "started" for e in log_entries(data))
    assert not list(data.glob("study.db*"))  # nothing written without a key


def test_a_full_disk_during_a_course_holds_it_tells_the_learner_and_keeps_what_was_saved(
    tmp_path, demo_platform_data
) -> None:
    """The study records' disk fills while a course plays: the course is held (Play is
    refused), the learner reads why and what to do, and every event the store said it
    committed is still there, chained, once space is freed."""
    outside = tmp_path / "outside"  # everything but the store stays on the roomy disk
    shutil.copytree(demo_platform_data, outside / "demo-platform")
    (outside / "media").mkdir()
    (outside / "client.log").touch()
    with mounted_small_disk(tmp_path / "data", "2m") as disk:
        data = disk.root
        for name in ("demo-platform", "media", "client.log", "settings.json"):
            (data / name).symlink_to(outside / name)
        steps = open_first_course(
            [
                {"do": "wait", "for": "store_failed", "timeout_s": 60},
                {"do": "play"},
                {"do": "pause", "seconds": 1},
                {"do": "log_state"},
                {"do": "screenshot", "name": "store-failed"},
                {"do": "close_course"},
                {"do": "quit"},
            ]
        )
        shots = tmp_path / "shots"
        client = start_client(data, "--screenshots-dir", str(shots), steps=steps)
        try:
            wait_for_log(data, lambda e: e.get("event") == "started", timeout=240)
            ballast = disk.fill()
            code, err = finish(client, timeout=120)
        finally:
            if client.poll() is None:
                client.kill()
        assert code == 0, err
        entries = log_entries(data)
        assert any("study event not stored: store_disk_full" in e.get("msg", "") for e in entries)
        (told,) = [e for e in entries if e.get("msg") == "autopilot state"]
        assert told["player_state"] == "paused"  # held: the Play click was refused
        assert "学习已暂停" in told["notice"] and "磁盘已满" in told["notice"]
        assert "无法保存您的学习记录" in told["player_message"]
        assert (shots / "store-failed.png").exists()
        assert told["saved_seq"] >= 2  # the session's start and its PLAY, at least
        ballast.unlink()
        with open_store(data / "study.db", "main") as store:
            events = store.events(limit=100_000)
            assert store.integrity_problems == []
        seqs = [signed.event.seq for signed in events]
        assert seqs == list(range(1, len(seqs) + 1))
        assert len(seqs) >= told["saved_seq"]  # nothing acknowledged was lost
        kinds = {signed.event.kind for signed in events}
        assert {EventKind.SESSION_START, EventKind.PLAY} <= kinds
