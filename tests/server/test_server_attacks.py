"""A cheating learner against the real server over HTTP: a script holding the learner's
password and one still photo of their face (issue 14). Each attack is played in full and
must earn nothing for the span it attacked, with the reason the learner's own records
give (Attachment 1 items 1-3; notice item 4).

As in `test_server_study`, the test moves the server's clock instead of waiting."""

from __future__ import annotations

import base64
import json

from records.events import EventKind
from tests.support.server_harness import (
    ADMIN_TOKEN,
    API,
    STEP_MS,
    LearnerDevice,
    answer_test,
    course_id,
    credited_ms,
    study,
    to_beijing_morning,
)


def excluded(device: LearnerDevice, reason: str) -> int:
    """The learner's own records: how much time was excluded for `reason`."""
    records = device.get("/me/records").json()["records"]
    return sum(row["excluded_ms"].get(reason, 0) for row in records)


def beat(device: LearnerDevice, session: str, course: str, position: int, **flags):
    """One heartbeat STEP_MS of server time after the last, carrying a progress report."""
    clock = device.server.platform.clock
    clock.advance(STEP_MS)
    now = clock.now_ms()
    response = device.heartbeat(session, [device.progress(now, session, course, position, **flags)])
    assert response.status_code == 200, response.text
    return response


def play_on_by_batch(device: LearnerDevice, session: str, course: str, steps: range) -> dict:
    """Go on reporting 1x playback, STEP_MS of server time apart, in one batch upload
    (which needs no sign-in token): the server's acknowledgement."""
    clock = device.server.platform.clock
    later = []
    for step in steps:
        clock.advance(STEP_MS)
        later.append(device.progress(clock.now_ms(), session, course, step * STEP_MS))
    return device.upload(later).json()


def begin(device: LearnerDevice, course: str, position: int = 0) -> str:
    start = device.start(course)
    assert start.status_code == 200, start.text
    session = start.json()["study_session_id"]
    now = device.server.platform.clock.now_ms()
    opening = [
        device.event(EventKind.SESSION_START, now, session, course),
        device.event(EventKind.PLAY, now, session, course, position_ms=position),
    ]
    assert device.heartbeat(session, opening).status_code == 200
    return session


# -- hole 1: face checks passed ahead of time ------------------------------------------


def test_checks_cannot_be_passed_before_the_server_asks(live_server, world, faces):
    device = LearnerDevice(live_server)
    device.sign_in("learner1", faces.learner)
    course = course_id(world)
    start = device.start(course).json()
    session = start["study_session_id"]
    assert "check_positions_ms" not in start and start["check_due"] is None
    # The script tries to pass "every check" in the first second: there is no challenge
    # to answer before the server asks, nor a check to answer with a made-up one.
    for guess in ("due-0", "due-1", session):
        early = device.study_challenge(session, guess)
        assert early.status_code == 409 and early.json()["code"] == "no_check_due"
        made_up = {"challenge_id": "fch-made-up", "actions": ["blink", "nod"]}
        body = {"due_id": guess, "face": device.proof(made_up, faces.learner)}
        forged = device.post(f"/study/{session}/face-check", json=body)
        assert forged.status_code == 409 and forged.json()["code"] == "no_check_due"
    # ...then heartbeats at 1x with nobody in front of the screen, ignoring the check
    # the server asks for.
    now = live_server.platform.clock.now_ms()
    opening = [
        device.event(EventKind.SESSION_START, now, session, course),
        device.event(EventKind.PLAY, now, session, course, position_ms=0),
    ]
    assert device.heartbeat(session, opening).status_code == 200
    asked_at = None
    for step in range(1, 19):
        answer = beat(device, session, course, step * STEP_MS).json()
        if answer["check_due"] is not None and asked_at is None:
            asked_at = step * STEP_MS
    assert asked_at is not None
    assert credited_ms(live_server, device.learner_id) <= asked_at + 1_000
    assert excluded(device, "face_check") >= 180_000 - asked_at - 1_000


def test_a_late_pass_counts_for_nothing_and_the_check_is_asked_again(live_server, world, faces):
    device = LearnerDevice(live_server)
    device.sign_in("learner1", faces.learner)
    live_server.platform.clock.advance(11 * 60_000)
    start = device.start(course_id(world)).json()
    session, due = start["study_session_id"], start["check_due"]
    live_server.platform.clock.advance(120_001)
    late = device.study_challenge(session, due["id"])
    assert late.status_code == 409 and late.json()["code"] == "check_expired"
    again = device.heartbeat(session, []).json()["check_due"]
    assert again["reason"] == "overdue" and again["id"] != due["id"]


def test_a_script_that_only_uploads_batches_meets_the_same_checks(live_server, world, faces):
    device = LearnerDevice(live_server)
    device.sign_in("learner1", faces.learner)
    course = course_id(world)
    session = device.start(course).json()["study_session_id"]
    now = live_server.platform.clock.now_ms()
    device.upload([device.event(EventKind.PLAY, now, session, course, position_ms=0)])
    for step in range(1, 19):  # no heartbeat: a batch upload every 10 s
        live_server.platform.clock.advance(STEP_MS)
        now = live_server.platform.clock.now_ms()
        assert device.upload([device.progress(now, session, course, step * STEP_MS)]).ok
    assert excluded(device, "face_check") > 0
    assert credited_ms(live_server, device.learner_id) < 171_000


def test_looping_for_twenty_minutes_still_meets_a_check(live_server, world, faces):
    device = LearnerDevice(live_server)
    device.sign_in("learner1", faces.learner)
    course = course_id(world)
    session = begin(device, course)
    reasons = []
    for _ in range(21 * 6):  # 21 minutes of playing 0-8 s again and again
        reasons.append(beat(device, session, course, 8_000).json()["check_due"])
        now = live_server.platform.clock.now_ms()
        device.heartbeat(
            session, [device.event(EventKind.PLAY, now, session, course, position_ms=0)]
        )
    assert any(r and r["reason"] == "interval" for r in reasons)


def test_a_replayed_burst_is_refused_and_counts_toward_the_lock(live_server, world, faces):
    device = LearnerDevice(live_server)
    device.sign_in("learner1", faces.learner)
    live_server.platform.clock.advance(11 * 60_000)
    start = device.start(course_id(world)).json()
    session, due = start["study_session_id"], start["check_due"]
    challenge = device.study_challenge(session, due["id"]).json()
    recorded = device.proof(challenge, faces.learner)  # one request, captured once...
    body = {"due_id": due["id"], "face": recorded}
    assert device.post(f"/study/{session}/face-check", json=body).json()["passed"]
    # ...sent again as it was: the check it answered is passed.
    again = device.post(f"/study/{session}/face-check", json=body)
    assert again.status_code == 409 and again.json()["code"] == "no_check_due"
    live_server.platform.clock.advance(21 * 60_000)  # ...and at the next check,
    due = device.heartbeat(session, []).json()["check_due"]
    wrong_due = device.post(
        f"/study/{session}/face-check", json={"due_id": due["id"], "face": recorded}
    )
    assert wrong_due.status_code == 409 and wrong_due.json()["code"] == "face_challenge_expired"
    # ...or its frames, re-signed under a fresh challenge that asks for the same actions.
    fresh = device.study_challenge(session, due["id"]).json()
    frames = [(f["at_ms"], base64.b64decode(f["jpeg_b64"])) for f in recorded["frames"]]
    replayed = device.post(
        f"/study/{session}/face-check",
        json={
            "due_id": due["id"],
            "face": device.proof(fresh, faces.learner, frames=frames),
        },
    ).json()
    assert not replayed["passed"] and replayed["reason"] == "evidence_reused"
    assert _failed_logins(live_server, "learner1") == 1


def _failed_logins(server, login: str) -> int:
    from sqlalchemy import select

    from server.models import Account

    with server.platform.sessions() as db:
        return db.scalar(select(Account.failed_logins).where(Account.login_name == login))


# -- hole 4: liveness is the server's judgement, on a challenge it issued ---------------


def _signed_in_challenge(device: LearnerDevice) -> tuple[str, dict]:
    first = device.password("learner1", "correct horse learner1")
    assert first.status_code == 200, first.text
    token = first.json()["challenge_token"]
    challenge = device.face_challenge(token)
    assert challenge.status_code == 200, challenge.text
    return token, challenge.json()


def _stored_check(server) -> dict:
    from sqlalchemy import select

    from server.models import FaceCheck

    with server.platform.sessions() as db:
        check = db.scalars(select(FaceCheck).order_by(FaceCheck.decided_ms.desc())).first()
        return {"reason": check.reason, **json.loads(check.challenge_json)}


def test_the_server_draws_the_challenge_and_never_repeats_its_id(live_server, world, faces):
    device = LearnerDevice(live_server)
    token, first = _signed_in_challenge(device)
    second = device.face_challenge(token).json()
    allowed = {"blink", "turn_left", "nod"}  # the institution's list (TEST_VERIFICATION)
    for challenge in (first, second):
        assert len(challenge["actions"]) == 2 and set(challenge["actions"]) <= allowed
    assert first["challenge_id"] != second["challenge_id"]
    # Asking again closed the first one: one attempt at a time.
    stale = device.face_answer(token, device.proof(first, faces.learner))
    assert stale.status_code == 409 and stale.json()["code"] == "face_challenge_expired"
    assert device.face_answer(token, device.proof(second, faces.learner)).status_code == 200


def test_a_still_photo_fails_liveness_whatever_the_client_says(live_server, world, faces):
    device = LearnerDevice(live_server)
    token, challenge = _signed_in_challenge(device)
    photo = device.face_answer(token, device.proof(challenge, faces.still_photo))
    assert photo.status_code == 401 and photo.json()["code"] == "liveness_failed"
    assert _stored_check(live_server)["liveness"] in ("static_image", "timeout")  # no action
    assert _failed_logins(live_server, "learner1") == 1


def test_a_burst_of_other_actions_fails_liveness(live_server, world, faces):
    device = LearnerDevice(live_server)
    token, challenge = _signed_in_challenge(device)
    # A clip prepared for another challenge: the issued actions in the opposite order.
    prepared = {**challenge, "actions": challenge["actions"][::-1]}
    frames = faces.learner.burst(prepared["actions"]).fresh()
    answer = device.face_answer(token, device.proof(challenge, faces.learner, frames=frames))
    assert answer.status_code == 401 and answer.json()["code"] == "liveness_failed"
    assert _stored_check(live_server)["liveness"] in ("timeout", "wrong_action")


def test_a_face_swapped_during_the_challenge_fails(live_server, world, faces):
    device = LearnerDevice(live_server)
    token, challenge = _signed_in_challenge(device)
    mine = faces.learner.burst(challenge["actions"]).fresh()
    theirs = faces.other.burst(challenge["actions"]).fresh()
    half = len(mine) // 2
    swapped = mine[:half] + theirs[half:]
    answer = device.face_answer(token, device.proof(challenge, faces.learner, frames=swapped))
    assert answer.status_code == 401
    assert answer.json()["code"] in ("liveness_failed", "face_not_matched")


def test_a_burst_made_before_the_challenge_existed_is_refused(live_server, world, faces):
    device = LearnerDevice(live_server)
    token, challenge = _signed_in_challenge(device)
    # Frames spanning 5 s, sent the moment the challenge was issued: rendered ahead.
    early = device.face_answer(token, device.proof(challenge, faces.learner, took_ms=0))
    assert early.status_code == 401 and early.json()["code"] == "burst_longer_than_issued"
    token, challenge = _signed_in_challenge(device)
    frames = [
        (index * 10, jpeg)
        for index, (_, jpeg) in enumerate(faces.learner.burst(challenge["actions"]).fresh())
    ]
    packed = device.face_answer(token, device.proof(challenge, faces.learner, frames=frames))
    assert packed.status_code == 401 and packed.json()["code"] == "burst_out_of_order"
    assert _failed_logins(live_server, "learner1") == 2


def test_a_challenge_answered_after_it_expired_is_refused(live_server, world, faces):
    device = LearnerDevice(live_server)
    token, challenge = _signed_in_challenge(device)
    late = device.face_answer(token, device.proof(challenge, faces.learner, took_ms=120_001))
    assert late.status_code == 409 and late.json()["code"] == "face_challenge_expired"


def test_evidence_signed_by_another_key_is_refused(live_server, world, faces):
    device = LearnerDevice(live_server)
    device.sign_in("learner1", faces.learner)  # the device's key is registered
    thief = LearnerDevice(live_server, device_id=device.device_id)  # same id, own key
    token = thief.password("learner1", "correct horse learner1").json()["challenge_token"]
    challenge = thief.face_challenge(token).json()
    answer = thief.face_answer(token, thief.proof(challenge, faces.learner))
    assert answer.status_code == 401 and answer.json()["code"] == "bad_signature"


# -- hole 2: rewinding so that no check comes due -------------------------------------


def test_looping_the_first_seconds_earns_them_once(live_server, world, faces):
    device = LearnerDevice(live_server)
    device.sign_in("learner1", faces.learner)
    course = course_id(world)
    session = begin(device, course)
    # Before the first possible check (5 % of 180 s): play 0-8 s, rewind, for 3 minutes.
    for _ in range(18):
        beat(device, session, course, 8_000)
        now = live_server.platform.clock.now_ms()
        rewind = device.event(EventKind.PLAY, now, session, course, position_ms=0)
        assert device.heartbeat(session, [rewind]).status_code == 200
    assert credited_ms(live_server, device.learner_id) <= 8_000
    assert excluded(device, "rewatched") >= 16 * 8_000


# -- hole 3: skipped video ------------------------------------------------------------


def test_a_forward_jump_earns_nothing_for_the_range_skipped(live_server, world, faces):
    device = LearnerDevice(live_server)
    device.sign_in("learner1", faces.learner)
    course = course_id(world)
    session = begin(device, course)
    beat(device, session, course, 10_000)
    beat(device, session, course, 170_000)  # dragged to the end
    beat(device, session, course, 180_000)
    # At most the 0-10 s before the jump and 170-180 s after it (unless a face check
    # fell due in the range jumped over, which voids the rest).
    assert credited_ms(live_server, device.learner_id) <= 2 * STEP_MS
    assert STEP_MS <= excluded(device, "skipped") < STEP_MS + 1_000  # real ms pass too


def test_faster_than_real_time_earns_nothing(live_server, world, faces):
    device = LearnerDevice(live_server)
    device.sign_in("learner1", faces.learner)
    course = course_id(world)
    clock = live_server.platform.clock
    started = clock.now_ms()
    session = begin(device, course)
    for step in range(1, 10):  # 2x, reported as 1x by a patched client
        beat(device, session, course, step * 2 * STEP_MS)
    # Every interval is skipped time, and nothing more than the server's clock saw pass
    # (the intervals plus however long the requests took on a busy machine).
    assert credited_ms(live_server, device.learner_id) == 0
    assert 9 * STEP_MS <= excluded(device, "skipped") <= clock.now_ms() - started


# -- hole 6: lifetimes on the server's clock ------------------------------------------


def test_a_sign_in_expires_when_idle_and_after_its_maximum_age(live_server, world, faces):
    config = live_server.platform.config
    idle = LearnerDevice(live_server)
    idle.sign_in("learner1", faces.learner)
    live_server.platform.clock.advance(config.session_idle_ms + 1)
    gone = idle.get("/me")
    assert gone.status_code == 401 and gone.json()["code"] == "session_expired"
    busy = LearnerDevice(live_server)
    busy.sign_in("learner1", faces.learner)
    clock = live_server.platform.clock
    ends = clock.now_ms() + config.session_max_ms
    step = config.session_idle_ms // 2
    while clock.now_ms() + step < ends - 1_000:  # a request every 15 min keeps it alive
        clock.advance(step)
        assert busy.get("/me").status_code == 200
    clock.advance(step)
    old = busy.get("/me")
    assert old.status_code == 401 and old.json()["code"] == "session_expired"


def test_disabling_an_account_stops_its_credit_at_once(live_server, world, faces):
    device = LearnerDevice(live_server)
    device.sign_in("learner1", faces.learner)
    course = course_id(world)
    session = begin(device, course)
    for step in range(1, 4):
        beat(device, session, course, step * STEP_MS)
    account_id = _account_id(live_server, "learner1")
    disabled = live_server.call("POST", f"{API}/admin/accounts/{account_id}/disable", ADMIN_TOKEN)
    assert disabled.status_code == 200
    refused = device.heartbeat(session, [])
    assert refused.status_code == 401 and refused.json()["code"] == "account_disabled"
    # The device goes on playing and uploads by batch, which needs no token.
    answer = play_on_by_batch(device, session, course, steps=range(4, 10))
    assert {r["status"] for r in answer["results"]} == {"account_disabled"}
    assert credited_ms(live_server, device.learner_id) <= 3 * STEP_MS


def _account_id(server, login: str) -> str:
    from sqlalchemy import select

    from server.models import Account

    with server.platform.sessions() as db:
        return db.scalar(select(Account.id).where(Account.login_name == login))


def test_an_ended_study_session_takes_no_more_data(live_server, world, faces):
    device = LearnerDevice(live_server)
    device.sign_in("learner1", faces.learner)
    course = course_id(world)
    session = begin(device, course)
    for step in range(1, 4):
        beat(device, session, course, step * STEP_MS)
    assert device.post(f"/study/{session}/end").status_code == 200
    refused = device.heartbeat(session, [])
    assert refused.status_code == 409 and refused.json()["code"] == "study_session_ended"
    challenge = device.study_challenge(session, "due-any")
    assert challenge.status_code == 409 and challenge.json()["code"] == "study_session_ended"
    answer = play_on_by_batch(device, session, course, steps=range(4, 10))
    assert {r["status"] for r in answer["results"]} == {"session_ended"}
    # At most the 30 s before the end (less if the server asked for a check meanwhile).
    assert credited_ms(live_server, device.learner_id) <= 3 * STEP_MS


def test_a_signed_out_device_earns_nothing_after_its_revocation(live_server, world, faces):
    device = LearnerDevice(live_server)
    device.sign_in("learner1", faces.learner)
    course = course_id(world)
    session = begin(device, course)
    for step in range(1, 4):
        beat(device, session, course, step * STEP_MS)
    # The learner signs in on another PC; this one is revoked now, but its clock is
    # 25 s behind the server's (inside the allowed skew) and it keeps reporting.
    LearnerDevice(live_server).sign_in("learner1", faces.learner)
    revoked_at = live_server.platform.clock.now_ms()
    live_server.platform.clock.advance(25_000)
    late = [
        device.progress(revoked_at + 5_000, session, course, 3 * STEP_MS + 5_000),
        device.progress(revoked_at + 15_000, session, course, 3 * STEP_MS + 15_000),
        device.progress(revoked_at + 25_000, session, course, 3 * STEP_MS + 25_000),
    ]
    answer = device.upload(late).json()
    assert {r["status"] for r in answer["results"]} == {"session_revoked"}
    elsewhere = LearnerDevice(live_server)
    elsewhere.sign_in("learner1", faces.learner)
    assert credited_ms(live_server, device.learner_id) <= 3 * STEP_MS + 1_000


def test_an_honest_learner_keeps_the_whole_course(live_server, world, faces):
    """The control for every attack above: the same script, played straight."""
    device = LearnerDevice(live_server)
    device.sign_in("learner1", faces.learner)
    course = course_id(world)
    study(device, world, course, 18, check_sitter=faces.learner)
    assert credited_ms(live_server, device.learner_id) >= 180_000 * 99 // 100


# -- hole 7: resource exhaustion ------------------------------------------------------


def test_a_chunked_body_over_the_limit_is_refused_on_the_stream(live_server):
    from server.api import MAX_BODY_BYTES

    def chunks():
        block = b"x" * (1 << 20)
        for _ in range(12):  # 12 MiB with no Content-Length: chunked transfer
            yield block

    assert MAX_BODY_BYTES < 12 << 20
    response = live_server.call("POST", f"{API}/events/batch", data=chunks())
    assert response.status_code == 413 and response.json()["code"] == "body_too_large"
    assert "content-length" not in {k.lower() for k in response.request.headers}


def test_a_huge_picture_never_reaches_the_face_matcher(live_server, world, faces):
    import cv2
    import numpy as np

    from verification.burst import MAX_FRAME_BYTES

    ok, encoded = cv2.imencode(
        ".jpg", np.full((2000, 2000), 128, np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 10]
    )
    assert ok and len(encoded) < MAX_FRAME_BYTES  # within a frame's byte limit
    device = LearnerDevice(live_server)
    token, challenge = _signed_in_challenge(device)
    frames = [(index * 80, encoded.tobytes()) for index in range(50)]
    refused = device.face_answer(token, device.proof(challenge, faces.learner, frames=frames))
    assert refused.status_code == 400 and refused.json()["code"] == "image_too_large"
    with live_server.platform.sessions() as db:
        from sqlalchemy import func, select

        from server.models import FaceCheck

        assert db.scalar(select(func.count()).select_from(FaceCheck)) == 0


def test_a_full_face_matcher_answers_503_with_retry_after(live_server, world, faces):
    device = LearnerDevice(live_server)
    token = device.password("learner1", "correct horse learner1").json()["challenge_token"]
    gate = live_server.platform.face_gate
    held = [gate.slot() for _ in range(live_server.platform.config.face_match_capacity)]
    for slot in held:
        slot.__enter__()
    try:
        busy = device.face(token, faces.learner)
    finally:
        for slot in held:
            slot.__exit__(None, None, None)
    assert busy.status_code == 503 and busy.json()["code"] == "face_matcher_busy"
    assert busy.headers["Retry-After"] == "2"
    # The refusal spent no attempt: the same challenge signs in once the matcher is free.
    assert device.face(token, faces.learner).status_code == 200


def test_face_checks_are_rate_limited_per_learner(live_server, world, faces):
    device = LearnerDevice(live_server)
    device.sign_in("learner1", faces.learner)  # one check
    live_server.platform.clock.advance(11 * 60_000)  # a course opened later asks for one
    start = device.start(course_id(world)).json()
    session, due = start["study_session_id"], start["check_due"]
    assert due["reason"] == "start"
    limit = live_server.platform.config.face_checks_per_minute
    codes = [device.study_challenge(session, due["id"]).status_code for _ in range(limit + 1)]
    assert codes[:limit] == [200] * limit
    assert codes[-1] == 429
    live_server.platform.clock.advance(60_000)
    assert device.study_check(session, due["id"], faces.learner).json()["passed"]


def test_failed_face_checks_count_toward_the_account_lock(live_server, world, faces):
    device = LearnerDevice(live_server)
    failures = 0
    while failures < live_server.platform.config.max_failed_logins:
        first = device.password("learner1", "correct horse learner1")
        assert first.status_code == 200, first.text
        token = first.json()["challenge_token"]
        for _ in range(live_server.platform.config.max_face_attempts):
            if failures == live_server.platform.config.max_failed_logins:
                break
            answer = device.face(token, faces.other)  # a photo of somebody else
            assert answer.json()["code"] in ("face_not_matched", "account_locked")
            failures += 1
        live_server.platform.clock.advance(61_000)  # past the per-learner face rate limit
    locked = device.password("learner1", "correct horse learner1")
    assert locked.status_code == 403 and locked.json()["code"] == "account_locked"


# -- hole 5: the course test brute-forced -----------------------------------------------


def test_the_test_opens_only_after_most_of_the_course_was_watched(live_server, world, faces):
    device = LearnerDevice(live_server)
    device.sign_in("learner1", faces.learner)
    course = course_id(world)
    study(device, world, course, 12, check_sitter=faces.learner)  # 2 of 3 minutes
    closed = device.get(f"/courses/{course}/test")
    assert closed.status_code == 403 and closed.json()["code"] == "test_not_open"
    assert closed.json()["min_coverage_percent"] == 80
    study(device, world, course, 18, check_sitter=faces.learner)  # the rest, again
    assert device.get(f"/courses/{course}/test").status_code == 200


def test_a_blind_search_of_the_test_is_stopped(live_server, world, faces):
    to_beijing_morning(live_server)  # three attempts must fall on one Beijing day
    device = LearnerDevice(live_server)
    device.sign_in("learner1", faces.learner)
    course = course_id(world)
    study(device, world, course, 18, check_sitter=faces.learner)
    clock, config = live_server.platform.clock, live_server.platform.config
    first = answer_test(device, course, right=False)
    # Only the score and whether it passed: never which answers were right.
    assert set(first) == {"score", "passed", "pass_mark", "released_ms", "next_attempt_ms"}
    assert not first["passed"]
    too_soon = device.get(f"/courses/{course}/test")
    assert too_soon.status_code == 403 and too_soon.json()["code"] == "test_cooldown"
    assert int(too_soon.headers["Retry-After"]) > 0
    assert too_soon.json()["next_attempt_ms"] == first["next_attempt_ms"]
    for _ in range(config.test_attempts_per_day - 1):
        clock.advance(config.test_cooldown_ms)
        assert not answer_test(device, course, right=False)["passed"]
    clock.advance(config.test_cooldown_ms)
    spent = device.get(f"/courses/{course}/test")
    assert spent.status_code == 403 and spent.json()["code"] == "test_attempts_exhausted"
    assert spent.json()["next_attempt_ms"] > clock.now_ms()
    # The next Beijing day, the learner may sit it again (and pass).
    clock.advance(spent.json()["next_attempt_ms"] - clock.now_ms())
    device.sign_in("learner1", faces.learner)  # the sign-in expired meanwhile
    assert answer_test(device, course)["passed"]
    passed = device.get(f"/courses/{course}/test")
    assert passed.status_code == 409 and passed.json()["code"] == "test_already_passed"


def test_each_sitting_draws_its_own_paper_and_is_answered_once(live_server, world, faces, tmp_path):
    bank = [
        {
            "id": f"b{i}",
            "kind": "single",
            "text": f"问题{i}",
            "options": ["甲", "乙", "丙", "丁"],
            "answer": [i % 4],
        }
        for i in range(8)
    ]
    media = tmp_path / "bank.mp4"
    media.write_bytes(bytes(range(256)) * 400)
    course = world.add_course("题库课程", media, 60_000, questions=bank, questions_per_test=3)["id"]
    device = LearnerDevice(live_server)
    device.sign_in("learner1", faces.learner)
    study(device, world, course, 6, check_sitter=faces.learner)
    papers = []
    for _ in range(3):
        paper = device.get(f"/courses/{course}/test").json()
        assert device.get(f"/courses/{course}/test").json() == paper  # the open paper again
        assert len(paper["questions"]) == 3
        assert all("answer" not in q for q in paper["questions"])
        papers.append([(q["id"], tuple(q["options"])) for q in paper["questions"]])
        body = {"sitting_id": paper["sitting_id"], "answers": {}}
        assert device.post(f"/courses/{course}/test", json=body).status_code == 200
        again = device.post(f"/courses/{course}/test", json=body)
        assert again.status_code == 409 and again.json()["code"] == "sitting_closed"
        live_server.platform.clock.advance(live_server.platform.config.test_cooldown_ms)
    assert len({tuple(p) for p in papers}) > 1  # drawn and shuffled afresh each time


# -- hole 8: a bot shipped with the client ------------------------------------------------


def test_a_simulated_camera_counts_only_on_a_demo_platform(tmp_path, faces):
    from tests.support.server_harness import LiveServer, make_world

    url = f"sqlite:///{tmp_path / 'production.db'}"
    with LiveServer.running(tmp_path / "server", url, demo=False) as server:
        make_world(server, tmp_path, faces)
        device = LearnerDevice(server)
        token = device.password("learner1", "correct horse learner1").json()["challenge_token"]
        bot = device.face(token, faces.learner, camera={"simulated": True})
        assert bot.status_code == 401 and bot.json()["code"] == "simulated_camera_refused"
        real = device.face(token, faces.learner, camera={"simulated": False})
        assert real.status_code == 200, real.text


def test_the_institutions_virtual_camera_policy_is_applied_by_the_server(
    live_server, tmp_path, faces
):
    from tests.support.server_harness import ID_NUMBERS, enroll, make_fixture

    for policy, login, id_number in (
        ("refuse", "strict1", ID_NUMBERS[0]),
        ("warn", "lenient1", ID_NUMBERS[1]),
    ):
        fixture = make_fixture(live_server, tmp_path, verification={"virtual_camera": policy})
        fixture.add_learner(login, id_number)
        enroll(live_server, login, faces.learner_photo)
        device = LearnerDevice(live_server)
        token = device.password(login, "correct horse " + login).json()["challenge_token"]
        answer = device.face(token, faces.learner, camera={"virtual": "obs_virtual_camera"})
        if policy == "refuse":
            assert answer.status_code == 401
            assert answer.json()["code"] == "virtual_camera_refused"
        else:
            assert answer.status_code == 200, answer.text
    with live_server.platform.sessions() as db:
        from sqlalchemy import select

        from server.models import AuditEntry

        flagged = db.scalars(
            select(AuditEntry).where(AuditEntry.action == "virtual_camera_flagged")
        ).all()
    assert len(flagged) == 1 and "obs_virtual_camera" in flagged[0].detail_json
