"""Sign-in on the wire: a first factor (password or SMS code), then a face check, then
a session token."""

from __future__ import annotations

from pydantic import Field

from wire.base import Answer, Body
from wire.environment import EnvironmentSignalReport
from wire.face import FaceProofBody


class ClientIdentity(Body):
    """Which client asks to sign in: its version and the SHA-256 of the institution's
    provisioning profile it runs under (none: a source or demo run). A claim like any
    other: the server refuses versions below its minimum and profiles it never signed,
    which stops an outdated or foreign installer, not a determined forger."""

    version: str = Field(pattern=r"^\d{1,4}\.\d{1,4}\.\d{1,4}$")
    profile_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    # The PC's own identity, the same for every OS account on it (app.machine_identity):
    # the device key belongs to one account's store, so a lab PC with several accounts
    # has several devices but one machine.
    machine_id: str | None = Field(default=None, pattern=r"^[0-9a-f]{32}$")
    environment: list[EnvironmentSignalReport] = Field(default_factory=list, max_length=32)


class PasswordLogin(Body):
    login_name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)
    device_id: str = Field(min_length=1, max_length=64)
    client: ClientIdentity | None = None


class SmsRequest(Body):
    phone: str = Field(min_length=1, max_length=20)


class SmsLogin(Body):
    phone: str = Field(min_length=1, max_length=20)
    code: str = Field(min_length=1, max_length=10)
    device_id: str = Field(min_length=1, max_length=64)
    client: ClientIdentity | None = None


class LoginFaceChallenge(Body):
    challenge_token: str = Field(min_length=1, max_length=200)
    device_id: str = Field(min_length=1, max_length=64)


class FaceLogin(Body):
    challenge_token: str = Field(min_length=1, max_length=200)
    device_id: str = Field(min_length=1, max_length=64)
    device_public_key_b64: str | None = Field(default=None, max_length=100)
    consent_to_enrollment: bool = False
    face: FaceProofBody


class FirstFactorPassed(Answer):
    """The password or SMS code was right: the face check comes next."""

    challenge_token: str
    next_step: str  # "face"
    expires_ms: int
    face_enrolled: bool


class SmsCodeSent(Answer):
    """The same answer whether or not the number is registered."""

    sent: bool
    expires_in_ms: int


class SignedIn(Answer):
    """A new session, and where the device's event chain stands on the server."""

    session_token: str
    learner_id: str
    device_id: str
    device_last_seq: int
    device_last_hash: str
    server_time_ms: int


class SignedOut(Answer):
    signed_out: bool
