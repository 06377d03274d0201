"""A small tmpfs mounted for a test, to fill for real: a full disk and a read-only folder
as the store meets them.

Mounting needs root with mount permission, as the project's container and CI have;
without it the test fails with a message saying so (never skip)."""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class SmallDisk:
    root: Path

    def remount(self, *options: str) -> None:
        subprocess.run(
            ["mount", "-o", ",".join(("remount", *options)), str(self.root)],
            check=True,
            capture_output=True,
            timeout=10,
        )

    def fill(self) -> Path:
        """Take every free block with a ballast file; return it."""
        ballast = self.root / "ballast"
        fd = os.open(ballast, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC
        finally:
            os.close(fd)
        return ballast


@contextlib.contextmanager
def mounted_small_disk(root: Path, size: str) -> Iterator[SmallDisk]:
    """A tmpfs of `size` (mount's notation: "1m") at `root`, unmounted afterwards."""
    root.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(root)],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(
            f"cannot mount a {size} tmpfs ({done.stderr.strip()}): the disk-full and "
            "read-only tests need root with mount permission (CAP_SYS_ADMIN)"
        )
    try:
        yield SmallDisk(root)
    finally:
        subprocess.run(["umount", "-l", str(root)], check=False, timeout=10)
