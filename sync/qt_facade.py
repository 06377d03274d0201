"""`StudyStoreService`: the Qt facade of the local store, the only module of `sync` that
knows Qt. The store itself runs on its own worker thread (`sync.store_worker`); this
object turns its futures into signals, delivered on the GUI thread, so the GUI never
waits on the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from qt_binding import QObject, Signal
from qt_binding.gui_thread import GuiHandoff
from sync.engine import SyncEngine, SyncStatus
from sync.store import open_with_keyring
from sync.store_worker import StoreWorker, WorkerResumeStore
from sync.sync_rules import FaceProof

log = logging.getLogger(__name__)


def error_code(error: BaseException) -> str:
    """The stable code of a known store or key-store error; "store_failed" for a bug."""
    return str(getattr(error, "code", "store_failed"))


class StudyStoreService(QObject):
    opened = Signal(object)  # StoreOpened
    failed = Signal(str)  # error code: the UI says what happened and what to do
    event_committed = Signal(object)  # SignedEvent, only after the COMMIT that stored it
    append_failed = Signal(str)  # error code

    def __init__(self, path: Path, store_id: str = "main", parent: QObject | None = None):
        super().__init__(parent)
        self._gui = GuiHandoff(self)
        # The key store is asked on the worker too: a D-Bus round trip, or an unlock
        # prompt, must not freeze the window.
        self.worker = StoreWorker(lambda: open_with_keyring(path, store_id))

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


class SyncService(QObject):
    """The Qt facade of `sync.engine.SyncEngine`: its calls return at once, their
    outcomes and every status change come back as signals on the GUI thread. The player
    connects `study_stopped` to pause (within a second of the server's answer)."""

    status_changed = Signal(object)  # SyncStatus: pending uploads, last sync, online, skew
    study_stopped = Signal(str, str)  # StudyStop code, SignOutReason code or ""
    study_allowed = Signal()
    request_done = Signal(str, object)  # request name, the server's answer
    request_failed = Signal(str, str, str)  # request name, error code, server reason code

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

    def password_login(self, login_name: str, password: str) -> None:
        self._track("password_login", self.engine.password_login(login_name, password))

    def login_face_challenge(self, challenge_token: str) -> None:
        """request_done("face_challenge", FaceChallenge) or request_failed(...)."""
        self._track("face_challenge", self.engine.login_face_challenge(challenge_token))

    def study_face_challenge(self, due_id: str) -> None:
        self._track("face_challenge", self.engine.study_face_challenge(due_id))

    def face_login(self, challenge_token: str, proof: FaceProof, consent: bool = False) -> None:
        self._track("face_login", self.engine.face_login(challenge_token, proof, consent))

    def request_sms_code(self, phone: str) -> None:
        self._track("sms_request", self.engine.request_sms_code(phone))

    def sms_login(self, phone: str, code: str) -> None:
        self._track("sms_login", self.engine.sms_login(phone, code))

    def get(self, name: str, path: str, params: dict | None = None) -> None:
        """GET `path` (under /api/v1) for the signed-in learner; the answer comes back as
        request_done(name, answer) or request_failed(name, code, reason)."""
        self._track(name, self.engine.get(path, params))

    def post(self, name: str, path: str, body: dict) -> None:
        self._track(name, self.engine.post(path, body))

    def download_media(self, course_id: str, destination: Path, expected_sha256: str) -> None:
        self._track(
            "download_media", self.engine.download_media(course_id, destination, expected_sha256)
        )

    def study_face_check(self, due_id: str, proof: FaceProof) -> None:
        self._track("study_face_check", self.engine.study_face_check(due_id, proof))

    def end_course(self) -> None:
        self._track("end_course", self.engine.end_course())

    def sign_out(self) -> None:
        self._track("sign_out", self.engine.sign_out())

    def start_course(self, course_id: str) -> None:
        self._track("start_course", self.engine.start_course(course_id))

    def flush(self) -> None:
        self._track("flush", self.engine.flush())

    def start_heartbeats(self) -> None:
        self.engine.start_heartbeats()

    def stop_heartbeats(self) -> None:
        self.engine.stop_heartbeats(wait=False)  # never block the GUI thread on a beat

    def close(self) -> None:
        self.engine.close()

    def _track(self, name: str, future: Future[Any]) -> None:
        self._gui.when_done(
            future,
            lambda answer: self.request_done.emit(name, answer),
            lambda error: self.request_failed.emit(
                name, error_code(error), str(getattr(error, "reason_code", "") or "")
            ),
        )

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
