"""How much study time counts: `compute_effective_time` (notice item 4, Attachment 1
item 3). The client runs it to show progress; the server runs the same code on the event
stream it received, with its own receive times, and only the server's answer is credited.

Credit is distinct video watched at 1x. The timeline of each study session is cut into
intervals between consecutive playback reports (play, pause, heartbeat). An interval
whose position advanced further than its wall time (plus the player's reporting jitter)
skipped video and earns nothing; otherwise it may earn at most its wall time and at most
the distance the position advanced, and it remembers which range of the video it
watched (a `WatchedPiece`). Rules that span several intervals are then applied in a
fixed order: failed face checks, tamper, idle, the caller's own voids (the server's
clock and face-check schedule), overlap with another session of the same learner, then
each range of a course's video earns once (rewatching earns nothing new, nothing beyond
the course's length), the daily cap and the course test. The rest of the session is
excluded, and every excluded span says why.

All times are integer milliseconds; nothing here reads a clock or does I/O.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from records.events import RATE_NORMAL, EventKind, StudyEvent
from records.policy import EffectiveTimePolicy

Span = tuple[int, int]


class ExclusionReason(StrEnum):
    BROWSING = "browsing"  # in the client but not in a course
    PAUSED = "paused"
    NO_PROGRESS = "no_progress"  # time passed but the video did not advance as far
    SKIPPED = "skipped"  # the video advanced faster than real time: a jump or a speed-up
    REWATCHED = "rewatched"  # this range of the course's video has already earned
    UNFOCUSED = "unfocused"  # the player window was not focused or not visible
    IDLE = "idle"  # interval between interactions over the limit
    FACE_CHECK = "face_check"  # after a failed face check, back to the last passed one
    TEST_PENDING = "test_pending"  # held until the course test is passed
    DAILY_CAP = "daily_cap"
    TAMPER = "tamper"  # a tamper report, a rate other than 1.0x, a clock going back
    HEARTBEAT_GAP = "heartbeat_gap"
    OVERLAP = "overlap"  # another session of the same learner already earned this time
    COURSE_COMPLETE = "course_complete"  # outside the course's authoritative length
    UNKNOWN_COURSE = "unknown_course"
    # Only the server knows these: time its own clock did not see the session live, and
    # time after it ended the study session or revoked the sign-in behind it.
    UNCONFIRMED = "unconfirmed"
    SESSION_CLOSED = "session_closed"
    # The institution refuses something the client reported of its surroundings.
    ENVIRONMENT_REFUSED = "environment_refused"


class WatchedPiece(NamedTuple):
    """Wall time [start, end) that may earn, during which the video played at 1x from
    `position_start`: time and position advance together."""

    start: int
    end: int
    position_start: int

    @property
    def position_end(self) -> int:
        return self.position_start + self.end - self.start


@dataclass(frozen=True)
class CourseRule:
    duration_ms: int
    requires_test: bool = True


@dataclass(frozen=True)
class TestResult:
    __test__ = False  # not a pytest test class, despite the name

    learner_id: str
    course_id: str
    passed: bool
    at_ms: int = 0


@dataclass(frozen=True)
class ExcludedSpan:
    start_ms: int
    end_ms: int
    reason: ExclusionReason

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


@dataclass(frozen=True)
class SessionCredit:
    learner_id: str
    device_id: str
    session_id: str
    course_ids: tuple[str, ...]
    start_ms: int
    end_ms: int
    effective_ms: int  # credited now
    pending_ms: int  # earned, held until the course test is passed
    excluded: tuple[ExcludedSpan, ...]
    # The client opens a new study session per course, but a stream may not: the credit
    # of each course of the session, in the order the courses appeared.
    effective_by_course: tuple[tuple[str, int], ...] = ()

    def excluded_ms(self, reason: ExclusionReason) -> int:
        return sum(span.duration_ms for span in self.excluded if span.reason == reason)


@dataclass(frozen=True)
class DayCredit:
    learner_id: str
    day: date
    effective_ms: int
    pending_ms: int
    capped_ms: int  # study that the daily cap refused


@dataclass(frozen=True)
class EffectiveTimeReport:
    sessions: tuple[SessionCredit, ...]
    days: tuple[DayCredit, ...]

    def total_effective_ms(self, learner_id: str) -> int:
        return sum(d.effective_ms for d in self.days if d.learner_id == learner_id)


# -- span arithmetic on sorted, disjoint (start, end) lists ---------------------------


def _merge(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _cut(start: int, end: int, windows: list[Span], index: int) -> tuple[list[Span], list[Span]]:
    """(parts of [start, end) outside `windows`, parts inside), reading the sorted,
    disjoint `windows` from `index`, the first that ends after `start`."""
    outside: list[Span] = []
    inside: list[Span] = []
    cursor = start
    while index < len(windows) and windows[index][0] < end:
        w_start, w_end = windows[index]
        if w_start > cursor:
            outside.append((cursor, w_start))
        inside.append((max(cursor, w_start), min(end, w_end)))
        cursor = min(end, w_end)
        if w_end > end:
            break
        index += 1
    if cursor < end:
        outside.append((cursor, end))
    return outside, inside


# -- watched pieces: time and video position together -----------------------------


def _sub_piece(piece: WatchedPiece, start: int, end: int) -> WatchedPiece:
    """The part of `piece` in wall time [start, end)."""
    return WatchedPiece(start, end, piece.position_start + start - piece.start)


def _split_pieces(
    pieces: Iterable[WatchedPiece], windows: list[Span]
) -> tuple[list[WatchedPiece], list[Span]]:
    """(the parts of time-disjoint `pieces` outside the sorted, disjoint `windows`, the
    spans of time inside them)."""
    kept: list[WatchedPiece] = []
    voided: list[Span] = []
    index = 0
    for piece in sorted(pieces):
        while index < len(windows) and windows[index][1] <= piece.start:
            index += 1
        outside, inside = _cut(piece.start, piece.end, windows, index)
        if not inside:
            kept.append(piece)
            continue
        kept.extend(_sub_piece(piece, s, e) for s, e in outside)
        voided.extend(inside)
    return kept, voided


def _unearned_ranges(
    piece: WatchedPiece, earned: list[Span], duration_ms: int
) -> list[tuple[WatchedPiece, ExclusionReason | None]]:
    """`piece` cut where its video range meets ranges of the course that already earned
    (`earned`, sorted and disjoint: rewatched) and the course's bounds [0, duration):
    each part with the reason it earns nothing, or None where it is new. The parts
    partition the piece."""
    parts: list[tuple[WatchedPiece, ExclusionReason | None]] = []

    def part(low: int, high: int, reason: ExclusionReason | None) -> None:
        if high > low:
            start = piece.start + low - piece.position_start
            parts.append((WatchedPiece(start, start + high - low, low), reason))

    first, last = piece.position_start, piece.position_end
    low, high = min(max(first, 0), last), max(min(last, duration_ms), first)
    part(first, low, ExclusionReason.COURSE_COMPLETE)
    cursor = low
    index = bisect.bisect_right(earned, (low, low)) - 1
    if index < 0 or earned[index][1] <= low:
        index += 1
    while cursor < high and index < len(earned) and earned[index][0] < high:
        e_start, e_end = earned[index]
        part(cursor, max(cursor, e_start), None)
        cursor = max(cursor, e_start)
        part(cursor, min(e_end, high), ExclusionReason.REWATCHED)
        cursor = max(cursor, min(e_end, high))
        index += 1
    part(cursor, high, None)
    part(high, last, ExclusionReason.COURSE_COMPLETE)
    return parts


def _mark_earned(earned: list[Span], start: int, end: int) -> None:
    """Add the video range [start, end) to the sorted, disjoint `earned` in place."""
    if end <= start:
        return
    index = bisect.bisect_left(earned, (start, start))
    if index > 0 and earned[index - 1][1] >= start:
        index -= 1
    stop = index
    while stop < len(earned) and earned[stop][0] <= end:
        start, end = min(start, earned[stop][0]), max(end, earned[stop][1])
        stop += 1
    earned[index:stop] = [(start, end)]


# -- one session's timeline ---------------------------------------------------------

_POSITION_KINDS = frozenset({EventKind.PLAY, EventKind.PAUSE, EventKind.PROGRESS})
_INTERACTIONS = frozenset(
    {
        EventKind.SESSION_START,
        EventKind.PLAY,
        EventKind.PROMPT_ANSWERED,
        EventKind.FACE_CHECK_PASSED,
    }
)


@dataclass(frozen=True)
class SessionSummary:
    """What one session may earn before the rules that look across sessions: the first,
    costly pass over its events, done once when the session is complete (the server
    keeps it), so a month of many learners is credited from summaries, not events."""

    learner_id: str
    device_id: str
    session_id: str
    start_ms: int
    end_ms: int
    candidates: tuple[tuple[str, tuple[WatchedPiece, ...]], ...]  # course, what may earn
    excluded: tuple[ExcludedSpan, ...]
    course_ids: tuple[str, ...]


# A sound card's clock, which paces playback, may run about 0.1 % off the system clock,
# so over a long run the position honestly drifts from the wall time: a run may drift
# 0.5 % beyond the jitter tolerance before it counts as sped up.
_CLOCK_DRIFT_DIVISOR = 200


def _drift_allowance(policy: EffectiveTimePolicy, run_wall_ms: int) -> int:
    return policy.skip_tolerance_ms + run_wall_ms // _CLOCK_DRIFT_DIVISOR


class _Run:
    """Consecutive intervals of one course played at 1x: together they earn the least of
    their wall time and the video's advance. Judging the run as a whole, not each
    interval, keeps an honest player's reporting jitter (one reading a little ahead, the
    next a little behind) from costing time, while the drift check still catches a
    steady speed-up. A run that advanced less than its time (buffering, or a player
    reporting slow motion) spreads its credit over every interval in proportion, so a
    void late in the run cuts as much as it would have cut from the playback itself."""

    def __init__(self, course: str, start: int, position: int) -> None:
        self.course, self.start, self.position = course, start, position
        self.intervals: list[Span] = []
        self.wall = 0
        self.advanced = 0

    def add(self, start: int, end: int, advanced: int) -> None:
        self.intervals.append((start, end))
        self.wall += end - start
        self.advanced += advanced

    def pieces(self) -> tuple[list[WatchedPiece], list[Span]]:
        """(what the run earns, what it does not: NO_PROGRESS)."""
        if self.advanced >= self.wall:
            return [WatchedPiece(self.start, self.start + self.wall, self.position)], []
        earned: list[WatchedPiece] = []
        unearned: list[Span] = []
        wall_before = earned_before = 0
        for start, end in self.intervals:
            wall_before += end - start
            share = wall_before * self.advanced // self.wall - earned_before
            if share > 0:
                earned.append(WatchedPiece(start, start + share, self.position + earned_before))
            unearned.append((start + share, end))
            earned_before += share
        return earned, unearned


def _session_timeline(  # noqa: PLR0915 - one pass over the reports, with its state
    events: list[StudyEvent], courses: Mapping[str, CourseRule], policy: EffectiveTimePolicy
) -> tuple[dict[str, list[WatchedPiece]], list[ExcludedSpan], list[str]]:
    first = events[0]
    excluded: list[ExcludedSpan] = []
    candidates: dict[str, list[WatchedPiece]] = defaultdict(list)
    course_ids: list[str] = []
    run: _Run | None = None

    def exclude(start: int, end: int, reason: ExclusionReason) -> None:
        if end > start:
            excluded.append(ExcludedSpan(start, end, reason))

    def close_run() -> None:
        nonlocal run
        if run is not None:
            earned, unearned = run.pieces()
            candidates[run.course].extend(earned)
            for start, end in unearned:
                exclude(start, end, ExclusionReason.NO_PROGRESS)
        run = None

    def judge(start: int, end: int, new_position: object, same_course: bool) -> None:
        """The interval [start, end) ending at a report of `new_position` (None: no
        position), with the playback state the previous report left."""
        nonlocal run
        moved = isinstance(new_position, int) and new_position != position
        if end <= start:
            if moved or not same_course:
                close_run()  # a jump in no time: the run's range would no longer be true
            return
        reason = _interval_exclusion(
            course, playing, rate_ok, attentive, end - start, courses, policy
        )
        if reason is None and not (
            same_course and position is not None and isinstance(new_position, int)
        ):
            reason = ExclusionReason.NO_PROGRESS
        if reason is None:
            assert position is not None and isinstance(new_position, int)
            advanced, wall = new_position - position, end - start
            drift = advanced - wall + (run.advanced - run.wall if run else 0)
            if advanced < 0:
                reason = ExclusionReason.NO_PROGRESS  # went back: nothing new was watched
            elif advanced > wall + policy.skip_tolerance_ms or drift > _drift_allowance(
                policy, wall + (run.wall if run else 0)
            ):
                # A jump or a speed-up: the range skipped was not watched, and the time
                # spent getting past it earns nothing either.
                reason = ExclusionReason.SKIPPED
            else:
                run = run or _Run(course, start, position)
                run.add(start, end, advanced)
                return
        close_run()
        exclude(start, end, reason)

    # Playback state after the last report.
    playing = False
    rate_ok = True
    attentive = True
    position: int | None = None
    course = ""
    last_at = first.at_ms
    for event in events:
        at = max(event.at_ms, last_at)  # a clock going back is voided by the windows
        if event.course_id and event.course_id not in course_ids:
            course_ids.append(event.course_id)
        has_position = event.kind in _POSITION_KINDS
        if has_position or event.kind in (EventKind.SESSION_START, EventKind.SESSION_END):
            new_position = event.data["position_ms"] if has_position else None
            judge(last_at, at, new_position, event.course_id == course)
            last_at = at
            course = event.course_id
            position = new_position  # type: ignore[assignment]
            if event.kind == EventKind.PROGRESS:
                playing = bool(event.data["playing"])
                rate_ok = event.data["rate_milli"] == RATE_NORMAL
                attentive = bool(event.data["focused"]) and bool(event.data["visible"])
            else:
                playing = event.kind == EventKind.PLAY
                if playing:
                    rate_ok, attentive = True, True
    end = max(e.at_ms for e in events)
    # Reports after the last playback report (a prompt, a tamper) say nothing of the
    # position: that tail earns nothing.
    judge(last_at, end, None, True)
    close_run()
    return dict(candidates), excluded, course_ids


def _interval_exclusion(  # noqa: PLR0911 - one return per rule, in order
    course: str,
    playing: bool,
    rate_ok: bool,
    attentive: bool,
    length_ms: int,
    courses: Mapping[str, CourseRule],
    policy: EffectiveTimePolicy,
) -> ExclusionReason | None:
    """Why an interval with this playback state earns nothing, or None if it may."""
    if not course:
        return ExclusionReason.BROWSING
    if course not in courses:
        return ExclusionReason.UNKNOWN_COURSE
    if not playing:
        return ExclusionReason.PAUSED
    if length_ms > policy.heartbeat_tolerance_ms:
        return ExclusionReason.HEARTBEAT_GAP
    if not rate_ok:
        return ExclusionReason.TAMPER
    if not attentive:
        return ExclusionReason.UNFOCUSED
    return None


def _session_windows(
    events: list[StudyEvent], policy: EffectiveTimePolicy, start: int, end: int
) -> list[tuple[ExclusionReason, list[Span]]]:
    """Spans voided by rules that look at more than one interval, in priority order."""
    face: list[Span] = []
    tamper: list[Span] = []
    idle: list[Span] = []
    last_pass = start
    failed_since: int | None = None
    last_interaction = start
    prompt_shown: dict[str, int] = {}
    position_times = [e.at_ms for e in events if e.kind in _POSITION_KINDS]
    latest = start
    for event in events:
        at = event.at_ms
        if at < latest:
            tamper.append((at, latest))  # the device clock went back: void what it covers
        latest = max(latest, at)
        if event.kind == EventKind.FACE_CHECK_FAILED:
            if failed_since is None:
                failed_since = last_pass
        elif event.kind == EventKind.FACE_CHECK_PASSED:
            if failed_since is not None:
                face.append((failed_since, at))
                failed_since = None
            last_pass = at
        elif event.kind == EventKind.TAMPER:
            # The whole reporting interval around the tamper report earns nothing.
            before = max((t for t in position_times if t <= at), default=start)
            after = min((t for t in position_times if t > at), default=end)
            tamper.append((before, after))
        elif event.kind == EventKind.PROMPT_SHOWN:
            prompt_shown[str(event.data["prompt_id"])] = at
        elif event.kind == EventKind.PROMPT_MISSED:
            shown = prompt_shown.get(str(event.data["prompt_id"]), at)
            idle.append((shown, at))
        if event.kind in _INTERACTIONS:
            if at - last_interaction > policy.interaction_limit_ms:
                idle.append((last_interaction + policy.interaction_limit_ms, at))
            last_interaction = max(last_interaction, at)
    if end - last_interaction > policy.interaction_limit_ms:
        idle.append((last_interaction + policy.interaction_limit_ms, end))
    if failed_since is not None:
        face.append((failed_since, end))
    return [
        (ExclusionReason.FACE_CHECK, _merge(face)),
        (ExclusionReason.TAMPER, _merge(tamper)),
        (ExclusionReason.IDLE, _merge(idle)),
    ]


# -- the whole computation ----------------------------------------------------------


def _day_of(ms: int, policy: EffectiveTimePolicy) -> date:
    offset = timedelta(minutes=policy.utc_offset_minutes)
    return (datetime.fromtimestamp(ms / 1000, UTC) + offset).date()


def _next_midnight_ms(ms: int, policy: EffectiveTimePolicy) -> int:
    offset_ms = policy.utc_offset_minutes * 60_000
    day_ms = 86_400_000
    return ((ms + offset_ms) // day_ms + 1) * day_ms - offset_ms


def _deduplicate(events: Iterable[StudyEvent]) -> list[StudyEvent]:
    """One event per (device, seq), whatever the delivery order or repetition."""
    chosen: dict[tuple[str, int], StudyEvent] = {}
    for event in events:
        key = event.key()
        kept = chosen.get(key)
        # Identical redeliveries are the normal case; for a conflicting pair pick one
        # deterministically (the chain check upstream reports the conflict).
        if kept is None or event.canonical() < kept.canonical():
            chosen[key] = event
    return sorted(chosen.values(), key=lambda e: (e.learner_id, e.device_id, e.seq))


def summarize_session(
    events: Iterable[StudyEvent],
    courses: Mapping[str, CourseRule],
    policy: EffectiveTimePolicy | None = None,
    void_windows: Iterable[tuple[ExclusionReason, Iterable[Span]]] = (),
) -> SessionSummary:
    """The first pass over the events of one session (one learner, device and session).

    `void_windows` are spans the caller knows earn nothing, with the reason, applied
    after the session's own rules (the server's clock and face-check schedule)."""
    policy = policy or EffectiveTimePolicy()
    ordered = sorted(events, key=lambda e: e.seq)
    first = ordered[0]
    candidates, excluded, course_ids = _session_timeline(ordered, courses, policy)
    start, end = first.at_ms, max(e.at_ms for e in ordered)
    rules = _session_windows(ordered, policy, start, end)
    rules += [(reason, _merge(windows)) for reason, windows in void_windows]
    for reason, windows in rules:
        for course_id, pieces in candidates.items():
            kept, voided = _split_pieces(pieces, windows)
            candidates[course_id] = kept
            excluded.extend(ExcludedSpan(s, e, reason) for s, e in voided)
    return SessionSummary(
        learner_id=first.learner_id,
        device_id=first.device_id,
        session_id=first.session_id,
        start_ms=start,
        end_ms=end,
        candidates=tuple((k, tuple(v)) for k, v in sorted(candidates.items())),
        excluded=tuple(excluded),
        course_ids=tuple(course_ids),
    )


def compute_effective_time(
    events: Iterable[StudyEvent],
    courses: Mapping[str, CourseRule],
    test_results: Iterable[TestResult],
    policy: EffectiveTimePolicy | None = None,
) -> EffectiveTimeReport:
    """Everything from raw events: duplicates and delivery order do not matter."""
    policy = policy or EffectiveTimePolicy()
    by_session: dict[tuple[str, str, str], list[StudyEvent]] = defaultdict(list)
    for event in _deduplicate(events):
        by_session[(event.learner_id, event.device_id, event.session_id)].append(event)
    summaries = [summarize_session(group, courses, policy) for group in by_session.values()]
    return credit_sessions(summaries, courses, test_results, policy)


def credit_sessions(
    summaries: Iterable[SessionSummary],
    courses: Mapping[str, CourseRule],
    test_results: Iterable[TestResult],
    policy: EffectiveTimePolicy | None = None,
) -> EffectiveTimeReport:
    """The second pass: overlap, course length, daily cap and tests, across sessions."""
    policy = policy or EffectiveTimePolicy()
    passed = {(r.learner_id, r.course_id) for r in test_results if r.passed}
    by_learner: dict[str, list[SessionSummary]] = defaultdict(list)
    for summary in summaries:
        by_learner[summary.learner_id].append(summary)
    sessions: list[SessionCredit] = []
    days: list[DayCredit] = []
    for learner_id in sorted(by_learner):
        learner_sessions, learner_days = _credit_learner(
            learner_id, by_learner[learner_id], courses, passed, policy
        )
        sessions.extend(learner_sessions)
        days.extend(learner_days)
    return EffectiveTimeReport(tuple(sessions), tuple(days))


def _credit_learner(
    learner_id: str,
    summaries: list[SessionSummary],
    courses: Mapping[str, CourseRule],
    passed: set[tuple[str, str]],
    policy: EffectiveTimePolicy,
) -> tuple[list[SessionCredit], list[DayCredit]]:
    works = sorted(summaries, key=lambda w: (w.start_ms, w.device_id, w.session_id))
    excluded = [list(work.excluded) for work in works]
    # Overlap: time already earned by an earlier-starting session cannot be earned again.
    claimed: list[Span] = []
    pieces: list[tuple[WatchedPiece, int, str]] = []  # piece, session index, course
    for index, work in enumerate(works):
        # Sessions come in order of their start, so time claimed before this one began
        # can never overlap it or any later one: keep the claimed list short.
        claimed = [span for span in claimed if span[1] > work.start_ms]
        mine: list[Span] = []
        for course_id, course_pieces in work.candidates:
            kept, overlapped = _split_pieces(course_pieces, claimed)
            excluded[index].extend(
                ExcludedSpan(s, e, ExclusionReason.OVERLAP) for s, e in overlapped
            )
            pieces.extend((piece, index, course_id) for piece in kept)
            mine.extend((piece.start, piece.end) for piece in kept)
        claimed = _merge(claimed + mine)

    # Each range of a course's video earns once, then the daily cap, in the order the
    # time was studied. A range the cap refused was not credited: it may earn later.
    pieces.sort()
    earned: dict[str, list[Span]] = defaultdict(list)  # video ranges credited, per course
    day_used: dict[date, int] = defaultdict(int)
    day_effective: dict[date, int] = defaultdict(int)
    day_pending: dict[date, int] = defaultdict(int)
    day_capped: dict[date, int] = defaultdict(int)
    effective = [0] * len(works)
    pending = [0] * len(works)
    by_course: list[dict[str, int]] = [dict.fromkeys(w.course_ids, 0) for w in works]
    for piece, index, course_id in pieces:
        dropped = excluded[index]
        course_earned = earned[course_id]
        held = courses[course_id].requires_test and (learner_id, course_id) not in passed
        for part, reason in _unearned_ranges(piece, course_earned, courses[course_id].duration_ms):
            if reason is not None:
                _exclude(dropped, part.start, part.end, reason)
                continue
            cursor = part.start
            while cursor < part.end:  # split at local midnight: each day has its own cap
                stop = min(part.end, _next_midnight_ms(cursor, policy))
                day = _day_of(cursor, policy)
                within_cap = max(0, min(stop - cursor, policy.daily_cap_ms - day_used[day]))
                day_used[day] += within_cap
                day_capped[day] += stop - cursor - within_cap
                _exclude(dropped, cursor + within_cap, stop, ExclusionReason.DAILY_CAP)
                credited = _sub_piece(part, cursor, cursor + within_cap)
                _mark_earned(course_earned, credited.position_start, credited.position_end)
                if held:
                    _exclude(dropped, cursor, cursor + within_cap, ExclusionReason.TEST_PENDING)
                    pending[index] += within_cap
                    day_pending[day] += within_cap
                else:
                    effective[index] += within_cap
                    by_course[index][course_id] += within_cap
                    day_effective[day] += within_cap
                cursor = stop

    credits = [
        SessionCredit(
            learner_id=learner_id,
            device_id=work.device_id,
            session_id=work.session_id,
            course_ids=tuple(work.course_ids),
            start_ms=work.start_ms,
            end_ms=work.end_ms,
            effective_ms=effective[index],
            pending_ms=pending[index],
            excluded=tuple(sorted(excluded[index], key=lambda s: (s.start_ms, s.end_ms, s.reason))),
            effective_by_course=tuple(by_course[index].items()),
        )
        for index, work in enumerate(works)
    ]
    day_list = [
        DayCredit(learner_id, day, day_effective[day], day_pending[day], day_capped[day])
        for day in sorted(set(day_used) | set(day_capped))
    ]
    return credits, day_list


def _exclude(dropped: list[ExcludedSpan], start: int, end: int, reason: ExclusionReason) -> None:
    if end > start:
        dropped.append(ExcludedSpan(start, end, reason))
