"""What a signed-in learner reads and sends outside a study session: their profile,
the course list, course tests, their day's totals and their records (Attachment 2)."""

from __future__ import annotations

from pydantic import Field

from wire.base import Answer, Body
from wire.ratings import MyScores, RatingBrief


class InstitutionRef(Answer):
    id: str
    name: str


class Profile(Answer):
    learner_id: str
    name: str
    id_type: str
    id_number_masked: str
    login_name: str
    institution: InstitutionRef
    face_enrolled: bool


class CourseView(Answer):
    """A course as the catalogue describes it."""

    id: str
    name: str
    duration_ms: int
    media_sha256: str
    media_size: int
    version: int
    teacher: str
    provenance: str
    licence: str
    requires_test: bool
    pass_mark: int
    status: str  # "listed" or "delisted"


class CourseListing(CourseView):
    """A course of the learner's list, with their progress in it."""

    studied_ms: int  # credited, released or held until the test is passed
    test_passed: bool
    rating: RatingBrief
    my_rating: MyScores | None


class CourseProgress(Answer):
    id: str
    name: str
    duration_ms: int
    studied_ms: int
    test_passed: bool


class ShownQuestion(Answer):
    """A question of a test paper as the learner sees it: never its answer."""

    id: str
    kind: str  # "single" or "multiple"
    text: str
    options: list[str]  # in the order of this paper


class CourseTestPaper(Answer):
    course_id: str
    sitting_id: str
    expires_ms: int
    pass_mark: int
    questions: list[ShownQuestion]


class CourseTestAnswers(Body):
    sitting_id: str = Field(min_length=1, max_length=64)  # the paper answered
    answers: dict[str, list[int]]  # question id: option numbers as shown on the paper


class CourseTestResult(Answer):
    """The score and whether it passed, never which answers were right."""

    score: int
    passed: bool
    pass_mark: int
    released_ms: int  # held study time this pass released
    next_attempt_ms: int | None  # after a failure: when the test may be sat again


class CourseTestAttempt(Answer):
    course_id: str
    score: int
    passed: bool
    at_ms: int


class DayTotals(Answer):
    """The learner's study time today (Beijing calendar day) against the daily cap."""

    day: str  # ISO date
    effective_ms: int
    pending_ms: int
    daily_cap_ms: int


class RecordRow(Answer):
    """One study session's Attachment 2 record (its columns in `StudyRecords.columns`'
    order, the ID number masked) and what the ledger made of it."""

    study_session_id: str
    course_id: str
    columns: list[str]
    effective_ms: int
    pending_ms: int
    excluded_ms: dict[str, int]  # time not credited, by reason
    demo: bool


class StudyRecords(Answer):
    columns: list[str]  # Attachment 2's column names
    records: list[RecordRow]
