"""Course ratings on the wire (Attachment 1 item 6): a learner's three scores and
comment, and a course's means."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from wire.base import Answer, Body

# As `server.rating_rules` checks them.
MIN_SCORE = 1
MAX_SCORE = 5
COMMENT_MAX_CHARS = 500

Score = Annotated[int, Field(strict=True, ge=MIN_SCORE, le=MAX_SCORE)]


class CourseRatingBody(Body):
    content: Score
    design: Score
    teacher: Score
    comment: str = Field(default="", max_length=COMMENT_MAX_CHARS)


class MyScores(Answer):
    """The learner's own rating of a course, to start a new rating from."""

    content: int
    design: int
    teacher: int
    comment: str


class RatingView(Answer):
    course_id: str
    content: int
    design: int
    teacher: int
    comment: str
    created_ms: int
    updated_ms: int


class RatingMeans(Answer):
    """A course's ratings: how many, and the means rounded to 2 decimals (None while
    there are none)."""

    count: int
    content: float | None
    design: float | None
    teacher: float | None
    overall: float | None


class RatingBrief(Answer):
    """What a course list shows of a course's ratings."""

    count: int
    overall: float | None


class RatingSaved(Answer):
    rating: RatingView
    summary: RatingMeans
    course_status: str
    delisted_by_ratings: bool  # this rating withdrew the course


class MyRating(RatingView):
    """One of the learner's ratings, with the course (a withdrawn course is no longer
    in the course list)."""

    course_name: str
    course_status: str


class LearnerRating(RatingView):
    learner_id: str


class CourseRatings(Answer):
    """A course's ratings for administrators: by learner id, no names."""

    course_id: str
    course_status: str
    summary: RatingMeans
    ratings: list[LearnerRating]
