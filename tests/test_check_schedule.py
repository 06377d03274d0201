"""Face checks during a video: the server's unpredictable positions
(server.study.pick_check_positions) and the client's scheduler that follows them
(verification/schedule.py)."""

from __future__ import annotations

import random
import secrets

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.platform import VerificationSettings
from server.study import pick_check_positions
from verification.schedule import CheckOutcome, CheckScheduler

SETTINGS = VerificationSettings(
    face_match_threshold=0.5,
    max_face_attempts=3,
    checks_per_video_min=1,
    check_every_ms=20 * 60_000,
)


@given(st.integers(min_value=1_000, max_value=4 * 3_600_000))
def test_every_video_gets_at_least_one_check_inside_it(duration_ms):
    positions = pick_check_positions(duration_ms, SETTINGS, random.Random(duration_ms))
    assert len(positions) >= 1
    assert len(positions) == max(1, duration_ms // SETTINGS.check_every_ms)
    margin = duration_ms // 20
    assert all(margin <= p <= duration_ms - margin for p in positions)
    assert positions == sorted(positions)


def test_positions_are_not_predictable():
    # 15 minutes, one check: 200 draws from the CSPRNG spread over the usable span.
    duration = 15 * 60_000
    draws = [
        pick_check_positions(duration, SETTINGS, secrets.SystemRandom())[0] for _ in range(200)
    ]
    assert len(set(draws)) > 190
    low = sum(d < duration / 2 for d in draws)
    assert 60 < low < 140  # both halves of the video are used


def test_a_check_is_due_once_playback_reaches_it_and_until_it_passes():
    scheduler = CheckScheduler([30_000, 90_000], max_attempts=3)
    assert scheduler.due(29_999) is None
    due = scheduler.due(30_000)
    assert (due.slot, due.attempt) == (0, 1)
    assert scheduler.record(0, passed=False) is CheckOutcome.RETRY
    assert scheduler.due(31_000).attempt == 2
    assert scheduler.record(0, passed=True) is CheckOutcome.RESUME
    assert scheduler.due(60_000) is None
    assert scheduler.due(95_000).slot == 1
    assert scheduler.remaining == 1


def test_spent_attempts_sign_the_learner_out():
    scheduler = CheckScheduler([10_000], max_attempts=2)
    assert scheduler.attempts_left(0) == 2
    assert scheduler.record(0, passed=False) is CheckOutcome.RETRY
    assert scheduler.attempts_left(0) == 1
    assert scheduler.record(0, passed=False) is CheckOutcome.SIGN_OUT
    assert scheduler.attempts_left(0) == 0


def test_positions_out_of_order_are_checked_earliest_first_and_bad_input_is_refused():
    scheduler = CheckScheduler([90_000, 30_000])
    assert scheduler.due(100_000).slot == 1
    with pytest.raises(ValueError):
        scheduler.record(5, passed=True)
    with pytest.raises(ValueError):
        CheckScheduler([10], max_attempts=0)
    with pytest.raises(ValueError):
        CheckScheduler([-1])
