"""The client's sync against the real server on 127.0.0.1 (SQLite), through a
fault-injecting TCP proxy: exactly-once delivery under dropped, reset, truncated and
failed answers and a server restart mid-batch; sign-out when the account signs in
elsewhere or another learner signs in on this PC; offline grace; clock skew.
Real SQLCipher stores, real HTTP, real face matching at sign-in."""

from __future__ import annotations

import contextlib
import logging
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from app.build_info import VERSION
from app.machine_identity import app_specific_id
from records.events import EventKind
from server.clock import ServerClock
from server.embedded import free_port
from server.field_crypto import generate_master_key
from server.models import StoredEvent, StudySession
from sync.engine import MediaChecksumError, NotSignedInError, SyncEngine
from sync.http_client import (
    ConnectionSettings,
    DownloadCancelledError,
    PlatformClient,
    ServerRefusedError,
    SyncError,
)
from sync.requests import CoursesRequest, ProfileRequest, SubmitCourseTestRequest
from sync.store import StudyStore
from sync.store_worker import StoreWorker
from sync.sync_rules import FaceProof, SignOutReason, StudyStop
from tests.support.fault_proxy import FaultProxy
from tests.support.server_harness import ID_NUMBERS, LiveServer, enroll, make_fixture
from wire.auth import ClientIdentity
from wire.face import LivenessChallenge
from wire.learner import CourseTestAnswers


@dataclass
class World:
    server: LiveServer
    proxy: FaultProxy
    course_id: str
    tmp: Path


@pytest.fixture
def world(tmp_path, faces):
    port = free_port()
    with LiveServer.running(
        tmp_path / "server", f"sqlite:///{tmp_path / 'p.db'}", port=port
    ) as server:
        fixture = make_fixture(server, tmp_path)
        fixture.add_learner("learner1", ID_NUMBERS[0])
        fixture.add_learner("learner2", ID_NUMBERS[1])
        enroll(server, "learner1", faces.learner_photo)
        enroll(server, "learner2", faces.other_photo)
        media = tmp_path / "course.bin"
        media.write_bytes(b"\0" * 4096)
        course = fixture.add_course("安全用电", media, 45 * 60_000)
        with FaultProxy("127.0.0.1", port).start() as proxy:
            yield World(server, proxy, course["id"], tmp_path)


@contextlib.contextmanager
def client_device(world: World, name: str, store_path: Path | None = None, **engine_options):
    """A client: its own encrypted store (device key inside) and sync engine, talking
    to the server through the proxy."""
    path = store_path or world.tmp / f"{name}.db"
    key = bytes(32) if store_path else secrets.token_bytes(32)
    worker = StoreWorker(lambda: StudyStore.open(path, key))
    opened = worker.opened.result(30)
    statuses = []
    client = PlatformClient(
        # No fault here hangs a request: the timeouts only bound a server slowed by a
        # busy machine (a face sign-in judges a whole burst of frames).
        ConnectionSettings(base_url=world.proxy.url, read_timeout_s=60, connect_timeout_s=10)
    )
    engine = SyncEngine(client, worker, opened, statuses.append, batch_size=100, **engine_options)
    engine.statuses = statuses  # type: ignore[attr-defined]
    try:
        yield engine, worker
    finally:
        engine.close()
        client.close()
        worker.close().result(30)


def proof(challenge: LivenessChallenge, sitter, server) -> FaceProof:
    """The evidence a client sends for `challenge` (unsigned: the engine signs it); the
    server's clock moves on by the time the burst took."""
    burst = sitter.burst(challenge.actions)
    server.platform.clock.advance(burst.span_ms + 100)
    return FaceProof(challenge.challenge_id, tuple(burst.fresh()))


def face_login(engine, token, sitter, server, **options):
    challenge = engine.login_face_challenge(token).result(30)
    return engine.face_login(token, proof(challenge, sitter, server), **options).result(60)


def study_check(engine, due_id, sitter, server):
    challenge = engine.study_face_challenge(due_id).result(30)
    return engine.study_face_check(due_id, proof(challenge, sitter, server))


def sign_in(engine, login, sitter, server):
    challenge = engine.password_login(login, "correct horse " + login).result(30)
    return face_login(engine, challenge.challenge_token, sitter, server)


def study_events(worker, engine, session_id, course_id, count, start_ms):
    fields = [
        {
            "kind": EventKind.PROGRESS,
            "at_ms": start_ms + i,
            "learner_id": engine.learner_id,
            "session_id": session_id,
            "course_id": course_id,
            "data": {
                "position_ms": i,
                "rate_milli": 1000,
                "focused": True,
                "visible": True,
                "playing": True,
            },
        }
        for i in range(count)
    ]
    return worker.append_many(fields).result(60)


def stored_seqs(server, device_id):
    with server.platform.sessions() as db:
        return db.scalars(
            select(StoredEvent.seq)
            .where(StoredEvent.device_id == device_id)
            .order_by(StoredEvent.seq)
        ).all()


def flush_until_done(engine, attempts=30):
    for _ in range(attempts):
        with contextlib.suppress(Exception):
            status = engine.flush().result(120)
            if status.pending == 0:
                return status
    raise AssertionError(f"the outbox did not empty: {engine.status}")


def test_every_event_arrives_exactly_once_and_in_order_through_faults(world, faces):
    with client_device(world, "a") as (engine, worker):
        sign_in(engine, "learner1", faces.learner, world.server)
        session = engine.start_course(world.course_id).result(30).study_session_id
        now = world.server.platform.clock.now_ms()
        proxy = world.proxy
        appended = []
        for round_number, fault in enumerate(
            (
                lambda: proxy.drop(times=2),
                lambda: proxy.reset_mid_response(200, times=2),
                lambda: proxy.truncate_response(100, times=2),
                lambda: proxy.answer_500(times=2),
                lambda: proxy.garbage(times=1),
                lambda: proxy.delay(50, times=2),
            )
        ):
            appended += study_events(
                worker, engine, session, world.course_id, 250, now - 2000 + round_number * 250
            )
            fault()
            proxy.reset_all()  # faults hit new connections: end the kept-alive one
            with contextlib.suppress(Exception):
                engine.flush().result(120)
        flush_until_done(engine)
        applied = {f.kind.value for f in proxy.faults_applied}
        assert {"drop", "reset_mid_response", "truncate_response", "answer_500"} <= applied
        device = worker.opened.result().device_id
        assert stored_seqs(world.server, device) == [e.event.seq for e in appended]


def test_a_server_restart_in_the_middle_of_a_batch_loses_and_repeats_nothing(tmp_path, faces):
    port = free_port()
    database = f"sqlite:///{tmp_path / 'p.db'}"
    key, clock = generate_master_key(), ServerClock()
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(
            LiveServer.running(tmp_path / "s", database, port=port, clock=clock, master_key=key)
        )
        fixture = make_fixture(server, tmp_path)
        fixture.add_learner("learner1", ID_NUMBERS[0])
        enroll(server, "learner1", faces.learner_photo)
        media = tmp_path / "course.bin"
        media.write_bytes(b"\0" * 64)
        course = fixture.add_course("安全用电", media, 45 * 60_000)["id"]
        proxy = stack.enter_context(FaultProxy("127.0.0.1", port).start())
        world = World(server, proxy, course, tmp_path)
        engine, worker = stack.enter_context(client_device(world, "a"))
        sign_in(engine, "learner1", faces.learner, world.server)
        session = engine.start_course(course).result(30).study_session_id
        appended = study_events(worker, engine, session, course, 800, clock.now_ms() - 800)
        # Every answer is cut off after the server stored the batch, retries included:
        # the client cannot know it arrived. Then the server goes down and comes back.
        proxy.reset_mid_response(10, times=20)
        with contextlib.suppress(Exception):
            engine.flush().result(120)
        assert engine.status.pending == 800
        assert len(stored_seqs(server, worker.opened.result().device_id)) >= 100
        server.stop()
        proxy.pass_through()
        with contextlib.suppress(Exception):
            engine.flush().result(120)
        assert engine.status.pending == 800 and not engine.status.online
        with LiveServer.running(
            tmp_path / "s", database, port=port, clock=clock, master_key=key
        ) as again:
            flush_until_done(engine)
            device = worker.opened.result().device_id
            assert stored_seqs(again, device) == [e.event.seq for e in appended]


def test_signing_in_elsewhere_signs_the_first_client_out_within_one_heartbeat(world, faces):
    with (
        client_device(world, "a") as (first, first_store),
        client_device(world, "b") as (second, _),
    ):
        sign_in(first, "learner1", faces.learner, world.server)
        session = first.start_course(world.course_id).result(30).study_session_id
        now = world.server.platform.clock.now_ms()
        study_events(first_store, first, session, world.course_id, 3, now)
        assert first.heartbeat().result(30).verdict.allowed
        study_events(first_store, first, session, world.course_id, 3, now + 10)
        sign_in(second, "learner1", faces.learner, world.server)
        status = first.heartbeat().result(30)
        assert not status.verdict.allowed
        assert status.verdict.stop is StudyStop.SIGNED_OUT
        assert status.verdict.sign_out is SignOutReason.SIGNED_IN_ELSEWHERE
        # What was studied before the sign-out was flushed to the server.
        assert status.pending == 0
        device = first_store.opened.result().device_id
        assert len(stored_seqs(world.server, device)) == 6


def test_another_learner_on_this_pc_signs_the_first_one_out(world, faces):
    shared = world.tmp / "shared.db"
    with client_device(world, "pc", store_path=shared) as (first, store):
        sign_in(first, "learner1", faces.learner, world.server)
        first.start_course(world.course_id).result(30)
        assert first.heartbeat().result(30).verdict.allowed
        # learner2 signs in on the same PC: the same device key and id (the same store).
        opened = store.opened.result()
        client = PlatformClient(ConnectionSettings(base_url=world.proxy.url))
        other = SyncEngine(client, store, opened)
        try:
            sign_in(other, "learner2", faces.other, world.server)
        finally:
            other._executor.shutdown()  # the store belongs to the first engine's fixture
            client.close()
        status = first.heartbeat().result(30)
        assert status.verdict.sign_out is SignOutReason.ANOTHER_LEARNER_ON_DEVICE


@pytest.mark.parametrize("same_pc", [True, False])
def test_another_os_account_on_the_same_pc_signs_the_first_learner_out(world, faces, same_pc):
    """Two OS accounts: two stores, two device keys and ids, one machine id (what
    app.machine_identity derives from /etc/machine-id for every account alike)."""
    first_pc = app_specific_id(secrets.token_hex(16))
    second_pc = first_pc if same_pc else app_specific_id(secrets.token_hex(16))
    first_identity = ClientIdentity(version=VERSION, machine_id=first_pc)
    second_identity = ClientIdentity(version=VERSION, machine_id=second_pc)
    with (
        client_device(world, "account-a", identity=first_identity) as (first, first_store),
        client_device(world, "account-b", identity=second_identity) as (second, second_store),
    ):
        devices = {store.opened.result().device_id for store in (first_store, second_store)}
        assert len(devices) == 2
        sign_in(first, "learner1", faces.learner, world.server)
        first.start_course(world.course_id).result(30)
        assert first.heartbeat().result(30).verdict.allowed
        sign_in(second, "learner2", faces.other, world.server)
        status = first.heartbeat().result(30)
        if same_pc:
            assert status.verdict.sign_out is SignOutReason.ANOTHER_LEARNER_ON_DEVICE
        else:
            assert status.verdict.allowed and status.verdict.sign_out is None


def test_offline_grace_then_pause_then_resume_when_the_server_answers(world, faces):
    mono = [1_000_000]
    with client_device(world, "a", monotonic_ms=lambda: mono[0]) as (engine, worker):
        sign_in(engine, "learner1", faces.learner, world.server)
        session = engine.start_course(world.course_id).result(30).study_session_id
        assert engine.heartbeat().result(30).verdict.allowed
        world.proxy.refuse()
        world.proxy.reset_all()  # and the connection kept alive from before
        mono[0] += 60_000
        status = engine.heartbeat().result(30)
        assert not status.online and status.verdict.allowed  # within the grace
        now = world.server.platform.clock.now_ms()
        study_events(worker, engine, session, world.course_id, 5, now)
        mono[0] += 10 * 60_000
        status = engine.heartbeat().result(30)
        assert status.verdict.stop is StudyStop.OFFLINE_TOO_LONG
        assert status.pending == 5  # buffered, signed, in the store
        world.proxy.accept_again()
        status = engine.heartbeat().result(30)
        assert status.online and status.verdict.allowed and status.pending == 0


def test_clock_skew_is_recorded_and_pauses_study_until_corrected(world, faces):
    offset = [120_000]
    with client_device(
        world, "a", wall_clock_ms=lambda: time.time_ns() // 1_000_000 + offset[0]
    ) as (engine, worker):
        sign_in(engine, "learner1", faces.learner, world.server)
        engine.start_course(world.course_id).result(30)
        status = engine.heartbeat().result(30)
        assert status.verdict.stop is StudyStop.CLOCK_SKEW
        assert abs(status.skew_ms + 120_000) < 5_000
        tampers = [
            e
            for e in worker.submit(lambda s: s.events()).result()
            if e.event.kind is EventKind.TAMPER
        ]
        assert [t.event.data["tamper"] for t in tampers] == ["clock_skew"]
        offset[0] = 0
        status = engine.heartbeat().result(30)
        assert status.verdict.allowed


def test_sync_service_tells_the_gui_thread_to_pause_on_sign_out(
    world, faces, qtbot, emits_on_gui_thread
):
    from sync.qt_facade import RequestFailure, SyncService

    on_gui_thread: list[bool] = []  # one entry per callback run, done or failed

    def collect(into: list):
        def callback(outcome) -> None:
            on_gui_thread.append(threading.current_thread() is threading.main_thread())
            into.append(outcome)

        return callback

    def ask(call, *args, timeout: int = 30_000):
        """Make a facade call and wait for its outcome: (answers, failures)."""
        answers: list = []
        failures: list = []
        call(*args, collect(answers), collect(failures))
        qtbot.waitUntil(lambda: bool(answers or failures), timeout=timeout)
        return answers, failures

    with client_device(world, "a") as (_unused, worker), client_device(world, "b") as (other, _):
        client = PlatformClient(ConnectionSettings(base_url=world.proxy.url))
        service = SyncService(
            lambda on_status: SyncEngine(client, worker, worker.opened.result(), on_status)
        )
        emits_on_gui_thread.watch(service)
        try:
            passed, failures = ask(service.password_login, "learner1", "correct horse learner1")
            assert failures == [] and len(passed) == 1
            token = passed[0].challenge_token
            issued, failures = ask(service.login_face_challenge, token)
            assert failures == [] and len(issued) == 1
            assert isinstance(issued[0], LivenessChallenge)
            evidence = proof(issued[0], faces.learner, world.server)
            signed_in, failures = ask(service.face_login, token, evidence, False, timeout=60_000)
            assert failures == [] and len(signed_in) == 1
            started, failures = ask(service.start_course, world.course_id)
            assert failures == [] and len(started) == 1
            sign_in(other, "learner1", faces.learner, world.server)
            with qtbot.waitSignal(service.study_stopped, timeout=30_000) as stopped:
                service.engine.heartbeat()
            assert stopped.args == ["signed_out", "signed_in_elsewhere"]
            # Said once: later statuses (a flush, another call) do not repeat it, so a
            # receiver that flushes on it cannot feed itself.
            repeats = []
            service.study_stopped.connect(lambda *args: repeats.append(args))
            with qtbot.waitSignal(service.status_changed, timeout=30_000):
                service.flush()
            answers, failed = ask(service.start_course, world.course_id)
            assert answers == [] and len(failed) == 1
            # Signed out by the server: nothing is sent, the failure says why.
            assert failed == [RequestFailure("not_signed_in", "")]
            qtbot.wait(200)
            assert repeats == []
            assert {"SyncService.status_changed", "SyncService.study_stopped"} <= (
                emits_on_gui_thread.names
            )
            # Every outcome, answer or failure, was handed to its callback on the GUI
            # thread, and each call's outcome came exactly once.
            assert on_gui_thread == [True] * 5
        finally:
            service.close()
            client.close()


def test_the_outbox_resumes_after_the_client_restarts_mid_upload(world, faces):
    path = world.tmp / "restart.db"
    with client_device(world, "a", store_path=path) as (engine, worker):
        sign_in(engine, "learner1", faces.learner, world.server)
        session = engine.start_course(world.course_id).result(30).study_session_id
        now = world.server.platform.clock.now_ms()
        appended = study_events(worker, engine, session, world.course_id, 600, now - 600)
        device = worker.opened.result().device_id
        world.proxy.reset_mid_response(10, times=50)  # this run never hears an answer
        world.proxy.reset_all()
        with contextlib.suppress(Exception):
            engine.flush().result(120)
        assert engine.status.pending == 600
    world.proxy.pass_through()
    # The program starts again on the same store: nothing was marked synced, the server
    # already holds part of it; the new run sends everything and nothing twice.
    with client_device(world, "a", store_path=path) as (engine, worker):
        assert worker.opened.result().device_id == device
        assert flush_until_done(engine).pending == 0
    assert stored_seqs(world.server, device) == [e.event.seq for e in appended]


def test_beats_asked_for_in_a_burst_are_one_beat_carrying_the_stored_events(world, faces):
    from server.models import StudyContact

    with client_device(world, "a") as (engine, worker):
        sign_in(engine, "learner1", faces.learner, world.server)
        session = engine.start_course(world.course_id).result(30).study_session_id
        device = worker.opened.result().device_id

        def contacts():
            with world.server.platform.sessions() as db:
                return db.scalars(
                    select(StudyContact.kind).where(StudyContact.study_session_id == session)
                ).all()

        def burst_of_beats(events: int, start_ms: int):
            """Store `events` progress events, then ask for 20 beats while the sync
            thread is held, so that all of them are asked for while the first waits in
            the queue; then let it go."""
            stored = study_events(worker, engine, session, world.course_id, events, start_ms)
            gate = threading.Event()
            held = engine._run(lambda: gate.wait(30))
            beats = [engine.heartbeat() for _ in range(20)]
            # The 19 beats asked for behind the queued one are that one: answered at
            # once with the status as it stands, nothing queued for them.
            assert not beats[0].done()
            assert all(beat.done() for beat in beats[1:])
            gate.set()
            assert held.result(30) is True  # the gate was opened, not timed out
            status = beats[0].result(30)
            assert status.online and status.verdict.allowed
            assert status.pending == 0  # the beat carried the events stored before it
            return stored

        now = world.server.platform.clock.now_ms()
        appended = burst_of_beats(3, now)
        assert contacts().count("heartbeat") == 1
        assert stored_seqs(world.server, device) == [e.event.seq for e in appended]
        # Once the queued beat has run, the next beat asked for is a new one.
        appended += burst_of_beats(4, now + 10)
        assert contacts().count("heartbeat") == 2
        assert stored_seqs(world.server, device) == [e.event.seq for e in appended]
        assert engine.status.pending == 0
        # The client's player drives the beats: the engine runs no thread of its own.
        assert [t.name for t in threading.enumerate()].count("heartbeat") == 0


def test_the_face_check_the_server_asks_for_is_re_matched_by_it(world, faces):
    with client_device(world, "a") as (engine, _worker):
        sign_in(engine, "learner1", faces.learner, world.server)
        world.server.platform.clock.advance(11 * 60_000)  # long after the sign-in's check
        engine.start_course(world.course_id).result(30)
        due = engine.status.check_due
        assert due is not None and due.reason == "start"
        other = study_check(engine, due.id, faces.other, world.server)
        answer = other.result(60)
        assert answer.passed is False and answer.reason == "face_not_matched"
        same = study_check(engine, due.id, faces.learner, world.server)
        assert same.result(60).passed is True
        engine.heartbeat().result(30)
        assert engine.status.check_due is None
        with pytest.raises(ServerRefusedError) as refused:
            engine.study_face_challenge(due.id).result(30)
        assert refused.value.reason_code == "no_check_due"


def test_learner_requests_media_download_end_and_sign_out(world, faces, tmp_path):
    media = world.tmp / "course.bin"  # the file the fixture published
    with client_device(world, "a") as (engine, _worker):
        with pytest.raises(NotSignedInError, match="not signed in"):
            engine.send(CoursesRequest()).result(30)
        engine.flush().result(30)
        assert engine.status.online  # a local condition, not a network failure
        sign_in(engine, "learner1", faces.learner, world.server)
        courses = engine.send(CoursesRequest()).result(30)
        course = next(c for c in courses if c.id == world.course_id)
        assert engine.send(ProfileRequest()).result(30).login_name == "learner1"

        # The download resumes a partial file with Range and checks the checksum.
        destination = tmp_path / "media" / "course.mp4"
        destination.parent.mkdir()
        partial = destination.with_name("course.mp4.part")
        partial.write_bytes(media.read_bytes()[:1000])
        got = engine.download_media(world.course_id, destination, course.media_sha256)
        assert got.result(30).read_bytes() == media.read_bytes()
        assert not partial.exists()
        # Already there and intact: nothing is fetched again.
        assert engine.download_media(world.course_id, destination, course.media_sha256).result(30)
        # A catalogue checksum the bytes do not have: refused, nothing published.
        elsewhere = tmp_path / "media" / "other.mp4"
        with pytest.raises(MediaChecksumError):
            engine.download_media(world.course_id, elsewhere, "0" * 64).result(30)
        assert not elsewhere.exists() and not elsewhere.with_name("other.mp4.part").exists()

        # A cancelled download stops between chunks and keeps what it wrote.
        client = PlatformClient(ConnectionSettings(base_url=world.proxy.url))
        cancel = threading.Event()
        cancel.set()
        with (tmp_path / "cancelled.part").open("wb") as out, pytest.raises(DownloadCancelledError):
            client.download(
                f"/api/v1/courses/{world.course_id}/media",
                engine._session.token,
                out,
                cancel=cancel,
            )
        client.close()

        refused = engine.send(
            SubmitCourseTestRequest("no-such-course", CourseTestAnswers(sitting_id="s", answers={}))
        )
        with pytest.raises(ServerRefusedError) as error:
            refused.result(30)  # the server's refusal comes back with its reason
        assert error.value.reason_code == "unknown_course"

        started = engine.start_course(world.course_id).result(30)
        engine.end_course().result(30)
        with world.server.platform.sessions() as db:
            ended = db.get(StudySession, started.study_session_id)
            assert ended.ended_ms is not None

        engine.sign_out().result(30)
        assert engine.learner_id is None and engine.status.signed_in is False
        with pytest.raises(SyncError, match="not signed in"):
            engine.send(CoursesRequest()).result(30)


def test_sms_sign_in_through_the_engine(world, faces, caplog):
    phone = "13800138000"
    fixture = make_fixture(world.server, world.tmp)
    fixture.add_learner("learner3", ID_NUMBERS[2], phone=phone)
    enroll(world.server, "learner3", faces.learner_photo)
    with client_device(world, "a") as (engine, _worker):
        with caplog.at_level(logging.WARNING, logger="server.sms"):
            engine.request_sms_code(phone).result(30)
        codes = [
            r.data["code"]
            for r in caplog.records
            if getattr(r, "data", {}).get("event") == "demo_sms_code"
        ]
        assert len(codes) == 1
        wrong = "000000" if codes[0] != "000000" else "111111"
        with pytest.raises(ServerRefusedError):
            engine.sms_login(phone, wrong).result(30)
        challenge = engine.sms_login(phone, codes[0]).result(30)
        answer = face_login(engine, challenge.challenge_token, faces.learner, world.server)
        assert answer.learner_id and engine.learner_id == answer.learner_id
