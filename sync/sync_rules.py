"""What the client decides from its conversation with the server, without I/O: whether
a refusal means the learner was signed out, how long the server has been out of reach,
how far the local clock is from the server's, and from these whether study may go on.

The server credits time by its own clock and decides what counts; these rules keep an
honest learner inside the limits and explain why study stopped (Attachment 1 item 2)."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from enum import StrEnum

from wire.environment import REFUSED_PREFIX
from wire.face import BurstFrameBody, CameraReport, FaceProofBody


class SignOutReason(StrEnum):
    SIGNED_IN_ELSEWHERE = "signed_in_elsewhere"
    ANOTHER_LEARNER_ON_DEVICE = "another_learner_on_device"
    ACCOUNT_DISABLED = "account_disabled"
    SIGNED_OUT = "signed_out"
    NOT_SIGNED_IN = "not_signed_in"  # the token is unknown (expired, server reset)


class StudyStop(StrEnum):
    """Why study cannot go on right now (the UI shows a translated message per code)."""

    SIGNED_OUT = "signed_out"  # see the SignOutReason
    COURSE_DELISTED = "course_delisted"
    ANOTHER_COURSE_OPEN = "another_course_open"
    OFFLINE_TOO_LONG = "offline_too_long"
    CLOCK_SKEW = "clock_skew"
    # The institution refuses something the client reported of its surroundings (the
    # server's refusal code names the kind: wire/environment.REFUSED_PREFIX).
    ENVIRONMENT_VIRTUAL_MACHINE = "environment_refused_virtual_machine"
    ENVIRONMENT_REMOTE_SESSION = "environment_refused_remote_session"
    ENVIRONMENT_MULTIPLE_MONITORS = "environment_refused_multiple_monitors"
    ENVIRONMENT_SCREEN_RECORDER = "environment_refused_screen_recorder"
    ENVIRONMENT_AUTOMATION_TOOL = "environment_refused_automation_tool"
    ENVIRONMENT_VIRTUAL_CAMERA = "environment_refused_virtual_camera"
    ENVIRONMENT_OTHER = "environment_refused"  # a kind newer than this client


@dataclass(frozen=True)
class FaceProof:
    """One face check's evidence for the server's own judgement: the challenge it
    answers and the burst of face-region frames spanning it (in memory and in the TLS
    request only: never on disk, never in a log). The sync engine signs it with the
    device key. The camera signals are the client's report; the server applies the
    institution's policy to them."""

    challenge_id: str
    frames: tuple[tuple[int, bytes], ...] = field(repr=False)  # (at_ms, JPEG)
    simulated_camera: bool = False  # an animated photo (demo and test runs only)
    virtual_camera: str | None = None  # the kind of virtual camera recognised, if any

    def wire(self, signature: bytes) -> FaceProofBody:
        return FaceProofBody(
            challenge_id=self.challenge_id,
            frames=[
                BurstFrameBody(at_ms=at_ms, jpeg_b64=base64.b64encode(jpeg).decode())
                for at_ms, jpeg in self.frames
            ],
            signature_b64=base64.b64encode(signature).decode(),
            camera=CameraReport(simulated=self.simulated_camera, virtual=self.virtual_camera),
        )


def environment_stop(reason_code: str) -> StudyStop | None:
    """The stop a refusal for the client's surroundings means, or None."""
    if not reason_code.startswith(REFUSED_PREFIX):
        return None
    try:
        return StudyStop(reason_code)
    except ValueError:
        return StudyStop.ENVIRONMENT_OTHER


def sign_out_reason(status: int, reason_code: str) -> SignOutReason | None:
    """The reason a refusal signs the learner out, or None for other refusals."""
    if status != 401:
        return None
    try:
        return SignOutReason(reason_code)
    except ValueError:
        return SignOutReason.NOT_SIGNED_IN


def clock_skew_ms(sent_local_ms: int, received_local_ms: int, server_ms: int) -> int:
    """Server time minus local time, taking the local time at the middle of the round
    trip (the server stamped its answer somewhere inside it)."""
    return server_ms - (sent_local_ms + received_local_ms) // 2


@dataclass
class ConnectivityTracker:
    """How long the server has been out of reach, on the monotonic clock (a changed
    system clock neither shortens nor extends the offline grace)."""

    last_success_mono_ms: int | None = None
    first_failure_mono_ms: int | None = None

    def succeeded(self, now_mono_ms: int) -> None:
        self.last_success_mono_ms = now_mono_ms
        self.first_failure_mono_ms = None

    def failed(self, now_mono_ms: int) -> None:
        if self.first_failure_mono_ms is None:
            self.first_failure_mono_ms = now_mono_ms

    @property
    def online(self) -> bool:
        return self.first_failure_mono_ms is None

    def offline_for_ms(self, now_mono_ms: int) -> int:
        if self.first_failure_mono_ms is None:
            return 0
        # Offline since the last answer, not since the first failed attempt.
        since = self.last_success_mono_ms
        if since is None:
            since = self.first_failure_mono_ms
        return max(0, now_mono_ms - since)


@dataclass(frozen=True)
class StudyVerdict:
    allowed: bool
    stop: StudyStop | None = None
    sign_out: SignOutReason | None = None


def study_verdict(
    *,
    sign_out: SignOutReason | None,
    course_delisted: bool,
    another_course_open: bool,
    offline_for_ms: int,
    offline_limit_ms: int,
    skew_ms: int | None,
    max_skew_ms: int,
    environment_refused: StudyStop | None = None,
) -> StudyVerdict:
    """May playback go on? Checked in order of severity."""
    if sign_out is not None:
        return StudyVerdict(False, StudyStop.SIGNED_OUT, sign_out)
    skewed = skew_ms is not None and abs(skew_ms) > max_skew_ms
    stops = (
        (course_delisted, StudyStop.COURSE_DELISTED),
        (another_course_open, StudyStop.ANOTHER_COURSE_OPEN),
        (environment_refused is not None, environment_refused),
        (offline_for_ms > offline_limit_ms, StudyStop.OFFLINE_TOO_LONG),
        (skewed, StudyStop.CLOCK_SKEW),
    )
    stop = next((stop for applies, stop in stops if applies), None)
    return StudyVerdict(True) if stop is None else StudyVerdict(False, stop)
