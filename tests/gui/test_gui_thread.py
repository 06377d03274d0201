"""The one hand-back to the GUI thread (qt_binding/gui_thread.py), and that a facade whose
work runs elsewhere says its outcome on the GUI thread. The other facades are watched
in their own tests (`emits_on_gui_thread`); the player in every player test."""

from __future__ import annotations

import argparse
import threading
from concurrent.futures import Future

import pytest

from qt_binding import QObject, Signal
from qt_binding.gui_thread import GuiHandoff
from tests.support.gui_thread_watch import EmitWatch

pytestmark = pytest.mark.usefixtures("qapp")


def test_calls_posted_from_threads_run_on_the_gui_thread_in_order(qtbot) -> None:
    handoff = GuiHandoff()
    seen: list[tuple[int, bool]] = []

    def post_from_a_thread() -> None:
        for n in range(50):
            handoff.post(
                lambda n=n: seen.append((n, threading.current_thread() is threading.main_thread()))
            )

    worker = threading.Thread(target=post_from_a_thread)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(seen) == 50, timeout=5000)
    assert seen == [(n, True) for n in range(50)]


def test_a_failing_call_is_raised_and_the_calls_after_it_still_come(qtbot) -> None:
    handoff = GuiHandoff()
    seen: list[int] = []

    def broken() -> None:
        raise ValueError("a receiver's bug")

    with qtbot.captureExceptions() as raised:
        handoff.post(broken)
        handoff.post(lambda: seen.append(1))
        qtbot.waitUntil(lambda: seen == [1], timeout=5000)
    assert [kind for kind, *_ in raised] == [ValueError]


def test_run_and_when_done_hand_back_results_and_errors(qtbot) -> None:
    handoff = GuiHandoff()
    outcomes: list[tuple[str, object, bool]] = []

    def note(kind: str):
        return lambda value: outcomes.append(
            (kind, value, threading.current_thread() is threading.main_thread())
        )

    handoff.run(lambda: 41 + 1, note("done"), note("failed"), name="test-work")
    qtbot.waitUntil(lambda: len(outcomes) == 1, timeout=5000)
    error = ZeroDivisionError("no")
    handoff.run(lambda: (_ for _ in ()).throw(error), note("done"), note("failed"), name="t")
    qtbot.waitUntil(lambda: len(outcomes) == 2, timeout=5000)
    future: Future[str] = Future()
    handoff.when_done(future, note("done"), note("failed"))
    threading.Thread(target=future.set_result, args=("answer",)).start()
    qtbot.waitUntil(lambda: len(outcomes) == 3, timeout=5000)
    assert outcomes == [("done", 42, True), ("failed", error, True), ("done", "answer", True)]


class _EmitsFromAThread(QObject):
    said = Signal(int)

    def say_from_a_thread(self) -> None:
        threading.Thread(target=self.said.emit, args=(1,)).start()


def test_the_watch_catches_a_signal_emitted_off_the_gui_thread(qtbot) -> None:
    """What `emits_on_gui_thread` would fail a test on: the check itself can fail."""
    watch = EmitWatch()
    emitter = watch.watch(_EmitsFromAThread())
    emitter.say_from_a_thread()
    qtbot.waitUntil(lambda: bool(watch.emitted), timeout=5000)
    assert watch.off_gui_thread == ["_EmitsFromAThread.said"]


def test_the_demo_platform_failing_to_start_is_said_on_the_gui_thread(
    qtbot, tmp_path, emits_on_gui_thread
) -> None:
    from app.application import PlatformStarter

    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")
    starter = emits_on_gui_thread.watch(PlatformStarter())
    with qtbot.waitSignal(starter.failed, timeout=30_000) as failed:
        starter.start(argparse.Namespace(demo=True), blocker, None)
    assert failed.args[0]  # the error's type, for the learner's message
    assert emits_on_gui_thread.names == {"PlatformStarter.failed"}
