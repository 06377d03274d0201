"""Does a face check make the video stutter? VLC's dropped pictures while face checks run.

The client's real locked player (libVLC in a Qt window, on the display `./dev.sh bench`
starts) plays a generated 640x360 25 fps clip twice for --seconds each: once alone, once
while face checks run back to back on their worker thread (`FaceCheckService`: frames at
15 fps from the file frame source, a real photo standing in for the camera, MediaPipe per
frame, dlib at the start and the end). VLC's own statistics give the pictures it decoded
and the pictures it dropped ("lost") in each run. Also reported: how long one full check
on that scripted sequence takes (it fails as a still photo, after its full course).

Writes bench/out/check_during_playback.json and its section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform as host
import sys
import tempfile
from pathlib import Path

import cv2

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from app.demo_media import generate_clock_video  # noqa: E402
from bench._results import cpu_model, update_section  # noqa: E402
from player.backend import VlcBackend  # noqa: E402
from player.facade import LockedPlayer  # noqa: E402
from player.media_check import CourseMedia  # noqa: E402
from player.resume import JsonFileResumeStore  # noqa: E402
from player.widget import PlayerView  # noqa: E402
from qt_binding import QApplication, QMainWindow, QTimer  # noqa: E402
from tests.support.face_images import face_photo  # noqa: E402
from verification.face_embedding import FaceEmbedder  # noqa: E402
from verification.frames import FileFrameSource  # noqa: E402
from verification.liveness import Action, Challenge  # noqa: E402
from verification.qt_facade import FaceCheckService  # noqa: E402

OUT = REPO / "bench" / "out"
# What the checks perform (a still photo: each fails on its first action's timeout,
# which is what keeps the worker busy for the whole challenge).
BENCH_CHALLENGE = Challenge("bench", (Action.BLINK, Action.NOD))


def play(app, clip, seconds: float, with_checks: bool, frames: list[Path], embedder) -> dict:
    state_dir = Path(tempfile.mkdtemp(prefix="check-bench-"))
    backend = VlcBackend()
    player = LockedPlayer(backend, JsonFileResumeStore(state_dir / "r.json"), learner_id="b")
    window = QMainWindow()
    view = PlayerView(player, window)
    window.setCentralWidget(view)
    view.watch_window(window)
    window.show()
    window.activateWindow()
    service = FaceCheckService(embedder)
    checks: list[int] = []
    outcome: dict[str, object] = {}

    def next_check(result=None) -> None:  # type: ignore[no-untyped-def]
        if result is not None:
            checks.append(result.duration_ms)
        if with_checks and not outcome.get("stop"):
            service.start(
                lambda: FileFrameSource(frames, loop=True, sequence_fps=15.0, realtime=True),
                None,
                BENCH_CHALLENGE,
            )

    service.finished.connect(next_check)
    player.state_changed.connect(
        lambda state: (
            outcome.update(paused=str(player.last_pause_reason)) if state == "paused" else None
        )
    )
    course = CourseMedia(
        "bench", "bench", clip.path, clip.sha256, clip.duration_ms, clip.size_bytes
    )
    QTimer.singleShot(0, lambda: player.open_course(course))
    QTimer.singleShot(2_000, next_check)
    QTimer.singleShot(int(seconds * 1000) + 2_000, app.quit)
    app.exec()
    outcome["stop"] = True
    service.cancel(30)
    result = {
        "decoded": backend.decoded_video_frames(),
        "dropped": backend.dropped_frames(),
        "checks": len(checks),
        "check_ms": checks,
    }
    player.shutdown()
    window.close()
    backend.release()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=40.0)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    app = QApplication([])
    clip = generate_clock_video(OUT / "clock_90s_360p.mp4", seconds=90.0)
    embedder = FaceEmbedder()
    embedder.load()
    with tempfile.TemporaryDirectory() as scratch:
        photo = cv2.resize(face_photo("astronaut"), (640, 480))
        frames = []
        for index in range(30):
            path = Path(scratch) / f"f{index:02d}.png"
            cv2.imwrite(str(path), photo)
            frames.append(path)
        alone = play(app, clip, args.seconds, False, frames, embedder)
        checked = play(app, clip, args.seconds, True, frames, embedder)
    check_ms = sorted(checked["check_ms"])
    median_check = check_ms[len(check_ms) // 2] if check_ms else None
    figures = {
        "seconds": args.seconds,
        "alone": alone,
        "with_checks": checked,
        "median_check_ms": median_check,
        "machine": {"cpu": cpu_model(), "cpus": os.cpu_count(), "python": host.python_version()},
    }
    (OUT / "check_during_playback.json").write_text(json.dumps(figures, indent=2))
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    met = "met" if checked["dropped"] == 0 else "NOT met"
    update_section(
        "check_during_playback",
        f"""## Face checks during playback: dropped pictures

`bench/check_during_playback.py`, {stamp}, {cpu_model()}, {os.cpu_count()} CPUs,
DISPLAY {os.environ.get("DISPLAY")}: the real locked player plays a 640x360 25 fps clip
for {args.seconds:.0f} s, alone and then with face checks running back to back on their
worker thread (15 fps file frames, MediaPipe per frame, dlib at start and end).

| run | pictures decoded | pictures dropped | checks run |
|---|---:|---:|---:|
| playback alone | {alone["decoded"]} | {alone["dropped"]} | 0 |
| playback with face checks | {checked["decoded"]} | {checked["dropped"]} | {checked["checks"]} |

Goal 0 dropped pictures during a check: **{met}**. One full check on the scripted
sequence (a still photo, which fails only when its challenge runs out):
{median_check} ms median. (Decoded counts are VLC's own statistics over the whole
run, start-up included.)
""",
    )
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
