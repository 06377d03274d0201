"""Client releases the platform offers: published from the command line with the
platform's release key, looked up by target and channel (newest version first)."""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.errors import not_found
from server.files import file_sha256
from server.models import ClientReleaseRow
from server.platform import Platform
from wire.releases import ClientRelease, sign_release_fields, version_key

SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$")


def releases_dir(platform: Platform) -> Path:
    return platform.config.data_dir / "releases"


def publish_release(
    platform: Platform, db: Session, installer: Path, version: str, target: str, channel: str
) -> ClientRelease:
    version_key(version)  # a ValueError for anything but MAJOR.MINOR.PATCH
    if not SAFE_NAME.match(installer.name):
        raise ValueError(f"use a plain file name for the installer, not {installer.name!r}")
    size = installer.stat().st_size
    sha256 = file_sha256(installer)
    signature = sign_release_fields(
        platform.config.release_private_key(),
        version,
        target,
        channel,
        installer.name,
        size,
        sha256,
    )
    row = ClientReleaseRow(
        id=uuid.uuid4().hex,
        version=version,
        target=target,
        channel=channel,
        file_name=installer.name,
        size=size,
        sha256=sha256,
        signature_b64=signature,
        published_ms=platform.clock.now_ms(),
    )
    stored = releases_dir(platform) / row.id
    stored.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(installer, stored)
    db.add(row)
    platform.audit(db, "command line", "publish_release", row.id, version=version, os=target)
    return _answer(row)


def latest_release(db: Session, target: str, channel: str) -> ClientRelease:
    """The newest release for `target` on `channel` (a beta machine also takes a newer
    stable one)."""
    channels = ("stable", "beta") if channel == "beta" else ("stable",)
    rows = db.scalars(
        select(ClientReleaseRow).where(
            ClientReleaseRow.target == target, ClientReleaseRow.channel.in_(channels)
        )
    ).all()
    if not rows:
        raise not_found("no_release", "no client release is published for this target")
    return _answer(max(rows, key=lambda row: version_key(row.version)))


def release_file(platform: Platform, db: Session, release_id: str) -> Path:
    row = db.get(ClientReleaseRow, release_id)
    path = releases_dir(platform) / release_id
    if row is None or not path.is_file():
        raise not_found("no_release", "no such client release")
    return path


def _answer(row: ClientReleaseRow) -> ClientRelease:
    return ClientRelease(
        release_id=row.id,
        version=row.version,
        target=row.target,  # type: ignore[arg-type]
        channel=row.channel,  # type: ignore[arg-type]
        file_name=row.file_name,
        size=row.size,
        sha256=row.sha256,
        signature_b64=row.signature_b64,
    )
