"""The locked player with real libVLC in a real Qt window on Xvfb + openbox.

Notice Attachment 1, item 2: no fast-forward, no dragging, no speed change, pause when the
window is minimised or the learner switches away, resume where the learner stopped, one
course at a time. Input goes through the window manager and the X server (xdotool), not
through Qt's test helpers, so it travels the path a learner's would.
"""

from __future__ import annotations

import subprocess
import time

import pytest

from player.events import Ended, Paused, PauseReason, Progress, Started, TamperKind
from player.facade import PlayerTiming, RefusalReason
from player.media_check import MediaProblem
from player.resume import JsonFileResumeStore
from qt_binding import QMessageBox, Qt
from tests.support.player_harness import course_for, xdotool

# Position may run ahead of the monotonic clock by VLC's reporting jitter, no more.
JITTER_MS = 1000


def assert_normal_advance(advance_ms: int, elapsed_ms: int) -> None:
    assert advance_ms <= elapsed_ms + JITTER_MS, (
        f"position advanced {advance_ms} ms in {elapsed_ms} ms: a seek got through"
    )


# -- every forbidden seek path -------------------------------------------------------


@pytest.mark.protection
@pytest.mark.parametrize(
    "keys",
    [
        ("Right", "Right", "Right"),
        ("Page_Down", "End"),
        ("ctrl+Right", "shift+Right", "alt+Right"),
        ("XF86AudioNext", "XF86AudioForward"),
        ("plus", "bracketright", "equal"),
    ],
    ids=["arrows", "page-end", "modified-arrows", "media-keys", "speed-keys"],
)
def test_keys_neither_seek_nor_change_speed(make_player, clip, keys) -> None:
    harness = make_player()
    harness.open(course_for(clip))
    # Pointer over the video, so a key could reach VLC's own window as well as Qt's.
    xdotool("mousemove", "--window", harness.window_id, "300", "200")

    def press() -> None:
        for key in keys:
            xdotool("key", "--clearmodifiers", key)

    advance, elapsed = harness.measure_advance(press)
    assert_normal_advance(advance, elapsed)
    assert harness.backend.rate() == 1.0
    assert harness.tampers == []  # no input path even tried to move playback


@pytest.mark.protection
@pytest.mark.parametrize("target", ["progress", "surface"])
def test_clicks_drags_and_wheel_do_not_seek(make_player, clip, target) -> None:
    harness = make_player()
    harness.open(course_for(clip))
    widget = getattr(harness.view, target)
    origin = widget.mapTo(harness.window, widget.rect().topLeft())
    y = origin.y() + widget.height() // 2
    near_end = origin.x() + int(widget.width() * 0.9)
    middle = origin.x() + widget.width() // 2
    wid = harness.window_id

    def mouse() -> None:
        xdotool("mousemove", "--window", wid, str(near_end), str(y), "click", "1")
        xdotool("mousemove", "--window", wid, str(middle), str(y), "mousedown", "1")
        xdotool("mousemove", "--window", wid, str(near_end), str(y))
        xdotool("mouseup", "1")
        xdotool("mousemove", "--window", wid, str(middle), str(y), "click", "--repeat", "2", "5")
        xdotool("click", "--repeat", "2", "1")  # double click

    advance, elapsed = harness.measure_advance(mouse)
    assert_normal_advance(advance, elapsed)
    assert harness.tampers == []


# -- the guard against what the UI cannot stop -----------------------------------------


@pytest.mark.protection
def test_direct_libvlc_forward_jump_is_rolled_back(make_player, clip) -> None:
    """A patched client calling libVLC's set_time directly."""
    harness = make_player()
    harness.open(course_for(clip), min_position_ms=2000)
    before = harness.backend.position_ms()
    harness.backend.set_position_ms(before + 20_000)
    harness.qtbot.waitUntil(
        lambda: any(t.kind == TamperKind.FORWARD_JUMP for t in harness.tampers), timeout=3000
    )
    harness.qtbot.waitUntil(lambda: harness.backend.position_ms() < before + 5000, timeout=3000)
    assert harness.player.furthest_ms < before + 5000


@pytest.mark.protection
def test_small_repeated_jumps_cannot_accumulate(make_player, clip) -> None:
    """0.8 s forward at every poll stays under any per-sample tolerance, not the budget."""
    harness = make_player()
    harness.open(course_for(clip), min_position_ms=1500)
    start = harness.backend.position_ms()
    started = time.monotonic()
    for _ in range(10):
        harness.backend.set_position_ms(harness.backend.position_ms() + 800)
        harness.qtbot.wait(250)
    harness.qtbot.wait(600)
    elapsed = int((time.monotonic() - started) * 1000)
    assert_normal_advance(harness.player.furthest_ms - start, elapsed)
    assert any(t.kind == TamperKind.FORWARD_JUMP for t in harness.tampers)


@pytest.mark.protection
def test_rate_change_is_reset_and_recorded(make_player, clip) -> None:
    harness = make_player()
    harness.open(course_for(clip))
    harness.backend.set_rate(4.0)
    harness.qtbot.waitUntil(lambda: harness.backend.rate() == 1.0, timeout=2000)
    rate_tampers = [t for t in harness.tampers if t.kind == TamperKind.RATE_CHANGE]
    assert rate_tampers and rate_tampers[0].details["rate"] == 4.0


@pytest.mark.protection
def test_wall_clock_jump_grants_no_time(make_player, clip, monkeypatch) -> None:
    """Setting the system clock forward an hour does not make a forward jump legitimate."""
    harness = make_player()
    harness.open(course_for(clip), min_position_ms=1500)
    real_time, real_time_ns = time.time, time.time_ns
    monkeypatch.setattr(time, "time", lambda: real_time() + 3600)
    monkeypatch.setattr(time, "time_ns", lambda: real_time_ns() + 3600 * 10**9)
    before = harness.backend.position_ms()
    harness.backend.set_position_ms(before + 15_000)
    harness.qtbot.waitUntil(
        lambda: any(t.kind == TamperKind.FORWARD_JUMP for t in harness.tampers), timeout=3000
    )
    assert harness.player.furthest_ms < before + 5000


@pytest.mark.protection
def test_resuming_behind_the_learners_back_is_undone(make_player, clip) -> None:
    harness = make_player()
    harness.open(course_for(clip))
    harness.player.pause(PauseReason.USER)
    harness.qtbot.waitUntil(lambda: harness.backend.state() == "paused", timeout=2000)
    harness.backend.play()  # as a patched client or a media key reaching VLC would
    harness.qtbot.waitUntil(
        lambda: any(t.kind == TamperKind.EXTERNAL_RESUME for t in harness.tampers), timeout=2000
    )
    harness.qtbot.waitUntil(lambda: harness.backend.state() == "paused", timeout=2000)
    assert harness.player.state == "paused"


# -- pause when the learner looks away -------------------------------------------------


# How long a test waits for the pause: generous, since a busy machine may deliver the
# window manager's or the bus's event late. How fast the pause comes is a benchmark's
# question, not a test's.
PAUSE_WAIT_MS = 10_000


def _wait_pause(harness, reason: PauseReason, act) -> None:
    """Run `act`, which returns once the window manager or bus has done its part, and
    wait until the player paused for `reason`."""
    act()
    harness.qtbot.waitUntil(
        lambda: any(isinstance(e, Paused) and e.reason == reason for e in harness.events),
        timeout=PAUSE_WAIT_MS,
    )


def _wait_backend_paused(harness) -> None:
    """libVLC pauses asynchronously: its own state follows the player's a moment later."""
    harness.qtbot.waitUntil(lambda: harness.backend.state() == "paused", timeout=PAUSE_WAIT_MS)


@pytest.mark.protection
def test_minimise_pauses(make_player, clip) -> None:
    harness = make_player()
    harness.open(course_for(clip))
    _wait_pause(
        harness,
        PauseReason.MINIMIZED,
        lambda: xdotool("windowminimize", "--sync", harness.window_id),
    )
    _wait_backend_paused(harness)
    # It stays paused when the window comes back: only a click resumes.
    harness.activate()
    harness.qtbot.wait(700)
    assert harness.backend.state() == "paused"
    harness.qtbot.mouseClick(harness.view.play_button, Qt.MouseButton.LeftButton)
    harness.qtbot.waitUntil(lambda: harness.backend.state() == "playing", timeout=PAUSE_WAIT_MS)


@pytest.mark.protection
def test_switching_to_another_program_pauses(make_player, clip, qtbot) -> None:
    harness = make_player()
    harness.open(course_for(clip))
    other, other_id = _other_program(qtbot)
    try:
        _wait_pause(
            harness,
            PauseReason.DEACTIVATED,
            lambda: xdotool("windowactivate", "--sync", other_id),
        )
        _wait_backend_paused(harness)
    finally:
        other.kill()
        other.wait()


@pytest.mark.protection
def test_hiding_the_window_pauses(make_player, clip) -> None:
    harness = make_player()
    harness.open(course_for(clip))
    harness.window.hide()
    # Hiding also takes the focus away; whichever event arrives first pauses.
    harness.qtbot.waitUntil(lambda: harness.player.state == "paused", timeout=PAUSE_WAIT_MS)
    assert harness.player.last_pause_reason in (PauseReason.HIDDEN, PauseReason.DEACTIVATED)
    _wait_backend_paused(harness)


@pytest.mark.protection
@pytest.mark.parametrize(
    ("bus", "path", "member", "reason"),
    [
        (
            "session",
            "/org/freedesktop/ScreenSaver",
            "org.freedesktop.ScreenSaver.ActiveChanged",
            PauseReason.SCREEN_LOCKED,
        ),
        (
            "system",
            "/org/freedesktop/login1",
            "org.freedesktop.login1.Manager.PrepareForSleep",
            PauseReason.SUSPEND,
        ),
    ],
    ids=["screen-lock", "suspend"],
)
def test_desktop_signal_pauses(make_player, clip, dbus_buses, bus, path, member, reason) -> None:
    harness = make_player()
    harness.open(course_for(clip))
    _wait_pause(harness, reason, lambda: dbus_buses.emit(bus, path, member, "boolean:true"))
    _wait_backend_paused(harness)


# -- resume, one course at a time, events --------------------------------------------


def test_position_survives_a_restart(make_player, clip, tmp_path) -> None:
    resume = tmp_path / "shared-resume.json"
    first = make_player(resume_path=resume)
    first.open(course_for(clip), min_position_ms=4000)
    left_at = first.player.furthest_ms
    first.player.close_course()
    first.player.shutdown()
    first.window.close()

    second = make_player(resume_path=resume)
    with second.qtbot.waitSignal(second.player.course_opened, timeout=10_000):
        second.player.open_course(course_for(clip))
    second.qtbot.waitUntil(lambda: second.backend.position_ms() > 0, timeout=10_000)
    started = [e for e in second.events if isinstance(e, Started)]
    assert started[0].resumed_from_ms >= 3000
    assert abs(second.backend.position_ms() - left_at) < 2500


def test_second_course_is_refused_while_one_is_open(make_player, clip) -> None:
    harness = make_player()
    harness.open(course_for(clip, "first"))
    with harness.qtbot.waitSignal(harness.player.refused, timeout=2000) as refused:
        assert not harness.player.open_course(course_for(clip, "second"))
    assert refused.args == [RefusalReason.ANOTHER_COURSE_OPEN]
    assert harness.player.course.course_id == "first"
    assert "一次只能学习一门课程" in harness.view.message.text()
    harness.player.close_course()
    with harness.qtbot.waitSignal(harness.player.course_opened, timeout=10_000):
        assert harness.player.open_course(course_for(clip, "second"))


def test_progress_events_carry_plain_data(make_player, clip) -> None:
    harness = make_player(timing=PlayerTiming(progress_interval_ms=1000))
    harness.open(course_for(clip))
    harness.qtbot.waitUntil(
        lambda: len([e for e in harness.events if isinstance(e, Progress)]) >= 2, timeout=5000
    )
    progress = [e for e in harness.events if isinstance(e, Progress)][-1]
    assert progress.rate == 1.0 and progress.focused and progress.visible and progress.playing
    assert isinstance(progress.position_ms, int) and progress.position_ms > 0
    assert progress.furthest_ms >= progress.position_ms - JITTER_MS


# 0.2 s is shorter than one poll: the video output may come and go unseen.
@pytest.mark.parametrize("seconds", [3, 0.2])
def test_playback_reaches_the_end(make_player, tmp_path, seconds) -> None:
    from app.demo_media import generate_clock_video

    short = generate_clock_video(tmp_path / "short.mp4", seconds=seconds)
    harness = make_player()
    harness.open(course_for(short), min_position_ms=0)
    harness.qtbot.waitUntil(lambda: harness.player.state == "ended", timeout=10_000)
    assert harness.tampers == []
    assert "结束" in harness.view.message.text()


# -- files that must be refused with a clear message ---------------------------------


def _open_expecting_error(harness, course) -> str:
    with harness.qtbot.waitSignal(harness.player.media_error, timeout=15_000) as error:
        harness.player.open_course(course)
    harness.qtbot.waitUntil(lambda: harness.player.state == "idle", timeout=5000)
    assert harness.player.course is None
    return error.args[0]


def test_mismatched_hash_is_refused(make_player, clip) -> None:
    harness = make_player()
    problem = _open_expecting_error(harness, course_for(clip, sha256="0" * 64))
    assert problem == MediaProblem.HASH_MISMATCH
    assert "校验" in harness.view.message.text()


def test_mismatched_duration_is_refused(make_player, clip) -> None:
    harness = make_player()
    problem = _open_expecting_error(harness, course_for(clip, duration_ms=clip.duration_ms * 2))
    assert problem == MediaProblem.DURATION_MISMATCH
    assert "时长" in harness.view.message.text()


def test_missing_file_is_refused(make_player, clip, tmp_path) -> None:
    harness = make_player()
    problem = _open_expecting_error(harness, course_for(clip, path=tmp_path / "gone.mp4"))
    assert problem == MediaProblem.MISSING
    assert "缺失" in harness.view.message.text()


@pytest.mark.parametrize("damage", ["truncated", "garbage"])
def test_corrupt_file_is_refused(make_player, clip, tmp_path, damage) -> None:
    from player.media_check import hash_file

    broken = tmp_path / f"{damage}.mp4"
    data = clip.path.read_bytes()
    broken.write_bytes(data[: len(data) // 2] if damage == "truncated" else bytes(range(256)) * 800)
    harness = make_player()
    course = course_for(
        clip, path=broken, sha256=hash_file(broken)[0], size_bytes=broken.stat().st_size
    )
    assert _open_expecting_error(harness, course) == MediaProblem.CORRUPT
    assert "损坏" in harness.view.message.text()


def test_missing_codec_is_reported(make_player, clip) -> None:
    # libVLC told to use no decoder at all: what a machine without the codec plugin sees.
    harness = make_player(backend_args=("--codec=none",))
    problem = _open_expecting_error(harness, course_for(clip))
    assert problem == MediaProblem.CODEC_MISSING
    assert "解码" in harness.view.message.text()


def _other_program(qtbot):
    """Another X client's window, found through the window manager."""
    other = subprocess.Popen(
        ["xmessage", "-name", "otherprogram", "another program"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    window_id = None
    deadline = time.monotonic() + 5
    while window_id is None and time.monotonic() < deadline:
        try:
            window_id = xdotool("search", "--sync", "--limit", "1", "--classname", "otherprogram")
        except RuntimeError:
            qtbot.wait(100)
    assert window_id, "the other program's window did not appear"
    return other, window_id.splitlines()[0]


@pytest.mark.protection
def test_course_opened_while_learner_is_elsewhere_pauses(make_player, clip, qtbot) -> None:
    """No focus event comes when the focus was already gone: the poll backstop pauses."""
    harness = make_player()
    other, other_id = _other_program(qtbot)
    try:
        xdotool("windowactivate", "--sync", other_id)
        qtbot.waitUntil(lambda: not harness.window.isActiveWindow(), timeout=3000)
        harness.events.clear()
        with qtbot.waitSignal(harness.player.course_opened, timeout=10_000):
            harness.player.open_course(course_for(clip))
        qtbot.waitUntil(lambda: harness.player.state == "paused", timeout=2000)
        assert harness.player.last_pause_reason == PauseReason.DEACTIVATED
    finally:
        other.kill()
        other.wait()


def test_volume_and_full_screen_controls_work(make_player, clip, qtbot) -> None:
    harness = make_player()
    harness.open(course_for(clip))
    harness.view.volume.setValue(35)
    qtbot.waitUntil(lambda: harness.backend.volume() == 35, timeout=2000)
    qtbot.mouseClick(harness.view.fullscreen_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(harness.window.isFullScreen, timeout=3000)
    xdotool("key", "Escape")
    qtbot.waitUntil(lambda: not harness.window.isFullScreen(), timeout=3000)
    assert harness.player.state == "playing"  # the window stayed active throughout


def test_closing_while_the_file_is_checked_plays_nothing(make_player, clip, qtbot) -> None:
    harness = make_player()
    assert harness.player.open_course(course_for(clip))
    harness.player.close_course()
    qtbot.waitUntil(lambda: not harness.player.worker_busy, timeout=10_000)
    qtbot.wait(300)  # the check's queued report has been delivered and ignored
    assert harness.player.course is None and harness.player.state == "idle"
    assert harness.backend.state() == "idle"
    # And the learner can open a course again at once.
    with qtbot.waitSignal(harness.player.course_opened, timeout=10_000):
        assert harness.player.open_course(course_for(clip))


@pytest.mark.protection
def test_jump_to_the_very_end_is_undone(make_player, clip, qtbot) -> None:
    """A set_time to the last frame ends playback before any poll can roll it back."""
    harness = make_player()
    harness.open(course_for(clip), min_position_ms=2000)
    before = harness.backend.position_ms()
    harness.backend.set_position_ms(clip.duration_ms - 50)
    qtbot.waitUntil(
        lambda: any(t.kind == TamperKind.FORWARD_JUMP for t in harness.tampers), timeout=3000
    )
    qtbot.waitUntil(lambda: 0 < harness.backend.position_ms() < before + 5000, timeout=5000)
    assert harness.player.state == "playing"
    assert not any(isinstance(e, Ended) for e in harness.events)
    assert harness.player.furthest_ms < before + 5000


def test_pausing_before_the_resume_point_is_reached_keeps_it(make_player, clip, qtbot) -> None:
    resume = make_player().resume_path
    JsonFileResumeStore(resume).save("learner-1", "c1", 12_000)
    harness = make_player(resume_path=resume)
    with qtbot.waitSignal(harness.player.course_opened, timeout=10_000):
        harness.player.open_course(course_for(clip))
    harness.player.pause(PauseReason.USER)  # at once, before VLC reports any time
    qtbot.waitUntil(lambda: not harness.player.worker_busy, timeout=5000)
    assert JsonFileResumeStore(resume).position_ms("learner-1", "c1") >= 12_000


def test_a_hold_pauses_and_refuses_play_until_released(make_player, clip) -> None:
    """The app holds playback during a face check, after a missed prompt and when the
    server stops study: Play (a click or the space bar) does nothing until released."""
    harness = make_player()
    harness.open(course_for(clip))
    refused = []
    harness.player.refused.connect(refused.append)
    harness.player.hold(PauseReason.FACE_CHECK)
    assert harness.player.state == "paused"
    assert harness.player.last_pause_reason is PauseReason.FACE_CHECK
    harness.player.play()
    harness.qtbot.mouseClick(harness.view.play_button, Qt.MouseButton.LeftButton)
    assert harness.player.state == "paused" and refused.count("on_hold") == 2
    advance, _elapsed = harness.measure_advance(lambda: None, settle_s=1.0)
    assert advance < 300
    harness.player.release(PauseReason.FACE_CHECK)
    harness.player.play()
    assert harness.player.state == "playing" and not harness.player.holds
    # A hold ends with its course.
    harness.player.hold(PauseReason.PROMPT_MISSED)
    harness.player.close_course()
    assert not harness.player.holds


def test_resume_positions_belong_to_the_learner_who_studied(make_player, clip) -> None:
    harness = make_player()
    harness.player.set_learner("learner-a")
    harness.open(course_for(clip), min_position_ms=2500)
    harness.player.close_course()
    with pytest.raises(RuntimeError):
        harness.open(course_for(clip), min_position_ms=0)
        harness.player.set_learner("learner-b")
    harness.player.close_course()
    harness.player.set_learner("learner-b")
    harness.open(course_for(clip), min_position_ms=0)
    started = [e for e in harness.events if isinstance(e, Started)]
    closed = next(e for e in harness.events if isinstance(e, Paused))  # a's first closing
    assert started[0].resumed_from_ms == 0  # a's first opening
    # a again, where a closed (the guard's position, which may trail VLC's on a busy
    # machine: compared with what was saved, not with a time)
    assert started[1].resumed_from_ms == closed.position_ms > 0
    assert started[-1].resumed_from_ms == 0  # b starts at the beginning


def test_space_pauses_and_plays_on_the_study_page_wherever_the_focus_is(
    make_player, clip, qtbot
) -> None:
    """As in every player, Space pauses and plays, through the play button's own path:
    also when the focus is on "Close the course" (a button takes Space as a click), and
    never past a hold. A pause saves the place to resume from."""
    harness = make_player(study_page=True)
    page = harness.window.centralWidget()
    harness.open(course_for(clip))
    page.back_button.setFocus()
    qtbot.waitUntil(page.back_button.hasFocus, timeout=5000)
    xdotool("key", "--clearmodifiers", "space")
    qtbot.waitUntil(lambda: harness.player.state == "paused", timeout=PAUSE_WAIT_MS)
    assert harness.player.last_pause_reason is PauseReason.USER
    assert harness.player.course is not None and page.close_box is None
    paused = [e for e in harness.events if isinstance(e, Paused)][-1]
    qtbot.waitUntil(lambda: not harness.player.worker_busy, timeout=5000)
    saved = JsonFileResumeStore(harness.resume_path).position_ms("learner-1", "c1")
    assert saved == paused.position_ms > 0
    xdotool("key", "--clearmodifiers", "space")
    qtbot.waitUntil(lambda: harness.player.state == "playing", timeout=PAUSE_WAIT_MS)
    advance, elapsed = harness.measure_advance(lambda: None, settle_s=1.0)
    assert_normal_advance(advance, elapsed)
    assert harness.tampers == []
    refused = []
    harness.player.refused.connect(refused.append)
    harness.player.hold(PauseReason.FACE_CHECK)
    xdotool("key", "--clearmodifiers", "space")
    qtbot.waitUntil(lambda: refused == ["on_hold"], timeout=5000)
    assert harness.player.state == "paused"


def test_closing_the_course_asks_first(make_player, clip, qtbot) -> None:
    harness = make_player(study_page=True)
    page = harness.window.centralWidget()
    closing = []
    page.back_requested.connect(lambda: closing.append(True))
    harness.open(course_for(clip))
    qtbot.mouseClick(page.back_button, Qt.MouseButton.LeftButton)
    box = page.close_box
    assert box is not None and box.isVisible()
    assert box.button(QMessageBox.StandardButton.No).text() == "继续学习"
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # the learner changed their mind
    qtbot.waitUntil(lambda: page.close_box is None, timeout=5000)
    assert closing == [] and harness.player.course is not None
    qtbot.mouseClick(page.back_button, Qt.MouseButton.LeftButton)
    assert page.close_box is not None
    page.close_box.button(QMessageBox.StandardButton.Yes).click()
    assert closing == [True]
