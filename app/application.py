"""Builds the Qt application and wires the subsystems together."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
from pathlib import Path

from app.demo import DEMO_LEARNER_ID, demo_courses
from app.i18n import DEFAULT_LANGUAGE, install_language
from app.main_window import MainWindow
from app.single_instance import SingleInstance
from app.store_messages import store_error_text
from app.study_recorder import StudySessionRecorder
from player.backend import BackendUnavailableError, VlcBackend
from player.events import PlayerEvent
from player.facade import LockedPlayer
from player.messages import refusal_text
from qt_binding import QApplication, QCoreApplication, QGuiApplication, QMessageBox, QTimer
from sync.qt_facade import StudyStoreService
from sync.store_worker import StoreOpened

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


def _quit_after(args: argparse.Namespace, app: QApplication, window: MainWindow) -> None:
    """--quit-after (and --screenshot): for headless checks and tests."""

    def finish() -> None:
        if args.screenshot is not None:
            screen = QGuiApplication.primaryScreen()
            # grabWindow reads the screen, so libVLC's native video surface is in it.
            shot = screen.grabWindow(int(window.winId()))
            args.screenshot.parent.mkdir(parents=True, exist_ok=True)
            shot.save(str(args.screenshot))
            log.info("screenshot written")  # not the path: it names the OS user
        window.close()
        app.exit(0)

    QTimer.singleShot(int(args.quit_after * 1000), finish)


def _quit_on_termination_signals(app: QApplication, window: MainWindow) -> None:
    """SIGTERM (logout, a service manager) and Ctrl+C close the window like a click on
    its close button, so the course is paused and its position saved."""

    def request_quit(signum: int, _frame: object) -> None:
        log.info("termination signal", extra={"data": {"signal": signum}})
        QTimer.singleShot(0, window.close)
        QTimer.singleShot(0, app.quit)

    signal.signal(signal.SIGTERM, request_quit)
    signal.signal(signal.SIGINT, request_quit)
    # Python runs signal handlers only between bytecodes; wake it while Qt waits.
    wake = QTimer(app)
    wake.timeout.connect(lambda: None)
    wake.start(250)


def run(args: argparse.Namespace, data_dir: Path) -> int:
    app = QApplication.instance() or QApplication([])
    app.setApplicationName("vocational-learning-client")
    install_language(app, args.lang or os.environ.get("APP_LANG") or DEFAULT_LANGUAGE)
    title = QCoreApplication.translate("MainWindow", "Vocational Training Client")

    instance = SingleInstance()
    if not instance.acquire():
        return 0

    try:
        backend = VlcBackend()
    except BackendUnavailableError as error:
        log.error("player unavailable: %s", error)
        QMessageBox.critical(None, title, refusal_text("backend_unavailable"))
        instance.release()
        return 3
    log.info("libVLC ready", extra={"data": {"libvlc": backend.version()}})

    # The encrypted store opens on its own thread (key from the OS key store, chain
    # verified); the first course opens once it is ready.
    store = StudyStoreService(data_dir / "study.db")
    courses = demo_courses(data_dir / "media")
    player = LockedPlayer(backend, store.resume_store(), learner_id=DEMO_LEARNER_ID)
    StudySessionRecorder(player, store, DEMO_LEARNER_ID, demo=True, parent=player)
    _log_player(player)
    window = MainWindow(player, courses, demo=True)
    instance.activation_requested.connect(window.bring_to_front)
    window.show()
    exit_code = 0

    def store_opened(opened: StoreOpened) -> None:
        log.info(
            "study store open",
            extra={"data": {"integrity_problems": len(opened.integrity_problems)}},
        )
        first = next((c for c in courses if c.course_id == args.course), courses[0])
        window.open_course(first)

    def store_failed(code: str) -> None:
        nonlocal exit_code
        exit_code = 4
        # No plaintext fallback: say what happened and what to do, then stop. Opened,
        # not exec()'d: a nested event loop would outlive a quit request.
        box = QMessageBox(QMessageBox.Icon.Critical, title, store_error_text(code), parent=window)
        box.finished.connect(lambda _result: app.exit(exit_code))
        box.open()

    store.opened.connect(store_opened)
    store.failed.connect(store_failed)
    store.start()

    if args.quit_after is not None:
        _quit_after(args, app, window)
    app.aboutToQuit.connect(player.shutdown)
    _quit_on_termination_signals(app, window)
    code = app.exec()
    store.close()  # after the player's last events and position: all committed
    backend.release()
    instance.release()
    code = code or exit_code
    log.info("client exited", extra={"data": {"code": code}})
    return code
