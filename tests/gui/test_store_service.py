"""The store's Qt facade: signals arrive on the GUI thread, an event only after its
COMMIT, and a store that cannot open says why. Uses the test session's real
gnome-keyring (tests/conftest.py)."""

from __future__ import annotations

import threading

from records.events import EventKind
from sync.qt_facade import StudyStoreService
from sync.store import open_store


def fields(n: int) -> dict:
    return {
        "kind": EventKind.PLAY,
        "learner_id": "l",
        "session_id": "s",
        "course_id": "c",
        "at_ms": 1_700_000_000_000 + n,
        "data": {"position_ms": n},
    }


def test_events_are_acknowledged_on_the_gui_thread_after_commit(
    display, qtbot, tmp_path, emits_on_gui_thread
) -> None:
    path = tmp_path / "study.db"
    service = emits_on_gui_thread.watch(StudyStoreService(path, store_id=f"svc-{tmp_path.name}"))
    threads: list[threading.Thread] = []
    committed = []
    service.event_committed.connect(
        lambda signed: (threads.append(threading.current_thread()), committed.append(signed))
    )
    with qtbot.waitSignal(service.opened, timeout=20_000):
        service.start()
    for n in range(5):
        service.append(fields(n))
    qtbot.waitUntil(lambda: len(committed) == 5, timeout=10_000)
    assert {t is threading.main_thread() for t in threads} == {True}
    assert [s.event.seq for s in committed] == [1, 2, 3, 4, 5]
    service.close()
    with qtbot.waitSignal(service.append_failed, timeout=10_000) as refused:
        service.append(fields(6))  # after closing: refused, and said so
    assert refused.args == ["store_closed"]
    assert emits_on_gui_thread.names == {
        "StudyStoreService.opened",
        "StudyStoreService.event_committed",
        "StudyStoreService.append_failed",
    }
    # Every acknowledged event is in the file, chained and signed.
    reopened = open_store(path, f"svc-{tmp_path.name}")
    try:
        stored = reopened.events()
        assert [s.hash for s in stored] == [s.hash for s in committed]
        assert reopened.integrity_problems == []
    finally:
        reopened.close()


def test_a_store_that_cannot_open_reports_its_code(
    display, qtbot, tmp_path, emits_on_gui_thread
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    service = StudyStoreService(blocker / "study.db", store_id=f"bad-{tmp_path.name}")
    emits_on_gui_thread.watch(service)
    with qtbot.waitSignal(service.failed, timeout=20_000) as failed:
        service.start()
    assert failed.args[0].startswith("store_")
    service.close()
