"""The server's pure rules: which uploaded events join a device's chain, and what the
server's own clock and face-check schedule void (server/ingest_rules.py,
server/ledger_rules.py)."""

from __future__ import annotations

import dataclasses
import random

from hypothesis import given
from hypothesis import strategies as st

from records.effective_time import CourseRule, ExclusionReason, summarize_session
from records.events import GENESIS_HASH, EventKind
from records.signing import (
    EventChainBuilder,
    new_device_key,
    public_key_bytes,
    sign_event,
    signatures_valid,
)
from server.check_rules import DueCheck, due_check_voids
from server.ingest_rules import (
    ChainState,
    DeviceVerifier,
    EventStatus,
    Refusal,
    StudyBinding,
    decide_batch,
    session_status,
)
from server.ledger_rules import (
    Contact,
    ContactKind,
    ServerCheck,
    complement,
    failed_check_voids,
    live_windows,
    server_voids,
    summary_from_json,
    summary_to_json,
)
from server.test_rules import (
    Attempt,
    PaperQuestion,
    SittingDecision,
    SittingRefusal,
    TestPolicy,
    draw_paper,
    grade_paper,
    may_sit,
    shown_question,
)

T0 = 1_700_000_000_000


def verifier(key):
    return DeviceVerifier(public_key_bytes(key.public_key()))


def chain(count: int, device: str = "dev-1", key=None):
    key = key or new_device_key()
    builder = EventChainBuilder(key, device)
    events = [
        builder.next(
            kind=EventKind.PROGRESS,
            at_ms=T0 + i * 10_000,
            learner_id="L",
            session_id="S",
            course_id="C",
            data={
                "position_ms": i * 10_000,
                "rate_milli": 1000,
                "focused": True,
                "visible": True,
                "playing": True,
            },
        )
        for i in range(count)
    ]
    return key, events


def test_a_continuing_chain_joins_and_a_redelivery_is_a_duplicate():
    key, events = chain(5)
    first = decide_batch("dev-1", verifier(key), ChainState(0, GENESIS_HASH), events[:3], {})
    assert [d.join for d in first] == [True, True, True]
    state = ChainState(3, events[2].hash)
    stored = {e.event.seq: e.hash for e in events[:3]}
    again = decide_batch("dev-1", verifier(key), state, events, stored)
    assert [(d.duplicate, d.join) for d in again] == [(True, False)] * 3 + [(False, True)] * 2


def test_reordered_batch_is_sorted_and_accepted():
    key, events = chain(4)
    decisions = decide_batch("dev-1", verifier(key), ChainState(0, GENESIS_HASH), events[::-1], {})
    assert [d.seq for d in decisions] == [1, 2, 3, 4] and all(d.join for d in decisions)


def test_signature_answers_found_beforehand_decide_like_the_verifier():
    # The server checks an upload's signatures on several threads before the rules run:
    # the rules must take those answers, each for its own event, whatever the order.
    key, events = chain(600)
    events[300] = sign_event(new_device_key(), events[300].event)  # forged in the middle
    shuffled = events[::-1]
    start = ChainState(0, GENESIS_HASH)
    answers = signatures_valid(public_key_bytes(key.public_key()), shuffled, workers=2)
    assert answers.count(False) == 1
    ahead = decide_batch("dev-1", verifier(key), start, shuffled, {}, answers)
    assert ahead == decide_batch("dev-1", verifier(key), start, shuffled, {})
    assert ahead[300].refusal is Refusal.BAD_SIGNATURE and ahead[299].join
    # The answers, not the verifier, decide: a "no" for a good signature refuses it.
    said_no = [index != 10 for index in range(len(events))]
    assert decide_batch("dev-1", verifier(key), start, events, {}, said_no)[10].refusal is (
        Refusal.BAD_SIGNATURE
    )


def test_each_kind_of_bad_event_is_refused_with_its_code_and_stops_the_batch():
    key, events = chain(4)
    start = ChainState(0, GENESIS_HASH)
    other_key = new_device_key()
    forged = sign_event(other_key, events[0].event)
    assert decide_batch("dev-1", verifier(key), start, [forged], {})[0].refusal is (
        Refusal.BAD_SIGNATURE
    )
    assert decide_batch("dev-1", None, start, events[:1], {})[0].refusal is Refusal.UNKNOWN_DEVICE
    wrong_hash = dataclasses.replace(events[0], hash="0" * 64)
    assert decide_batch("dev-1", verifier(key), start, [wrong_hash], {})[0].refusal is (
        Refusal.HASH_MISMATCH
    )
    gap = decide_batch("dev-1", verifier(key), start, [events[1], events[2]], {})
    assert [d.refusal for d in gap] == [Refusal.SEQUENCE_GAP, Refusal.NOT_PROCESSED]
    # seq 1 re-signed with another prev_hash: the right number, the wrong link.
    relinked = sign_event(key, dataclasses.replace(events[0].event, prev_hash="a" * 64))
    assert decide_batch("dev-1", verifier(key), start, [relinked], {})[0].refusal is (
        Refusal.BROKEN_LINK
    )
    # A different event under an already stored number: a conflicting replay.
    changed = sign_event(
        key, dataclasses.replace(events[0].event, data={**events[0].event.data, "focused": False})
    )
    state = ChainState(1, events[0].hash)
    replay = decide_batch("dev-1", verifier(key), state, [changed], {1: events[0].hash})
    assert replay[0].refusal is Refusal.CONFLICTING_REPLAY
    _, foreign = chain(1, device="dev-2", key=key)
    assert decide_batch("dev-1", verifier(key), start, foreign, {})[0].refusal is (
        Refusal.MIXED_DEVICES
    )


@given(st.integers(min_value=0, max_value=200), st.integers(min_value=0, max_value=255))
def test_changing_any_byte_of_an_uploaded_event_is_refused(position, value):
    key, events = chain(1)
    raw = bytearray(events[0].event.canonical())
    index = position % len(raw)
    if raw[index] == value:
        return
    raw[index] = value
    try:
        from records.events import event_from_canonical

        changed = event_from_canonical(bytes(raw))
    except ValueError:
        return  # no longer an event at all: refused as malformed before this point
    tampered = dataclasses.replace(events[0], event=changed)
    decision = decide_batch("dev-1", verifier(key), ChainState(0, GENESIS_HASH), [tampered], {})
    assert not decision[0].join


def test_session_status_names_each_reason_an_event_earns_nothing():
    _, events = chain(1)
    signed = events[0]
    ok = StudyBinding("L", "dev-1", "C", None, None, False)
    now = T0 + 1000
    assert session_status(signed, ok, now, 30_000) is EventStatus.ACCEPTED
    assert session_status(signed, None, now, 30_000) is EventStatus.UNKNOWN_SESSION
    assert session_status(signed, dataclasses.replace(ok, device_id="x"), now, 30_000) is (
        EventStatus.WRONG_DEVICE
    )
    assert session_status(signed, dataclasses.replace(ok, learner_id="x"), now, 30_000) is (
        EventStatus.WRONG_LEARNER
    )
    assert session_status(signed, dataclasses.replace(ok, course_id="x"), now, 30_000) is (
        EventStatus.WRONG_COURSE
    )
    assert session_status(signed, ok, T0 - 31_000, 30_000) is EventStatus.CLOCK_AHEAD
    # No clock-skew allowance once the server closed the session: a millisecond after
    # its revocation or its end is too late.
    revoked = dataclasses.replace(ok, revoked_ms=signed.event.at_ms - 1)
    assert session_status(signed, revoked, now, 30_000) is EventStatus.SESSION_REVOKED
    ended = dataclasses.replace(ok, ended_ms=signed.event.at_ms - 1)
    assert session_status(signed, ended, now, 30_000) is EventStatus.SESSION_ENDED
    on_time = dataclasses.replace(ok, revoked_ms=signed.event.at_ms, ended_ms=signed.event.at_ms)
    assert session_status(signed, on_time, now, 30_000) is EventStatus.ACCEPTED
    disabled = dataclasses.replace(ok, account_disabled=True)
    assert session_status(signed, disabled, now, 30_000) is EventStatus.ACCOUNT_DISABLED


def contacts(*pairs):
    return [Contact(T0 + at, ContactKind(kind)) for at, kind in pairs]


def test_live_windows_follow_the_servers_clock_and_offline_grace():
    # Heartbeats every 10 s: one window end to end.
    beats = contacts((0, "start"), (10_000, "heartbeat"), (20_000, "heartbeat"))
    assert complement(live_windows(beats, 30_000, 600_000), T0, T0 + 20_000) == []
    # After a live heartbeat, an offline gap earns at most the offline limit.
    offline = contacts((0, "start"), (10_000, "heartbeat"), (2_000_000, "upload"))
    assert live_windows(offline, 30_000, 600_000) == [
        (T0, T0 + 10_000),
        (T0 + 10_000, T0 + 610_000),
    ]
    # Started, then silent until one final upload: nothing after the start.
    final_only = contacts((0, "start"), (2_700_000, "upload"))
    assert live_windows(final_only, 30_000, 600_000) == []
    assert live_windows(contacts((0, "upload")), 30_000, 600_000) == []


def test_complement_of_windows():
    assert complement([(5, 10), (8, 12), (20, 30)], 0, 25) == [(0, 5), (12, 20)]
    assert complement([], 0, 5) == [(0, 5)]
    assert complement([(0, 50)], 10, 20) == []


def progress_events(count, step_ms=10_000):
    return chain(count)[1]


def test_the_time_from_a_due_check_until_its_pass_earns_nothing():
    passed = [DueCheck(T0 + 30_000, T0 + 45_000)]
    assert due_check_voids(passed, T0 + 90_000) == [(T0 + 30_000, T0 + 45_000)]
    # Never passed: void until a later check passed, else to the end.
    missed = [DueCheck(T0 + 30_000, None), DueCheck(T0 + 60_000, T0 + 70_000)]
    assert due_check_voids(missed, T0 + 90_000) == [
        (T0 + 30_000, T0 + 70_000),
        (T0 + 60_000, T0 + 70_000),
    ]
    assert due_check_voids([DueCheck(T0 + 30_000, None)], T0 + 90_000) == [
        (T0 + 30_000, T0 + 90_000)
    ]
    assert due_check_voids([], T0 + 90_000) == []


def test_a_check_the_server_saw_fail_voids_back_to_the_last_pass():
    checks = [ServerCheck(T0 + 20_000, True), ServerCheck(T0 + 50_000, False)]
    assert failed_check_voids(checks, T0, T0 + 90_000) == [(T0 + 20_000, T0 + 90_000)]
    alone = [ServerCheck(T0 + 50_000, False), ServerCheck(T0 + 70_000, True)]
    assert failed_check_voids(alone, T0, T0 + 90_000) == [(T0, T0 + 70_000)]


def test_server_voids_a_whole_session_with_a_clock_ahead_and_credit_follows_the_windows():
    events = [e.event for e in progress_events(10)]
    beats = contacts(*[(i * 10_000, "heartbeat") for i in range(10)])
    rules = {"C": CourseRule(3_600_000, requires_test=False)}
    voids = server_voids(
        events,
        beats,
        [],
        [],
        heartbeat_tolerance_ms=30_000,
        offline_limit_ms=600_000,
        clock_ahead=False,
    )
    summary = summarize_session(events, rules, None, voids)
    assert sum(p.end - p.start for _, pieces in summary.candidates for p in pieces) == 90_000
    half = contacts(*[(i * 10_000, "heartbeat") for i in range(5)])
    voids = server_voids(
        events,
        half,
        [],
        [],
        heartbeat_tolerance_ms=30_000,
        offline_limit_ms=600_000,
        clock_ahead=False,
    )
    summary = summarize_session(events, rules, None, voids)
    earned = sum(p.end - p.start for _, pieces in summary.candidates for p in pieces)
    # Four live intervals; after the last contact nothing, until another one arrives.
    assert earned == 40_000
    assert any(x.reason is ExclusionReason.UNCONFIRMED for x in summary.excluded)
    ahead = server_voids(
        events,
        beats,
        [],
        [],
        heartbeat_tolerance_ms=30_000,
        offline_limit_ms=600_000,
        clock_ahead=True,
    )
    summary = summarize_session(events, rules, None, ahead)
    assert summary.candidates == (("C", ()),) or not any(s for _, s in summary.candidates)
    assert summary_from_json(summary_to_json(summary)) == summary


def test_a_sitting_is_refused_for_each_reason_in_order():
    policy = TestPolicy(attempts_per_day=2, cooldown_ms=600_000, min_coverage_percent=80)
    day, next_day = T0, T0 + 86_400_000
    now = T0 + 3_600_000

    def sit(watched, attempts):
        return may_sit(policy, watched, 100_000, attempts, day, next_day, now)

    assert sit(79_999, []).refusal is SittingRefusal.NOT_OPEN
    assert sit(80_000, []).refusal is None
    assert sit(0, [Attempt(T0, True)]).refusal is SittingRefusal.PASSED
    recent = sit(90_000, [Attempt(now - 1_000, False)])
    assert recent == SittingDecision(SittingRefusal.COOLDOWN, now - 1_000 + 600_000)
    spent = sit(90_000, [Attempt(T0 + 1, False), Attempt(T0 + 2, False)])
    assert spent == SittingDecision(SittingRefusal.EXHAUSTED, next_day)
    yesterday = [Attempt(T0 - 2, False), Attempt(T0 - 1, False)]
    assert sit(90_000, yesterday).refusal is None


def test_papers_draw_from_the_bank_and_grade_in_the_banks_numbering():
    bank = [
        {"id": "a", "kind": "single", "text": "A", "options": ["x", "y", "z"], "answer": [2]},
        {"id": "b", "kind": "multiple", "text": "B", "options": ["x", "y"], "answer": [0, 1]},
    ]
    rng = random.Random(7)
    assert len(draw_paper(bank, 0, rng)) == 2 and len(draw_paper(bank, 5, rng)) == 2
    (one,) = draw_paper(bank, 1, rng)
    assert sorted(one.order) == list(
        range(len(next(q for q in bank if q["id"] == one.id)["options"]))
    )
    paper = [PaperQuestion("a", (2, 0, 1)), PaperQuestion("b", (1, 0))]
    shown = shown_question(bank[0], (2, 0, 1))
    assert shown == {"id": "a", "kind": "single", "text": "A", "options": ["z", "x", "y"]}
    by_id = {q["id"]: q for q in bank}
    assert grade_paper(by_id, paper, {"a": [0], "b": [0, 1]}) == (100, {"a": [2], "b": [0, 1]})
    assert grade_paper(by_id, paper, {"a": [1], "b": [0]}) == (0, {"a": [0], "b": [1]})
    # A number that was never shown is a wrong answer, not an error.
    assert grade_paper(by_id, paper, {"a": [0, 9], "b": [0, 1]})[0] == 50
    assert grade_paper(by_id, [], {}) == (0, {})


# -- face challenges (server.face_challenge_rules) and the evidence's signature -----------


def _challenge_policy(**changes):
    from server.face_challenge_rules import ChallengePolicy

    base = {"actions": ("blink", "turn_left", "nod"), "min_actions": 2, "max_actions": 3}
    return ChallengePolicy(**{**base, "ttl_ms": 120_000, **changes})


def test_challenges_draw_distinct_actions_from_the_institutions_list():
    import pytest

    from server.face_challenge_rules import draw_actions

    policy = _challenge_policy()
    drawn = {draw_actions(policy, random.Random(seed)) for seed in range(60)}
    assert all(2 <= len(d) <= 3 and len(set(d)) == len(d) for d in drawn)
    assert all(set(d) <= set(policy.actions) for d in drawn)
    assert len(drawn) > 6  # orders and lengths vary
    # More actions asked than the list holds: all of them, in a random order.
    assert len(draw_actions(_challenge_policy(min_actions=5, max_actions=5))) == 3
    for bad in ({"actions": ()}, {"actions": ("blink", "blink")}, {"min_actions": 0}):
        with pytest.raises(ValueError):
            _challenge_policy(**bad)
    with pytest.raises(ValueError):
        _challenge_policy(min_actions=3, max_actions=2)
    with pytest.raises(ValueError):
        _challenge_policy(ttl_ms=0)


def test_a_bursts_timing_must_fit_inside_the_challenge():
    from server.face_challenge_rules import BurstTimingRefusal, burst_timing_refusal

    frames = [i * 80 for i in range(50)]  # 3.92 s of frames
    issued, expires = 1_000_000, 1_120_000
    assert burst_timing_refusal(frames, issued, issued + 4_500, expires) is None
    assert burst_timing_refusal([], issued, issued + 4_500, expires) is BurstTimingRefusal.EMPTY
    # Sent sooner after the challenge than the frames took: made before it existed.
    early = burst_timing_refusal(frames, issued, issued + 3_000, expires)
    assert early is BurstTimingRefusal.LONGER_THAN_ISSUED
    late = burst_timing_refusal(frames, issued, expires + 1, expires)
    assert late is BurstTimingRefusal.EXPIRED
    for packed in ([0, 10, 20], [0, 80, 80], [0, 160, 80]):
        refusal = burst_timing_refusal(packed, issued, issued + 4_500, expires)
        assert refusal is BurstTimingRefusal.OUT_OF_ORDER


def test_a_face_burst_signature_binds_the_challenge_and_every_frame():
    from records.signing import detached_signature_valid, face_burst_message

    key = new_device_key()
    public = public_key_bytes(key.public_key())
    frames = [(0, b"\xff\xd8one"), (80, b"\xff\xd8two")]
    message = face_burst_message("fch-1", frames)
    signature = key.sign(message)
    assert detached_signature_valid(public, message, signature)
    for changed in (
        face_burst_message("fch-2", frames),
        face_burst_message("fch-1", [(0, b"\xff\xd8one"), (81, b"\xff\xd8two")]),
        face_burst_message("fch-1", [(0, b"\xff\xd8one"), (80, b"\xff\xd8tw0")]),
        face_burst_message("fch-1", frames[:1]),
    ):
        assert not detached_signature_valid(public, changed, signature)
    assert not detached_signature_valid(public, message, b"\0" * 64)
    assert not detached_signature_valid(b"short", message, signature)
    # Not an event's signature either way: the domain differs from canonical JSON.
    assert message.startswith(b"face-burst/v1\n")
