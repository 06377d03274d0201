"""Generated course video for the demo, the tests and the benchmarks.

Each frame shows the media time it should be displayed at and its frame number in large
digits, plus a sweeping bar, so any skip, speed change or rollback is obvious to the eye
and to a screenshot. Generated rather than committed: a clip is a few hundred kB to a few
MB and would bloat the repository for no information.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from player.media_check import hash_file


@dataclass(frozen=True)
class GeneratedClip:
    path: Path
    duration_ms: int
    sha256: str
    size_bytes: int


def generate_clock_video(
    path: Path,
    seconds: float = 30.0,
    width: int = 640,
    height: int = 360,
    fps: int = 25,
    title: str = "DEMO",
) -> GeneratedClip:
    """Write an MPEG-4 clip with a running clock; reuse an identical existing file."""
    path = Path(path)
    frame_count = round(seconds * fps)
    duration_ms = round(frame_count * 1000 / fps)
    meta = path.with_suffix(path.suffix + ".params")
    params = f"{frame_count} {width} {height} {fps} {title}\n"
    if path.exists() and meta.exists() and meta.read_text() == params:
        return GeneratedClip(path, duration_ms, *hash_file(path))

    path.parent.mkdir(parents=True, exist_ok=True)
    # Written under a temporary name and renamed when complete: an interrupted run must
    # not leave a truncated clip that a later run would take for a finished one.
    partial = path.with_name(f".{path.stem}.partial{path.suffix}")
    writer = cv2.VideoWriter(str(partial), cv2.VideoWriter.fourcc(*"mp4v"), fps, (width, height))
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV cannot write MPEG-4 video to {partial}")
    scale = height / 360
    background = np.zeros((height, width, 3), np.uint8)
    background[:] = (40, 28, 18)
    cv2.putText(
        background,
        title,
        (int(20 * scale), int(50 * scale)),
        cv2.FONT_HERSHEY_SIMPLEX,
        1.2 * scale,
        (200, 200, 200),
        max(1, int(2 * scale)),
    )
    try:
        for index in range(frame_count):
            frame = background.copy()
            millis = index * 1000 // fps
            clock = f"{millis // 60000:02d}:{millis // 1000 % 60:02d}.{millis % 1000:03d}"
            cv2.putText(
                frame,
                clock,
                (int(20 * scale), int(200 * scale)),
                cv2.FONT_HERSHEY_SIMPLEX,
                3.0 * scale,
                (255, 255, 255),
                max(2, int(6 * scale)),
            )
            cv2.putText(
                frame,
                f"frame {index:06d}",
                (int(20 * scale), int(270 * scale)),
                cv2.FONT_HERSHEY_SIMPLEX,
                1.2 * scale,
                (120, 220, 255),
                max(1, int(2 * scale)),
            )
            bar_x = int((index % fps) / fps * (width - 40 * scale))
            cv2.rectangle(
                frame,
                (bar_x, int(310 * scale)),
                (bar_x + int(40 * scale), int(340 * scale)),
                (60, 200, 60),
                -1,
            )
            writer.write(frame)
    finally:
        writer.release()
    partial.replace(path)
    meta.write_text(params)
    return GeneratedClip(path, duration_ms, *hash_file(path))


def main() -> None:
    parser = argparse.ArgumentParser(description="Generate a course clip with a running clock.")
    parser.add_argument("path", type=Path)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=360)
    parser.add_argument("--fps", type=int, default=25)
    args = parser.parse_args()
    clip = generate_clock_video(args.path, args.seconds, args.width, args.height, args.fps)
    print(f"{clip.path} {clip.duration_ms} ms sha256={clip.sha256}")


if __name__ == "__main__":
    main()
