"""The real platform server for tests: uvicorn on 127.0.0.1 in a thread of the test
process (so a test can move the server's clock), on SQLite or on a real PostgreSQL,
reached over HTTP with requests like any client; plus a scripted learner device that
signs its events with its own Ed25519 key."""

from __future__ import annotations

import base64
import contextlib
import datetime
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy import func, select

from app.demo_platform import DEMO_LIVENESS_ACTIONS
from records.events import EventKind
from records.signing import (
    EventChainBuilder,
    SignedEvent,
    face_burst_message,
    new_device_key,
    public_key_bytes,
)
from server.clock import ServerClock
from server.config import ServerConfig
from server.embedded import EmbeddedServer
from server.field_crypto import generate_master_key
from server.ledger import refresh_learner
from server.models import Account, LedgerSession, StudySession
from server.platform import Platform
from tests.support.face_bursts import Sitter

API = "/api/v1"
ADMIN_TOKEN = "test-admin-token-" + "x" * 20
# A valid 居民身份证 number (GB 11643 check digit) for a made-up person.
ID_NUMBERS = ("44010619900307001X", "440106199003070028", "440106199003070044")


@dataclass
class LiveServer:
    platform: Platform
    base_url: str
    _embedded: EmbeddedServer

    @classmethod
    @contextlib.contextmanager
    def running(
        cls,
        data_dir: Path,
        database_url: str,
        port: int | None = None,
        clock: ServerClock | None = None,
        **settings: object,
    ) -> Iterator[LiveServer]:
        """The server until the block ends. Restart on the same database with the same
        `port`, `master_key` and `clock` to play a server restart."""
        config = ServerConfig(
            data_dir=data_dir,
            database_url=database_url,
            **{  # type: ignore[arg-type]
                "master_key": generate_master_key(),
                "provisioning_key": generate_master_key(),  # 32 random bytes, base64
                "release_key": generate_master_key(),
                "admin_token": ADMIN_TOKEN,
                "demo": True,
                **settings,
            },
        )
        platform = Platform.create(config, clock or ServerClock())
        embedded = EmbeddedServer(platform, port).start()
        live = cls(platform, embedded.base_url, embedded)
        try:
            yield live
        finally:
            live.stop()

    def stop(self) -> None:
        """Shut the server down (idempotent): the port closes, the database stays."""
        self._embedded.stop()

    def call(
        self, method: str, path: str, token: str | None = None, **kwargs: object
    ) -> requests.Response:
        headers = dict(kwargs.pop("headers", None) or {})  # type: ignore[call-overload]
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return requests.request(
            method,
            self.base_url + path,
            headers=headers,
            timeout=30,
            **kwargs,  # type: ignore[arg-type]
        )

    def admin(self, method: str, path: str, **kwargs: object) -> dict:
        response = self.call(method, API + path, ADMIN_TOKEN, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()


@dataclass
class Fixture:
    """One institution and project, courses and learners made through the admin API."""

    server: LiveServer
    institution_id: str
    project_id: str
    courses: dict[str, dict] = field(default_factory=dict)

    def add_learner(self, login: str, id_number: str, phone: str | None = None) -> dict:
        return self.server.admin(
            "POST",
            "/admin/learners",
            json={
                "institution_id": self.institution_id,
                "project_id": self.project_id,
                "name": "张三" + login[-1],
                "id_type": "居民身份证",
                "id_number": id_number,
                "login_name": login,
                "password": "correct horse " + login,
                "phone": phone,
            },
        )

    def add_course(self, name: str, media: Path, duration_ms: int, **extra: object) -> dict:
        body = {
            "name": name,
            "duration_ms": duration_ms,
            "media_path": str(media),
            "teacher": "李老师",
            "provenance": "本机构自制",
            "licence": "CC BY 4.0",
            "questions": [
                {
                    "id": "q1",
                    "kind": "single",
                    "text": "1+1=?",
                    "options": ["1", "2"],
                    "answer": [1],
                },
                {
                    "id": "q2",
                    "kind": "multiple",
                    "text": "安全帽?",
                    "options": ["要", "必须", "不用"],
                    "answer": [0, 1],
                },
            ],
            "pass_mark": 100,
            **extra,
        }
        course = self.server.admin("POST", "/admin/courses", json=body)
        self.courses[name] = course
        return course


# What the test sitters can perform (the animated photo cannot open its mouth, and
# its right turn is unreliable: app/demo_platform.py), two actions per challenge.
TEST_VERIFICATION = {
    "liveness_actions": list(DEMO_LIVENESS_ACTIONS),
    "liveness_min_actions": 2,
    "liveness_max_actions": 2,
}


def make_fixture(server: LiveServer, tmp: Path, **institution: object) -> Fixture:
    verification = {**TEST_VERIFICATION, **dict(institution.pop("verification", {}))}  # type: ignore[call-overload]
    made = server.admin(
        "POST",
        "/admin/institutions",
        json={
            "name": "示范职业培训学校",
            "city_code": "440100",
            "county_code": "440106",
            "verification": verification,
            **institution,
        },
    )
    project = server.admin(
        "POST", "/admin/projects", json={"institution_id": made["id"], "name": "电工"}
    )
    return Fixture(server, made["id"], project["id"])


@dataclass
class LearnerDevice:
    """A client device: its own key and chain, signed in as one learner at a time."""

    server: LiveServer
    device_id: str = field(default_factory=lambda: "dev-" + uuid.uuid4().hex[:12])
    key: object = field(default_factory=new_device_key)
    token: str | None = None
    learner_id: str | None = None
    chain: EventChainBuilder | None = None

    def public_key_b64(self) -> str:
        return base64.b64encode(public_key_bytes(self.key.public_key())).decode()  # type: ignore[attr-defined]

    def password(self, login: str, password: str, client: dict | None = None) -> requests.Response:
        body = {"login_name": login, "password": password, "device_id": self.device_id}
        if client is not None:
            body["client"] = client
        return self.server.call("POST", f"{API}/auth/password", json=body)

    def face_challenge(self, challenge_token: str) -> requests.Response:
        return self.server.call(
            "POST",
            f"{API}/auth/face/challenge",
            json={"challenge_token": challenge_token, "device_id": self.device_id},
        )

    def proof(
        self,
        challenge: dict,
        sitter: Sitter,
        *,
        camera: dict | None = None,
        frames: list[tuple[int, bytes]] | None = None,
        took_ms: int | None = None,
    ) -> dict:
        """The evidence answering `challenge`: `sitter`'s burst for its actions, signed
        by this device. The server's clock moves on by the time the burst took, as it
        would while a learner performs the challenge; or, with `took_ms`, it shows that
        long after the challenge was issued, however long rendering the burst took."""
        sent = sitter.burst(challenge["actions"]).fresh() if frames is None else frames
        clock = self.server.platform.clock
        if took_ms is None:
            clock.advance(sent[-1][0] - sent[0][0] + 100)
        else:
            clock.advance(challenge["issued_ms"] + took_ms - clock.now_ms())
        message = face_burst_message(challenge["challenge_id"], sent)
        return {
            "challenge_id": challenge["challenge_id"],
            "frames": [
                {"at_ms": at_ms, "jpeg_b64": base64.b64encode(jpeg).decode()}
                for at_ms, jpeg in sent
            ],
            "signature_b64": base64.b64encode(self.key.sign(message)).decode(),  # type: ignore[attr-defined]
            "camera": camera or {"simulated": False, "virtual": None},
        }

    def face(
        self, challenge_token: str, sitter: Sitter, camera: dict | None = None, **extra
    ) -> requests.Response:
        """The sign-in's face check: ask for a challenge, answer it with `sitter`."""
        challenge = self.face_challenge(challenge_token)
        if challenge.status_code != 200:
            return challenge
        return self.face_answer(
            challenge_token, self.proof(challenge.json(), sitter, camera=camera), **extra
        )

    def face_answer(self, challenge_token: str, proof: dict, **extra) -> requests.Response:
        return self.server.call(
            "POST",
            f"{API}/auth/face",
            json={
                "challenge_token": challenge_token,
                "device_id": self.device_id,
                "device_public_key_b64": self.public_key_b64(),
                "face": proof,
                **extra,
            },
        )

    def sign_in(self, login: str, sitter: Sitter) -> dict:
        first = self.password(login, "correct horse " + login)
        assert first.status_code == 200, first.text
        second = self.face(first.json()["challenge_token"], sitter)
        assert second.status_code == 200, second.text
        body = second.json()
        self.token, self.learner_id = body["session_token"], body["learner_id"]
        if self.chain is None:
            self.chain = EventChainBuilder(
                self.key,
                self.device_id,
                body["device_last_seq"],
                body["device_last_hash"],  # type: ignore[arg-type]
            )
        return body

    def study_challenge(self, session: str, due_id: str) -> requests.Response:
        return self.post(f"/study/{session}/challenge", json={"due_id": due_id})

    def study_check(self, session: str, due_id: str, sitter: Sitter, **proof) -> requests.Response:
        """The face check the server asked for: a challenge, then the evidence."""
        challenge = self.study_challenge(session, due_id)
        assert challenge.status_code == 200, challenge.text
        body = {"due_id": due_id, "face": self.proof(challenge.json(), sitter, **proof)}
        return self.post(f"/study/{session}/face-check", json=body)

    def start(self, course_id: str) -> requests.Response:
        return self.server.call(
            "POST", f"{API}/study/start", self.token, json={"course_id": course_id}
        )

    def event(self, kind: EventKind, at_ms: int, session: str, course: str, **data) -> SignedEvent:
        assert self.chain is not None and self.learner_id is not None
        return self.chain.next(
            kind=kind,
            at_ms=at_ms,
            learner_id=self.learner_id,
            session_id=session,
            course_id=course,
            data=data,
        )

    def progress(
        self, at_ms: int, session: str, course: str, position_ms: int, **flags
    ) -> SignedEvent:
        data = {
            "position_ms": position_ms,
            "rate_milli": 1000,
            "focused": True,
            "visible": True,
            "playing": True,
            **flags,
        }
        return self.event(EventKind.PROGRESS, at_ms, session, course, **data)

    def heartbeat(self, session: str, events: list[SignedEvent]) -> requests.Response:
        return self.server.call(
            "POST",
            f"{API}/study/{session}/heartbeat",
            self.token,
            json={"events": [wire(e) for e in events]},
        )

    def upload(self, events: list[SignedEvent]) -> requests.Response:
        return self.server.call(
            "POST", f"{API}/events/batch", json={"events": [wire(e) for e in events]}
        )

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.server.call("GET", API + path, self.token, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.server.call("POST", API + path, self.token, **kwargs)


def wire(signed: SignedEvent) -> dict:
    return {"event": signed.event.payload(), "hash": signed.hash, "signature": signed.signature}


# -- a learner's journey, step by step, for the server's tests --------------------------

STEP_MS = 10_000


def make_world(live_server: LiveServer, tmp_path: Path, faces) -> Fixture:  # type: ignore[no-untyped-def]
    """Two learners with enrolled faces and two 3-minute courses with tests (the
    `world` fixture)."""
    fixture = make_fixture(live_server, tmp_path)
    fixture.add_learner("learner1", ID_NUMBERS[0], phone="13800138000")
    fixture.add_learner("learner2", ID_NUMBERS[1])
    media = tmp_path / "course.mp4"
    media.write_bytes(bytes(range(256)) * 400)
    fixture.add_course("安全用电", media, 180_000)
    fixture.add_course("高处作业", media, 180_000)
    for login, photo in (("learner1", faces.learner_photo), ("learner2", faces.other_photo)):
        enroll(live_server, login, photo)
    return fixture


def to_beijing_morning(server: LiveServer) -> None:
    """Move the server's clock to 08:00 Beijing time of the next day, for a test whose
    steps must fall on one Beijing day (attempts a day, the daily cap) whatever the
    time the suite runs at."""
    beijing = datetime.timezone(datetime.timedelta(hours=8))
    clock = server.platform.clock
    now = datetime.datetime.fromtimestamp(clock.now_ms() / 1000, beijing)
    morning = (now + datetime.timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)
    clock.advance(int(morning.timestamp() * 1000) - clock.now_ms())


def learner_id_of(server, login):
    with server.platform.sessions() as db:
        return db.scalar(select(Account.learner_id).where(Account.login_name == login))


def enroll(server, login, photo, reenroll=False):
    return server.call(
        "POST",
        f"{API}/admin/learners/{learner_id_of(server, login)}/face-template",
        ADMIN_TOKEN,
        json={"photo_jpeg_b64": base64.b64encode(photo).decode(), "reenroll": reenroll},
    )


def course_id(world, name="安全用电"):
    return world.courses[name]["id"]


def study(device, world, course, steps, check_sitter=None, start=None):
    """Start (or continue) a course and report `steps` heartbeats 10 s of server time
    apart at 1.0x, passing each face check as soon as a heartbeat answer says it is due
    (with `check_sitter`, playback held meanwhile; without, the checks are ignored)."""
    server = device.server
    if start is None:
        response = device.start(course)
        assert response.status_code == 200, response.text
        start = response.json()
    session = start["study_session_id"]
    position = 0
    now = server.platform.clock.now_ms()
    first = [
        device.event(EventKind.SESSION_START, now, session, course),
        device.event(EventKind.PLAY, now, session, course, position_ms=0),
    ]
    beat = device.heartbeat(session, first)
    assert beat.status_code == 200, beat.text
    for _ in range(steps):
        server.platform.clock.advance(STEP_MS)
        position += STEP_MS
        now = server.platform.clock.now_ms()
        beat = device.heartbeat(session, [device.progress(now, session, course, position)])
        assert beat.status_code == 200, beat.text
        due = beat.json()["check_due"]
        if due is not None and check_sitter is not None:
            # As the client does: playback holds while the learner takes the check.
            held = device.event(
                EventKind.PAUSE, now, session, course, position_ms=position, reason="face_check"
            )
            assert device.heartbeat(session, [held]).status_code == 200
            pass_check(device, session, course, due["id"], check_sitter)
            resumed = server.platform.clock.now_ms()
            play = device.event(EventKind.PLAY, resumed, session, course, position_ms=position)
            assert device.heartbeat(session, [play]).status_code == 200
    return start


def secret_positions(server: LiveServer, study_session_id: str) -> list[int]:
    """The face-check positions the server drew for a study session (never sent)."""
    with server.platform.sessions() as db:
        study = db.get(StudySession, study_session_id)
        assert study is not None
        return json.loads(study.check_positions_json)


def pass_check(device, session: str, course: str, due_id: str, sitter: Sitter) -> dict:
    """Answer the face check the server asked for, and report the pass in the stream."""
    checked = device.study_check(session, due_id, sitter)
    assert checked.status_code == 200 and checked.json()["passed"], checked.text
    now = device.server.platform.clock.now_ms()
    event = device.event(
        EventKind.FACE_CHECK_PASSED, now, session, course, check_id=checked.json()["check_id"]
    )
    assert device.heartbeat(session, [event]).status_code == 200
    return checked.json()


# The fixture courses' question bank, by option text: papers shuffle the options.
RIGHT_OPTIONS = {"q1": {"2"}, "q2": {"要", "必须"}}
WRONG_OPTIONS = {"q1": {"1"}, "q2": {"要"}}


def answer_test(device, course, right=True):
    """Sit the course test: take a paper, answer it by the options' text."""
    paper = device.get(f"/courses/{course}/test")
    assert paper.status_code == 200, paper.text
    texts = RIGHT_OPTIONS if right else WRONG_OPTIONS
    answers = {
        q["id"]: [i for i, option in enumerate(q["options"]) if option in texts[q["id"]]]
        for q in paper.json()["questions"]
    }
    body = {"sitting_id": paper.json()["sitting_id"], "answers": answers}
    response = device.post(f"/courses/{course}/test", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def credited_ms(server, learner_id):
    """Effective time plus the time held until a course test is passed."""
    with server.platform.transaction() as db:
        refresh_learner(server.platform, db, learner_id)
        return int(
            db.scalar(
                select(
                    func.coalesce(
                        func.sum(LedgerSession.effective_ms + LedgerSession.pending_ms), 0
                    )
                ).where(LedgerSession.learner_id == learner_id)
            )
        )


def effective_ms(server, learner_id):
    with server.platform.transaction() as db:
        refresh_learner(server.platform, db, learner_id)
        return int(
            db.scalar(
                select(func.coalesce(func.sum(LedgerSession.effective_ms), 0)).where(
                    LedgerSession.learner_id == learner_id
                )
            )
        )
