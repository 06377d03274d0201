"""The server's own limits on what a study session may earn, on top of `records/` rules,
as spans to void (pure functions, no I/O).

1. **Its own clock.** Credit lies only between moments the server saw the session
   alive (its start, heartbeats, uploads), when consecutive moments are at most the
   heartbeat tolerance apart. After a live heartbeat the client may study offline for up
   to the offline limit (it buffers signed events and uploads them later); a gap after
   anything else (a session started and then silent, a lone final upload) earns nothing.
   So no session earns more than the server's wall clock, and a client that never
   reported live earns nothing.
2. **A clock ahead of the server's.** One event from beyond the allowed skew means the
   stream was made faster than real time: the whole session is void.
3. **Its own closing of the session.** Nothing timed after the server ended the study
   session or revoked the sign-in behind it (signed out, signed in elsewhere, disabled,
   expired) earns, whatever the device's clock says.
4. **The face checks it asked for** (`server.check_rules`). The time from a check
   falling due until the server itself re-matched a pass is void, and a check the
   server saw fail voids back to the last passed one, whatever the client reports.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

from records.effective_time import (
    ExcludedSpan,
    ExclusionReason,
    SessionSummary,
    Span,
    WatchedPiece,
)
from records.events import StudyEvent
from server.check_rules import DueCheck, due_check_voids


class ContactKind(StrEnum):
    START = "start"
    HEARTBEAT = "heartbeat"
    UPLOAD = "upload"


@dataclass(frozen=True)
class Contact:
    at_ms: int
    kind: ContactKind


@dataclass(frozen=True)
class ServerCheck:
    decided_ms: int
    passed: bool


def live_windows(
    contacts: Iterable[Contact], heartbeat_tolerance_ms: int, offline_limit_ms: int
) -> list[Span]:
    ordered = sorted(contacts, key=lambda c: (c.at_ms, c.kind))
    windows: list[Span] = []
    for before, after in pairwise(ordered):
        gap = after.at_ms - before.at_ms
        if gap <= heartbeat_tolerance_ms:
            windows.append((before.at_ms, after.at_ms))
        elif before.kind is ContactKind.HEARTBEAT:
            windows.append((before.at_ms, before.at_ms + min(gap, offline_limit_ms)))
    return windows


def complement(windows: Sequence[Span], start: int, end: int) -> list[Span]:
    """The parts of [start, end) outside the sorted, possibly overlapping `windows`."""
    outside: list[Span] = []
    cursor = start
    for w_start, w_end in sorted(windows):
        if w_start > cursor:
            outside.append((cursor, min(w_start, end)))
        cursor = max(cursor, w_end)
        if cursor >= end:
            break
    if cursor < end:
        outside.append((cursor, end))
    return [(s, e) for s, e in outside if e > s]


def failed_check_voids(checks: Iterable[ServerCheck], start_ms: int, end_ms: int) -> list[Span]:
    """A check the server saw fail voids back to the last passed one (or the start) and
    on until the next pass (or the end)."""
    ordered = sorted(checks, key=lambda c: c.decided_ms)
    passes = [c.decided_ms for c in ordered if c.passed]
    voids: list[Span] = []
    for check in ordered:
        if not check.passed:
            before = max((p for p in passes if p <= check.decided_ms), default=start_ms)
            after = next((p for p in passes if p > check.decided_ms), end_ms)
            voids.append((before, after))
    return voids


def server_voids(
    events: Sequence[StudyEvent],
    contacts: Iterable[Contact],
    dues: Sequence[DueCheck],
    checks: Iterable[ServerCheck],
    *,
    heartbeat_tolerance_ms: int,
    offline_limit_ms: int,
    clock_ahead: bool,
    closed_ms: int | None = None,
) -> list[tuple[ExclusionReason, list[Span]]]:
    start = min(e.at_ms for e in events)
    end = max(e.at_ms for e in events)
    if clock_ahead:
        return [(ExclusionReason.TAMPER, [(start, end)])]
    windows = live_windows(contacts, heartbeat_tolerance_ms, offline_limit_ms)
    closed = [(closed_ms, end)] if closed_ms is not None and closed_ms < end else []
    return [
        (ExclusionReason.SESSION_CLOSED, closed),
        (ExclusionReason.UNCONFIRMED, complement(windows, start, end)),
        (
            ExclusionReason.FACE_CHECK,
            due_check_voids(dues, end) + failed_check_voids(checks, start, end),
        ),
    ]


# -- keeping summaries between uploads ---------------------------------------------


def summary_to_json(summary: SessionSummary) -> str:
    return json.dumps(
        {
            "learner_id": summary.learner_id,
            "device_id": summary.device_id,
            "session_id": summary.session_id,
            "start_ms": summary.start_ms,
            "end_ms": summary.end_ms,
            "candidates": [[c, [list(p) for p in pieces]] for c, pieces in summary.candidates],
            "excluded": [[x.start_ms, x.end_ms, x.reason.value] for x in summary.excluded],
            "course_ids": list(summary.course_ids),
        },
        separators=(",", ":"),
    )


def summary_from_json(text: str) -> SessionSummary:
    data = json.loads(text)
    return SessionSummary(
        learner_id=data["learner_id"],
        device_id=data["device_id"],
        session_id=data["session_id"],
        start_ms=data["start_ms"],
        end_ms=data["end_ms"],
        candidates=tuple(
            (course, tuple(WatchedPiece(*piece) for piece in pieces))
            for course, pieces in data["candidates"]
        ),
        excluded=tuple(ExcludedSpan(s, e, ExclusionReason(r)) for s, e, r in data["excluded"]),
        course_ids=tuple(data["course_ids"]),
    )


def excluded_totals(excluded: Iterable[ExcludedSpan]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for span in excluded:
        totals[span.reason.value] = totals.get(span.reason.value, 0) + span.duration_ms
    return dict(sorted(totals.items()))
