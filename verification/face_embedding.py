"""Face embedding and matching, shared by the client and the platform server.

The client matches faces on the device and sends a small JPEG crop of each check; the
server re-matches that crop against the learner's enrolled template with this same
module, so both sides compute the same numbers (DESIGN.md, "Face checks leave evidence
the server can re-check"). Hence no Qt here: the server imports it.

The model is dlib's ResNet face embedding (128 floats per face, Euclidean distance
between two faces; `dlib_face_recognition_resnet_model_v1`), with dlib's frontal HOG
face detector and its 5-point landmark predictor for alignment. All three model files
ship in the `face-recognition-models` wheel: nothing is downloaded at run time.

Why the default threshold is what it is, with the measurements, is in
`verification/README.md` (`bench/face_threshold.py` measures it again).
"""

from __future__ import annotations

import importlib.util
import math
import struct
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol

import cv2
import dlib
import numpy as np
from numpy.typing import NDArray

MODEL_NAME = "dlib_face_recognition_resnet_model_v1"
EMBEDDING_SIZE = 128

# Euclidean distance at or below which a probe is accepted as the template's person.
# dlib's own figure is 0.6 (99.38 % pair accuracy on LFW); 0.5 is stricter on purpose.
# Measured here (verification/README.md): every genuine pair under ordinary capture
# conditions is below 0.50 (5 of 269 under severe blur or overexposure are not: they
# retry), the nearest impostor is at 0.60; and dlib separates East-Asian faces less well
# than LFW suggests, which moves impostors closer. A false accept lets someone else
# study in the learner's place; a false reject costs a retry. Institutions calibrate.
DEFAULT_MATCH_THRESHOLD = 0.5

# A face narrower than this (pixels, in the image given) is refused as face_too_small:
# below it the same face drifts fast from its own large embedding (0.16-0.27 at 40 px,
# up to 0.43 at 24 px; README, face-size table), so a genuine learner would fail with a
# misleading "not matched" instead of "come closer". A webcam at study distance gives
# 120 px or more.
DEFAULT_MIN_FACE_PX = 40
# Below 20 px the search image would be 4x the frame; above 400 px no webcam frame fits.
MIN_FACE_PX_RANGE = (20, 400)

# The HOG detector's score (SVM margin) a detection must reach to count as a face.
# 0 is dlib's own cut-off for the best face; a *second* face must reach more, because
# upsampled searches produce weak false detections on clothing and backgrounds (0.12 on
# the astronaut photo's suit) while real faces score above 1 in every image tried.
PRIMARY_FACE_MIN_SCORE = 0.0
SECOND_FACE_MIN_SCORE = 0.5

# dlib's HOG detector slides an 80 x 80 window, so it finds faces of 80 px and more.
# To find every face of at least min_face_px in one pass, the image is searched scaled
# by 80 / min_face_px (2x for the default 40 px), but never larger than this (longer
# side): the pass costs about 85 ms per megapixel searched (0.1 s for a 640 x 480 frame,
# 0.3 s for 1280 x 720), and only a larger image is capped: a 1080p frame is searched
# for faces from 60 px, an ID photo for faces far above the minimum, which they have.
# Landmarks and the embedding always use the image as given.
HOG_WINDOW_PX = 80
SEARCH_MAX_SIDE = 2560

# The face chip dlib's network sees: 150 x 150 with 25 % padding (the model's training
# setting; other values move every distance).
CHIP_PADDING = 0.25

# The evidence crop: square, the face box plus this margin on each side (as a fraction
# of the box side), scaled to fit FACE_CROP_SIZE. With the defaults the face is at most
# 150 px wide in the crop, the size of the chip the network sees, so downscaling loses
# nothing the model uses; it is found without upsampling, and the JPEG is 20-30 kB.
# Smaller crops measurably move the embedding (bench/face_threshold.py, crop table).
FACE_CROP_SIZE = 300
FACE_CROP_MARGIN = 0.5
FACE_CROP_JPEG_QUALITY = 90

# Limits on what embed_jpeg accepts: it reads bytes from the network.
MAX_JPEG_BYTES = 8 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000


class FaceEmbeddingError(Exception):
    """A face could not be embedded. `code` is a stable reason string for the server's
    answers and the client's messages; the text is for logs."""

    code: ClassVar[str] = "face_embedding_error"


class NoFaceFoundError(FaceEmbeddingError):
    code = "no_face"


class MultipleFacesError(FaceEmbeddingError):
    code = "multiple_faces"

    def __init__(self, message: str, face_count: int) -> None:
        super().__init__(message)
        self.face_count = face_count


class FaceTooSmallError(FaceEmbeddingError):
    code = "face_too_small"


class UnreadableImageError(FaceEmbeddingError):
    code = "unreadable_image"


class MalformedTemplateError(FaceEmbeddingError, ValueError):
    code = "malformed_template"


@dataclass(frozen=True)
class FaceBox:
    """A face rectangle in image pixels, as the detector gave it: it may reach past the
    image's edges for a face cut by the frame."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def center(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2


@dataclass(frozen=True)
class FaceEmbedding:
    """One face: its 128-d vector (float64, read-only), where it was, and how sure the
    detector was (HOG SVM margin; higher is surer)."""

    vector: np.ndarray = field(repr=False)
    box: FaceBox
    detection_score: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "vector", _checked_vector(self.vector, "embedding"))


@dataclass(frozen=True)
class FaceTemplate:
    """An enrolled face: the mean of `count` embeddings of the same person. Averaging
    several captures (slightly different pose and light) gives a steadier reference than
    any single frame."""

    vector: np.ndarray = field(repr=False)
    count: int

    # Serialized form: magic, format version, model id, vector size, count, then the
    # vector as little-endian float32 (float32 keeps ~7 digits; distances move by less
    # than 1e-6). The model id refuses templates made by another model: their distances
    # would be meaningless.
    MAGIC: ClassVar[bytes] = b"FTPL"
    VERSION: ClassVar[int] = 1
    MODEL_ID: ClassVar[int] = 1  # MODEL_NAME
    _HEADER: ClassVar[struct.Struct] = struct.Struct("<4sBBHI")

    def __post_init__(self) -> None:
        object.__setattr__(self, "vector", _checked_vector(self.vector, "template"))
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 1:
            raise ValueError("a template is made of at least one embedding")

    def to_bytes(self) -> bytes:
        header = self._HEADER.pack(
            self.MAGIC, self.VERSION, self.MODEL_ID, EMBEDDING_SIZE, self.count
        )
        return header + self.vector.astype("<f4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> FaceTemplate:
        if not isinstance(data, bytes | bytearray | memoryview):
            raise MalformedTemplateError("a face template is bytes")
        data = bytes(data)
        expected = cls._HEADER.size + EMBEDDING_SIZE * 4
        if len(data) != expected:
            raise MalformedTemplateError(
                f"a face template is {expected} bytes, this one is {len(data)}"
            )
        magic, version, model_id, size, count = cls._HEADER.unpack_from(data)
        if magic != cls.MAGIC:
            raise MalformedTemplateError("not a face template (bad magic)")
        if version != cls.VERSION:
            raise MalformedTemplateError(f"unsupported face template version {version}")
        if model_id != cls.MODEL_ID:
            raise MalformedTemplateError(f"face template of another model (id {model_id})")
        if size != EMBEDDING_SIZE:
            raise MalformedTemplateError(f"face template of {size} values, not {EMBEDDING_SIZE}")
        if count < 1:
            raise MalformedTemplateError("face template made of no embedding")
        vector = np.frombuffer(data, dtype="<f4", offset=cls._HEADER.size).astype(np.float64)
        if not np.all(np.isfinite(vector)):
            raise MalformedTemplateError("face template holds non-finite values")
        return cls(vector, count)


def template_from_embeddings(
    embeddings: Sequence[FaceEmbedding | FaceTemplate],
) -> FaceTemplate:
    """The enrolled template: the mean of the embeddings, each counted once. Templates
    may be given too (to add captures to an enrollment): they weigh by their count."""
    if not embeddings:
        raise ValueError("a template needs at least one embedding")
    total = np.zeros(EMBEDDING_SIZE)
    count = 0
    for item in embeddings:
        weight = item.count if isinstance(item, FaceTemplate) else 1
        total += item.vector * weight
        count += weight
    return FaceTemplate(total / count, count)


@dataclass(frozen=True)
class MatchPolicy:
    """How strict a face match is: a policy value the server sends (and institutions
    may calibrate), not a constant of the code."""

    threshold: float = DEFAULT_MATCH_THRESHOLD

    def __post_init__(self) -> None:
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, int | float):
            raise ValueError("the match threshold is a number")
        # Distances between dlib embeddings fall within (0, ~1.3); outside (0, 1.5) a
        # threshold would accept nobody or everybody.
        if not 0.0 < float(self.threshold) < 1.5:
            raise ValueError("the match threshold must be between 0 and 1.5")


@dataclass(frozen=True)
class MatchResult:
    distance: float
    matched: bool


def face_distance(template: FaceTemplate, embedding: FaceEmbedding) -> float:
    return float(np.linalg.norm(template.vector - embedding.vector))


def match(
    template: FaceTemplate, embedding: FaceEmbedding, policy: MatchPolicy | None = None
) -> MatchResult:
    """Is this face the template's person? At or below the threshold is a match (dlib's
    convention)."""
    policy = policy or MatchPolicy()
    distance = face_distance(template, embedding)
    return MatchResult(distance=distance, matched=distance <= policy.threshold)


def face_crop_jpeg(
    image_bgr: np.ndarray,
    box: FaceBox,
    size: int = FACE_CROP_SIZE,
    margin: float = FACE_CROP_MARGIN,
    quality: int = FACE_CROP_JPEG_QUALITY,
) -> bytes:
    """The evidence a face check sends: a small JPEG around the face, clamped to the
    image, scaled so its longer side is at most `size` (never enlarged: that would only
    invent pixels). It must embed to nearly the same vector as the full frame, which is
    why the margin keeps the chin, forehead and some background: dlib's detector and
    chip both look past the face box."""
    image = _as_bgr(image_bgr)
    if size < 64:
        raise ValueError("a face crop smaller than 64 px cannot be re-matched")
    if not 0 <= margin <= 2:
        raise ValueError("the crop margin is a fraction of the face box, 0 to 2")
    height, width = image.shape[:2]
    side = max(box.width, box.height) * (1 + 2 * margin)
    center_x, center_y = box.center
    left = max(0, math.floor(center_x - side / 2))
    top = max(0, math.floor(center_y - side / 2))
    right = min(width, math.ceil(center_x + side / 2))
    bottom = min(height, math.ceil(center_y + side / 2))
    if right - left < 2 or bottom - top < 2:
        raise ValueError("the face box lies outside the image")
    crop = image[top:bottom, left:right]
    scale = size / max(crop.shape[:2])
    if scale < 1:
        new_size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
        crop = cv2.resize(crop, new_size, interpolation=cv2.INTER_AREA)
    ok, encoded = cv2.imencode(".jpg", crop, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:  # pragma: no cover - OpenCV's JPEG encoder does not fail on uint8 BGR
        raise RuntimeError("JPEG encoding failed")
    return encoded.tobytes()


# dlib ships no type information: the parts of its API used here, as this module calls them.
class _DlibRect(Protocol):
    def left(self) -> int: ...
    def top(self) -> int: ...
    def right(self) -> int: ...
    def bottom(self) -> int: ...


class _FaceDetector(Protocol):
    """`dlib.fhog_object_detector`: rectangles, scores and sub-detector indexes."""

    def run(
        self, image: NDArray[np.uint8], upsample_num_times: int, adjust_threshold: float
    ) -> tuple[Sequence[_DlibRect], Sequence[float], Sequence[int]]: ...


class _ShapePredictor(Protocol):
    """`dlib.shape_predictor`: the landmarks of the face in `box`, only passed on to the
    recognizer."""

    def __call__(self, image: NDArray[np.uint8], box: _DlibRect) -> object: ...


class _FaceRecognizer(Protocol):
    """`dlib.face_recognition_model_v1`: the descriptor is a `dlib.vector` of floats."""

    def compute_face_descriptor(
        self, image: NDArray[np.uint8], face: object, num_jitters: int, padding: float
    ) -> Sequence[float]: ...


@dataclass(frozen=True)
class _Models:
    detector: _FaceDetector
    landmarks: _ShapePredictor
    recognizer: _FaceRecognizer


def model_directory() -> Path:
    """Where the `face-recognition-models` wheel put its model files.

    Found through the import system without importing the package: its `__init__` uses
    `pkg_resources`, which newer setuptools no longer ship and which warns on import."""
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the face-recognition-models package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "models"


class FaceEmbedder:
    """Finds the one face in an image and embeds it.

    The models load on first use (about 0.5-2.5 s) and once per instance; share one
    instance. dlib's network keeps per-call state inside, so calls are serialised by a
    lock: an instance is safe to use from several threads but computes one face at a
    time (about 0.1 s for an evidence crop, 0.2-0.3 s for a 640 x 480 frame); a server
    that needs more runs more processes.

    The embedding is deterministic (no jitter): the same image gives the same vector,
    so the server can recompute a decision from a crop it kept."""

    def __init__(
        self,
        model_dir: Path | None = None,
        min_face_px: int = DEFAULT_MIN_FACE_PX,
    ) -> None:
        if not MIN_FACE_PX_RANGE[0] <= min_face_px <= MIN_FACE_PX_RANGE[1]:
            raise ValueError(f"min_face_px must be within {MIN_FACE_PX_RANGE}")
        self._model_dir = model_dir
        self.min_face_px = min_face_px
        self._models: _Models | None = None
        self._load_lock = threading.Lock()
        self._run_lock = threading.Lock()

    def load(self) -> None:
        """Load the models now (a server may warm up before its first request)."""
        self._loaded()

    def _loaded(self) -> _Models:
        models = self._models
        if models is not None:
            return models
        with self._load_lock:
            if self._models is None:
                directory = self._model_dir or model_directory()
                paths = {
                    "landmarks": directory / "shape_predictor_5_face_landmarks.dat",
                    "recognizer": directory / "dlib_face_recognition_resnet_model_v1.dat",
                }
                for path in paths.values():
                    if not path.is_file():
                        raise RuntimeError(f"face model file missing: {path}")
                self._models = _Models(
                    detector=dlib.get_frontal_face_detector(),
                    landmarks=dlib.shape_predictor(str(paths["landmarks"])),
                    recognizer=dlib.face_recognition_model_v1(str(paths["recognizer"])),
                )
            return self._models

    def embed_jpeg(self, data: bytes) -> FaceEmbedding:
        """Embed the one face of a JPEG (a client's crop, an ID photo). Bytes that are not
        a whole JPEG (empty, truncated, garbage, another format) raise
        UnreadableImageError before any decoding is attempted."""
        image = decode_jpeg(data)
        return self.embed(image)

    def _check_size(self, box: FaceBox) -> None:
        if min(box.width, box.height) < self.min_face_px:
            raise FaceTooSmallError(
                f"the face is {box.width} px wide; at least {self.min_face_px} px needed"
            )

    def embed(self, image_bgr: np.ndarray) -> FaceEmbedding:
        """Embed the one face of a BGR (or grey) 8-bit image.

        Raises NoFaceFoundError, MultipleFacesError (a second clear face: someone else
        in front of the camera, or a photo held up beside the learner) or
        FaceTooSmallError (too far from the camera to tell people apart)."""
        image = _as_bgr(image_bgr)
        # Already uint8 (`_as_bgr` refuses anything else): the dtype argument only types it.
        rgb = np.ascontiguousarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB), dtype=np.uint8)
        models = self._loaded()
        with self._run_lock:
            box, score = self._find_one_face(models, rgb)
            self._check_size(box)
            rect = dlib.rectangle(box.left, box.top, box.right - 1, box.bottom - 1)
            shape = models.landmarks(rgb, rect)
            descriptor = models.recognizer.compute_face_descriptor(
                rgb, shape, num_jitters=0, padding=CHIP_PADDING
            )
        return FaceEmbedding(np.array(descriptor, dtype=np.float64), box, score)

    def _find_one_face(self, models: _Models, rgb: np.ndarray) -> tuple[FaceBox, float]:
        height, width = rgb.shape[:2]
        scale = min(HOG_WINDOW_PX / self.min_face_px, SEARCH_MAX_SIDE / max(height, width))
        search = rgb
        if scale != 1:
            size = (max(1, round(width * scale)), max(1, round(height * scale)))
            interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
            search = cv2.resize(rgb, size, interpolation=interpolation)
        # One pass over the whole range of sizes (no upsampling by dlib: the resize above
        # does it), so a second, smaller face is seen as surely as the first.
        rects, scores, _ = models.detector.run(search, 0, PRIMARY_FACE_MIN_SCORE)
        faces = sorted(
            ((score, rect) for score, rect in zip(scores, rects, strict=True)),
            key=lambda item: -item[0],
        )
        faces = [(score, rect) for score, rect in faces if score >= PRIMARY_FACE_MIN_SCORE]
        if not faces:
            raise NoFaceFoundError("no face found in the image")
        clear_faces = 1 + sum(1 for score, _ in faces[1:] if score >= SECOND_FACE_MIN_SCORE)
        if clear_faces > 1:
            raise MultipleFacesError(
                f"{clear_faces} faces in the image; one is needed", clear_faces
            )
        best_score, best = faces[0]
        box = FaceBox(
            left=round(best.left() / scale),
            top=round(best.top() / scale),
            right=round((best.right() + 1) / scale),
            bottom=round((best.bottom() + 1) / scale),
        )
        return box, float(best_score)


def decode_jpeg(data: bytes) -> np.ndarray:
    """A JPEG's pixels as BGR, or UnreadableImageError.

    The marker structure is walked before decoding: the bytes must run from SOI through
    a frame header and the scans to EOI. That reads the declared size, so an image too
    large to decode safely (a small file can declare gigapixels) is refused before any
    memory is spent on it, and it refuses every truncated file: libjpeg only warns on a
    premature end, and OpenCV 4.11 still returns a picture for some files cut just
    before their end marker (others come back empty)."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise UnreadableImageError("image data must be bytes")
    data = bytes(data)
    if not data:
        raise UnreadableImageError("the image is empty")
    if len(data) > MAX_JPEG_BYTES:
        raise UnreadableImageError(f"the image is larger than {MAX_JPEG_BYTES} bytes")
    width, height = jpeg_dimensions(data)
    if width * height > MAX_IMAGE_PIXELS:
        raise UnreadableImageError(f"the image is too large ({width} x {height})")
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None or image.size == 0:
        raise UnreadableImageError("the image cannot be decoded")
    return image


# Start-of-frame markers (baseline, extended, progressive, lossless; Huffman or
# arithmetic): their segment holds the image size.
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_RST_MARKERS = frozenset(range(0xD0, 0xD8))
_SOS, _EOI, _TEM = 0xDA, 0xD9, 0x01


def jpeg_dimensions(data: bytes) -> tuple[int, int]:
    """(width, height) of a structurally whole JPEG; UnreadableImageError otherwise.
    Bytes after EOI (some cameras append trailers) are allowed."""
    if data[:3] != b"\xff\xd8\xff":
        raise UnreadableImageError("not a JPEG image")
    position = 2
    size: tuple[int, int] | None = None
    saw_scan = False
    while True:
        marker, position = _next_marker(data, position)
        if marker == _EOI:
            break
        if marker in _RST_MARKERS or marker == _TEM:  # markers without a segment
            continue
        segment_start, position = _segment(data, position)
        if marker in _SOF_MARKERS:
            size = _frame_size(data, segment_start, position)
        elif marker == _SOS:
            if size is None:
                raise UnreadableImageError("the JPEG image is corrupt (scan before frame)")
            saw_scan = True
            position = _skip_entropy_coded_data(data, position)
    if size is None or not saw_scan or 0 in size:
        raise UnreadableImageError("the JPEG image has no picture")
    return size


def _next_marker(data: bytes, position: int) -> tuple[int, int]:
    """The marker at `position` (after any 0xFF fill bytes) and the position after it."""
    while True:
        if position + 2 > len(data):
            raise UnreadableImageError("the JPEG image is truncated")
        if data[position] != 0xFF:
            raise UnreadableImageError("the JPEG image is corrupt (marker expected)")
        if data[position + 1] != 0xFF:
            return data[position + 1], position + 2
        position += 1


def _segment(data: bytes, position: int) -> tuple[int, int]:
    """A marker segment's payload start and end; its 2-byte length counts itself."""
    if position + 2 > len(data):
        raise UnreadableImageError("the JPEG image is truncated")
    (length,) = struct.unpack_from(">H", data, position)
    if length < 2:
        raise UnreadableImageError("the JPEG image is corrupt (segment length)")
    if position + length > len(data):
        raise UnreadableImageError("the JPEG image is truncated")
    return position + 2, position + length


def _frame_size(data: bytes, start: int, end: int) -> tuple[int, int]:
    # Frame header: precision (1 byte), height (2), width (2), components...
    if end - start < 6:
        raise UnreadableImageError("the JPEG image is corrupt (frame header)")
    height, width = struct.unpack_from(">HH", data, start + 1)
    return width, height


def _skip_entropy_coded_data(data: bytes, position: int) -> int:
    """The position of the marker that ends a scan's compressed data. Inside it, 0xFF is
    followed by 0x00 (a stuffed byte), a restart marker, or more 0xFF fill bytes."""
    end = len(data)
    while True:
        found = data.find(b"\xff", position)
        if found < 0 or found + 1 >= end:
            raise UnreadableImageError("the JPEG image is truncated")
        following = data[found + 1]
        if following == 0x00 or following in _RST_MARKERS:
            position = found + 2
        elif following == 0xFF:
            position = found + 1
        else:
            return found


def _as_bgr(image: np.ndarray) -> np.ndarray:
    """An 8-bit BGR view of a BGR, BGRA or grey image; UnreadableImageError otherwise
    (the server hands decoded images here: anything else is not an image we read)."""
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.size == 0:
        raise UnreadableImageError("expected a non-empty 8-bit image array")
    if image.ndim == 2 or (image.ndim == 3 and image.shape[2] == 1):
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.ndim == 3 and image.shape[2] == 3:
        return image
    raise UnreadableImageError(f"unsupported image shape {image.shape}")


def _checked_vector(vector: object, what: str) -> np.ndarray:
    array = np.array(vector, dtype=np.float64)  # a copy: callers cannot change it later
    if array.shape != (EMBEDDING_SIZE,):
        raise ValueError(f"a face {what} has {EMBEDDING_SIZE} values, not {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"a face {what} holds non-finite values")
    array.setflags(write=False)
    return array
