"""A whole face check on real frames through the file frame source, with the real
MediaPipe analyzer and dlib embedder: a photo held still, no face and two faces fail
with their reasons. The liveness actions themselves cannot be performed by the real
photos available here (no recorded blink or head turn exists on these machines), so the
passing path and the identity swap are driven by scripted measurements over real frames
and the real embedder (the boundary being the analyzer)."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import cv2
import pytest

from tests.support.face_images import face_photo, no_face_photo, side_by_side
from verification.burst import BURST_MIN_GAP_MS, FRAME_MAX_SIDE, MAX_FRAME_BYTES
from verification.check_runner import FaceCheckRunner
from verification.face_embedding import FaceEmbedder, decode_jpeg, template_from_embeddings
from verification.frames import FileFrameSource
from verification.landmarks import FaceAnalyzer, QualityReport
from verification.liveness import Action, Challenge


@pytest.fixture(scope="module")
def embedder():
    return FaceEmbedder()


def sequence(tmp_path: Path, image, count: int) -> FileFrameSource:
    tmp_path.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = tmp_path / f"frame{index:03d}.png"
        cv2.imwrite(str(path), image)
        paths.append(path)
    source = FileFrameSource(paths, sequence_fps=15.0)
    source.open()
    return source


# What the server issued, in these tests.
CHALLENGE = Challenge("fch-test", (Action.BLINK, Action.TURN_LEFT))


def run(source, embedder, template=None, challenge=CHALLENGE, region_analyzer=None):
    runner = FaceCheckRunner(
        source,
        FaceAnalyzer(static_image_mode=False),
        region_analyzer or FaceAnalyzer(static_image_mode=False),
        embedder,
        template,
        challenge,
    )
    return runner.run()


def test_a_photo_held_still_fails(tmp_path, embedder):
    photo = cv2.resize(face_photo("astronaut"), (640, 640))
    result = run(sequence(tmp_path, photo, 200), embedder)
    assert not result.passed and not result.liveness_passed
    assert result.reason in ("static_image", "timeout")
    assert result.burst == ()  # nothing to send


def test_no_face_and_two_faces_fail_with_their_reasons(tmp_path, embedder):
    empty = run(sequence(tmp_path / "a", no_face_photo(), 120), embedder)
    assert (empty.passed, empty.reason) == (False, "no_face")
    pair = side_by_side(face_photo("astronaut"), face_photo("grace_hopper"))
    two = run(sequence(tmp_path / "b", pair, 60), embedder)
    assert (two.passed, two.reason) == (False, "multiple_faces")


class ScriptedAnalyzer:
    """Real frames, scripted landmark signals: a blink then a left turn."""

    def __init__(self):
        self.calls = 0

    def analyze(self, image, at_ms):
        self.calls += 1
        t = self.calls
        ear, yaw = 0.3, 0.0
        if 20 <= t < 23:
            ear = 0.1  # eyes closed for 3 frames
        if 35 <= t < 45:
            yaw = 30.0  # head turned to the learner's left
        jitter = (t % 3) * 0.004
        return _Measurement(
            at_ms=at_ms,
            face_count=1,
            box=(100 + t % 2, 100, 300, 300),
            detection_score=0.9,
            ear=ear + jitter,
            ear_left=ear,
            ear_right=ear,
            mar=0.05 + jitter,
            yaw_deg=yaw + jitter * 10,
            pitch_deg=jitter * 10,
            roll_deg=0.0,
            landmarks=None,
            brightness=120.0,
            sharpness=50.0,
            quality=QualityReport(issues=()),
        )


@dataclasses.dataclass(frozen=True)
class _Measurement:
    at_ms: int
    face_count: int
    box: tuple
    detection_score: float
    ear: float
    ear_left: float
    ear_right: float
    mar: float
    yaw_deg: float
    pitch_deg: float
    roll_deg: float
    landmarks: object
    brightness: float
    sharpness: float
    quality: QualityReport


def scripted_run(source, embedder, template):
    # The camera's frames are measured for real; the burst's frames by the script, which
    # performs the challenge issued (a blink, then a left turn).
    return run(source, embedder, template, region_analyzer=ScriptedAnalyzer())


def test_a_performed_challenge_passes_and_yields_evidence_the_server_can_match(
    tmp_path, embedder, monkeypatch
):
    learner = face_photo("astronaut")
    template = template_from_embeddings([embedder.embed(learner)])
    result = scripted_run(sequence(tmp_path, learner, 80), embedder, template)
    assert result.passed and result.liveness_passed, result.reason
    assert result.challenge_id == "fch-test"
    # About 12.5 frames a second of the 15 fps camera, cut to the face region, as JPEGs.
    times = [frame.at_ms for frame in result.burst]
    assert all(b - a >= BURST_MIN_GAP_MS for a, b in itertools.pairwise(times))
    assert (times[-1] - times[0]) / (len(times) - 1) <= 100
    for frame in result.burst:
        assert frame.jpeg[:2] == b"\xff\xd8" and len(frame.jpeg) <= MAX_FRAME_BYTES
        assert max(decode_jpeg(frame.jpeg).shape[:2]) <= FRAME_MAX_SIDE
    assert result.distance is not None and result.distance < 0.5
    other = template_from_embeddings([embedder.embed(face_photo("grace_hopper"))])
    stranger = scripted_run(sequence(tmp_path / "b", learner, 80), embedder, other)
    assert (stranger.passed, stranger.reason) == (False, "face_not_matched")
    assert stranger.liveness_passed


def test_a_face_swapped_during_the_challenge_fails(tmp_path, embedder):
    first = face_photo("astronaut")
    # Somebody else's face where the learner's was (the region the burst follows).
    box = embedder.embed(first).box
    theirs = face_photo("grace_hopper")
    their_box = embedder.embed(theirs).box
    pad = their_box.width // 2
    face = theirs[
        max(0, their_box.top - pad) : their_box.bottom + pad,
        max(0, their_box.left - pad) : their_box.right + pad,
    ]
    side = box.width * 2
    second = first.copy()
    top, left = max(0, box.top - box.width // 2), max(0, box.left - box.width // 2)
    patch = cv2.resize(face, (side, side))[: first.shape[0] - top, : first.shape[1] - left]
    second[top : top + patch.shape[0], left : left + patch.shape[1]] = patch
    paths = []
    for index in range(80):
        path = tmp_path / f"f{index:03d}.png"
        cv2.imwrite(str(path), first if index < 30 else second)
        paths.append(path)
    source = FileFrameSource(paths, sequence_fps=15.0)
    source.open()
    result = scripted_run(source, embedder, None)
    assert (result.passed, result.reason) == (False, "identity_changed")


@pytest.mark.gui
def test_the_dialog_shows_the_live_check_and_its_result_in_chinese(
    tmp_path, embedder, qtbot, default_language, emits_on_gui_thread
):
    from verification.check_dialog import FaceCheckDialog, failure_text
    from verification.qt_facade import FaceCheckService

    photo = cv2.resize(face_photo("astronaut"), (640, 480))
    paths = []
    for index in range(150):
        path = tmp_path / f"f{index:03d}.png"
        cv2.imwrite(str(path), photo)
        paths.append(path)
    service = emits_on_gui_thread.watch(FaceCheckService(embedder))
    dialog = FaceCheckDialog(demo_camera=True)
    qtbot.addWidget(dialog)
    service.progress.connect(dialog.show_progress)
    frames_seen = []
    service.progress.connect(lambda image, *_: frames_seen.append(image.size()))
    dialog.show()
    with qtbot.waitSignal(service.finished, timeout=60_000) as finished:
        service.start(lambda: FileFrameSource(paths, sequence_fps=15.0), None, CHALLENGE)
    result = finished.args[0]
    dialog.show_result(result, attempts_left=2)
    assert not result.passed and result.reason in ("static_image", "timeout")
    assert frames_seen and frames_seen[0].width() == 640
    assert dialog.result_label.text() == failure_text(result.reason)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in dialog.result_label.text())  # Chinese first
    assert dialog.retry_button.isVisible() and dialog.demo_label.isVisible()
    assert dialog.windowTitle() == "人脸核验"
    assert emits_on_gui_thread.names == {
        "FaceCheckService.progress",
        "FaceCheckService.finished",
        "FaceCheckService.finished_run",
    }


def test_a_real_photo_animated_along_its_mesh_passes_the_real_models(tmp_path, embedder):
    """End to end on the real models: MediaPipe sees the blink, the turn and the nod of a
    photo animated by verification/simulated_face.py, and dlib matches the evidence.
    It passes: landmark challenges do not stop photo animation (README, known attack)."""
    from verification.simulated_face import challenge_frames

    photo = cv2.copyMakeBorder(face_photo("astronaut"), 0, 0, 64, 64, cv2.BORDER_REPLICATE)
    photo = photo[16:496]  # 640 x 480, as a camera delivers
    actions = ("blink", "turn_left", "nod")
    paths = []
    for index, frame in enumerate(challenge_frames(photo, actions)):
        path = tmp_path / f"a{index:03d}.png"
        cv2.imwrite(str(path), frame)
        paths.append(path)
    source = FileFrameSource(paths, sequence_fps=15.0)
    source.open()
    template = template_from_embeddings([embedder.embed(photo)])
    challenge = Challenge("fch-anim", tuple(Action(a) for a in actions))
    result = run(source, embedder, template, challenge)
    assert result.liveness_passed and result.passed, result.reason
    assert result.distance < 0.5


def test_the_simulation_refuses_actions_it_cannot_perform():
    from verification.simulated_face import challenge_frames

    with pytest.raises(ValueError, match="open_mouth"):
        challenge_frames(face_photo("astronaut"), ["blink", "open_mouth"])


@pytest.mark.gui
def test_the_dialog_guides_the_learner_on_a_bad_picture(
    tmp_path, embedder, qtbot, default_language
):
    from verification.check_dialog import FaceCheckDialog
    from verification.qt_facade import FaceCheckService

    dark = cv2.convertScaleAbs(cv2.resize(face_photo("astronaut"), (640, 480)), alpha=0.3)
    paths = []
    for index in range(30):
        path = tmp_path / f"d{index:03d}.png"
        cv2.imwrite(str(path), dark)
        paths.append(path)
    service = FaceCheckService(embedder)
    dialog = FaceCheckDialog()
    qtbot.addWidget(dialog)
    guidance = []
    service.progress.connect(dialog.show_progress)
    service.progress.connect(lambda *_: guidance.append(dialog.guidance.text()))
    with qtbot.waitSignal(service.finished, timeout=60_000):
        service.start(lambda: FileFrameSource(paths, sequence_fps=15.0), None, CHALLENGE)
    assert "光线太暗：请打开您前方的灯。" in guidance


def test_the_demos_simulated_camera_performs_whatever_challenge_is_issued(embedder):
    """The demo's camera where none exists: a real photo animated to perform the
    challenge the server issued (from the actions it can perform), passing the real
    models; refused outside demo and test builds."""
    from app.demo_platform import DEMO_LIVENESS_ACTIONS
    from verification.frames import SimulatedCameraRefusedError
    from verification.simulated_face import make_simulated_camera

    photo = cv2.copyMakeBorder(face_photo("astronaut"), 0, 0, 64, 64, cv2.BORDER_REPLICATE)
    photo = photo[16:496]
    with pytest.raises(SimulatedCameraRefusedError):
        make_simulated_camera(photo, allow_simulated_camera=False)
    template = template_from_embeddings([embedder.embed(photo)])
    for actions in (DEMO_LIVENESS_ACTIONS, DEMO_LIVENESS_ACTIONS[::-1]):
        camera = make_simulated_camera(photo, allow_simulated_camera=True, realtime=False)
        camera.open()
        challenge = Challenge("fch-demo", tuple(Action(a) for a in actions))
        result = run(camera, embedder, template, challenge)
        camera.close()
        assert result.passed, (actions, result.reason)
