"""The burst a face check sends (verification/burst.py): the face region, the frames
kept, which frames identity is compared on, and that the client and the server compute
the same thing from the same bytes. Real photos and the real models; the landmark
series for the frame selection are scripted."""

from __future__ import annotations

import itertools
import random

import cv2
import numpy as np
import pytest

from app.demo_platform import DEMO_LIVENESS_ACTIONS
from tests.support.face_images import face_photo
from tests.unit.test_liveness import Sample
from verification.burst import (
    BURST_INTERVAL_MS,
    BURST_MIN_GAP_MS,
    FRAME_MAX_SIDE,
    MAX_BURST_FRAMES,
    BurstRecorder,
    face_region,
    finish_burst,
    identity_frames,
    judge_burst,
    region_frame,
)
from verification.face_embedding import FaceEmbedder, decode_jpeg
from verification.landmarks import FaceAnalyzer
from verification.liveness import (
    Action,
    Baseline,
    Challenge,
    LivenessPolicy,
    LivenessSession,
)


@pytest.fixture(scope="module")
def embedder():
    return FaceEmbedder()


def test_the_region_is_a_square_around_the_face_inside_the_frame():
    assert face_region((200, 150, 300, 250), 640, 480) == (140, 90, 360, 310)
    # At the edge it moves inside rather than shrinking.
    assert face_region((0, 0, 100, 100), 640, 480) == (0, 0, 220, 220)
    assert face_region((560, 400, 640, 480), 640, 480) == (464, 304, 640, 480)
    # A face larger than the frame allows: the frame's short side.
    assert face_region((100, 0, 500, 480), 640, 480) == (60, 0, 540, 480)


def test_a_region_frame_is_never_larger_than_a_check_sends():
    frame = np.zeros((1080, 1920, 3), np.uint8)
    small = region_frame(frame, (0, 0, 200, 200))
    assert small.shape[:2] == (200, 200)  # never enlarged
    large = region_frame(frame, (100, 100, 1000, 1000))
    assert max(large.shape[:2]) == FRAME_MAX_SIDE


def test_the_recorder_keeps_about_one_frame_per_interval_from_the_face_on():
    frame = np.full((480, 640, 3), 90, np.uint8)
    for camera_ms in (33, 40, 67, 100):
        recorder = BurstRecorder()
        assert recorder.take(frame, 0) is None  # no face found yet: nothing is kept
        recorder.fix_region((250, 150, 350, 250), 640, 480)
        for index in range(1, 301):
            kept = recorder.take(frame, index * camera_ms)
            assert kept is None or kept.shape == (220, 220, 3)
        times = [f.at_ms for f in recorder.frames]
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert min(gaps) >= BURST_MIN_GAP_MS
        average = (times[-1] - times[0]) / (len(times) - 1)
        assert max(BURST_INTERVAL_MS, camera_ms) <= average <= BURST_INTERVAL_MS + camera_ms


def test_the_recorder_stops_when_the_burst_is_full():
    recorder = BurstRecorder()
    recorder.fix_region((0, 0, 50, 50), 200, 200)
    frame = np.zeros((200, 200, 3), np.uint8)
    for index in range(MAX_BURST_FRAMES + 20):
        recorder.take(frame, index * 100)
    assert recorder.full and len(recorder.frames) == MAX_BURST_FRAMES


BASELINE = Baseline(ear=0.3, mar=0.0, yaw_deg=2.0, pitch_deg=5.0, samples=10)


def test_identity_is_compared_at_the_start_and_the_end_of_every_part_of_the_challenge():
    policy = LivenessPolicy()
    samples = [
        Sample(0, face_count=0, ear=None, yaw_deg=None, pitch_deg=None),
        Sample(80, yaw_deg=3.0),  # the baseline's first fit frame
        Sample(160, ear=0.1),  # eyes closed
        Sample(240, ear=0.2),  # narrower eyes than the baseline's, still open: fit
        Sample(320, pitch_deg=18.0),  # nodding
        Sample(400, face_count=2),
        # The first action is asked on frame 5.
        *[Sample(480 + 80 * i, yaw_deg=-6.0) for i in range(10)],  # turned, but little
        Sample(1280, pitch_deg=0.0),
        Sample(1360, yaw_deg=-15.0),  # turned more than a head at rest
        # The second action is asked on frame 17: none of its frames is fit.
        Sample(1440, yaw_deg=40.0),
        Sample(1520, pitch_deg=15.0),  # the least turned or tilted
        Sample(1600, pitch_deg=25.0, ear=0.1),
    ]
    assert identity_frames(samples, BASELINE, policy) == [1, 16]
    assert identity_frames(samples, BASELINE, policy, action_starts=(5, 17)) == [1, 3, 6, 16, 19]
    drawn = identity_frames(samples, BASELINE, policy, (5, 17), between=3, rng=random.Random(1))
    assert len(drawn) == 8 and {1, 3, 6, 16, 19} <= set(drawn)
    assert set(drawn) - {1, 3, 6, 16, 19} <= set(range(7, 16))
    assert identity_frames(samples[:1], BASELINE, policy) == []


ORDERS = list(itertools.permutations(DEMO_LIVENESS_ACTIONS, 2))


@pytest.mark.slow  # six bursts judged twice with the real models
@pytest.mark.parametrize("actions", ORDERS, ids=["-".join(order) for order in ORDERS])
def test_a_face_swapped_in_for_the_second_half_of_a_challenge_fails(embedder, faces, actions):
    """Whatever the order of the actions, the learner's own burst passes and the same
    burst with its second half from another person fails. (The other person's eyes are
    narrower and their resting pose lower than the learner's: compared only on frames
    as open and as level as the learner's, they would never be looked at.)"""
    challenge = Challenge("fch-swap", tuple(Action(action) for action in actions))

    def judged(frames):
        decoded = [(at_ms, decode_jpeg(jpeg)) for at_ms, jpeg in frames]
        with FaceAnalyzer() as analyzer:
            return judge_burst(decoded, challenge, analyzer, embedder, LivenessPolicy(), 0.5)

    mine = faces.learner.burst(actions).frames
    theirs = faces.other.burst(actions).frames
    assert judged(mine).passed
    half = len(mine) // 2
    swapped = judged(mine[:half] + theirs[half:])
    assert not swapped.passed
    assert swapped.reason in ("identity_changed", "timeout")


def test_a_burst_with_nobody_in_it_is_a_missing_face_not_a_failed_liveness(embedder):
    session = LivenessSession(Challenge("fch-1", (Action.BLINK, Action.NOD)))
    for index in range(40):
        session.feed(Sample(index * 80, face_count=0, ear=None, yaw_deg=None, pitch_deg=None))
    empty = np.zeros((100, 100, 3), np.uint8)
    verdict = finish_burst(session, lambda index: empty, embedder, 0.5)
    assert not verdict.passed and verdict.reason == "no_face" and verdict.last_embedding() is None


def test_the_client_and_the_server_embed_the_same_bytes_identically(embedder):
    """The client judges each frame as decoded from the JPEG it sends; the server, in
    another process, decodes the same bytes: the same vectors, so the same decision."""
    photo = face_photo("obama2")
    box = embedder.embed(photo).box
    recorder = BurstRecorder()
    recorder.fix_region((box.left, box.top, box.right, box.bottom), *photo.shape[1::-1])
    seen_by_client = recorder.take(photo, 0)
    assert seen_by_client is not None
    (frame,) = recorder.frames
    server = FaceEmbedder()  # another instance, as in the server process
    on_server = server.embed(decode_jpeg(frame.jpeg))
    assert np.array_equal(on_server.vector, embedder.embed(seen_by_client).vector)
    # ...and the region keeps the face matchable: close to the full photo's embedding.
    full = embedder.embed(photo)
    assert float(np.linalg.norm(on_server.vector - full.vector)) < 0.15
    assert max(cv2.imdecode(np.frombuffer(frame.jpeg, np.uint8), 1).shape[:2]) <= 300
