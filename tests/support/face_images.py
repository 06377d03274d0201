"""Real face photos that exist offline on a development machine, as BGR arrays.

No webcam exists here and nothing may be downloaded at run time (DESIGN.md, "Face test
data"), so the face tests and `bench/face_threshold.py` use the real photos that ship
inside packages:

| name | person | source |
|---|---|---|
| astronaut | Eileen Collins | scikit-image wheel, `skimage.data.astronaut()` (NASA, public domain) |
| grace_hopper | Grace Hopper | matplotlib wheel, `mpl-data/sample_data/grace_hopper.jpg` |
| messi | Lionel Messi | Debian `opencv-doc`, `examples/data/messi5.jpg` (face ~37 px) |
| basketball1, basketball2 | a basketball player | Debian `opencv-doc`, `examples/data/basketball{1,2}.png`: two grey frames of one video (Middlebury optical flow set), face ~37 px |
| obama1, obama2, obama3 | Barack Obama | the `face_recognition==1.3.0` sdist on PyPI, `tests/test_images/obama{,2,3}.jpg`: three different photos |
| biden | Joe Biden | the same sdist, `tests/test_images/biden.jpg` |

and one photo without a face: `coffee` (scikit-image). Only the Obama photos give a
genuine pair across two different photographs; every other genuine pair is one photo
against a degraded copy of itself (or two frames of one video).

The face_recognition sdist is not installed (its wheel has no test images and it would
build dlib from source): `./dev.sh` downloads it with pip, hash-checked, into
`~/.cache/vocational-learning-client/face-test-data/` (or FACE_TEST_DATA_DIR), and this
module reads the images straight from the tarball. A missing source fails with what to
install; it never skips.

No function here writes, logs or prints an image.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tarfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

OPENCV_DOC_DATA = Path("/usr/share/doc/opencv-doc/examples/data")
FACE_RECOGNITION_SDIST = "face_recognition-1.3.0.tar.gz"
FACE_RECOGNITION_SDIST_SHA256 = "5e5efdd1686aa566af0d3cc1313b131e4b197657a8ffd03669e6d3fad92705ec"


class FaceImageMissingError(RuntimeError):
    """A face photo's source is not installed on this machine."""


@dataclass(frozen=True)
class FacePhoto:
    name: str
    person: str
    source: str
    # The face's width in the photo as dlib's HOG detector boxes it (measured once):
    # lets callers scale a photo to a webcam-like face size without detecting first.
    face_px: int


PHOTOS: dict[str, FacePhoto] = {
    photo.name: photo
    for photo in (
        FacePhoto("astronaut", "eileen_collins", "scikit-image: skimage.data.astronaut()", 88),
        FacePhoto("grace_hopper", "grace_hopper", "matplotlib: sample_data/grace_hopper.jpg", 216),
        FacePhoto("messi", "lionel_messi", "Debian opencv-doc: examples/data/messi5.jpg", 37),
        FacePhoto(
            "basketball1",
            "basketball_player",
            "Debian opencv-doc: examples/data/basketball1.png",
            37,
        ),
        FacePhoto(
            "basketball2",
            "basketball_player",
            "Debian opencv-doc: examples/data/basketball2.png",
            37,
        ),
        FacePhoto("obama1", "barack_obama", f"PyPI {FACE_RECOGNITION_SDIST}: obama.jpg", 259),
        FacePhoto("obama2", "barack_obama", f"PyPI {FACE_RECOGNITION_SDIST}: obama2.jpg", 311),
        FacePhoto("obama3", "barack_obama", f"PyPI {FACE_RECOGNITION_SDIST}: obama3.jpg", 310),
        FacePhoto("biden", "joe_biden", f"PyPI {FACE_RECOGNITION_SDIST}: biden.jpg", 311),
    )
}

_SDIST_MEMBERS = {
    "obama1": "obama.jpg",
    "obama2": "obama2.jpg",
    "obama3": "obama3.jpg",
    "biden": "biden.jpg",
}


def face_photo(name: str, face_px: int | None = None) -> np.ndarray:
    """The named real face photo, BGR uint8 (a fresh copy each call). With `face_px`,
    scaled so the face is about that wide, like a webcam frame (150 px is a learner at
    about 50 cm from a 640 x 480 camera); large photos also embed faster that way."""
    if name not in PHOTOS:
        raise KeyError(f"no face photo named {name!r}; known: {', '.join(PHOTOS)}")
    image = _load(name)
    if face_px is None:
        return image.copy()
    factor = face_px / PHOTOS[name].face_px
    interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    return cv2.resize(image, None, fx=factor, fy=factor, interpolation=interpolation)


def people() -> dict[str, list[str]]:
    """Each person's photo names."""
    by_person: dict[str, list[str]] = {}
    for photo in PHOTOS.values():
        by_person.setdefault(photo.person, []).append(photo.name)
    return by_person


def no_face_photo() -> np.ndarray:
    """A real photo with no face in it (a cup of coffee)."""
    return cv2.cvtColor(_skimage_data().coffee(), cv2.COLOR_RGB2BGR)


def side_by_side(left: np.ndarray, right: np.ndarray, height: int = 400) -> np.ndarray:
    """Two photos scaled to the same height and put next to each other: a frame with
    two real faces."""

    def scaled(image: np.ndarray) -> np.ndarray:
        factor = height / image.shape[0]
        size = (round(image.shape[1] * factor), height)
        return cv2.resize(image, size, interpolation=cv2.INTER_AREA)

    return np.hstack([scaled(left), scaled(right)])


def face_test_data_dir() -> Path:
    """Where dev.sh puts downloaded face test data: FACE_TEST_DATA_DIR, else the user's
    cache (outside the virtual environment, which dev.sh rebuilds when dependencies
    change, and outside the work tree)."""
    configured = os.environ.get("FACE_TEST_DATA_DIR")
    if configured:
        return Path(configured)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "vocational-learning-client" / "face-test-data"


@functools.cache
def _load(name: str) -> np.ndarray:
    if name == "astronaut":
        image = cv2.cvtColor(_skimage_data().astronaut(), cv2.COLOR_RGB2BGR)
    elif name == "grace_hopper":
        image = _read_file(_matplotlib_sample("grace_hopper.jpg"), "matplotlib")
    elif name == "messi":
        image = _read_file(OPENCV_DOC_DATA / "messi5.jpg", _OPENCV_DOC_HINT)
    elif name in ("basketball1", "basketball2"):
        image = _read_file(OPENCV_DOC_DATA / f"{name}.png", _OPENCV_DOC_HINT)
    else:
        image = _decode(_sdist_member(_SDIST_MEMBERS[name]), name)
    image.setflags(write=False)
    return image


_OPENCV_DOC_HINT = (
    "the Debian package opencv-doc (apt-get install --no-install-recommends opencv-doc)"
)


def _skimage_data():  # type: ignore[no-untyped-def]
    try:
        from skimage import data
    except ImportError as error:
        raise FaceImageMissingError(
            "scikit-image is not installed: pip install scikit-image==0.25.2 (a dev dependency)"
        ) from error
    return data


def _matplotlib_sample(filename: str) -> Path:
    try:
        import matplotlib
    except ImportError as error:
        raise FaceImageMissingError("matplotlib is not installed") from error
    return Path(matplotlib.get_data_path()) / "sample_data" / filename


def _read_file(path: Path, package: str) -> np.ndarray:
    if not path.is_file():
        raise FaceImageMissingError(f"{path} is missing: it comes with {package}")
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise FaceImageMissingError(f"{path} cannot be decoded")
    return image


def _decode(data: bytes, name: str) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise FaceImageMissingError(f"the {name} photo cannot be decoded")
    return image


@functools.cache
def _sdist_bytes() -> bytes:
    path = face_test_data_dir() / FACE_RECOGNITION_SDIST
    if not path.is_file():
        raise FaceImageMissingError(
            f"{path} is missing. It holds the Obama and Biden test photos. Run ./dev.sh "
            f"test, or: pip download --no-deps --no-binary :all: face_recognition==1.3.0 "
            f"-d {path.parent}"
        )
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != FACE_RECOGNITION_SDIST_SHA256:
        raise FaceImageMissingError(f"{path} is not the expected file (sha256 {digest})")
    return data


def _sdist_member(filename: str) -> bytes:
    import io

    member = f"face_recognition-1.3.0/tests/test_images/{filename}"
    with tarfile.open(fileobj=io.BytesIO(_sdist_bytes()), mode="r:gz") as archive:
        extracted = archive.extractfile(member)
        if extracted is None:
            raise FaceImageMissingError(f"{member} is not in {FACE_RECOGNITION_SDIST}")
        return extracted.read()
