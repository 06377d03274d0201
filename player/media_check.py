"""Checks a course's media file against the catalogue before anything plays.

A learner could replace the course file with a shorter or different clip; the SHA-256,
size and duration from the course metadata refuse that. Each failure is a known condition
with its own code, translated by the UI; none of them raises to the user.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from player.backend import MediaProbe


@dataclass(frozen=True)
class CourseMedia:
    """The catalogue's description of one course video."""

    course_id: str
    title: str
    path: Path
    sha256: str
    duration_ms: int
    size_bytes: int | None = None


class MediaProblem(StrEnum):
    MISSING = "missing"
    UNREADABLE = "unreadable"  # permission denied, an I/O error
    HASH_MISMATCH = "hash_mismatch"
    SIZE_MISMATCH = "size_mismatch"
    CORRUPT = "corrupt"  # libVLC cannot read a duration or any stream from it
    DURATION_MISMATCH = "duration_mismatch"
    CODEC_MISSING = "codec_missing"  # readable, but no decoder produced a picture


@dataclass(frozen=True)
class MediaCheckResult:
    problem: MediaProblem | None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.problem is None


def duration_tolerance_ms(expected_ms: int) -> int:
    # Containers round their duration to a frame or a timescale tick; a real substitute
    # differs by far more than one second or 1 %.
    return max(1000, expected_ms // 100)


def hash_file(path: Path, chunk_size: int = 1 << 20) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(chunk_size):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def check_file_identity(course: CourseMedia) -> MediaCheckResult:
    """Existence, size and SHA-256: the part that needs no media library."""
    path = Path(course.path)
    if not path.is_file():
        return MediaCheckResult(MediaProblem.MISSING, str(path))
    try:
        digest, size = hash_file(path)
    except OSError as error:
        return MediaCheckResult(MediaProblem.UNREADABLE, error.strerror or str(error))
    if course.size_bytes is not None and size != course.size_bytes:
        return MediaCheckResult(MediaProblem.SIZE_MISMATCH, f"{size} != {course.size_bytes}")
    if digest != course.sha256.lower():
        return MediaCheckResult(MediaProblem.HASH_MISMATCH, digest)
    return MediaCheckResult(None)


def check_probe(course: CourseMedia, probe: MediaProbe) -> MediaCheckResult:
    """What libVLC read of the file against the catalogue's duration."""
    if not probe.readable:
        return MediaCheckResult(MediaProblem.CORRUPT)
    if abs(probe.duration_ms - course.duration_ms) > duration_tolerance_ms(course.duration_ms):
        return MediaCheckResult(
            MediaProblem.DURATION_MISMATCH, f"{probe.duration_ms} != {course.duration_ms}"
        )
    return MediaCheckResult(None)
