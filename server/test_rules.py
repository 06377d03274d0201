"""The course test, so that it cannot be searched (pure, no I/O).

A blind search needs many attempts and a precise answer to each: so a learner sits the
test only after watching most of the course, a few times a day with a pause after each
failure, each time on a paper drawn afresh from the course's question bank with the
options in a new order, and hears back only the score and whether it passed, never
which answers were right.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

Question = Mapping[str, object]  # a bank question: id, kind, text, options, answer


@dataclass(frozen=True)
class TestPolicy:
    __test__ = False  # not a pytest class

    attempts_per_day: int = 3
    cooldown_ms: int = 10 * 60_000  # after a failed attempt
    min_coverage_percent: int = 80  # of the course's length watched (distinct, credited)
    sitting_ms: int = 60 * 60_000  # how long a paper may be answered


class SittingRefusal(StrEnum):
    NOT_OPEN = "test_not_open"  # not enough of the course watched yet
    PASSED = "test_already_passed"
    EXHAUSTED = "test_attempts_exhausted"  # today's attempts are spent
    COOLDOWN = "test_cooldown"  # too soon after a failed attempt


@dataclass(frozen=True)
class Attempt:
    at_ms: int
    passed: bool


@dataclass(frozen=True)
class SittingDecision:
    refusal: SittingRefusal | None
    next_attempt_ms: int | None = None  # when a refused sitting may be tried again


def may_sit(
    policy: TestPolicy,
    watched_ms: int,
    duration_ms: int,
    attempts: Sequence[Attempt],
    day_start_ms: int,
    next_day_ms: int,
    now_ms: int,
) -> SittingDecision:
    """Whether a learner may sit the test of a course now, given the distinct part of
    it they were credited for and their earlier attempts at it."""
    if any(a.passed for a in attempts):
        return SittingDecision(SittingRefusal.PASSED)
    if watched_ms * 100 < duration_ms * policy.min_coverage_percent:
        return SittingDecision(SittingRefusal.NOT_OPEN)
    today = [a for a in attempts if day_start_ms <= a.at_ms < next_day_ms]
    if len(today) >= policy.attempts_per_day:
        return SittingDecision(SittingRefusal.EXHAUSTED, next_day_ms)
    last = max((a.at_ms for a in attempts), default=None)
    if last is not None and now_ms < last + policy.cooldown_ms:
        return SittingDecision(SittingRefusal.COOLDOWN, last + policy.cooldown_ms)
    return SittingDecision(None)


@dataclass(frozen=True)
class PaperQuestion:
    """One question of a paper: which bank question, and its options in the order shown
    (`order[shown index] = bank index`)."""

    id: str
    order: tuple[int, ...]


def draw_paper(bank: Sequence[Question], count: int, rng: random.Random) -> list[PaperQuestion]:
    """`count` questions of the bank (all of them for 0 or more than it has), in a
    random order, each with its options shuffled."""
    chosen = rng.sample(list(bank), k=len(bank) if count <= 0 else min(count, len(bank)))
    paper = []
    for question in chosen:
        order = list(range(len(question["options"])))  # type: ignore[arg-type]
        rng.shuffle(order)
        paper.append(PaperQuestion(str(question["id"]), tuple(order)))
    return paper


def shown_question(question: Question, order: Sequence[int]) -> dict[str, object]:
    """What the learner sees of a bank question: never its answer."""
    options = question["options"]
    assert isinstance(options, list)
    return {
        "id": question["id"],
        "kind": question["kind"],
        "text": question["text"],
        "options": [options[index] for index in order],
    }


def grade_paper(
    bank: Mapping[str, Question],
    paper: Sequence[PaperQuestion],
    answers: Mapping[str, Sequence[int]],
) -> tuple[int, dict[str, list[int]]]:
    """(the score in percent, rounded down; the answers in the bank's numbering). A
    question is right with exactly its right options and no other; an option number
    that was not shown counts as a wrong answer."""
    if not paper:
        return 0, {}
    right = 0
    in_bank: dict[str, list[int]] = {}
    for question in paper:
        shown = answers.get(question.id, [])
        chosen = sorted({question.order[i] for i in shown if 0 <= i < len(question.order)})
        valid = all(0 <= i < len(question.order) for i in shown)
        in_bank[question.id] = chosen
        expected = sorted(bank[question.id]["answer"])  # type: ignore[call-overload]
        if valid and chosen == expected:
            right += 1
    return right * 100 // len(paper), in_bank
