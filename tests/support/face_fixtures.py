"""The real face photos the server and face tests use: as the JPEGs an institution
enrolls, and as the sitters whose bursts a check sends."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import pytest

from tests.support.face_bursts import Sitter
from tests.support.face_images import face_photo, no_face_photo


@dataclass(frozen=True)
class FaceJpegs:
    learner_photo: bytes  # the institution's ID photo of the learner
    other_photo: bytes  # another person's ID photo
    # Who sits in front of a check's camera (tests/face_bursts.py): the learner live (their
    # photo, in a dimmer room, animated to perform the challenge), somebody else live,
    # the learner's photo held still, and nobody.
    learner: Sitter
    other: Sitter
    still_photo: Sitter
    nobody: Sitter


@pytest.fixture(scope="session")
def faces() -> FaceJpegs:
    """Real face photos (tests/face_images.py): as the JPEGs an institution enrolls, and
    as the sitters whose bursts a check sends."""

    def jpeg(image) -> bytes:
        return cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()

    learner, other = face_photo("astronaut"), face_photo("grace_hopper")
    darker = cv2.convertScaleAbs(learner, alpha=0.8, beta=-10)  # a dimmer room
    return FaceJpegs(
        learner_photo=jpeg(learner),
        other_photo=jpeg(other),
        learner=Sitter("learner", darker),
        other=Sitter("other", other),
        still_photo=Sitter("still photo", darker, animated=False),
        nobody=Sitter("nobody", no_face_photo(), animated=False),
    )
