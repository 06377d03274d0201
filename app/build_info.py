"""What this build of the client is: its version, whether it is a packaged (frozen)
build, and the platform keys an installer build carries.

`installer/build.py` writes `build.json` beside this module inside the bundle, with the
public halves of the platform's provisioning key (profiles) and release key (updates).
A source run has no such file: it may take the keys from the environment
(APP_PLATFORM_KEY, APP_RELEASE_KEY, base64), which a packaged build never reads.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

VERSION = "0.1.0"
BUILD_FILE = Path(__file__).with_name("build.json")


class BuildInfoError(RuntimeError):
    """The build's own description is unusable: a broken package, not a user error."""


@dataclass(frozen=True)
class BuildInfo:
    version: str
    packaged: bool
    platform_key: bytes | None  # raw Ed25519 public key that signs provisioning profiles
    release_key: bytes | None  # raw Ed25519 public key that signs client releases


def _key(text: str | None, name: str) -> bytes | None:
    if not text:
        return None
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error as error:
        raise BuildInfoError(f"{name} is not base64") from error
    if len(raw) != 32:
        raise BuildInfoError(f"{name} is not a 32-byte Ed25519 public key")
    return raw


def build_info(build_file: Path = BUILD_FILE) -> BuildInfo:
    packaged = bool(getattr(sys, "frozen", False))
    try:
        baked = json.loads(build_file.read_text(encoding="utf-8")) if build_file.exists() else {}
    except (OSError, ValueError) as error:
        raise BuildInfoError(f"{build_file.name} cannot be read") from error
    if packaged or baked:
        platform_text, release_text = baked.get("platform_key"), baked.get("release_key")
    else:
        platform_text = os.environ.get("APP_PLATFORM_KEY")
        release_text = os.environ.get("APP_RELEASE_KEY")
    return BuildInfo(
        version=str(baked.get("version", VERSION)),
        packaged=packaged,
        platform_key=_key(platform_text, "platform_key"),
        release_key=_key(release_text, "release_key"),
    )
