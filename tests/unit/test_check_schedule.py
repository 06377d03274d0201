"""Face checks during a video: the server's unpredictable positions and its rules for
when a check falls due (server/check_rules.py), and the client's attempts at the checks
it is told of (verification/schedule.py)."""

from __future__ import annotations

import random
import secrets
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from records.events import EventKind, StudyEvent
from server.check_rules import (
    ASK_BEFORE_END_MS,
    CheckPolicy,
    CheckProgress,
    DueReason,
    NewDue,
    OpenDue,
    advance,
    pick_check_positions,
    start_due,
)
from verification.schedule import CheckAttempts, CheckOutcome

EVERY_MS = 20 * 60_000
T0 = 1_698_624_000_000
POLICY = CheckPolicy()


@given(st.integers(min_value=1_000, max_value=4 * 3_600_000))
def test_every_video_gets_at_least_one_check_inside_it(duration_ms):
    positions = pick_check_positions(duration_ms, 1, EVERY_MS, random.Random(duration_ms))
    assert len(positions) >= 1
    assert len(positions) == max(1, duration_ms // EVERY_MS)
    margin = duration_ms // 20
    # Far enough from the end that a heartbeat after it still comes before the end.
    end_margin = max(margin, min(duration_ms // 2, ASK_BEFORE_END_MS))
    assert all(margin <= p < duration_ms - end_margin for p in positions)
    assert positions == sorted(positions)


def test_positions_are_not_predictable():
    # 15 minutes, one check: 200 draws from the CSPRNG spread over the usable span.
    duration = 15 * 60_000
    draws = [
        pick_check_positions(duration, 1, EVERY_MS, secrets.SystemRandom())[0] for _ in range(200)
    ]
    assert len(set(draws)) > 190
    low = sum(d < duration / 2 for d in draws)
    assert 60 < low < 140  # both halves of the video are used


_seq = iter(range(1, 10**6))


def report(kind: EventKind, position: int, at: int = T0) -> StudyEvent:
    data: dict[str, object] = {"position_ms": position}
    if kind is EventKind.PAUSE:
        data["reason"] = "user"
    if kind is EventKind.PROGRESS:
        data.update(rate_milli=1000, focused=True, visible=True, playing=True)
    return StudyEvent("pc", next(_seq), kind, at, "L", "S", "C", data)


FRESH = CheckProgress((30_000, 90_000), 0, 0, T0, None)


def test_a_position_check_falls_due_when_a_report_reaches_it():
    progress, due = advance(FRESH, [report(EventKind.PROGRESS, 29_999)], None, T0, POLICY)
    assert due is None
    progress, due = advance(progress, [report(EventKind.PROGRESS, 95_000)], None, T0, POLICY)
    # Both positions passed at once: one check, and the schedule moves past both.
    assert due == NewDue(DueReason.POSITION, 1)
    assert progress.next_slot == 2 and progress.furthest_ms == 95_000


def test_no_second_check_while_one_is_open_and_an_overdue_one_is_asked_again():
    open_due = OpenDue(T0, DueReason.POSITION)
    reached = [report(EventKind.PROGRESS, 95_000)]
    progress, due = advance(FRESH, reached, open_due, T0 + POLICY.grace_ms, POLICY)
    assert due is None and progress.next_slot == 2  # the schedule still moves on
    _, due = advance(progress, [], open_due, T0 + POLICY.grace_ms + 1, POLICY)
    assert due == NewDue(DueReason.OVERDUE, None)


def test_wall_time_since_the_last_pass_makes_a_check_due_whatever_the_position():
    # Looping the first seconds never reaches a position, but the clock runs.
    looping = [report(EventKind.PLAY, 0), report(EventKind.PROGRESS, 8_000)]
    _, due = advance(FRESH, looping, None, T0 + POLICY.interval_ms - 1, POLICY)
    assert due is None
    _, due = advance(FRESH, looping, None, T0 + POLICY.interval_ms, POLICY)
    assert due == NewDue(DueReason.INTERVAL, None)


def test_a_long_pause_then_play_and_a_rewind_each_make_a_check_due():
    paused = [report(EventKind.PAUSE, 10_000, T0), report(EventKind.PLAY, 10_000, T0 + 1_000)]
    assert advance(FRESH, paused, None, T0, POLICY)[1] is None
    late = [
        report(EventKind.PAUSE, 10_000, T0),
        report(EventKind.PLAY, 10_000, T0 + POLICY.resume_after_pause_ms),
    ]
    assert advance(FRESH, late, None, T0, POLICY)[1] == NewDue(DueReason.RESUME, None)
    far = replace(FRESH, furthest_ms=80_000, next_slot=1)
    back = [report(EventKind.PLAY, 80_000 - POLICY.rewind_ms - 1)]
    assert advance(far, back, None, T0, POLICY)[1] == NewDue(DueReason.REWIND, None)
    near = [report(EventKind.PLAY, 80_000 - POLICY.rewind_ms)]
    assert advance(far, near, None, T0, POLICY)[1] is None
    others = [
        StudyEvent("pc", next(_seq), EventKind.PROMPT_SHOWN, T0, "L", "S", "C", {"prompt_id": "p"})
    ]
    assert advance(FRESH, others, None, T0, POLICY) == (FRESH, None)


def test_a_course_opened_long_after_the_last_pass_starts_with_a_check():
    assert start_due(None, T0, POLICY) == NewDue(DueReason.START, None)
    assert start_due(T0, T0 + POLICY.start_after_ms - 1, POLICY) is None
    assert start_due(T0, T0 + POLICY.start_after_ms, POLICY) == NewDue(DueReason.START, None)


def test_the_client_takes_each_due_check_once_and_retries_within_its_attempts():
    attempts = CheckAttempts(max_attempts=2)
    assert not attempts.offer(None)
    assert attempts.offer("due-1")
    assert not attempts.offer("due-1")  # already being taken
    assert attempts.attempts_left() == 2
    assert attempts.record(passed=False) is CheckOutcome.RETRY
    assert attempts.attempts_left() == 1
    assert attempts.record(passed=True) is CheckOutcome.RESUME
    assert attempts.attempts_left() == 0
    assert not attempts.offer("due-1")  # passed: a late heartbeat answer is ignored
    assert attempts.offer("due-2")
    assert attempts.record(passed=False) is CheckOutcome.RETRY
    assert attempts.record(passed=False) is CheckOutcome.SIGN_OUT
    assert not attempts.offer("due-2")
    with pytest.raises(ValueError):
        attempts.record(passed=True)
    with pytest.raises(ValueError):
        CheckAttempts(max_attempts=0)
