"""A signed-in learner's requests outside a study session, one type per call of the
platform's API: each knows its route and the wire model (`wire`) of its answer, so
nothing above the sync layer holds a URL path or reads a raw dict. The sign-in, the
study session and the outbox need the engine's state and are its own methods."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from sync.http_client import MalformedResponseError
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
from wire.ratings import CourseRatingBody, RatingSaved

API = "/api/v1"
A = TypeVar("A")


@dataclass(frozen=True)
class Route:
    method: Literal["GET", "POST"]
    path: str  # under the API's root
    body: BaseModel | None = None
    params: Mapping[str, object] | None = None


def parse_answer(adapter: TypeAdapter[Any], data: object, where: str) -> Any:
    """The answer as its wire model, or `MalformedResponseError` (the values are not
    repeated: an answer may hold personal data)."""
    try:
        return adapter.validate_python(data)
    except ValidationError as error:
        fields = sorted({".".join(str(p) for p in e["loc"]) for e in error.errors()})
        raise MalformedResponseError(
            f"{where}: the answer does not match the API (at {', '.join(fields[:5])})"
        ) from None


class LearnerRequest(Generic[A]):
    """A request made with the learner's session; `answer` is its wire model."""

    answer: ClassVar[TypeAdapter[Any]]

    def route(self) -> Route:
        raise NotImplementedError


@dataclass(frozen=True)
class ProfileRequest(LearnerRequest[Profile]):
    answer = TypeAdapter(Profile)

    def route(self) -> Route:
        return Route("GET", "/me")


@dataclass(frozen=True)
class CoursesRequest(LearnerRequest[list[CourseListing]]):
    answer = TypeAdapter(list[CourseListing])

    def route(self) -> Route:
        return Route("GET", "/courses")


@dataclass(frozen=True)
class TodayRequest(LearnerRequest[DayTotals]):
    answer = TypeAdapter(DayTotals)

    def route(self) -> Route:
        return Route("GET", "/me/today")


@dataclass(frozen=True)
class RecordsRequest(LearnerRequest[StudyRecords]):
    """The learner's Attachment 2 records, within a time span and for one course."""

    from_ms: int | None = None
    to_ms: int | None = None
    course_id: str | None = None
    answer = TypeAdapter(StudyRecords)

    def route(self) -> Route:
        given = {"from_ms": self.from_ms, "to_ms": self.to_ms, "course_id": self.course_id}
        return Route("GET", "/me/records", params={k: v for k, v in given.items() if v is not None})


@dataclass(frozen=True)
class CourseTestAttemptsRequest(LearnerRequest[list[CourseTestAttempt]]):
    answer = TypeAdapter(list[CourseTestAttempt])

    def route(self) -> Route:
        return Route("GET", "/me/tests")


@dataclass(frozen=True)
class ProgressRequest(LearnerRequest[list[CourseProgress]]):
    answer = TypeAdapter(list[CourseProgress])

    def route(self) -> Route:
        return Route("GET", "/me/progress")


@dataclass(frozen=True)
class CourseTestPaperRequest(LearnerRequest[CourseTestPaper]):
    course_id: str
    answer = TypeAdapter(CourseTestPaper)

    def route(self) -> Route:
        return Route("GET", f"/courses/{self.course_id}/test")


@dataclass(frozen=True)
class SubmitCourseTestRequest(LearnerRequest[CourseTestResult]):
    course_id: str
    answers: CourseTestAnswers
    answer = TypeAdapter(CourseTestResult)

    def route(self) -> Route:
        return Route("POST", f"/courses/{self.course_id}/test", body=self.answers)


@dataclass(frozen=True)
class RateCourseRequest(LearnerRequest[RatingSaved]):
    course_id: str
    rating: CourseRatingBody
    answer = TypeAdapter(RatingSaved)

    def route(self) -> Route:
        return Route("POST", f"/courses/{self.course_id}/rating", body=self.rating)
