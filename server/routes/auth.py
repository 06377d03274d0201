"""Sign-in (Attachment 1 items 1-2): a password or SMS code, then a face check on a
challenge the server issued; and sign-out."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import APIRouter

from server import auth
from server.face_evidence import face_proof
from server.provisioning import admit_client
from server.routes.deps import ClientAddress, LearnerSession, PlatformDep, refusals
from wire.auth import (
    FaceLogin,
    FirstFactorPassed,
    LoginFaceChallenge,
    PasswordLogin,
    SignedIn,
    SignedOut,
    SmsCodeSent,
    SmsLogin,
    SmsRequest,
)
from wire.face import LivenessChallenge

router = APIRouter(
    prefix="/auth",
    tags=["sign-in"],
    responses=refusals(
        HTTPStatus.BAD_REQUEST,
        HTTPStatus.UNAUTHORIZED,
        HTTPStatus.FORBIDDEN,
        HTTPStatus.UPGRADE_REQUIRED,
        HTTPStatus.TOO_MANY_REQUESTS,
    ),
)


@router.post("/password")
def login_password(
    body: PasswordLogin, platform: PlatformDep, address: ClientAddress
) -> FirstFactorPassed:
    with platform.transaction() as db:
        admit_client(platform, db, body.client)
        return auth.password_factor(
            platform, db, body.login_name, body.password, body.device_id, address, body.client
        )


@router.post("/sms/request")
def sms_request(body: SmsRequest, platform: PlatformDep, address: ClientAddress) -> SmsCodeSent:
    with platform.transaction() as db:
        return auth.request_sms_code(platform, db, body.phone, address)


@router.post("/sms/verify")
def login_sms(body: SmsLogin, platform: PlatformDep, address: ClientAddress) -> FirstFactorPassed:
    with platform.transaction() as db:
        admit_client(platform, db, body.client)
        return auth.sms_factor(
            platform, db, body.phone, body.code, body.device_id, address, body.client
        )


@router.post("/face/challenge")
def login_face_challenge(
    body: LoginFaceChallenge, platform: PlatformDep, address: ClientAddress
) -> LivenessChallenge:
    with platform.transaction() as db:
        return auth.login_face_challenge(
            platform, db, body.challenge_token, body.device_id, address
        )


@router.post("/face")
def login_face(body: FaceLogin, platform: PlatformDep, address: ClientAddress) -> SignedIn:
    proof = face_proof(body.face)
    with platform.transaction() as db:
        return auth.face_factor(
            platform,
            db,
            body.challenge_token,
            body.device_id,
            body.device_public_key_b64,
            proof,
            body.consent_to_enrollment,
            address,
        )


@router.post("/logout")
def logout(session: LearnerSession, platform: PlatformDep) -> SignedOut:
    with platform.transaction() as db:
        auth.sign_out(platform, db, db.merge(session))
    return SignedOut(signed_out=True)
