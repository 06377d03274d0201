"""Real processes for the environment-signal tests: copies of `sleep` named like the
tools the client looks for, and x11vnc serving a display. Waits poll with a generous
deadline; nothing asserts on time."""

from __future__ import annotations

import os
import select
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

DEADLINE_S = 30.0
T = TypeVar("T")


def wait_for(probe: Callable[[], T], expected: T) -> T:
    """Polls until `probe()` gives `expected`: a process just started may still show
    its parent's name (the parent resumes during the child's exec, before the kernel
    renames it)."""
    deadline = time.monotonic() + DEADLINE_S
    while (seen := probe()) != expected:
        assert time.monotonic() < deadline, f"still {seen} after {DEADLINE_S} s"
        time.sleep(0.05)
    return seen


@contextmanager
def running(
    argv: Sequence[str], stdout: int | None = None, stderr: int | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(argv, stdout=stdout, stderr=stderr)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(DEADLINE_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def sleep_named(tmp_path: Path, name: str) -> Path:
    copy = tmp_path / name
    shutil.copy2(shutil.which("sleep") or "/bin/sleep", copy)
    return copy


def wait_for_output(process: subprocess.Popen[bytes], marker: bytes) -> bytes:
    assert process.stdout is not None
    output = b""
    deadline = time.monotonic() + DEADLINE_S
    while marker not in output:
        remaining = deadline - time.monotonic()
        assert remaining > 0 and process.poll() is None, output.decode(errors="replace")
        ready, _, _ = select.select([process.stdout], [], [], remaining)
        if ready:
            output += os.read(process.stdout.fileno(), 4096)
    return output


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def x11vnc_serving(display: str) -> Iterator[subprocess.Popen[bytes]]:
    """x11vnc serving `display` on loopback, once it says it serves it."""
    # A port chosen here and no IPv6: x11vnc's own probing for a free port looks up
    # "localhost" for IPv6 at every port tried, which waits for DNS where it has none.
    port = str(free_port())
    argv = ["x11vnc", "-display", display, "-localhost", "-noipv6", "-rfbport", port]
    with running(
        [*argv, "-nopw", "-forever", "-quiet"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    ) as vnc:
        wait_for_output(vnc, f"PORT={port}".encode())
        yield vnc
