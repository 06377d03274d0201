"""Face checks as the server decides them: it issues each challenge (the actions, in
order, under a one-time id), and judges the signed burst of face-region frames that
answers it with the client's own Qt-free modules: landmarks and liveness on every frame,
the same person across the frames it samples, that person against the enrolled
template. The client's verdict is never asked for.

The frames exist only in memory while they are judged; a check keeps the hash of its
identity frame, the distance and the decision."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from records.signing import detached_signature_valid, face_burst_message
from server import identity
from server.errors import ApiError, bad_request, conflict, too_many
from server.face_challenge_rules import burst_timing_refusal, draw_actions
from server.models import FaceChallenge, FaceCheck, Learner
from server.platform import Platform, VerificationSettings
from server.tokens import new_id
from verification.burst import (
    FRAME_MAX_SIDE,
    MAX_BURST_FRAMES,
    MAX_FRAME_BYTES,
    BurstFrame,
    judge_burst,
)
from verification.face_embedding import (
    FaceEmbedding,
    FaceTemplate,
    MatchPolicy,
    UnreadableImageError,
    decode_jpeg,
    jpeg_dimensions,
)
from verification.landmarks import FaceAnalyzer
from verification.liveness import Action, Challenge, LivenessPolicy
from wire.face import FaceProofBody, LivenessChallenge

# Failed face checks that count toward the account lock, like a wrong password: not a
# photo with no face in it or a camera problem, which say nothing about who is there.
LIVENESS_FAILED = "liveness_failed"
SIMULATED_CAMERA_REFUSED = "simulated_camera_refused"
VIRTUAL_CAMERA_REFUSED = "virtual_camera_refused"
EVIDENCE_REUSED = "evidence_reused"
BAD_SIGNATURE = "bad_signature"
FACE_REFUSALS = frozenset(
    {
        "face_not_matched",
        LIVENESS_FAILED,
        EVIDENCE_REUSED,
        BAD_SIGNATURE,
        "burst_out_of_order",
        "burst_longer_than_issued",
    }
)


@dataclass(frozen=True)
class FaceProof:
    """The evidence of one check, as received: untrusted until judged."""

    challenge_id: str
    frames: tuple[BurstFrame, ...]
    signature: bytes
    simulated_camera: bool = False  # the client's report: an animated photo
    virtual_camera: str | None = None  # the client's report: a virtual camera's kind


def decode_frames(items: Sequence[tuple[int, str]]) -> tuple[BurstFrame, ...]:
    """The burst's frames from the wire, refused before any pixel is decoded when they
    are not what a check sends: too many, too large in bytes or in pixels (a small file
    can declare gigapixels and hold the judge for seconds), or not whole JPEGs."""
    if not items or len(items) > MAX_BURST_FRAMES:
        raise bad_request("bad_burst", "a face check sends its frames", max_frames=MAX_BURST_FRAMES)
    frames = []
    for at_ms, jpeg_b64 in items:
        try:
            jpeg = base64.b64decode(jpeg_b64, validate=True)
        except (binascii.Error, ValueError) as error:
            raise bad_request("unreadable_image", "a frame is not base64") from error
        if not jpeg or len(jpeg) > MAX_FRAME_BYTES:
            raise bad_request("unreadable_image", "a frame is empty or too large")
        try:
            width, height = jpeg_dimensions(jpeg)
        except UnreadableImageError as error:
            raise bad_request("unreadable_image", "a frame is not a whole JPEG") from error
        if max(width, height) > FRAME_MAX_SIDE:
            raise bad_request(
                "image_too_large", "a frame is larger than a check sends", max_side=FRAME_MAX_SIDE
            )
        frames.append(BurstFrame(at_ms, jpeg))
    return tuple(frames)


def face_proof(body: FaceProofBody) -> FaceProof:
    """The evidence as sent, its frames and signature decoded (not judged yet)."""
    try:
        signature = base64.b64decode(body.signature_b64, validate=True)
    except (binascii.Error, ValueError) as error:
        raise bad_request("bad_signature", "the signature is not base64") from error
    return FaceProof(
        challenge_id=body.challenge_id,
        frames=decode_frames([(f.at_ms, f.jpeg_b64) for f in body.frames]),
        signature=signature,
        simulated_camera=body.camera.simulated,
        virtual_camera=body.camera.virtual,
    )


def check_face_rate(platform: Platform, learner_id: str) -> None:
    if not platform.face_check_limiter.allow(learner_id, platform.clock.now_ms()):
        raise too_many("rate_limited", "too many face checks; wait a minute", retry_after_s=60)


def issue_challenge(
    platform: Platform,
    db: Session,
    learner_id: str,
    device_id: str,
    settings: VerificationSettings,
    *,
    login_challenge_id: str | None = None,
    due_id: str | None = None,
) -> LivenessChallenge:
    """A new challenge for the sign-in or the due check; any open one it replaces is
    closed (one attempt at a time). Rate limited per learner."""
    check_face_rate(platform, learner_id)
    now = platform.clock.now_ms()
    bound = (
        FaceChallenge.login_challenge_id == login_challenge_id
        if login_challenge_id is not None
        else FaceChallenge.due_id == due_id
    )
    db.execute(
        update(FaceChallenge)
        .where(FaceChallenge.learner_id == learner_id, bound, FaceChallenge.closed_ms.is_(None))
        .values(closed_ms=now)
    )
    policy = settings.challenge_policy()
    actions = draw_actions(policy)
    challenge = FaceChallenge(
        id=new_id("fch"),
        learner_id=learner_id,
        device_id=device_id,
        login_challenge_id=login_challenge_id,
        due_id=due_id,
        actions_json=json.dumps(actions),
        issued_ms=now,
        expires_ms=now + policy.ttl_ms,
    )
    db.add(challenge)
    return LivenessChallenge(
        challenge_id=challenge.id,
        actions=list(actions),
        issued_ms=challenge.issued_ms,
        expires_ms=challenge.expires_ms,
    )


def open_challenge(
    platform: Platform,
    db: Session,
    proof: FaceProof,
    learner_id: str,
    device_id: str,
    *,
    login_challenge_id: str | None = None,
    due_id: str | None = None,
) -> FaceChallenge:
    """The open challenge this evidence answers. An unknown, used, superseded or expired
    one, or one issued for another sign-in, due check or device, is refused (ask for a
    new one). Nothing is written: the evidence is judged first, with no write pending
    (a judgement takes most of a second, and SQLite has one writer)."""
    challenge = db.get(FaceChallenge, proof.challenge_id)
    usable = (
        challenge is not None
        and challenge.learner_id == learner_id
        and challenge.device_id == device_id
        and challenge.login_challenge_id == login_challenge_id
        and challenge.due_id == due_id
        and challenge.closed_ms is None
        and platform.clock.now_ms() <= challenge.expires_ms
    )
    if not usable:
        raise _challenge_gone()
    assert challenge is not None
    return challenge


def close_challenge(platform: Platform, db: Session, challenge: FaceChallenge) -> None:
    """Mark the challenge answered; of two answers judged at once, one wins."""
    closed = db.execute(
        update(FaceChallenge)
        .where(FaceChallenge.id == challenge.id, FaceChallenge.closed_ms.is_(None))
        .values(closed_ms=platform.clock.now_ms())
    )
    if closed.rowcount != 1:  # type: ignore[attr-defined]
        raise _challenge_gone()


def _challenge_gone() -> ApiError:
    return conflict(
        "face_challenge_expired", "this face check's challenge is used or expired; ask again"
    )


@dataclass(frozen=True)
class FaceVerdict:
    passed: bool
    reason: str
    distance: float | None
    embedding: FaceEmbedding | None  # of the last identity frame (enrollment's candidate)
    evidence_sha256: str  # of the burst's last frame, kept for the reuse check
    detail: dict[str, object]


def _refusal_before_judging(
    platform: Platform,
    db: Session,
    learner: Learner,
    challenge: FaceChallenge,
    proof: FaceProof,
    device_public_key: bytes,
    settings: VerificationSettings,
) -> str | None:
    """Why the evidence is refused without looking at a face, if it is."""
    frames = proof.frames
    message = face_burst_message(challenge.id, [(f.at_ms, f.jpeg) for f in frames])
    if not detached_signature_valid(device_public_key, message, proof.signature):
        return BAD_SIGNATURE
    if proof.simulated_camera and not platform.config.demo:
        return SIMULATED_CAMERA_REFUSED
    if proof.virtual_camera and settings.virtual_camera == "refuse":
        return VIRTUAL_CAMERA_REFUSED
    timing = burst_timing_refusal(
        [f.at_ms for f in frames],
        challenge.issued_ms,
        platform.clock.now_ms(),
        challenge.expires_ms,
    )
    if timing is not None:
        return str(timing)
    hashes = [hashlib.sha256(f.jpeg).hexdigest() for f in frames]
    if len(set(hashes)) != len(hashes) or db.scalar(
        select(FaceCheck.id)
        .where(FaceCheck.learner_id == learner.id, FaceCheck.crop_sha256.in_(hashes))
        .limit(1)
    ):
        # Frames seen before: a recorded burst replayed (a live camera never repeats a
        # frame to the byte). Re-encoding defeats this; the challenge's actions do not.
        return EVIDENCE_REUSED
    return None


def judge_face_proof(
    platform: Platform,
    db: Session,
    learner: Learner,
    challenge: FaceChallenge,
    proof: FaceProof,
    device_public_key: bytes,
    settings: VerificationSettings,
) -> FaceVerdict:
    """The server's own decision on a face check's evidence."""
    frames = proof.frames
    evidence = hashlib.sha256(frames[-1].jpeg).hexdigest()
    actions = tuple(Action(a) for a in json.loads(challenge.actions_json))
    detail: dict[str, object] = {"actions": [str(a) for a in actions], "frames": len(frames)}
    refusal = _refusal_before_judging(
        platform, db, learner, challenge, proof, device_public_key, settings
    )
    if refusal is not None:
        return FaceVerdict(False, refusal, None, None, evidence, detail)
    try:
        decoded = [(f.at_ms, decode_jpeg(f.jpeg)) for f in frames]
    except UnreadableImageError:
        return FaceVerdict(False, "unreadable_image", None, None, evidence, detail)
    threshold = settings.face_match_threshold
    with platform.face_gate.slot(), FaceAnalyzer(static_image_mode=False) as analyzer:
        verdict = judge_burst(
            decoded,
            Challenge(challenge.id, actions),
            analyzer,
            platform.face_matcher(),
            LivenessPolicy(),
            same_person_threshold=threshold,
        )
    detail["liveness"] = str(verdict.liveness.reason or "passed")
    detail["actions_done"] = [str(a) for a in verdict.liveness.actions_done]
    embedding = verdict.last_embedding()
    if not verdict.passed or embedding is None:
        reason = verdict.face_error or LIVENESS_FAILED
        return FaceVerdict(False, reason, None, None, evidence, detail)
    if learner.face_template_enc is None:
        return FaceVerdict(False, "face_not_enrolled", None, embedding, evidence, detail)
    template = FaceTemplate.from_bytes(
        platform.vault.open_bytes(learner.face_template_enc, identity.FACE_TEMPLATE)
    )
    worst = verdict.worst_match(template, MatchPolicy(threshold=threshold))
    reason = "matched" if worst.matched else "face_not_matched"
    return FaceVerdict(worst.matched, reason, worst.distance, embedding, evidence, detail)


def record_face_check(
    platform: Platform,
    db: Session,
    learner_id: str,
    device_id: str,
    proof: FaceProof,
    verdict: FaceVerdict,
    purpose: str,
    study_session_id: str | None = None,
    due_id: str | None = None,
) -> FaceCheck:
    # The frames themselves are never stored: a hash, the score and the decision are.
    check = FaceCheck(
        id=new_id("fc"),
        learner_id=learner_id,
        device_id=device_id,
        purpose=purpose,
        study_session_id=study_session_id,
        due_id=due_id,
        decided_ms=platform.clock.now_ms(),
        passed=verdict.passed,
        reason=verdict.reason,
        distance_milli=None if verdict.distance is None else round(verdict.distance * 1000),
        crop_sha256=verdict.evidence_sha256,
        challenge_json=json.dumps(
            {
                **verdict.detail,
                "challenge_id": proof.challenge_id,
                "camera": {"simulated": proof.simulated_camera, "virtual": proof.virtual_camera},
            },
            sort_keys=True,
        )[:4000],
    )
    db.add(check)
    if proof.virtual_camera and verdict.passed:
        # The institution's policy lets it through: flagged for its supervisors.
        platform.audit(
            db, learner_id, "virtual_camera_flagged", check.id, kind=proof.virtual_camera
        )
    return check
