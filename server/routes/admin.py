"""Administration: institutions, projects, learners and their face templates,
enrollments waiting for a decision, accounts, courses and their ratings. Every change
is written to the audit log."""

from __future__ import annotations

import base64
import binascii
from http import HTTPStatus
from pathlib import Path

from fastapi import APIRouter
from sqlalchemy import select

from server import auth, identity, ratings, study
from server.errors import bad_request, not_found
from server.models import Account, Course, PendingEnrollment
from server.routes.deps import Admin, PlatformDep, refusals
from wire.admin import (
    AccountDisabled,
    AccountUnlocked,
    CourseStatus,
    CourseStatusSet,
    Created,
    Decision,
    EnrollmentDecided,
    FaceEnrolled,
    FacePhoto,
    LearnerRegistered,
    NewCourseBody,
    NewInstitution,
    NewLearnerBody,
    NewProject,
    PendingEnrollmentView,
)
from wire.learner import CourseView
from wire.ratings import CourseRatings

router = APIRouter(
    prefix="/admin",
    tags=["administration"],
    responses=refusals(HTTPStatus.BAD_REQUEST, HTTPStatus.UNAUTHORIZED, HTTPStatus.NOT_FOUND),
)


@router.post("/institutions")
def new_institution(body: NewInstitution, actor: Admin, platform: PlatformDep) -> Created:
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
        return Created(id=made.id)


@router.post("/projects")
def new_project(body: NewProject, actor: Admin, platform: PlatformDep) -> Created:
    with platform.transaction() as db:
        made = identity.create_project(platform, db, body.institution_id, body.name)
        platform.audit(db, actor, "project_created", made.id)
        return Created(id=made.id)


@router.post("/learners")
def new_learner(body: NewLearnerBody, actor: Admin, platform: PlatformDep) -> LearnerRegistered:
    with platform.transaction() as db:
        learner, account = identity.create_learner(
            platform, db, identity.NewLearner(**body.model_dump())
        )
        platform.audit(db, actor, "learner_registered", learner.id)
        return LearnerRegistered(learner_id=learner.id, account_id=account.id)


@router.post("/learners/{learner_id}/face-template")
def enroll_face(
    learner_id: str, body: FacePhoto, actor: Admin, platform: PlatformDep
) -> FaceEnrolled:
    photo = _decode_photo(body.photo_jpeg_b64)
    with platform.transaction() as db:
        identity.enroll_face_from_photo(platform, db, learner_id, photo, actor, body.reenroll)
    return FaceEnrolled(enrolled=True)


@router.get("/enrollments")
def pending_enrollments(actor: Admin, platform: PlatformDep) -> list[PendingEnrollmentView]:
    with platform.transaction() as db:
        return [
            PendingEnrollmentView.model_validate(pending, from_attributes=True)
            for pending in db.scalars(
                select(PendingEnrollment).where(PendingEnrollment.decision.is_(None))
            )
        ]


@router.post("/enrollments/{enrollment_id}")
def decide(
    enrollment_id: str, body: Decision, actor: Admin, platform: PlatformDep
) -> EnrollmentDecided:
    with platform.transaction() as db:
        identity.decide_enrollment(platform, db, enrollment_id, body.approve, actor)
    return EnrollmentDecided(decided=True)


@router.post("/accounts/{account_id}/unlock")
def unlock(account_id: str, actor: Admin, platform: PlatformDep) -> AccountUnlocked:
    with platform.transaction() as db:
        account = db.get(Account, account_id)
        if account is None:
            raise not_found("unknown_account", "no such account")
        account.locked_until_ms, account.failed_logins = 0, 0
        platform.audit(db, actor, "account_unlocked", account_id)
    return AccountUnlocked(unlocked=True)


@router.post("/accounts/{account_id}/disable")
def disable(account_id: str, actor: Admin, platform: PlatformDep) -> AccountDisabled:
    with platform.transaction() as db:
        account = db.get(Account, account_id)
        if account is None:
            raise not_found("unknown_account", "no such account")
        auth.disable_account(platform, db, account)
        platform.audit(db, actor, "account_disabled", account_id)
    return AccountDisabled(disabled=True)


@router.post("/courses")
def new_course(body: NewCourseBody, actor: Admin, platform: PlatformDep) -> CourseView:
    spec = identity.NewCourse(
        **{**body.model_dump(exclude={"media_path"}), "media_source": Path(body.media_path)}
    )
    with platform.transaction() as db:
        course = identity.create_course(platform, db, spec)
        platform.audit(db, actor, "course_created", course.id)
        return study.course_view(course)


@router.get("/courses/{course_id}/ratings")
def course_ratings(course_id: str, actor: Admin, platform: PlatformDep) -> CourseRatings:
    with platform.transaction() as db:
        return ratings.course_ratings_for_admin(db, course_id)


@router.post("/courses/{course_id}/status")
def course_status(
    course_id: str, body: CourseStatus, actor: Admin, platform: PlatformDep
) -> CourseStatusSet:
    with platform.transaction() as db:
        course = db.get(Course, course_id)
        if course is None:
            raise not_found("unknown_course", "no such course")
        course.status = body.status
        platform.audit(db, actor, f"course_{body.status}", course_id)
    return CourseStatusSet(status=body.status)


def _decode_photo(data: str) -> bytes:
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as error:
        raise bad_request("unreadable_image", "the photo is not base64") from error
