"""Client releases on the wire: what the platform offers as the newest client, signed by
the platform's release key (Ed25519) over the fields that name the file.

The client checks the signature against the release key built into it before it offers
the update, and the downloaded file's size and SHA-256 against the signed ones before it
runs anything: a platform database or a download path that was tampered with cannot
make a learner's PC run another program.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import Field

from records.canonical import canonical_json
from wire.base import Answer

VERSION = re.compile(r"^(\d{1,4})\.(\d{1,4})\.(\d{1,4})$")
ReleaseTarget = Literal["linux-deb", "windows-setup"]
ReleaseChannel = Literal["stable", "beta"]


class ClientRelease(Answer):
    release_id: str
    version: str = Field(pattern=r"^\d{1,4}\.\d{1,4}\.\d{1,4}$")
    target: ReleaseTarget
    channel: ReleaseChannel
    file_name: str
    size: int = Field(gt=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    signature_b64: str


def release_message(
    version: str, target: str, channel: str, file_name: str, size: int, sha256: str
) -> bytes:
    return canonical_json(
        {
            "what": "client-release",
            "version": version,
            "target": target,
            "channel": channel,
            "file_name": file_name,
            "size": size,
            "sha256": sha256,
        }
    )


def sign_release_fields(
    key: Ed25519PrivateKey,
    version: str,
    target: str,
    channel: str,
    file_name: str,
    size: int,
    sha256: str,
) -> str:
    message = release_message(version, target, channel, file_name, size, sha256)
    return base64.b64encode(key.sign(message)).decode("ascii")


def release_signature_valid(release: ClientRelease, release_key: bytes) -> bool:
    message = release_message(
        release.version,
        release.target,
        release.channel,
        release.file_name,
        release.size,
        release.sha256,
    )
    try:
        signature = base64.b64decode(release.signature_b64, validate=True)
        Ed25519PublicKey.from_public_bytes(release_key).verify(signature, message)
    except (binascii.Error, ValueError, InvalidSignature):
        return False
    return True


def version_key(version: str) -> tuple[int, int, int]:
    """MAJOR.MINOR.PATCH as numbers, for ordering (0.10.0 comes after 0.9.3)."""
    match = VERSION.match(version)
    if match is None:
        raise ValueError(f"not a MAJOR.MINOR.PATCH version: {version!r}")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch
