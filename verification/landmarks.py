"""Face detection, landmarks, head pose and the capture quality gate (MediaPipe, no Qt).

One call per camera frame: `FaceAnalyzer.analyze(frame_bgr, at_ms)` gives a
`FaceMeasurement` with
- `face_count` and `box` from MediaPipe face detection (in tracking mode on every
  `detection_interval`-th frame only, the box following the mesh in between), full-range model
  (`model_selection=1`: faces up to about 5 m, so a second person further back is
  seen), with the short-range model as a fallback on frames where the full-range one
  finds nothing (it misses faces filling most of the frame),
- the 478 refined face-mesh landmarks (`refine_landmarks=True`: with irises),
- eye aspect ratios (blink), mouth aspect ratio (mouth open) and head pose
  (yaw, pitch, roll), which the liveness rules read,
- a `QualityReport`: whether the frame is good enough to verify a face in, and if not,
  why, as stable codes (`QualityIssue`) that the UI translates into guidance.

Both models ship inside the mediapipe 0.10.21 wheel; nothing is downloaded at run time.

Conventions (all for the frame as the camera delivers it, NOT mirrored; a preview may be
mirrored for display, but analysis must run on the unmirrored frame, or yaw and roll
change sign):
- `yaw_deg` > 0: the learner turns their head to THEIR left (the nose moves towards the
  right edge of the unmirrored image). A horizontally mirrored frame gives the opposite
  sign.
- `pitch_deg` > 0: chin down (nodding down, the nose points below the camera).
- `roll_deg` > 0: the head tilts towards the learner's left shoulder (clockwise in the
  unmirrored image).
Angles are those of the face's forward direction (and of its eye line for roll) relative
to the line of sight from the camera to the face (so a learner sitting off the image
centre who looks into the camera has yaw and pitch near 0), in degrees, from
`cv2.solvePnP` of six mesh points (nose tip, chin, outer eye corners, mouth corners)
against the same six points of MediaPipe's canonical 3-D face. The camera matrix is
guessed from the image size (focal length = image width, centre = image centre), so the
angles are good to several degrees: enough for "turn left" / "face the camera", not a
measurement instrument.

Thread safety: an analyzer owns two FaceDetection graphs (full and short range) and one
FaceMesh graph, which are not thread-safe and keep tracking state between frames. One
analyzer belongs to one worker thread (the frame pipeline's); give each thread its own.
The first thread that calls `analyze` owns it until `close()`; a call from another
thread raises RuntimeError instead of corrupting the graphs.

The defaults of `QualityPolicy` and the measurements on the real photos of
`tests/support/face_images.py` they were chosen from are documented at the class.
"""

from __future__ import annotations

import contextlib
import enum
import math
import threading
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from mediapipe.python.solutions import face_detection, face_mesh

LANDMARK_COUNT = 478

# The standard 6-point eye contours on the MediaPipe mesh, in EAR order
# p1 (outer corner), p2, p3 (upper lid), p4 (inner corner), p5, p6 (lower lid):
# EAR = (|p2 - p6| + |p3 - p5|) / (2 |p1 - p4|)  (Soukupova and Cech, 2016).
# "Right"/"left" are the learner's own eyes: the right eye is on the image's left.
RIGHT_EYE = (33, 160, 158, 133, 153, 144)
LEFT_EYE = (263, 387, 385, 362, 380, 373)
# Mouth: inner upper lip 13, inner lower lip 14, mouth corners 61 (learner's right)
# and 291 (learner's left).
MOUTH_INNER_TOP, MOUTH_INNER_BOTTOM = 13, 14
MOUTH_RIGHT, MOUTH_LEFT = 61, 291

# Head pose: six mesh points and their positions on MediaPipe's canonical face model
# (`mediapipe/modules/face_geometry/data/canonical_face_model.obj`, vertices 1, 152, 33,
# 263, 61, 291, in cm; that file is not in the wheel, the six vertices are copied here).
# Converted to camera-like axes: x towards the image's right, y down, z away from the
# camera (the .obj has y up and z towards the viewer), so a face looking straight into
# the camera has the identity rotation.
POSE_LANDMARKS = (1, 152, 33, 263, 61, 291)
POSE_MODEL = np.array(
    [
        (0.0, 1.126865, -7.475604),  # 1: nose tip
        (0.0, 9.403378, -4.264492),  # 152: chin
        (-4.445859, -2.663991, -3.173422),  # 33: learner's right eye, outer corner
        (4.445859, -2.663991, -3.173422),  # 263: learner's left eye, outer corner
        (-2.456206, 4.342621, -4.283884),  # 61: mouth corner, learner's right
        (2.456206, 4.342621, -4.283884),  # 291: mouth corner, learner's left
    ],
    dtype=np.float64,
)
_POSE_EYE_SPAN = 2 * 4.445859  # model distance between the two outer eye corners

# The face box is resized to this width before its sharpness is measured, so that the
# measure does not depend on the face size (80 px, the smallest face accepted, is not
# enlarged much).
SHARPNESS_WIDTH = 64


class QualityIssue(enum.StrEnum):
    """Why a frame is not good enough to verify a face in. Stable codes: the UI maps
    each to guidance text; the order in a report is this declaration order."""

    NO_FACE = "no_face"
    MULTIPLE_FACES = "multiple_faces"
    # A face was detected but the mesh found no landmarks on it (seen on small, dark or
    # strongly turned faces): EAR and pose cannot be measured.
    NO_LANDMARKS = "no_landmarks"
    FACE_TOO_SMALL = "face_too_small"
    FACE_TOO_LARGE = "face_too_large"
    FACE_CUT_OFF = "face_cut_off"
    TOO_DARK = "too_dark"
    TOO_BRIGHT = "too_bright"
    BLURRY = "blurry"
    NOT_FRONTAL = "not_frontal"


@dataclass(frozen=True)
class QualityReport:
    issues: tuple[QualityIssue, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.issues


@dataclass(frozen=True)
class QualityPolicy:
    """Thresholds of the quality gate, chosen from measurements on the real photos of
    `tests/support/face_images.py` (astronaut, grace_hopper, obama1-3, biden), brought to a
    webcam-like face width (80-200 px) and degraded in software. Figures are for the
    face box; "x1.8" multiplies every pixel by 1.8 (clipped), "sigma" is a Gaussian blur
    expressed for a 150 px face. tests/unit/test_landmarks.py re-checks the decisive cases.
    """

    # MediaPipe detection score (full-range model) a face must reach to count. Real faces
    # score 0.72-0.96, degraded ones 0.65 and more; the weaker face of two real people
    # side by side scored 0.65-0.94 (15 pairs, frames 300 and 480 px high). Boxes that
    # overlap (IoU over 0.3) are one face.
    min_detection_score: float = 0.5
    # Face box width in pixels (MediaPipe's box: 0.9-1.2x dlib's). A webcam at study
    # distance gives 120-170 px. The mesh still finds landmarks at 37-58 px (EAR within
    # 0.035 of its full-size value) and fails at about 30 px (messi: no landmarks), but at
    # an 80 px face an eye is about 16 px wide and 5 px open, so a blink is a change of
    # 3-4 px; below that the liveness rules would be judging noise. dlib's embedding
    # drifts from its own large-face value below 40 px (face_embedding.py).
    min_face_px: int = 80
    # Too close: the box wider than this fraction of the frame's width or height.
    max_face_fraction: float = 0.7
    # Cut off: the box reaches past a frame edge by more than this fraction of its size.
    max_outside_fraction: float = 0.05
    # Mean grey level (0-255) of the face box. Clean photos: 107-152. Darkened x0.35:
    # 38-53; gamma 2.2: 50-98. Brightened x1.5: 161-205, x1.8: 184-221. The face
    # threshold measurements found x0.35 harmless for matching and x1.8 the worst
    # condition of all, hence the asymmetric margins.
    min_face_brightness: float = 60.0
    max_face_brightness: float = 180.0
    # Share of face pixels at 250 or more (blown out): clean 0.00-0.01, x1.5: 0.08-0.47,
    # x1.8: 0.11-0.62.
    max_clipped_fraction: float = 0.2
    # face_sharpness(): clean 0.19-1.07 at every face size; sigma 1.5 (harmless for
    # matching): 0.076-0.32; sigma 2.5: 0.037-0.13; sigma 3 (breaks matching): 0.027-0.090.
    # 0.07 passes every photo at sigma 1.5 and flags sigma 3 on 5 of 6 photos; the sharp,
    # high-contrast obama1 still scores 0.084-0.090 at sigma 3. A single-frame focus
    # measure depends on the face's texture; it cannot be exact.
    min_sharpness: float = 0.07
    # Head pose limits, degrees. The six photos and their mirror images: |yaw| 0.6-3.1
    # for astronaut, grace_hopper, obama1; 7-11 for obama3 and biden; 11-12 for obama2,
    # visibly turned. Pitch -21 (obama3, chin up) to +12 (astronaut). 25 leaves room for
    # a webcam above or below the screen.
    max_abs_yaw_deg: float = 25.0
    max_abs_pitch_deg: float = 25.0


@dataclass(frozen=True)
class FaceMeasurement:
    at_ms: int
    face_count: int
    # Main face (the largest detection), in pixels: left, top, right, bottom. Not
    # clamped: a face partly outside the frame has coordinates outside it.
    box: tuple[int, int, int, int] | None
    detection_score: float | None
    ear: float | None
    ear_left: float | None
    ear_right: float | None
    mar: float | None
    yaw_deg: float | None
    pitch_deg: float | None
    roll_deg: float | None
    # 478 x 2 float32 pixel coordinates (x, y) of the refined mesh, read-only.
    landmarks: np.ndarray | None = field(repr=False)
    brightness: float | None
    sharpness: float | None
    quality: QualityReport


def eye_aspect_ratio(points: np.ndarray) -> float:
    """EAR of six eye points (p1..p6, see RIGHT_EYE)."""
    p1, p2, p3, p4, p5, p6 = points
    width = float(np.linalg.norm(p1 - p4))
    if width <= 0:
        return 0.0
    return float(np.linalg.norm(p2 - p6) + np.linalg.norm(p3 - p5)) / (2.0 * width)


def mouth_aspect_ratio(landmarks: np.ndarray) -> float:
    width = float(np.linalg.norm(landmarks[MOUTH_LEFT] - landmarks[MOUTH_RIGHT]))
    if width <= 0:
        return 0.0
    return float(np.linalg.norm(landmarks[MOUTH_INNER_TOP] - landmarks[MOUTH_INNER_BOTTOM])) / width


def head_pose(landmarks: np.ndarray, image_size: tuple[int, int]) -> tuple[float, float, float]:
    """(yaw, pitch, roll) in degrees, conventions in the module docstring.
    `image_size` is (width, height)."""
    width, height = image_size
    focal = float(width)
    camera = np.array(
        [[focal, 0.0, width / 2.0], [0.0, focal, height / 2.0], [0.0, 0.0, 1.0]],
        dtype=np.float64,
    )
    image_points = landmarks[list(POSE_LANDMARKS)].astype(np.float64)
    # Start from a frontal face at the distance its eye span implies: without a guess
    # the iterative solver may settle on the mirror solution (face seen from behind).
    span = float(np.linalg.norm(image_points[3] - image_points[2])) or 1.0
    depth = focal * _POSE_EYE_SPAN / span
    nose = image_points[0]
    tvec = np.array(
        [
            [(nose[0] - width / 2.0) * depth / focal],
            [(nose[1] - height / 2.0) * depth / focal],
            [depth],
        ],
        dtype=np.float64,
    )
    rvec = np.zeros((3, 1), dtype=np.float64)
    ok, rvec, tvec = cv2.solvePnP(  # type: ignore[call-overload]  # stubs refuse None distCoeffs
        POSE_MODEL,
        image_points,
        camera,
        None,
        rvec=rvec,
        tvec=tvec,
        useExtrinsicGuess=True,
        flags=cv2.SOLVEPNP_ITERATIVE,
    )
    if not ok:
        raise ValueError("head pose not solvable")
    rotation, _ = cv2.Rodrigues(rvec)
    # Angles relative to the line of sight, not the optical axis: a learner who sits off
    # the image centre and looks into the camera is frontal. The minimal rotation taking
    # the optical axis onto the camera-to-face direction is undone first.
    sight = tvec.ravel() / (float(np.linalg.norm(tvec)) or 1.0)
    if sight[2] < 0:  # behind the camera: a degenerate solution
        raise ValueError("head pose not solvable")
    rotation = _rotation_between(np.array([0.0, 0.0, 1.0]), sight).T @ rotation
    forward = rotation @ np.array([0.0, 0.0, -1.0])  # where the nose points
    across = rotation @ np.array([1.0, 0.0, 0.0])  # from the right eye to the left eye
    yaw = math.degrees(math.atan2(forward[0], -forward[2]))
    pitch = math.degrees(math.atan2(forward[1], math.hypot(forward[0], forward[2])))
    roll = math.degrees(math.atan2(across[1], across[0]))
    return yaw, pitch, roll


def _area(box: tuple[int, int, int, int]) -> int:
    return max(0, box[2] - box[0]) * max(0, box[3] - box[1])


def _iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    inter = _area((max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])))
    union = _area(a) + _area(b) - inter
    return inter / union if union else 0.0


def _rotation_between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The smallest rotation matrix taking unit vector a onto unit vector b."""
    axis = np.cross(a, b)
    sine, cosine = float(np.linalg.norm(axis)), float(np.dot(a, b))
    if sine < 1e-9:
        return np.eye(3)
    rotation, _ = cv2.Rodrigues(axis / sine * math.atan2(sine, cosine))
    return rotation


def face_sharpness(grey_face: np.ndarray) -> float:
    """Variance of the Laplacian of the face (resized to 128 px wide) over the face's
    grey-level variance: a scale- and contrast-independent focus measure."""
    height, width = grey_face.shape[:2]
    if width < 2 or height < 2:
        return 0.0
    size = (SHARPNESS_WIDTH, max(2, round(height * SHARPNESS_WIDTH / width)))
    interpolation = cv2.INTER_AREA if width > SHARPNESS_WIDTH else cv2.INTER_LINEAR
    face = cv2.resize(grey_face, size, interpolation=interpolation).astype(np.float32)
    variance = float(face.var())
    if variance < 1e-6:
        return 0.0
    return float(cv2.Laplacian(face, cv2.CV_32F).var()) / variance


class FaceAnalyzer:
    """Detection + refined mesh + measurements for one stream of frames.

    `static_image_mode=False` (a camera stream) lets the mesh track the face from frame
    to frame (faster, steadier); True treats every frame independently (photos, tests).
    The MediaPipe graphs are created on the first `analyze` and freed by `close()`.
    Not thread-safe: one analyzer belongs to one worker thread. The first thread to call
    `analyze` owns it until `close()`; a call from another thread raises RuntimeError.
    """

    def __init__(
        self,
        static_image_mode: bool = False,
        policy: QualityPolicy | None = None,
        detection_interval: int = 3,
    ) -> None:
        if detection_interval < 1:
            raise ValueError("detection_interval must be at least 1")
        self.static_image_mode = static_image_mode
        self.policy = policy or QualityPolicy()
        # In tracking mode the face detector (most of the per-frame cost) runs on every
        # `detection_interval`-th frame while the mesh keeps tracking exactly one face;
        # in between, the face's box follows the mesh. It runs at once whenever the mesh
        # loses the face, so only a face *joining* a tracked one waits, for at most
        # interval - 1 frames (133 ms at 15 fps with 3). Static mode detects every frame.
        self.detection_interval = 1 if static_image_mode else detection_interval
        self._tracked: _TrackedFace | None = None
        self._frames_since_detection = 0
        self._detection: Any = None
        self._close_detection: Any = None
        self._mesh: Any = None
        self._thread: int | None = None

    def _graphs(self) -> tuple[Any, Any]:
        if self._detection is None:
            confidence = min(0.3, self.policy.min_detection_score)
            self._detection = face_detection.FaceDetection(
                model_selection=1, min_detection_confidence=confidence
            )
            self._close_detection = face_detection.FaceDetection(
                model_selection=0, min_detection_confidence=confidence
            )
            self._mesh = face_mesh.FaceMesh(
                static_image_mode=self.static_image_mode,
                max_num_faces=1,
                refine_landmarks=True,
                min_detection_confidence=0.5,
                min_tracking_confidence=0.5,
            )
        return self._detection, self._mesh

    def close(self) -> None:
        for graph in (self._detection, self._close_detection, self._mesh):
            if graph is not None:
                graph.close()
        self._detection = self._close_detection = self._mesh = None
        self._tracked = None
        self._thread = None  # closed: another thread may take it over

    def __enter__(self) -> FaceAnalyzer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def analyze(self, image_bgr: np.ndarray, at_ms: int) -> FaceMeasurement:
        """Measure one BGR frame taken at `at_ms` (the caller's clock, passed through)."""
        if image_bgr.ndim != 3 or image_bgr.shape[2] != 3 or image_bgr.dtype != np.uint8:
            raise ValueError("expected a BGR uint8 image (height x width x 3)")
        thread = threading.get_ident()
        if self._thread is None:
            self._thread = thread
        elif thread != self._thread:
            raise RuntimeError("a FaceAnalyzer belongs to the thread that first used it")
        detection, mesh = self._graphs()
        height, width = image_bgr.shape[:2]
        rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
        rgb.flags.writeable = False
        landmarks = None
        result = mesh.process(rgb)
        if result.multi_face_landmarks:
            points = result.multi_face_landmarks[0].landmark
            landmarks = np.array([(p.x * width, p.y * height) for p in points], np.float32)
            landmarks.setflags(write=False)
        faces = self._carried_faces(landmarks)
        if faces is None:
            faces = self._detect(detection, rgb, width, height)
            box = faces[-1][1] if faces else None
            # The mesh picks its own face; with several faces it may not be the main one.
            if landmarks is not None and not _contains(box, landmarks[POSE_LANDMARKS[0]]):
                landmarks = None
            self._remember(faces, landmarks)
        score, box = faces[-1] if faces else (None, None)

        light = _FaceLight()
        if box is None:
            # Only to tell "no face" from "too dark/bright to see one": a coarse level.
            thumbnail = cv2.resize(image_bgr, (64, 48), interpolation=cv2.INTER_AREA)
            light = _FaceLight(frame_level=float(thumbnail.mean()))
        else:
            left, top = max(0, box[0]), max(0, box[1])
            right, bottom = min(width, box[2]), min(height, box[3])
            if right - left >= 2 and bottom - top >= 2:
                face = cv2.cvtColor(image_bgr[top:bottom, left:right], cv2.COLOR_BGR2GRAY)
                light = _FaceLight(
                    brightness=float(face.mean()),
                    clipped=float(np.count_nonzero(face >= 250)) / face.size,
                    sharpness=face_sharpness(face),
                )

        ear = ear_left = ear_right = mar = None
        pose: tuple[float, float, float] | tuple[None, None, None] = (None, None, None)
        if landmarks is not None:
            ear_right = eye_aspect_ratio(landmarks[list(RIGHT_EYE)])
            ear_left = eye_aspect_ratio(landmarks[list(LEFT_EYE)])
            ear = (ear_left + ear_right) / 2.0
            mar = mouth_aspect_ratio(landmarks)
            with contextlib.suppress(ValueError, cv2.error):
                pose = head_pose(landmarks, (width, height))

        issues = _assess(
            self.policy, (width, height), len(faces), box, landmarks is not None, light, pose
        )
        return FaceMeasurement(
            at_ms=at_ms,
            face_count=len(faces),
            box=box,
            detection_score=score,
            ear=ear,
            ear_left=ear_left,
            ear_right=ear_right,
            mar=mar,
            yaw_deg=pose[0],
            pitch_deg=pose[1],
            roll_deg=pose[2],
            landmarks=landmarks,
            brightness=light.brightness,
            sharpness=light.sharpness,
            quality=QualityReport(issues),
        )

    def _detect(
        self, detection: Any, rgb: np.ndarray, width: int, height: int
    ) -> list[tuple[float, tuple[int, int, int, int]]]:
        faces = self._faces(detection.process(rgb).detections or (), width, height)
        if not faces:
            # The full-range model misses faces that fill most of the frame (grace_hopper
            # at 80 % of the frame width); the short-range model finds them (0.87-0.93).
            # It only runs when the first found nothing.
            close = self._close_detection.process(rgb).detections or ()
            faces = self._faces(close, width, height)
        return faces

    def _remember(
        self, faces: list[tuple[float, tuple[int, int, int, int]]], landmarks: np.ndarray | None
    ) -> None:
        """After a detection: keep what the next frames need to skip it, which is only
        safe while exactly one face is seen and the mesh sits on it."""
        self._frames_since_detection = 0
        if self.detection_interval == 1 or len(faces) != 1 or landmarks is None:
            self._tracked = None
            return
        score, box = faces[0]
        self._tracked = _TrackedFace(score, _box_offsets(box, _extent(landmarks)))

    def _carried_faces(
        self, landmarks: np.ndarray | None
    ) -> list[tuple[float, tuple[int, int, int, int]]] | None:
        """The one tracked face with its box moved along with the mesh, or None when
        this frame must run the detector."""
        tracked = self._tracked
        if (
            tracked is None
            or landmarks is None
            or self._frames_since_detection + 1 >= self.detection_interval
        ):
            return None
        self._frames_since_detection += 1
        return [(tracked.score, _apply_offsets(_extent(landmarks), tracked.box_offsets))]

    def _faces(
        self, detections: Any, width: int, height: int
    ) -> list[tuple[float, tuple[int, int, int, int]]]:
        """Detections above the policy's score, overlapping boxes merged, smallest first."""
        faces: list[tuple[float, tuple[int, int, int, int]]] = []
        for found in detections:
            score = float(found.score[0])
            if score < self.policy.min_detection_score:
                continue
            rel = found.location_data.relative_bounding_box
            left, top = round(rel.xmin * width), round(rel.ymin * height)
            box = (left, top, left + round(rel.width * width), top + round(rel.height * height))
            if all(_iou(box, other) <= 0.3 for _, other in faces):
                faces.append((score, box))
        faces.sort(key=lambda face: _area(face[1]))
        return faces


@dataclass(frozen=True)
class _TrackedFace:
    score: float
    # The detector's box relative to the mesh's extent at the last detection, in units
    # of the extent's width and height (left, top, right, bottom): the two models frame
    # a face differently, and the quality gate's sizes were set on the detector's box.
    box_offsets: tuple[float, float, float, float]


def _extent(landmarks: np.ndarray) -> tuple[float, float, float, float]:
    (left, top), (right, bottom) = landmarks.min(axis=0), landmarks.max(axis=0)
    return float(left), float(top), float(right), float(bottom)


def _box_offsets(
    box: tuple[int, int, int, int], extent: tuple[float, float, float, float]
) -> tuple[float, float, float, float]:
    width, height = max(extent[2] - extent[0], 1.0), max(extent[3] - extent[1], 1.0)
    return (
        (box[0] - extent[0]) / width,
        (box[1] - extent[1]) / height,
        (box[2] - extent[2]) / width,
        (box[3] - extent[3]) / height,
    )


def _apply_offsets(
    extent: tuple[float, float, float, float], offsets: tuple[float, float, float, float]
) -> tuple[int, int, int, int]:
    width, height = extent[2] - extent[0], extent[3] - extent[1]
    return (
        round(extent[0] + offsets[0] * width),
        round(extent[1] + offsets[1] * height),
        round(extent[2] + offsets[2] * width),
        round(extent[3] + offsets[3] * height),
    )


def _contains(box: tuple[int, int, int, int] | None, point: np.ndarray) -> bool:
    return box is not None and box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


@dataclass(frozen=True)
class _FaceLight:
    frame_level: float | None = None
    brightness: float | None = None
    clipped: float = 0.0
    sharpness: float | None = None


def _assess(
    policy: QualityPolicy,
    frame_size: tuple[int, int],
    face_count: int,
    box: tuple[int, int, int, int] | None,
    has_landmarks: bool,
    light: _FaceLight,
    pose: tuple[float, float, float] | tuple[None, None, None],
) -> tuple[QualityIssue, ...]:
    issues: set[QualityIssue] = set()
    if box is None:
        issues.add(QualityIssue.NO_FACE)
        # With no face, say at least whether the picture is too dark or too bright to
        # find one in (a covered camera, a lamp behind the learner).
        level = light.frame_level
        if level is not None and level < policy.min_face_brightness:
            issues.add(QualityIssue.TOO_DARK)
        elif level is not None and level > policy.max_face_brightness:
            issues.add(QualityIssue.TOO_BRIGHT)
        return _ordered(issues)
    if face_count > 1:
        issues.add(QualityIssue.MULTIPLE_FACES)
    if not has_landmarks:
        issues.add(QualityIssue.NO_LANDMARKS)
    issues.update(_framing(policy, frame_size, box))
    if light.brightness is not None:
        if light.brightness < policy.min_face_brightness:
            issues.add(QualityIssue.TOO_DARK)
        if (
            light.brightness > policy.max_face_brightness
            or light.clipped > policy.max_clipped_fraction
        ):
            issues.add(QualityIssue.TOO_BRIGHT)
    if light.sharpness is not None and light.sharpness < policy.min_sharpness:
        issues.add(QualityIssue.BLURRY)
    yaw, pitch, _ = pose
    if (yaw is not None and abs(yaw) > policy.max_abs_yaw_deg) or (
        pitch is not None and abs(pitch) > policy.max_abs_pitch_deg
    ):
        issues.add(QualityIssue.NOT_FRONTAL)
    return _ordered(issues)


def _framing(
    policy: QualityPolicy, frame_size: tuple[int, int], box: tuple[int, int, int, int]
) -> set[QualityIssue]:
    width, height = frame_size
    issues: set[QualityIssue] = set()
    box_width, box_height = box[2] - box[0], box[3] - box[1]
    if box_width < policy.min_face_px:
        issues.add(QualityIssue.FACE_TOO_SMALL)
    limit = policy.max_face_fraction
    if box_width > limit * width or box_height > limit * height:
        issues.add(QualityIssue.FACE_TOO_LARGE)
    outside_x = max(0, -box[0], box[2] - width) / max(1, box_width)
    outside_y = max(0, -box[1], box[3] - height) / max(1, box_height)
    if max(outside_x, outside_y) > policy.max_outside_fraction:
        issues.add(QualityIssue.FACE_CUT_OFF)
    return issues


def _ordered(issues: set[QualityIssue]) -> tuple[QualityIssue, ...]:
    return tuple(issue for issue in QualityIssue if issue in issues)
