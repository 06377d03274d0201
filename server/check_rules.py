"""When a face check falls due during study, decided by the server alone (pure, no I/O).

The server draws the check positions of a video when it starts (`pick_check_positions`)
and keeps them to itself. A check falls due:
- by **position**, when a report it accepted shows playback reached the next position;
- by **wall time**, when the session has gone `interval_ms` of the server's clock since
  its last passed check (so looping the first minutes of a video never avoids one);
- on a **resume** after a pause of at least `resume_after_pause_ms`, and on a
  **rewind** further back than `rewind_ms` (nothing new is learned by going back, and
  a check follows every such game);
- when a study session **starts** longer than `start_after_ms` after the learner's last
  passed check (the sign-in's check covers a course opened straight after it);
- again (**overdue**) when the previous one was not passed within the grace period.

The client learns of a due check only from the server's answer to its heartbeat; a pass
counts only for a check that is due, within the grace period, and the time from the
moment a check fell due until it was passed earns nothing (`due_check_voids`).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from records.effective_time import Span
from records.events import EventKind, StudyEvent


class DueReason(StrEnum):
    START = "start"
    POSITION = "position"
    INTERVAL = "interval"
    RESUME = "resume"
    REWIND = "rewind"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class CheckPolicy:
    interval_ms: int = 20 * 60_000
    grace_ms: int = 120_000
    start_after_ms: int = 10 * 60_000
    resume_after_pause_ms: int = 5 * 60_000
    rewind_ms: int = 30_000


# A position check falls due at the first heartbeat (every ~10 s) after playback reached
# it: it must lie far enough from the end for the server to ask before the video ends.
ASK_BEFORE_END_MS = 20_000


def pick_check_positions(
    duration_ms: int, min_checks: int, every_ms: int, rng: secrets.SystemRandom
) -> list[int]:
    """Face-check positions in the video, from a CSPRNG: at least `min_checks`, one more
    per `every_ms` of video, never in the first 5 % (the learner must be watching) nor
    the last 5 % or `ASK_BEFORE_END_MS` (at most half the video), each in its own equal
    slice so they spread over the video."""
    count = max(min_checks, duration_ms // every_ms)
    start_margin = duration_ms // 20
    end_margin = max(start_margin, min(duration_ms // 2, ASK_BEFORE_END_MS))
    usable = max(1, duration_ms - start_margin - end_margin)
    slice_ms = max(1, usable // count)
    return [start_margin + index * slice_ms + rng.randrange(slice_ms) for index in range(count)]


@dataclass(frozen=True)
class CheckProgress:
    """What the server keeps of one study session to decide its next check."""

    positions_ms: tuple[int, ...]  # the secret schedule, in order
    next_slot: int  # the first position not yet due
    furthest_ms: int  # the furthest position an accepted report showed
    last_pass_ms: int  # server time of the last passed check (or the session's start)
    paused_at_ms: int | None  # device time of the last pause report, until a play


@dataclass(frozen=True)
class OpenDue:
    due_ms: int
    reason: DueReason


@dataclass(frozen=True)
class NewDue:
    reason: DueReason
    slot: int | None  # the schedule's position, for a position check


def start_due(last_pass_ms: int | None, now_ms: int, policy: CheckPolicy) -> NewDue | None:
    if last_pass_ms is None or now_ms - last_pass_ms >= policy.start_after_ms:
        return NewDue(DueReason.START, None)
    return None


def advance(
    progress: CheckProgress,
    reports: Iterable[StudyEvent],
    open_due: OpenDue | None,
    now_ms: int,
    policy: CheckPolicy,
) -> tuple[CheckProgress, NewDue | None]:
    """`progress` after the accepted `reports` (the session's events in sequence order),
    and the check that falls due now, if any. While one is open and within its grace
    period no other falls due; the reports still move the schedule on, so a position
    passed meanwhile is not asked about twice."""
    found: NewDue | None = None
    for event in sorted(reports, key=lambda e: e.seq):
        if event.kind not in (EventKind.PLAY, EventKind.PAUSE, EventKind.PROGRESS):
            continue
        position = event.data["position_ms"]
        assert isinstance(position, int)  # records.events validated the kind's fields
        if event.kind is EventKind.PAUSE:
            progress = replace(progress, paused_at_ms=event.at_ms)
            continue
        if event.kind is EventKind.PLAY:
            paused = progress.paused_at_ms
            if paused is not None and event.at_ms - paused >= policy.resume_after_pause_ms:
                found = found or NewDue(DueReason.RESUME, None)
            progress = replace(progress, paused_at_ms=None)
        if position < progress.furthest_ms - policy.rewind_ms:
            found = found or NewDue(DueReason.REWIND, None)
        progress = replace(progress, furthest_ms=max(progress.furthest_ms, position))
        slot = progress.next_slot
        while slot < len(progress.positions_ms) and progress.positions_ms[slot] <= position:
            slot += 1
        if slot != progress.next_slot:
            found = found or NewDue(DueReason.POSITION, slot - 1)
            progress = replace(progress, next_slot=slot)
    if found is None and now_ms - progress.last_pass_ms >= policy.interval_ms:
        found = NewDue(DueReason.INTERVAL, None)
    if open_due is not None:
        if now_ms <= open_due.due_ms + policy.grace_ms:
            return progress, None
        return progress, NewDue(DueReason.OVERDUE, None)
    return progress, found


@dataclass(frozen=True)
class DueCheck:
    """A check that fell due, as the ledger sees it: when, and the server time it was
    passed (None: never, within its grace period)."""

    due_ms: int
    passed_ms: int | None


def due_check_voids(dues: Sequence[DueCheck], end_ms: int) -> list[Span]:
    """The time that earns nothing: from each check falling due until it was passed, or,
    for one never passed, until the next pass of any check (else the end)."""
    passes = sorted(d.passed_ms for d in dues if d.passed_ms is not None)
    voids: list[Span] = []
    for due in dues:
        if due.passed_ms is not None:
            voids.append((due.due_ms, due.passed_ms))
        else:
            later = next((p for p in passes if p >= due.due_ms), end_ms)
            voids.append((due.due_ms, later))
    return [(start, end) for start, end in voids if end > start]
