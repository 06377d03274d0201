"""The HTTP API (FastAPI). Handlers only translate: parse the request, open one
transaction, call a service in `server.auth`, `server.study`, `server.ratings`,
`server.ingest` or `server.identity`, and return its answer. Every refusal is a JSON body
`{"code": ..., "message": ...}` with a stable code the client translates."""

from __future__ import annotations

import base64
import binascii
import logging
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from records.attachment2 import ATTACHMENT2_COLUMNS
from server import auth, identity, ratings, study
from server.body_limit import BodySizeLimit
from server.errors import ApiError, bad_request, not_found, unauthorized
from server.face_evidence import FaceProof, decode_frames
from server.ingest import ingest_batch, parse_batch
from server.ledger import refresh_learner
from server.models import Account, AuthSession, Course, PendingEnrollment
from server.platform import Platform
from server.rating_rules import MAX_SCORE, MIN_SCORE, RatingPolicy
from server.tokens import same_secret
from verification.burst import MAX_BURST_FRAMES, MAX_FRAME_BYTES

log = logging.getLogger("server.api")
API = "/api/v1"
MAX_BODY_BYTES = 8 * 1024 * 1024
MAX_FRAME_B64 = (MAX_FRAME_BYTES + 2) // 3 * 4


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PasswordLogin(Strict):
    login_name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)
    device_id: str = Field(min_length=1, max_length=64)


class SmsRequest(Strict):
    phone: str = Field(min_length=1, max_length=20)


class SmsLogin(Strict):
    phone: str = Field(min_length=1, max_length=20)
    code: str = Field(min_length=1, max_length=10)
    device_id: str = Field(min_length=1, max_length=64)


class CameraReport(Strict):
    """What the client says its frames came from: the server applies the policy."""

    simulated: bool = False
    virtual: str | None = Field(default=None, max_length=40)  # the kind recognised


class BurstFrameBody(Strict):
    at_ms: int = Field(ge=0)  # the client's monotonic clock
    jpeg_b64: str = Field(min_length=1, max_length=MAX_FRAME_B64)


class FaceProofBody(Strict):
    """The evidence of one face check: the challenge it answers, the burst of face-region
    frames spanning it, and the device's signature over both."""

    challenge_id: str = Field(min_length=1, max_length=64)
    frames: list[BurstFrameBody] = Field(min_length=1, max_length=MAX_BURST_FRAMES)
    signature_b64: str = Field(min_length=1, max_length=100)
    camera: CameraReport = Field(default_factory=CameraReport)

    def proof(self) -> FaceProof:
        try:
            signature = base64.b64decode(self.signature_b64, validate=True)
        except (binascii.Error, ValueError) as error:
            raise bad_request("bad_signature", "the signature is not base64") from error
        return FaceProof(
            challenge_id=self.challenge_id,
            frames=decode_frames([(f.at_ms, f.jpeg_b64) for f in self.frames]),
            signature=signature,
            simulated_camera=self.camera.simulated,
            virtual_camera=self.camera.virtual,
        )


class LoginFaceChallenge(Strict):
    challenge_token: str = Field(min_length=1, max_length=200)
    device_id: str = Field(min_length=1, max_length=64)


class StudyFaceChallenge(Strict):
    due_id: str = Field(min_length=1, max_length=64)  # the check the server asked for


class FaceLogin(Strict):
    challenge_token: str = Field(min_length=1, max_length=200)
    device_id: str = Field(min_length=1, max_length=64)
    device_public_key_b64: str | None = Field(default=None, max_length=100)
    consent_to_enrollment: bool = False
    face: FaceProofBody


class StartStudy(Strict):
    course_id: str = Field(min_length=1, max_length=64)


Score = Annotated[int, Field(strict=True, ge=MIN_SCORE, le=MAX_SCORE)]


class CourseRatingBody(Strict):
    content: Score
    design: Score
    teacher: Score
    comment: str = Field(default="", max_length=RatingPolicy.comment_max_chars)


class StudyFaceCheck(Strict):
    due_id: str = Field(min_length=1, max_length=64)  # the check the server asked for
    face: FaceProofBody


class UploadedEvent(Strict):
    event: dict[str, Any]
    hash: str
    signature: str


class Heartbeat(Strict):
    events: list[UploadedEvent] = Field(default_factory=list, max_length=100)


class EventBatch(Strict):
    events: list[UploadedEvent] = Field(min_length=1)


class TestAnswers(Strict):
    sitting_id: str = Field(min_length=1, max_length=64)  # the paper answered
    answers: dict[str, list[int]]  # question id: option numbers as shown on the paper


class NewInstitution(Strict):
    name: str = Field(min_length=1, max_length=200)
    city_code: str
    county_code: str
    policy: dict[str, Any] = Field(default_factory=dict)
    verification: dict[str, Any] = Field(default_factory=dict)
    allow_self_enrollment: bool = False


class NewProject(Strict):
    institution_id: str
    name: str = Field(min_length=1, max_length=200)


class NewLearnerBody(Strict):
    institution_id: str
    project_id: str
    name: str = Field(min_length=1, max_length=100)
    id_type: str
    id_number: str = Field(min_length=1, max_length=40)
    login_name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)
    phone: str | None = None


class NewCourseBody(Strict):
    name: str = Field(min_length=1, max_length=200)
    duration_ms: int
    media_path: str  # a file on the server's disk, copied into the media folder
    teacher: str
    provenance: str
    licence: str
    questions: list[dict[str, Any]] = Field(default_factory=list)
    pass_mark: int = 60
    requires_test: bool = True
    version: int = 1
    questions_per_test: int = Field(default=0, ge=0)  # drawn for each paper; 0: all


class CourseStatus(Strict):
    status: str = Field(pattern="^(listed|delisted)$")


class FacePhoto(Strict):
    photo_jpeg_b64: str = Field(min_length=1, max_length=4_000_000)
    reenroll: bool = False


class Decision(Strict):
    approve: bool


def _bearer(authorization: str | None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


def learner_session(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> AuthSession:
    platform: Platform = request.app.state.platform
    with platform.transaction() as db:
        session = auth.authenticate(platform, db, _bearer(authorization))
        db.flush()  # `last_seen_ms` is what keeps the sign-in from expiring idle
        db.expunge(session)
        return session


def administrator(request: Request, authorization: Annotated[str | None, Header()] = None) -> str:
    platform: Platform = request.app.state.platform
    token = _bearer(authorization)
    if not token or not same_secret(token, platform.config.admin_token):
        raise unauthorized("not_administrator", "administrator token required")
    return "admin"


LearnerSession = Annotated[AuthSession, Depends(learner_session)]
Admin = Annotated[str, Depends(administrator)]


def create_app(platform: Platform) -> FastAPI:  # noqa: PLR0915 - one route table
    app = FastAPI(
        title="Vocational training platform",
        version="1",
        description="Platform server for online vocational skills training "
        "(粤人社函〔2023〕339号): identity, sessions, courses, verified study events, ledger.",
    )
    app.state.platform = platform

    @app.exception_handler(ApiError)
    async def _known(_request: Request, error: ApiError) -> JSONResponse:
        return JSONResponse(error.body(), status_code=error.status, headers=error.headers())

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        # Field locations only: never echo submitted values (passwords, ID numbers).
        fields = [".".join(str(p) for p in e.get("loc", ())) for e in error.errors()]
        return JSONResponse(
            {"code": "invalid_request", "message": "the request is malformed", "fields": fields},
            status_code=422,
        )

    @app.exception_handler(IntegrityError)
    async def _conflict(_request: Request, _error: IntegrityError) -> JSONResponse:
        return JSONResponse(
            {"code": "concurrent_update", "message": "a concurrent request won; retry"},
            status_code=409,
        )

    @app.exception_handler(OperationalError)
    async def _busy(_request: Request, _error: OperationalError) -> JSONResponse:
        log.exception("database operation failed")
        return JSONResponse(
            {"code": "database_busy", "message": "the database is busy; retry shortly"},
            status_code=503,
        )

    app.add_middleware(BodySizeLimit, max_bytes=MAX_BODY_BYTES)

    def address(request: Request) -> str:
        return request.client.host if request.client else "unknown"

    @app.get("/health")
    def health() -> dict[str, object]:
        return {"status": "ok", "server_time_ms": platform.clock.now_ms()}

    # -- sign-in --------------------------------------------------------------------
    @app.post(f"{API}/auth/password")
    def login_password(body: PasswordLogin, request: Request) -> dict[str, object]:
        with platform.transaction() as db:
            return auth.password_factor(
                platform, db, body.login_name, body.password, body.device_id, address(request)
            )

    @app.post(f"{API}/auth/sms/request")
    def sms_request(body: SmsRequest, request: Request) -> dict[str, object]:
        with platform.transaction() as db:
            return auth.request_sms_code(platform, db, body.phone, address(request))

    @app.post(f"{API}/auth/sms/verify")
    def login_sms(body: SmsLogin, request: Request) -> dict[str, object]:
        with platform.transaction() as db:
            return auth.sms_factor(
                platform, db, body.phone, body.code, body.device_id, address(request)
            )

    @app.post(f"{API}/auth/face/challenge")
    def login_face_challenge(body: LoginFaceChallenge, request: Request) -> dict[str, object]:
        with platform.transaction() as db:
            return auth.login_face_challenge(
                platform, db, body.challenge_token, body.device_id, address(request)
            )

    @app.post(f"{API}/auth/face")
    def login_face(body: FaceLogin, request: Request) -> dict[str, object]:
        proof = body.face.proof()
        with platform.transaction() as db:
            return auth.face_factor(
                platform,
                db,
                body.challenge_token,
                body.device_id,
                body.device_public_key_b64,
                proof,
                body.consent_to_enrollment,
                address(request),
            )

    @app.post(f"{API}/auth/logout")
    def logout(session: LearnerSession) -> dict[str, object]:
        with platform.transaction() as db:
            live = db.merge(session)
            auth.sign_out(platform, db, live)
        return {"signed_out": True}

    # -- the learner ------------------------------------------------------------------
    @app.get(f"{API}/me")
    def me(session: LearnerSession) -> dict[str, object]:
        with platform.transaction() as db:
            return study.profile(platform, db, session)

    @app.get(f"{API}/policy")
    def policy(session: LearnerSession) -> dict[str, object]:
        with platform.transaction() as db:
            learner = db.get(identity.Learner, session.learner_id)
            assert learner is not None  # a signed-in session has its learner
            institution = study.institution_of(db, learner)
            return {
                "institution_id": institution.id,
                "policy": platform.policy_for(institution.policy_json).to_dict(),
                "verification": platform.verification_settings(
                    institution.verification_json
                ).__dict__,
            }

    @app.get(f"{API}/courses")
    def courses(session: LearnerSession) -> list[dict[str, object]]:
        with platform.transaction() as db:
            refresh_learner(platform, db, session.learner_id)
            return study.list_courses(db, session.learner_id)

    @app.get(f"{API}/courses/{{course_id}}/media", response_model=None)
    def media(course_id: str, session: LearnerSession) -> FileResponse:
        with platform.transaction() as db:
            course = study.listed_course(db, course_id)
            path = platform.config.resolved_media_dir / course.media_file
        if not path.is_file():
            raise not_found("media_missing", "the course media is missing on the server")
        # Starlette answers Range requests (206) itself: resumable, seekable downloads.
        return FileResponse(path, media_type="application/octet-stream")

    @app.get(f"{API}/courses/{{course_id}}/test")
    def course_test(course_id: str, session: LearnerSession) -> dict[str, object]:
        with platform.transaction() as db:
            return study.course_test_paper(platform, db, session, course_id)

    @app.post(f"{API}/courses/{{course_id}}/test")
    def answer_test(
        course_id: str, body: TestAnswers, session: LearnerSession
    ) -> dict[str, object]:
        with platform.transaction() as db:
            return study.submit_test(
                platform, db, session, course_id, body.sitting_id, body.answers
            )

    @app.post(f"{API}/courses/{{course_id}}/rating")
    def rate(course_id: str, body: CourseRatingBody, session: LearnerSession) -> dict[str, object]:
        scores = (body.content, body.design, body.teacher)
        with platform.transaction() as db:
            return ratings.rate_course(platform, db, session, course_id, scores, body.comment)

    @app.post(f"{API}/study/start")
    def start(body: StartStudy, session: LearnerSession, request: Request) -> dict[str, object]:
        with platform.transaction() as db:
            return study.start_study(platform, db, session, body.course_id, address(request))

    @app.post(f"{API}/study/{{study_session_id}}/challenge")
    def study_challenge(
        study_session_id: str, body: StudyFaceChallenge, session: LearnerSession
    ) -> dict[str, object]:
        with platform.transaction() as db:
            return study.study_face_challenge(platform, db, session, study_session_id, body.due_id)

    @app.post(f"{API}/study/{{study_session_id}}/face-check")
    def face_check(
        study_session_id: str, body: StudyFaceCheck, session: LearnerSession
    ) -> dict[str, object]:
        proof = body.face.proof()
        with platform.transaction() as db:
            return study.study_face_check(
                platform, db, session, study_session_id, body.due_id, proof
            )

    @app.post(f"{API}/study/{{study_session_id}}/heartbeat")
    def beat(study_session_id: str, body: Heartbeat, session: LearnerSession) -> dict[str, object]:
        items = [e.model_dump() for e in body.events]
        events = parse_batch(platform, items) if items else []
        with platform.transaction() as db:
            return study.heartbeat(platform, db, session, study_session_id, events)

    @app.post(f"{API}/study/{{study_session_id}}/end")
    def end(study_session_id: str, session: LearnerSession) -> dict[str, object]:
        with platform.transaction() as db:
            study.end_study(platform, db, session, study_session_id)
        return {"ended": True}

    @app.post(f"{API}/events/batch")
    def upload(body: EventBatch) -> dict[str, object]:
        # Authenticated by the device signatures, not a session token: events made before
        # a sign-out must still reach the server (the client flushes after revocation).
        batch = parse_batch(platform, [e.model_dump() for e in body.events])
        with platform.transaction() as db:
            return ingest_batch(platform, db, batch)

    @app.get(f"{API}/me/today")
    def my_today(session: LearnerSession) -> dict[str, object]:
        with platform.transaction() as db:
            refresh_learner(platform, db, session.learner_id)
            return study.today(platform, db, session.learner_id)

    @app.get(f"{API}/me/progress")
    def my_progress(session: LearnerSession) -> list[dict[str, object]]:
        with platform.transaction() as db:
            refresh_learner(platform, db, session.learner_id)
            return study.progress(db, session.learner_id)

    @app.get(f"{API}/me/tests")
    def my_tests(session: LearnerSession) -> list[dict[str, object]]:
        with platform.transaction() as db:
            return study.learner_test_results(db, session.learner_id)

    @app.get(f"{API}/me/ratings")
    def my_ratings(session: LearnerSession) -> list[dict[str, object]]:
        with platform.transaction() as db:
            return ratings.my_ratings(db, session.learner_id)

    @app.get(f"{API}/me/records")
    def my_records(
        session: LearnerSession,
        from_ms: Annotated[int | None, Query(ge=0)] = None,
        to_ms: Annotated[int | None, Query(ge=0)] = None,
        course_id: Annotated[str | None, Query(max_length=64)] = None,
    ) -> dict[str, object]:
        with platform.transaction() as db:
            refresh_learner(platform, db, session.learner_id)
            rows, _ = study.my_records(platform, db, session.learner_id, from_ms, to_ms, course_id)
        return {"columns": list(ATTACHMENT2_COLUMNS), "records": rows}

    @app.get(f"{API}/me/records.csv", response_model=None)
    def my_records_csv(
        session: LearnerSession,
        from_ms: Annotated[int | None, Query(ge=0)] = None,
        to_ms: Annotated[int | None, Query(ge=0)] = None,
        course_id: Annotated[str | None, Query(max_length=64)] = None,
    ) -> Response:
        with platform.transaction() as db:
            refresh_learner(platform, db, session.learner_id)
            _, records = study.my_records(
                platform, db, session.learner_id, from_ms, to_ms, course_id
            )
        return Response(
            study.my_records_csv(records),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="attachment2.csv"'},
        )

    # -- administration ---------------------------------------------------------------
    @app.post(f"{API}/admin/institutions")
    def new_institution(body: NewInstitution, actor: Admin) -> dict[str, object]:
        with platform.transaction() as db:
            made = identity.create_institution(
                platform,
                db,
                body.name,
                body.city_code,
                body.county_code,
                body.policy,
                body.verification,
                body.allow_self_enrollment,
            )
            platform.audit(db, actor, "institution_created", made.id)
            return {"id": made.id}

    @app.post(f"{API}/admin/projects")
    def new_project(body: NewProject, actor: Admin) -> dict[str, object]:
        with platform.transaction() as db:
            made = identity.create_project(platform, db, body.institution_id, body.name)
            platform.audit(db, actor, "project_created", made.id)
            return {"id": made.id}

    @app.post(f"{API}/admin/learners")
    def new_learner(body: NewLearnerBody, actor: Admin) -> dict[str, object]:
        with platform.transaction() as db:
            learner, account = identity.create_learner(
                platform, db, identity.NewLearner(**body.model_dump())
            )
            platform.audit(db, actor, "learner_registered", learner.id)
            return {"learner_id": learner.id, "account_id": account.id}

    @app.post(f"{API}/admin/learners/{{learner_id}}/face-template")
    def enroll_face(learner_id: str, body: FacePhoto, actor: Admin) -> dict[str, object]:
        photo = _decode_photo(body.photo_jpeg_b64)
        with platform.transaction() as db:
            identity.enroll_face_from_photo(platform, db, learner_id, photo, actor, body.reenroll)
        return {"enrolled": True}

    @app.get(f"{API}/admin/enrollments")
    def pending_enrollments(actor: Admin) -> list[dict[str, object]]:
        with platform.transaction() as db:
            return [
                {"id": p.id, "learner_id": p.learner_id, "created_ms": p.created_ms}
                for p in db.scalars(
                    select(PendingEnrollment).where(PendingEnrollment.decision.is_(None))
                )
            ]

    @app.post(f"{API}/admin/enrollments/{{enrollment_id}}")
    def decide(enrollment_id: str, body: Decision, actor: Admin) -> dict[str, object]:
        with platform.transaction() as db:
            identity.decide_enrollment(platform, db, enrollment_id, body.approve, actor)
        return {"decided": True}

    @app.post(f"{API}/admin/accounts/{{account_id}}/unlock")
    def unlock(account_id: str, actor: Admin) -> dict[str, object]:
        with platform.transaction() as db:
            account = db.get(Account, account_id)
            if account is None:
                raise not_found("unknown_account", "no such account")
            account.locked_until_ms, account.failed_logins = 0, 0
            platform.audit(db, actor, "account_unlocked", account_id)
        return {"unlocked": True}

    @app.post(f"{API}/admin/accounts/{{account_id}}/disable")
    def disable(account_id: str, actor: Admin) -> dict[str, object]:
        with platform.transaction() as db:
            account = db.get(Account, account_id)
            if account is None:
                raise not_found("unknown_account", "no such account")
            auth.disable_account(platform, db, account)
            platform.audit(db, actor, "account_disabled", account_id)
        return {"disabled": True}

    @app.post(f"{API}/admin/courses")
    def new_course(body: NewCourseBody, actor: Admin) -> dict[str, object]:
        spec = identity.NewCourse(
            **{**body.model_dump(exclude={"media_path"}), "media_source": Path(body.media_path)}
        )
        with platform.transaction() as db:
            course = identity.create_course(platform, db, spec)
            platform.audit(db, actor, "course_created", course.id)
            return study.course_view(course)

    @app.get(f"{API}/admin/courses/{{course_id}}/ratings")
    def course_ratings(course_id: str, actor: Admin) -> dict[str, object]:
        with platform.transaction() as db:
            return ratings.course_ratings_for_admin(db, course_id)

    @app.post(f"{API}/admin/courses/{{course_id}}/status")
    def course_status(course_id: str, body: CourseStatus, actor: Admin) -> dict[str, object]:
        with platform.transaction() as db:
            course = db.get(Course, course_id)
            if course is None:
                raise not_found("unknown_course", "no such course")
            course.status = body.status
            platform.audit(db, actor, f"course_{body.status}", course_id)
        return {"status": body.status}

    return app


def _decode_photo(data: str) -> bytes:
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as error:
        raise bad_request("unreadable_image", "the photo is not base64") from error
