"""Unit tests of the media identity checks and the resume store (real files, no VLC)."""

from __future__ import annotations

import json
import os

import pytest

from player.backend import MediaProbe
from player.media_check import (
    CourseMedia,
    MediaProblem,
    check_file_identity,
    check_probe,
    duration_tolerance_ms,
)
from player.resume import JsonFileResumeStore


@pytest.fixture
def media_file(tmp_path):
    path = tmp_path / "course.mp4"
    path.write_bytes(b"not really a video, but bytes to hash" * 1000)
    return path


def course(path, **overrides) -> CourseMedia:
    import hashlib

    data = path.read_bytes() if path.is_file() else b""
    values = {
        "course_id": "c",
        "title": "t",
        "path": path,
        "sha256": hashlib.sha256(data).hexdigest(),
        "duration_ms": 60_000,
        "size_bytes": len(data),
    }
    values.update(overrides)
    return CourseMedia(**values)


def test_identity_ok(media_file) -> None:
    assert check_file_identity(course(media_file)).ok


def test_identity_accepts_uppercase_hash(media_file) -> None:
    c = course(media_file)
    assert check_file_identity(course(media_file, sha256=c.sha256.upper())).ok


def test_missing(tmp_path) -> None:
    result = check_file_identity(course(tmp_path / "nope.mp4", sha256="0" * 64))
    assert result.problem == MediaProblem.MISSING


def test_hash_mismatch(media_file) -> None:
    result = check_file_identity(course(media_file, sha256="ab" * 32))
    assert result.problem == MediaProblem.HASH_MISMATCH


def test_size_mismatch_before_hash(media_file) -> None:
    result = check_file_identity(course(media_file, size_bytes=1))
    assert result.problem == MediaProblem.SIZE_MISMATCH


def test_unreadable(media_file, monkeypatch) -> None:
    # Permission bits do not stop root (CI runs as root), so the OS error is injected.
    from pathlib import Path

    def denied(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    described = course(media_file)
    monkeypatch.setattr(Path, "open", denied)
    result = check_file_identity(described)
    assert result.problem == MediaProblem.UNREADABLE
    assert result.detail == "Permission denied"


def test_unreadable_directory_in_place_of_file(tmp_path) -> None:
    (tmp_path / "dir.mp4").mkdir()
    assert check_file_identity(course(tmp_path / "dir.mp4")).problem == MediaProblem.MISSING


@pytest.mark.parametrize(
    ("probe", "problem"),
    [
        (MediaProbe(True, 60_000, ("mp4v",)), None),
        (MediaProbe(True, 60_400, ("mp4v",)), None),
        (MediaProbe(False, 0, ()), MediaProblem.CORRUPT),
        (MediaProbe(True, 30_000, ("mp4v",)), MediaProblem.DURATION_MISMATCH),
        (MediaProbe(True, 62_000, ("mp4v",)), MediaProblem.DURATION_MISMATCH),
    ],
)
def test_probe_against_catalogue(media_file, probe, problem) -> None:
    assert check_probe(course(media_file), probe).problem == problem


def test_duration_tolerance_scales() -> None:
    assert duration_tolerance_ms(10_000) == 1000
    assert duration_tolerance_ms(3_600_000) == 36_000


def test_resume_round_trip_per_learner_and_course(tmp_path) -> None:
    store = JsonFileResumeStore(tmp_path / "sub" / "resume.json")
    assert store.position_ms("a", "c1") == 0
    store.save("a", "c1", 12_345)
    store.save("b", "c1", 99)
    store.save("a", "c2", 7)
    reopened = JsonFileResumeStore(tmp_path / "sub" / "resume.json")
    assert reopened.position_ms("a", "c1") == 12_345
    assert reopened.position_ms("b", "c1") == 99
    assert reopened.position_ms("a", "c2") == 7


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"a/c1": -5, "a/c2": "x"}'])
def test_resume_damaged_file_starts_over_and_recovers(tmp_path, content) -> None:
    path = tmp_path / "resume.json"
    path.write_text(content)
    store = JsonFileResumeStore(path)
    assert store.position_ms("a", "c1") == 0
    store.save("a", "c1", 5000)
    assert json.loads(path.read_text()) == {"a/c1": 5000}


def test_resume_write_is_atomic(tmp_path, monkeypatch) -> None:
    path = tmp_path / "resume.json"
    store = JsonFileResumeStore(path)
    store.save("a", "c1", 1000)

    def crash(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        store.save("a", "c1", 2000)
    assert store.position_ms("a", "c1") == 1000  # the old file is intact
    assert [p.name for p in tmp_path.iterdir()] == ["resume.json"]  # no temp file left
