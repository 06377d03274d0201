"""Turns the player's plain-data events into the fields of signed study events.

Pure: the caller supplies the session, the learner and the time. Floats never reach the
canonical JSON of an event (they have no single textual form), so a playback rate
becomes integer thousandths.
"""

from __future__ import annotations

from player.events import Ended, Paused, PlayerEvent, Progress, Started, Tamper
from records.events import RATE_NORMAL, EventKind


def _plain(details: dict[str, int | float | str]) -> dict[str, int | str]:
    plain: dict[str, int | str] = {}
    for key, value in details.items():
        if isinstance(value, float):
            plain[f"{key}_milli"] = round(value * 1000)
        else:
            plain[key] = value
    return plain


def study_event_fields(
    event: PlayerEvent, learner_id: str, session_id: str, at_ms: int
) -> dict[str, object]:
    """The fields `StudyStore.append` takes for one player event."""
    base = {
        "learner_id": learner_id,
        "session_id": session_id,
        "course_id": event.course_id,
        "at_ms": at_ms,
    }
    position: dict[str, int | str] = {"position_ms": event.position_ms}
    if isinstance(event, Started):
        return {**base, "kind": EventKind.PLAY, "data": position}
    if isinstance(event, Paused):
        return {**base, "kind": EventKind.PAUSE, "data": {**position, "reason": event.reason.value}}
    if isinstance(event, Ended):
        return {**base, "kind": EventKind.PAUSE, "data": {**position, "reason": "ended"}}
    if isinstance(event, Progress):
        data = {
            **position,
            "rate_milli": round(event.rate * RATE_NORMAL),
            "focused": event.focused,
            "visible": event.visible,
            "playing": event.playing,
            "furthest_ms": event.furthest_ms,
        }
        return {**base, "kind": EventKind.PROGRESS, "data": data}
    if isinstance(event, Tamper):
        data = {**position, "tamper": event.kind.value, **_plain(event.details)}
        return {**base, "kind": EventKind.TAMPER, "data": data}
    raise TypeError(f"no study event for {type(event).__name__}")


def session_boundary_fields(
    kind: EventKind, learner_id: str, session_id: str, course_id: str, at_ms: int, demo: bool
) -> dict[str, object]:
    """SESSION_START / SESSION_END around one course opening (one study session)."""
    return {
        "kind": kind,
        "learner_id": learner_id,
        "session_id": session_id,
        "course_id": course_id,
        "at_ms": at_ms,
        "data": {"demo": True} if demo else {},
    }
