"""Builders of study-event streams for the records tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from records.events import RATE_NORMAL, EventKind, StudyEvent

# 2023-10-30 08:00:00 Beijing time, in Unix ms.
T0 = 1_698_624_000_000
MIN = 60_000


@dataclass
class Stream:
    """One device's session, written the way the client reports it."""

    learner_id: str = "learner-1"
    device_id: str = ""  # default: one device per session, so sequences never collide
    session_id: str = "session-1"
    course_id: str = "course-1"
    seq: int = 0
    events: list[StudyEvent] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.device_id = self.device_id or f"pc-{self.session_id}"

    def add(self, kind: EventKind, at: int, course: str | None = None, **data: object) -> None:
        self.seq += 1
        self.events.append(
            StudyEvent(
                device_id=self.device_id,
                seq=self.seq,
                kind=kind,
                at_ms=at,
                learner_id=self.learner_id,
                session_id=self.session_id,
                course_id=self.course_id if course is None else course,
                data=data,
            )
        )

    def start(self, at: int) -> Stream:
        self.add(EventKind.SESSION_START, at, course="")
        return self

    def play(self, at: int, position: int) -> Stream:
        self.add(EventKind.PLAY, at, position_ms=position)
        return self

    def beat(
        self,
        at: int,
        position: int,
        rate: int = RATE_NORMAL,
        focused: bool = True,
        visible: bool = True,
        playing: bool = True,
    ) -> Stream:
        self.add(
            EventKind.PROGRESS,
            at,
            position_ms=position,
            rate_milli=rate,
            focused=focused,
            visible=visible,
            playing=playing,
        )
        return self

    def watch(self, start: int, position: int, minutes: float, step_ms: int = 10_000) -> Stream:
        """Play from `position` at `start` with heartbeats every step for `minutes`."""
        self.play(start, position)
        elapsed = 0
        while elapsed < minutes * MIN:
            elapsed = min(int(minutes * MIN), elapsed + step_ms)
            self.beat(start + elapsed, position + elapsed)
        return self

    def pause(self, at: int, position: int, reason: str = "user") -> Stream:
        self.add(EventKind.PAUSE, at, position_ms=position, reason=reason)
        return self

    def end(self, at: int) -> Stream:
        self.add(EventKind.SESSION_END, at, course="")
        return self

    def last_at(self) -> int:
        return self.events[-1].at_ms
