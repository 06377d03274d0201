"""Institutions' provisioning profiles on the platform: signing them with the
platform's provisioning key, knowing the ones it signed, and admitting clients at
sign-in by their version and profile (`server.client_rules`)."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus

from sqlalchemy.orm import Session

from records.canonical import JsonValue
from server.client_rules import ClientClaim, ClientPolicy, ClientRefusal, client_refusal
from server.errors import ApiError
from server.models import ProvisionedProfile
from server.platform import Platform
from wire.auth import ClientIdentity
from wire.provisioning import profile_sha256, raw_public_key, sign_profile


def platform_public_key(platform: Platform) -> bytes:
    """The raw Ed25519 public key the installers build in."""
    return raw_public_key(platform.config.provisioning_private_key())


def sign_institution_profile(
    platform: Platform, db: Session, fields: Mapping[str, JsonValue], actor: str
) -> bytes:
    """The signed profile file for `fields` (as an institution wrote them, without
    `issued_ms`), recorded as known so its clients are admitted."""
    issued_ms = platform.clock.now_ms()
    profile = {**fields, "issued_ms": issued_ms}
    document = sign_profile(profile, platform.config.provisioning_private_key())
    digest = profile_sha256(profile)
    db.add(
        ProvisionedProfile(
            sha256=digest,
            institution_code=str(profile.get("institution_code", "")),
            issued_ms=issued_ms,
        )
    )
    platform.audit(db, actor, "sign_profile", digest[:16], institution=profile["institution_code"])
    return document


def admit_client(platform: Platform, db: Session, client: ClientIdentity | None) -> None:
    """Refuses a sign-in from a client the platform does not accept, saying why."""
    config = platform.config
    policy = ClientPolicy(config.min_client_version, config.require_known_profile)
    claim = ClientClaim(
        version=client.version if client else None,
        profile_sha256=client.profile_sha256 if client else None,
    )
    known = False
    if policy.require_known_profile and claim.profile_sha256:
        row = db.get(ProvisionedProfile, claim.profile_sha256)
        known = row is not None and row.revoked_ms is None
    refusal = client_refusal(claim, policy, known)
    if refusal is ClientRefusal.OUTDATED:
        raise ApiError(
            HTTPStatus.UPGRADE_REQUIRED,
            refusal,
            "this client version is below the platform's minimum",
            details={"min_client_version": config.min_client_version},
        )
    if refusal is ClientRefusal.PROFILE_UNKNOWN:
        raise ApiError(
            HTTPStatus.FORBIDDEN,
            refusal,
            "this client's provisioning profile was not signed by this platform",
        )
