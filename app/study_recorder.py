"""Records each course opening as a study session of signed events in the local store:
SESSION_START, the player's events, the prompts and face checks, SESSION_END. The store
signs, chains and commits each on its own thread; this object only prepares the fields.

The session id is the server's (`begin` before the course opens): the server credits
time only to a study session it started itself."""

from __future__ import annotations

import time
import uuid

from app.study_events import session_boundary_fields, study_event_fields
from player.events import PlayerEvent
from player.facade import LockedPlayer
from qt_binding import QObject, Slot
from records.events import EventKind
from sync.qt_facade import StudyStoreService


def wall_clock_ms() -> int:
    # The device's clock, as reported; the server credits time by its own receive times.
    return time.time_ns() // 1_000_000


class StudySessionRecorder(QObject):
    def __init__(
        self,
        player: LockedPlayer,
        store: StudyStoreService,
        learner_id: str,
        demo: bool,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self.learner_id = learner_id
        self._demo = demo
        self._session_id: str | None = None
        self._next_session_id: str | None = None
        self._course_id = ""
        player.course_opened.connect(self._on_course_opened)
        player.event.connect(self._on_player_event)
        player.course_closed.connect(self._on_course_closed)

    def begin(self, learner_id: str, session_id: str) -> None:
        """The next course opening belongs to this learner and server study session."""
        self.learner_id = learner_id
        self._next_session_id = session_id

    def forget_pending(self) -> None:
        """The course `begin` announced did not open: its session id must not be reused."""
        self._next_session_id = None

    def record(self, kind: EventKind, data: dict[str, object]) -> None:
        """A study event of the open session (prompt, face check); ignored when none."""
        if self._session_id is None:
            return
        self._store.append(
            {
                "kind": kind,
                "learner_id": self.learner_id,
                "session_id": self._session_id,
                "course_id": self._course_id,
                "at_ms": wall_clock_ms(),
                "data": data,
            }
        )

    @Slot(str)
    def _on_course_opened(self, course_id: str) -> None:
        self._session_id = self._next_session_id or uuid.uuid4().hex
        self._next_session_id = None
        self._course_id = course_id
        self._store.append(
            session_boundary_fields(
                EventKind.SESSION_START,
                self.learner_id,
                self._session_id,
                course_id,
                wall_clock_ms(),
                self._demo,
            )
        )

    @Slot(PlayerEvent)
    def _on_player_event(self, event: PlayerEvent) -> None:
        if self._session_id is None:
            return
        self._store.append(
            study_event_fields(event, self.learner_id, self._session_id, wall_clock_ms())
        )

    @Slot(str)
    def _on_course_closed(self, course_id: str) -> None:
        if self._session_id is None:
            return
        self._store.append(
            session_boundary_fields(
                EventKind.SESSION_END,
                self.learner_id,
                self._session_id,
                course_id,
                wall_clock_ms(),
                self._demo,
            )
        )
        self._session_id = None
