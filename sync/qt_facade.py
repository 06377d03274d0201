"""`StudyStoreService`: the Qt facade of the local store, the only module of `sync` that
knows Qt. The store itself runs on its own worker thread (`sync.store_worker`); this
object turns its futures into signals, delivered on the GUI thread, so the GUI never
waits on the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from qt_binding import QObject, Signal
from qt_binding.gui_thread import GuiHandoff
from sync.engine import SyncEngine, SyncStatus
from sync.keystore import StoreKeySource
from sync.requests import LearnerRequest
from sync.store import open_store
from sync.store_worker import StoreWorker, WorkerResumeStore
from sync.sync_rules import FaceProof
from wire.auth import FirstFactorPassed, SignedIn, SmsCodeSent
from wire.face import LivenessChallenge
from wire.releases import ClientRelease
from wire.study import FaceCheckResult, StudyStarted

log = logging.getLogger(__name__)

A = TypeVar("A")


def _ignore(_outcome: object) -> None:
    """For calls whose outcome arrives another way (a status, the next query)."""


def error_code(error: BaseException) -> str:
    """The stable code of a known store or key-store error; "store_failed" for a bug."""
    return str(getattr(error, "code", "store_failed"))


class StudyStoreService(QObject):
    opened = Signal(object)  # StoreOpened
    failed = Signal(str)  # error code: the UI says what happened and what to do
    event_committed = Signal(object)  # SignedEvent, only after the COMMIT that stored it
    append_failed = Signal(str)  # error code

    def __init__(
        self,
        path: Path,
        store_id: str = "main",
        keys: StoreKeySource | None = None,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self._gui = GuiHandoff(self)
        # The key store is asked on the worker too: a D-Bus round trip, or an unlock
        # prompt, must not freeze the window.
        self.worker = StoreWorker(lambda: open_store(path, store_id, keys))

    def start(self) -> None:
        """Report `opened` or `failed`: call once the receivers are connected. The store
        began opening at construction; if it is open already this reports at once."""
        self._gui.when_done(self.worker.opened, self.opened.emit, self._on_open_failed)

    def resume_store(self) -> WorkerResumeStore:
        return WorkerResumeStore(self.worker)

    def append(self, fields: Mapping[str, object]) -> None:
        self._gui.when_done(
            self.worker.append(fields), self.event_committed.emit, self._on_append_failed
        )

    def close(self, timeout_s: float = 10.0) -> None:
        """Finish the queued appends (each committed) and close the database."""
        try:
            self.worker.close().result(timeout_s)
        except Exception as error:  # a store that never opened has nothing to finish
            log.info("store closed: %s", error_code(error))

    def _on_open_failed(self, error: BaseException) -> None:
        log.error("study store unavailable: %s", error_code(error))
        self.failed.emit(error_code(error))

    def _on_append_failed(self, error: BaseException) -> None:
        log.error("study event not stored: %s", error_code(error))
        self.append_failed.emit(error_code(error))


@dataclass(frozen=True)
class RequestFailure:
    """Why a request to the platform failed: the client's stable error code, and the
    server's reason code when the server refused it ("" otherwise)."""

    code: str
    reason: str = ""


Failed = Callable[[RequestFailure], None]


class SyncService(QObject):
    """The Qt facade of `sync.engine.SyncEngine`. Each call returns at once and takes
    the callbacks for its outcome, as Anki's `QueryOp` does: `done` with the typed
    answer or `failed` with a `RequestFailure`, both on the GUI thread. Status changes
    come as signals; the player connects `study_stopped` to pause (within a second of
    the server's answer)."""

    status_changed = Signal(object)  # SyncStatus: pending uploads, last sync, online, skew
    study_stopped = Signal(str, str)  # StudyStop code, SignOutReason code or ""
    study_allowed = Signal()

    def __init__(
        self,
        make_engine: Callable[[Callable[[SyncStatus], None]], SyncEngine],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._gui = GuiHandoff(self)
        self._allowed = True
        self._stopped: tuple[str, str] | None = None
        self.engine = make_engine(self._on_status)

    def password_login(
        self,
        login_name: str,
        password: str,
        done: Callable[[FirstFactorPassed], None],
        failed: Failed,
    ) -> None:
        self._track(
            "password_login", self.engine.password_login(login_name, password), done, failed
        )

    def request_sms_code(
        self, phone: str, done: Callable[[SmsCodeSent], None], failed: Failed
    ) -> None:
        self._track("sms_request", self.engine.request_sms_code(phone), done, failed)

    def sms_login(
        self, phone: str, code: str, done: Callable[[FirstFactorPassed], None], failed: Failed
    ) -> None:
        self._track("sms_login", self.engine.sms_login(phone, code), done, failed)

    def login_face_challenge(
        self, challenge_token: str, done: Callable[[LivenessChallenge], None], failed: Failed
    ) -> None:
        self._track(
            "login_face_challenge", self.engine.login_face_challenge(challenge_token), done, failed
        )

    def face_login(
        self,
        challenge_token: str,
        proof: FaceProof,
        consent: bool,
        done: Callable[[SignedIn], None],
        failed: Failed,
    ) -> None:
        self._track(
            "face_login", self.engine.face_login(challenge_token, proof, consent), done, failed
        )

    def send(self, request: LearnerRequest[A], done: Callable[[A], None], failed: Failed) -> None:
        """A signed-in learner's request (`sync.requests`)."""
        self._track(type(request).__name__, self.engine.send(request), done, failed)

    def latest_release(
        self,
        target: str,
        channel: str,
        done: Callable[[ClientRelease | None], None],
        failed: Failed,
    ) -> None:
        self._track("latest_release", self.engine.latest_release(target, channel), done, failed)

    def download_release(
        self, release: ClientRelease, folder: Path, done: Callable[[Path], None], failed: Failed
    ) -> None:
        self._track("download_release", self.engine.download_release(release, folder), done, failed)

    def download_media(
        self,
        course_id: str,
        destination: Path,
        expected_sha256: str,
        done: Callable[[Path], None],
        failed: Failed,
    ) -> None:
        future = self.engine.download_media(course_id, destination, expected_sha256)
        self._track("download_media", future, done, failed)

    def start_course(
        self, course_id: str, done: Callable[[StudyStarted], None], failed: Failed
    ) -> None:
        self._track("start_course", self.engine.start_course(course_id), done, failed)

    def study_face_challenge(
        self, due_id: str, done: Callable[[LivenessChallenge], None], failed: Failed
    ) -> None:
        self._track("study_face_challenge", self.engine.study_face_challenge(due_id), done, failed)

    def study_face_check(
        self,
        due_id: str,
        proof: FaceProof,
        done: Callable[[FaceCheckResult], None],
        failed: Failed,
    ) -> None:
        self._track("study_face_check", self.engine.study_face_check(due_id, proof), done, failed)

    def end_course(self, done: Callable[[None], None] = _ignore) -> None:
        self._track("end_course", self.engine.end_course(), done, _ignore)

    def sign_out(self) -> None:
        self._track("sign_out", self.engine.sign_out(), _ignore, _ignore)

    def heartbeat(self) -> None:
        """A beat of the open course: its outcome arrives as a status."""
        self._track("heartbeat", self.engine.heartbeat(), _ignore, _ignore)

    def flush(self) -> None:
        self._track("flush", self.engine.flush(), _ignore, _ignore)

    def close(self) -> None:
        self.engine.close()

    def _track(
        self, what: str, future: Future[A], done: Callable[[A], None], failed: Failed
    ) -> None:
        def on_error(error: BaseException) -> None:
            failure = RequestFailure(
                error_code(error), str(getattr(error, "reason_code", "") or "")
            )
            log.info(
                "request failed",
                extra={"data": {"request": what, "code": failure.code, "reason": failure.reason}},
            )
            failed(failure)

        self._gui.when_done(future, done, on_error)

    def _on_status(self, status: SyncStatus) -> None:
        """On the sync thread: said on the GUI thread."""
        self._gui.post(lambda: self._publish_status(status))

    def _publish_status(self, status: SyncStatus) -> None:
        self.status_changed.emit(status)
        verdict = status.verdict
        if verdict.stop is not None:  # not allowed: a verdict that stops says why
            sign_out = verdict.sign_out.value if verdict.sign_out else ""
            stop = (verdict.stop.value, sign_out)
            # Once per stop: every later status repeats it, and a receiver that reacts by
            # flushing would otherwise hear it again from its own flush.
            if stop != self._stopped:
                self._stopped = stop
                self._allowed = False
                self.study_stopped.emit(*stop)
        elif not self._allowed:
            self._allowed = True
            self._stopped = None
            self.study_allowed.emit()
