"""A virtual display with a window manager of its own, for a test whose windows must
not meet the windows of the tests running beside it in another xdist worker."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
import time
from collections.abc import Iterator


@contextlib.contextmanager
def private_display(
    timeout_s: float = 30.0, window_manager: bool = True, screens: int = 1
) -> Iterator[str]:
    """Xvfb on a display number it chooses itself (-displayfd) with openbox on it;
    yields the DISPLAY value. `window_manager=False` leaves the screen bare, for a test
    whose session brings its own window manager (the kiosk session)."""
    # Several X screens: Qt shows each as a monitor of its own.
    screen_args = [arg for n in range(screens) for arg in ("-screen", str(n), "1600x1000x24")]
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), *screen_args, "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    wm = None
    try:
        with os.fdopen(read_end) as numbers:
            number = numbers.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        display = f":{number}"
        if not window_manager:
            yield display
            return
        env = {**os.environ, "DISPLAY": display}
        with tempfile.TemporaryFile() as log:
            wm = subprocess.Popen(["openbox"], env=env, stdout=log, stderr=log)
            deadline = time.monotonic() + timeout_s
            while time.monotonic() < deadline:
                probe = subprocess.run(
                    ["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if "window id" in probe.stdout:
                    break
                time.sleep(0.1)
            else:
                raise RuntimeError(f"openbox did not start on {display}")
            yield display
    finally:
        for process in (wm, xvfb):
            if process is not None:
                process.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(10)
