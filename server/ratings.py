"""Course ratings (粤人社函〔2023〕339号, Attachment 1 item 6): a learner who studied a
course rates it; once enough learners rate a course poorly it is withdrawn by the
platform itself, and the audit log says so. The rules are in `server.rating_rules`.

Comments are the learners' own free text: they are stored as written, shown to the
learner and to administrators, and never logged."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from server.errors import ApiError, forbidden, not_found
from server.models import AuthSession, Course, CourseRating, StudySession
from server.platform import Platform
from server.rating_rules import (
    RatingError,
    RatingPolicy,
    RatingSummary,
    should_delist,
    validate_rating,
)
from wire.ratings import (
    CourseRatings,
    LearnerRating,
    MyRating,
    MyScores,
    RatingMeans,
    RatingSaved,
    RatingView,
)

log = logging.getLogger("server.ratings")

# The policy the server applies. Module defaults (not ServerConfig): the platform has
# one policy for every institution; tests replace this to delist after fewer ratings.
RATING_POLICY = RatingPolicy()

# Course statuses as in `server.study` (which imports this module, hence not from it).
LISTED = "listed"
DELISTED = "delisted"
SYSTEM_ACTOR = "system"


def rating_view(rating: CourseRating) -> RatingView:
    return RatingView.model_validate(rating, from_attributes=True)


def _has_studied(db: Session, learner_id: str, course_id: str) -> bool:
    """At least one study session of the course started on the server: what the server
    itself saw, whatever the client claims."""
    return (
        db.scalar(
            select(StudySession.id)
            .where(StudySession.learner_id == learner_id, StudySession.course_id == course_id)
            .limit(1)
        )
        is not None
    )


def rate_course(
    platform: Platform,
    db: Session,
    session: AuthSession,
    course_id: str,
    scores: Sequence[int],
    comment: str,
    policy: RatingPolicy | None = None,
) -> RatingSaved:
    """Store (or replace) the learner's rating, then withdraw the course if its ratings
    now say so."""
    policy = policy or RATING_POLICY
    try:
        checked = validate_rating(scores, comment, policy)
    except RatingError as error:
        raise ApiError(422, error.code, str(error)) from error
    # The row lock orders concurrent ratings of one course on PostgreSQL, so the last
    # of them sees all the others when it decides on delisting (SQLite has one writer).
    course = db.get(Course, course_id, with_for_update=True)
    if course is None:
        raise not_found("unknown_course", "no such course")
    if course.status != LISTED:
        raise forbidden("course_delisted", "this course has been withdrawn")
    if not _has_studied(db, session.learner_id, course.id):
        raise forbidden("not_studied", "a course can be rated once it has been studied")
    now = platform.clock.now_ms()
    rating = db.get(CourseRating, (session.learner_id, course.id))
    if rating is None:
        rating = CourseRating(learner_id=session.learner_id, course_id=course.id, created_ms=now)
        db.add(rating)
    rating.content, rating.design, rating.teacher = checked
    rating.comment = comment
    rating.updated_ms = now
    db.flush()
    summary = course_summary(db, course.id)
    delisted = should_delist(summary, policy)
    shown = summary.to_dict()
    if delisted:
        course.status = DELISTED
        platform.audit(
            db,
            SYSTEM_ACTOR,
            "course_delisted_by_ratings",
            course.id,
            count=summary.count,
            overall=shown["overall"],
            delist_below=policy.delist_below,
            min_ratings=policy.min_ratings_to_delist,
        )
        log.warning(
            "course delisted by ratings",
            extra={"data": {"course": course.id, "ratings": summary.count}},
        )
    return RatingSaved(
        rating=rating_view(rating),
        summary=RatingMeans.model_validate(shown),
        course_status=course.status,
        delisted_by_ratings=delisted,
    )


def _totals_query() -> Select[int, int, int, int]:
    return select(
        func.count(),
        func.coalesce(func.sum(CourseRating.content), 0),
        func.coalesce(func.sum(CourseRating.design), 0),
        func.coalesce(func.sum(CourseRating.teacher), 0),
    )


def course_summary(db: Session, course_id: str) -> RatingSummary:
    count, content, design, teacher = db.execute(
        _totals_query().where(CourseRating.course_id == course_id)
    ).one()
    return RatingSummary.from_totals(int(count), int(content), int(design), int(teacher))


def course_summaries(db: Session) -> dict[str, RatingSummary]:
    """Every rated course's summary, from one aggregate query (for the course list)."""
    rows = db.execute(
        _totals_query().add_columns(CourseRating.course_id).group_by(CourseRating.course_id)
    ).all()
    return {
        course_id: RatingSummary.from_totals(int(count), int(c), int(d), int(t))
        for count, c, d, t, course_id in rows
    }


def my_scores(db: Session, learner_id: str) -> dict[str, MyScores]:
    """The learner's own scores and comment by course (for the course list: rating
    again starts from the earlier rating, comment included)."""
    return {
        r.course_id: MyScores.model_validate(r, from_attributes=True)
        for r in db.scalars(select(CourseRating).where(CourseRating.learner_id == learner_id))
    }


def my_ratings(db: Session, learner_id: str) -> list[MyRating]:
    """The learner's ratings, with each course's name and status (a withdrawn course is
    no longer in the course list)."""
    return [
        MyRating(**rating_view(rating).model_dump(), course_name=name, course_status=status)
        for rating, name, status in db.execute(
            select(CourseRating, Course.name, Course.status)
            .join(Course, Course.id == CourseRating.course_id)
            .where(CourseRating.learner_id == learner_id)
            .order_by(CourseRating.updated_ms.desc(), CourseRating.course_id)
        ).all()
    ]


def course_ratings_for_admin(db: Session, course_id: str) -> CourseRatings:
    """A course's summary and every rating, by learner id (no names)."""
    course = db.get(Course, course_id)
    if course is None:
        raise not_found("unknown_course", "no such course")
    ratings = db.scalars(
        select(CourseRating)
        .where(CourseRating.course_id == course_id)
        .order_by(CourseRating.updated_ms.desc(), CourseRating.learner_id)
    )
    return CourseRatings(
        course_id=course.id,
        course_status=course.status,
        summary=RatingMeans.model_validate(course_summary(db, course.id).to_dict()),
        ratings=[LearnerRating.model_validate(r, from_attributes=True) for r in ratings],
    )
