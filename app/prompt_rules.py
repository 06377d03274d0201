"""When the "still there?" prompt appears, and what an answer or its absence means
(pure: no Qt, no clock of its own).

The effective-time rules count a span as idle when the learner has not interacted for
longer than the policy's `interaction_limit_ms`. The prompt is that interaction: it
appears at a random moment of playing time, never later than the limit minus the time
allowed to answer, so a learner who answers never loses time; one who does not is paused
and the span since the last answer is theirs to lose (the server decides)."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from enum import StrEnum

DEFAULT_ANSWER_WINDOW_MS = 30_000


class PromptState(StrEnum):
    WAITING = "waiting"  # counting playing time to the next prompt
    SHOWN = "shown"  # on screen, counting down to the answer limit
    MISSED = "missed"  # not answered in time: playback is held until acknowledged


@dataclass
class PromptSchedule:
    """Counts *playing* time (paused time does not bring a prompt nearer) and says when
    to show a prompt and when an unanswered one is missed."""

    interaction_limit_ms: int
    answer_window_ms: int = DEFAULT_ANSWER_WINDOW_MS
    rng: random.Random | secrets.SystemRandom | None = None

    def __post_init__(self) -> None:
        if self.interaction_limit_ms <= 0 or self.answer_window_ms <= 0:
            raise ValueError("the interaction limit and the answer window must be positive")
        # A limit shorter than two answer windows still gets a prompt, with half of it
        # left to answer.
        self.answer_window_ms = min(self.answer_window_ms, self.interaction_limit_ms // 2)
        self._rng = self.rng or secrets.SystemRandom()
        self.state = PromptState.WAITING
        self.prompts_shown = 0
        self._played_ms = 0
        self._shown_for_ms = 0
        self._next_at_ms = self._draw()

    def _draw(self) -> int:
        latest = self.interaction_limit_ms - self.answer_window_ms
        return self._rng.randint(max(1, latest // 3), latest)

    @property
    def next_prompt_in_ms(self) -> int:
        return max(0, self._next_at_ms - self._played_ms)

    def advance(self, elapsed_ms: int, playing: bool) -> PromptState:
        """Time passed since the last call; returns the state after it. SHOWN is returned
        once, on the call that crosses the prompt's moment; MISSED likewise."""
        if self.state is PromptState.WAITING and playing:
            self._played_ms += elapsed_ms
            if self._played_ms >= self._next_at_ms:
                self.state = PromptState.SHOWN
                self.prompts_shown += 1
                self._shown_for_ms = 0
        elif self.state is PromptState.SHOWN:
            # The answer window runs whether or not the video plays: a learner who walked
            # away was paused by focus loss and still has to answer.
            self._shown_for_ms += elapsed_ms
            if self._shown_for_ms >= self.answer_window_ms:
                self.state = PromptState.MISSED
        return self.state

    @property
    def answer_left_ms(self) -> int:
        return max(0, self.answer_window_ms - self._shown_for_ms)

    def answered(self) -> None:
        """The learner answered (or acknowledged a missed prompt): start a new wait."""
        self.state = PromptState.WAITING
        self._played_ms = 0
        self._next_at_ms = self._draw()
