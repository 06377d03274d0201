"""`StudyStoreService`: the Qt facade of the local store, the only module of `sync` that
knows Qt. The store itself runs on its own worker thread (`sync.store_worker`); this
object turns its futures into signals, delivered on the GUI thread, so the GUI never
waits on the database.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from concurrent.futures import Future
from pathlib import Path

from qt_binding import QObject, Signal
from records.signing import SignedEvent
from sync.store import open_with_keyring
from sync.store_worker import StoreOpened, StoreWorker, WorkerResumeStore

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
        # The key store is asked on the worker too: a D-Bus round trip, or an unlock
        # prompt, must not freeze the window.
        self.worker = StoreWorker(lambda: open_with_keyring(path, store_id))

    def start(self) -> None:
        """Report `opened` or `failed`: call once the receivers are connected. The store
        began opening at construction; if it is open already this reports at once."""
        self.worker.opened.add_done_callback(self._on_opened)

    def resume_store(self) -> WorkerResumeStore:
        return WorkerResumeStore(self.worker)

    def append(self, fields: Mapping[str, object]) -> None:
        self.worker.append(fields).add_done_callback(self._on_appended)

    def close(self, timeout_s: float = 10.0) -> None:
        """Finish the queued appends (each committed) and close the database."""
        try:
            self.worker.close().result(timeout_s)
        except Exception as error:  # a store that never opened has nothing to finish
            log.info("store closed: %s", error_code(error))

    # Callbacks run on the store's thread; emitting from there queues the signal to the
    # receivers, which live on the GUI thread.
    def _on_opened(self, future: Future[StoreOpened]) -> None:
        error = future.exception()
        if error is not None:
            log.error("study store unavailable: %s", error_code(error))
            self.failed.emit(error_code(error))
        else:
            self.opened.emit(future.result())

    def _on_appended(self, future: Future[SignedEvent]) -> None:
        error = future.exception()
        if error is not None:
            log.error("study event not stored: %s", error_code(error))
            self.append_failed.emit(error_code(error))
        else:
            self.event_committed.emit(future.result())
