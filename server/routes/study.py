"""A study session (Attachment 1 item 3): start a course video, the face checks the
server asks for, heartbeats with their signed events, the end; and batch uploads."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import APIRouter

from server import study
from server.face_evidence import face_proof
from server.ingest import ingest_batch, parse_batch
from server.routes.deps import ClientAddress, LearnerSession, PlatformDep, refusals
from wire.face import LivenessChallenge
from wire.study import (
    EventBatch,
    FaceCheckResult,
    Heartbeat,
    HeartbeatAnswer,
    StartStudy,
    StudyEnded,
    StudyFaceChallenge,
    StudyFaceCheck,
    StudyStarted,
    UploadAck,
)

router = APIRouter(
    tags=["study"],
    responses=refusals(
        HTTPStatus.BAD_REQUEST,
        HTTPStatus.UNAUTHORIZED,
        HTTPStatus.FORBIDDEN,
        HTTPStatus.NOT_FOUND,
        HTTPStatus.TOO_MANY_REQUESTS,
    ),
)


@router.post("/study/start")
def start(
    body: StartStudy, session: LearnerSession, platform: PlatformDep, address: ClientAddress
) -> StudyStarted:
    with platform.transaction() as db:
        return study.start_study(platform, db, session, body.course_id, address)


@router.post("/study/{study_session_id}/challenge")
def study_challenge(
    study_session_id: str,
    body: StudyFaceChallenge,
    session: LearnerSession,
    platform: PlatformDep,
) -> LivenessChallenge:
    with platform.transaction() as db:
        return study.study_face_challenge(platform, db, session, study_session_id, body.due_id)


@router.post("/study/{study_session_id}/face-check")
def face_check(
    study_session_id: str, body: StudyFaceCheck, session: LearnerSession, platform: PlatformDep
) -> FaceCheckResult:
    proof = face_proof(body.face)
    with platform.transaction() as db:
        return study.study_face_check(platform, db, session, study_session_id, body.due_id, proof)


@router.post("/study/{study_session_id}/heartbeat")
def beat(
    study_session_id: str, body: Heartbeat, session: LearnerSession, platform: PlatformDep
) -> HeartbeatAnswer:
    items = [e.model_dump() for e in body.events]
    events = parse_batch(platform, items) if items else []
    with platform.transaction() as db:
        return study.heartbeat(platform, db, session, study_session_id, events)


@router.post("/study/{study_session_id}/end")
def end(study_session_id: str, session: LearnerSession, platform: PlatformDep) -> StudyEnded:
    with platform.transaction() as db:
        study.end_study(platform, db, session, study_session_id)
    return StudyEnded(ended=True)


@router.post("/events/batch")
def upload(body: EventBatch, platform: PlatformDep) -> UploadAck:
    # Authenticated by the device signatures, not a session token: events made before
    # a sign-out must still reach the server (the client flushes after revocation).
    batch = parse_batch(platform, [e.model_dump() for e in body.events])
    with platform.transaction() as db:
        return ingest_batch(platform, db, batch)
