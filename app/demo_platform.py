"""The demo's own platform: the real server, in this process, on 127.0.0.1, with a
fresh SQLite database seeded with a demo institution, one learner (face enrolled from the
demo photo) and two short generated courses with tests. Everything it records is marked
as demo by the server (demo mode). Nothing here runs in a production client."""

from __future__ import annotations

import importlib.util
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from sqlalchemy import select

from app.demo_media import generate_clock_video
from server.config import ServerConfig, with_local_secrets
from server.embedded import EmbeddedServer
from server.identity import (
    NewCourse,
    NewLearner,
    create_course,
    create_institution,
    create_learner,
    create_project,
    enroll_face_from_photo,
)
from server.models import Institution
from server.platform import Platform

log = logging.getLogger(__name__)

# A made-up learner: the ID number has a valid GB 11643 check digit and belongs to no one.
DEMO_LOGIN = "demo"
DEMO_PASSWORD = "demo-2026"
DEMO_PHONE = "13800138000"
DEMO_NAME = "演示学员"
DEMO_ID_NUMBER = "44010619900307001X"
# Short enough that a prompt and a face check happen within the demo's 2-minute course.
DEMO_POLICY: dict[str, object] = {"interaction_limit_ms": 60_000}
DEMO_COURSES = (
    ("安全生产基础（演示）", 120.0, "SAFETY 101", "王老师"),
    ("电工基础（演示）", 60.0, "ELECTRIC 201", "李老师"),
)
# What the simulated camera asks of the demo photo. The astronaut's face is turned a little
# to its right already: warped further that way, the mesh sees the far side collapse and
# the measured yaw stops near -24 degrees, too close to the 20-degree turn threshold to
# pass reliably (measured on the real models). The demo institution's challenges draw from
# these; a real institution's from all five.
DEMO_LIVENESS_ACTIONS = ("blink", "turn_left", "nod")
DEMO_INSTITUTION = "示范职业培训学校（演示）"
# The simulated camera is a file source: the demo must not refuse it; and it performs
# only some actions, so the challenges the demo platform issues ask for those.
DEMO_VERIFICATION: dict[str, object] = {
    "virtual_camera": "warn",
    "liveness_actions": list(DEMO_LIVENESS_ACTIONS),
}
DEMO_QUESTIONS: list[dict[str, object]] = [
    {
        "id": "q1",
        "kind": "single",
        "text": "进入施工现场必须佩戴什么？",
        "options": ["安全帽", "耳机", "手套"],
        "answer": [0],
    },
    {
        "id": "q2",
        "kind": "multiple",
        "text": "发生触电事故时，应当（多选）：",
        "options": ["先切断电源", "直接用手拉开触电者", "拨打急救电话"],
        "answer": [0, 2],
    },
]


def astronaut_png() -> Path:
    """The file itself, read without importing scikit-image (seconds of SciPy): from
    the package in a source run, from the bundle's copy in a packaged one."""
    bundled = Path(__file__).resolve().parent / "demo_data" / "astronaut.png"
    if bundled.exists():
        return bundled
    spec = importlib.util.find_spec("skimage")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("scikit-image (the demo learner's photo) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "astronaut.png"


def demo_photo() -> np.ndarray:
    """The face of the demo learner: the astronaut photo shipped inside scikit-image
    (public domain, NASA), framed 640 x 480 like a webcam."""
    photo = cv2.imread(str(astronaut_png()))
    if photo is None:
        raise FileNotFoundError("the demo learner's photo (astronaut.png) is missing")
    photo = cv2.copyMakeBorder(photo, 0, 0, 64, 64, cv2.BORDER_REPLICATE)
    return photo[16:496]


def keep_demo_settings(platform: Platform) -> None:
    """A demo platform seeded by an earlier version keeps its data, with the settings
    this version's simulated camera needs."""
    with platform.transaction() as db:
        for institution in db.scalars(
            select(Institution).where(Institution.name == DEMO_INSTITUTION)
        ):
            settings = {**json.loads(institution.verification_json or "{}"), **DEMO_VERIFICATION}
            institution.verification_json = json.dumps(settings, sort_keys=True)


@dataclass(frozen=True)
class DemoPlatform:
    server: EmbeddedServer
    base_url: str
    login: str = DEMO_LOGIN
    password: str = DEMO_PASSWORD
    phone: str = DEMO_PHONE

    def stop(self) -> None:
        self.server.stop()


def start_demo_platform(folder: Path, photo: np.ndarray | None = None) -> DemoPlatform:
    """Start the demo platform with its data in `folder` (created and seeded once; a
    later start reuses it, so the learner's records survive a restart of the demo)."""
    folder.mkdir(parents=True, exist_ok=True)
    # The demo's master key lives in a file beside its database (made once, 0600).
    config, _from_files = with_local_secrets(ServerConfig(data_dir=folder, demo=True))
    platform = Platform.create(config)
    if not (folder / "seeded").exists():
        seed_platform(platform, folder, demo_photo() if photo is None else photo)
        (folder / "seeded").write_text("1\n")
    else:
        keep_demo_settings(platform)
    server = EmbeddedServer(platform).start()
    log.info("demo platform running", extra={"data": {"port": server.port}})
    return DemoPlatform(server, server.base_url)


def seed_platform(
    platform: Platform, folder: Path, photo: np.ndarray, policy: dict[str, object] | None = None
) -> None:
    """The demo institution, learner (face enrolled from `photo`) and two courses with
    tests; `policy` overrides the institution's effective-time policy."""
    ok, jpeg = cv2.imencode(".jpg", photo, [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    with platform.transaction() as db:
        institution = create_institution(
            platform,
            db,
            DEMO_INSTITUTION,
            "440100",
            "440106",
            policy=DEMO_POLICY if policy is None else policy,
            verification=DEMO_VERIFICATION,
        )
        db.flush()
        project = create_project(platform, db, institution.id, "安全生产与电工（演示）")
        db.flush()
        learner, _account = create_learner(
            platform,
            db,
            NewLearner(
                institution_id=institution.id,
                project_id=project.id,
                name=DEMO_NAME,
                id_type="居民身份证",
                id_number=DEMO_ID_NUMBER,
                login_name=DEMO_LOGIN,
                password=DEMO_PASSWORD,
                phone=DEMO_PHONE,
            ),
        )
        db.flush()
        enroll_face_from_photo(platform, db, learner.id, jpeg.tobytes(), "demo-seed", False)
        for name, seconds, label, teacher in DEMO_COURSES:
            clip = generate_clock_video(folder / "source" / f"{label}.mp4", seconds, title=label)
            create_course(
                platform,
                db,
                NewCourse(
                    name=name,
                    duration_ms=clip.duration_ms,
                    media_source=clip.path,
                    teacher=teacher,
                    provenance="本机构自制（演示）",
                    licence="CC BY 4.0",
                    questions=DEMO_QUESTIONS,
                    pass_mark=100,
                ),
            )
            db.flush()
