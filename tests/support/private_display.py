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
def private_display(timeout_s: float = 30.0) -> Iterator[str]:
    """Xvfb on a display number it chooses itself (-displayfd) with openbox on it;
    yields the DISPLAY value."""
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
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
