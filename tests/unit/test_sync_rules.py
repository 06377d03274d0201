"""The client's pure sync rules (sync/sync_rules.py)."""

from __future__ import annotations

from sync.sync_rules import (
    ConnectivityTracker,
    SignOutReason,
    StudyStop,
    clock_skew_ms,
    sign_out_reason,
    study_verdict,
)


def test_only_a_401_signs_out_and_an_unknown_code_means_not_signed_in():
    assert sign_out_reason(401, "signed_in_elsewhere") is SignOutReason.SIGNED_IN_ELSEWHERE
    assert sign_out_reason(401, "another_learner_on_device") is (
        SignOutReason.ANOTHER_LEARNER_ON_DEVICE
    )
    assert sign_out_reason(401, "something new") is SignOutReason.NOT_SIGNED_IN
    assert sign_out_reason(403, "course_delisted") is None
    assert sign_out_reason(409, "signed_in_elsewhere") is None


def test_clock_skew_uses_the_middle_of_the_round_trip():
    assert clock_skew_ms(1_000, 1_200, 1_100) == 0
    assert clock_skew_ms(1_000, 1_200, 61_100) == 60_000
    assert clock_skew_ms(1_000, 1_000, 0) == -1_000


def test_offline_time_counts_from_the_last_answer_on_the_monotonic_clock():
    tracker = ConnectivityTracker()
    assert tracker.online and tracker.offline_for_ms(5_000) == 0
    tracker.succeeded(1_000)
    tracker.failed(11_000)
    assert not tracker.online
    assert tracker.offline_for_ms(31_000) == 30_000  # since the last answer at 1 s
    tracker.failed(21_000)  # a second failure does not move the start
    assert tracker.offline_for_ms(31_000) == 30_000
    tracker.succeeded(40_000)
    assert tracker.online and tracker.offline_for_ms(50_000) == 0
    never = ConnectivityTracker()
    never.failed(5_000)
    assert never.offline_for_ms(8_000) == 3_000


def verdict(**overrides):
    values = {
        "sign_out": None,
        "course_delisted": False,
        "another_course_open": False,
        "offline_for_ms": 0,
        "offline_limit_ms": 600_000,
        "skew_ms": 0,
        "max_skew_ms": 30_000,
    } | overrides
    return study_verdict(**values)


def test_study_verdict_in_order_of_severity():
    assert verdict().allowed
    assert verdict(skew_ms=None).allowed
    assert verdict(offline_for_ms=600_000).allowed  # at the limit, still allowed
    assert verdict(offline_for_ms=600_001).stop is StudyStop.OFFLINE_TOO_LONG
    assert verdict(skew_ms=-30_001).stop is StudyStop.CLOCK_SKEW
    assert verdict(another_course_open=True).stop is StudyStop.ANOTHER_COURSE_OPEN
    assert verdict(course_delisted=True, skew_ms=99_999).stop is StudyStop.COURSE_DELISTED
    out = verdict(sign_out=SignOutReason.SIGNED_OUT, course_delisted=True)
    assert out.stop is StudyStop.SIGNED_OUT and out.sign_out is SignOutReason.SIGNED_OUT


def test_a_challenge_answer_is_read_or_refused_as_malformed():
    import types
    from concurrent.futures import Future

    import pytest

    from sync.engine import SyncEngine
    from sync.http_client import MalformedResponseError
    from sync.store import OutboxStatus
    from wire.face import LivenessChallenge

    answer = {"challenge_id": "fch-1", "actions": ["blink", "nod"], "issued_ms": 1, "expires_ms": 9}

    class Platform:
        """Answers JSON, maybe not a challenge."""

        def __init__(self, body):
            self.body = body

        def post(self, path, body, token=None, idempotent=False):
            return self.body

    class Store:
        def outbox_status(self):
            status: Future[OutboxStatus] = Future()
            status.set_result(OutboxStatus(0, 0, 0, None))
            return status

    device = types.SimpleNamespace(device_id="dev-1")
    engine = SyncEngine(Platform(answer), Store(), device)  # type: ignore[arg-type]
    try:
        assert engine.login_face_challenge("token").result(10) == LivenessChallenge(
            challenge_id="fch-1", actions=["blink", "nod"], issued_ms=1, expires_ms=9
        )
    finally:
        engine.close()
    for body in (
        {},
        [answer],
        {**answer, "actions": "blink"},
        {**answer, "actions": [1, 2]},
        {**answer, "expires_ms": "soon"},
        {"challenge_id": "fch-1", "actions": ["blink"]},
    ):
        engine = SyncEngine(Platform(body), Store(), device)  # type: ignore[arg-type]
        try:
            with pytest.raises(MalformedResponseError):
                engine.login_face_challenge("token").result(10)
        finally:
            engine.close()
