"""The effective-time rules (notice item 4, Attachment 1 item 3), example by example, then
as properties over random event streams (hypothesis)."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from records.effective_time import (
    CourseRule,
    ExclusionReason,
    TestResult,
    compute_effective_time,
    credit_sessions,
    summarize_session,
)
from records.events import EventKind
from records.policy import EffectiveTimePolicy, PolicyError
from tests.support.records_streams import MIN, T0, Stream

COURSES = {
    "course-1": CourseRule(duration_ms=600 * MIN, requires_test=False),
    "course-2": CourseRule(duration_ms=600 * MIN, requires_test=False),
    "tested": CourseRule(duration_ms=600 * MIN, requires_test=True),
    "short": CourseRule(duration_ms=5 * MIN, requires_test=False),
}


# Most examples are not about idleness: they use a limit longer than any of them.
NO_IDLE = EffectiveTimePolicy(interaction_limit_ms=48 * 60 * MIN)


def compute(*streams: Stream, tests=(), policy=NO_IDLE):
    events = [e for s in streams for e in s.events]
    return compute_effective_time(events, COURSES, tests, policy)


def only_session(report):
    assert len(report.sessions) == 1
    return report.sessions[0]


def test_plain_study_is_credited_in_full() -> None:
    stream = Stream().start(T0).watch(T0 + MIN, 0, 10)
    stream.pause(T0 + 11 * MIN, 10 * MIN, reason="closed").end(T0 + 12 * MIN)
    session = only_session(compute(stream))
    assert session.effective_ms == 10 * MIN
    assert session.excluded_ms(ExclusionReason.BROWSING) == MIN
    assert session.excluded_ms(ExclusionReason.PAUSED) == MIN
    assert session.effective_ms + sum(s.duration_ms for s in session.excluded) == 12 * MIN


def test_void_windows_from_the_caller_are_excluded_with_their_reason() -> None:
    # The server's own knowledge (its clock, its face-check schedule) comes in as windows.
    stream = Stream().start(T0).watch(T0, 0, 10).end(T0 + 10 * MIN)
    voids = [(ExclusionReason.UNCONFIRMED, [(T0 + 2 * MIN, T0 + 5 * MIN)])]
    summary = summarize_session(stream.events, COURSES, NO_IDLE, voids)
    session = only_session(credit_sessions([summary], COURSES, (), NO_IDLE))
    assert session.effective_ms == 7 * MIN
    assert session.excluded_ms(ExclusionReason.UNCONFIRMED) == 3 * MIN


def test_paused_time_is_excluded() -> None:
    stream = Stream().start(T0).watch(T0, 0, 5)
    stream.pause(T0 + 5 * MIN, 5 * MIN)
    stream.watch(T0 + 8 * MIN, 5 * MIN, 2)
    session = only_session(compute(stream))
    assert session.effective_ms == 7 * MIN
    assert session.excluded_ms(ExclusionReason.PAUSED) == 3 * MIN


def test_unfocused_or_hidden_player_earns_nothing() -> None:
    stream = Stream().start(T0).play(T0, 0)
    stream.beat(T0 + 10_000, 10_000)
    stream.beat(T0 + 20_000, 20_000, focused=False)
    stream.beat(T0 + 30_000, 30_000)
    stream.beat(T0 + 40_000, 40_000, visible=False)
    stream.beat(T0 + 50_000, 50_000)
    session = only_session(compute(stream))
    assert session.effective_ms == 30_000
    assert session.excluded_ms(ExclusionReason.UNFOCUSED) == 20_000


def test_rate_other_than_normal_is_tamper() -> None:
    stream = Stream().start(T0).play(T0, 0)
    stream.beat(T0 + 10_000, 10_000, rate=2000)
    stream.beat(T0 + 20_000, 30_000)
    session = only_session(compute(stream))
    assert session.effective_ms == 10_000
    assert session.excluded_ms(ExclusionReason.TAMPER) == 10_000


def test_credit_never_exceeds_the_position_advance() -> None:
    stream = Stream().start(T0).play(T0, 0)
    stream.beat(T0 + 10_000, 4_000)  # buffering: the video advanced 4 s in 10 s
    session = only_session(compute(stream))
    assert session.effective_ms == 4_000
    assert session.excluded_ms(ExclusionReason.NO_PROGRESS) == 6_000


def test_a_forward_jump_earns_nothing_and_says_skipped() -> None:
    stream = Stream().start(T0).play(T0, 0)
    stream.beat(T0 + 10_000, 10_000)
    stream.beat(T0 + 20_000, 70_000)  # a forward jump reported by a patched client
    stream.beat(T0 + 30_000, 80_000)
    session = only_session(compute(stream))
    assert session.effective_ms == 20_000
    assert session.excluded_ms(ExclusionReason.SKIPPED) == 10_000


def test_faster_than_real_time_earns_nothing() -> None:
    stream = Stream().start(T0).play(T0, 0)
    for step in range(1, 31):  # 1.5x for five minutes
        stream.beat(T0 + step * 10_000, step * 15_000)
    session = only_session(compute(stream))
    assert session.effective_ms == 0
    assert session.excluded_ms(ExclusionReason.SKIPPED) == 5 * MIN


def test_reporting_jitter_costs_an_honest_player_nothing() -> None:
    stream = Stream().start(T0).play(T0, 0)
    stream.beat(T0 + 10_000, 11_200)  # the position read 1.2 s ahead of the clock
    stream.beat(T0 + 20_000, 19_900)  # ... then 0.1 s behind
    stream.beat(T0 + 30_000, 30_000)
    session = only_session(compute(stream))
    assert session.effective_ms == 30_000
    assert session.excluded == ()


def test_a_slow_run_spreads_its_credit_so_a_late_void_still_cuts_it() -> None:
    # Half speed for ten minutes earns five, spread over the ten: a face check failed
    # halfway voids half of it, not nothing (credit packed at the run's start would
    # dodge every void in its second half).
    stream = Stream().start(T0).play(T0, 0)
    for step in range(1, 61):
        stream.beat(T0 + step * 10_000, step * 5_000)
    voids = [(ExclusionReason.FACE_CHECK, [(T0 + 5 * MIN, T0 + 10 * MIN)])]
    summary = summarize_session(stream.events, COURSES, NO_IDLE, voids)
    session = only_session(credit_sessions([summary], COURSES, []))
    assert session.effective_ms == 150_000
    assert session.excluded_ms(ExclusionReason.NO_PROGRESS) == 300_000
    assert session.excluded_ms(ExclusionReason.FACE_CHECK) == 150_000


def test_a_steady_speed_up_within_the_jitter_is_caught_by_its_drift() -> None:
    stream = Stream().start(T0).play(T0, 0)
    for step in range(1, 61):  # 1.1x for ten minutes: 11 s of video every 10 s
        stream.beat(T0 + step * 10_000, step * 11_000)
    session = only_session(compute(stream))
    assert session.excluded_ms(ExclusionReason.SKIPPED) >= 5 * MIN
    assert session.effective_ms <= 5 * MIN


def test_a_sound_card_clock_slightly_slow_or_fast_costs_nothing() -> None:
    for per_mille in (-1, 1):  # playback paced 0.1 % off the system clock for two hours
        stream = Stream().start(T0).play(T0, 0)
        for step in range(1, 721):
            stream.beat(T0 + step * 10_000, step * (10_000 + 10 * per_mille))
        session = only_session(compute(stream))
        assert session.effective_ms >= 120 * MIN * 999 // 1000
        assert session.excluded_ms(ExclusionReason.SKIPPED) == 0


def test_looping_the_first_minutes_earns_them_once() -> None:
    # The rewind attack: play the first 2 minutes again and again, so that playback
    # never reaches a scheduled face check, for an hour.
    stream = Stream().start(T0)
    for loop in range(30):
        stream.watch(T0 + loop * 2 * MIN, 0, 2)
    session = only_session(compute(stream))
    assert session.effective_ms == 2 * MIN
    assert session.excluded_ms(ExclusionReason.REWATCHED) == 58 * MIN


def test_a_range_earns_once_across_sessions_and_devices() -> None:
    first = Stream(session_id="a").start(T0).watch(T0, 0, 10)
    second = Stream(session_id="b").start(T0 + 20 * MIN).watch(T0 + 20 * MIN, 5 * MIN, 10)
    report = compute(first, second)
    assert report.total_effective_ms("learner-1") == 15 * MIN
    later = next(s for s in report.sessions if s.session_id == "b")
    assert later.excluded_ms(ExclusionReason.REWATCHED) == 5 * MIN


def test_a_range_jumped_over_earns_when_it_is_watched() -> None:
    stream = Stream().start(T0).watch(T0, 0, 1)
    stream.pause(T0 + MIN + 5_000, MIN)
    stream.watch(T0 + 2 * MIN, 5 * MIN, 1)  # resumed four minutes further on
    stream.watch(T0 + 4 * MIN, MIN, 4)  # went back and watched what it had jumped
    session = only_session(compute(stream))
    assert session.effective_ms == 6 * MIN
    assert session.excluded_ms(ExclusionReason.REWATCHED) == 0


def test_positions_outside_the_course_earn_nothing() -> None:
    stream = Stream(course_id="short").start(T0).watch(T0, 4 * MIN, 2)
    stream.watch(T0 + 3 * MIN, -MIN, 1)
    session = only_session(compute(stream))
    assert session.effective_ms == MIN  # of minutes 4 to 6 of a 5-minute course
    assert session.excluded_ms(ExclusionReason.COURSE_COMPLETE) == MIN + MIN


def test_a_range_the_daily_cap_refused_earns_on_another_day() -> None:
    policy = EffectiveTimePolicy(interaction_limit_ms=48 * 60 * MIN, lessons_per_day=1)
    start = T0 + 14 * 60 * MIN  # 22:00 Beijing time
    stream = Stream().start(start).watch(start, 0, 60)
    stream.watch(start + 24 * 60 * MIN, 0, 60)  # the same hour, again, the next night
    report = compute(stream, policy=policy)
    assert [d.effective_ms for d in report.days] == [45 * MIN, 15 * MIN]
    session = only_session(report)
    assert session.excluded_ms(ExclusionReason.DAILY_CAP) == 15 * MIN
    assert session.excluded_ms(ExclusionReason.REWATCHED) == 45 * MIN


def test_heartbeat_gap_earns_nothing() -> None:
    stream = Stream().start(T0).play(T0, 0)
    stream.beat(T0 + 10_000, 10_000)
    stream.beat(T0 + 70_000, 70_000)  # 60 s without a report
    stream.beat(T0 + 80_000, 80_000)
    session = only_session(compute(stream))
    assert session.effective_ms == 20_000
    assert session.excluded_ms(ExclusionReason.HEARTBEAT_GAP) == 60_000


def test_idle_beyond_the_interaction_limit() -> None:
    policy = EffectiveTimePolicy(interaction_limit_ms=20 * MIN)
    stream = Stream().start(T0).watch(T0, 0, 30)
    session = only_session(compute(stream, policy=policy))
    assert session.effective_ms == 20 * MIN
    assert session.excluded_ms(ExclusionReason.IDLE) == 10 * MIN


def test_answered_prompt_keeps_the_learner_active() -> None:
    policy = EffectiveTimePolicy(interaction_limit_ms=20 * MIN)
    stream = Stream().start(T0).watch(T0, 0, 15)
    stream.add(EventKind.PROMPT_SHOWN, T0 + 15 * MIN, prompt_id="p1")
    stream.add(EventKind.PROMPT_ANSWERED, T0 + 15 * MIN, prompt_id="p1")
    stream.watch(T0 + 15 * MIN, 15 * MIN, 15)
    session = only_session(compute(stream, policy=policy))
    assert session.effective_ms == 30 * MIN


def test_missed_prompt_makes_its_span_idle() -> None:
    stream = Stream().start(T0).watch(T0, 0, 10)
    stream.add(EventKind.PROMPT_SHOWN, T0 + 10 * MIN, prompt_id="p1")
    stream.watch(T0 + 10 * MIN, 10 * MIN, 1)
    stream.add(EventKind.PROMPT_MISSED, T0 + 11 * MIN, prompt_id="p1")
    session = only_session(compute(stream))
    assert session.excluded_ms(ExclusionReason.IDLE) == MIN
    assert session.effective_ms == 10 * MIN


def test_failed_face_check_voids_back_to_the_last_passed_one() -> None:
    stream = Stream().start(T0)
    stream.add(EventKind.FACE_CHECK_PASSED, T0, check_id="login")
    stream.watch(T0, 0, 10)
    stream.add(EventKind.FACE_CHECK_PASSED, T0 + 10 * MIN, check_id="c1")
    stream.watch(T0 + 10 * MIN, 10 * MIN, 10)
    stream.add(EventKind.FACE_CHECK_FAILED, T0 + 20 * MIN, check_id="c2")
    stream.add(EventKind.FACE_CHECK_PASSED, T0 + 21 * MIN, check_id="c2-retry")
    stream.watch(T0 + 21 * MIN, 20 * MIN, 5)
    session = only_session(compute(stream))
    assert session.effective_ms == 15 * MIN
    assert session.excluded_ms(ExclusionReason.FACE_CHECK) == 10 * MIN


def test_failed_face_check_without_a_retry_voids_to_the_end() -> None:
    stream = Stream().start(T0).watch(T0, 0, 5)
    stream.add(EventKind.FACE_CHECK_FAILED, T0 + 5 * MIN, check_id="c1")
    stream.watch(T0 + 5 * MIN, 5 * MIN, 5)
    session = only_session(compute(stream))
    assert session.effective_ms == 0


def test_tamper_report_voids_its_interval() -> None:
    stream = Stream().start(T0).watch(T0, 0, 1)
    stream.add(EventKind.TAMPER, T0 + 65_000, tamper="forward_jump")
    stream.beat(T0 + 70_000, 70_000)
    stream.beat(T0 + 80_000, 80_000)
    session = only_session(compute(stream))
    assert session.excluded_ms(ExclusionReason.TAMPER) == 10_000
    assert session.effective_ms == 70_000


def test_clock_going_back_is_tamper() -> None:
    stream = Stream().start(T0).play(T0, 0)
    stream.beat(T0 + 10_000, 10_000)
    stream.beat(T0 + 5_000, 20_000)  # the device clock was set back
    stream.beat(T0 + 20_000, 30_000)
    session = only_session(compute(stream))
    assert session.excluded_ms(ExclusionReason.TAMPER) >= 5_000
    assert session.effective_ms <= 20_000


def test_browsing_and_unknown_courses_earn_nothing() -> None:
    browsing = Stream(course_id="").start(T0)
    browsing.add(EventKind.PLAY, T0 + MIN, course="", position_ms=0)
    browsing.end(T0 + 2 * MIN)
    unknown = Stream(session_id="s2", course_id="no-such-course").start(T0 + 3 * MIN)
    unknown.watch(T0 + 3 * MIN, 0, 2)
    report = compute(browsing, unknown)
    assert sum(s.effective_ms for s in report.sessions) == 0
    assert report.sessions[1].excluded_ms(ExclusionReason.UNKNOWN_COURSE) == 2 * MIN


def test_overlapping_sessions_of_one_learner_earn_once() -> None:
    first = Stream(device_id="pc-1", session_id="a").start(T0).watch(T0, 0, 10)
    second = Stream(device_id="pc-2", session_id="b", course_id="course-2").start(T0 + 5 * MIN)
    second.watch(T0 + 5 * MIN, 0, 10)
    report = compute(first, second)
    by_id = {s.session_id: s for s in report.sessions}
    assert by_id["a"].effective_ms == 10 * MIN
    assert by_id["b"].effective_ms == 5 * MIN
    assert by_id["b"].excluded_ms(ExclusionReason.OVERLAP) == 5 * MIN


def test_other_learners_do_not_overlap() -> None:
    a = Stream(learner_id="a", device_id="pc-a").start(T0).watch(T0, 0, 10)
    b = Stream(learner_id="b", device_id="pc-b").start(T0).watch(T0, 0, 10)
    report = compute(a, b)
    assert report.total_effective_ms("a") == report.total_effective_ms("b") == 10 * MIN


def test_course_time_is_capped_at_its_duration() -> None:
    stream = Stream(course_id="short").start(T0).watch(T0, 0, 5)
    stream.watch(T0 + 6 * MIN, 0, 5)  # watching again from the start
    session = only_session(compute(stream))
    assert session.effective_ms == 5 * MIN
    assert session.excluded_ms(ExclusionReason.REWATCHED) == 5 * MIN


def test_daily_cap_is_360_minutes_a_beijing_day() -> None:
    stream = Stream().start(T0).watch(T0, 0, 400, step_ms=30_000)
    report = compute(stream)
    assert report.days[0].effective_ms == 360 * MIN
    assert report.days[0].capped_ms == 40 * MIN
    assert only_session(report).excluded_ms(ExclusionReason.DAILY_CAP) == 40 * MIN


def test_study_after_the_cap_is_reached_earns_nothing_that_day() -> None:
    policy = EffectiveTimePolicy(interaction_limit_ms=48 * 60 * MIN, lessons_per_day=1)
    stream = Stream().start(T0).watch(T0, 0, 50)
    stream.pause(T0 + 50 * MIN, 50 * MIN)
    stream.watch(T0 + 51 * MIN, 50 * MIN, 10)
    report = compute(stream, policy=policy)
    assert report.days[0].effective_ms == 45 * MIN
    assert only_session(report).excluded_ms(ExclusionReason.DAILY_CAP) == 15 * MIN


def test_the_day_boundary_is_beijing_midnight() -> None:
    # 23:50 to 00:10 Beijing time is two days, ten minutes each.
    start = T0 + (15 * 60 + 50) * MIN
    stream = Stream().start(start).watch(start, 0, 20)
    report = compute(stream)
    assert [(d.day.isoformat(), d.effective_ms) for d in report.days] == [
        ("2023-10-30", 10 * MIN),
        ("2023-10-31", 10 * MIN),
    ]


def test_test_pending_time_is_held_then_released_on_the_day_studied() -> None:
    stream = Stream(course_id="tested").start(T0).watch(T0, 0, 30)
    held = compute(stream)
    assert only_session(held).effective_ms == 0
    assert only_session(held).pending_ms == 30 * MIN
    assert only_session(held).excluded_ms(ExclusionReason.TEST_PENDING) == 30 * MIN
    released = compute(stream, tests=[TestResult("learner-1", "tested", True, T0 + 86_400_000)])
    assert only_session(released).effective_ms == 30 * MIN
    assert released.days[0].day.isoformat() == "2023-10-30"
    failed = compute(stream, tests=[TestResult("learner-1", "tested", False)])
    assert only_session(failed).pending_ms == 30 * MIN


def test_pending_time_still_counts_against_that_days_cap() -> None:
    tested = Stream(course_id="tested", session_id="a").start(T0).watch(T0, 0, 300, 30_000)
    other = Stream(course_id="course-1", session_id="b").start(T0 + 301 * MIN)
    other.watch(T0 + 301 * MIN, 0, 100, 30_000)
    report = compute(tested, other, tests=[TestResult("learner-1", "tested", True)])
    assert report.days[0].effective_ms == 360 * MIN
    assert report.days[0].capped_ms == 40 * MIN


def test_policy_round_trip_and_validation() -> None:
    policy = EffectiveTimePolicy(lessons_per_day=6)
    assert EffectiveTimePolicy.from_dict(policy.to_dict()) == policy
    assert policy.daily_cap_ms == 6 * 45 * MIN
    with pytest.raises(PolicyError, match="unknown"):
        EffectiveTimePolicy.from_dict({"surprise": 1})
    with pytest.raises(PolicyError, match="integer"):
        EffectiveTimePolicy(lesson_minutes=45.0)  # type: ignore[arg-type]
    with pytest.raises(PolicyError, match="positive"):
        EffectiveTimePolicy(lessons_per_day=0)
    with pytest.raises(PolicyError, match="integer"):
        EffectiveTimePolicy(skip_tolerance_ms=True)
    with pytest.raises(PolicyError, match="range"):
        EffectiveTimePolicy(utc_offset_minutes=24 * 60)
    with pytest.raises(PolicyError, match="tolerance"):
        EffectiveTimePolicy(heartbeat_tolerance_ms=1000)


# -- properties over random streams -------------------------------------------------


@st.composite
def random_streams(draw) -> list[Stream]:
    """A learner's sessions on one or two devices with random behaviour."""
    streams = []
    for index in range(draw(st.integers(1, 3))):
        stream = Stream(
            device_id=f"d{index}",
            session_id=f"s{index}",
            course_id=draw(st.sampled_from(["course-1", "course-2", "tested", "short"])),
        )
        at = T0 + draw(st.integers(0, 26 * 60)) * MIN
        position = 0
        stream.start(at)
        for _ in range(draw(st.integers(1, 40))):
            at += draw(st.integers(0, 120_000))
            action = draw(st.sampled_from(["beat", "beat", "beat", "play", "pause", "other"]))
            position = max(0, position + draw(st.integers(-20_000, 40_000)))
            if action == "beat":
                stream.beat(
                    at,
                    position,
                    rate=draw(st.sampled_from([1000, 1000, 1000, 2000])),
                    focused=draw(st.booleans()) or True,
                    visible=draw(st.sampled_from([True, True, False])),
                    playing=draw(st.sampled_from([True, True, False])),
                )
            elif action == "play":
                stream.play(at, position)
            elif action == "pause":
                stream.pause(at, position)
            else:
                kind = draw(
                    st.sampled_from(
                        [
                            EventKind.PROMPT_ANSWERED,
                            EventKind.FACE_CHECK_PASSED,
                            EventKind.FACE_CHECK_FAILED,
                            EventKind.TAMPER,
                        ]
                    )
                )
                field = {"prompt_answered": "prompt_id", "tamper": "tamper"}.get(kind, "check_id")
                stream.add(kind, at, **{field: "x"})
        streams.append(stream)
    return streams


def _position_advance(stream: Stream) -> int:
    """Sum of forward moves between consecutive position reports of the same course."""
    total, last = 0, None
    for event in stream.events:
        if "position_ms" in event.data:
            if last is not None:
                total += max(0, event.data["position_ms"] - last)
            last = event.data["position_ms"]
    return total


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
small_policy = EffectiveTimePolicy(lesson_minutes=10, lessons_per_day=3)


@SETTINGS
@given(random_streams())
def test_credit_never_exceeds_wall_clock_or_position_advance(streams) -> None:
    report = compute(*streams, tests=[TestResult("learner-1", "tested", True)])
    by_id = {s.session_id: s for s in report.sessions}
    for stream in streams:
        session = by_id[stream.session_id]
        earned = session.effective_ms + session.pending_ms
        assert earned <= session.end_ms - session.start_ms
        assert earned <= _position_advance(stream)


@SETTINGS
@given(random_streams(), st.sampled_from([small_policy, EffectiveTimePolicy(), NO_IDLE]))
def test_daily_cap_holds_for_any_stream(streams, policy) -> None:
    report = compute(*streams, policy=policy)
    for day in report.days:
        assert day.effective_ms + day.pending_ms <= policy.daily_cap_ms


@SETTINGS
@given(random_streams())
def test_every_moment_of_a_session_is_accounted_for(streams) -> None:
    for session in compute(*streams).sessions:
        accounted = session.effective_ms + sum(s.duration_ms for s in session.excluded)
        assert accounted == session.end_ms - session.start_ms


@SETTINGS
@given(random_streams(), st.randoms(use_true_random=False))
def test_duplicated_or_reordered_delivery_changes_nothing(streams, rng: random.Random) -> None:
    events = [e for s in streams for e in s.events]
    delivered = events + rng.sample(events, k=len(events) // 2)
    rng.shuffle(delivered)
    tests = [TestResult("learner-1", "tested", True)]
    assert compute_effective_time(delivered, COURSES, tests) == compute_effective_time(
        events, COURSES, tests
    )


def test_idle_span_between_two_interactions() -> None:
    policy = EffectiveTimePolicy(interaction_limit_ms=20 * MIN)
    stream = Stream().start(T0).watch(T0, 0, 30)
    stream.watch(T0 + 30 * MIN, 30 * MIN, 5)  # an explicit play is an interaction
    session = only_session(compute(stream, policy=policy))
    assert session.excluded_ms(ExclusionReason.IDLE) == 10 * MIN
    assert session.effective_ms == 25 * MIN


def _advanced_ranges(streams: list[Stream]) -> dict[str, list[tuple[int, int]]]:
    """Per course, every range of video a report said playback moved forward over."""
    ranges: dict[str, list[tuple[int, int]]] = {}
    for stream in streams:
        last = None
        for event in stream.events:
            if "position_ms" in event.data:
                position = event.data["position_ms"]
                if last is not None and position > last:
                    ranges.setdefault(event.course_id, []).append((last, position))
                last = position
    return ranges


def _measure(spans: list[tuple[int, int]], low: int, high: int) -> int:
    total, cursor = 0, low
    for span_start, span_end in sorted(spans):
        start, end = max(span_start, cursor), min(span_end, high)
        if end > start:
            total += end - start
            cursor = end
    return total


@SETTINGS
@given(random_streams())
def test_credit_is_at_most_the_distinct_video_advanced_and_the_wall_time(streams) -> None:
    report = compute(*streams, tests=[TestResult("learner-1", "tested", True)])
    by_course: dict[str, int] = {}
    for session in report.sessions:
        for course_id, effective in session.effective_by_course:
            by_course[course_id] = by_course.get(course_id, 0) + effective
    ranges = _advanced_ranges(streams)
    for course_id, credited in by_course.items():
        assert credited <= _measure(ranges.get(course_id, []), 0, COURSES[course_id].duration_ms)
    wall = [(s.start_ms, s.end_ms) for s in report.sessions]
    assert sum(by_course.values()) <= _measure(wall, 0, 2**62)


@st.composite
def honest_streams(draw) -> tuple[Stream, int]:
    """An honest player at 1x: heartbeats about every 10 s, each position reading up to
    ±300 ms off the true one, with pauses and resumes where it paused; returns the
    stream and the time it spent playing."""
    stream = Stream()
    at = T0
    stream.start(at)
    position, playing_ms = draw(st.integers(0, 10 * MIN)), 0
    for _ in range(draw(st.integers(1, 4))):
        stream.play(at, position)
        for _ in range(draw(st.integers(30, 120))):
            step = draw(st.integers(9_000, 11_000))
            at, position, playing_ms = at + step, position + step, playing_ms + step
            stream.beat(at, position + draw(st.integers(-300, 300)))
        at += 1_000
        position, playing_ms = position + 1_000, playing_ms + 1_000
        stream.pause(at, position)
        at += draw(st.integers(1_000, 5 * MIN))
    stream.end(at)
    return stream, playing_ms


@SETTINGS
@given(honest_streams())
def test_an_honest_stream_at_1x_keeps_at_least_99_percent_of_its_playing_time(honest) -> None:
    stream, playing_ms = honest
    session = only_session(compute(stream))
    assert session.effective_ms >= playing_ms * 99 // 100
    assert session.excluded_ms(ExclusionReason.SKIPPED) == 0
