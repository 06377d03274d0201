"""Learners rate the courses they studied, and a course rated poorly by enough of them
is withdrawn (粤人社函〔2023〕339号, Attachment 1 item 6), decided without I/O.

A rating gives three scores from 1 to 5 (content, instructional design, teacher) and
an optional comment. A course's overall score is the mean of its three dimension
averages; since every rating scores all three, that is also the mean of all its scores.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

MIN_SCORE = 1
MAX_SCORE = 5


class RatingScores(NamedTuple):
    content: int
    design: int
    teacher: int


@dataclass(frozen=True)
class RatingPolicy:
    """When poor ratings withdraw a course. Few ratings say little, so a course is
    judged only from `min_ratings_to_delist` learners on."""

    min_ratings_to_delist: int = 10
    delist_below: float = 2.5  # overall mean, on the 1-5 scale
    comment_max_chars: int = 500

    def __post_init__(self) -> None:
        if self.min_ratings_to_delist < 1:
            raise ValueError("min_ratings_to_delist must be at least 1")
        if not MIN_SCORE <= self.delist_below <= MAX_SCORE:
            raise ValueError(f"delist_below must be within {MIN_SCORE}-{MAX_SCORE}")
        if self.comment_max_chars < 0:
            raise ValueError("comment_max_chars cannot be negative")


class RatingError(ValueError):
    """A rating that cannot be stored; `code` is stable for the client to translate."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


SCORE_OUT_OF_RANGE = "score_out_of_range"
COMMENT_TOO_LONG = "comment_too_long"


def validate_rating(scores: Iterable[object], comment: str, policy: RatingPolicy) -> RatingScores:
    """The three scores as `RatingScores`, or `RatingError` saying what is wrong.
    Booleans are not scores, though Python counts them as integers."""
    values = tuple(scores)
    if len(values) != len(RatingScores._fields) or not all(
        isinstance(v, int) and not isinstance(v, bool) and MIN_SCORE <= v <= MAX_SCORE
        for v in values
    ):
        raise RatingError(
            SCORE_OUT_OF_RANGE,
            f"content, design and teacher are each scored {MIN_SCORE} to {MAX_SCORE}",
        )
    if len(comment) > policy.comment_max_chars:
        raise RatingError(
            COMMENT_TOO_LONG, f"the comment is longer than {policy.comment_max_chars} characters"
        )
    return RatingScores(*values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class RatingSummary:
    """A course's ratings. The means are exact (delisting is decided on them);
    `to_dict` rounds them to 2 decimals for display. No ratings: means are None."""

    count: int
    content: float | None
    design: float | None
    teacher: float | None
    overall: float | None

    @classmethod
    def from_totals(
        cls, count: int, content_total: int, design_total: int, teacher_total: int
    ) -> RatingSummary:
        """From the count and per-dimension sums (what a database aggregate gives)."""
        if count <= 0:
            return NO_RATINGS
        return cls(
            count=count,
            content=content_total / count,
            design=design_total / count,
            teacher=teacher_total / count,
            # One division of the grand total: no rounding of the three averages first.
            overall=(content_total + design_total + teacher_total) / (3 * count),
        )

    def to_dict(self) -> dict[str, object]:
        def shown(value: float | None) -> float | None:
            return None if value is None else round(value, 2)

        return {
            "count": self.count,
            "content": shown(self.content),
            "design": shown(self.design),
            "teacher": shown(self.teacher),
            "overall": shown(self.overall),
        }

    def brief(self) -> dict[str, object]:
        """What a course list shows: how many rated it, and the overall score."""
        return {"count": self.count, "overall": self.to_dict()["overall"]}


NO_RATINGS = RatingSummary(0, None, None, None, None)


def summarize(ratings: Iterable[tuple[int, int, int]]) -> RatingSummary:
    count = content = design = teacher = 0
    for c, d, t in ratings:
        count += 1
        content, design, teacher = content + c, design + d, teacher + t
    return RatingSummary.from_totals(count, content, design, teacher)


def should_delist(summary: RatingSummary, policy: RatingPolicy) -> bool:
    return (
        summary.count >= policy.min_ratings_to_delist
        and summary.overall is not None
        and summary.overall < policy.delist_below
    )
