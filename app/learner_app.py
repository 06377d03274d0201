"""The learner's application: the three journeys wired together. `SignInFlow` signs the
learner in, `StudyFlow` runs the courses and studying, `RecordsFlow` the records and the
profile; this object starts and ends a learner's time at the PC (the sign-in completes,
the server or the learner signs out, another learner takes over). Every request goes
through `SyncService` (one worker thread) as a typed request with its own callbacks;
every study event through the encrypted store."""

from __future__ import annotations

import logging
from pathlib import Path

from app.courses_page import minutes
from app.face_check_flow import FaceCheckFlow
from app.main_window import MainWindow
from app.messages import sign_out_text
from app.records_flow import RecordsFlow
from app.sign_in_flow import SignInFlow
from app.study_flow import StudyFlow
from player.facade import LockedPlayer
from qt_binding import QObject, QTimer
from sync.qt_facade import StudyStoreService, SyncService

log = logging.getLogger(__name__)

# While signed in, today's credit is asked for every 15 s: it keeps the courses page
# current, and a learner idle outside a course (no heartbeats) learns within 15 s that
# the account signed in elsewhere.
TODAY_REFRESH_MS = 15_000


class LearnerApp(QObject):
    def __init__(
        self,
        window: MainWindow,
        sync: SyncService,
        store: StudyStoreService,
        player: LockedPlayer,
        faces: FaceCheckFlow,
        media_dir: Path,
        demo: bool,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.sync = sync
        self.player = player
        self.faces = faces
        self.sign_in_flow = SignInFlow(window, sync, faces)
        self.study_flow = StudyFlow(window, sync, store, player, faces, media_dir, demo)
        self.records_flow = RecordsFlow(window, sync)
        self._today_timer = QTimer(self)
        self._today_timer.setInterval(TODAY_REFRESH_MS)
        self._today_timer.timeout.connect(self.study_flow.refresh_today)
        self.sign_in_flow.identified.connect(self.study_flow.set_learner)
        self.sign_in_flow.completed.connect(self._on_signed_in)
        self.study_flow.sign_out_needed.connect(self._on_check_sign_out)
        sync.study_stopped.connect(self._on_study_stopped)
        window.sign_out_requested.connect(self.sign_out)
        window.switch_learner_requested.connect(self.switch_learner)

    def close_course(self) -> None:
        self.study_flow.close_course()

    def sign_out(self) -> None:
        self._end_signed_out(sign_out_text("signed_out"), server_sign_out=True)

    def switch_learner(self) -> None:
        """Another learner wants this PC: the first is signed out (flushed, paused, told)
        before the sign-in page appears; the server revokes the session as well."""
        self._end_signed_out(
            self.tr("The previous learner was signed out. The next learner can sign in now."),
            server_sign_out=True,
        )

    def _on_signed_in(self) -> None:
        self.window.signed_in(True)
        self.window.show_page("courses")
        self.study_flow.refresh_courses()
        self.records_flow.load_profile()
        self._today_timer.start()

    def _on_check_sign_out(self, reason: str) -> None:
        self._end_signed_out(sign_out_text(reason), server_sign_out=True)

    def _on_study_stopped(self, code: str, reason: str) -> None:
        log.warning("study stopped", extra={"data": {"code": code, "reason": reason}})
        if code == "signed_out" and self.window.is_signed_in:  # not this client's own
            self._end_signed_out(sign_out_text(reason), server_sign_out=False)

    def _end_signed_out(self, text: str, server_sign_out: bool) -> None:
        """Pause, flush, close the course, back to the sign-in page with the reason.
        Nothing of the learner who leaves stays on screen for the next one."""
        self._today_timer.stop()
        self.study_flow.end()
        self.records_flow.forget()
        self.sign_in_flow.forget()
        if server_sign_out:
            self.sync.sign_out()
        else:
            self.sync.flush()
        self.window.signed_in(False)
        self.window.show_page("sign_in")
        self.window.sign_in_page.show_error(text)
        self.window.show_notice("")
        log.info("signed out locally")


__all__ = ["LearnerApp", "minutes"]
