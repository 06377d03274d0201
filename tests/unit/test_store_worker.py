"""The store's worker thread: one thread owns the connection, every call is a Future,
queued appends are committed together and each is resolved only after its COMMIT."""

from __future__ import annotations

import secrets
import threading
from pathlib import Path

import pytest

from records.events import EventFormatError
from sync.store import StoreClosedError, StudyStore, WrongKeyError
from sync.store_worker import StoreOpened, StoreWorker, WorkerResumeStore
from tests.support._store_child import progress_fields, raw_connection


@pytest.fixture
def key() -> bytes:
    return secrets.token_bytes(32)


class CountingStore(StudyStore):
    """Counts the transactions that store events, and the thread that runs them."""

    def append_many(self, items):
        self.commits = getattr(self, "commits", 0) + 1
        self.threads = getattr(self, "threads", set()) | {threading.get_ident()}
        return super().append_many(items)


def test_all_work_runs_on_one_thread_that_owns_the_connection(tmp_path: Path, key: bytes):
    path = tmp_path / "study.db"
    with StoreWorker(lambda: StudyStore.open(path, key)) as worker:
        opened = worker.opened.result(timeout=10)
        assert isinstance(opened, StoreOpened) and opened.integrity_problems == ()
        assert len(opened.device_public_key) == 32
        idents = {worker.submit(lambda s: threading.get_ident()).result() for _ in range(5)}
        assert idents == {worker.thread.ident} != {threading.get_ident()}
        # The connection is bound to that thread: used from here it refuses, and the
        # refusal is a bug (ProgrammingError), not dressed up as a store error.
        store = worker.submit(lambda s: s).result()
        with pytest.raises(Exception, match="thread") as caught:
            store.head()
        assert type(caught.value).__name__ == "ProgrammingError"
    assert not worker.thread.is_alive()


def test_queued_appends_are_group_committed_in_order(tmp_path: Path, key: bytes):
    path = tmp_path / "study.db"
    gate = threading.Event()
    with StoreWorker(lambda: CountingStore.open(path, key)) as worker:
        worker.opened.result(timeout=10)
        worker.submit(lambda s: gate.wait(10))  # hold the thread while appends queue up
        futures = [worker.append(progress_fields(i * 1000)) for i in range(300)]
        gate.set()
        events = [f.result(timeout=30) for f in futures]
        store = worker.submit(lambda s: s).result()
    assert [e.event.seq for e in events] == list(range(1, 301))
    assert [e.event.data["position_ms"] for e in events] == [i * 1000 for i in range(300)]
    assert store.commits == 1  # all 300 were waiting: one transaction
    assert store.threads == {worker.thread.ident}


def test_a_resolved_append_is_already_committed(tmp_path: Path, key: bytes):
    path = tmp_path / "study.db"
    with StoreWorker(lambda: StudyStore.open(path, key)) as worker:
        worker.opened.result(timeout=10)
        reader = raw_connection(path, key)  # another connection sees only committed data
        for i in range(20):
            seq = worker.append(progress_fields(i)).result(timeout=10).event.seq
            assert reader.execute("SELECT count(*) FROM events WHERE seq = ?", (seq,)).fetchone()
            assert reader.execute("SELECT max(seq) FROM events").fetchone()[0] == seq
        reader.close()


def test_a_malformed_append_fails_alone(tmp_path: Path, key: bytes):
    path = tmp_path / "study.db"
    gate = threading.Event()
    bad = {"kind": "progress", "learner_id": "L", "session_id": "S", "data": {}}
    with StoreWorker(lambda: StudyStore.open(path, key)) as worker:
        worker.submit(lambda s: gate.wait(10))
        first, broken, last = (
            worker.append(f) for f in (progress_fields(1), bad, progress_fields(2))
        )
        gate.set()
        assert first.result(timeout=10).event.seq == 1
        with pytest.raises(EventFormatError):
            broken.result(timeout=10)
        assert last.result(timeout=10).event.seq == 2


def test_calls_keep_their_order_around_appends(tmp_path: Path, key: bytes):
    path = tmp_path / "study.db"
    with StoreWorker(lambda: StudyStore.open(path, key)) as worker:
        worker.append(progress_fields(1))
        count_between = worker.outbox_status()
        worker.append(progress_fields(2))
        batch = worker.append_many([progress_fields(3), progress_fields(4)])
        assert count_between.result(timeout=10).total == 1
        assert [e.event.seq for e in batch.result(timeout=10)] == [3, 4]
        assert [e.event.seq for e in worker.unsynced(10).result()] == [1, 2, 3, 4]
        assert worker.mark_synced(3).result() == 3
        assert worker.outbox_status().result().pending == 1


def test_an_open_failure_reaches_every_caller(tmp_path: Path, key: bytes):
    path = tmp_path / "study.db"
    StudyStore.open(path, key).close()
    worker = StoreWorker(lambda: StudyStore.open(path, secrets.token_bytes(32)))
    with pytest.raises(WrongKeyError):
        worker.opened.result(timeout=10)
    with pytest.raises(StoreClosedError):
        worker.append(progress_fields(1)).result(timeout=10)
    worker.close().result(timeout=10)
    worker.thread.join(10)
    assert not worker.thread.is_alive()


def test_after_close_calls_fail_as_closed(tmp_path: Path, key: bytes):
    worker = StoreWorker(lambda: StudyStore.open(tmp_path / "study.db", key))
    pending = worker.append(progress_fields(1))
    worker.close().result(timeout=10)
    assert pending.result().event.seq == 1  # work queued before close is done
    with pytest.raises(StoreClosedError) as caught:
        worker.append(progress_fields(2)).result()
    assert caught.value.code == "store_closed"
    worker.close().result(timeout=10)  # closing twice is harmless


def test_the_worker_serves_the_players_resume_store(tmp_path: Path, key: bytes):
    path = tmp_path / "study.db"
    with StoreWorker(lambda: StudyStore.open(path, key)) as worker:
        resume = WorkerResumeStore(worker)
        resume.save("L-1", "C-1", 90_000)
        assert resume.position_ms("L-1", "C-1") == 90_000  # the queue keeps the order
    with StudyStore.open(path, key) as store:
        assert store.position_ms("L-1", "C-1") == 90_000
