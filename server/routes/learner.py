"""What a signed-in learner reads and sends outside a study session (Attachment 1
items 1-3, 6; Attachment 2): profile, policy, courses and their media, course tests,
ratings, the day's totals and the study records."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, Response

from server import ratings, study
from server.errors import not_found
from server.ledger import refresh_learner
from server.routes.deps import LearnerSession, PlatformDep, refusals
from wire.learner import (
    CourseListing,
    CourseProgress,
    CourseTestAnswers,
    CourseTestAttempt,
    CourseTestPaper,
    CourseTestResult,
    DayTotals,
    Profile,
    StudyRecords,
)
from wire.policy import InstitutionPolicy
from wire.ratings import CourseRatingBody, MyRating, RatingSaved

router = APIRouter(
    tags=["learner"],
    responses=refusals(
        HTTPStatus.BAD_REQUEST,
        HTTPStatus.UNAUTHORIZED,
        HTTPStatus.FORBIDDEN,
        HTTPStatus.NOT_FOUND,
    ),
)

TimeBound = Annotated[int | None, Query(ge=0)]  # ms since the epoch
CourseFilter = Annotated[str | None, Query(max_length=64)]


@router.get("/me")
def me(session: LearnerSession, platform: PlatformDep) -> Profile:
    with platform.transaction() as db:
        return study.profile(platform, db, session)


@router.get("/policy")
def policy(session: LearnerSession, platform: PlatformDep) -> InstitutionPolicy:
    with platform.transaction() as db:
        return study.institution_policy(platform, db, session.learner_id)


@router.get("/courses")
def courses(session: LearnerSession, platform: PlatformDep) -> list[CourseListing]:
    with platform.transaction() as db:
        refresh_learner(platform, db, session.learner_id)
        return study.list_courses(db, session.learner_id)


@router.get(
    "/courses/{course_id}/media",
    response_class=FileResponse,
    responses={
        HTTPStatus.OK: {"content": {"application/octet-stream": {}}},
        HTTPStatus.PARTIAL_CONTENT: {
            "description": "the byte range asked for",
            "content": {"application/octet-stream": {}},
        },
    },
)
def media(course_id: str, session: LearnerSession, platform: PlatformDep) -> FileResponse:
    with platform.transaction() as db:
        course = study.listed_course(db, course_id)
        path = platform.config.resolved_media_dir / course.media_file
    if not path.is_file():
        raise not_found("media_missing", "the course media is missing on the server")
    # Starlette answers Range requests (206) itself: resumable, seekable downloads.
    return FileResponse(path, media_type="application/octet-stream")


@router.get("/courses/{course_id}/test")
def course_test(course_id: str, session: LearnerSession, platform: PlatformDep) -> CourseTestPaper:
    with platform.transaction() as db:
        return study.course_test_paper(platform, db, session, course_id)


@router.post("/courses/{course_id}/test")
def answer_test(
    course_id: str, body: CourseTestAnswers, session: LearnerSession, platform: PlatformDep
) -> CourseTestResult:
    with platform.transaction() as db:
        return study.submit_test(platform, db, session, course_id, body.sitting_id, body.answers)


@router.post("/courses/{course_id}/rating")
def rate(
    course_id: str, body: CourseRatingBody, session: LearnerSession, platform: PlatformDep
) -> RatingSaved:
    scores = (body.content, body.design, body.teacher)
    with platform.transaction() as db:
        return ratings.rate_course(platform, db, session, course_id, scores, body.comment)


@router.get("/me/today")
def my_today(session: LearnerSession, platform: PlatformDep) -> DayTotals:
    with platform.transaction() as db:
        refresh_learner(platform, db, session.learner_id)
        return study.today(platform, db, session.learner_id)


@router.get("/me/progress")
def my_progress(session: LearnerSession, platform: PlatformDep) -> list[CourseProgress]:
    with platform.transaction() as db:
        refresh_learner(platform, db, session.learner_id)
        return study.progress(db, session.learner_id)


@router.get("/me/tests")
def my_tests(session: LearnerSession, platform: PlatformDep) -> list[CourseTestAttempt]:
    with platform.transaction() as db:
        return study.learner_test_results(db, session.learner_id)


@router.get("/me/ratings")
def my_ratings(session: LearnerSession, platform: PlatformDep) -> list[MyRating]:
    with platform.transaction() as db:
        return ratings.my_ratings(db, session.learner_id)


@router.get("/me/records")
def my_records(
    session: LearnerSession,
    platform: PlatformDep,
    from_ms: TimeBound = None,
    to_ms: TimeBound = None,
    course_id: CourseFilter = None,
) -> StudyRecords:
    with platform.transaction() as db:
        refresh_learner(platform, db, session.learner_id)
        answer, _ = study.my_records(platform, db, session.learner_id, from_ms, to_ms, course_id)
    return answer


@router.get(
    "/me/records.csv",
    response_class=Response,
    responses={HTTPStatus.OK: {"content": {"text/csv": {}}}},
)
def my_records_csv(
    session: LearnerSession,
    platform: PlatformDep,
    from_ms: TimeBound = None,
    to_ms: TimeBound = None,
    course_id: CourseFilter = None,
) -> Response:
    with platform.transaction() as db:
        refresh_learner(platform, db, session.learner_id)
        _, records = study.my_records(platform, db, session.learner_id, from_ms, to_ms, course_id)
    return Response(
        study.my_records_csv(records),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="attachment2.csv"'},
    )
