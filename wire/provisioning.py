"""An institution's provisioning profile: which platform its installer talks to and how
far to trust it, signed by the platform's provisioning key (Ed25519).

The platform signs (`python -m server sign-profile`); the client verifies against the
platform key built into its package and refuses anything else with its own reason. The
signature covers the canonical JSON of the profile as written, so a client reads a
profile that a newer platform signed with fields it does not know (they are ignored
after the signature is checked), and the profile's SHA-256, sent at sign-in, names it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, cast

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from records.canonical import CanonicalJsonError, JsonValue, canonical_json

PROFILE_FORMAT: Literal[1] = 1
MAX_PROFILE_BYTES = 256 * 1024


class ProvisioningProfile(BaseModel):
    """What an institution presets. Unknown fields are ignored (a newer platform's)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    format: Literal[1] = PROFILE_FORMAT
    platform_url: str = Field(min_length=8, max_length=300)
    institution_code: str = Field(min_length=1, max_length=64)
    # PEM certificates to trust besides the system's (an intranet's own CA).
    extra_ca_pem: str = Field(default="", max_length=64 * 1024)
    # Base64 SHA-256 of the platform certificate's SubjectPublicKeyInfo.
    spki_pins: tuple[str, ...] = ()
    # A lab PC's client (app/kiosk.py): full screen, nothing else reachable, closed only
    # with the administrator's PIN, whose salted hash (`hash_exit_pin`) is here.
    kiosk: bool = False
    kiosk_exit_pin: str = Field(default="", max_length=300)
    # Where the store's key comes from (sync/keystore.py): the account's OS key store,
    # or the PC's key file, for kiosk accounts that have no unlocked key ring.
    key_store: Literal["os_keyring", "machine_file"] = "os_keyring"
    machine_key_path: str = Field(default="/etc/vocational-learning-client/machine.key")
    camera_policy: Literal["any", "physical_only"] = "physical_only"
    update_channel: Literal["stable", "beta"] = "stable"
    issued_ms: int = Field(ge=0)

    @field_validator("kiosk_exit_pin")
    @classmethod
    def _a_pin_hash(cls, value: str) -> str:
        if value and _parse_pin_hash(value) is None:
            raise ValueError("kiosk_exit_pin must be made by hash_exit_pin, not a PIN")
        return value

    @field_validator("platform_url")
    @classmethod
    def _https_or_loopback(cls, url: str) -> str:
        if not (url.startswith("https://") or url.startswith("http://127.0.0.1")):
            raise ValueError("the platform address must be https:// (or loopback for tests)")
        return url.rstrip("/")


# scrypt at about 50 ms and 16 MiB per try: cheap for an administrator closing the
# client, slow for whoever copied the profile and tries every 6-digit PIN offline.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
_PIN_HASH = re.compile(r"scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]{24})\$([A-Za-z0-9+/=]{44})")
MIN_PIN_LENGTH = 6


def _parse_pin_hash(text: str) -> tuple[int, int, int, bytes, bytes] | None:
    found = _PIN_HASH.fullmatch(text)
    if found is None:
        return None
    n, r, p = (int(found.group(i)) for i in (1, 2, 3))
    if n < 2**10 or n > 2**20 or n & (n - 1) or not 1 <= r <= 32 or not 1 <= p <= 16:
        return None
    return n, r, p, base64.b64decode(found.group(4)), base64.b64decode(found.group(5))


def hash_exit_pin(pin: str) -> str:
    """The kiosk exit PIN as the profile keeps it: scrypt, a random salt, parameters."""
    if len(pin) < MIN_PIN_LENGTH or not pin.isdigit():
        raise ValueError(f"the PIN must be at least {MIN_PIN_LENGTH} digits")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        pin.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32
    )
    encoded = (base64.b64encode(part).decode("ascii") for part in (salt, digest))
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${'$'.join(encoded)}"


def exit_pin_matches(pin: str, stored: str) -> bool:
    """Whether `pin` is the one `stored` was made from (False for no stored hash)."""
    parsed = _parse_pin_hash(stored)
    if parsed is None:
        return False
    n, r, p, salt, expected = parsed
    try:
        digest = hashlib.scrypt(
            pin.encode(), salt=salt, n=n, r=r, p=p, dklen=len(expected), maxmem=64 << 20
        )
    except (ValueError, UnicodeEncodeError):
        return False
    return hmac.compare_digest(digest, expected)


class SignedProfileFile(BaseModel):
    """The file as written: the profile as plain JSON, the signing key's id and the
    signature over the profile's canonical bytes."""

    model_config = ConfigDict(extra="forbid")

    profile: dict[str, object]
    key_id: str = Field(min_length=16, max_length=16)
    signature_b64: str = Field(min_length=1, max_length=200)


ProfileProblem = Literal[
    "profile_unreadable",  # not a profile file at all, or cut short
    "profile_other_key",  # signed, but not by this platform's provisioning key
    "profile_tampered",  # this platform's key id, but the signature does not verify
    "profile_invalid",  # signed by the platform, but this client cannot use it
]


class ProfileError(ValueError):
    def __init__(self, code: ProfileProblem, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code: ProfileProblem = code


@dataclass(frozen=True)
class VerifiedProfile:
    profile: ProvisioningProfile
    sha256: str  # of the canonical profile bytes: what the client reports at sign-in


def key_id(public_key: bytes) -> str:
    """Sixteen hex digits naming a provisioning key (not secret: it is in every file)."""
    return hashlib.sha256(public_key).hexdigest()[:16]


def raw_public_key(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def sign_profile(profile: Mapping[str, JsonValue], private_key: Ed25519PrivateKey) -> bytes:
    """The profile file's bytes. The profile is checked as a client would read it
    first, so a platform never hands out a profile its clients refuse."""
    message = canonical_json(profile)
    ProvisioningProfile.model_validate(profile)
    signed = SignedProfileFile(
        profile=dict(profile),
        key_id=key_id(raw_public_key(private_key)),
        signature_b64=base64.b64encode(private_key.sign(message)).decode("ascii"),
    )
    return json.dumps(signed.model_dump(), ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def profile_sha256(profile: Mapping[str, JsonValue]) -> str:
    return hashlib.sha256(canonical_json(profile)).hexdigest()


def read_profile(data: bytes, platform_key: bytes) -> VerifiedProfile:
    """The profile in `data` if the platform's provisioning key signed it, else a
    `ProfileError` whose code says what is wrong with it."""
    if len(data) > MAX_PROFILE_BYTES:
        raise ProfileError("profile_unreadable", "the file is too large for a profile")
    try:
        signed = SignedProfileFile.model_validate_json(data)
        message = canonical_json(cast(JsonValue, signed.profile))
        signature = base64.b64decode(signed.signature_b64, validate=True)
    except (ValidationError, CanonicalJsonError, binascii.Error, ValueError) as error:
        raise ProfileError("profile_unreadable", type(error).__name__) from error
    if signed.key_id != key_id(platform_key):
        raise ProfileError("profile_other_key", f"signed by key {signed.key_id}")
    try:
        Ed25519PublicKey.from_public_bytes(platform_key).verify(signature, message)
    except InvalidSignature as error:
        raise ProfileError("profile_tampered", "the signature does not verify") from error
    try:
        profile = ProvisioningProfile.model_validate(signed.profile)
    except ValidationError as error:
        fields = ", ".join(str(e["loc"][0]) for e in error.errors() if e["loc"])
        raise ProfileError("profile_invalid", f"unusable fields: {fields}") from error
    return VerifiedProfile(profile, hashlib.sha256(message).hexdigest())
