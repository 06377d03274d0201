"""Which clients may sign in: a pure rule over what the client says of itself.

A platform that provisions its institutions sets a minimum version (older clients lack
a protection or a fix) and may require a profile it signed, so learners run the
institution's installer rather than any build. Both are claims a forger can make; the
rule is there to stop the outdated and the unprovisioned honest client with a message
saying what to install, while the protections that matter stay on the server.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from wire.releases import version_key


class ClientRefusal(StrEnum):
    OUTDATED = "client_outdated"
    PROFILE_UNKNOWN = "client_profile_unknown"


@dataclass(frozen=True)
class ClientClaim:
    version: str | None  # None: a client too old to say
    profile_sha256: str | None


@dataclass(frozen=True)
class ClientPolicy:
    min_version: str = ""  # empty: any version
    require_known_profile: bool = False


def client_refusal(
    claim: ClientClaim, policy: ClientPolicy, profile_known: bool
) -> ClientRefusal | None:
    """Why this client may not sign in, or None. The version comes first: an outdated
    client must be replaced whatever its profile."""
    if policy.min_version and (
        claim.version is None or version_key(claim.version) < version_key(policy.min_version)
    ):
        return ClientRefusal.OUTDATED
    if policy.require_known_profile and not (claim.profile_sha256 and profile_known):
        return ClientRefusal.PROFILE_UNKNOWN
    return None
