"""app/prompt_rules.py: prompts within the interaction limit, unpredictable, counted in
playing time, missed after the answer window."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.prompt_rules import PromptSchedule, PromptState


def run_until_shown(schedule: PromptSchedule, step_ms: int = 1000) -> int:
    played = 0
    while schedule.advance(step_ms, playing=True) is PromptState.WAITING:
        played += step_ms
    return played + step_ms


@given(
    seed=st.integers(0, 2**32),
    limit=st.integers(2_000, 60 * 60_000),
    window=st.integers(1_000, 120_000),
)
def test_a_prompt_always_comes_early_enough_to_be_answered_within_the_limit(
    seed, limit, window
) -> None:
    schedule = PromptSchedule(limit, window, rng=random.Random(seed))
    at = schedule.next_prompt_in_ms
    assert at >= 1
    assert at + schedule.answer_window_ms <= limit
    assert schedule.answer_window_ms <= limit // 2


def test_prompts_are_unpredictable_and_spread_over_the_allowed_span() -> None:
    rng = random.Random(3)
    moments = [PromptSchedule(15 * 60_000, 30_000, rng=rng).next_prompt_in_ms for _ in range(500)]
    assert min(moments) >= 5 * 60_000 - 10_000 and max(moments) <= 15 * 60_000 - 30_000
    assert len(set(moments)) > 450
    assert max(moments) - min(moments) > 8 * 60_000


def test_only_playing_time_brings_the_prompt_nearer() -> None:
    schedule = PromptSchedule(60_000, 10_000, rng=random.Random(1))
    before = schedule.next_prompt_in_ms
    assert schedule.advance(30_000, playing=False) is PromptState.WAITING
    assert schedule.next_prompt_in_ms == before
    played = run_until_shown(schedule)
    assert before <= played < before + 1000
    assert schedule.prompts_shown == 1


def test_an_unanswered_prompt_is_missed_after_the_window_even_while_paused() -> None:
    schedule = PromptSchedule(60_000, 10_000, rng=random.Random(2))
    run_until_shown(schedule)
    assert schedule.advance(6_000, playing=False) is PromptState.SHOWN
    assert schedule.answer_left_ms == 4_000
    assert schedule.advance(4_000, playing=False) is PromptState.MISSED
    # Missed stays missed until acknowledged, then a new wait starts.
    assert schedule.advance(60_000, playing=True) is PromptState.MISSED
    schedule.answered()
    assert schedule.state is PromptState.WAITING and schedule.next_prompt_in_ms > 0


def test_an_answer_restarts_the_wait() -> None:
    schedule = PromptSchedule(60_000, 10_000, rng=random.Random(4))
    run_until_shown(schedule)
    assert schedule.advance(2_000, playing=True) is PromptState.SHOWN
    schedule.answered()
    assert schedule.advance(1_000, playing=True) is PromptState.WAITING
    run_until_shown(schedule)
    assert schedule.prompts_shown == 2


def test_bad_policies_are_refused() -> None:
    with pytest.raises(ValueError):
        PromptSchedule(0)
    with pytest.raises(ValueError):
        PromptSchedule(60_000, 0)
