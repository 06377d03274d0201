"""A simulated camera for tests and the demo: a real photo animated along its own
MediaPipe face mesh (head turned or nodded by rotating the mesh in 3-D, eyes closed by
moving the upper lids onto the lower ones and painting the closed eye), rendered with a
piecewise-affine warp.

**This is also an attack.** A photo animated this way performs every action a
landmark-based liveness challenge asks for (verification/README.md says what does and
does not stop it). It exists so the real models can be exercised end to end where no
camera and no recording of a real person exist; the file frame source that plays it is
refused outside demo and test builds."""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections.abc import Iterator, Sequence

import cv2
import numpy as np
from mediapipe.python.solutions import face_mesh

from verification.frames import (
    Frame,
    FrameFileError,
    FrameSourceBase,
    SimulatedCameraRefusedError,
)

# Upper and lower eyelid points of the refined mesh, paired top to bottom.
_LIDS = (
    ((159, 145), (158, 153), (160, 144), (157, 154), (161, 163), (246, 7), (56, 26)),
    ((386, 374), (385, 380), (387, 373), (384, 381), (388, 390), (466, 249), (286, 256)),
)


def face_mesh_points(image_bgr: np.ndarray) -> np.ndarray:
    """The 478 refined mesh points of the photo's face, as (x, y, z) pixels (z scaled
    like x, as MediaPipe defines it)."""
    height, width = image_bgr.shape[:2]
    with face_mesh.FaceMesh(static_image_mode=True, refine_landmarks=True, max_num_faces=1) as mesh:
        found = mesh.process(cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB))
    if not found.multi_face_landmarks:
        raise ValueError("no face in the photo to animate")
    points = found.multi_face_landmarks[0].landmark
    return np.array([(p.x * width, p.y * height, p.z * width) for p in points], np.float64)


def posed(points: np.ndarray, yaw_deg: float = 0.0, pitch_deg: float = 0.0) -> np.ndarray:
    """The mesh turned about its own centre, projected back (orthographic). Positive yaw
    turns the face to the learner's left as seen by the camera."""
    centre = points.mean(axis=0)
    yaw, pitch = math.radians(-yaw_deg), math.radians(pitch_deg)
    rotate_y = np.array(
        [[math.cos(yaw), 0, math.sin(yaw)], [0, 1, 0], [-math.sin(yaw), 0, math.cos(yaw)]]
    )
    rotate_x = np.array(
        [[1, 0, 0], [0, math.cos(pitch), -math.sin(pitch)], [0, math.sin(pitch), math.cos(pitch)]]
    )
    turned = (points - centre) @ (rotate_x @ rotate_y).T + centre
    return turned[:, :2]


def eyes_closed(points2d: np.ndarray, amount: float) -> np.ndarray:
    moved = points2d.copy()
    for eye in _LIDS:
        for upper, lower in eye:
            moved[upper] = points2d[upper] + amount * (points2d[lower] - points2d[upper]) * 0.9
    return moved


def warp_face(image: np.ndarray, source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Move the photo's mesh points from `source` to `target` with one affine map per
    Delaunay triangle; the frame's corners and edges stay put."""
    height, width = image.shape[:2]
    border = np.array(
        [
            [0, 0],
            [width - 1, 0],
            [0, height - 1],
            [width - 1, height - 1],
            [width // 2, 0],
            [width // 2, height - 1],
            [0, height // 2],
            [width - 1, height // 2],
        ],
        np.float64,
    )
    src = np.vstack([source, border])
    dst = np.vstack([target, border])
    src = np.clip(src, 0, [width - 1, height - 1]).astype(np.float32)
    subdiv = cv2.Subdiv2D((0, 0, width, height))
    # Subdiv2D hands its triangles back as float32 corners: find each point by those.
    index_of: dict[tuple[float, float], int] = {}
    for index, (x, y) in enumerate(src):
        index_of.setdefault((float(x), float(y)), index)
        subdiv.insert((float(x), float(y)))
    output = image.copy()
    for triangle in subdiv.getTriangleList():
        corners = [(float(triangle[i]), float(triangle[i + 1])) for i in (0, 2, 4)]
        if any(c not in index_of for c in corners):
            continue
        ids = [index_of[c] for c in corners]
        _warp_triangle(image, output, src[ids].astype(np.float32), dst[ids].astype(np.float32))
    return output


def _warp_triangle(image: np.ndarray, output: np.ndarray, src: np.ndarray, dst: np.ndarray) -> None:
    x, y, w, h = cv2.boundingRect(dst)
    sx, sy, sw, sh = cv2.boundingRect(src)
    if w <= 0 or h <= 0 or sw <= 0 or sh <= 0:
        return
    patch = image[sy : sy + sh, sx : sx + sw]
    matrix = cv2.getAffineTransform(
        (src - (sx, sy)).astype(np.float32), (dst - (x, y)).astype(np.float32)
    )
    warped = cv2.warpAffine(patch, matrix, (w, h), borderMode=cv2.BORDER_REFLECT_101)
    mask = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(mask, np.round(dst - (x, y)).astype(np.int32), (255,))
    region = output[y : y + h, x : x + w]
    if region.shape[:2] != (h, w):
        return
    region[mask > 0] = warped[mask > 0]


# Eye outlines of the mesh, for painting closed eyes after the warp (moving the thin
# eyelid triangles alone barely changes the picture).
_EYE_OUTLINES = (
    (33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7),
    (263, 466, 388, 387, 386, 385, 384, 398, 362, 382, 381, 380, 374, 373, 390, 249),
)
_INNER_LIPS = (
    78,
    191,
    80,
    81,
    82,
    13,
    312,
    311,
    310,
    415,
    308,
    324,
    318,
    402,
    317,
    14,
    87,
    178,
    88,
    95,
)


def paint_closed_eyes(frame: np.ndarray, points2d: np.ndarray) -> np.ndarray:
    eyes = np.zeros(frame.shape[:2], np.uint8)
    for outline in _EYE_OUTLINES:
        polygon = np.round(points2d[list(outline)]).astype(np.int32)
        cv2.fillPoly(eyes, [polygon], (255,))
    mask = cv2.dilate(eyes, np.ones((5, 5), np.uint8))
    closed = cv2.inpaint(frame, mask, 5, cv2.INPAINT_TELEA)
    for outline in _EYE_OUTLINES:  # the lash line of a closed eye
        lower = np.round(points2d[[*outline[8:], outline[0]]]).astype(np.int32)
        cv2.polylines(closed, [lower], False, (40, 30, 30), 2, cv2.LINE_AA)
    return closed


# The actions this simulation performs. An open mouth is not among them: lowering the
# lower lip in the warp and painting the gap did not read as an open mouth to MediaPipe.
SUPPORTED_ACTIONS = ("blink", "turn_left", "turn_right", "nod")


# How each action moves the face over its span (0..1): yaw, pitch, eyes closed.
def _pose_at(action: str, t: float) -> tuple[float, float, float]:
    bump = math.sin(math.pi * t)  # out and back
    return {
        "blink": (0.0, 0.0, 1.0 if 0.35 < t < 0.65 else 0.0),
        "turn_left": (40.0 * bump, 0.0, 0.0),
        "turn_right": (-40.0 * bump, 0.0, 0.0),
        "nod": (0.0, 30.0 * bump, 0.0),
    }[action]


def challenge_frames(
    photo_bgr: np.ndarray,
    actions: Sequence[str],
    fps: float = 15.0,
    still_s: float = 1.2,
    action_s: float = 1.6,
    seed: int = 0,
) -> list[np.ndarray]:
    """Frames of the photo performing `actions` in order, after `still_s` of looking at
    the camera (with the small sway of a live head, so it is not a still picture)."""
    return list(challenge_frame_stream(photo_bgr, actions, fps, still_s, action_s, seed))


def challenge_frame_stream(
    photo_bgr: np.ndarray,
    actions: Sequence[str],
    fps: float = 15.0,
    still_s: float = 1.2,
    action_s: float = 1.6,
    seed: int = 0,
    mesh: np.ndarray | None = None,
) -> Iterator[np.ndarray]:
    """`challenge_frames` one frame at a time, each warped when asked for (a camera
    delivers its first frame at once, not after the whole challenge is rendered)."""
    unsupported = [a for a in actions if a not in SUPPORTED_ACTIONS]
    if unsupported:
        raise ValueError(f"the simulated face cannot perform {', '.join(unsupported)}")
    rng = np.random.default_rng(seed)
    mesh = face_mesh_points(photo_bgr) if mesh is None else mesh
    neutral = mesh[:, :2]
    plan: list[tuple[str | None, float]] = []
    plan += [(None, i / (still_s * fps)) for i in range(int(still_s * fps))]
    for action in actions:
        steps = int(action_s * fps)
        plan += [(action, i / (steps - 1)) for i in range(steps)]
        plan += [(None, 0.0)] * int(0.4 * fps)
    return (_render(photo_bgr, mesh, neutral, action, t, rng) for action, t in plan)


def _render(
    photo_bgr: np.ndarray,
    mesh: np.ndarray,
    neutral: np.ndarray,
    action: str | None,
    t: float,
    rng: np.random.Generator,
) -> np.ndarray:
    yaw, pitch, eyes = _pose_at(action, t) if action else (0.0, 0.0, 0.0)
    yaw += rng.normal(0, 1.0)
    pitch += rng.normal(0, 0.8)
    target = posed(mesh, yaw, pitch)
    if eyes:
        target = eyes_closed(target, eyes)
    frame = warp_face(photo_bgr, neutral, target)
    if eyes:
        frame = paint_closed_eyes(frame, posed(mesh, yaw, pitch))
    return frame


class SimulatedCamera(FrameSourceBase):
    """The demo's camera where none exists: the photo, animated to perform whatever
    challenge the check asks for (`perform_challenge`, called by the check runner), in
    real time at `fps`. Refused outside demo and test builds like every simulated source
    (`make_simulated_camera`)."""

    is_simulated = True

    def __init__(self, photo_bgr: np.ndarray, fps: float = 15.0, realtime: bool = True) -> None:
        self.description = "simulated camera (animated photo)"
        self._photo = photo_bgr
        self._fps = fps
        self._realtime = realtime
        self._mesh: np.ndarray | None = None
        self._frames: Iterator[np.ndarray] = iter(())
        self._last: np.ndarray | None = None
        self._delivered = 0
        self._started: float | None = None
        self._closing = threading.Event()

    def open(self) -> None:
        self._closing.clear()
        if self._mesh is None:
            self._mesh = face_mesh_points(self._photo)
        self._frames = challenge_frame_stream(self._photo, [], self._fps, mesh=self._mesh)
        self._started = time.monotonic()

    def perform_challenge(self, actions: Sequence[str]) -> None:
        # A camera's noise never repeats: neither do the sitter's small movements here,
        # so no two checks send the same evidence (the server refuses a repeat).
        self._frames = challenge_frame_stream(
            self._photo, actions, self._fps, seed=secrets.randbits(32), mesh=self._mesh
        )

    def read(self) -> Frame:
        if self._started is None or self._mesh is None:
            raise FrameFileError(f"{self.description} is not open")
        # Past the end the sitter holds the last pose, like a person waiting.
        image = next(self._frames, None)
        if image is not None:
            self._last = image
        image = self._last if image is None else image
        assert image is not None
        at_ms = round(self._delivered * 1000.0 / self._fps)
        if self._realtime:
            wait = self._started + at_ms / 1000.0 - time.monotonic()
            if wait > 0:
                self._closing.wait(wait)
        frame = Frame(image.copy(), at_ms, self._delivered)
        self._delivered += 1
        return frame

    def close(self) -> None:
        self._closing.set()
        self._started = None


def make_simulated_camera(
    photo_bgr: np.ndarray, allow_simulated_camera: bool, realtime: bool = True
) -> SimulatedCamera:
    if not allow_simulated_camera:
        raise SimulatedCameraRefusedError(
            "this build does not accept a simulated camera (animated photo)"
        )
    return SimulatedCamera(photo_bgr, realtime=realtime)
