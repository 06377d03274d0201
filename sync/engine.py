"""The client's side of the conversation with the platform, on one worker thread and
without Qt (`sync.qt_facade.SyncService` turns its status into signals).

- **Sign-in** registers this device's public key (made on the device, private key in the
  encrypted store) with the face step of the multi-factor login.
- **Outbox**: unsynced events go up in bounded batches, oldest first; the server is
  idempotent on (device, sequence), so a retry after a lost answer repeats nothing; an
  event is marked synced only when the server's acknowledgement covers it, so a crash at
  any point loses nothing and duplicates nothing.
- **Heartbeat** every ~10 s while a course is open, carrying the newest events: its
  answer says whether the learner was signed out, the course withdrawn, and the server's
  time; its absence starts the offline grace.
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
from typing import TypeVar

from records.events import EventKind
from records.signing import SignedEvent
from sync.http_client import (
    MalformedResponseError,
    PlatformClient,
    ServerRefusedError,
    SyncError,
)
from sync.store_worker import StoreOpened, StoreWorker
from sync.sync_rules import (
    ConnectivityTracker,
    DueCheck,
    FaceChallenge,
    FaceProof,
    SignOutReason,
    StudyVerdict,
    clock_skew_ms,
    due_check_of,
    face_challenge_of,
    sign_out_reason,
    study_verdict,
)

log = logging.getLogger(__name__)

Answer = TypeVar("Answer")

API = "/api/v1"
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


class NotSignedInError(SyncError):
    """A learner's request with nobody signed in on this client: a local condition, not
    a network failure (it does not count against connectivity)."""

    code = "not_signed_in"


class MediaChecksumError(SyncError):
    """The downloaded course video is not the published one (its SHA-256 differs)."""

    code = "media_checksum_mismatch"

    def __init__(self, course_id: str) -> None:
        super().__init__(f"the downloaded media of course {course_id} has the wrong checksum")


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def wire(signed: SignedEvent) -> dict[str, object]:
    return {"event": signed.event.payload(), "hash": signed.hash, "signature": signed.signature}


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
    check_due: DueCheck | None = None  # the face check the server asks for now


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
        batch_size: int = 500,
        heartbeat_interval_s: float = 10.0,
        wall_clock_ms: Callable[[], int] = lambda: time.time_ns() // 1_000_000,
        monotonic_ms: Callable[[], int] = lambda: time.monotonic_ns() // 1_000_000,
    ) -> None:
        self._client = client
        self._store = store
        self._device = device
        self._on_status = on_status
        self._batch_size = batch_size
        self._interval_s = heartbeat_interval_s
        self._wall_ms = wall_clock_ms
        self._mono_ms = monotonic_ms
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync")
        self._session: _Session | None = None
        self._connectivity = ConnectivityTracker()
        self._status = SyncStatus()
        self._offline_limit_ms = DEFAULT_OFFLINE_LIMIT_MS
        self._max_skew_ms = DEFAULT_MAX_SKEW_MS
        self._sign_out: SignOutReason | None = None
        self._course_delisted = False
        self._another_course_open = False
        self._skew_recorded = False
        self._beating = threading.Event()
        self._closing = threading.Event()  # set by close(): a download stops between chunks
        self._stop_beats = threading.Event()
        self._beat_thread: threading.Thread | None = None

    # -- public API: each call runs on the sync thread and returns a Future ----------

    @property
    def status(self) -> SyncStatus:
        return self._status

    @property
    def learner_id(self) -> str | None:
        return self._session.learner_id if self._session else None

    def password_login(self, login_name: str, password: str) -> Future[dict]:
        body = {"login_name": login_name, "password": password, "device_id": self._device.device_id}
        return self._run(lambda: self._client.post(f"{API}/auth/password", body))

    def login_face_challenge(self, challenge_token: str) -> Future[FaceChallenge]:
        """The liveness challenge the sign-in's face check must perform."""
        body = {"challenge_token": challenge_token, "device_id": self._device.device_id}
        return self._run(
            lambda: _challenge_from(self._client.post(f"{API}/auth/face/challenge", body))
        )

    def face_login(
        self, challenge_token: str, proof: FaceProof, consent_to_enrollment: bool = False
    ) -> Future[dict]:
        return self._run(lambda: self._face_login(challenge_token, proof, consent_to_enrollment))

    def request_sms_code(self, phone: str) -> Future[dict]:
        return self._run(lambda: self._client.post(f"{API}/auth/sms/request", {"phone": phone}))

    def sms_login(self, phone: str, code: str) -> Future[dict]:
        body = {"phone": phone, "code": code, "device_id": self._device.device_id}
        return self._run(lambda: self._client.post(f"{API}/auth/sms/verify", body))

    def get(self, path: str, params: dict[str, object] | None = None) -> Future[dict | list]:
        """A signed-in learner's GET (`path` under /api/v1): courses, records, tests..."""
        return self._run(
            lambda: self._call(lambda: self._client.get(API + path, self._token(), params))
        )

    def post(self, path: str, body: dict[str, object]) -> Future[dict]:
        """A signed-in learner's POST (`path` under /api/v1): test answers, ratings..."""
        return self._run(
            lambda: self._call(lambda: self._client.post(API + path, body, token=self._token()))
        )

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

    def start_course(self, course_id: str) -> Future[dict]:
        return self._run(lambda: self._start_course(course_id))

    def end_course(self) -> Future[None]:
        """The course was closed: flush its events and tell the server it ended."""
        return self._run(self._end_course)

    def study_face_challenge(self, due_id: str) -> Future[FaceChallenge]:
        """The liveness challenge for the face check the server asked for (`due_id`)."""
        return self._run(lambda: self._study_face_challenge(due_id))

    def study_face_check(self, due_id: str, proof: FaceProof) -> Future[dict]:
        """Send the evidence of the face check the server asked for (`due_id`) for its
        own re-match; the answer carries its decision and the check id to record in the
        event stream."""
        return self._run(lambda: self._study_face_check(due_id, proof))

    def heartbeat(self) -> Future[SyncStatus]:
        return self._run(self._heartbeat)

    def flush(self) -> Future[SyncStatus]:
        return self._run(self._flush_and_report)

    def start_heartbeats(self) -> None:
        """Beat every interval until `stop_heartbeats` (while a course is open). Each
        run of beats has its own stop event, so starting again never waits for the
        previous run to wind down (the GUI thread calls this)."""
        running = self._beat_thread is not None and self._beat_thread.is_alive()
        if running and not self._stop_beats.is_set():
            return
        self._stop_beats = threading.Event()
        self._beat_thread = threading.Thread(
            target=self._beat_loop, args=(self._stop_beats,), name="heartbeat", daemon=True
        )
        self._beat_thread.start()

    def stop_heartbeats(self, wait: bool = True) -> None:
        """Stop beating; `wait=False` returns at once (from the GUI or the sync thread:
        a beat in flight finishes by itself and no other follows)."""
        self._stop_beats.set()
        if wait and self._beat_thread is not None:
            self._beat_thread.join(timeout=self._interval_s + 30)
            self._beat_thread = None

    def close(self) -> None:
        self._closing.set()
        self.stop_heartbeats(wait=False)
        # Queued requests are dropped; the one running ends soon (a download stops at
        # its next chunk, a request within its timeout).
        self._executor.shutdown(wait=True, cancel_futures=True)

    # -- on the sync thread ------------------------------------------------------------

    def _run(self, work: Callable[[], Answer]) -> Future[Answer]:
        return self._executor.submit(work)

    def _face_login(self, challenge_token: str, proof: FaceProof, consent: bool) -> dict:
        body = {
            "challenge_token": challenge_token,
            "device_id": self._device.device_id,
            "device_public_key_b64": base64.b64encode(self._device.device_public_key).decode(),
            "consent_to_enrollment": consent,
            "face": proof.wire(self._signature_of(proof)),
        }
        answer = self._client.post(f"{API}/auth/face", body)
        self._session = _Session(answer["session_token"], answer["learner_id"])
        self._sign_out = None
        # The server may hold events whose acknowledgement never reached us (a crash
        # between its answer and our commit): take its word for where the chain stands.
        server_seq = int(answer.get("device_last_seq", 0))
        if server_seq:
            self._store.mark_synced(server_seq).result()
        self._publish(signed_in=True)
        return answer

    def _sign_out_now(self) -> None:
        session = self._session
        self.stop_heartbeats(wait=False)  # on the sync thread: the loop waits on it
        try:
            self._flush()
        except SyncError:
            log.warning("could not flush at sign-out; the outbox keeps the events")
        if session is not None:
            try:
                self._client.post(f"{API}/auth/logout", {}, token=session.token)
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
                lambda: {
                    "status": self._client.download(
                        f"{API}/courses/{course_id}/media",
                        self._token(),
                        out,
                        {"Range": f"bytes={have}-"} if have else None,
                        cancel=self._closing,
                        resumed_from=have,
                    )
                }
            )["status"]
        if status == 200 and have:
            log.info("media: the server sent the whole file, not the range asked for")
        if _sha256_of(partial) != expected_sha256:
            partial.unlink()
            raise MediaChecksumError(course_id)
        partial.replace(destination)
        return destination

    def _token(self) -> str:
        if self._session is None:
            raise NotSignedInError("not signed in")
        return self._session.token

    def _start_course(self, course_id: str) -> dict:
        answer = self._call(
            lambda: self._client.post(
                f"{API}/study/start", {"course_id": course_id}, token=self._token()
            )
        )
        assert self._session is not None
        self._session.study_session_id = answer["study_session_id"]
        self._course_delisted = self._another_course_open = False
        self._status = replace(self._status, check_due=due_check_of(answer))
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
        self._call(
            lambda: self._client.post(
                f"{API}/study/{study_session_id}/end", {}, token=session.token
            )
        )

    def _signature_of(self, proof: FaceProof) -> bytes:
        return self._store.sign_face_burst(proof.challenge_id, proof.frames).result()

    def _study_face_challenge(self, due_id: str) -> FaceChallenge:
        session = self._session
        if session is None or session.study_session_id is None:
            raise SyncError("no course is open")
        answer = self._call(
            lambda: self._client.post(
                f"{API}/study/{session.study_session_id}/challenge",
                {"due_id": due_id},
                token=session.token,
            )
        )
        return _challenge_from(answer)

    def _study_face_check(self, due_id: str, proof: FaceProof) -> dict:
        session = self._session
        if session is None or session.study_session_id is None:
            raise SyncError("no course is open")
        body = {"due_id": due_id, "face": proof.wire(self._signature_of(proof))}
        return self._call(
            lambda: self._client.post(
                f"{API}/study/{session.study_session_id}/face-check", body, token=session.token
            )
        )

    def _call(self, request: Callable[[], Answer]) -> Answer:
        """A request whose outcome also tells whether the server is reachable and
        whether the learner is still signed in."""
        sent = self._wall_ms()
        try:
            answer = request()
        except ServerRefusedError as refusal:
            self._connectivity.succeeded(self._mono_ms())  # the server did answer
            reason = sign_out_reason(refusal.status, refusal.reason_code or "")
            if reason is not None:
                self._signed_out(reason)
            elif refusal.reason_code == "course_delisted":
                self._course_delisted = True
            elif refusal.reason_code == "another_course_open":
                self._another_course_open = True
            self._publish()
            raise
        except NotSignedInError:
            raise  # nothing was sent: the platform's reachability is unknown
        except SyncError:
            self._connectivity.failed(self._mono_ms())
            self._publish()
            raise
        self._connectivity.succeeded(self._mono_ms())
        if isinstance(answer, dict) and "server_time_ms" in answer:
            self._check_skew(clock_skew_ms(sent, self._wall_ms(), int(answer["server_time_ms"])))
        return answer

    def _check_skew(self, skew: int) -> None:
        self._status = replace(self._status, skew_ms=skew)
        beyond = abs(skew) > self._max_skew_ms
        if beyond and not self._skew_recorded and self._session is not None:
            # Recorded once per episode, in the signed stream the server will see.
            self._store.append(
                {
                    "kind": EventKind.TAMPER,
                    "learner_id": self._session.learner_id,
                    "session_id": self._session.study_session_id or "-",
                    "data": {"tamper": "clock_skew", "skew_ms": skew},
                }
            ).result()
        self._skew_recorded = beyond

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
            batch = self._store.unsynced(self._batch_size).result()
            if not batch:
                return
            self._upload(batch)

    def _upload(self, batch: list[SignedEvent]) -> None:
        answer = self._call(
            lambda: self._client.post(
                f"{API}/events/batch", {"events": [wire(e) for e in batch]}, idempotent=True
            )
        )
        self._apply_ack(answer, batch)

    def _apply_ack(self, ack: dict, sent: list[SignedEvent]) -> None:
        acked = int(ack["acked_seq"])
        self._store.mark_synced(acked).result()
        refused = [r for r in ack.get("results", []) if r["status"] in PERMANENT_REFUSALS]
        if refused:
            self._status = replace(self._status, upload_error=str(refused[0]["status"]))
            self._publish()
            raise SyncError(f"the server refused event {refused[0]['seq']}: {refused[0]['status']}")
        if acked < sent[-1].event.seq and any(
            r["status"] == "sequence_gap" for r in ack.get("results", [])
        ):
            # The server is behind this device (restored from a backup): resend from there.
            resend = self._store.submit(lambda s: s.events(after_seq=acked, limit=len(sent)))
            self._upload(resend.result())

    def _flush_and_report(self) -> SyncStatus:
        self._flush()
        self._publish()
        return self._status

    def _heartbeat(self) -> SyncStatus:
        session = self._session
        if session is None or session.study_session_id is None:
            return self._status
        try:
            # A backlog goes up by batch first; the heartbeat carries the newest events.
            while self._store.outbox_status().result().pending > HEARTBEAT_EVENTS:
                self._upload(self._store.unsynced(self._batch_size).result())
            events = self._store.unsynced(HEARTBEAT_EVENTS).result()
            answer = self._call(
                lambda: self._client.post(
                    f"{API}/study/{session.study_session_id}/heartbeat",
                    {"events": [wire(e) for e in events]},
                    token=session.token,
                )
            )
        except SyncError:
            self._publish()
            return self._status
        if answer.get("ack") and events:
            self._apply_ack(answer["ack"], events)
        verification = answer.get("verification", {})
        self._offline_limit_ms = int(verification.get("offline_limit_ms", self._offline_limit_ms))
        self._max_skew_ms = int(verification.get("max_clock_skew_ms", self._max_skew_ms))
        if session.study_session_id is not None:  # not ended while the beat was in flight
            self._status = replace(self._status, check_due=due_check_of(answer))
        self._publish()
        return self._status

    def _beat_loop(self, stop: threading.Event) -> None:
        while not stop.wait(self._interval_s):
            try:
                self.heartbeat().result()
            except Exception:  # a bug: keep beating, it is logged
                log.exception("heartbeat failed")

    def _publish(self, signed_in: bool | None = None) -> None:
        now = self._mono_ms()
        offline_for = self._connectivity.offline_for_ms(now)
        outbox = self._store.outbox_status().result()
        verdict = study_verdict(
            sign_out=self._sign_out,
            course_delisted=self._course_delisted,
            another_course_open=self._another_course_open,
            offline_for_ms=offline_for,
            offline_limit_ms=self._offline_limit_ms,
            skew_ms=self._status.skew_ms,
            max_skew_ms=self._max_skew_ms,
        )
        self._status = replace(
            self._status,
            pending=outbox.pending,
            last_sync_ms=outbox.last_sync_ms,
            online=self._connectivity.online,
            offline_for_ms=offline_for,
            verdict=verdict,
            signed_in=self._session is not None if signed_in is None else signed_in,
        )
        self._on_status(self._status)


def _challenge_from(answer: dict) -> FaceChallenge:
    try:
        return face_challenge_of(answer)
    except (KeyError, ValueError, TypeError) as error:
        raise MalformedResponseError("face challenge: the answer is not a challenge") from error
