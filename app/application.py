"""Builds the Qt application and wires the subsystems together.

The window appears first (sign-in page); the encrypted store opens on its worker, the
demo platform (demo only) starts on another, and the face models load on the face
check's worker when the first check runs: nothing heavy delays the first paint."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import urllib.parse
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from app.build_info import BuildInfo, BuildInfoError, build_info
from app.i18n import DEFAULT_LANGUAGE, LANGUAGES, install_language
from app.machine_identity import machine_id
from app.main_window import MainWindow
from app.messages import platform_problem_text
from app.provisioning import PlatformChoice, choose_platform, profile_locations, store_keys
from app.single_instance import SingleInstance
from app.store_messages import store_error_text
from player.backend import BackendUnavailableError, VlcBackend
from player.events import PlayerEvent
from player.facade import LockedPlayer
from player.messages import refusal_text
from qt_binding import (
    QApplication,
    QCoreApplication,
    QGuiApplication,
    QMessageBox,
    QObject,
    QTimer,
    QWidget,
    Signal,
)
from qt_binding.gui_thread import GuiHandoff
from sync.keystore import MachineKeyFile, StoreKeySource
from sync.qt_facade import StudyStoreService
from sync.store_worker import StoreOpened

if TYPE_CHECKING:
    # Loaded on demand at run time (the demo platform, the session's subsystems, the
    # scripted learner): imported here for their types only.
    from app.autopilot import Autopilot
    from app.demo_platform import DemoPlatform
    from app.kiosk import KioskGuard
    from app.learner_app import LearnerApp
    from sync.engine import SyncStatus
    from sync.http_client import PlatformClient
    from sync.qt_facade import SyncService
    from verification.frames import FrameSource
    from verification.simulated_face import SimulatedCamera

log = logging.getLogger("app")


def _log_player_event(event: PlayerEvent) -> None:
    # Plain data only: course ids and positions, no personal data.
    data = {"event": type(event).__name__.lower(), **_event_fields(event)}
    log.info("player event", extra={"data": data})


def _event_fields(event: PlayerEvent) -> dict[str, object]:
    fields = dict(vars(event))
    return json.loads(json.dumps(fields, default=str))


def _log_player(player: LockedPlayer) -> None:
    player.event.connect(_log_player_event)
    player.state_changed.connect(
        lambda state: log.info("player state", extra={"data": {"state": state}})
    )
    player.media_error.connect(
        lambda problem, _detail: log.warning("media problem", extra={"data": {"problem": problem}})
    )
    player.refused.connect(
        lambda reason: log.info("course refused", extra={"data": {"reason": reason}})
    )


def _quit_after(args: argparse.Namespace, app: QCoreApplication, window: MainWindow) -> None:
    """--quit-after (and --screenshot): for headless checks and tests."""

    def finish() -> None:
        if args.screenshot is not None:
            save_screenshot(window, args.screenshot)
        window.close()
        app.exit(0)

    QTimer.singleShot(int(args.quit_after * 1000), finish)


def save_screenshot(window: QWidget, path: Path) -> None:
    screen = QGuiApplication.primaryScreen()
    # grabWindow reads the screen, so libVLC's native video surface is in it.
    shot = screen.grabWindow(int(window.winId()))
    path.parent.mkdir(parents=True, exist_ok=True)
    shot.save(str(path))
    log.info("screenshot written")  # not the path: it names the OS user


def _quit_on_termination_signals(app: QCoreApplication, window: MainWindow) -> None:
    """SIGTERM (logout, a service manager) and Ctrl+C close the window like a click on
    its close button, so the course is paused and its position saved. A kiosk lets the
    system close it without the PIN, and exits 128 + the signal: the kiosk session
    reads 0 as the administrator's close and would end instead of restarting it."""

    def request_quit(signum: int, _frame: object) -> None:
        log.info("termination signal", extra={"data": {"signal": signum}})
        guard = window.kiosk_guard
        if guard is not None:
            guard.allow_system_close()
        QTimer.singleShot(0, window.close)
        if guard is not None:
            QTimer.singleShot(0, lambda: app.exit(128 + signum))
        else:
            QTimer.singleShot(0, app.quit)

    signal.signal(signal.SIGTERM, request_quit)
    signal.signal(signal.SIGINT, request_quit)
    # Python runs signal handlers only between bytecodes; wake it while Qt waits.
    wake = QTimer(app)
    wake.timeout.connect(lambda: None)
    wake.start(250)


class Settings:
    """The learner's preferences (language), in a small JSON file of the data folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.values = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.values = {}

    def get(self, key: str, default: str | None = None) -> str | None:
        value = self.values.get(key, default)
        return value if isinstance(value, str) else default

    def set(self, key: str, value: str) -> None:
        self.values[key] = value
        try:
            self.path.write_text(json.dumps(self.values), encoding="utf-8")
        except OSError:
            log.warning("settings not saved")


# The platform's base URL, the demo's own platform (None: another one), a camera exists.
PlatformFound = tuple[str, "DemoPlatform | None", bool]


class PlatformStarter(QObject):
    """Finds the platform to talk to off the GUI thread: the demo's own (started and
    seeded here, which takes seconds the first time) or the configured address. The demo
    also looks for a camera here (probing devices can take a while on some systems)."""

    ready = Signal(object)  # PlatformFound
    failed = Signal(str)

    def start(self, args: argparse.Namespace, data_dir: Path, base_url: str | None) -> None:
        if not args.demo:
            self.ready.emit((base_url, None, True))
            return

        def find() -> PlatformFound:
            from app.demo_platform import start_demo_platform  # noqa: PLC0415

            platform = start_demo_platform(data_dir / "demo-platform")
            return platform.base_url, platform, _has_camera()

        GuiHandoff(self).run(find, self.ready.emit, self._on_failed, name="demo-platform")

    def _on_failed(self, error: BaseException) -> None:
        # A bug or a broken install: say so and stop.
        log.error("demo platform failed to start", exc_info=error)
        self.failed.emit(type(error).__name__)


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def is_loopback_url(url: str | None) -> bool:
    return bool(url) and urllib.parse.urlsplit(url).hostname in LOOPBACK_HOSTS


def simulated_camera_allowed(args: argparse.Namespace, base_url: str | None) -> bool:
    """The simulated camera (and so the scripted learner) drives only the demo's own
    in-process platform, or in a source run a test's server on this machine: never
    another server, whatever the environment says, and a packaged build only its
    embedded demo. The server has the last word: it refuses evidence from a simulated
    camera outside demo mode."""
    if args.demo:
        return True
    if getattr(sys, "frozen", False):
        return False
    return os.environ.get("APP_ALLOW_SIMULATED_CAMERA") == "1" and is_loopback_url(base_url)


def make_open_camera(
    args: argparse.Namespace, has_camera: bool, base_url: str | None
) -> tuple[Callable[[], FrameSource], bool]:
    """What the face checks read: the camera, or (demo, tests) an animated photo."""
    allowed = simulated_camera_allowed(args, base_url)
    if args.simulated_camera is not None or (args.demo and not has_camera):
        from verification.frames import FrameFileError  # noqa: PLC0415
        from verification.simulated_face import make_simulated_camera  # noqa: PLC0415

        photo_path = args.simulated_camera

        def open_simulated() -> SimulatedCamera:
            import cv2  # noqa: PLC0415

            if photo_path is not None:
                photo = cv2.imread(str(photo_path))
                if photo is None:
                    raise FrameFileError("the simulated camera's photo cannot be read")
            else:
                from app.demo_platform import demo_photo  # noqa: PLC0415

                photo = demo_photo()
            return make_simulated_camera(photo, allow_simulated_camera=allowed)

        return open_simulated, True
    from verification.frames import FrameSourceSettings, make_frame_source  # noqa: PLC0415

    return (lambda: make_frame_source(FrameSourceSettings())), False


def _has_camera() -> bool:
    from verification.frames import list_cameras  # noqa: PLC0415

    try:
        return bool(list_cameras())
    except Exception:
        return False


class _State(TypedDict, total=False):
    """What `run` has learnt so far; `_connect` runs once the store and the platform are
    both known."""

    opened: StoreOpened
    choice: PlatformChoice  # where the platform is and under which profile
    keys: StoreKeySource  # where the study store's key comes from (the profile says)
    platform: str  # the platform's base URL
    has_camera: bool
    demo_platform: DemoPlatform
    controller: _Session


def run(args: argparse.Namespace, data_dir: Path) -> int:  # noqa: PLR0915 - the wiring
    app = QApplication.instance() or QApplication([])
    app.setApplicationName("vocational-learning-client")
    settings = Settings(data_dir / "settings.json")
    language = args.lang or os.environ.get("APP_LANG") or settings.get("language")
    install_language(app, language if language in LANGUAGES else DEFAULT_LANGUAGE)
    title = QCoreApplication.translate("MainWindow", "Vocational Training Client")

    instance = SingleInstance()
    if not instance.acquire():
        return 0
    try:
        build = build_info()
    except BuildInfoError as error:
        log.error("broken build: %s", error)
        QMessageBox.critical(None, title, platform_problem_text("broken_build"))
        instance.release()
        return 5

    try:
        backend = VlcBackend()
    except BackendUnavailableError as error:
        log.error("player unavailable: %s", error)
        QMessageBox.critical(None, title, refusal_text("backend_unavailable"))
        instance.release()
        return 3
    log.info("libVLC ready", extra={"data": {"libvlc": backend.version()}})

    from app.diagnostics_page import DiagnosticsPage  # noqa: PLC0415
    from app.records_page import RecordsPage  # noqa: PLC0415

    choice = choose_platform(
        build,
        demo=args.demo,
        server=args.server,
        profile_path=args.profile,
        locations=profile_locations(),
    )
    keys = store_keys(choice, build)
    store = StudyStoreService(data_dir / "study.db", keys=keys)
    player = LockedPlayer(backend, store.resume_store(), learner_id="")
    _log_player(player)
    window = MainWindow(player, RecordsPage(), DiagnosticsPage(), demo=args.demo)
    instance.activation_requested.connect(window.bring_to_front)
    window.show_page("sign_in")
    window.sign_in_page.set_busy(True, QCoreApplication.translate("SignInPage", "Starting…"))
    window.show()
    log.info("window shown")
    exit_code = 0
    state: _State = {"choice": choice, "keys": keys}

    def change_language(code: str) -> None:
        install_language(app, code)
        settings.set("language", code)
        window.retranslate()

    window.language_requested.connect(change_language)

    def try_connect() -> None:
        if "opened" not in state or "platform" not in state or "controller" in state:
            return
        state["controller"] = _connect(args, build, data_dir, window, store, player, state, backend)

    def store_opened(opened: StoreOpened) -> None:
        log.info(
            "study store open",
            extra={"data": {"integrity_problems": len(opened.integrity_problems)}},
        )
        state["opened"] = opened
        try_connect()

    def store_failed(code: str) -> None:
        nonlocal exit_code
        exit_code = 4
        # No plaintext fallback: say what happened and what to do, then stop. Opened,
        # not exec()'d: a nested event loop would outlive a quit request.
        box = QMessageBox(QMessageBox.Icon.Critical, title, store_error_text(code), parent=window)
        box.finished.connect(lambda _result: app.exit(exit_code))
        box.open()

    def platform_ready(found: PlatformFound) -> None:
        base_url, demo_platform, state["has_camera"] = found
        state["platform"] = base_url
        if demo_platform is not None:
            state["demo_platform"] = demo_platform
            window.sign_in_page.show_demo_hint(
                demo_platform.login, demo_platform.password, demo_platform.phone
            )
        try_connect()

    def platform_failed(code: str) -> None:
        # Stays busy: with no platform there is nothing to sign in to.
        text = QCoreApplication.translate("SignInPage", "The demo platform could not start (%1).")
        window.sign_in_page.show_status(text.replace("%1", code), error=True)

    store.opened.connect(store_opened)
    store.failed.connect(store_failed)
    store.start()
    starter = PlatformStarter(window)
    starter.ready.connect(platform_ready)
    starter.failed.connect(platform_failed)
    if choice.problem is not None:
        log.warning("no platform to connect to", extra={"data": {"problem": choice.problem}})
        window.sign_in_page.show_status(platform_problem_text(choice.problem), error=True)
    else:
        starter.start(args, data_dir, choice.base_url)

    profile = choice.profile.profile if choice.profile else None
    if args.kiosk or (profile is not None and profile.kiosk):
        _enter_kiosk(window, profile.kiosk_exit_pin if profile else "", state)
    if args.quit_after is not None:
        _quit_after(args, app, window)
    pilot = _autopilot(args, window, state, app)
    if pilot is not None:
        pilot.start()
    app.aboutToQuit.connect(player.shutdown)
    _quit_on_termination_signals(app, window)
    code = app.exec()
    controller = state.get("controller")
    if controller is not None:
        controller.shutdown()
    store.close()  # after the player's last events and position: all committed
    if "demo_platform" in state:
        state["demo_platform"].stop()
    backend.release()
    instance.release()
    code = code or exit_code
    log.info("client exited", extra={"data": {"code": code}})
    return code


def _enter_kiosk(window: MainWindow, pin_hash: str, state: _State) -> KioskGuard:
    from app.kiosk import KioskGuard, SendOutcome  # noqa: PLC0415

    def send_records() -> Future[SendOutcome] | None:
        controller = state.get("controller")
        if controller is None:
            return None
        outcome: Future[SendOutcome] = Future()

        def settled(flushed: Future[SyncStatus]) -> None:
            if flushed.exception() is not None:
                outcome.set_result(SendOutcome(None, reachable=False))
                return
            status = flushed.result()
            # A permanently refused outbox is not the platform taking records: the
            # administrator decides, as when it cannot be reached.
            taking = status.online and status.upload_error is None
            outcome.set_result(SendOutcome(status.pending, reachable=taking))

        controller.sync.engine.flush().add_done_callback(settled)
        return outcome

    if not pin_hash:
        log.warning("kiosk without an exit PIN: only the system can close the client")
    log.info("kiosk mode")
    guard = KioskGuard(window, pin_hash, send_records, window.settings_menu)
    window.kiosk_guard = guard
    return guard


def _autopilot(
    args: argparse.Namespace, window: MainWindow, state: _State, app: QCoreApplication
) -> Autopilot | None:
    """The demo tour or a test's script, when asked for and allowed."""
    if not (args.tour or args.autopilot):
        return None
    # The same gate as the simulated camera: the demo, or a test run of a source build
    # on this machine (otherwise it would be an attendance bot). A refused profile
    # leaves no platform to reach: the address given on the command line is judged.
    target = state["choice"].base_url or args.server
    if not simulated_camera_allowed(args, target) or (args.tour and not args.demo):
        log.error("autopilot refused: demo and test runs only")
        return None
    from app.autopilot import Autopilot, demo_tour  # noqa: PLC0415

    def controller() -> LearnerApp | None:
        session = state.get("controller")
        return None if session is None else session.learner_app

    def failed(code: int) -> None:
        window.close()
        app.exit(code)

    if args.autopilot is not None:
        steps = json.loads(args.autopilot.read_text(encoding="utf-8"))
    else:
        from app.demo_platform import DEMO_LOGIN, DEMO_PASSWORD  # noqa: PLC0415

        steps = demo_tour(DEMO_LOGIN, DEMO_PASSWORD, args.screenshots_dir, args.quit_when_done)
    return Autopilot(window, steps, args.screenshots_dir, controller, failed)


class _Session:
    """What `_connect` built, and how to take it down at exit."""

    def __init__(self, learner_app: LearnerApp, sync: SyncService, client: PlatformClient) -> None:
        self.learner_app = learner_app
        self.sync = sync
        self.client = client

    def shutdown(self) -> None:
        self.learner_app.close_course()
        try:
            self.sync.engine.flush().result(15)
        except Exception:  # offline: the outbox keeps the events for next time
            log.info("events left in the outbox at exit")
        self.sync.close()
        self.client.close()


def _connect(
    args: argparse.Namespace,
    build: BuildInfo,
    data_dir: Path,
    window: MainWindow,
    store: StudyStoreService,
    player: LockedPlayer,
    state: _State,
    backend: VlcBackend,
) -> _Session:
    """Store open and platform known: the sync engine, the face checks, the controller."""
    from app.diagnostics_page import DiagnosticsService, client_collector  # noqa: PLC0415
    from app.diagnostics_page import wire as wire_diagnostics  # noqa: PLC0415
    from app.environment_watch import EnvironmentSampler, EnvironmentWatch  # noqa: PLC0415
    from app.face_check_flow import FaceCheckFlow  # noqa: PLC0415
    from app.learner_app import LearnerApp  # noqa: PLC0415
    from sync.engine import SyncEngine  # noqa: PLC0415
    from sync.http_client import ConnectionSettings, PlatformClient  # noqa: PLC0415
    from sync.qt_facade import SyncService  # noqa: PLC0415
    from verification.face_embedding import FaceEmbedder  # noqa: PLC0415
    from verification.qt_facade import FaceCheckService  # noqa: PLC0415

    choice = state["choice"]
    settings = ConnectionSettings(
        base_url=str(state["platform"]),
        # A profile's trust is the whole trust: no command-line CA may widen it.
        ca_bundle=_institution_ca(choice, data_dir) if choice.profile else args.ca_bundle,
        pinned_spki_sha256=choice.pins,
        read_timeout_s=30.0,
    )
    client = PlatformClient(settings)
    opened = state["opened"]
    sampler = EnvironmentSampler()
    sync = SyncService(
        lambda on_status: SyncEngine(
            client,
            store.worker,
            opened,
            on_status,
            identity=choice.identity(build, machine_id()),
            environment=sampler.sample,
        ),
        parent=window,
    )
    from app.update_flow import UpdateFlow  # noqa: PLC0415

    channel = choice.profile.profile.update_channel if choice.profile else "stable"
    UpdateFlow(window, sync, build, data_dir / "updates", channel, window.show_notice).check()
    open_camera, simulated = make_open_camera(
        args, bool(state["has_camera"]), str(state["platform"])
    )
    faces_service = FaceCheckService(FaceEmbedder(), parent=window)
    flow = FaceCheckFlow(faces_service, open_camera, simulated, window)
    learner_app = LearnerApp(
        window,
        sync,
        store,
        player,
        flow,
        data_dir / "media",
        demo=args.demo,
    )
    EnvironmentWatch(sampler, learner_app.study_flow.recorder.record, player, parent=window)
    diagnostics = DiagnosticsService(
        client_collector(
            data_dir=data_dir,
            connection=settings,
            sync_status=lambda: sync.engine.status,
            vlc_version=backend.version,
            machine_key=keys if isinstance(keys := state["keys"], MachineKeyFile) else None,
        ),
        parent=window,
    )
    wire_diagnostics(window.diagnostics_page, diagnostics)
    window.page_requested.connect(lambda name: name == "diagnostics" and diagnostics.run())
    window.sign_in_page.set_busy(False)
    window.sign_in_page.show_status(
        QCoreApplication.translate("SignInPage", "Ready. Sign in to study.")
    )
    log.info("client ready", extra={"data": {"demo": bool(args.demo)}})
    return _Session(learner_app, sync, client)


def _institution_ca(choice: PlatformChoice, data_dir: Path) -> Path | None:
    """The profile's CA certificates as a file for the HTTP client (they are public)."""
    if not choice.extra_ca_pem:
        return None
    path = data_dir / "institution-ca.pem"
    path.write_text(choice.extra_ca_pem, encoding="ascii")
    return path
