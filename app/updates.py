"""Whether to offer the platform's newest client release: a pure rule (no Qt).

Offered only when it is newer than this build, meant for this kind of installation, and
signed by the release key built into this build; a source run (no release key, no
installer of its own) is never offered one."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from app.build_info import BuildInfo
from wire.releases import ClientRelease, ReleaseTarget, release_signature_valid, version_key

log = logging.getLogger(__name__)


def release_target(build: BuildInfo, platform: str = sys.platform) -> ReleaseTarget | None:
    """Which installer replaces this build: none for a source run."""
    if not build.packaged:
        return None
    if platform == "win32":
        return "windows-setup"
    if platform.startswith("linux"):
        return "linux-deb"
    return None


def offered_release(build: BuildInfo, release: ClientRelease | None) -> ClientRelease | None:
    if release is None or build.release_key is None:
        return None
    if version_key(release.version) <= version_key(build.version):
        return None
    if not release_signature_valid(release, build.release_key):
        # A platform (or something between) offering an unsigned file: never offered.
        log.warning("client release refused: bad signature", extra={"data": {"v": release.version}})
        return None
    return release


def installer_command(installer: Path, platform: str = sys.platform) -> list[str] | None:
    """How the downloaded installer is started: Windows runs the setup program (it asks
    for an administrator itself); on Linux the desktop's package installer opens the
    .deb (None: the caller opens it as a document)."""
    if platform == "win32":
        return [str(installer)]
    return None
