"""Driver for bench/player_overhead.py: plays one clip through the client's real player.

It builds what `app.application.run` builds for playing (QApplication, VlcBackend,
LockedPlayer with a JSON resume store, PlayerView in a main window) and quits when the
player reports "ended". It runs in its own process so the benchmark can read exactly its
CPU time. Its name starts with "_" so `./dev.sh bench` does not run it on its own.

Exit codes: 0 ended (or --idle done), 3 playback stopped otherwise, 4 safety timeout.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

# Run as a script (python bench/_play_client.py), so the repository root is not on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from player.backend import VlcBackend
from player.facade import LockedPlayer
from player.media_check import CourseMedia
from player.resume import JsonFileResumeStore
from player.widget import PlayerView
from qt_binding import QApplication, QMainWindow, QTimer

VIDEO_WIDTH, VIDEO_HEIGHT = 1280, 720
EXIT_ENDED, EXIT_STOPPED, EXIT_TIMEOUT = 0, 3, 4


def _attach_vlc_log(backend: VlcBackend, path: Path):
    """Log the client's own libVLC instance to a file, to see which modules it picks.

    VlcBackend passes --quiet, so -vv in extra_args is ignored; a libVLC log handler still
    receives every message. Reaches into the backend: the benchmark only, never the app.
    """
    vlc = backend._vlc
    libc = ctypes.CDLL(None)
    libc.fopen.restype = vlc.FILE_ptr
    libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    stream = libc.fopen(str(path).encode(), b"w")
    vlc.libvlc_log_set_file(backend._instance, stream)
    return libc, stream


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clip", type=Path, required=True)
    parser.add_argument("--sha256", required=True)
    parser.add_argument("--duration-ms", type=int, required=True)
    parser.add_argument("--size-bytes", type=int, required=True)
    parser.add_argument("--report", type=Path, required=True, help="JSON written on exit")
    parser.add_argument(
        "--idle", action="store_true", help="start up, show the window, quit without playing"
    )
    parser.add_argument("--vlc-log", type=Path, help="write libVLC's debug log here")
    return parser.parse_args()


def main() -> int:
    args = _parse_args()

    started = time.monotonic()
    app = QApplication([])
    app.setApplicationName("vocational-learning-client-bench")
    backend = VlcBackend()
    log_handle = _attach_vlc_log(backend, args.vlc_log) if args.vlc_log else None
    state_dir = Path(tempfile.mkdtemp(prefix="player-bench-"))
    player = LockedPlayer(
        backend, JsonFileResumeStore(state_dir / "resume.json"), learner_id="bench"
    )
    window = QMainWindow()
    view = PlayerView(player, window)
    # The video area is the clip's native size, as cvlc's own window is, so neither side
    # scales; the controls and the message line around it are the client's own cost.
    view.surface.setFixedSize(VIDEO_WIDTH, VIDEO_HEIGHT)
    window.setCentralWidget(view)
    view.watch_window(window)  # as MainWindow does: pauses if the window loses focus
    app.aboutToQuit.connect(player.shutdown)  # as application.run does
    window.show()

    result = {"exit": EXIT_TIMEOUT, "states": [], "libvlc": backend.version()}

    def finish(code: int) -> None:
        if not result.get("finished"):  # shutdown's own state changes come after this
            result["finished"] = True
            result["exit"] = code
            app.exit(code)

    def on_state(state: str) -> None:
        result["states"].append([round(time.monotonic() - started, 3), state])
        if result.get("finished"):
            return
        if state == "ended":
            finish(EXIT_ENDED)
        elif state in ("paused", "idle"):
            # Playback stopped for another reason (focus lost, media refused): a failed run.
            result["pause_reason"] = str(player.last_pause_reason)
            finish(EXIT_STOPPED)

    player.state_changed.connect(on_state)
    player.media_error.connect(lambda problem, detail: result.update(media_error=[problem, detail]))

    if args.idle:
        # Long enough for the window to be mapped and painted once, which a playing run
        # also pays for; the event loop is idle meanwhile.
        QTimer.singleShot(300, lambda: finish(EXIT_ENDED))
    else:
        course = CourseMedia(
            course_id="bench-clip",
            title="bench",
            path=args.clip,
            sha256=args.sha256,
            duration_ms=args.duration_ms,
            size_bytes=args.size_bytes,
        )
        QTimer.singleShot(0, lambda: player.open_course(course))
        QTimer.singleShot(args.duration_ms + 30_000, lambda: finish(EXIT_TIMEOUT))

    app.exec()
    result["surface_size"] = [view.surface.width(), view.surface.height()]
    result["window_size"] = [window.width(), window.height()]
    backend.release()
    if log_handle is not None:
        libc, stream = log_handle
        libc.fclose(stream)  # after release(): the instance no longer writes to it
    shutil.rmtree(state_dir, ignore_errors=True)
    result["wall_s"] = round(time.monotonic() - started, 3)
    args.report.write_text(json.dumps(result))
    return int(result["exit"])


if __name__ == "__main__":
    sys.exit(main())
