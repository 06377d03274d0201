"""The study journey: the course list and the day's totals, opening a course (download,
then a study session the server starts), studying with the face checks the server asks
for and the attendance prompts, the platform's and the store's stops, then the course
test and the rating. Every study event goes through the encrypted store; the heartbeat
follows the player's progress event (one clock), and a PLAY is sent as soon as it is
stored because the server credits playing time from when it hears of it."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.face_check_flow import FaceCheckFlow
from app.face_proof import DEVICE_FAILURES, begin_challenge, local_failure_text, proof_of
from app.main_window import MainWindow
from app.messages import failure_text, study_stop_text
from app.prompt_rules import PromptSchedule, PromptState
from app.rating_dialog import CourseRatingDialog
from app.store_messages import study_store_failed_text
from app.study_recorder import StudySessionRecorder
from app.test_dialog import CourseTestDialog
from player.events import PauseReason
from player.facade import LockedPlayer
from player.media_check import CourseMedia
from player.messages import refusal_text
from qt_binding import QObject, QTimer, Signal
from records.events import EventKind
from records.signing import SignedEvent
from sync.engine import SyncStatus
from sync.qt_facade import RequestFailure, StudyStoreService, SyncService
from sync.requests import (
    CoursesRequest,
    CourseTestPaperRequest,
    RateCourseRequest,
    SubmitCourseTestRequest,
    TodayRequest,
)
from verification.check_runner import FaceCheckResult
from verification.schedule import CheckAttempts, CheckOutcome
from wire.face import LivenessChallenge
from wire.learner import (
    CourseListing,
    CourseTestAnswers,
    CourseTestPaper,
    CourseTestResult,
    DayTotals,
)
from wire.ratings import CourseRatingBody, RatingSaved
from wire.study import FaceCheckResult as ServerCheckVerdict
from wire.study import StudyStarted

log = logging.getLogger(__name__)

PROMPT_TICK_MS = 1000
PURPOSE = "study"


@dataclass
class StudyState:
    """The course being studied, as the server started it."""

    course: CourseListing
    session_id: str
    checks: CheckAttempts  # the face check the server asked for, and the tries at it
    prompts: PromptSchedule
    prompt_id: str = ""


@dataclass
class Opening:
    """A course on its way to the player: downloaded, then started by the server."""

    course: CourseListing
    media_path: Path | None = None


class StudyFlow(QObject):
    # The server or the learner's own check ends the sign-in: the text says why, and
    # whether the server must be told (a refused face check) or already knows.
    sign_out_needed = Signal(str)

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
        self.recorder = StudySessionRecorder(player, store, "", demo=demo, parent=self)
        self.courses: list[CourseListing] = []
        self.today: DayTotals | None = None
        self.study: StudyState | None = None
        self.opening: Opening | None = None
        self.stop_in_effect: str | None = None  # a StudyStop the server's answers imply
        self.store_failure: str | None = None  # the store's error code since a write failed
        self.saved_seq = 0  # the newest study event the store committed
        self.rated = 0  # ratings the server accepted in this session
        self.test_course: CourseListing | None = None  # the course whose test was asked for
        self.test_dialog: CourseTestDialog | None = None
        self.rating_dialog: CourseRatingDialog | None = None
        self._prompt_timer = QTimer(self)
        self._prompt_timer.setInterval(PROMPT_TICK_MS)
        self._prompt_timer.timeout.connect(self._tick_prompt)
        courses = window.courses_page
        courses.open_requested.connect(self.open_course)
        courses.test_requested.connect(self._request_test)
        courses.rate_requested.connect(self._open_rating)
        courses.refresh_requested.connect(self.refresh_courses)
        study = window.study_page
        study.prompt_answered.connect(self._prompt_answered)
        study.back_requested.connect(self.close_course)
        player.course_opened.connect(self._on_course_opened)
        player.refused.connect(self._on_player_refused)
        player.media_error.connect(self._on_media_error)
        sync.status_changed.connect(self._on_sync_status)
        sync.study_stopped.connect(self._on_study_stopped)
        sync.study_allowed.connect(self._on_study_allowed)
        store.append_failed.connect(self._on_store_write_failed)
        store.event_committed.connect(self._on_event_committed)
        faces.challenge_wanted.connect(self._want_challenge)
        faces.result_ready.connect(self._on_face_result)
        faces.passed.connect(self._on_face_passed)
        faces.cancelled.connect(self._on_face_cancelled)

    def set_learner(self, learner_id: str) -> None:
        self.recorder.learner_id = learner_id
        self.player.set_learner(learner_id)

    # -- the course list and the day's totals -------------------------------------------

    def refresh_courses(self) -> None:
        if not self.window.is_signed_in:
            return
        self.sync.send(CoursesRequest(), self._on_courses, self._list_failed)
        self.refresh_today()

    def refresh_today(self) -> None:
        if self.window.is_signed_in:
            self.sync.send(TodayRequest(), self._on_today, self._list_failed)

    def _list_failed(self, failure: RequestFailure) -> None:
        self.window.courses_page.show_reason(failure_text(failure.code, failure.reason))

    def _on_courses(self, courses: list[CourseListing]) -> None:
        self.courses = courses
        self.window.courses_page.set_courses(courses)

    def _on_today(self, totals: DayTotals) -> None:
        self.today = totals
        self.window.courses_page.set_today(totals)
        self.window.study_page.set_today(
            totals.effective_ms, totals.daily_cap_ms, totals.pending_ms
        )

    # -- opening a course --------------------------------------------------------------

    def open_course(self, course: CourseListing) -> None:
        if self.study is not None or self.opening is not None or self.player.course is not None:
            self.window.courses_page.show_reason(refusal_text("another_course_open"))
            return
        if self.window.courses_page.cap_reached():
            return
        self.opening = Opening(course)
        self.window.courses_page.show_reason(self.tr("Preparing the course video…"))
        destination = self.media_dir / f"{course.id}.mp4"
        self.sync.download_media(
            course.id, destination, course.media_sha256, self._on_media_ready, self._open_failed
        )

    def _open_failed(self, failure: RequestFailure) -> None:
        self.opening = None
        if self.window.is_signed_in:
            self.window.courses_page.show_reason(failure_text(failure.code, failure.reason))
            self.window.show_page("courses")

    def _on_media_ready(self, path: Path) -> None:
        opening = self.opening
        if opening is None or not self.window.is_signed_in:
            return
        opening.media_path = path
        self.sync.start_course(opening.course.id, self._on_course_started, self._open_failed)

    def _on_course_started(self, answer: StudyStarted) -> None:
        opening, self.opening = self.opening, None
        if opening is None or opening.media_path is None or not self.window.is_signed_in:
            self.sync.end_course()  # signed out meanwhile: the server's session ends too
            return
        course = opening.course
        self.study = StudyState(
            course=course,
            session_id=answer.study_session_id,
            checks=CheckAttempts(),
            prompts=PromptSchedule(answer.policy.interaction_limit_ms),
        )
        self.recorder.begin(self.recorder.learner_id, self.study.session_id)
        media = CourseMedia(
            course_id=course.id,
            title=course.name,
            path=opening.media_path,
            sha256=course.media_sha256,
            duration_ms=course.duration_ms,
            size_bytes=course.media_size,
        )
        self.window.courses_page.show_reason("")
        self.window.study_page.set_course(course.name)
        self.window.study_page.hide_prompt()
        self.window.show_page("study")
        if not self.player.open_course(media):
            self.study = None
            self.recorder.forget_pending()
            self.sync.end_course()
            self.window.show_page("courses")
            return
        self._prompt_timer.start()
        log.info("course opened", extra={"data": {"course": course.id}})
        if answer.check_due is not None:  # a course opened long after the last check
            self._offer_check(answer.check_due.id)

    def close_course(self) -> None:
        self.faces.abort()
        self._prompt_timer.stop()
        had_study = self.study is not None
        self.study = None
        self.player.close_course()
        self.window.study_page.hide_prompt()
        if had_study:
            self.sync.end_course(lambda _ended: self.refresh_courses())
        if self.window.is_signed_in:
            self.window.show_page("courses")

    def end(self) -> None:
        """The learner leaves: the course is held and closed, nothing of theirs stays."""
        self.faces.abort()
        if self.player.course is not None:
            self.player.hold(PauseReason.STUDY_STOPPED)
        self._prompt_timer.stop()
        self.study = None
        self.opening = None
        self.player.close_course()
        for dialog in (self.test_dialog, self.rating_dialog):
            if dialog is not None:
                dialog.close()
        self.test_dialog = self.rating_dialog = None
        self.test_course = None
        self.courses, self.today = [], None
        self.window.courses_page.clear()

    def _on_player_refused(self, reason: str) -> None:
        if reason != "on_hold":
            self.window.courses_page.show_reason(refusal_text(reason))

    def _on_media_error(self, _problem: str, _detail: str) -> None:
        self.faces.abort()
        self.recorder.forget_pending()
        self.study = None
        self._prompt_timer.stop()
        self.sync.end_course()

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

    # -- the face checks the server asks for -------------------------------------------

    def _offer_check(self, due_id: str | None) -> None:
        """The server said a check is due (in its answer to the start or a heartbeat):
        hold playback and take it, unless it is the one already being taken."""
        study = self.study
        if study is None or self.faces.active or not study.checks.offer(due_id):
            return
        self.player.hold(PauseReason.FACE_CHECK)
        self.faces.start(PURPOSE)

    def _want_challenge(self, purpose: str) -> None:
        if purpose == PURPOSE and self.study is not None and self.study.checks.due_id:
            self.sync.study_face_challenge(
                self.study.checks.due_id, self._on_challenge, self._check_unreachable
            )

    def _on_challenge(self, answer: LivenessChallenge) -> None:
        begin_challenge(self.faces, self.window, answer)

    def _on_face_result(self, purpose: str, result: FaceCheckResult) -> None:
        study = self.study
        if purpose != PURPOSE or study is None or study.checks.due_id is None:
            return
        if result.reason in DEVICE_FAILURES:
            left = study.checks.attempts_left()
            self.faces.show_verdict(False, local_failure_text(result), max(1, left))
            return
        if not result.burst:
            check_id = "local-" + secrets.token_hex(8)
            self.recorder.record(
                EventKind.FACE_CHECK_FAILED,
                {"check_id": check_id, "reason": str(result.reason or "")},
            )
            self._apply_check_outcome(study.checks.record(False), local_failure_text(result))
            return
        self.sync.study_face_check(
            study.checks.due_id, proof_of(result), self._on_check_verdict, self._check_unreachable
        )

    def _on_check_verdict(self, verdict: ServerCheckVerdict) -> None:
        study = self.study
        if study is None or study.checks.due_id is None:
            return
        kind = EventKind.FACE_CHECK_PASSED if verdict.passed else EventKind.FACE_CHECK_FAILED
        self.recorder.record(kind, {"check_id": verdict.check_id})
        outcome = study.checks.record(verdict.passed)
        text = self.tr("Face check passed.") if verdict.passed else failure_text("", verdict.reason)
        self._apply_check_outcome(outcome, text)

    def _check_unreachable(self, failure: RequestFailure) -> None:
        # No challenge, or the evidence did not reach the server: the learner may try
        # again (the check stays due).
        if self.study is not None and self.study.checks.due_id is not None:
            text = failure_text(failure.code, failure.reason)
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
            self.sign_out_needed.emit("face_check_failed")

    def _on_face_passed(self, purpose: str) -> None:
        if purpose == PURPOSE and self.study is not None:
            self.player.release(PauseReason.FACE_CHECK)
            self.window.show_notice("")

    def _on_face_cancelled(self, purpose: str) -> None:
        if purpose == PURPOSE and self.study is not None:
            # The check is an obligation of the course: without it the course closes.
            self.close_course()
            self.window.courses_page.show_reason(
                self.tr("A face check is required to go on studying: the course was closed.")
            )

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

    # -- the platform's and the store's stops ------------------------------------------

    def _on_sync_status(self, status: SyncStatus) -> None:
        self.window.study_page.set_sync_status(status.pending, status.online)
        self.window.set_sync_status(status.pending, status.online)
        if status.check_due is not None:
            self._offer_check(status.check_due.id)

    def _on_study_stopped(self, code: str, reason: str) -> None:
        if code == "signed_out":
            return  # the sign-out ends the journey (LearnerApp)
        self.stop_in_effect = code
        if self.player.course is not None:
            self.player.hold(PauseReason.STUDY_STOPPED)
        self.window.show_notice(study_stop_text(code))

    def _on_study_allowed(self) -> None:
        self.stop_in_effect = None
        self.player.release(PauseReason.STUDY_STOPPED)
        failure = self.store_failure
        self.window.show_notice("" if failure is None else study_store_failed_text(failure))

    def _on_store_write_failed(self, code: str) -> None:
        """A study event was not saved: playback would earn time nobody records, so the
        course is held until it is closed and opened again."""
        self.store_failure = code
        if self.player.course is not None:
            self.player.hold(PauseReason.STORE_FAILED)
        self.window.show_notice(study_store_failed_text(code))

    def _on_event_committed(self, signed: SignedEvent) -> None:
        self.saved_seq = signed.event.seq
        if self.study is None:
            return
        kind = signed.event.kind
        if kind is EventKind.PLAY:
            # The server credits playing time from when it hears of the PLAY, by its own
            # clock: sent at once.
            self.sync.flush()
        elif kind is EventKind.PROGRESS:
            self.sync.heartbeat()

    # -- the course test and the rating ------------------------------------------------

    def _request_test(self, course: CourseListing) -> None:
        if self.test_course is not None or self.test_dialog is not None:
            return  # one test at a time: its questions are on the way or on screen
        self.test_course = course
        self.sync.send(
            CourseTestPaperRequest(course.id), self._on_test_paper, self._test_paper_failed
        )

    def _test_paper_failed(self, failure: RequestFailure) -> None:
        self.test_course = None
        self.window.courses_page.show_reason(failure_text(failure.code, failure.reason))

    def _on_test_paper(self, paper: CourseTestPaper) -> None:
        course = self.test_course
        if course is None or not self.window.is_signed_in:
            return
        dialog = CourseTestDialog(paper, self.window)
        self.test_dialog = dialog

        def submit(answers: CourseTestAnswers) -> None:
            self.sync.send(
                SubmitCourseTestRequest(course.id, answers),
                self._on_test_graded,
                lambda failure: dialog.show_error(failure_text(failure.code, failure.reason)),
            )

        _open_dialog(dialog, submit, self._forget_test_dialog)

    def _forget_test_dialog(self) -> None:
        self.test_dialog = None
        self.test_course = None
        self.refresh_courses()

    def _on_test_graded(self, result: CourseTestResult) -> None:
        kind = EventKind.TEST_PASSED if result.passed else EventKind.TEST_FAILED
        self.recorder.record(kind, {"score": result.score})
        if self.test_dialog is not None:
            self.test_dialog.show_result(result)
        self.refresh_today()

    def _open_rating(self, course: CourseListing) -> None:
        if self.rating_dialog is not None:
            return
        dialog = CourseRatingDialog(course.name, self.window)
        dialog.set_previous(course.my_rating)
        self.rating_dialog = dialog

        def submit(rating: CourseRatingBody) -> None:
            self.sync.send(
                RateCourseRequest(course.id, rating),
                self._on_rated,
                lambda failure: dialog.show_error(failure_text(failure.code, failure.reason)),
            )

        _open_dialog(dialog, submit, self._forget_rating_dialog)

    def _forget_rating_dialog(self) -> None:
        self.rating_dialog = None
        self.refresh_courses()

    def _on_rated(self, saved: RatingSaved) -> None:
        self.rated += 1
        if self.rating_dialog is not None:
            self.rating_dialog.show_result(saved)


def _open_dialog(
    dialog: CourseTestDialog | CourseRatingDialog,
    submit: Callable[..., None],
    forget: Callable[[], None],
) -> None:
    """Open `dialog`: what it submits goes to `submit`; when it closes, `forget` runs
    and the dialog is deleted."""
    dialog.submitted.connect(submit)
    dialog.finished.connect(lambda _result: forget())
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
