"""Multi-factor sign-in (Attachment 1 item 1) and one session at a time (item 2).

First factor: password, or a code sent by SMS. Second factor: a face check on a
challenge the server issued, whose evidence it judges itself (server.face_evidence).
Only then does the device register (or prove) its key and a session token exist. A new
session revokes the account's other sessions ("signed in elsewhere") and any other
learner's session on the same device ("another learner signed in here").
"""

from __future__ import annotations

import base64
import binascii
import logging

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from records.events import GENESIS_HASH
from server import face_evidence, identity
from server.environment import judge_sign_in
from server.errors import ApiError, bad_request, forbidden, too_many, unauthorized
from server.face_evidence import FACE_REFUSALS, FaceProof
from server.field_crypto import (
    dummy_verify_password,
    hash_password,
    password_needs_rehash,
    verify_password,
)
from server.models import (
    Account,
    AuthSession,
    Device,
    Learner,
    LoginChallenge,
    SmsCode,
)
from server.platform import Platform, VerificationSettings
from server.tokens import new_id, new_sms_code, new_token, token_hash
from verification.face_embedding import template_from_embeddings
from wire.auth import ClientIdentity, FirstFactorPassed, SignedIn, SmsCodeSent
from wire.face import LivenessChallenge

log = logging.getLogger("server.auth")

SIGNED_IN_ELSEWHERE = "signed_in_elsewhere"
ANOTHER_LEARNER_ON_DEVICE = "another_learner_on_device"
ACCOUNT_DISABLED = "account_disabled"
SIGNED_OUT = "signed_out"
SESSION_EXPIRED = "session_expired"
MAX_SMS_ATTEMPTS = 5
ED25519_PUBLIC_KEY_BYTES = 32


def _check_rate(platform: Platform, address: str) -> None:
    if not platform.login_limiter.allow(address, platform.clock.now_ms()):
        raise too_many("rate_limited", "too many sign-in attempts from this address")


def _usable_account(platform: Platform, account: Account) -> None:
    if account.disabled:
        raise forbidden(ACCOUNT_DISABLED, "this account is disabled")
    if account.locked_until_ms > platform.clock.now_ms():
        raise forbidden(
            "account_locked",
            "too many failed attempts; the account is locked for a while",
            locked_until_ms=account.locked_until_ms,
        )


def record_failure(platform: Platform, account: Account) -> None:
    account.failed_logins += 1
    if account.failed_logins >= platform.config.max_failed_logins:
        account.locked_until_ms = platform.clock.now_ms() + platform.config.lockout_ms
        account.failed_logins = 0
        log.warning("account locked", extra={"data": {"account": account.id}})


def _open_challenge(
    platform: Platform,
    db: Session,
    account: Account,
    device_id: str,
    factor: str,
    client: ClientIdentity | None,
) -> FirstFactorPassed:
    learner = db.get(Learner, account.learner_id)
    assert learner is not None
    judge_sign_in(platform, db, learner, device_id, client.environment if client else [])
    token = new_token()
    now = platform.clock.now_ms()
    challenge = LoginChallenge(
        id=new_id("chal"),
        token_hash=token_hash(token),
        account_id=account.id,
        device_id=device_id,
        first_factor=factor,
        created_ms=now,
        expires_ms=now + platform.config.login_challenge_ttl_ms,
        face_attempts=0,
        completed=False,
        client_version=client.version if client else None,
        profile_sha256=client.profile_sha256 if client else None,
        machine_id=client.machine_id if client else None,
    )
    db.add(challenge)
    return FirstFactorPassed(
        challenge_token=token,
        next_step="face",
        expires_ms=challenge.expires_ms,
        face_enrolled=learner.face_template_enc is not None,
    )


def _valid_device_id(device_id: str) -> None:
    if not device_id or len(device_id) > 64 or not device_id.isprintable():
        raise bad_request("bad_device_id", "the device id is missing or too long")


def password_factor(
    platform: Platform,
    db: Session,
    login_name: str,
    password: str,
    device_id: str,
    address: str,
    client: ClientIdentity | None = None,
) -> FirstFactorPassed:
    _check_rate(platform, address)
    _valid_device_id(device_id)
    account = db.scalar(select(Account).where(Account.login_name == login_name))
    if account is None:
        dummy_verify_password(password)  # the same work: timing tells nothing
        raise unauthorized("invalid_credentials", "wrong account name or password")
    _usable_account(platform, account)
    if not verify_password(account.password_hash, password):
        record_failure(platform, account)
        raise unauthorized(
            "invalid_credentials", "wrong account name or password", keep_changes=True
        )
    # The failure count is not reset here: only a whole sign-in (the face too) resets it,
    # so a script that has the password cannot wipe the face failures it piles up.
    if password_needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    return _open_challenge(platform, db, account, device_id, "password", client)


def _account_by_phone(platform: Platform, db: Session, phone: str) -> Account | None:
    digits = identity.normalized_phone(phone)
    learner_id = db.scalar(
        select(Learner.id).where(
            Learner.phone_hash == platform.vault.lookup(digits, identity.PHONE)
        )
    )
    if learner_id is None:
        return None
    return db.scalar(select(Account).where(Account.learner_id == learner_id))


def request_sms_code(platform: Platform, db: Session, phone: str, address: str) -> SmsCodeSent:
    _check_rate(platform, address)
    if platform.sms_gateway is None:
        raise ApiError(503, "sms_unavailable", "sign-in by SMS is not available here")
    account = _account_by_phone(platform, db, phone)
    now = platform.clock.now_ms()
    # The answer is the same whether or not the number is registered (no enumeration).
    if account is not None and not account.disabled:
        code = new_sms_code()
        db.add(
            SmsCode(
                id=new_id("sms"),
                account_id=account.id,
                code_hash=token_hash(account.id + code),
                created_ms=now,
                expires_ms=now + platform.config.sms_code_ttl_ms,
                attempts=0,
                used=False,
            )
        )
        platform.sms_gateway.send_login_code(identity.normalized_phone(phone), code)
    return SmsCodeSent(sent=True, expires_in_ms=platform.config.sms_code_ttl_ms)


def sms_factor(
    platform: Platform,
    db: Session,
    phone: str,
    code: str,
    device_id: str,
    address: str,
    client: ClientIdentity | None = None,
) -> FirstFactorPassed:
    _check_rate(platform, address)
    _valid_device_id(device_id)
    account = _account_by_phone(platform, db, phone)
    if account is None:
        raise unauthorized("invalid_code", "the code is wrong or has expired")
    _usable_account(platform, account)
    now = platform.clock.now_ms()
    sent = db.scalar(
        select(SmsCode)
        .where(SmsCode.account_id == account.id, SmsCode.used.is_(False))
        .order_by(SmsCode.created_ms.desc())
        .limit(1)
    )
    if sent is None or sent.expires_ms < now or sent.attempts >= MAX_SMS_ATTEMPTS:
        raise unauthorized("invalid_code", "the code is wrong or has expired")
    sent.attempts += 1
    if sent.code_hash != token_hash(account.id + code):
        record_failure(platform, account)
        raise unauthorized("invalid_code", "the code is wrong or has expired", keep_changes=True)
    sent.used = True
    return _open_challenge(platform, db, account, device_id, "sms", client)


def _open_login(
    platform: Platform, db: Session, challenge_token: str, device_id: str
) -> tuple[LoginChallenge, Account, Learner, VerificationSettings]:
    """The sign-in waiting for its face check, refused when it has expired or was
    begun on another device."""
    challenge = db.scalar(
        select(LoginChallenge).where(LoginChallenge.token_hash == token_hash(challenge_token))
    )
    now = platform.clock.now_ms()
    if challenge is None or challenge.completed or challenge.expires_ms < now:
        raise unauthorized("challenge_expired", "sign in again with your password or code")
    if challenge.device_id != device_id:
        raise unauthorized("challenge_expired", "sign in again with your password or code")
    account = db.get(Account, challenge.account_id)
    assert account is not None
    _usable_account(platform, account)
    learner = db.get(Learner, account.learner_id)
    assert learner is not None
    settings = platform.verification_settings(
        identity.institution_of(db, learner).verification_json
    )
    if challenge.face_attempts >= settings.max_face_attempts:
        raise forbidden("too_many_face_attempts", "too many failed face checks; sign in again")
    return challenge, account, learner, settings


def login_face_challenge(
    platform: Platform, db: Session, challenge_token: str, device_id: str, address: str
) -> LivenessChallenge:
    """The liveness challenge the sign-in's face check must perform."""
    _check_rate(platform, address)
    login, _account, learner, settings = _open_login(platform, db, challenge_token, device_id)
    return face_evidence.issue_challenge(
        platform, db, learner.id, device_id, settings, login_challenge_id=login.id
    )


def face_factor(
    platform: Platform,
    db: Session,
    challenge_token: str,
    device_id: str,
    device_public_key_b64: str | None,
    proof: FaceProof,
    consent_to_enrollment: bool,
    address: str,
) -> SignedIn:
    _check_rate(platform, address)
    now = platform.clock.now_ms()
    login, account, learner, settings = _open_login(platform, db, challenge_token, device_id)
    issued = face_evidence.open_challenge(
        platform, db, proof, learner.id, device_id, login_challenge_id=login.id
    )
    offered_key = _decoded_device_key(device_public_key_b64)
    key = _evidence_key(db, device_id, offered_key)
    verdict = face_evidence.judge_face_proof(platform, db, learner, issued, proof, key, settings)
    face_evidence.close_challenge(platform, db, issued)
    login.face_attempts += 1
    face_evidence.record_face_check(platform, db, learner.id, device_id, proof, verdict, "login")
    if verdict.reason == "face_not_enrolled":
        institution = identity.institution_of(db, learner)
        if institution.allow_self_enrollment and consent_to_enrollment and verdict.embedding:
            template = template_from_embeddings([verdict.embedding])
            pending_id = identity.propose_enrollment(platform, db, learner, template.to_bytes())
            learner.face_consent_ms = now
            raise forbidden(
                "enrollment_pending",
                "your face was recorded; an administrator must approve it before you study",
                keep_changes=True,
                enrollment_id=pending_id,
            )
        raise forbidden(
            "face_not_enrolled", "no face template: ask your institution", keep_changes=True
        )
    if not verdict.passed:
        if verdict.reason in FACE_REFUSALS:
            record_failure(platform, account)  # a face that is not theirs, or no life
        attempts_left = max(0, settings.max_face_attempts - login.face_attempts)
        raise unauthorized(
            verdict.reason,
            "the face check did not pass",
            keep_changes=True,
            attempts_left=attempts_left,
        )
    device = _bind_device(platform, db, device_id, offered_key, account)
    login.completed = True
    account.failed_logins = 0
    return _start_session(platform, db, account, learner, device, address, login)


def _decoded_device_key(public_key_b64: str | None) -> bytes | None:
    if not public_key_b64:
        return None
    try:
        key = base64.b64decode(public_key_b64, validate=True)
    except (binascii.Error, ValueError) as error:
        raise bad_request("bad_device_key", "the device key is not base64") from error
    if len(key) != ED25519_PUBLIC_KEY_BYTES:
        raise bad_request("bad_device_key", "a device key is 32 bytes of Ed25519")
    return key


def _evidence_key(db: Session, device_id: str, offered_key: bytes | None) -> bytes:
    """The key a face check's evidence must be signed with: the device's registered key,
    or for a device signing in for the first time the key it registers now."""
    device = db.get(Device, device_id)
    if device is not None:
        return bytes(device.public_key)
    if offered_key is None:
        raise bad_request("device_not_registered", "a new device must send its public key")
    return offered_key


def _bind_device(
    platform: Platform, db: Session, device_id: str, key: bytes | None, account: Account
) -> Device:
    device = db.get(Device, device_id)
    if device is None:
        assert key is not None  # _evidence_key refused a new device without one
        device = Device(
            id=device_id,
            public_key=key,
            registered_by=account.id,
            registered_ms=platform.clock.now_ms(),
            last_seq=0,
            last_hash=GENESIS_HASH,
        )
        db.add(device)
        db.flush()
        platform.audit(db, account.id, "device_registered", device_id)
    elif key is not None and key != device.public_key:
        # A device keeps its key for life; a new key is a new device id.
        raise forbidden("device_key_mismatch", "this device id is registered with another key")
    return device


def _start_session(
    platform: Platform,
    db: Session,
    account: Account,
    learner: Learner,
    device: Device,
    address: str,
    login: LoginChallenge,
) -> SignedIn:
    now = platform.clock.now_ms()
    active = AuthSession.revoked_ms.is_(None)
    db.execute(
        update(AuthSession)
        .where(active, AuthSession.account_id == account.id)
        .values(revoked_ms=now, revoke_reason=SIGNED_IN_ELSEWHERE)
    )
    same_pc = AuthSession.device_id == device.id
    if login.machine_id is not None:
        # Another OS account of the same PC has a device of its own, on the same machine.
        same_pc = or_(same_pc, AuthSession.machine_id == login.machine_id)
    db.execute(
        update(AuthSession)
        .where(active, same_pc, AuthSession.account_id != account.id)
        .values(revoked_ms=now, revoke_reason=ANOTHER_LEARNER_ON_DEVICE)
    )
    token = new_token()
    session = AuthSession(
        id=new_id("sess"),
        token_hash=token_hash(token),
        account_id=account.id,
        learner_id=learner.id,
        device_id=device.id,
        created_ms=now,
        last_seen_ms=now,
        ip_address=address,
        client_version=login.client_version,
        profile_sha256=login.profile_sha256,
        machine_id=login.machine_id,
    )
    db.add(session)
    log.info("signed in", extra={"data": {"account": account.id, "device": device.id}})
    return SignedIn(
        session_token=token,
        learner_id=learner.id,
        device_id=device.id,
        device_last_seq=device.last_seq,
        device_last_hash=device.last_hash,
        server_time_ms=now,
    )


def authenticate(platform: Platform, db: Session, token: str | None) -> AuthSession:
    """The live session of a bearer token, or the reason it is not live."""
    if not token:
        raise unauthorized("not_signed_in", "sign in first")
    session = db.scalar(select(AuthSession).where(AuthSession.token_hash == token_hash(token)))
    if session is None:
        raise unauthorized("not_signed_in", "sign in first")
    account = db.get(Account, session.account_id)
    assert account is not None
    now = platform.clock.now_ms()
    if account.disabled and session.revoked_ms is None:
        session.revoked_ms, session.revoke_reason = now, ACCOUNT_DISABLED
    expires_ms = min(
        session.last_seen_ms + platform.config.session_idle_ms,
        session.created_ms + platform.config.session_max_ms,
    )
    if session.revoked_ms is None and now > expires_ms:
        # Revoked as of the moment it expired: nothing timed after that earns.
        session.revoked_ms, session.revoke_reason = expires_ms, SESSION_EXPIRED
    if session.revoked_ms is not None:
        messages = {
            SIGNED_IN_ELSEWHERE: "your account signed in on another device",
            ANOTHER_LEARNER_ON_DEVICE: "another learner signed in on this computer",
            ACCOUNT_DISABLED: "this account is disabled",
            SIGNED_OUT: "you signed out",
            SESSION_EXPIRED: "your sign-in has expired",
        }
        reason = session.revoke_reason or SIGNED_OUT
        raise unauthorized(
            reason,
            messages.get(reason, "signed out"),
            keep_changes=True,
            revoked_ms=session.revoked_ms,
        )
    session.last_seen_ms = now
    return session


def sign_out(platform: Platform, db: Session, session: AuthSession) -> None:
    session.revoked_ms, session.revoke_reason = platform.clock.now_ms(), SIGNED_OUT


def disable_account(platform: Platform, db: Session, account: Account) -> None:
    """Disable at once: every live sign-in of the account is revoked now, so its devices
    earn nothing from this moment, whatever they upload later."""
    account.disabled = True
    db.execute(
        update(AuthSession)
        .where(AuthSession.account_id == account.id, AuthSession.revoked_ms.is_(None))
        .values(revoked_ms=platform.clock.now_ms(), revoke_reason=ACCOUNT_DISABLED)
    )
