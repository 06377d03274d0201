"""Face-check evidence for the server's tests: bursts of face-region frames of a real
photo animated to perform whatever challenge the server issued (the same animation the
demo's simulated camera plays), or held still, or of a picture with no face.

Rendering a challenge takes a few seconds, so each (sitter, actions) burst is rendered
once per test run and kept; every use sends it with fresh bytes in each frame (a JPEG
comment), as a live camera never repeats a frame to the byte."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from verification.burst import BURST_INTERVAL_MS, BurstRecorder, face_region
from verification.face_embedding import FaceEmbedder, FaceEmbeddingError
from verification.simulated_face import challenge_frame_stream, face_mesh_points

# Test challenges are short: a second of looking, then each action as the demo camera
# plays it (a shorter turn holds past the threshold for too few frames to count).
STILL_S = 1.0
ACTION_S = 1.6
FPS = 1000 / BURST_INTERVAL_MS
_EMBEDDER = FaceEmbedder()  # loads its models on first use


@dataclass(frozen=True)
class BurstFrames:
    frames: tuple[tuple[int, bytes], ...]  # (at_ms from 0, JPEG)

    @property
    def span_ms(self) -> int:
        return self.frames[-1][0] - self.frames[0][0]

    def fresh(self) -> list[tuple[int, bytes]]:
        return [(at_ms, fresh_capture(jpeg)) for at_ms, jpeg in self.frames]


@dataclass(eq=False)
class Sitter:
    """Who sits in front of the test camera: `animated` performs the actions asked,
    `still` holds the photo still whatever is asked (a printed photo)."""

    name: str
    photo_bgr: np.ndarray = field(repr=False)
    animated: bool = True
    _bursts: dict[tuple[str, ...], BurstFrames] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def burst(self, actions: Sequence[str]) -> BurstFrames:
        key = tuple(actions) if self.animated else ()
        with self._lock:
            if key not in self._bursts:
                self._bursts[key] = self._render(key)
            return self._bursts[key]

    def _render(self, actions: tuple[str, ...]) -> BurstFrames:
        if self.animated:
            images = list(
                challenge_frame_stream(
                    self.photo_bgr,
                    actions,
                    fps=FPS,
                    still_s=STILL_S,
                    action_s=ACTION_S,
                    seed=len(actions),
                    mesh=face_mesh_points(self.photo_bgr),
                )
            )
        else:
            images = [self.photo_bgr] * int(4 * FPS)
        recorder = BurstRecorder()
        height, width = images[0].shape[:2]
        try:
            box = _EMBEDDER.embed(images[0]).box
            recorder.region = face_region((box.left, box.top, box.right, box.bottom), width, height)
        except FaceEmbeddingError:  # no face: the frame as a whole, scaled down
            recorder.region = (0, 0, width, height)
        for index, image in enumerate(images):
            recorder.take(image, index * BURST_INTERVAL_MS)
        return BurstFrames(tuple((f.at_ms, f.jpeg) for f in recorder.frames))


def fresh_capture(jpeg: bytes) -> bytes:
    """The same picture in bytes never sent before (a JPEG comment of random bytes after
    the start marker), as every live capture is: the server refuses a repeat. A script
    can do the same, which is why the byte check stops only a replay as recorded."""
    comment = b"capture " + uuid.uuid4().hex.encode()
    return jpeg[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + jpeg[2:]
