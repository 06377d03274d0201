"""End to end: the real client process on the test display against the real platform
server on 127.0.0.1 (its own SQLite database, not the demo's), with the face checks
run on the real models over a simulated camera (a real photo animated on request).

A scripted learner (app/autopilot.py, clicking the client's real buttons) signs in,
passes the face check, studies a course (answering one attendance prompt and missing
another, passing the scheduled face checks), takes the test, opens the records and
saves them as PDF. A second client then signs in to the same account and the first is
signed out with the right message. Screenshots of each screen are kept in the test's
output folder; the PDF and the server's ledger are checked against each other."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.build_info import VERSION
from app.demo_platform import DEMO_LOGIN, DEMO_PASSWORD, demo_photo, seed_platform
from app.machine_identity import machine_id
from qt_binding import QColor, QImage
from records.events import EventKind
from server.identity import enroll_face_from_photo
from server.models import (
    AuthSession,
    CourseRating,
    EnvironmentReport,
    FaceCheck,
    Institution,
    LedgerSession,
    StoredEvent,
    TestAttempt,
)
from server.provisioning import platform_public_key, sign_institution_profile
from tests.support.app_log import log_entries, wait_for_log
from tests.support.printed_record import assert_printed
from tests.support.real_processes import running, sleep_named
from tests.support.server_harness import LiveServer
from wire.provisioning import hash_exit_pin, read_profile

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.usefixtures("display")
# Short enough for a test: a prompt within 3-10 s of playing, 10 s to answer it.
E2E_POLICY = {"interaction_limit_ms": 20_000}
SIGNED_IN_ELSEWHERE_ZH = "您的账户已在另一台电脑登录，本机已自动退出。"


def client(
    data: Path,
    server_url: str,
    photo: Path,
    steps: list[dict],
    shots: Path,
    name: str,
    *extra_args: str,
    extra_env: dict[str, str] | None = None,
):
    data.mkdir(parents=True, exist_ok=True)
    script = data / "autopilot.json"
    script.write_text(json.dumps(steps), encoding="utf-8")
    env = {
        **os.environ,
        "APP_INSTANCE_NAMESPACE": f"e2e-{name}-{data}",
        "APP_ALLOW_SIMULATED_CAMERA": "1",
        **(extra_env or {}),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app",
            "--server",
            server_url,
            "--simulated-camera",
            str(photo),
            "--data-dir",
            str(data),
            "--autopilot",
            str(script),
            "--screenshots-dir",
            str(shots),
            *extra_args,
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def first_learner_steps(course_id: str, pdf: Path) -> list[dict]:
    return [
        {"do": "wait", "for": "ready", "timeout_s": 60},
        {"do": "screenshot", "name": "01-sign-in"},
        {"do": "sign_in", "account": DEMO_LOGIN, "password": DEMO_PASSWORD},
        {"do": "wait", "for": "face_dialog", "timeout_s": 30},
        {"do": "pause", "seconds": 4},
        {"do": "screenshot", "name": "02-face-check", "window": "face"},
        {"do": "wait", "for": "signed_in", "timeout_s": 90},
        {"do": "screenshot", "name": "03-courses"},
        {"do": "select_open", "course_id": course_id},
        {"do": "wait", "for": "playing", "timeout_s": 60},
        {"do": "screenshot", "name": "04-studying"},
        {"do": "study", "until": "prompt_answered", "prompts": "answer", "timeout_s": 90},
        {"do": "study", "until": "prompt_missed", "prompts": "miss", "timeout_s": 90},
        {"do": "screenshot", "name": "05-prompt-missed"},
        {"do": "study", "until": "ended", "prompts": "answer", "timeout_s": 240},
        {"do": "close_course"},
        {"do": "wait", "for": "signed_in", "timeout_s": 30},
        {
            "do": "take_test",
            "course_id": course_id,
            "answers": {"q1": ["安全帽"], "q2": ["先切断电源", "拨打急救电话"]},
        },
        {"do": "wait", "for": "test_graded", "timeout_s": 30},
        {"do": "screenshot", "name": "06-test-passed"},
        {"do": "close_test"},
        {
            "do": "rate",
            "course_id": course_id,
            "scores": {"content": 5, "design": 4, "teacher": 5},
            "comment": "讲解清楚",
        },
        {"do": "wait", "for": "rated", "timeout_s": 30},
        {"do": "screenshot", "name": "07-rated"},
        {"do": "close_rating"},
        {"do": "open_records"},
        {"do": "wait", "for": "records_rows", "timeout_s": 60},
        {"do": "screenshot", "name": "08-records"},
        {"do": "save_pdf", "path": str(pdf)},
        {"do": "open_diagnostics"},
        {"do": "wait", "for": "diagnostics_shown", "timeout_s": 60},
        {"do": "screenshot", "name": "09-diagnostics"},
        {"do": "save_diagnostics", "path": str(pdf.with_name("diagnostics.txt"))},
        {"do": "log_state"},
        {"do": "wait", "for": "signed_out", "timeout_s": 240},
        {"do": "pause", "seconds": 3},  # the second client's window is gone by then
        {"do": "screenshot", "name": "10-signed-out"},
        {"do": "log_state"},
        {"do": "quit"},
    ]


def second_learner_steps() -> list[dict]:
    return [
        {"do": "wait", "for": "ready", "timeout_s": 60},
        {"do": "sign_in", "account": DEMO_LOGIN, "password": DEMO_PASSWORD},
        {"do": "wait", "for": "signed_in", "timeout_s": 90},
        {"do": "quit"},
    ]


def finish(process: subprocess.Popen, timeout: float) -> tuple[int, str]:
    try:
        _out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        _out, err = process.communicate()
        raise AssertionError(f"the client did not finish in {timeout} s: {err[-3000:]}") from None
    return process.returncode, err


def assert_screen_drawn(path: Path) -> None:
    image = QImage(str(path))
    assert not image.isNull() and image.width() >= 400, path
    colours = {
        QColor(image.pixel(x, y)).rgb()
        for x in range(0, image.width(), 7)
        for y in range(0, image.height(), 7)
    }
    assert len(colours) > 20, f"{path.name} looks empty"


def test_a_learner_signs_in_studies_is_tested_prints_and_is_signed_out_by_a_second_client(
    tmp_path,
):
    output = tmp_path / "e2e-output"
    shots = output / "screens"
    photo = tmp_path / "learner.png"
    cv2.imwrite(str(photo), demo_photo())
    # The missed prompt's idle span is not credited, so less than the platform's
    # default 80 % of this short course counts as watched: the test opens at half.
    with LiveServer.running(
        tmp_path / "server", f"sqlite:///{tmp_path / 'p.db'}", test_min_coverage_percent=50
    ) as server:
        seed_platform(server.platform, tmp_path / "server-media", demo_photo(), E2E_POLICY)
        # 40 s of video: room for a prompt answered and one missed (at most 30 s of
        # playing with a 20 s interaction limit) and a scheduled face check.
        course_name = "安全用电（端到端）"
        course_id = short_course(server, tmp_path, seconds=40.0, name=course_name)
        pdf = output / "学习记录.pdf"
        first_data = tmp_path / "first"
        steps = first_learner_steps(course_id, pdf)
        first = client(first_data, server.base_url, photo, steps, shots, "first")
        second = None
        try:
            waiting = next(i for i, s in enumerate(steps) if s.get("for") == "signed_out")
            reached = wait_for_log(
                first_data,
                lambda e: (
                    (e.get("msg") == "autopilot step" and e.get("step") == waiting)
                    or e.get("msg") == "client exited"
                ),
                timeout=600,
            )
            assert reached["msg"] == "autopilot step", log_entries(first_data)[-12:]
            second = client(
                tmp_path / "second", server.base_url, photo, second_learner_steps(), shots, "second"
            )
            code, err = finish(second, 180)
            assert code == 0, err[-3000:]
            code, err = finish(first, 120)
        finally:
            for process in (first, second):
                if process is not None and process.poll() is None:
                    process.kill()
                    process.communicate()  # and its pipes closed, not left to the collector
        assert code == 0, err[-3000:]

        entries = log_entries(first_data)
        # Signed out by the second sign-in, told why, in Chinese.
        stops = [e for e in entries if e.get("msg") == "study stopped"]
        assert [e["reason"] for e in stops] == ["signed_in_elsewhere"]  # said once
        states = [e for e in entries if e.get("msg") == "autopilot state"]
        assert states[-1]["page"] == "sign_in" and not states[-1]["signed_in"]
        assert states[-1]["sign_in_status"] == SIGNED_IN_ELSEWHERE_ZH

        # What the server recorded: the prompts, the checks, the test, the credit.
        with server.platform.sessions() as db:
            arrivals = db.execute(
                select(StoredEvent.kind, StoredEvent.received_ms).order_by(StoredEvent.seq)
            ).all()
            kinds = [kind for kind, _ in arrivals]
            passed_tests = db.scalars(
                select(TestAttempt).where(TestAttempt.course_id == course_id, TestAttempt.passed)
            ).all()
            ledger = db.scalars(
                select(LedgerSession).where(LedgerSession.course_id == course_id)
            ).all()
            rating = db.scalars(select(CourseRating)).one()
        for kind in (
            EventKind.PROMPT_SHOWN,
            EventKind.PROMPT_ANSWERED,
            EventKind.PROMPT_MISSED,
            EventKind.FACE_CHECK_PASSED,
        ):
            assert kind.value in kinds, kind
        # The server credits playing from when it hears of the PLAY, by its own clock, so
        # the client sends a PLAY at once rather than with the next beat; each stored
        # PROGRESS is a beat of its own while the course plays.
        first_play = kinds.index(EventKind.PLAY.value)
        progress_after = [
            received for kind, received in arrivals[first_play:] if kind == EventKind.PROGRESS
        ]
        assert progress_after and arrivals[first_play][1] < progress_after[0]
        assert len(set(progress_after)) >= 2
        assert passed_tests  # graded by the server; it released the pending time
        assert (rating.content, rating.design, rating.teacher) == (5, 4, 5)
        assert rating.comment == "讲解清楚"
        effective_ms = sum(entry.effective_ms for entry in ledger)
        assert effective_ms > 0 and all(entry.pending_ms == 0 for entry in ledger)
        # The missed prompt's idle span is not credited: less than the video's length.
        assert effective_ms < 40_000

    # The printed record carries the learner, the course and the server's minutes.
    minutes = f"{(effective_ms // 6000) / 10:.1f}"
    assert_printed(pdf, "演示学员", "440***********001X", course_name, minutes, "有效学习时长")
    assert len(PdfReader(str(pdf)).pages) >= 1
    # The diagnostics export for support holds no personal data.
    diagnostics = pdf.with_name("diagnostics.txt").read_text(encoding="utf-8")
    assert "127.0.0.1" in diagnostics or "平台" in diagnostics
    for private in ("演示学员", "44010619900307001X", DEMO_PASSWORD, str(Path.home())):
        assert private not in diagnostics
    for name in (
        "01-sign-in",
        "02-face-check",
        "03-courses",
        "04-studying",
        "05-prompt-missed",
        "06-test-passed",
        "07-rated",
        "08-records",
        "09-diagnostics",
        "10-signed-out",
    ):
        assert_screen_drawn(shots / f"{name}.png")
    kept = Path(os.environ.get("E2E_OUTPUT_DIR", REPO / "tests" / "output" / "e2e"))
    shutil.copytree(output, kept, dirs_exist_ok=True)


def run_client(
    tmp_path: Path,
    server_url: str,
    name: str,
    steps: list[dict],
    *extra_args: str,
    extra_env: dict[str, str] | None = None,
) -> Path:
    photo = tmp_path / "learner.png"
    if not photo.exists():
        cv2.imwrite(str(photo), demo_photo())
    data = tmp_path / name
    process = client(
        data, server_url, photo, steps, tmp_path / "shots", name, *extra_args, extra_env=extra_env
    )
    code, err = finish(process, 300)
    assert code == 0, err[-3000:]
    return data


def states(data: Path) -> list[dict]:
    return [e for e in log_entries(data) if e.get("msg") == "autopilot state"]


def test_another_learner_on_this_pc_signs_the_first_one_out(tmp_path):
    """Switch learner: the first learner's course is closed, the events flushed and the
    session ended on the server before the second learner signs in on the same PC."""
    with LiveServer.running(tmp_path / "server", f"sqlite:///{tmp_path / 'p.db'}") as server:
        seed_platform(server.platform, tmp_path / "server-media", demo_photo(), E2E_POLICY)
        second_learner(server)
        steps = [
            {"do": "wait", "for": "ready", "timeout_s": 60},
            {"do": "sign_in", "account": DEMO_LOGIN, "password": DEMO_PASSWORD},
            {"do": "wait", "for": "signed_in", "timeout_s": 90},
            {"do": "open_course", "index": 0},
            {"do": "wait", "for": "playing", "timeout_s": 60},
            {"do": "pause", "seconds": 2},
            {"do": "switch_learner"},
            {"do": "wait", "for": "signed_out", "timeout_s": 30},
            {"do": "log_state"},
            {"do": "sign_in", "account": "demo2", "password": "second-2026"},
            {"do": "wait", "for": "signed_in", "timeout_s": 90},
            {"do": "log_state"},
            {"do": "quit"},
        ]
        data = run_client(tmp_path, server.base_url, "pc", steps)
        with server.platform.sessions() as db:
            sessions = db.scalars(select(AuthSession).order_by(AuthSession.created_ms)).all()
            first_events = db.scalars(
                select(StoredEvent.kind).where(StoredEvent.learner_id == sessions[0].learner_id)
            ).all()
    first, second = sessions[0], sessions[-1]
    assert first.learner_id != second.learner_id
    assert first.revoked_ms is not None and second.revoked_ms is None
    # What the first learner studied reached the server before the hand-over.
    assert EventKind.SESSION_END.value in first_events
    assert EventKind.PROGRESS.value in first_events or EventKind.PAUSE.value in first_events
    entries = log_entries(data)
    # Paused for the hand-over (its position saved), then the course closed.
    held = [e for e in entries if e.get("event") == "paused" and e.get("reason") == "study_stopped"]
    assert held and held[-1]["position_ms"] >= 1000
    assert [e["state"] for e in entries if e.get("msg") == "player state"][-1] == "idle"
    told = states(data)[0]
    assert told["page"] == "sign_in"
    assert told["sign_in_status"] == "上一位学员已退出登录，下一位学员现在可以登录。"
    assert states(data)[-1]["signed_in"] is True


def add_learner(server: LiveServer, db, name: str, id_number: str, login: str, password: str):
    """A learner of the seeded institution's project, with a resident ID card."""
    from server.identity import NewLearner, create_learner
    from server.models import Project

    project = db.scalars(select(Project)).first()
    learner, _ = create_learner(
        server.platform,
        db,
        NewLearner(
            institution_id=project.institution_id,
            project_id=project.id,
            name=name,
            id_type="居民身份证",
            id_number=id_number,
            login_name=login,
            password=password,
        ),
    )
    return learner


def second_learner(server: LiveServer) -> None:
    """Another learner of the same institution (the demo photo as their face too: the
    simulated camera has one face)."""
    ok, jpeg = cv2.imencode(".jpg", demo_photo())
    assert ok
    with server.platform.transaction() as db:
        learner = add_learner(server, db, "第二学员", "440106199003070028", "demo2", "second-2026")
        db.flush()
        enroll_face_from_photo(server.platform, db, learner.id, jpeg.tobytes(), "test", False)


def test_the_language_switch_applies_at_once_and_is_remembered(tmp_path):
    with LiveServer.running(tmp_path / "server", f"sqlite:///{tmp_path / 'p.db'}") as server:
        steps = [
            {"do": "wait", "for": "ready", "timeout_s": 60},
            {"do": "log_state"},
            {"do": "language", "code": "en"},
            {"do": "log_state"},
            {"do": "quit"},
        ]
        data = run_client(tmp_path, server.base_url, "lang", steps)
        shown = states(data)
        assert (shown[0]["sign_in_title"], shown[0]["menu"]) == ("登录学习", "学习(&S)")
        assert (shown[1]["sign_in_title"], shown[1]["menu"]) == ("Sign in to study", "&Study")
        # The next start remembers the choice; switching back gives Chinese again.
        (data / "client.log").unlink()
        steps = [
            {"do": "wait", "for": "ready", "timeout_s": 60},
            {"do": "log_state"},
            {"do": "language", "code": "zh_CN"},
            {"do": "log_state"},
            {"do": "quit"},
        ]
        data = run_client(tmp_path, server.base_url, "lang", steps)
        shown = states(data)
        assert shown[0]["sign_in_title"] == "Sign in to study"
        assert shown[1]["sign_in_title"] == "登录学习"


def test_failing_the_study_face_checks_signs_the_learner_out(tmp_path, faces):
    """Someone else sits down after the sign-in: the server's re-match fails at the
    scheduled check, the learner retries up to the limit, then is signed out, told why,
    and the span since the last passed check is not credited."""
    with LiveServer.running(tmp_path / "server", f"sqlite:///{tmp_path / 'p.db'}") as server:
        seed_platform(server.platform, tmp_path / "server-media", demo_photo(), E2E_POLICY)
        short = short_course(server, tmp_path)  # its check comes within 19 s of playing
        steps = [
            {"do": "wait", "for": "ready", "timeout_s": 60},
            {"do": "sign_in", "account": DEMO_LOGIN, "password": DEMO_PASSWORD},
            {"do": "wait", "for": "signed_in", "timeout_s": 90},
            {"do": "select_open", "course_id": short},
            {"do": "wait", "for": "playing", "timeout_s": 60},
            {"do": "pause", "seconds": 1},
            {"do": "study", "until": "signed_out", "prompts": "answer", "timeout_s": 240},
            {"do": "log_state"},
            {"do": "quit"},
        ]
        photo = tmp_path / "learner.png"
        cv2.imwrite(str(photo), demo_photo())
        data = tmp_path / "swap"
        process = client(data, server.base_url, photo, steps, tmp_path / "shots", "swap")
        try:
            wait_for_log(data, lambda e: e.get("msg") == "course opened", timeout=180)
            # The registered face is now someone else's: the camera's person no longer
            # matches (as if another person had taken the learner's seat).
            with server.platform.transaction() as db:
                learner_id = db.scalars(select(AuthSession.learner_id)).first()
                enroll_face_from_photo(
                    server.platform, db, learner_id, faces.other_photo, "test", True
                )
            code, err = finish(process, 300)
        finally:
            if process.poll() is None:
                process.kill()
        assert code == 0, err[-3000:]
        with server.platform.sessions() as db:
            checks = db.scalars(select(FaceCheck).where(FaceCheck.purpose == "study")).all()
            session = db.scalars(select(AuthSession)).one()
    assert [c.passed for c in checks] == [False, False, False]
    assert session.revoked_ms is not None
    told = states(data)[-1]
    assert told["page"] == "sign_in"
    assert told["sign_in_status"].startswith("人脸核验未通过，您已被退出登录")


def short_course(
    server: LiveServer, tmp_path: Path, seconds: float = 20.0, name: str = "短课程"
) -> str:
    from app.demo_media import generate_clock_video
    from app.demo_platform import DEMO_QUESTIONS
    from server.identity import NewCourse, create_course

    clip = generate_clock_video(tmp_path / f"short-{seconds:.0f}.mp4", seconds, title="SHORT")
    with server.platform.transaction() as db:
        course = create_course(
            server.platform,
            db,
            NewCourse(
                name=name,
                duration_ms=clip.duration_ms,
                media_source=clip.path,
                teacher="李老师",
                provenance="测试",
                licence="CC BY 4.0",
                questions=DEMO_QUESTIONS,
            ),
        )
        return course.id


def test_a_first_ever_sign_in_registers_the_face_for_approval(tmp_path):
    """No face on record and an institution that allows it: the learner consents, the
    face check's evidence becomes a pending registration, the learner is told to wait
    for approval; once approved, the next sign-in goes through."""
    from server.identity import decide_enrollment
    from server.models import Institution, PendingEnrollment, Project

    with LiveServer.running(tmp_path / "server", f"sqlite:///{tmp_path / 'p.db'}") as server:
        seed_platform(server.platform, tmp_path / "server-media", demo_photo(), E2E_POLICY)
        with server.platform.transaction() as db:
            project = db.scalars(select(Project)).first()
            db.get(Institution, project.institution_id).allow_self_enrollment = True
            add_learner(server, db, "新学员", "440106199003070044", "newcomer", "first-time-2026")
        sign_in = [
            {"do": "wait", "for": "ready", "timeout_s": 60},
            {"do": "sign_in", "account": "newcomer", "password": "first-time-2026"},
        ]
        steps = [
            *sign_in,
            {"do": "wait", "for": "question", "timeout_s": 30},
            {"do": "answer_question", "yes": True},
            {"do": "wait", "for": "sign_in_refused", "timeout_s": 90},
            {"do": "log_state"},
            {"do": "quit"},
        ]
        data = run_client(tmp_path, server.base_url, "newcomer", steps)
        assert states(data)[-1]["sign_in_status"] == "您的人脸注册正在等待培训机构审核。"
        with server.platform.transaction() as db:
            pending = db.scalars(select(PendingEnrollment)).one()
            decide_enrollment(server.platform, db, pending.id, True, "test-admin")
        (data / "client.log").unlink()
        steps = [*sign_in, {"do": "wait", "for": "signed_in", "timeout_s": 90}, {"do": "quit"}]
        run_client(tmp_path, server.base_url, "newcomer", steps)
        assert any(e.get("msg") == "signed in" for e in log_entries(data))


def test_a_camera_that_cannot_run_costs_no_sign_in_attempt(tmp_path):
    """A check that cannot read its camera is a known condition of the device, not a
    failed identity check: the learner may try again as often as needed."""
    with LiveServer.running(tmp_path / "server", f"sqlite:///{tmp_path / 'p.db'}") as server:
        seed_platform(server.platform, tmp_path / "server-media", demo_photo(), E2E_POLICY)
        tries = []
        for _ in range(4):  # more than the 3 attempts a failed identity check has
            tries += [
                {"do": "wait", "for": "face_failed", "timeout_s": 60},
                {"do": "log_state"},
                {"do": "retry_face"},
            ]
        steps = [
            {"do": "wait", "for": "ready", "timeout_s": 60},
            {"do": "sign_in", "account": DEMO_LOGIN, "password": DEMO_PASSWORD},
            *tries,
            {"do": "quit"},
        ]
        data = tmp_path / "broken-camera"
        missing = tmp_path / "no-such-photo.png"  # the camera delivers nothing
        process = client(data, server.base_url, missing, steps, tmp_path / "shots", "broken")
        code, err = finish(process, 300)
        assert code == 0, err[-3000:]
        with server.platform.sessions() as db:
            assert db.scalars(select(FaceCheck)).all() == []  # nothing reached the server
    shown = states(data)
    assert len(shown) == 4
    assert all(s["login_attempts_left"] == 3 and s["face_retry"] for s in shown)
    assert all(s["face_result"] and s["page"] == "sign_in" for s in shown)


def test_a_provisioned_client_signs_in_and_a_tampered_or_outdated_one_is_told_why(tmp_path):
    """The institution's signed profile names the platform (`--server` cannot change
    it) and the platform admits only clients under a profile it signed; a profile
    changed after signing never reaches the network; an outdated client is told what
    to install."""
    with LiveServer.running(
        tmp_path / "server", f"sqlite:///{tmp_path / 'p.db'}", require_known_profile=True
    ) as server:
        seed_platform(server.platform, tmp_path / "server-media", demo_photo(), E2E_POLICY)
        platform = server.platform
        with platform.transaction() as db:
            document = sign_institution_profile(
                platform, db, {"platform_url": server.base_url, "institution_code": "GZ"}, "t"
            )
        good = tmp_path / "provisioning.json"
        good.write_bytes(document)
        tampered = tmp_path / "tampered.json"
        tampered.write_bytes(document.replace(b'"GZ"', b'"SZ"'))
        key = {"APP_PLATFORM_KEY": base64.b64encode(platform_public_key(platform)).decode()}
        sign_in = [
            {"do": "wait", "for": "ready", "timeout_s": 60},
            {"do": "sign_in", "account": DEMO_LOGIN, "password": DEMO_PASSWORD},
        ]
        provisioned = run_client(
            tmp_path,
            "http://127.0.0.1:9",  # ignored: the profile names the platform
            "provisioned",
            [*sign_in, {"do": "wait", "for": "signed_in", "timeout_s": 90}, {"do": "quit"}],
            "--profile",
            str(good),
            extra_env=key,
        )
        refused = run_client(
            tmp_path,
            server.base_url,
            "tampered",
            [{"do": "pause", "seconds": 3}, {"do": "log_state"}, {"do": "quit"}],
            "--profile",
            str(tampered),
            extra_env=key,
        )
        with platform.sessions() as db:
            sessions = db.scalars(select(AuthSession)).all()
        assert len(sessions) == 1  # the provisioned client's, and nobody else's
        signed = read_profile(document, platform_public_key(platform)).sha256
        assert (sessions[0].client_version, sessions[0].profile_sha256) == (VERSION, signed)
    assert any(e.get("msg") == "provisioning profile in use" for e in log_entries(provisioned))
    told = states(refused)[-1]
    assert told["sign_in_status"].startswith("机构配置（预置配置文件）在签发后被修改")
    assert not any("request" in e.get("msg", "") for e in log_entries(refused))

    with LiveServer.running(
        tmp_path / "server2", f"sqlite:///{tmp_path / 'p2.db'}", min_client_version="99.0.0"
    ) as server:
        seed_platform(server.platform, tmp_path / "server-media", demo_photo(), E2E_POLICY)
        outdated = run_client(
            tmp_path,
            server.base_url,
            "outdated",
            [*sign_in, {"do": "pause", "seconds": 3}, {"do": "log_state"}, {"do": "quit"}],
        )
    assert states(outdated)[-1]["sign_in_status"].startswith("此客户端版本过旧")


def test_a_kiosk_client_closes_only_with_the_administrators_pin_after_sending(tmp_path):
    """A lab PC's profile puts the client in kiosk mode: full screen; closing it asks for
    the PIN, a wrong one leaves it running, the right one sends the records and closes
    it. The platform knows the PC (its machine id) and what the client saw around it."""
    with LiveServer.running(tmp_path / "server", f"sqlite:///{tmp_path / 'p.db'}") as server:
        seed_platform(server.platform, tmp_path / "server-media", demo_photo(), E2E_POLICY)
        platform = server.platform
        lab = {
            "platform_url": server.base_url,
            "institution_code": "GZ-LAB",
            "kiosk": True,
            "kiosk_exit_pin": hash_exit_pin("20261208"),
        }
        with platform.transaction() as db:
            document = sign_institution_profile(platform, db, lab, "t")
        profile = tmp_path / "provisioning.json"
        profile.write_bytes(document)
        key = {"APP_PLATFORM_KEY": base64.b64encode(platform_public_key(platform)).decode()}
        steps = [
            {"do": "wait", "for": "ready", "timeout_s": 60},
            {"do": "sign_in", "account": DEMO_LOGIN, "password": DEMO_PASSWORD},
            {"do": "wait", "for": "signed_in", "timeout_s": 90},
            {"do": "log_state"},
            {"do": "kiosk_close", "pin": "11111111"},
            {"do": "pause", "seconds": 2},
            {"do": "log_state"},
            {"do": "kiosk_close", "pin": "20261208"},
            {"do": "pause", "seconds": 120},  # the client closes itself meanwhile
            {"do": "log_state"},
        ]
        data = run_client(tmp_path, "", "kiosk", steps, "--profile", str(profile), extra_env=key)
        with platform.sessions() as db:
            [session] = db.scalars(select(AuthSession)).all()
            reported = db.scalars(select(EnvironmentReport)).all()
    seen = states(data)
    assert len(seen) == 2  # the last state was never logged: the client had closed
    assert seen[0]["full_screen"] and seen[0]["signed_in"]
    assert seen[1]["kiosk_status"] == "PIN 码错误。" and seen[1]["signed_in"]
    messages = [e.get("msg") for e in log_entries(data)]
    assert "kiosk mode" in messages and "kiosk exit: wrong PIN" in messages
    decided = [(e["decision"], e["pending"]) for e in log_entries(data) if e["msg"] == "kiosk exit"]
    assert decided == [("close", 0)]
    assert messages.index("kiosk closed by the administrator") < messages.index("client exited")
    assert session.machine_id == machine_id()
    assert {r.action for r in reported} <= {"allow", "flag"}  # the default policy refuses none


def test_an_automation_tool_the_institution_refuses_stops_the_sign_in_with_the_reason(
    tmp_path,
):
    """A process named like an automation tool runs while the learner signs in; the
    institution refuses that kind: the learner reads why, in Chinese, and the report is
    kept for the institution's review."""
    with LiveServer.running(tmp_path / "server", f"sqlite:///{tmp_path / 'p.db'}") as server:
        seed_platform(server.platform, tmp_path / "server-media", demo_photo(), E2E_POLICY)
        with server.platform.transaction() as db:
            institution = db.scalars(select(Institution)).one()
            verification = json.loads(institution.verification_json or "{}")
            verification["environment"] = {"automation_tool": "refuse"}
            institution.verification_json = json.dumps(verification)
        steps = [
            {"do": "wait", "for": "ready", "timeout_s": 60},
            {"do": "sign_in", "account": DEMO_LOGIN, "password": DEMO_PASSWORD},
            {"do": "wait", "for": "sign_in_refused", "timeout_s": 90},
            {"do": "log_state"},
            {"do": "quit"},
        ]
        with running([str(sleep_named(tmp_path, "autokey")), "600"]):
            data = run_client(tmp_path, server.base_url, "refused", steps)
        with server.platform.sessions() as db:
            reports = db.scalars(select(EnvironmentReport)).all()
            sessions = db.scalars(select(AuthSession)).all()
    told = states(data)[-1]["sign_in_status"]
    assert told.startswith("您的培训机构不接受在自动化工具（模拟键盘或鼠标）运行时学习")
    assert "此次检测记录已保存，供其复核" in told
    assert [r.action for r in reports] == ["refuse"]
    assert {"kind": "automation_tool", "evidence": "process=autokey"} in json.loads(
        reports[0].signals_json
    )
    assert sessions == []
