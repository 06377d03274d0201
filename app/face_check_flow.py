"""One face check at a time, as the learner sees it: the dialog with the live preview
and the prompts, a challenge from the server for each attempt, the check on its worker
(`FaceCheckService`), then the verdict. The server judges the evidence again and its
verdict is the one that counts, so the controller reports it back with `show_verdict`."""

from __future__ import annotations

import logging
from collections.abc import Callable

from qt_binding import QImage, QObject, QTimer, QWidget, Signal
from verification.check_dialog import FaceCheckDialog
from verification.check_runner import FaceCheckResult
from verification.frames import FrameSource
from verification.landmarks import QualityIssue
from verification.liveness import Challenge, LivenessState
from verification.qt_facade import FaceCheckService

log = logging.getLogger(__name__)

PASSED_DIALOG_MS = 1200  # long enough to read "passed", short enough not to annoy


class FaceCheckFlow(QObject):
    # Each attempt performs a challenge the server issues: the controller asks for one
    # and hands it to `begin` (or the refusal to `show_verdict`).
    challenge_wanted = Signal(str)  # purpose ("login" | "study")
    result_ready = Signal(str, object)  # purpose, FaceCheckResult
    passed = Signal(str)  # the dialog closed after a pass
    cancelled = Signal(str)  # the learner closed the dialog before passing

    def __init__(
        self,
        service: FaceCheckService,
        open_source: Callable[[], FrameSource],
        demo_camera: bool,
        parent_widget: QWidget,
    ) -> None:
        super().__init__(parent_widget)
        self._service = service
        self._open_source = open_source
        self._demo_camera = demo_camera
        self._parent_widget = parent_widget
        self.purpose: str | None = None
        self.dialog: FaceCheckDialog | None = None
        self._passed = False
        self._waiting_for_server = False
        self._pending_run = False
        self._awaiting_challenge = False
        self._first_frame = True
        self._run_id = 0  # the service's run this flow waits for
        service.progress.connect(self._on_progress)
        service.finished_run.connect(self._on_finished)

    @property
    def active(self) -> bool:
        return self.purpose is not None

    def start(self, purpose: str) -> None:
        if self.active:
            return
        self.purpose = purpose
        self._passed = False
        dialog = FaceCheckDialog(self._demo_camera, self._parent_widget)
        dialog.setObjectName("faceCheckDialog")
        dialog.retry_button.clicked.connect(self._run)
        dialog.rejected.connect(self._on_rejected)
        self.dialog = dialog
        dialog.open()
        self._run()

    def _run(self) -> None:
        if self.dialog is None:
            return
        if self._service.running:
            # A cancelled check is still winding down on its worker: start when it ends.
            self._pending_run = True
            return
        self._pending_run = False
        self._passed = False
        self._first_frame = True
        self.dialog.retry_button.setVisible(False)
        self.dialog.result_label.setStyleSheet("")
        self.dialog.result_label.setText(self.tr("Asking the training platform for a challenge…"))
        self._awaiting_challenge = True
        assert self.purpose is not None
        self.challenge_wanted.emit(self.purpose)

    def begin(self, challenge: Challenge) -> None:
        """The server's challenge for this attempt: run the check on it."""
        if self.dialog is None or not self._awaiting_challenge:
            return  # the dialog was closed meanwhile
        self._awaiting_challenge = False
        # The camera and the face models load on the check's worker: say so meanwhile.
        self.dialog.result_label.setText(self.tr("Starting the camera and the face models…"))
        self._service.start(self._open_source, None, challenge)
        self._run_id = self._service.run_id

    def _on_progress(
        self,
        image: QImage,
        state: LivenessState,
        box: tuple[int, int, int, int] | None,
        total: int,
        issues: tuple[QualityIssue, ...],
    ) -> None:
        if self.dialog is not None:
            if self._first_frame:
                self._first_frame = False
                self.dialog.result_label.setText("")
            self.dialog.show_progress(image, state, box, total, issues)

    def _on_finished(self, run_id: int, result: FaceCheckResult) -> None:
        if self._pending_run:
            self._run()  # the result belonged to a cancelled check
            return
        if run_id != self._run_id or self.purpose is None or self.dialog is None:
            return  # a cancelled run's late result, or the flow was ended meanwhile
        log.info(
            "face check finished",
            extra={"data": {"purpose": self.purpose, "liveness": result.liveness_passed}},
        )
        self._waiting_for_server = bool(result.burst)
        if self._waiting_for_server:
            self.dialog.result_label.setStyleSheet("")
            self.dialog.result_label.setText(self.tr("Checking with the training platform…"))
        self.result_ready.emit(self.purpose, result)

    def show_verdict(self, passed: bool, text: str, attempts_left: int) -> None:
        """The outcome of one attempt (the server's re-match, or the local failure)."""
        dialog = self.dialog
        if dialog is None:
            return
        self._waiting_for_server = False
        self._awaiting_challenge = False
        dialog.result_label.setText(text)
        dialog.result_label.setStyleSheet("color: #1b7f3b;" if passed else "color: #b3261e;")
        if passed:
            self._passed = True
            dialog.progress.setValue(100)
            dialog.retry_button.setVisible(False)
            QTimer.singleShot(PASSED_DIALOG_MS, lambda run=self._run_id: self._finish_passed(run))
        else:
            dialog.retry_button.setVisible(attempts_left > 0)

    def abort(self, text: str = "") -> None:
        """End the check without a pass (attempts spent, signed out)."""
        dialog, purpose = self.dialog, self.purpose
        self._service.cancel(wait_s=0)
        self.dialog, self.purpose = None, None
        if dialog is not None:
            dialog.rejected.disconnect(self._on_rejected)
            dialog.close()
            dialog.deleteLater()
        if purpose is not None and text:
            log.info("face check ended", extra={"data": {"purpose": purpose}})

    def _finish_passed(self, run_id: int | None = None) -> None:
        if run_id is not None and run_id != self._run_id:
            return  # the timer of an earlier check: this dialog is another's
        dialog, purpose = self.dialog, self.purpose
        self.dialog, self.purpose = None, None
        if dialog is not None:
            dialog.rejected.disconnect(self._on_rejected)
            dialog.accept()
            dialog.deleteLater()
        # Back to the course window: the learner clicks Play there next.
        self._parent_widget.window().activateWindow()
        if purpose is not None:
            self.passed.emit(purpose)

    def _on_rejected(self) -> None:
        if self._passed:
            # Closed while "passed" was on show: the pass stands.
            self._finish_passed()
            return
        purpose = self.purpose
        self._service.cancel(wait_s=0)
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog, self.purpose = None, None
        if purpose is not None:
            self.cancelled.emit(purpose)
