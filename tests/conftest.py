"""Shared fixtures: a real libVLC player in a real Qt window on the Xvfb + openbox display
that `./dev.sh test` starts.

`--disable-protections` builds the same player with its protections switched off (no
playback guard, no attention monitor, and the usual media-player controls that seek on
clicks, drags, wheel and arrow keys). Tests marked `protection` must then fail:
`tests/test_protections_are_tested.py` runs them that way and checks that they do.
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import pytest

from app.demo_media import GeneratedClip, generate_clock_video
from player.backend import VlcBackend
from player.events import PlayerEvent, Tamper
from player.facade import LockedPlayer, PlayerTiming
from player.media_check import CourseMedia
from player.resume import JsonFileResumeStore
from player.widget import PlayerView
from qt_binding import QEvent, QMainWindow, QObject, Qt

REPO = Path(__file__).resolve().parent.parent

if TYPE_CHECKING:
    from tests.face_bursts import Sitter


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--disable-protections",
        action="store_true",
        help="build the player without its protections (protection tests must then fail)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "protection: checks a protection; must fail under --disable-protections"
    )
    # Private D-Bus daemons stand in for the desktop's session bus and the system bus, so
    # screen-lock and suspend signals can be sent for real. They must exist before Qt
    # first connects to a bus, hence here and not in a fixture.
    if shutil.which("dbus-daemon"):
        _PrivateBuses.start()
        if shutil.which("gnome-keyring-daemon"):
            _PrivateBuses.start_keyring()


GUI_TOOLS = ("xdotool", "xmessage", "dbus-daemon", "dbus-send")


@pytest.fixture(scope="session")
def display() -> str:
    """Tests with real windows need the display `./dev.sh test` starts: they fail, never
    skip, without it. Pure tests do not ask for this and run anywhere."""
    if not os.environ.get("DISPLAY"):
        pytest.fail("DISPLAY is not set: run the suite with ./dev.sh test (Xvfb + openbox)")
    missing = [tool for tool in GUI_TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: run the suite with ./dev.sh test")
    return os.environ["DISPLAY"]


def pytest_unconfigure(config: pytest.Config) -> None:
    _PrivateBuses.stop()


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


class _PrivateBuses:
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


@pytest.fixture
def dbus_buses() -> type[_PrivateBuses]:
    return _PrivateBuses


@pytest.fixture(scope="session")
def protections(request: pytest.FixtureRequest) -> bool:
    return not request.config.getoption("--disable-protections")


@pytest.fixture(scope="session")
def clip(tmp_path_factory: pytest.TempPathFactory) -> GeneratedClip:
    return generate_clock_video(tmp_path_factory.mktemp("media") / "clip.mp4", seconds=30)


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


@pytest.fixture
def emits_on_gui_thread():
    """Watch facades' signals (`watch.watch(facade)`); the test fails if one of them was
    emitted off the GUI thread (tests/gui_thread_watch.py)."""
    from tests.gui_thread_watch import EmitWatch

    watch = EmitWatch()
    yield watch
    assert watch.off_gui_thread == [], "emitted off the GUI thread"


@pytest.fixture(scope="session")
def default_language(display, qapp):
    """The client's default language is Simplified Chinese; tests see what learners see."""
    from app.i18n import DEFAULT_LANGUAGE, install_language

    assert install_language(qapp, DEFAULT_LANGUAGE), "zh_CN.qm missing: run ./dev.sh test"
    return DEFAULT_LANGUAGE


# -- the platform server on SQLite and on a real PostgreSQL ---------------------------


@pytest.fixture(scope="session")
def postgres_cluster(tmp_path_factory: pytest.TempPathFactory):
    """A private PostgreSQL on loopback for the whole run (`./dev.sh test` installs it)."""
    from tests.postgres_cluster import start_cluster

    cluster = start_cluster(tmp_path_factory.mktemp("pg"))
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database of each kind for one test."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'platform.db'}"
    cluster = request.getfixturevalue("postgres_cluster")
    name = "t" + os.urandom(6).hex()
    return cluster.create_database(name)


@pytest.fixture
def live_server(database_url: str, tmp_path: Path):
    from tests.server_harness import LiveServer

    with LiveServer.running(tmp_path / "server", database_url) as server:
        yield server


@dataclass(frozen=True)
class FaceJpegs:
    learner_photo: bytes  # the institution's ID photo of the learner
    other_photo: bytes  # another person's ID photo
    # Who sits in front of a check's camera (tests/face_bursts.py): the learner live (their
    # photo, in a dimmer room, animated to perform the challenge), somebody else live,
    # the learner's photo held still, and nobody.
    learner: Sitter
    other: Sitter
    still_photo: Sitter
    nobody: Sitter


@pytest.fixture
def world(live_server, tmp_path: Path, faces):
    """Two learners with enrolled faces and two courses on the live server."""
    from tests.server_harness import make_world

    return make_world(live_server, tmp_path, faces)


@pytest.fixture(scope="session")
def faces() -> FaceJpegs:
    """Real face photos (tests/face_images.py): as the JPEGs an institution enrolls, and
    as the sitters whose bursts a check sends."""
    import cv2

    from tests.face_bursts import Sitter
    from tests.face_images import face_photo, no_face_photo

    def jpeg(image) -> bytes:
        return cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()

    learner, other = face_photo("astronaut"), face_photo("grace_hopper")
    darker = cv2.convertScaleAbs(learner, alpha=0.8, beta=-10)  # a dimmer room
    return FaceJpegs(
        learner_photo=jpeg(learner),
        other_photo=jpeg(other),
        learner=Sitter("learner", darker),
        other=Sitter("other", other),
        still_photo=Sitter("still photo", darker, animated=False),
        nobody=Sitter("nobody", no_face_photo(), animated=False),
    )
