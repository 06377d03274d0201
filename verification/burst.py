"""A face check's burst: the small face-region frames a check sends, and the judging of
them that the client and the platform server both do.

The server issues the challenge (the actions, in order, under a one-time id) and
re-judges the burst on its own: landmarks and liveness on every frame, the same face in
the frames it samples, against the learner's template. The client judges the very same
frames (each one encoded, decoded and measured as the server will), so an honest check
the client passes is one the server passes.

Qt-free and importable by the server. Nothing here writes an image to disk or logs one.
"""

from __future__ import annotations

import itertools
import random
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from verification.face_embedding import (
    FACE_CROP_SIZE,
    FaceEmbedder,
    FaceEmbedding,
    FaceEmbeddingError,
    FaceTemplate,
    MatchPolicy,
    MatchResult,
    decode_jpeg,
    face_distance,
    match,
    template_from_embeddings,
)
from verification.landmarks import FaceAnalyzer
from verification.liveness import (
    Baseline,
    Challenge,
    FaceSample,
    LivenessPolicy,
    LivenessResult,
    LivenessSession,
    Phase,
)

# About one frame kept every 80 ms (12.5 a second): above the liveness minimum of 8, so
# a 150 ms blink still lands on a frame, and a 10 s challenge is about 125 frames. Kept
# frames are never closer than BURST_MIN_GAP_MS: of a 15 fps camera's frames (67 ms
# apart) about two in three are kept, of a 30 fps camera's about one in three.
BURST_INTERVAL_MS = 80
BURST_MIN_GAP_MS = 60
# A challenge lasts at most about 20 s (a face within 5 s, the baseline, three actions
# of at most 5 s each): 300 frames leave room and bound what a request may carry.
MAX_BURST_FRAMES = 300
FRAME_MAX_SIDE = FACE_CROP_SIZE  # the longer side of a burst frame, in pixels
MAX_FRAME_BYTES = 64 * 1024
FRAME_JPEG_QUALITY = 85
# The region around the face: the face box's side times this, so a turn or a nod stays
# inside it (a head turned 30 degrees moves its box by about a third of its width).
REGION_SCALE = 2.2
# Besides the first and the last frame of the baseline and of every action, the server
# embeds this many more drawn at random (a face swapped in between must be gone at every
# one of them).
IDENTITY_SAMPLES_BETWEEN = 3


@dataclass(frozen=True)
class BurstFrame:
    at_ms: int  # the client's monotonic clock; the server bounds the span by its own
    jpeg: bytes = field(repr=False)


Region = tuple[int, int, int, int]  # left, top, right, bottom, in frame pixels


def face_region(box: Region, frame_width: int, frame_height: int) -> Region:
    """A square around the face box, REGION_SCALE times its side, moved (not shrunk)
    to stay inside the frame where it fits."""
    left, top, right, bottom = box
    side = min(round(max(right - left, bottom - top) * REGION_SCALE), frame_width, frame_height)
    centre_x, centre_y = (left + right) / 2, (top + bottom) / 2
    x0 = int(min(max(0, round(centre_x - side / 2)), frame_width - side))
    y0 = int(min(max(0, round(centre_y - side / 2)), frame_height - side))
    return x0, y0, x0 + side, y0 + side


def region_frame(image_bgr: np.ndarray, region: Region) -> np.ndarray:
    """The region of the frame, scaled down so its side is at most FRAME_MAX_SIDE."""
    left, top, right, bottom = region
    crop = image_bgr[top:bottom, left:right]
    side = max(crop.shape[:2])
    if side > FRAME_MAX_SIDE:
        scale = FRAME_MAX_SIDE / side
        size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
        crop = cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(crop)


def encode_frame(image_bgr: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".jpg", image_bgr, [cv2.IMWRITE_JPEG_QUALITY, FRAME_JPEG_QUALITY])
    if not ok:
        raise ValueError("the frame could not be encoded")
    return bytes(data.tobytes())


class BurstRecorder:
    """Keeps the frames a check sends: from the moment the face region is fixed, about
    one frame every BURST_INTERVAL_MS, each as the JPEG the server receives and as the
    picture decoded back from it (what both sides measure)."""

    def __init__(self, interval_ms: int = BURST_INTERVAL_MS, max_frames: int = MAX_BURST_FRAMES):
        self._interval_ms = interval_ms
        self._max_frames = max_frames
        self.region: Region | None = None
        self._frames: list[BurstFrame] = []
        self._next_ms: int | None = None  # the earliest time the next frame is kept

    @property
    def frames(self) -> tuple[BurstFrame, ...]:
        return tuple(self._frames)

    @property
    def full(self) -> bool:
        return len(self._frames) >= self._max_frames

    def fix_region(self, box: Region, frame_width: int, frame_height: int) -> None:
        if self.region is None:
            self.region = face_region(box, frame_width, frame_height)

    def take(self, image_bgr: np.ndarray, at_ms: int) -> np.ndarray | None:
        """The kept frame as decoded from its JPEG, or None when this frame is not kept
        (no region yet, too soon after the last one, or the burst is full)."""
        if self.region is None or self.full:
            return None
        if self._next_ms is not None and at_ms < self._next_ms:
            return None
        # On a grid of the interval (so a camera's odd rate averages out to it), never
        # closer than the minimum gap.
        grid = at_ms if self._next_ms is None else self._next_ms
        self._next_ms = max(grid + self._interval_ms, at_ms + BURST_MIN_GAP_MS)
        jpeg = encode_frame(region_frame(image_bgr, self.region))
        self._frames.append(BurstFrame(at_ms, jpeg))
        return decode_jpeg(jpeg)


def fit_for_identity(sample: FaceSample, baseline: Baseline, policy: LivenessPolicy) -> bool:
    """A frame to compare identity on: one face, head about as straight as at the
    baseline (within the share of a turn's and a nod's threshold the actions count as
    at rest, so the embedding sees a near-frontal face), eyes not closed as in a blink.
    (Not "as open as the learner's": another person's eyes may be narrower, and their
    frames must not drop out of the comparison for that.)"""
    if sample.ear is None or sample.ear < baseline.ear * policy.blink_close_ratio:
        return False
    return _pose_offset(sample, baseline, policy) < policy.neutral_fraction


def _pose_offset(sample: FaceSample, baseline: Baseline, policy: LivenessPolicy) -> float:
    """How far the head is turned or tilted from the baseline, in units of the turn's and
    the nod's thresholds (below 1: neither a turn nor a nod); infinite without one
    measured face."""
    yaw, pitch = sample.yaw_deg, sample.pitch_deg
    if sample.face_count != 1 or yaw is None or pitch is None:
        return float("inf")
    return max(
        abs(yaw - baseline.yaw_deg) / policy.turn_threshold_deg,
        abs(pitch - baseline.pitch_deg) / policy.nod_threshold_deg,
    )


def identity_frames(
    samples: Sequence[FaceSample],
    baseline: Baseline,
    policy: LivenessPolicy,
    action_starts: Sequence[int] = (),
    between: int = 0,
    rng: random.Random | secrets.SystemRandom | None = None,
) -> list[int]:
    """Indices of the frames to compare identity on. The burst is cut into the baseline
    and one span per action (`action_starts`, as `LivenessSession.action_starts`: the
    frame on which an action was asked ends the span before it); of every span, its
    first and its last frame fit for identity, or its least turned or tilted measured
    frame when none is fit; then `between` more fit frames drawn at random.

    So every part of the challenge is looked at: a face swapped in for one action is
    compared while it performs it, whatever its own resting pose."""
    cuts = [0, *(start + 1 for start in action_starts), len(samples)]
    chosen: set[int] = set()
    for begin, end in itertools.pairwise(cuts):
        fit = [i for i in range(begin, end) if fit_for_identity(samples[i], baseline, policy)]
        if fit:
            chosen.update((fit[0], fit[-1]))
            continue
        offsets = {
            i: offset
            for i in range(begin, end)
            if (offset := _pose_offset(samples[i], baseline, policy)) < float("inf")
        }
        if offsets:
            chosen.add(min(offsets, key=offsets.__getitem__))
    rest = [
        i
        for i, sample in enumerate(samples)
        if i not in chosen and fit_for_identity(sample, baseline, policy)
    ]
    if between and rest:
        chosen.update((rng or secrets.SystemRandom()).sample(rest, min(between, len(rest))))
    return sorted(chosen)


@dataclass(frozen=True)
class BurstVerdict:
    """What a burst shows on its own, before any template is consulted."""

    liveness: LivenessResult
    # Embeddings of the identity frames, in time order (empty when liveness failed
    # before identity was reached, or no frame was fit to compare).
    embeddings: tuple[FaceEmbedding, ...]
    face_error: str | None = None  # a frame the embedder refused (no_face, ...)

    @property
    def passed(self) -> bool:
        return self.liveness.passed and self.face_error is None

    @property
    def reason(self) -> str | None:
        if self.face_error is not None:
            return self.face_error
        return None if self.liveness.passed else str(self.liveness.reason)

    def last_embedding(self) -> FaceEmbedding | None:
        """The last identity frame's embedding: the candidate for a first enrollment."""
        return self.embeddings[-1] if self.embeddings else None

    def worst_match(self, template: FaceTemplate, policy: MatchPolicy) -> MatchResult:
        """The identity frame furthest from the template: every one must match."""
        if not self.embeddings:
            raise ValueError("no identity frame to match")
        results = (match(template, embedding, policy) for embedding in self.embeddings)
        return max(results, key=lambda result: result.distance)


def judge_burst(
    frames: Sequence[tuple[int, np.ndarray]],
    challenge: Challenge,
    analyzer: FaceAnalyzer,
    embedder: FaceEmbedder,
    policy: LivenessPolicy,
    same_person_threshold: float,
    between: int = IDENTITY_SAMPLES_BETWEEN,
    rng: random.Random | secrets.SystemRandom | None = None,
) -> BurstVerdict:
    """The whole judgement of a burst of decoded frames `(at_ms, image)`: landmarks and
    liveness for the challenge on every frame, then the same person in the identity
    frames. `analyzer` is fresh for this burst (it tracks the face from frame to
    frame)."""
    session = LivenessSession(challenge, policy)
    for at_ms, image in frames:
        if session.feed(analyzer.analyze(image, at_ms)).phase is Phase.FINISHED:
            break
    return finish_burst(
        session, lambda index: frames[index][1], embedder, same_person_threshold, between, rng
    )


def finish_burst(
    session: LivenessSession,
    image_at: Callable[[int], np.ndarray],
    embedder: FaceEmbedder,
    same_person_threshold: float,
    between: int = 0,
    rng: random.Random | secrets.SystemRandom | None = None,
) -> BurstVerdict:
    """The end of a burst's judgement, once every frame was fed to `session`: whether
    the challenge was completed, then whether the identity frames (`image_at(i)` is the
    picture of the i-th frame fed) show one person, each within `same_person_threshold`
    of the first."""
    if session.state().phase is not Phase.AWAITING_IDENTITY:
        # Failed, or the frames ran out before the actions were done (`finish` says
        # which action was not done).
        result = session.finish(identity_same=False)
        if not any(sample.face_count for sample in session.samples):
            # Nobody in front of the camera: a camera's problem, not a failed liveness.
            return BurstVerdict(result, (), "no_face")
        return BurstVerdict(result, ())
    baseline = session.baseline
    assert baseline is not None
    chosen = identity_frames(
        session.samples, baseline, session.policy, session.action_starts, between, rng
    )
    if not chosen:
        return BurstVerdict(session.finish(identity_same=False), (), "no_face")
    embeddings = []
    for index in chosen:
        try:
            embeddings.append(embedder.embed(image_at(index)))
        except FaceEmbeddingError as error:
            return BurstVerdict(session.finish(identity_same=False), (), error.code)
    first = template_from_embeddings([embeddings[0]])
    same = all(face_distance(first, e) <= same_person_threshold for e in embeddings[1:])
    return BurstVerdict(session.finish(identity_same=same), tuple(embeddings))
