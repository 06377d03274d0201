"""Plain-data events the player emits (no Qt).

These become the signed study events of the records issue, so they carry only plain,
serialisable values: integer milliseconds, enum strings, booleans.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class PauseReason(StrEnum):
    USER = "user"  # the learner pressed pause
    MINIMIZED = "minimized"
    HIDDEN = "hidden"
    DEACTIVATED = "deactivated"  # focus moved to another program
    SCREEN_LOCKED = "screen_locked"
    SUSPEND = "suspend"  # the machine is going to sleep, or came back from it
    TAMPER = "tamper"
    CLOSED = "closed"
    # Holds: playback stays paused until the app releases them (`LockedPlayer.hold`).
    FACE_CHECK = "face_check"  # a scheduled face check is due or running
    PROMPT_MISSED = "prompt_missed"  # a "still there?" prompt went unanswered
    STUDY_STOPPED = "study_stopped"  # signed out, course withdrawn, offline too long
    STORE_FAILED = "store_failed"  # the study record could not be saved on this computer


class TamperKind(StrEnum):
    RATE_CHANGE = "rate_change"
    FORWARD_JUMP = "forward_jump"
    BACKWARD_JUMP = "backward_jump"
    SUSPEND_GAP = "suspend_gap"
    EXTERNAL_RESUME = "external_resume"  # playback resumed without the learner's click


@dataclass(frozen=True)
class PlayerEvent:
    course_id: str
    position_ms: int


@dataclass(frozen=True)
class Started(PlayerEvent):
    resumed_from_ms: int = 0


@dataclass(frozen=True)
class Paused(PlayerEvent):
    reason: PauseReason = PauseReason.USER


@dataclass(frozen=True)
class Progress(PlayerEvent):
    rate: float = 1.0
    focused: bool = True
    visible: bool = True
    furthest_ms: int = 0
    playing: bool = True


@dataclass(frozen=True)
class Tamper(PlayerEvent):
    kind: TamperKind = TamperKind.FORWARD_JUMP
    details: dict[str, int | float | str] = field(default_factory=dict)


@dataclass(frozen=True)
class Ended(PlayerEvent):
    pass
