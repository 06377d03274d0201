"""The sign-in journey: a first factor (password, or phone and SMS code), then the face
check the server issues and re-judges. Registration of a face not yet enrolled needs the
learner's consent, asked here. `identified` says who signed in as soon as the server
accepts the face; `completed` follows when the learner closes the check dialog."""

from __future__ import annotations

import logging

from app.face_check_flow import FaceCheckFlow
from app.face_proof import DEVICE_FAILURES, begin_challenge, local_failure_text, proof_of
from app.main_window import MainWindow
from app.messages import failure_text
from qt_binding import QMessageBox, QObject, Signal
from sync.qt_facade import RequestFailure, SyncService
from verification.check_runner import FaceCheckResult
from wire.auth import FirstFactorPassed, SignedIn, SmsCodeSent
from wire.face import LivenessChallenge

log = logging.getLogger(__name__)

LOGIN_FACE_ATTEMPTS = 3
# Server refusals of a face check that another attempt may cure; others end the sign-in.
RETRYABLE_FACE_REASONS = frozenset(
    {"face_not_matched", "liveness_failed", "no_face", "face_challenge_expired"}
)
PURPOSE = "login"


class SignInFlow(QObject):
    identified = Signal(str)  # the learner id the server signed in
    completed = Signal()  # the face check dialog closed after the pass

    def __init__(self, window: MainWindow, sync: SyncService, faces: FaceCheckFlow) -> None:
        super().__init__(window)
        self.window = window
        self.sync = sync
        self.faces = faces
        self.first_factor: FirstFactorPassed | None = None
        self.consent = False
        self.login_attempts_left = LOGIN_FACE_ATTEMPTS
        page = window.sign_in_page
        page.password_submitted.connect(self._password_submitted)
        page.sms_code_requested.connect(self._sms_code_requested)
        page.sms_submitted.connect(self._sms_submitted)
        faces.challenge_wanted.connect(self._want_challenge)
        faces.result_ready.connect(self._on_face_result)
        faces.passed.connect(self._on_face_passed)
        faces.cancelled.connect(self._on_face_cancelled)

    def forget(self) -> None:
        self.first_factor = None
        self.window.sign_in_page.reset(forget_identity=True)

    # -- the first factor --------------------------------------------------------------

    def _password_submitted(self, account: str, password: str) -> None:
        self.sync.password_login(account, password, self._on_first_factor, self._first_failed)

    def _sms_code_requested(self, phone: str) -> None:
        self.sync.request_sms_code(phone, self._on_sms_sent, self._first_failed)

    def _sms_submitted(self, phone: str, code: str) -> None:
        self.sync.sms_login(phone, code, self._on_first_factor, self._first_failed)

    def _on_sms_sent(self, _sent: SmsCodeSent) -> None:
        self.window.sign_in_page.show_status(self.tr("The SMS code was sent."))

    def _first_failed(self, failure: RequestFailure) -> None:
        self.window.sign_in_page.show_error(failure_text(failure.code, failure.reason))

    def _on_first_factor(self, answer: FirstFactorPassed) -> None:
        self.first_factor = answer
        self.login_attempts_left = LOGIN_FACE_ATTEMPTS
        self.consent = False
        if not answer.face_enrolled:
            asked = QMessageBox.question(
                self.window,
                self.tr("Face registration"),
                self.tr(
                    "No face is registered for this account yet. Register your face now? "
                    "Your institution approves the registration before it is used."
                ),
            )
            if asked != QMessageBox.StandardButton.Yes:
                self.window.sign_in_page.show_error(failure_text("", "face_not_enrolled"))
                return
            self.consent = True
        self.window.sign_in_page.show_status(self.tr("Password accepted. Now the face check."))
        self.faces.start(PURPOSE)

    # -- the face check ----------------------------------------------------------------

    def _want_challenge(self, purpose: str) -> None:
        if purpose == PURPOSE and self.first_factor is not None:
            self.sync.login_face_challenge(
                self.first_factor.challenge_token, self._on_challenge, self._challenge_failed
            )

    def _on_challenge(self, answer: LivenessChallenge) -> None:
        begin_challenge(self.faces, self.window, answer)

    def _challenge_failed(self, failure: RequestFailure) -> None:
        """No challenge: a refusal of the sign-in ends it as a refused face check does;
        otherwise (the platform out of reach) the learner may try again, which asks
        again."""
        text = failure_text(failure.code, failure.reason)
        if failure.reason:
            self._face_refused(failure.reason, text)
        else:
            self.faces.show_verdict(False, text, max(1, self.login_attempts_left))

    def _on_face_result(self, purpose: str, result: FaceCheckResult) -> None:
        if purpose != PURPOSE or self.first_factor is None:
            return
        if not result.burst:
            if result.reason not in DEVICE_FAILURES:
                self.login_attempts_left -= 1
            self.faces.show_verdict(False, local_failure_text(result), self.login_attempts_left)
            return
        self.sync.face_login(
            self.first_factor.challenge_token,
            proof_of(result),
            self.consent,
            self._on_signed_in,
            self._face_login_failed,
        )

    def _face_login_failed(self, failure: RequestFailure) -> None:
        self._face_refused(
            failure.reason or failure.code, failure_text(failure.code, failure.reason)
        )

    def _face_refused(self, reason: str, text: str) -> None:
        if reason in RETRYABLE_FACE_REASONS and self.faces.active:
            self.login_attempts_left -= 1
            self.faces.show_verdict(False, text, self.login_attempts_left)
            if self.login_attempts_left <= 0:
                self.window.sign_in_page.show_error(text)
            return
        self.faces.abort()
        self.window.sign_in_page.show_error(text)

    def _on_signed_in(self, answer: SignedIn) -> None:
        self.first_factor = None
        if not self.faces.active:
            # The learner closed the check while the server was deciding: no sign-in.
            self.sync.sign_out()
            return
        self.identified.emit(answer.learner_id)
        self.faces.show_verdict(True, self.tr("Identity confirmed."), 0)
        log.info("signed in")

    def _on_face_passed(self, purpose: str) -> None:
        if purpose == PURPOSE:
            self.window.sign_in_page.reset()
            self.completed.emit()

    def _on_face_cancelled(self, purpose: str) -> None:
        if purpose == PURPOSE:
            self.window.sign_in_page.show_error(self.tr("The face check was cancelled."))
