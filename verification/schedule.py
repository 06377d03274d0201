"""When face checks happen during a video, and what a result means (pure, no Qt).

The server draws the check positions with a CSPRNG when the video starts (at least one
per video, `server.study.pick_check_positions`), so the client cannot know them in
advance of the course opening nor choose them. This module only follows them: a check
is due once playback reaches its position; on a failure playback stays paused and the
learner may retry up to the policy's limit; when the attempts are spent the learner is
signed out, and the server voids the span back to the last passed check (it keeps its
own record of every check it re-matched)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class CheckOutcome(StrEnum):
    RESUME = "resume"  # passed: playback may go on
    RETRY = "retry"  # failed: playback stays paused, the learner may try again
    SIGN_OUT = "sign_out"  # failed with no attempts left


@dataclass(frozen=True)
class DueCheck:
    slot: int  # index in the server's schedule, sent back with the evidence
    position_ms: int
    attempt: int  # 1 for the first try


@dataclass
class CheckScheduler:
    positions_ms: Sequence[int]
    max_attempts: int = 3
    _passed: set[int] = field(default_factory=set)
    _attempts: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("at least one attempt per check")
        if any(p < 0 for p in self.positions_ms):
            raise ValueError("check positions are video positions (ms, not negative)")

    def due(self, position_ms: int) -> DueCheck | None:
        """The check playback has reached and not yet passed (the earliest first)."""
        for slot, check_at in sorted(enumerate(self.positions_ms), key=lambda item: item[1]):
            if check_at > position_ms:
                return None
            if slot not in self._passed:
                return DueCheck(slot, check_at, self._attempts.get(slot, 0) + 1)
        return None

    def record(self, slot: int, passed: bool) -> CheckOutcome:
        if not 0 <= slot < len(self.positions_ms):
            raise ValueError(f"no scheduled check {slot}")
        self._attempts[slot] = self._attempts.get(slot, 0) + 1
        if passed:
            self._passed.add(slot)
            return CheckOutcome.RESUME
        if self._attempts[slot] >= self.max_attempts:
            return CheckOutcome.SIGN_OUT
        return CheckOutcome.RETRY

    def attempts_left(self, slot: int) -> int:
        return max(0, self.max_attempts - self._attempts.get(slot, 0))

    @property
    def remaining(self) -> int:
        return len(self.positions_ms) - len(self._passed)
