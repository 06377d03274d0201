"""A real libVLC player in a real Qt window on the test display, and the controls of a
typical media player that `--disable-protections` installs to prove the protection
tests can fail."""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from app.demo_media import GeneratedClip
from player.backend import VlcBackend
from player.events import PlayerEvent, Tamper
from player.facade import LockedPlayer, PlayerTiming
from player.media_check import CourseMedia
from player.resume import JsonFileResumeStore
from player.widget import PlayerView
from qt_binding import QEvent, QMainWindow, QObject, Qt


def course_for(clip: GeneratedClip, course_id: str = "c1", **overrides: object) -> CourseMedia:
    values: dict[str, object] = {
        "course_id": course_id,
        "title": "测试课程",
        "path": clip.path,
        "sha256": clip.sha256,
        "duration_ms": clip.duration_ms,
        "size_bytes": clip.size_bytes,
    }
    values.update(overrides)
    return CourseMedia(**values)  # type: ignore[arg-type]


def xdotool(*args: str) -> str:
    done = subprocess.run(
        ["xdotool", *args], capture_output=True, text=True, timeout=10, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"xdotool {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout.strip()


class UnlockedControls(QObject):
    """What a typical media player does and ours must not: seek on a click, drag or wheel
    on the progress bar or the video, on arrow and page keys, and change speed on +/-.
    Installed only under --disable-protections, to prove the input tests can fail."""

    def __init__(self, view: PlayerView) -> None:
        super().__init__(view)
        self.view = view
        self.bars = (view.progress, view.surface)
        for widget in self.bars:
            widget.installEventFilter(self)
        view.window().removeEventFilter(view)
        view.window().installEventFilter(self)

    def _seek_by(self, delta_ms: int) -> None:
        backend = self.view.player.backend
        backend.set_position_ms(max(0, backend.position_ms() + delta_ms))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched in self.bars:
            if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove) and (
                event.buttons() & Qt.MouseButton.LeftButton
            ):
                duration = self.view.player.course.duration_ms if self.view.player.course else 0
                fraction = event.position().x() / max(1, watched.width())
                self.view.player.backend.set_position_ms(int(duration * fraction))
                return True
            if kind == QEvent.Type.Wheel:
                self._seek_by(10_000 if event.angleDelta().y() < 0 else -10_000)
                return True
            return False
        if kind == QEvent.Type.KeyPress:
            key = event.key()
            steps = {
                Qt.Key.Key_Right: 10_000,
                Qt.Key.Key_Left: -10_000,
                Qt.Key.Key_PageDown: 60_000,
                Qt.Key.Key_PageUp: -60_000,
                Qt.Key.Key_End: 10**9,
                Qt.Key.Key_Home: -(10**9),
                Qt.Key.Key_MediaNext: 30_000,
            }
            if key in steps:
                self._seek_by(steps[key])
                return True
            if key in (Qt.Key.Key_Plus, Qt.Key.Key_BracketRight):
                self.view.player.backend.set_rate(2.0)
                return True
        return False


@dataclass
class PlayerHarness:
    player: LockedPlayer
    view: PlayerView
    window: QMainWindow
    backend: VlcBackend
    resume_path: Path
    qtbot: object
    events: list[PlayerEvent] = field(default_factory=list)

    def record(self, event: PlayerEvent) -> None:
        self.events.append(event)

    @property
    def window_id(self) -> str:
        return str(int(self.window.winId()))

    @property
    def tampers(self) -> list[Tamper]:
        return [e for e in self.events if isinstance(e, Tamper)]

    def open(self, course: CourseMedia, min_position_ms: int = 1500) -> None:
        with self.qtbot.waitSignal(self.player.course_opened, timeout=10_000):
            assert self.player.open_course(course)
        self.wait_position(min_position_ms)

    def wait_position(self, at_least_ms: int, timeout: int = 15_000) -> None:
        self.qtbot.waitUntil(lambda: self.backend.position_ms() >= at_least_ms, timeout=timeout)

    def activate(self) -> None:
        xdotool("windowactivate", "--sync", self.window_id)
        self.qtbot.waitUntil(self.window.isActiveWindow, timeout=5000)

    def measure_advance(self, action, settle_s: float = 1.5) -> tuple[int, int]:
        """Run `action`, then report (position advance, monotonic time elapsed) in ms."""
        start_pos = self.backend.position_ms()
        start = time.monotonic()
        action()
        self.qtbot.wait(int(settle_s * 1000))
        return self.backend.position_ms() - start_pos, int((time.monotonic() - start) * 1000)


@pytest.fixture
def make_player(default_language, qtbot, tmp_path: Path, protections: bool, emits_on_gui_thread):
    """Build players on demand; each is shown, activated and torn down after the test."""
    made: list[PlayerHarness] = []

    def build(
        resume_path: Path | None = None,
        backend_args: tuple[str, ...] = (),
        timing: PlayerTiming | None = None,
        study_page: bool = False,
    ) -> PlayerHarness:
        backend = VlcBackend(backend_args)
        resume_path = resume_path or tmp_path / "resume.json"
        player = LockedPlayer(
            backend,
            JsonFileResumeStore(resume_path),
            learner_id="learner-1",
            timing=timing,
            guard_enabled=protections,
        )
        window = QMainWindow()
        if study_page:  # the player inside the client's study page, with its keys
            from app.study_page import StudyPage

            page = StudyPage(player, window)
            view = page.player_view
            window.setCentralWidget(page)
        else:
            view = PlayerView(player, window)
            window.setCentralWidget(view)
        window.resize(800, 520)
        if protections:
            view.watch_window(window)
        else:
            UnlockedControls(view)
            player.attention.lost.disconnect(player._on_attention_lost)
        emits_on_gui_thread.watch(player)
        harness = PlayerHarness(player, view, window, backend, resume_path, qtbot)
        player.event.connect(harness.record)
        window.show()
        qtbot.waitExposed(window)
        harness.activate()
        made.append(harness)
        return harness

    yield build
    for harness in made:
        harness.player.shutdown()
        harness.window.close()
        harness.backend.release()
