"""One face check, start to end, on the caller's worker thread (no Qt): frames from a
source, landmarks and quality per frame, the liveness challenge, the identity at the
start and at the end, the local match against the learner's template, and the evidence
the server re-matches (a small JPEG crop and the challenge's metadata, in memory only).

Nothing here writes an image to disk or logs one; the preview frames handed to
`on_progress` are for the live view and are dropped after it."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from verification.camera_signals import virtual_camera_evidence
from verification.face_embedding import (
    FaceEmbedder,
    FaceEmbedding,
    FaceEmbeddingError,
    FaceTemplate,
    MatchPolicy,
    face_distance,
    match,
    template_from_embeddings,
)
from verification.frames import FrameSource, FrameSourceError
from verification.landmarks import FaceAnalyzer, FaceMeasurement
from verification.liveness import (
    LivenessPolicy,
    LivenessResult,
    LivenessSession,
    LivenessState,
    Phase,
    new_challenge,
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
    crop_jpeg: bytes | None  # the evidence for the server's re-match
    challenge: dict[str, object]  # actions, outcome and signal summary (numbers only)
    liveness_passed: bool
    distance: float | None  # to the learner's template, when one is known
    frames: int
    duration_ms: int
    embedding: FaceEmbedding | None = None  # for enrollment (never sent)
    # What the frames came from, reported to the server with the evidence: an animated
    # photo (demo and test runs), and the kind of virtual camera recognised, if any.
    simulated_camera: bool = False
    virtual_camera: str | None = None


class FaceCheckRunner:
    def __init__(
        self,
        source: FrameSource,
        analyzer: FaceAnalyzer,
        embedder: FaceEmbedder,
        template: FaceTemplate | None,
        *,
        liveness_policy: LivenessPolicy | None = None,
        match_policy: MatchPolicy | None = None,
        rng: secrets.SystemRandom | None = None,
        on_progress: Callable[[CheckProgress], None] = lambda progress: None,
        monotonic_ms: Callable[[], int] = lambda: time.monotonic_ns() // 1_000_000,
    ) -> None:
        self._source = source
        self._analyzer = analyzer
        self._embedder = embedder
        self._template = template
        self._liveness_policy = liveness_policy or LivenessPolicy()
        self._match_policy = match_policy or MatchPolicy()
        self._rng = rng or secrets.SystemRandom()
        self._on_progress = on_progress
        self._mono_ms = monotonic_ms

    def run(self, cancel: threading.Event | None = None) -> FaceCheckResult:
        cancel = cancel or threading.Event()
        challenge = new_challenge(self._rng, self._liveness_policy)
        # A simulated camera (demo, tests) plays the actions asked for; a camera has no
        # such method and the learner performs them.
        perform = getattr(self._source, "perform_challenge", None)
        if perform is not None:
            perform([action.value for action in challenge.actions])
        session = LivenessSession(challenge, self._liveness_policy)
        started = self._mono_ms()
        frames = 0
        first_identity: FaceEmbedding | None = None
        last_good: np.ndarray | None = None
        state = session.state()
        try:
            while state.phase not in (Phase.AWAITING_IDENTITY, Phase.FINISHED):
                if cancel.is_set():
                    return self._failed("cancelled", session, frames, started)
                if self._mono_ms() - started > MAX_CHECK_MS:
                    break
                frame = self._source.read()
                frames += 1
                measured = self._analyzer.analyze(frame.image, frame.at_ms)
                state = session.feed(measured)
                if measured.face_count == 1 and measured.quality.ok:
                    last_good = frame.image
                    if first_identity is None:
                        first_identity = self._embed(frame.image)
                self._on_progress(
                    CheckProgress(frame.image, measured, state, len(challenge.actions))
                )
        except FrameSourceError as error:
            return self._failed(error.code, session, frames, started)
        if state.phase is not Phase.AWAITING_IDENTITY:
            result = session.result or session.finish(identity_same=False)
            return self._outcome(result, None, session, frames, started, None)
        if last_good is None or first_identity is None:
            return self._failed("no_face", session, frames, started)
        try:
            evidence = self._embedder.face_evidence(last_good)
        except FaceEmbeddingError as error:
            return self._failed(error.code, session, frames, started)
        # The person who finished the challenge must be the one who began it.
        same = face_distance(template_from_embeddings([first_identity]), evidence.embedding)
        result = session.finish(identity_same=same <= self._match_policy.threshold)
        return self._outcome(
            result, evidence.crop_jpeg, session, frames, started, evidence.embedding
        )

    def _embed(self, image: np.ndarray) -> FaceEmbedding | None:
        try:
            return self._embedder.embed(image)
        except FaceEmbeddingError:
            return None  # the next good frame is tried

    def _outcome(
        self,
        result: LivenessResult,
        crop: bytes | None,
        session: LivenessSession,
        frames: int,
        started: int,
        embedding: FaceEmbedding | None,
    ) -> FaceCheckResult:
        challenge = _challenge_metadata(session, result)
        distance = None
        reason = None if result.passed else str(result.reason)
        passed = result.passed
        if passed and self._template is not None and embedding is not None:
            verdict = match(self._template, embedding, self._match_policy)
            distance = verdict.distance
            if not verdict.matched:
                passed, reason = False, "face_not_matched"
        log.info(
            "face check finished",
            extra={"data": {"passed": passed, "reason": reason, "frames": frames}},
        )
        return FaceCheckResult(
            passed=passed,
            reason=reason,
            crop_jpeg=crop,
            challenge=challenge,
            liveness_passed=result.passed,
            distance=distance,
            frames=frames,
            duration_ms=self._mono_ms() - started,
            embedding=embedding,
            simulated_camera=bool(getattr(self._source, "is_simulated", False)),
            virtual_camera=_virtual_camera_kind(self._source),
        )

    def _failed(
        self, reason: str, session: LivenessSession, frames: int, started: int
    ) -> FaceCheckResult:
        log.info("face check failed", extra={"data": {"reason": reason, "frames": frames}})
        return FaceCheckResult(
            passed=False,
            reason=reason,
            crop_jpeg=None,
            challenge=_challenge_metadata(session, session.result),
            liveness_passed=False,
            distance=None,
            frames=frames,
            duration_ms=self._mono_ms() - started,
        )


def _virtual_camera_kind(source: FrameSource) -> str | None:
    device = getattr(source, "device", None)
    signal = virtual_camera_evidence(device) if device is not None else None
    return signal.kind if signal is not None else None


def _challenge_metadata(session: LivenessSession, result: LivenessResult | None) -> dict:
    return {
        "actions": [str(action) for action in session.challenge.actions],
        "actions_done": [str(a) for a in (result.actions_done if result else ())],
        "liveness": "passed" if result and result.passed else str(result.reason if result else ""),
        "signals": session.summary(),
    }
