"""The environment a client reports, judged by the real server under the institution's
policy: at sign-in (allowed, flagged for review or refused before any challenge) and
during study (a refused kind stops the heartbeats and earns nothing until a report no
longer names it), every report kept for the institution's review."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.build_info import VERSION
from records.events import EventKind
from server.models import EnvironmentReport, Institution, LoginChallenge, SessionSummaryRow
from tests.support.server_harness import (
    STEP_MS,
    LearnerDevice,
    course_id,
    credited_ms,
    pass_check,
)

PASSWORD = "correct horse learner1"


def set_policy(server, world, **actions: str) -> None:
    with server.platform.transaction() as db:
        institution = db.get(Institution, world.institution_id)
        assert institution is not None
        verification = json.loads(institution.verification_json or "{}")
        institution.verification_json = json.dumps({**verification, "environment": actions})


def reports(server) -> list[tuple[str | None, str, list]]:
    with server.platform.sessions() as db:
        rows = db.scalars(select(EnvironmentReport).order_by(EnvironmentReport.id)).all()
        return [(r.study_session_id, r.action, json.loads(r.signals_json)) for r in rows]


def client(*kinds: str) -> dict:
    evidence = {"remote_session": "process=x11vnc", "screen_recorder": "process=obs"}
    return {
        "version": VERSION,
        "environment": [{"kind": k, "evidence": evidence.get(k, "seen")} for k in kinds],
    }


@pytest.mark.parametrize("action", ["allow", "flag", "refuse"])
def test_a_remote_session_at_sign_in_under_each_policy(live_server, world, action):
    set_policy(live_server, world, remote_session=action)
    device = LearnerDevice(live_server)
    answer = device.password("learner1", PASSWORD, client("remote_session"))
    signals = [{"kind": "remote_session", "evidence": "process=x11vnc"}]
    assert reports(live_server) == [(None, action, signals)]
    with live_server.platform.sessions() as db:
        challenges = db.scalars(select(LoginChallenge)).all()
    if action == "refuse":
        assert answer.status_code == 403
        assert answer.json()["code"] == "environment_refused_remote_session"
        assert challenges == []  # refused before the face: nothing to answer
    else:
        assert answer.status_code == 200, answer.text
        assert len(challenges) == 1


def test_the_first_refused_kind_names_the_refusal_and_others_stay_flagged(live_server, world):
    set_policy(live_server, world, screen_recorder="refuse", automation_tool="allow")
    device = LearnerDevice(live_server)
    kinds = ("automation_tool", "screen_recorder", "virtual_machine")
    answer = device.password("learner1", PASSWORD, client(*kinds))
    assert answer.json()["code"] == "environment_refused_screen_recorder"
    assert [action for _, action, _ in reports(live_server)] == ["refuse"]
    # Nothing reported: nothing recorded, nothing refused.
    assert device.password("learner1", PASSWORD, client()).status_code == 200
    assert len(reports(live_server)) == 1


def test_an_unknown_signal_or_action_in_the_policy_is_refused(live_server, world):
    for actions in ({"telepathy": "refuse"}, {"remote_session": "ban"}):
        with pytest.raises(ValueError, match="environment policy"):
            live_server.platform.verification_settings(json.dumps({"environment": actions}))


def environment(device, at_ms, session, course, *kinds):
    signals = [{"kind": k, "evidence": "process=obs"} for k in kinds]
    return device.event(EventKind.ENVIRONMENT, at_ms, session, course, signals=signals)


@pytest.mark.parametrize("action", ["flag", "refuse"])
def test_a_recorder_started_during_study_under_each_policy(live_server, world, faces, action):
    """The client reports a screen recorder mid-course, then reports it gone. A client
    that ignores the refusal and keeps sending progress earns nothing for that span."""
    set_policy(live_server, world, screen_recorder=action)
    clock = live_server.platform.clock
    device = LearnerDevice(live_server)
    device.sign_in("learner1", faces.learner)
    course = course_id(world)
    session = device.start(course).json()["study_session_id"]
    now = clock.now_ms()
    opening = [
        device.event(EventKind.SESSION_START, now, session, course),
        device.event(EventKind.PLAY, now, session, course, position_ms=0),
        environment(device, now, session, course),
    ]
    assert device.heartbeat(session, opening).status_code == 200
    position = 0
    codes = []
    marks = {}
    for step in range(9):
        clock.advance(STEP_MS)
        position += STEP_MS
        now = clock.now_ms()
        events = [device.progress(now, session, course, position)]
        if step in (2, 5):
            kinds = ("screen_recorder",) if step == 2 else ()
            events.append(environment(device, now, session, course, *kinds))
            marks[step] = now
        beat = device.heartbeat(session, events)
        codes.append(beat.json().get("code") if beat.status_code != 200 else "ok")
        if beat.status_code == 200 and beat.json()["check_due"] is not None:
            take_the_check(device, session, course, position, beat.json()["check_due"], faces)
    refused = "environment_refused_screen_recorder"
    if action == "refuse":
        assert codes == ["ok", "ok", refused, refused, refused, "ok", "ok", "ok", "ok"]
    else:
        assert codes == ["ok"] * 9
    assert [a for s, a, _ in reports(live_server) if s == session] == [
        "allow",
        action,
        "allow",
    ]
    # Flagged time earns; refused time earns nothing (a face check falling due in it
    # may claim part of it first), whatever the client kept sending meanwhile.
    assert credited_ms(live_server, device.learner_id) > 3 * STEP_MS
    summary = session_summary(live_server, session)
    refused_span = (marks[2], marks[5])
    credited_pieces = [(p[0], p[1]) for _, pieces in summary["candidates"] for p in pieces]
    voided = [(a, b) for a, b, why in summary["excluded"] if why == "environment_refused"]
    if action == "refuse":
        assert voided and all(refused_span[0] <= a and b <= refused_span[1] for a, b in voided)
        assert not [p for p in credited_pieces if p[0] < refused_span[1] and p[1] > refused_span[0]]
    else:
        assert voided == []
        assert [p for p in credited_pieces if p[0] < refused_span[1] and p[1] > refused_span[0]]


def take_the_check(device, session, course, position, due, faces) -> None:
    """As the client does: playback holds while the learner passes the check."""
    clock = device.server.platform.clock
    now = clock.now_ms()
    held = device.event(
        EventKind.PAUSE, now, session, course, position_ms=position, reason="face_check"
    )
    assert device.heartbeat(session, [held]).status_code == 200
    pass_check(device, session, course, due["id"], faces.learner)
    play = device.event(EventKind.PLAY, clock.now_ms(), session, course, position_ms=position)
    assert device.heartbeat(session, [play]).status_code == 200


def session_summary(server, session: str) -> dict:
    with server.platform.sessions() as db:
        row = db.get(SessionSummaryRow, session)
        assert row is not None
        return json.loads(row.summary_json)
