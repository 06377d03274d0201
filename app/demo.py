"""The embedded demo: generated courses the client can play with nothing configured."""

from __future__ import annotations

from pathlib import Path

from app.demo_media import generate_clock_video
from player.media_check import CourseMedia

DEMO_LEARNER_ID = "demo-learner"


def demo_courses(media_dir: Path) -> list[CourseMedia]:
    """Two short courses, generated once into `media_dir` and reused after that."""
    specs = [
        ("demo-safety", "安全生产基础（演示）", 120.0, "SAFETY 101"),
        ("demo-electric", "电工基础（演示）", 60.0, "ELECTRIC 201"),
    ]
    courses = []
    for course_id, title, seconds, label in specs:
        clip = generate_clock_video(media_dir / f"{course_id}.mp4", seconds, title=label)
        courses.append(
            CourseMedia(
                course_id=course_id,
                title=title,
                path=clip.path,
                sha256=clip.sha256,
                duration_ms=clip.duration_ms,
                size_bytes=clip.size_bytes,
            )
        )
    return courses
