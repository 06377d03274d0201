"""The client's side of the conversation with the platform, on one worker thread and
without Qt (`sync.qt_facade.SyncService` turns its answers and status into signals).
Every answer is parsed into its wire model (`wire`) here: a malformed answer is a
`MalformedResponseError`, and nothing above this layer reads JSON.

- **Sign-in** registers this device's public key (made on the device, private key in the
  encrypted store) with the face step of the multi-factor login.
- **Outbox**: unsynced events go up in bounded batches, oldest first; the server is
  idempotent on (device, sequence), so a retry after a lost answer repeats nothing; an
  event is marked synced only when the server's acknowledgement covers it, so a crash at
  any point loses nothing and duplicates nothing.
- **Heartbeat**, asked for by the client each time the player's progress event is
  stored (one clock: the player's), carrying the newest events: its answer says whether
  the learner was signed out, the course withdrawn, a face check due, and the server's
  time; its absence starts the offline grace. One trip to the store per beat.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter

from records.events import EventKind
from records.signing import SignedEvent
from sync.http_client import (
    PlatformClient,
    ServerRefusedError,
    SyncError,
)
from sync.requests import API, LearnerRequest, parse_answer
from sync.store import OutboxStatus
from sync.store_worker import StoreOpened, StoreWorker
from sync.sync_rules import (
    ConnectivityTracker,
    FaceProof,
    SignOutReason,
    StudyStop,
    StudyVerdict,
    clock_skew_ms,
    environment_stop,
    sign_out_reason,
    study_verdict,
)
from wire.auth import (
    ClientIdentity,
    FaceLogin,
    FirstFactorPassed,
    LoginFaceChallenge,
    PasswordLogin,
    SignedIn,
    SignedOut,
    SmsCodeSent,
    SmsLogin,
    SmsRequest,
)
from wire.environment import EnvironmentSignalReport
from wire.face import LivenessChallenge
from wire.releases import ClientRelease
from wire.study import (
    EventBatch,
    FaceCheckDue,
    FaceCheckResult,
    Heartbeat,
    HeartbeatAnswer,
    StartStudy,
    StudyEnded,
    StudyFaceChallenge,
    StudyFaceCheck,
    StudyStarted,
    UploadAck,
    UploadedEvent,
)

log = logging.getLogger(__name__)

A = TypeVar("A")

HEARTBEAT_EVENTS = 100  # the server takes at most this many events with a heartbeat
DEFAULT_OFFLINE_LIMIT_MS = 10 * 60_000
DEFAULT_MAX_SKEW_MS = 30_000
# Refusals of an upload that no retry can cure: the chain on this device and the
# server's disagree (tampering, or a store restored from an old copy).
PERMANENT_REFUSALS = frozenset(
    {
        "bad_signature",
        "hash_mismatch",
        "conflicting_replay",
        "broken_link",
        "unknown_device",
        "mixed_devices",
    }
)
# Answers stamped with the server's clock: each one measures the skew.
_TIMED_ANSWERS = (SignedIn, StudyStarted, HeartbeatAnswer)


class NotSignedInError(SyncError):
    """A learner's request with nobody signed in on this client: a local condition, not
    a network failure (it does not count against connectivity)."""

    code = "not_signed_in"


class MediaChecksumError(SyncError):
    """The downloaded course video is not the published one (its SHA-256 differs)."""

    code = "media_checksum_mismatch"

    def __init__(self, course_id: str) -> None:
        super().__init__(f"the downloaded media of course {course_id} has the wrong checksum")


class ReleaseFileMismatchError(SyncError):
    """The downloaded installer is not the release the platform signed (its size or
    SHA-256 differs): it is deleted, never run."""

    code = "release_file_mismatch"


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def uploaded(signed: SignedEvent) -> UploadedEvent:
    return UploadedEvent(event=signed.event.payload(), hash=signed.hash, signature=signed.signature)


def _log_unmarked(future: Future[int]) -> None:
    error = future.exception()
    if error is not None:  # the events stay unsynced: the next upload repeats them
        log.warning("acknowledged events not marked synced: %s", getattr(error, "code", error))


@dataclass(frozen=True)
class SyncStatus:
    """Everything the UI shows about sync, as one immutable snapshot."""

    pending: int = 0
    last_sync_ms: int | None = None
    online: bool = True
    offline_for_ms: int = 0
    skew_ms: int | None = None
    verdict: StudyVerdict = field(default_factory=lambda: StudyVerdict(True))
    upload_error: str | None = None  # a permanent refusal code, if the outbox is stuck
    signed_in: bool = False
    check_due: FaceCheckDue | None = None  # the face check the server asks for now


@dataclass
class _Session:
    token: str
    learner_id: str
    study_session_id: str | None = None


class SyncEngine:
    def __init__(
        self,
        client: PlatformClient,
        store: StoreWorker,
        device: StoreOpened,
        on_status: Callable[[SyncStatus], None] = lambda status: None,
        *,
        identity: ClientIdentity | None = None,
        environment: Callable[[], list[EnvironmentSignalReport]] | None = None,
        batch_size: int = 500,
        wall_clock_ms: Callable[[], int] = lambda: time.time_ns() // 1_000_000,
        monotonic_ms: Callable[[], int] = lambda: time.monotonic_ns() // 1_000_000,
    ) -> None:
        self._client = client
        self._store = store
        self._device = device
        self._on_status = on_status
        self._identity = identity  # sent with the first factor (server.client_rules)
        self._environment = environment  # looked at again for every first factor
        self._batch_size = batch_size
        self._wall_ms = wall_clock_ms
        self._mono_ms = monotonic_ms
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync")
        self._session: _Session | None = None
        self._connectivity = ConnectivityTracker()
        self._status = SyncStatus()
        self._outbox: OutboxStatus | None = None  # as the last trip to the store found it
        self._offline_limit_ms = DEFAULT_OFFLINE_LIMIT_MS
        self._max_skew_ms = DEFAULT_MAX_SKEW_MS
        self._sign_out: SignOutReason | None = None
        self._course_delisted = False
        self._another_course_open = False
        self._environment_refused: StudyStop | None = None
        self._skew_recorded = False
        self._beat_queued = threading.Event()
        self._closing = threading.Event()  # set by close(): a download stops between chunks

    # -- public API: each call runs on the sync thread and returns a Future ----------

    @property
    def status(self) -> SyncStatus:
        return self._status

    @property
    def learner_id(self) -> str | None:
        return self._session.learner_id if self._session else None

    def password_login(self, login_name: str, password: str) -> Future[FirstFactorPassed]:
        def send() -> FirstFactorPassed:
            body = PasswordLogin(
                login_name=login_name,
                password=password,
                device_id=self._device.device_id,
                client=self._identity_now(),
            )
            return self._post("/auth/password", body, FirstFactorPassed)

        return self._run(send)

    def request_sms_code(self, phone: str) -> Future[SmsCodeSent]:
        return self._run(
            lambda: self._post("/auth/sms/request", SmsRequest(phone=phone), SmsCodeSent)
        )

    def sms_login(self, phone: str, code: str) -> Future[FirstFactorPassed]:
        def send() -> FirstFactorPassed:
            body = SmsLogin(
                phone=phone,
                code=code,
                device_id=self._device.device_id,
                client=self._identity_now(),
            )
            return self._post("/auth/sms/verify", body, FirstFactorPassed)

        return self._run(send)

    def login_face_challenge(self, challenge_token: str) -> Future[LivenessChallenge]:
        """The liveness challenge the sign-in's face check must perform."""
        body = LoginFaceChallenge(challenge_token=challenge_token, device_id=self._device.device_id)
        return self._run(lambda: self._post("/auth/face/challenge", body, LivenessChallenge))

    def face_login(
        self, challenge_token: str, proof: FaceProof, consent_to_enrollment: bool = False
    ) -> Future[SignedIn]:
        return self._run(lambda: self._face_login(challenge_token, proof, consent_to_enrollment))

    def send(self, request: LearnerRequest[A]) -> Future[A]:
        """A signed-in learner's request (`sync.requests`): courses, records, tests..."""
        return self._run(lambda: self._send(request))

    def sign_out(self) -> Future[None]:
        """Flush what was studied, then end the session on the server (best effort: a
        server that cannot be reached revokes the token when it expires)."""
        return self._run(self._sign_out_now)

    def download_media(
        self, course_id: str, destination: Path, expected_sha256: str
    ) -> Future[Path]:
        """The course video into `destination`, resumed from a partial file with Range,
        published only when its SHA-256 matches the catalogue's."""
        return self._run(lambda: self._download_media(course_id, destination, expected_sha256))

    def latest_release(self, target: str, channel: str) -> Future[ClientRelease | None]:
        """The newest client release the platform offers (None: it offers none). Its
        signature is the caller's to check (`app.updates`)."""
        return self._run(lambda: self._latest_release(target, channel))

    def download_release(self, release: ClientRelease, folder: Path) -> Future[Path]:
        """The release's installer into `folder`, kept only if its size and SHA-256 are
        the signed ones."""
        return self._run(lambda: self._download_release(release, folder))

    def start_course(self, course_id: str) -> Future[StudyStarted]:
        return self._run(lambda: self._start_course(course_id))

    def end_course(self) -> Future[None]:
        """The course was closed: flush its events and tell the server it ended."""
        return self._run(self._end_course)

    def study_face_challenge(self, due_id: str) -> Future[LivenessChallenge]:
        """The liveness challenge for the face check the server asked for (`due_id`)."""
        return self._run(lambda: self._study_face_challenge(due_id))

    def study_face_check(self, due_id: str, proof: FaceProof) -> Future[FaceCheckResult]:
        """Send the evidence of the face check the server asked for (`due_id`) for its
        own re-match; the answer carries its decision and the check id to record in the
        event stream."""
        return self._run(lambda: self._study_face_check(due_id, proof))

    def heartbeat(self) -> Future[SyncStatus]:
        """A beat of the open course. Beats asked for while one waits in the queue are
        that one: a slow server never gathers a backlog of them."""
        if self._beat_queued.is_set():
            done: Future[SyncStatus] = Future()
            done.set_result(self._status)
            return done
        self._beat_queued.set()
        return self._run(self._heartbeat)

    def flush(self) -> Future[SyncStatus]:
        return self._run(self._flush_and_report)

    def close(self) -> None:
        self._closing.set()
        # Queued requests are dropped; the one running ends soon (a download stops at
        # its next chunk, a request within its timeout).
        self._executor.shutdown(wait=True, cancel_futures=True)

    # -- on the sync thread ------------------------------------------------------------

    def _identity_now(self) -> ClientIdentity | None:
        """The client's identity with what it sees of its surroundings right now."""
        if self._identity is None or self._environment is None:
            return self._identity
        return self._identity.model_copy(update={"environment": self._environment()})

    def _run(self, work: Callable[[], A]) -> Future[A]:
        return self._executor.submit(work)

    def _post(
        self,
        path: str,
        body: BaseModel,
        answer: type[A],
        token: str | None = None,
        idempotent: bool = False,
    ) -> A:
        route = API + path
        data = body.model_dump(mode="json")
        return self._call(
            lambda: self._client.post(route, data, token=token, idempotent=idempotent),
            TypeAdapter(answer),
            f"POST {path}",
        )

    def _send(self, request: LearnerRequest[A]) -> A:
        route = request.route()
        path, token = API + route.path, self._token()
        if route.method == "GET":
            return self._call(
                lambda: self._client.get(path, token, route.params), request.answer, path
            )
        body = route.body.model_dump(mode="json") if route.body is not None else {}
        return self._call(lambda: self._client.post(path, body, token=token), request.answer, path)

    def _face_login(self, challenge_token: str, proof: FaceProof, consent: bool) -> SignedIn:
        body = FaceLogin(
            challenge_token=challenge_token,
            device_id=self._device.device_id,
            device_public_key_b64=base64.b64encode(self._device.device_public_key).decode(),
            consent_to_enrollment=consent,
            face=proof.wire(self._signature_of(proof)),
        )
        answer = self._post("/auth/face", body, SignedIn)
        self._session = _Session(answer.session_token, answer.learner_id)
        self._sign_out = None
        # The server may hold events whose acknowledgement never reached us (a crash
        # between its answer and our commit): take its word for where the chain stands.
        if answer.device_last_seq:
            self._store.mark_synced(answer.device_last_seq).result()
            self._outbox = None
        self._publish(signed_in=True)
        return answer

    def _sign_out_now(self) -> None:
        session = self._session
        try:
            self._flush()
        except SyncError:
            log.warning("could not flush at sign-out; the outbox keeps the events")
        if session is not None:
            try:
                self._post("/auth/logout", _EMPTY, SignedOut, token=session.token)
            except SyncError as error:
                log.warning("sign-out not confirmed", extra={"data": {"reason": error.code}})
        self._session = None
        self._publish(signed_in=False)

    def _download_media(self, course_id: str, destination: Path, expected_sha256: str) -> Path:
        if destination.is_file() and _sha256_of(destination) == expected_sha256:
            return destination
        partial = destination.with_name(destination.name + ".part")
        partial.parent.mkdir(parents=True, exist_ok=True)
        have = partial.stat().st_size if partial.exists() else 0
        # Streamed to the partial file, so a dropped connection leaves what arrived for
        # the next attempt to resume with a Range request.
        with partial.open("ab") as out:
            status = self._call(
                lambda: self._client.download(
                    f"{API}/courses/{course_id}/media",
                    self._token(),
                    out,
                    {"Range": f"bytes={have}-"} if have else None,
                    cancel=self._closing,
                    resumed_from=have,
                ),
                _STATUS,
                "media",
            )
        if status == 200 and have:
            log.info("media: the server sent the whole file, not the range asked for")
        if _sha256_of(partial) != expected_sha256:
            partial.unlink()
            raise MediaChecksumError(course_id)
        partial.replace(destination)
        return destination

    def _latest_release(self, target: str, channel: str) -> ClientRelease | None:
        params = {"target": target, "channel": channel}
        try:
            release: ClientRelease = self._call(
                lambda: self._client.get(f"{API}/client/release", params=params),
                _RELEASE,
                "client release",
            )
        except ServerRefusedError as error:
            if error.reason_code == "no_release":
                return None
            raise
        return release

    def _download_release(self, release: ClientRelease, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        destination = folder / Path(release.file_name).name
        partial = destination.with_name(destination.name + ".part")
        with partial.open("wb") as out:
            self._call(
                lambda: self._client.download(
                    f"{API}/client/releases/{release.release_id}/file",
                    None,
                    out,
                    cancel=self._closing,
                ),
                _STATUS,
                "client release",
            )
        if partial.stat().st_size != release.size or _sha256_of(partial) != release.sha256:
            partial.unlink()
            raise ReleaseFileMismatchError(
                f"the installer of {release.version} is not the signed one"
            )
        partial.replace(destination)
        return destination

    def _token(self) -> str:
        if self._session is None:
            raise NotSignedInError("not signed in")
        return self._session.token

    def _start_course(self, course_id: str) -> StudyStarted:
        answer = self._post(
            "/study/start", StartStudy(course_id=course_id), StudyStarted, token=self._token()
        )
        assert self._session is not None
        self._session.study_session_id = answer.study_session_id
        self._course_delisted = self._another_course_open = False
        self._environment_refused = None
        self._status = replace(self._status, check_due=answer.check_due)
        self._publish()
        return answer

    def _end_course(self) -> None:
        session = self._session
        if session is None or session.study_session_id is None:
            return
        study_session_id, session.study_session_id = session.study_session_id, None
        self._status = replace(self._status, check_due=None)
        try:
            self._flush()
        except SyncError as error:  # the outbox keeps them; the session still ends
            log.warning("could not flush at course end", extra={"data": {"reason": error.code}})
        self._post(f"/study/{study_session_id}/end", _EMPTY, StudyEnded, token=session.token)

    def _signature_of(self, proof: FaceProof) -> bytes:
        return self._store.sign_face_burst(proof.challenge_id, proof.frames).result()

    def _open_session(self) -> _Session:
        session = self._session
        if session is None or session.study_session_id is None:
            raise SyncError("no course is open")
        return session

    def _study_face_challenge(self, due_id: str) -> LivenessChallenge:
        session = self._open_session()
        return self._post(
            f"/study/{session.study_session_id}/challenge",
            StudyFaceChallenge(due_id=due_id),
            LivenessChallenge,
            token=session.token,
        )

    def _study_face_check(self, due_id: str, proof: FaceProof) -> FaceCheckResult:
        session = self._open_session()
        body = StudyFaceCheck(due_id=due_id, face=proof.wire(self._signature_of(proof)))
        return self._post(
            f"/study/{session.study_session_id}/face-check",
            body,
            FaceCheckResult,
            token=session.token,
        )

    def _call(self, request: Callable[[], object], answer: TypeAdapter[Any], where: str) -> Any:
        """A request whose outcome also tells whether the server is reachable and
        whether the learner is still signed in; its answer as its wire model."""
        sent = self._wall_ms()
        try:
            parsed = parse_answer(answer, request(), where)
        except ServerRefusedError as refusal:
            self._connectivity.succeeded(self._mono_ms())  # the server did answer
            reason = sign_out_reason(refusal.status, refusal.reason_code or "")
            if reason is not None:
                self._signed_out(reason)
            elif refusal.reason_code == "course_delisted":
                self._course_delisted = True
            elif refusal.reason_code == "another_course_open":
                self._another_course_open = True
            elif (stop := environment_stop(refusal.reason_code or "")) is not None:
                self._environment_refused = stop
            self._publish()
            raise
        except NotSignedInError:
            raise  # nothing was sent: the platform's reachability is unknown
        except SyncError:
            self._connectivity.failed(self._mono_ms())
            self._publish()
            raise
        self._connectivity.succeeded(self._mono_ms())
        if isinstance(parsed, _TIMED_ANSWERS):
            self._check_skew(clock_skew_ms(sent, self._wall_ms(), parsed.server_time_ms))
        return parsed

    def _check_skew(self, skew: int) -> None:
        self._status = replace(self._status, skew_ms=skew)
        if abs(skew) <= self._max_skew_ms:
            self._skew_recorded = False
        elif not self._skew_recorded and self._session is not None:
            # Recorded once per episode, in the signed stream the server will see (from
            # the first answer after the session exists: the sign-in's comes before).
            self._store.append(
                {
                    "kind": EventKind.TAMPER,
                    "learner_id": self._session.learner_id,
                    "session_id": self._session.study_session_id or "-",
                    "data": {"tamper": "clock_skew", "skew_ms": skew},
                }
            ).result()
            self._outbox = None
            self._skew_recorded = True

    def _signed_out(self, reason: SignOutReason) -> None:
        log.warning("signed out by the server", extra={"data": {"reason": reason.value}})
        self._sign_out = reason
        self._publish(signed_in=False)  # the UI pauses playback on this, before the flush
        try:
            self._flush()  # what was studied before the sign-out still counts
        except SyncError:
            log.warning("could not flush after sign-out; the outbox keeps the events")
        self._session = None

    def _flush(self) -> None:
        """Upload every unsynced event in bounded batches, oldest first."""
        while True:
            batch = self._store.outbox_batch(self._batch_size).result()
            self._outbox = batch.status
            if not batch.events:
                return
            # Waited for: a store that cannot mark them would hand the same events back.
            self._upload(batch.events).result()

    def _upload(self, batch: list[SignedEvent]) -> Future[int]:
        body = EventBatch(events=[uploaded(e) for e in batch])
        return self._apply_ack(self._post("/events/batch", body, UploadAck, idempotent=True), batch)

    def _apply_ack(self, ack: UploadAck, sent: list[SignedEvent]) -> Future[int]:
        """Mark what the server acknowledged; the marking is returned, not waited for
        (the store runs its work in order, so its next read of the outbox sees it)."""
        acked = ack.acked_seq
        marking = self._store.mark_synced(acked)
        marking.add_done_callback(_log_unmarked)
        if self._outbox is not None:
            marked = sum(1 for e in sent if e.event.seq <= acked)
            self._outbox = replace(
                self._outbox,
                pending=max(0, self._outbox.pending - marked),
                last_sync_ms=self._wall_ms(),
            )
        refused = [r for r in ack.results if r.status in PERMANENT_REFUSALS]
        if refused:
            self._status = replace(self._status, upload_error=refused[0].status)
            self._publish()
            raise SyncError(f"the server refused event {refused[0].seq}: {refused[0].status}")
        if acked < sent[-1].event.seq and any(r.status == "sequence_gap" for r in ack.results):
            # The server is behind this device (restored from a backup): resend from there.
            resend = self._store.submit(lambda s: s.events(after_seq=acked, limit=len(sent)))
            return self._upload(resend.result())
        return marking

    def _flush_and_report(self) -> SyncStatus:
        self._flush()
        self._publish()
        return self._status

    def _heartbeat(self) -> SyncStatus:
        self._beat_queued.clear()
        session = self._session
        if session is None or session.study_session_id is None:
            return self._status
        try:
            batch = self._store.outbox_batch(HEARTBEAT_EVENTS).result()
            self._outbox = batch.status
            if batch.status.pending > HEARTBEAT_EVENTS:
                # A backlog goes up by batch first; the heartbeat carries the newest.
                self._flush()
                batch = self._store.outbox_batch(HEARTBEAT_EVENTS).result()
                self._outbox = batch.status
            events = batch.events
            answer = self._post(
                f"/study/{session.study_session_id}/heartbeat",
                Heartbeat(events=[uploaded(e) for e in events]),
                HeartbeatAnswer,
                token=session.token,
            )
            if answer.ack is not None and events:
                self._apply_ack(answer.ack, events)
        except SyncError:
            self._publish()
            return self._status
        self._environment_refused = None  # the server took the beat: nothing refused now
        self._offline_limit_ms = answer.verification.offline_limit_ms
        self._max_skew_ms = answer.verification.max_clock_skew_ms
        if session.study_session_id is not None:  # not ended while the beat was in flight
            self._status = replace(self._status, check_due=answer.check_due)
        self._publish()
        return self._status

    def _publish(self, signed_in: bool | None = None) -> None:
        now = self._mono_ms()
        offline_for = self._connectivity.offline_for_ms(now)
        if self._outbox is None:
            self._outbox = self._store.outbox_status().result()
        verdict = study_verdict(
            sign_out=self._sign_out,
            course_delisted=self._course_delisted,
            another_course_open=self._another_course_open,
            environment_refused=self._environment_refused,
            offline_for_ms=offline_for,
            offline_limit_ms=self._offline_limit_ms,
            skew_ms=self._status.skew_ms,
            max_skew_ms=self._max_skew_ms,
        )
        self._status = replace(
            self._status,
            pending=self._outbox.pending,
            last_sync_ms=self._outbox.last_sync_ms,
            online=self._connectivity.online,
            offline_for_ms=offline_for,
            verdict=verdict,
            signed_in=self._session is not None if signed_in is None else signed_in,
        )
        self._on_status(self._status)


class _Empty(BaseModel):
    """The body of a POST that carries none."""


_EMPTY = _Empty()
_STATUS: TypeAdapter[int] = TypeAdapter(int)
_RELEASE: TypeAdapter[ClientRelease] = TypeAdapter(ClientRelease)
