"""The learner's journey, wired: sign-in (first factor, then the face check re-matched by
the server), the courses, studying with scheduled face checks and attendance prompts,
the course test, rating, and the records. Widgets only show and emit; every request goes
through `SyncService` (one worker thread), every study event through the encrypted store.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from app.courses_page import minutes
from app.face_check_flow import FaceCheckFlow
from app.messages import failure_text, sign_out_text, study_stop_text
from app.prompt_rules import PromptSchedule, PromptState
from app.rating_dialog import CourseRatingDialog
from app.store_messages import study_store_failed_text
from app.study_recorder import StudySessionRecorder
from app.test_dialog import CourseTestDialog
from player.events import PauseReason
from player.facade import LockedPlayer
from player.media_check import CourseMedia
from player.messages import refusal_text
from qt_binding import QMessageBox, QObject, QTimer, Slot
from records.events import EventKind
from records.signing import SignedEvent
from sync.qt_facade import StudyStoreService, SyncService
from sync.sync_rules import FaceChallenge, FaceProof, due_check_of
from verification.check_runner import FaceCheckResult
from verification.frames import FrameSourceError
from verification.liveness import Action, Challenge
from verification.schedule import CheckAttempts, CheckOutcome

if TYPE_CHECKING:
    from app.main_window import MainWindow
    from sync.engine import SyncStatus

log = logging.getLogger(__name__)

LOGIN_FACE_ATTEMPTS = 3
PROMPT_TICK_MS = 1000
# While signed in, today's credit is asked for every 15 s: it keeps the courses page
# current, and a learner idle outside a course (no heartbeats) learns within 15 s that
# the account signed in elsewhere.
TODAY_REFRESH_MS = 15_000
# Server refusals of a face check that another attempt may cure; others end the sign-in.
RETRYABLE_FACE_REASONS = frozenset(
    {"face_not_matched", "liveness_failed", "no_face", "face_challenge_expired"}
)


def _frame_source_codes(error: type[FrameSourceError] = FrameSourceError) -> set[str]:
    return {error.code} | {
        code for sub in error.__subclasses__() for code in _frame_source_codes(sub)
    }


# A check that could not run (camera missing, busy, unplugged...; every frame-source error
# the verification package knows, plus a check that crashed or was cancelled) is a known
# condition of the device, not a failed identity check: it costs no attempt.
DEVICE_FAILURES = frozenset(_frame_source_codes() | {"check_failed", "cancelled"})


# The dialogs that submit a body to the platform (`submitted`) and close (`finished`).
_Dialog = TypeVar("_Dialog", CourseTestDialog, CourseRatingDialog)


def proof_of(result: FaceCheckResult) -> FaceProof:
    """The evidence of a local check that passed its liveness, for the server's own
    judgement."""
    assert result.burst
    return FaceProof(
        challenge_id=result.challenge_id,
        frames=tuple((frame.at_ms, frame.jpeg) for frame in result.burst),
        simulated_camera=result.simulated_camera,
        virtual_camera=result.virtual_camera,
    )


@dataclass
class StudyState:
    """The course being studied, as the server started it."""

    course: dict
    session_id: str
    checks: CheckAttempts  # the face check the server asked for, and the tries at it
    prompts: PromptSchedule
    prompt_id: str = ""


@dataclass
class RecordsRequest:
    """The four answers the records page shows together, for one query."""

    generation: int
    filters: dict
    wanted: tuple[str, ...] = ("me", "records", "tests", "progress")
    # The server's JSON answers, untyped as they came: `RecordsPage.set_data` reads them.
    answers: dict[str, Any] = field(default_factory=dict)

    def complete(self) -> bool:
        return all(name in self.answers for name in self.wanted)


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
        self.store = store
        self.player = player
        self.faces = faces
        self.media_dir = media_dir
        self.demo = demo
        self.recorder = StudySessionRecorder(player, store, "", demo=demo, parent=self)
        self.challenge: dict | None = None
        self.consent = False
        self.login_attempts_left = LOGIN_FACE_ATTEMPTS
        self.profile: dict | None = None
        self.courses: list[dict] = []
        self.today: dict | None = None
        self.study: StudyState | None = None
        self.opening: dict | None = None  # the course being downloaded / started
        self.records_request: RecordsRequest | None = None
        self.records_loaded = 0  # how many times the records page received its data
        self.rated = 0  # ratings the server accepted in this session
        self.stop_in_effect: str | None = None  # a StudyStop the server's answers imply
        self.store_failure: str | None = None  # the store's error code since a write failed
        self.saved_seq = 0  # the newest study event the store committed
        self._test_course: dict | None = None  # the course whose test was asked for
        self._records_generation = 0
        self.test_dialog: CourseTestDialog | None = None
        self.rating_dialog: CourseRatingDialog | None = None
        self._prompt_timer = QTimer(self)
        self._prompt_timer.setInterval(PROMPT_TICK_MS)
        self._prompt_timer.timeout.connect(self._tick_prompt)
        self._today_timer = QTimer(self)
        self._today_timer.setInterval(TODAY_REFRESH_MS)
        self._today_timer.timeout.connect(self._refresh_today)
        self._handlers: dict[str, Callable[[object], None]] = {
            "password_login": self._on_first_factor,
            "sms_login": self._on_first_factor,
            "sms_request": lambda _a: window.sign_in_page.show_status(
                self.tr("The SMS code was sent.")
            ),
            "face_login": self._on_signed_in,
            "face_challenge": self._on_face_challenge,
            "me": self._on_profile,
            "courses": self._on_courses,
            "today": self._on_today,
            "download_media": self._on_media_ready,
            "start_course": self._on_course_started,
            "study_face_check": self._on_study_check_verdict,
            "test_questions": self._on_test_questions,
            "test_submit": self._on_test_graded,
            "rating": self._on_rated,
            "sign_out": lambda _a: None,
            "end_course": lambda _a: self._refresh_courses(),
        }
        self._wire()

    # -- wiring ------------------------------------------------------------------------

    def _wire(self) -> None:
        window, sync = self.window, self.sync
        page = window.sign_in_page
        page.password_submitted.connect(self._password_submitted)
        page.sms_code_requested.connect(sync.request_sms_code)
        page.sms_submitted.connect(self._sms_submitted)
        sync.request_done.connect(self._on_request_done)
        sync.request_failed.connect(self._on_request_failed)
        sync.status_changed.connect(self._on_sync_status)
        sync.study_stopped.connect(self._on_study_stopped)
        sync.study_allowed.connect(self._on_study_allowed)
        self.store.append_failed.connect(self._on_store_write_failed)
        self.store.event_committed.connect(self._on_event_committed)
        self.faces.challenge_wanted.connect(self._want_face_challenge)
        self.faces.result_ready.connect(self._on_face_result)
        self.faces.passed.connect(self._on_face_passed)
        self.faces.cancelled.connect(self._on_face_cancelled)
        courses = window.courses_page
        courses.open_requested.connect(self.open_course)
        courses.test_requested.connect(self._request_test)
        courses.rate_requested.connect(self._open_rating)
        courses.refresh_requested.connect(self._refresh_courses)
        study = window.study_page
        study.prompt_answered.connect(self._prompt_answered)
        study.back_requested.connect(self.close_course)
        self.player.course_opened.connect(self._on_course_opened)
        self.player.refused.connect(self._on_player_refused)
        self.player.media_error.connect(self._on_media_error)
        window.records_page.refresh_requested.connect(self.load_records)
        window.sign_out_requested.connect(self.sign_out)
        window.switch_learner_requested.connect(self.switch_learner)
        window.page_requested.connect(self._on_page_requested)

    @Slot(str, object)
    def _on_request_done(self, name: str, answer: object) -> None:
        if name.startswith("records:"):
            _, generation, part = name.split(":")
            self._on_records_part(int(generation), part, answer)
            return
        handler = self._handlers.get(name)
        if handler is not None:
            handler(answer)

    @Slot(str, str, str)
    def _on_request_failed(self, name: str, code: str, reason: str) -> None:
        log.info(
            "request failed", extra={"data": {"request": name, "code": code, "reason": reason}}
        )
        text = failure_text(code, reason)
        if name in ("password_login", "sms_login", "sms_request"):
            self.window.sign_in_page.show_error(text)
        elif name == "face_login":
            self._on_face_login_refused(reason or code, text)
        elif name == "face_challenge":
            self._on_face_challenge_refused(reason, text)
        elif name in ("download_media", "start_course"):
            self.opening = None
            if self.window.is_signed_in:
                self.window.courses_page.show_reason(text)
                self.window.show_page("courses")
        elif name == "study_face_check":
            self._on_study_check_unreachable(text)
        elif name.startswith("records:"):
            generation = int(name.split(":")[1])
            if self.records_request is not None and self.records_request.generation == generation:
                self.records_request = None
                self.window.records_page.show_error(text)
        elif name in ("test_questions", "test_submit") and self.test_dialog is not None:
            self.test_dialog.show_error(text)
        elif name == "test_questions":
            self._test_course = None
            self.window.courses_page.show_reason(text)
        elif name == "rating" and self.rating_dialog is not None:
            self.rating_dialog.show_error(text)
        elif name in ("courses", "today", "me"):
            self.window.courses_page.show_reason(text)

    # -- sign-in -----------------------------------------------------------------------

    def _password_submitted(self, account: str, password: str) -> None:
        self.sync.password_login(account, password)

    def _sms_submitted(self, phone: str, code: str) -> None:
        self.sync.sms_login(phone, code)

    def _on_first_factor(self, answer: object) -> None:
        assert isinstance(answer, dict)
        self.challenge = answer
        self.login_attempts_left = LOGIN_FACE_ATTEMPTS
        self.consent = False
        if not answer.get("face_enrolled", True):
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
        self.faces.start("login")

    def _on_face_login_refused(self, reason: str, text: str) -> None:
        if reason in RETRYABLE_FACE_REASONS and self.faces.active:
            self.login_attempts_left -= 1
            self.faces.show_verdict(False, text, self.login_attempts_left)
            if self.login_attempts_left <= 0:
                self.window.sign_in_page.show_error(text)
            return
        self.faces.abort()
        self.window.sign_in_page.show_error(text)

    def _on_signed_in(self, answer: object) -> None:
        assert isinstance(answer, dict)
        self.challenge = None
        if not self.faces.active:
            # The learner closed the check while the server was deciding: no sign-in.
            self.sync.sign_out()
            return
        self.recorder.learner_id = str(answer["learner_id"])
        self.player.set_learner(self.recorder.learner_id)
        self.faces.show_verdict(True, self.tr("Identity confirmed."), 0)
        log.info("signed in")

    # -- face checks -------------------------------------------------------------------

    def _want_face_challenge(self, purpose: str) -> None:
        if purpose == "login" and self.challenge is not None:
            self.sync.login_face_challenge(self.challenge["challenge_token"])
        elif purpose == "study" and self.study is not None and self.study.checks.due_id:
            self.sync.study_face_challenge(self.study.checks.due_id)

    def _on_face_challenge(self, answer: object) -> None:
        assert isinstance(answer, FaceChallenge)
        try:
            actions = tuple(Action(action) for action in answer.actions)
        except ValueError:
            # An action this client does not know: it cannot perform the challenge.
            self.faces.abort()
            self.window.show_notice(failure_text("malformed_response", ""))
            return
        self.faces.begin(Challenge(answer.id, actions))

    def _on_face_challenge_refused(self, reason: str, text: str) -> None:
        """No challenge: a refusal of the sign-in ends it as a refused face check does;
        otherwise (the platform out of reach, a check no longer due) the learner may
        try again, which asks again."""
        if self.faces.purpose == "login" and reason:
            self._on_face_login_refused(reason, text)
        elif self.faces.purpose == "study" and self.study is not None:
            self.faces.show_verdict(False, text, max(1, self.study.checks.attempts_left()))
        else:
            self.faces.show_verdict(False, text, max(1, self.login_attempts_left))

    def _on_face_result(self, purpose: str, result: FaceCheckResult) -> None:
        if purpose == "login":
            if self.challenge is None:
                return
            if not result.burst:
                if result.reason not in DEVICE_FAILURES:
                    self.login_attempts_left -= 1
                self.faces.show_verdict(
                    False, _local_failure_text(result), self.login_attempts_left
                )
                return
            self.sync.face_login(self.challenge["challenge_token"], proof_of(result), self.consent)
        elif purpose == "study":
            self._on_study_check_result(result)

    def _on_face_passed(self, purpose: str) -> None:
        if purpose == "login":
            self.window.sign_in_page.reset()
            self.window.signed_in(True)
            self.window.show_page("courses")
            self._refresh_courses()
            self.sync.get("me", "/me")
            self._today_timer.start()
        elif purpose == "study" and self.study is not None:
            self.player.release(PauseReason.FACE_CHECK)
            self.window.show_notice("")

    def _on_face_cancelled(self, purpose: str) -> None:
        if purpose == "login":
            self.window.sign_in_page.show_error(self.tr("The face check was cancelled."))
        elif purpose == "study" and self.study is not None:
            # The check is an obligation of the course: without it the course closes.
            self.close_course()
            self.window.courses_page.show_reason(
                self.tr("A face check is required to go on studying: the course was closed.")
            )

    # -- courses -----------------------------------------------------------------------

    def _refresh_courses(self) -> None:
        if not self.window.is_signed_in:
            return
        self.sync.get("courses", "/courses")
        self._refresh_today()

    def _refresh_today(self) -> None:
        if self.window.is_signed_in:
            self.sync.get("today", "/me/today")

    def _on_profile(self, answer: object) -> None:
        assert isinstance(answer, dict)
        self.profile = answer
        self.window.courses_page.set_learner(str(answer.get("name", "")))

    def _on_courses(self, answer: object) -> None:
        assert isinstance(answer, list)
        self.courses = answer
        self.window.courses_page.set_courses(answer)

    def _on_today(self, answer: object) -> None:
        assert isinstance(answer, dict)
        self.today = answer
        self.window.courses_page.set_today(answer)
        self.window.study_page.set_today(
            int(answer["effective_ms"]), int(answer["daily_cap_ms"]), int(answer["pending_ms"])
        )

    def open_course(self, course: dict) -> None:
        if self.study is not None or self.opening is not None or self.player.course is not None:
            self.window.courses_page.show_reason(refusal_text("another_course_open"))
            return
        if self.window.courses_page.cap_reached():
            return
        self.opening = course
        self.window.courses_page.show_reason(self.tr("Preparing the course video…"))
        destination = self.media_dir / f"{course['id']}.mp4"
        self.sync.download_media(course["id"], destination, course["media_sha256"])

    def _on_media_ready(self, path: object) -> None:
        if self.opening is None or not self.window.is_signed_in:
            return
        self.opening["_path"] = Path(str(path))
        self.sync.start_course(self.opening["id"])

    def _on_course_started(self, answer: object) -> None:
        assert isinstance(answer, dict)
        course, self.opening = self.opening, None
        if course is None or not self.window.is_signed_in:
            self.sync.end_course()  # signed out meanwhile: the server's session ends too
            return
        policy = answer.get("policy", {})
        limit = int(policy.get("interaction_limit_ms", 15 * 60_000))
        self.study = StudyState(
            course=course,
            session_id=str(answer["study_session_id"]),
            checks=CheckAttempts(),
            prompts=PromptSchedule(limit),
        )
        self.recorder.begin(self.recorder.learner_id, self.study.session_id)
        media = CourseMedia(
            course_id=course["id"],
            title=course["name"],
            path=course["_path"],
            sha256=course["media_sha256"],
            duration_ms=int(course["duration_ms"]),
            size_bytes=int(course["media_size"]),
        )
        self.window.courses_page.show_reason("")
        self.window.study_page.set_course(course["name"])
        self.window.study_page.hide_prompt()
        self.window.show_page("study")
        if not self.player.open_course(media):
            self.study = None
            self.recorder.forget_pending()
            self.sync.end_course()
            self.window.show_page("courses")
            return
        self.sync.start_heartbeats()
        self._prompt_timer.start()
        log.info("course opened", extra={"data": {"course": course["id"]}})
        due = due_check_of(answer)
        if due is not None:  # a course opened long after the last check starts with one
            self._offer_check(due.id)

    def close_course(self) -> None:
        self.faces.abort()
        self._prompt_timer.stop()
        had_study = self.study is not None
        self.study = None
        self.player.close_course()
        self.window.study_page.hide_prompt()
        if had_study:
            self.sync.stop_heartbeats()
            self.sync.end_course()
        if self.window.is_signed_in:
            self.window.show_page("courses")

    def _on_player_refused(self, reason: str) -> None:
        if reason != "on_hold":
            self.window.courses_page.show_reason(refusal_text(reason))

    def _on_media_error(self, _problem: str, _detail: str) -> None:
        self.faces.abort()
        self.recorder.forget_pending()
        self.study = None
        self._prompt_timer.stop()
        self.sync.stop_heartbeats()
        self.sync.end_course()

    # -- the face checks the server asks for -------------------------------------------

    def _offer_check(self, due_id: str | None) -> None:
        """The server said a check is due (in its answer to the start or a heartbeat):
        hold playback and take it, unless it is the one already being taken."""
        study = self.study
        if study is None or self.faces.active or not study.checks.offer(due_id):
            return
        self.player.hold(PauseReason.FACE_CHECK)
        self.faces.start("study")

    def _on_study_check_result(self, result: FaceCheckResult) -> None:
        study = self.study
        if study is None or study.checks.due_id is None:
            return
        if result.reason in DEVICE_FAILURES:
            left = study.checks.attempts_left()
            self.faces.show_verdict(False, _local_failure_text(result), max(1, left))
            return
        if not result.burst:
            check_id = "local-" + secrets.token_hex(8)
            self.recorder.record(
                EventKind.FACE_CHECK_FAILED,
                {"check_id": check_id, "reason": str(result.reason or "")},
            )
            self._apply_check_outcome(study.checks.record(False), _local_failure_text(result))
            return
        self.sync.study_face_check(study.checks.due_id, proof_of(result))

    def _on_study_check_verdict(self, answer: object) -> None:
        assert isinstance(answer, dict)
        study = self.study
        if study is None or study.checks.due_id is None:
            return
        passed = bool(answer.get("passed"))
        kind = EventKind.FACE_CHECK_PASSED if passed else EventKind.FACE_CHECK_FAILED
        self.recorder.record(kind, {"check_id": str(answer["check_id"])})
        outcome = study.checks.record(passed)
        text = (
            self.tr("Face check passed.") if passed else failure_text("", answer.get("reason", ""))
        )
        self._apply_check_outcome(outcome, text)

    def _on_study_check_unreachable(self, text: str) -> None:
        # The evidence did not reach the server: it may try again (the check stays due).
        if self.study is not None and self.study.checks.due_id is not None:
            self.faces.show_verdict(False, text, max(1, self.study.checks.attempts_left()))

    def _apply_check_outcome(self, outcome: CheckOutcome, text: str) -> None:
        study = self.study
        assert study is not None
        if outcome is CheckOutcome.RESUME:
            self.faces.show_verdict(True, text, 0)
        elif outcome is CheckOutcome.RETRY:
            self.faces.show_verdict(False, text, study.checks.attempts_left())
        else:
            self.faces.show_verdict(False, text, 0)
            self.faces.abort()
            self._end_signed_out(sign_out_text("face_check_failed"), server_sign_out=True)

    # -- attendance prompts ------------------------------------------------------------

    def _tick_prompt(self) -> None:
        study = self.study
        if study is None or self.faces.active:
            return  # a face check on screen: the prompt waits (the learner cannot answer)
        playing = self.player.state == "playing"
        before = study.prompts.state
        state = study.prompts.advance(PROMPT_TICK_MS, playing)
        page = self.window.study_page
        if state is PromptState.SHOWN:
            if before is PromptState.WAITING:
                study.prompt_id = secrets.token_hex(8)
                self.recorder.record(EventKind.PROMPT_SHOWN, {"prompt_id": study.prompt_id})
            page.show_prompt(study.prompts.answer_left_ms // 1000)
        elif state is PromptState.MISSED and before is PromptState.SHOWN:
            self.recorder.record(EventKind.PROMPT_MISSED, {"prompt_id": study.prompt_id})
            self.player.hold(PauseReason.PROMPT_MISSED)
            page.show_prompt_missed()

    def _prompt_answered(self) -> None:
        study = self.study
        if study is None:
            return
        if study.prompts.state is PromptState.SHOWN:
            self.recorder.record(EventKind.PROMPT_ANSWERED, {"prompt_id": study.prompt_id})
        elif study.prompts.state is PromptState.MISSED:
            self.player.release(PauseReason.PROMPT_MISSED)
        study.prompts.answered()
        self.window.study_page.hide_prompt()

    # -- sync status and stops ---------------------------------------------------------

    def _on_sync_status(self, status: SyncStatus) -> None:
        self.window.study_page.set_sync_status(status.pending, status.online)
        self.window.set_sync_status(status.pending, status.online)
        if status.check_due is not None:
            self._offer_check(status.check_due.id)

    def _on_study_stopped(self, code: str, reason: str) -> None:
        log.warning("study stopped", extra={"data": {"code": code, "reason": reason}})
        if code == "signed_out":
            if self.window.is_signed_in:  # not when this client signed out itself
                self._end_signed_out(sign_out_text(reason), server_sign_out=False)
            return
        self.stop_in_effect = code
        if self.player.course is not None:
            self.player.hold(PauseReason.STUDY_STOPPED)
        self.window.show_notice(study_stop_text(code))

    def _on_study_allowed(self) -> None:
        self.stop_in_effect = None
        self.player.release(PauseReason.STUDY_STOPPED)
        failure = self.store_failure
        self.window.show_notice("" if failure is None else study_store_failed_text(failure))

    def _on_course_opened(self, _course_id: str) -> None:
        # A stop said before this course opened (clock skew seen at its start) holds it.
        if self.stop_in_effect is not None:
            self.player.hold(PauseReason.STUDY_STOPPED)
        if self.store_failure is not None:
            # Opened again to try: a store still failing refuses this opening's first
            # event and holds it again.
            self.store_failure = None
            if self.stop_in_effect is None:
                self.window.show_notice("")

    def _on_store_write_failed(self, code: str) -> None:
        """A study event was not saved: playback would earn time nobody records, so the
        course is held until it is closed and opened again."""
        self.store_failure = code
        if self.player.course is not None:
            self.player.hold(PauseReason.STORE_FAILED)
        self.window.show_notice(study_store_failed_text(code))

    def _on_event_committed(self, signed: SignedEvent) -> None:
        self.saved_seq = signed.event.seq
        if signed.event.kind is EventKind.PLAY and self.study is not None:
            # The server credits playing time from when it hears of the PLAY, by its own
            # clock: sent at once, not with the next heartbeat up to 10 s later.
            self.sync.flush()

    def _end_signed_out(self, text: str, server_sign_out: bool) -> None:
        """Pause, flush, close the course, back to the sign-in page with the reason."""
        self.faces.abort()
        if self.player.course is not None:
            self.player.hold(PauseReason.STUDY_STOPPED)
        self._prompt_timer.stop()
        self._today_timer.stop()
        self.study = None
        self.opening = None
        self.player.close_course()
        self.sync.stop_heartbeats()
        self._forget_learner()
        if server_sign_out:
            self.sync.sign_out()
        else:
            self.sync.flush()
        self.window.signed_in(False)
        self.window.show_page("sign_in")
        self.window.sign_in_page.show_error(text)
        self.window.show_notice("")
        log.info("signed out locally")

    def _forget_learner(self) -> None:
        """Nothing of the learner who leaves stays on screen for the next one."""
        for dialog in (self.test_dialog, self.rating_dialog):
            if dialog is not None:
                dialog.close()
        self.test_dialog = self.rating_dialog = None
        self._test_course = None
        self.records_request = None
        self.profile, self.courses, self.today = None, [], None
        self.window.courses_page.clear()
        self.window.records_page.clear()
        self.window.sign_in_page.reset(forget_identity=True)

    def sign_out(self) -> None:
        self._end_signed_out(sign_out_text("signed_out"), server_sign_out=True)

    def switch_learner(self) -> None:
        """Another learner wants this PC: the first is signed out (flushed, paused, told)
        before the sign-in page appears; the server revokes the session as well."""
        self._end_signed_out(
            self.tr("The previous learner was signed out. The next learner can sign in now."),
            server_sign_out=True,
        )

    # -- test, rating, records ---------------------------------------------------------

    def _request_test(self, course: dict) -> None:
        if self._test_course is not None or self.test_dialog is not None:
            return  # one test at a time: its questions are on the way or on screen
        self._test_course = course
        self.sync.get("test_questions", f"/courses/{course['id']}/test")

    def _on_test_questions(self, answer: object) -> None:
        course = self._test_course
        if course is None or not self.window.is_signed_in:
            return
        assert isinstance(answer, dict)
        # The dialog emits the server's TestAnswers body as is: {"answers": {...}}.
        self.test_dialog = self._open_dialog(
            CourseTestDialog(answer, self.window),
            "test_submit",
            f"/courses/{course['id']}/test",
            self._forget_test_dialog,
        )

    def _forget_test_dialog(self) -> None:
        self.test_dialog = None
        self._test_course = None
        self._refresh_courses()

    def _on_test_graded(self, answer: object) -> None:
        assert isinstance(answer, dict)
        kind = EventKind.TEST_PASSED if answer.get("passed") else EventKind.TEST_FAILED
        self.recorder.record(kind, {"score": int(answer.get("score", 0))})
        if self.test_dialog is not None:
            self.test_dialog.show_result(answer)
        self._refresh_today()

    def _open_rating(self, course: dict) -> None:
        if self.rating_dialog is not None:
            return
        dialog = CourseRatingDialog(course["name"], self.window)
        dialog.set_previous(course.get("my_rating"))
        self.rating_dialog = self._open_dialog(
            dialog, "rating", f"/courses/{course['id']}/rating", self._forget_rating_dialog
        )

    def _open_dialog(
        self, dialog: _Dialog, request: str, path: str, forget: Callable[[], None]
    ) -> _Dialog:
        """Open `dialog`: what it submits is posted to `path` as `request`; when it
        closes, `forget` runs and the dialog is deleted."""
        dialog.submitted.connect(lambda body: self.sync.post(request, path, body))
        dialog.finished.connect(lambda _result: forget())
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _forget_rating_dialog(self) -> None:
        self.rating_dialog = None
        self._refresh_courses()

    def _on_rated(self, answer: object) -> None:
        self.rated += 1
        if self.rating_dialog is not None:
            assert isinstance(answer, dict)
            self.rating_dialog.show_result(answer)

    def load_records(self, filters: dict | None = None) -> None:
        if not self.window.is_signed_in:
            return
        filters = dict(filters or {})
        self._records_generation += 1
        generation = self._records_generation
        # A newer query replaces an older one still on the way: its answers are dropped.
        self.records_request = RecordsRequest(generation, filters)
        params = {k: v for k, v in filters.items() if v is not None}
        self.window.records_page.set_busy(True)
        self.sync.get(f"records:{generation}:me", "/me")
        self.sync.get(f"records:{generation}:records", "/me/records", params)
        self.sync.get(f"records:{generation}:tests", "/me/tests")
        self.sync.get(f"records:{generation}:progress", "/me/progress")

    def _on_records_part(self, generation: int, name: str, answer: object) -> None:
        request = self.records_request
        if request is None or request.generation != generation:
            return
        request.answers[name] = answer
        if request.complete():
            self.records_request = None
            self.records_loaded += 1
            self.window.records_page.set_busy(False)
            self.window.records_page.set_data(
                request.answers["me"],
                request.answers["records"],
                request.answers["tests"],
                request.answers["progress"],
                filters=request.filters,
            )

    def _on_page_requested(self, page: str) -> None:
        if page == "records":
            # With the page's own filters, so what it shows and prints is what it says.
            self.window.records_page.request_refresh()


def _local_failure_text(result: FaceCheckResult) -> str:
    from verification.check_dialog import failure_text as check_failure_text  # noqa: PLC0415

    return check_failure_text(result.reason)


__all__ = ["LearnerApp", "minutes"]
