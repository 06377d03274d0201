"""How much of an honest learner's watching the server credits (issue 14: at least 99 %).

The server credits only distinct video watched at 1x on its own clock, voids the time
from a face check falling due until it is passed, and more (`records.effective_time`,
`server.ledger_rules`, `server.check_rules`). Those rules must not cost an honest learner
time. Two honest learners are measured against the real server over HTTP:

1. **A scripted device** (`tests/support/server_harness.py`): a 30-minute course watched straight
   through at 1x with a heartbeat every 10 s on the server's clock (moved forward, not
   waited for), each position reading up to +-300 ms off the true one like libVLC's, a
   pause in the middle, and every face check the server asks for taken as soon as a
   heartbeat answer asks for it (playback held meanwhile, as the client holds it): the
   server's challenge performed by a real photo animated along its face mesh, as a
   burst of face-region frames the server judges on the real models.
2. **The real client** (`python -m app`, as the end-to-end test runs it): a 90-second
   course played to its end in real time by the scripted learner, with the face checks
   on the real models over the simulated camera and every attendance prompt answered.

The ratio is the time credited (effective plus held for the course test) over the time
the video played. Figures go to bench/out/honest_credit.json and bench/RESULTS.md.
"""

from __future__ import annotations

import json
import platform
import random
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench._results import cpu_model, update_section  # noqa: E402

SCRIPTED_RUNS = 3
COURSE_MS = 30 * 60_000
STEP_MS = 10_000
JITTER_MS = 300


def scripted_run(seed: int, work: Path, faces) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from records.events import EventKind
    from tests.support.server_harness import (
        ID_NUMBERS,
        LearnerDevice,
        LiveServer,
        credited_ms,
        enroll,
        make_fixture,
        pass_check,
    )

    rng = random.Random(seed)
    with LiveServer.running(work / "server", f"sqlite:///{work / 'p.db'}") as server:
        fixture = make_fixture(server, work)
        fixture.add_learner("learner1", ID_NUMBERS[0])
        enroll(server, "learner1", faces["photo"])
        media = work / "course.mp4"
        media.write_bytes(bytes(range(256)) * 400)
        course = fixture.add_course("诚实学习", media, COURSE_MS)["id"]
        device = LearnerDevice(server)
        device.sign_in("learner1", faces["sitter"])
        session = device.start(course).json()["study_session_id"]
        clock = server.platform.clock
        now = clock.now_ms()
        device.heartbeat(
            session,
            [
                device.event(EventKind.SESSION_START, now, session, course),
                device.event(EventKind.PLAY, now, session, course, position_ms=0),
            ],
        )
        position = played = checks = 0
        while position < COURSE_MS:
            step = min(STEP_MS, COURSE_MS - position)
            clock.advance(step)
            position += step
            played += step
            now = clock.now_ms()
            if position == COURSE_MS // 2:  # a pause in the middle, resumed where it was
                events = [
                    device.event(
                        EventKind.PAUSE, now, session, course, position_ms=position, reason="user"
                    )
                ]
                device.heartbeat(session, events)
                clock.advance(60_000)
                now = clock.now_ms()
                events = [device.event(EventKind.PLAY, now, session, course, position_ms=position)]
            else:
                reading = max(0, position + rng.randint(-JITTER_MS, JITTER_MS))
                events = [device.progress(now, session, course, reading)]
            due = device.heartbeat(session, events).json()["check_due"]
            if due is not None:
                # As the client does: playback holds while the learner takes the check
                # (about 5 s for the server's challenge), then goes on where it was.
                held = device.event(
                    EventKind.PAUSE, now, session, course, position_ms=position, reason="face_check"
                )
                device.heartbeat(session, [held])
                pass_check(device, session, course, due["id"], faces["sitter"])
                now = clock.now_ms()
                resumed = device.event(EventKind.PLAY, now, session, course, position_ms=position)
                device.heartbeat(session, [resumed])
                checks += 1
        credited = credited_ms(server, device.learner_id)
    return {
        "played_ms": played,
        "credited_ms": credited,
        "checks": checks,
        "ratio": credited / played,
    }


def real_client_run(work: Path) -> dict[str, object]:
    import cv2
    from sqlalchemy import func, select

    from app.demo_platform import DEMO_LOGIN, DEMO_PASSWORD, demo_photo, seed_platform
    from server.ledger import refresh_learner
    from server.models import Account, Course, LedgerSession
    from tests.e2e.test_app_e2e import client, finish, short_course
    from tests.support.server_harness import LiveServer

    with LiveServer.running(work / "server", f"sqlite:///{work / 'p.db'}") as server:
        seed_platform(server.platform, work / "server-media", demo_photo(), {})
        course_id = short_course(server, work, seconds=90.0, name="诚实学习（客户端）")
        photo = work / "learner.png"
        cv2.imwrite(str(photo), demo_photo())
        steps = [
            {"do": "wait", "for": "ready", "timeout_s": 120},
            {"do": "sign_in", "account": DEMO_LOGIN, "password": DEMO_PASSWORD},
            {"do": "wait", "for": "signed_in", "timeout_s": 120},
            {"do": "select_open", "course_id": course_id},
            {"do": "wait", "for": "playing", "timeout_s": 120},
            {"do": "study", "until": "ended", "prompts": "answer", "timeout_s": 400},
            {"do": "close_course"},
            {"do": "wait", "for": "signed_in", "timeout_s": 60},
            {"do": "quit"},
        ]
        process = client(work / "client", server.base_url, photo, steps, work / "shots", "bench")
        code, err = finish(process, 900)
        if code != 0:
            raise SystemExit(f"the client failed ({code}): {err[-2000:]}")
        with server.platform.transaction() as db:
            learner_id = db.scalar(
                select(Account.learner_id).where(Account.login_name == DEMO_LOGIN)
            )
            refresh_learner(server.platform, db, learner_id)
            credited = int(
                db.scalar(
                    select(func.sum(LedgerSession.effective_ms + LedgerSession.pending_ms)).where(
                        LedgerSession.learner_id == learner_id
                    )
                )
                or 0
            )
            played = db.get(Course, course_id).duration_ms  # played once, start to end
    return {"played_ms": played, "credited_ms": credited, "ratio": credited / played}


def main() -> None:
    import cv2

    from tests.support.face_bursts import Sitter
    from tests.support.face_images import face_photo

    learner = face_photo("astronaut")
    darker = cv2.convertScaleAbs(learner, alpha=0.8, beta=-10)
    faces = {
        "photo": cv2.imencode(".jpg", learner, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes(),
        "sitter": Sitter("learner", darker),  # the learner's photo, animated on request
    }
    scripted = []
    for seed in range(SCRIPTED_RUNS):
        with tempfile.TemporaryDirectory() as work:
            scripted.append(scripted_run(seed, Path(work), faces))
    from tests.support.buses import PrivateBuses

    # The client keeps its database key in a Secret Service: a private D-Bus session
    # bus with an unlocked gnome-keyring, as the test suite runs it.
    PrivateBuses.start()
    PrivateBuses.start_keyring()
    try:
        with tempfile.TemporaryDirectory() as work:
            app = real_client_run(Path(work))
    finally:
        PrivateBuses.stop()
    figures = {
        "machine": {"cpu": cpu_model(), "python": platform.python_version()},
        "scripted_device": scripted,
        "real_client": app,
    }
    out = REPO / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "honest_credit.json").write_text(json.dumps(figures, indent=2))
    worst = min(r["ratio"] for r in scripted)
    lines = [
        "## Honest learners keep their time (`bench/honest_credit.py`)",
        "",
        "Time credited (effective plus held for the course test) over the time the video",
        "played, against the real server over HTTP. Goal (issue 14): at least 99 %.",
        "",
        "| learner | played | credited | face checks | ratio |",
        "|---|---:|---:|---:|---:|",
    ]
    for index, run in enumerate(scripted, 1):
        lines.append(
            f"| scripted device, run {index} (30 min, +-{JITTER_MS} ms position jitter, a pause) "
            f"| {run['played_ms'] / 1000:.0f} s | {run['credited_ms'] / 1000:.1f} s "
            f"| {run['checks']} | {100 * run['ratio']:.2f} % |"
        )
    lines.append(
        f"| real client, end to end (90 s course, simulated camera, prompts answered) "
        f"| {app['played_ms'] / 1000:.0f} s | {app['credited_ms'] / 1000:.1f} s | - "
        f"| {100 * app['ratio']:.2f} % |"
    )
    lines += [
        "",
        f"Worst scripted run: {100 * worst:.2f} %; the real client: {100 * app['ratio']:.2f} %. "
        "Playback holds while a face check is taken (about 5 s for the server's "
        "challenge), so what an honest learner loses is the playing between a check "
        "falling due on the server and the heartbeat answer that pauses it, and the last "
        "reading's jitter.",
    ]
    update_section("honest_credit", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
