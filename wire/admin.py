"""Administration on the wire: institutions, projects, learners, face templates,
enrollments, accounts and courses."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from wire.base import Answer, Body


class NewInstitution(Body):
    name: str = Field(min_length=1, max_length=200)
    city_code: str
    county_code: str
    policy: dict[str, Any] = Field(default_factory=dict)
    verification: dict[str, Any] = Field(default_factory=dict)
    allow_self_enrollment: bool = False


class NewProject(Body):
    institution_id: str
    name: str = Field(min_length=1, max_length=200)


class NewLearnerBody(Body):
    institution_id: str
    project_id: str
    name: str = Field(min_length=1, max_length=100)
    id_type: str
    id_number: str = Field(min_length=1, max_length=40)
    login_name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)
    phone: str | None = None


class NewCourseBody(Body):
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


class CourseStatus(Body):
    status: str = Field(pattern="^(listed|delisted)$")


class FacePhoto(Body):
    photo_jpeg_b64: str = Field(min_length=1, max_length=4_000_000)
    reenroll: bool = False


class Decision(Body):
    approve: bool


class Created(Answer):
    id: str


class LearnerRegistered(Answer):
    learner_id: str
    account_id: str


class FaceEnrolled(Answer):
    enrolled: bool


class PendingEnrollmentView(Answer):
    """A face recorded at a sign-in, waiting for an administrator's decision."""

    id: str
    learner_id: str
    created_ms: int


class EnrollmentDecided(Answer):
    decided: bool


class AccountUnlocked(Answer):
    unlocked: bool


class AccountDisabled(Answer):
    disabled: bool


class CourseStatusSet(Answer):
    status: str
