"""The player's events become valid, float-free study events."""

from __future__ import annotations

import pytest

from app.study_events import session_boundary_fields, study_event_fields
from player.events import Ended, Paused, PauseReason, PlayerEvent, Progress, Started, Tamper
from player.events import TamperKind as PlayerTamper
from records.events import EventKind, StudyEvent


def as_event(fields: dict) -> StudyEvent:
    return StudyEvent(device_id="pc", seq=1, **fields)


@pytest.mark.parametrize(
    ("event", "kind", "data"),
    [
        (Started("c", 1000, 500), EventKind.PLAY, {"position_ms": 1000}),
        (
            Paused("c", 2000, PauseReason.MINIMIZED),
            EventKind.PAUSE,
            {"position_ms": 2000, "reason": "minimized"},
        ),
        (Ended("c", 60_000), EventKind.PAUSE, {"position_ms": 60_000, "reason": "ended"}),
        (
            Progress("c", 3000, rate=1.0, focused=False, visible=True, furthest_ms=3100),
            EventKind.PROGRESS,
            {
                "position_ms": 3000,
                "rate_milli": 1000,
                "focused": False,
                "visible": True,
                "playing": True,
                "furthest_ms": 3100,
            },
        ),
        (
            Tamper("c", 4000, PlayerTamper.RATE_CHANGE, {"rate": 4.0}),
            EventKind.TAMPER,
            {"position_ms": 4000, "tamper": "rate_change", "rate_milli": 4000},
        ),
        (
            Tamper("c", 5000, PlayerTamper.FORWARD_JUMP, {"to_ms": "end"}),
            EventKind.TAMPER,
            {"position_ms": 5000, "tamper": "forward_jump", "to_ms": "end"},
        ),
    ],
)
def test_each_player_event_maps_to_a_valid_study_event(event, kind, data) -> None:
    fields = study_event_fields(event, "learner", "session", 1_700_000_000_000)
    stored = as_event(fields)  # validates, and refuses floats in canonical JSON
    assert stored.kind == kind and dict(stored.data) == data
    assert stored.course_id == "c" and stored.session_id == "session"


def test_session_boundaries_mark_demo_records() -> None:
    start = as_event(session_boundary_fields(EventKind.SESSION_START, "l", "s", "c", 1, True))
    end = as_event(session_boundary_fields(EventKind.SESSION_END, "l", "s", "c", 2, False))
    assert start.data == {"demo": True} and end.data == {}


def test_an_unknown_player_event_is_a_bug() -> None:
    with pytest.raises(TypeError):
        study_event_fields(PlayerEvent("c", 0), "l", "s", 0)
