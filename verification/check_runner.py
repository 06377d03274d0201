"""One face check, start to end, on the caller's worker thread (no Qt): frames from a
source, landmarks and quality per frame, the challenge the server issued, the identity
at the start and at the end, the local match against the learner's template, and the
evidence the server judges again (the burst of face-region frames, in memory only).

Nothing here writes an image to disk or logs one; the preview frames handed to
`on_progress` are for the live view and are dropped after it."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from verification.burst import BurstFrame, BurstRecorder, BurstVerdict, finish_burst
from verification.camera_signals import virtual_camera_evidence
from verification.face_embedding import (
    FaceEmbedder,
    FaceEmbedding,
    FaceTemplate,
    MatchPolicy,
    decode_jpeg,
)
from verification.frames import FrameSource, FrameSourceError
from verification.landmarks import FaceAnalyzer, FaceMeasurement
from verification.liveness import (
    Challenge,
    LivenessPolicy,
    LivenessSession,
    LivenessState,
    Phase,
)

log = logging.getLogger(__name__)

MAX_CHECK_MS = 60_000  # whatever the policy: a check never holds the learner longer


@dataclass(frozen=True)
class CheckProgress:
    """One step of a running check, for the dialog (the frame is for the preview only)."""

    frame: np.ndarray
    measurement: FaceMeasurement
    state: LivenessState
    total_actions: int


@dataclass(frozen=True)
class FaceCheckResult:
    passed: bool
    reason: str | None  # a liveness failure, a face error code, "face_not_matched", ...
    distance: float | None  # to the learner's template, when one is known
    frames: int
    duration_ms: int
    # The evidence the server judges: the challenge answered and the burst of
    # face-region frames spanning it (memory only).
    challenge_id: str = ""
    burst: tuple[BurstFrame, ...] = field(default=(), repr=False)
    embedding: FaceEmbedding | None = None  # for enrollment (never sent)
    # What the frames came from, reported to the server with the evidence: an animated
    # photo (demo and test runs), and the kind of virtual camera recognised, if any.
    simulated_camera: bool = False
    virtual_camera: str | None = None

    @property
    def liveness_passed(self) -> bool:
        """The challenge was performed by one person: the burst is worth sending."""
        return bool(self.burst)


class FaceCheckRunner:
    """One check of the challenge the server issued. Every camera frame is measured for
    the preview and the learner's guidance (and a second face anywhere in view fails the
    check); from the moment a face is found, a frame every BURST_INTERVAL_MS is cut to
    the region around the face, encoded as the server will receive it, decoded back and
    measured again: liveness is judged on exactly the frames that are sent."""

    def __init__(
        self,
        source: FrameSource,
        analyzer: FaceAnalyzer,
        region_analyzer: FaceAnalyzer,
        embedder: FaceEmbedder,
        template: FaceTemplate | None,
        challenge: Challenge,
        *,
        match_policy: MatchPolicy | None = None,
        on_progress: Callable[[CheckProgress], None] = lambda progress: None,
        monotonic_ms: Callable[[], int] = lambda: time.monotonic_ns() // 1_000_000,
    ) -> None:
        self._source = source
        self._analyzer = analyzer
        self._region_analyzer = region_analyzer
        self._embedder = embedder
        self._template = template
        self._challenge = challenge
        # The server judges with the default policy: the client judges as it will.
        self._liveness_policy = LivenessPolicy()
        self._match_policy = match_policy or MatchPolicy()
        self._on_progress = on_progress
        self._mono_ms = monotonic_ms

    def run(self, cancel: threading.Event | None = None) -> FaceCheckResult:
        cancel = cancel or threading.Event()
        challenge = self._challenge
        # A simulated camera (demo, tests) plays the actions asked for; a camera has no
        # such method and the learner performs them.
        perform = getattr(self._source, "perform_challenge", None)
        if perform is not None:
            perform([str(action) for action in challenge.actions])
        session = LivenessSession(challenge, self._liveness_policy)
        recorder = BurstRecorder()
        started = self._mono_ms()
        frames = 0
        first_at: int | None = None
        state = session.state()
        try:
            while state.phase not in (Phase.AWAITING_IDENTITY, Phase.FINISHED):
                if cancel.is_set():
                    return self._failed("cancelled", frames, started)
                if self._mono_ms() - started > MAX_CHECK_MS or recorder.full:
                    break
                frame = self._source.read()
                frames += 1
                first_at = frame.at_ms if first_at is None else first_at
                measured = self._analyzer.analyze(frame.image, frame.at_ms)
                if measured.face_count >= 2:
                    return self._failed("multiple_faces", frames, started)
                if recorder.region is None:
                    if measured.face_count == 1 and measured.box is not None:
                        height, width = frame.image.shape[:2]
                        recorder.fix_region(measured.box, width, height)
                    elif frame.at_ms - first_at > self._liveness_policy.face_wait_ms:
                        return self._failed("no_face", frames, started)
                kept = recorder.take(frame.image, frame.at_ms)
                if kept is not None:
                    state = session.feed(self._region_analyzer.analyze(kept, frame.at_ms))
                self._on_progress(
                    CheckProgress(frame.image, measured, state, len(challenge.actions))
                )
        except FrameSourceError as error:
            return self._failed(error.code, frames, started)
        burst = recorder.frames
        verdict = finish_burst(
            session,
            lambda index: decode_jpeg(burst[index].jpeg),
            self._embedder,
            self._match_policy.threshold,
        )
        return self._outcome(verdict, burst, frames, started)

    def _outcome(
        self,
        verdict: BurstVerdict,
        burst: tuple[BurstFrame, ...],
        frames: int,
        started: int,
    ) -> FaceCheckResult:
        distance = None
        reason = verdict.reason
        passed = verdict.passed
        embedding = verdict.last_embedding()
        if passed and self._template is not None:
            worst = verdict.worst_match(self._template, self._match_policy)
            distance = worst.distance
            if not worst.matched:
                passed, reason = False, "face_not_matched"
        log.info(
            "face check finished",
            extra={"data": {"passed": passed, "reason": reason, "frames": frames}},
        )
        return FaceCheckResult(
            passed=passed,
            reason=reason,
            distance=distance,
            frames=frames,
            duration_ms=self._mono_ms() - started,
            challenge_id=self._challenge.challenge_id,
            burst=burst if verdict.passed else (),
            embedding=embedding,
            simulated_camera=bool(getattr(self._source, "is_simulated", False)),
            virtual_camera=_virtual_camera_kind(self._source),
        )

    def _failed(self, reason: str, frames: int, started: int) -> FaceCheckResult:
        log.info("face check failed", extra={"data": {"reason": reason, "frames": frames}})
        return FaceCheckResult(
            passed=False,
            reason=reason,
            distance=None,
            frames=frames,
            duration_ms=self._mono_ms() - started,
            challenge_id=self._challenge.challenge_id,
        )


def _virtual_camera_kind(source: FrameSource) -> str | None:
    device = getattr(source, "device", None)
    signal = virtual_camera_evidence(device) if device is not None else None
    return signal.kind if signal is not None else None
