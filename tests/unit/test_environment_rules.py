"""The institution's judgement of reported surroundings, pure: the policy's defaults and
checks, which kind refuses, the spans a refusal voids, and how the client reads a
refusal."""

from __future__ import annotations

import pytest

from app.environment_watch import EnvironmentSampler
from records.events import GENESIS_HASH, EventKind, StudyEvent
from server.environment_rules import (
    DEFAULT_ACTIONS,
    environment_actions,
    judge_environment,
    refused_spans,
)
from sync.sync_rules import StudyStop, environment_stop, study_verdict
from verification.environment import EnvironmentSignal, EnvironmentSignalKind
from wire.environment import ENVIRONMENT_KINDS, REFUSED_PREFIX


def test_the_wire_names_every_kind_the_collector_reports_and_each_has_a_stop() -> None:
    assert set(ENVIRONMENT_KINDS) == {kind.value for kind in EnvironmentSignalKind}
    assert set(DEFAULT_ACTIONS) | {"virtual_camera"} == set(ENVIRONMENT_KINDS)
    for kind in ENVIRONMENT_KINDS:
        assert environment_stop(REFUSED_PREFIX + kind) is StudyStop(REFUSED_PREFIX + kind)


def test_defaults_flag_everything_and_a_virtual_camera_follows_the_face_checks() -> None:
    assert environment_actions({}, "warn") == {**DEFAULT_ACTIONS, "virtual_camera": "flag"}
    hardened = environment_actions({"remote_session": "refuse"}, "refuse")
    assert hardened["remote_session"] == "refuse" and hardened["virtual_camera"] == "refuse"
    assert hardened["virtual_machine"] == "flag"
    with pytest.raises(ValueError, match="unknown signal"):
        environment_actions({"virtual_camera": "allow"}, "refuse")  # set by virtual_camera
    with pytest.raises(ValueError, match="allow, flag or refuse"):
        environment_actions({"remote_session": "block"}, "refuse")


def test_a_judgement_refuses_flags_or_allows_in_a_fixed_order() -> None:
    actions = environment_actions(
        {"screen_recorder": "refuse", "remote_session": "refuse", "virtual_machine": "allow"},
        "warn",
    )
    judged = judge_environment(["screen_recorder", "virtual_machine", "remote_session"], actions)
    assert judged.refused == ("remote_session", "screen_recorder") and judged.action == "refuse"
    assert judge_environment(["virtual_machine"], actions).action == "allow"
    newer = judge_environment(["telepathy", "virtual_camera"], actions)
    assert newer.flagged == ("virtual_camera", "telepathy") and newer.action == "flag"
    assert judge_environment([], actions).action == "allow"


def _report(seq: int, at_ms: int, *kinds: str, signals: object = None) -> StudyEvent:
    listed = [{"kind": k, "evidence": "seen"} for k in kinds] if signals is None else signals
    return StudyEvent(
        device_id="dev-1",
        seq=seq,
        kind=EventKind.ENVIRONMENT,
        at_ms=at_ms,
        learner_id="lrn-1",
        session_id="study-1",
        course_id="crs-1",
        data={"signals": listed},
        prev_hash=GENESIS_HASH,
    )


def test_a_refused_kind_voids_from_its_report_until_a_report_without_it() -> None:
    actions = environment_actions({"screen_recorder": "refuse"}, "warn")
    events = [
        _report(4, 40_000, "screen_recorder", "virtual_machine"),
        _report(1, 0, "virtual_machine"),
        _report(6, 60_000, "screen_recorder"),  # still running: one span
        _report(7, 70_000),
        _report(9, 90_000, "screen_recorder"),  # again, until a report names nothing
        _report(10, 95_000, signals=["junk", {"evidence": "no kind"}]),
        _report(11, 99_000, signals=[{"kind": "screen_recorder"}, "junk"]),
    ]
    spans = [(40_000, 70_000), (90_000, 95_000), (99_000, 120_000)]  # the last to the end
    assert refused_spans(events, actions, 120_000) == spans
    flagged = environment_actions({}, "warn")
    assert refused_spans(events, flagged, 120_000) == []


def test_a_refused_environment_stops_study_after_a_sign_out_or_a_withdrawn_course() -> None:
    common = {"offline_for_ms": 0, "offline_limit_ms": 1, "skew_ms": None, "max_skew_ms": 1}
    stop = StudyStop.ENVIRONMENT_SCREEN_RECORDER
    verdict = study_verdict(
        sign_out=None,
        course_delisted=False,
        another_course_open=False,
        environment_refused=stop,
        **common,
    )
    assert not verdict.allowed and verdict.stop is stop
    delisted = study_verdict(
        sign_out=None,
        course_delisted=True,
        another_course_open=False,
        environment_refused=stop,
        **common,
    )
    assert delisted.stop is StudyStop.COURSE_DELISTED
    assert environment_stop("environment_refused_telepathy") is not None  # a newer kind
    assert environment_stop("course_delisted") is None


def test_the_sampler_reports_what_the_collector_saw_with_the_monitors_it_was_told() -> None:
    seen: list[int] = []

    def collect(*, monitor_count: int) -> tuple[EnvironmentSignal, ...]:
        seen.append(monitor_count)
        return (EnvironmentSignal(EnvironmentSignalKind.MULTIPLE_MONITORS, "monitors=2"),)

    sampler = EnvironmentSampler(collect)
    sampler.monitor_count = 2
    [report] = sampler.sample()
    assert (report.kind, report.evidence, seen) == ("multiple_monitors", "monitors=2", [2])
