"""The face checks of a video, as the client follows them (pure, no Qt).

The server alone decides when a check is due (`server.check_rules`: positions it drew
and keeps secret, wall time, resumes and rewinds) and says so in its answer to a
heartbeat; the client only follows. On a failure playback stays paused and the learner
may retry up to the policy's limit; when the attempts are spent the learner is signed
out, and the server voids the span from the check falling due until one passes (it
keeps its own record of every check it re-matched)."""

from __future__ import annotations

from enum import StrEnum


class CheckOutcome(StrEnum):
    RESUME = "resume"  # passed: playback may go on
    RETRY = "retry"  # failed: playback stays paused, the learner may try again
    SIGN_OUT = "sign_out"  # failed with no attempts left


class CheckAttempts:
    """The learner's attempts at the check that is due now, known by the id the server
    gave it (`sync.sync_rules.DueCheck`)."""

    def __init__(self, max_attempts: int = 3) -> None:
        if max_attempts < 1:
            raise ValueError("at least one attempt per check")
        self.max_attempts = max_attempts
        self.due_id: str | None = None
        self._attempts = 0
        self._answered: set[str] = set()

    def offer(self, due_id: str | None) -> bool:
        """The server's word on what is due: True if that is a check to start now (not
        one the learner is already taking, has passed or ran out of attempts at)."""
        if due_id is None or due_id in self._answered or due_id == self.due_id:
            return False
        self.due_id, self._attempts = due_id, 0
        return True

    def record(self, passed: bool) -> CheckOutcome:
        if self.due_id is None:
            raise ValueError("no check is due")
        self._attempts += 1
        if passed or self._attempts >= self.max_attempts:
            self._answered.add(self.due_id)
            self.due_id = None
            return CheckOutcome.RESUME if passed else CheckOutcome.SIGN_OUT
        return CheckOutcome.RETRY

    def attempts_left(self) -> int:
        return max(0, self.max_attempts - self._attempts) if self.due_id else 0
