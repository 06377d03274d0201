"""Which platform this client talks to, and under which institution's profile.

A signed provisioning profile (wire/provisioning.py) comes first: given with
`--profile`, baked beside the program by the institution's installer, or dropped in the
machine's configuration folder by its administrator. Its platform address, CA and pins
cannot be overridden by `--server`. A packaged build refuses to run without one (the
demo aside); a source run without one uses `--server` as before.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from app.build_info import BuildInfo
from sync.keystore import MachineKeyFile, OsKeyStore, StoreKeySource
from wire.auth import ClientIdentity
from wire.provisioning import ProfileError, ProfileProblem, VerifiedProfile, read_profile

log = logging.getLogger(__name__)

PROFILE_NAME = "provisioning.json"

PlatformProblem = (
    ProfileProblem
    | Literal[
        "profile_missing",  # a packaged build found no profile
        "profile_unverifiable",  # a profile, but this build carries no platform key
        "no_platform",  # a source run with neither a profile nor --server
    ]
)


@dataclass(frozen=True)
class PlatformChoice:
    """Where to connect (nothing for the demo, which starts its own platform), or why
    the client cannot."""

    base_url: str | None = None
    extra_ca_pem: str = ""
    pins: frozenset[str] = field(default_factory=frozenset)
    profile: VerifiedProfile | None = None
    problem: PlatformProblem | None = None

    def identity(self, build: BuildInfo, machine_id: str | None) -> ClientIdentity:
        digest = self.profile.sha256 if self.profile else None
        return ClientIdentity(version=build.version, profile_sha256=digest, machine_id=machine_id)


def store_keys(choice: PlatformChoice, build: BuildInfo) -> StoreKeySource:
    """Where the study store's key comes from: the profile decides (a lab PC's says the
    machine key file); without one, the account's OS key store. On Windows the
    Credential Manager works in a kiosk account too, so it is always used there."""
    profile = choice.profile.profile if choice.profile else None
    if profile is None or profile.key_store == "os_keyring" or sys.platform == "win32":
        return OsKeyStore()
    owner = 0
    if not build.packaged and "APP_MACHINE_KEY_OWNER_UID" in os.environ:
        owner = int(os.environ["APP_MACHINE_KEY_OWNER_UID"])  # tests, in source runs only
    return MachineKeyFile(Path(profile.machine_key_path), owner_uid=owner)


def profile_locations() -> list[Path]:
    """Where an installed client looks for its profile: beside the program (the
    institution's installer puts it there), then the machine's configuration folder."""
    places = [Path(sys.executable).resolve().parent / PROFILE_NAME]
    if sys.platform == "win32":
        program_data = os.environ.get("PROGRAMDATA", r"C:\ProgramData")
        places.append(Path(program_data) / "VocationalLearningClient" / PROFILE_NAME)
    else:
        places.append(Path("/etc/vocational-learning-client") / PROFILE_NAME)
    return places


def choose_platform(
    build: BuildInfo,
    *,
    demo: bool,
    server: str | None,
    profile_path: Path | None,
    locations: Sequence[Path] = (),
) -> PlatformChoice:
    if demo:
        return PlatformChoice()
    path = profile_path or next((p for p in locations if p.is_file()), None)
    if path is None:
        if build.packaged:
            return PlatformChoice(problem="profile_missing")
        return PlatformChoice(base_url=server) if server else PlatformChoice(problem="no_platform")
    if build.platform_key is None:
        return PlatformChoice(problem="profile_unverifiable")
    return _from_profile(path, build.platform_key, server)


def _from_profile(path: Path, platform_key: bytes, server: str | None) -> PlatformChoice:
    try:
        verified = read_profile(path.read_bytes(), platform_key)
    except OSError:
        return PlatformChoice(problem="profile_unreadable")
    except ProfileError as error:
        log.warning("provisioning profile refused", extra={"data": {"code": error.code}})
        return PlatformChoice(problem=error.code)
    profile = verified.profile
    if server and server.rstrip("/") != profile.platform_url:
        log.warning("--server ignored: the provisioning profile names the platform")
    log.info(
        "provisioning profile in use",
        extra={"data": {"profile": verified.sha256[:16], "institution": profile.institution_code}},
    )
    return PlatformChoice(
        base_url=profile.platform_url,
        extra_ca_pem=profile.extra_ca_pem,
        pins=frozenset(profile.spki_pins),
        profile=verified,
    )
