"""Runs one StudyStore on one dedicated thread, so no database work happens on the GUI
thread and the connection (bound to the thread that made it) is only ever used there.

Every call returns a concurrent.futures.Future. Appends waiting in the queue are
committed together (group commit): each append's future resolves only after the COMMIT
that stored it, so "resolved" still means "durable", but a burst of N events costs one
disk sync instead of N. A Qt facade turns the futures into signals; this module has no Qt.
"""

from __future__ import annotations

import functools
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from records.events import EventFormatError
from records.signing import SignedEvent
from sync.store import EventFields, IntegrityProblem, OutboxStatus, StoreClosedError, StudyStore

log = logging.getLogger(__name__)

T = TypeVar("T")
MAX_GROUP = 512  # appends per group commit: bounds the time one COMMIT holds the lock


@dataclass
class _Job:
    run: Callable[[StudyStore], Any]
    future: Future[Any] = field(default_factory=Future)


@dataclass
class _Append:
    fields: EventFields
    future: Future[SignedEvent] = field(default_factory=Future)


@dataclass(frozen=True)
class StoreOpened:
    """What the rest of the client needs to know once the store is open (the store
    object itself stays on its thread)."""

    device_id: str
    device_public_key: bytes
    integrity_problems: tuple[IntegrityProblem, ...]
    tamper_event: SignedEvent | None


@dataclass(frozen=True)
class OutboxBatch:
    """The oldest unsynced events and the outbox they were taken from, read together."""

    events: list[SignedEvent]
    status: OutboxStatus


class _Stop:
    def __init__(self) -> None:
        self.future: Future[None] = Future()


class StoreWorker:
    """Owns the store's thread. `opened` resolves to a StoreOpened once the store is open,
    or to the StoreError that prevented it; calls made before then wait in the queue."""

    def __init__(self, open_store: Callable[[], StudyStore], name: str = "study-store") -> None:
        self._open_store = open_store
        self._queue: queue.SimpleQueue[_Job | _Append | _Stop] = queue.SimpleQueue()
        self._store: StudyStore | None = None
        self._closed = False
        self._stop = _Stop()
        self._lock = threading.Lock()  # orders close() against late submissions
        self.opened: Future[StoreOpened] = Future()
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    # -- the public API --

    def submit(self, run: Callable[[StudyStore], T]) -> Future[T]:
        """Run `run(store)` on the store's thread."""
        job = _Job(run)
        self._put(job)
        return job.future

    def append(self, fields: EventFields) -> Future[SignedEvent]:
        append = _Append(fields)
        self._put(append)
        return append.future

    def append_many(self, items: list[EventFields]) -> Future[list[SignedEvent]]:
        return self.submit(lambda store: store.append_many(items))

    def unsynced(self, limit: int = 500) -> Future[list[SignedEvent]]:
        return self.submit(lambda store: store.unsynced(limit))

    def mark_synced(self, up_to_seq: int) -> Future[int]:
        return self.submit(lambda store: store.mark_synced(up_to_seq))

    def sign_face_burst(
        self, challenge_id: str, frames: Sequence[tuple[int, bytes]]
    ) -> Future[bytes]:
        return self.submit(lambda store: store.sign_face_burst(challenge_id, frames))

    def outbox_batch(self, limit: int) -> Future[OutboxBatch]:
        """One trip for what an upload needs: the events to send and the count left."""
        return self.submit(lambda store: OutboxBatch(store.unsynced(limit), store.outbox_status()))

    def outbox_status(self) -> Future[OutboxStatus]:
        return self.submit(lambda store: store.outbox_status())

    def position_ms(self, learner_id: str, course_id: str) -> Future[int]:
        return self.submit(lambda store: store.position_ms(learner_id, course_id))

    def save_position(self, learner_id: str, course_id: str, position_ms: int) -> Future[None]:
        return self.submit(lambda store: store.save(learner_id, course_id, position_ms))

    def close(self) -> Future[None]:
        """Finish the queued work, close the database and end the thread."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._queue.put(self._stop)
        return self._stop.future

    def __enter__(self) -> StoreWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close().result()
        self.thread.join()

    # -- the thread --

    def _put(self, item: _Job | _Append) -> None:
        with self._lock:
            if self._closed:
                item.future.set_exception(StoreClosedError("The study records store is closed."))
            else:
                self._queue.put(item)

    def _run(self) -> None:
        try:
            self._store = self._open_store()
        except BaseException as error:
            self.opened.set_exception(error)
        else:
            self.opened.set_result(
                StoreOpened(
                    device_id=self._store.device_id,
                    device_public_key=self._store.device_public_key,
                    integrity_problems=tuple(self._store.integrity_problems),
                    tamper_event=self._store.tamper_event,
                )
            )
        pending: _Job | _Append | _Stop | None = None
        while True:
            item = pending if pending is not None else self._queue.get()
            pending = None
            if isinstance(item, _Stop):
                self._finish(item)
                return
            if isinstance(item, _Append):
                group = [item]
                # Take what is already waiting; stop at the first non-append so the
                # order of calls is the order of effects.
                while len(group) < MAX_GROUP:
                    try:
                        following = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if isinstance(following, _Append):
                        group.append(following)
                    else:
                        pending = following
                        break
                self._commit_group(group)
            else:
                self._run_job(item)

    def _usable_store(self, future: Future[Any]) -> StudyStore | None:
        if not future.set_running_or_notify_cancel():
            return None
        if self._store is None:
            future.set_exception(StoreClosedError("The study records store could not be opened."))
            return None
        return self._store

    def _run_job(self, job: _Job) -> None:
        store = self._usable_store(job.future)
        if store is None:
            return
        try:
            result = job.run(store)
        except BaseException as error:
            job.future.set_exception(error)
        else:
            job.future.set_result(result)

    def _commit_group(self, group: list[_Append]) -> None:
        live = [a for a in group if self._usable_store(a.future) is not None]
        if not live:
            return
        store = self._store
        assert store is not None
        try:
            signed = store.append_many([a.fields for a in live])
        except EventFormatError:
            # One malformed event (a bug in its caller) must not fail the others: retry
            # them one by one, so each future gets its own outcome.
            for append in live:
                _settle(append.future, functools.partial(store.append, append.fields))
            return
        except BaseException as error:
            for append in live:
                append.future.set_exception(error)
            return
        for append, event in zip(live, signed, strict=True):
            append.future.set_result(event)

    def _finish(self, stop: _Stop) -> None:
        try:
            if self._store is not None:
                self._store.close()
        except BaseException as error:
            stop.future.set_exception(error)
        else:
            stop.future.set_result(None)


def _settle(future: Future[T], run: Callable[[], T]) -> None:
    try:
        result = run()
    except BaseException as error:
        future.set_exception(error)
    else:
        future.set_result(result)


class WorkerResumeStore:
    """player.resume.ResumeStore over a StoreWorker: reading a position waits for the
    worker (a single indexed row), saving does not wait; a failed save is logged."""

    def __init__(self, worker: StoreWorker, timeout_s: float = 5.0) -> None:
        self._worker = worker
        self._timeout_s = timeout_s

    def position_ms(self, learner_id: str, course_id: str) -> int:
        return self._worker.position_ms(learner_id, course_id).result(self._timeout_s)

    def save(self, learner_id: str, course_id: str, position_ms: int) -> None:
        future = self._worker.save_position(learner_id, course_id, position_ms)
        future.add_done_callback(_log_failed_save)


def _log_failed_save(future: Future[None]) -> None:
    error = future.exception()
    if error is not None:
        log.warning("resume position not saved: %s", getattr(error, "code", type(error).__name__))
