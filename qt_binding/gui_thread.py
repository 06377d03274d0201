"""The one way work gets back to the GUI thread.

Every facade (the store's, the platform's, the face check's, the demo platform's start,
the diagnostics) runs its slow work elsewhere and hands the outcome back through a
`GuiHandoff`: a thread posts a call, and the GUI thread runs it, in posting order. A
Python thread never emits a facade's signal: emitting PySide signals that carry Python
objects from a non-Qt thread crashed the suite now and then (a segfault inside a Python
receiver). The only thing said across threads is an argument-less wake-up, queued to
the GUI thread; no Python object crosses through Qt.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

from PySide6.QtCore import QObject, Qt, Signal

T = TypeVar("T")


class GuiHandoff(QObject):
    """Runs posted calls on the thread this object lives on (create it on the GUI
    thread, as a child of the facade that uses it)."""

    _wake = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._inbox: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._wake.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def post(self, call: Callable[[], None]) -> None:
        """Any thread: run `call()` on the GUI thread, after everything posted before."""
        self._inbox.put(call)
        with contextlib.suppress(RuntimeError):  # the facade was deleted: nobody to tell
            self._wake.emit()

    def when_done(
        self,
        future: Future[T],
        done: Callable[[T], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        """`done(result)` or `failed(error)` on the GUI thread once `future` settles."""

        def settled(finished: Future[T]) -> None:
            error = finished.exception()
            if error is None:
                result = finished.result()
                self.post(lambda: done(result))
            else:
                self.post(lambda: failed(error))

        future.add_done_callback(settled)

    def run(
        self,
        work: Callable[[], T],
        done: Callable[[T], None],
        failed: Callable[[BaseException], None],
        name: str,
    ) -> None:
        """`work()` on a daemon thread of its own; its outcome as `when_done` hands it."""
        future: Future[T] = Future()
        self.when_done(future, done, failed)

        def body() -> None:
            try:
                future.set_result(work())
            except BaseException as error:  # handed to `failed`, never lost
                future.set_exception(error)

        threading.Thread(target=body, name=name, daemon=True).start()

    def _deliver(self) -> None:
        while True:
            try:
                call = self._inbox.get_nowait()
            except queue.Empty:
                return
            try:
                call()
            except BaseException:
                # Raised on to Qt (and to a test) as a slot's error is; the calls posted
                # after it still come, on a wake of their own.
                if not self._inbox.empty():
                    self._wake.emit()
                raise
