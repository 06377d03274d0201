"""verification.landmarks on real face photos (tests/support/face_images.py) and their degradations.

MediaPipe 0.10.21's bundled models run for real: nothing is mocked. Faces are brought to
a webcam-like width (150 px) where the photo's face is larger. There is no photo of a
learner with closed eyes or of a head turned on request; the EAR test paints the eyes
out (inpainting from the surrounding skin) to prove the measure responds, and the yaw
sign is checked on a photo whose face is turned (obama2) against its mirror image.
"""

from __future__ import annotations

import dataclasses
import threading

import cv2
import numpy as np
import pytest

from tests.support.face_images import face_photo, no_face_photo, side_by_side
from verification.landmarks import (
    LANDMARK_COUNT,
    FaceAnalyzer,
    FaceMeasurement,
    QualityIssue,
    QualityPolicy,
)

# Eye contours of the MediaPipe mesh (16 points each), to paint the eyes out.
RIGHT_EYE_CONTOUR = [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246]
LEFT_EYE_CONTOUR = [263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466]


@pytest.fixture(scope="module")
def analyzer() -> FaceAnalyzer:
    with FaceAnalyzer(static_image_mode=True) as shared:
        yield shared


def webcam_face(name: str) -> np.ndarray:
    """The photo with its face about 150 px wide (the astronaut's 88 px face as is)."""
    return face_photo(name) if name == "astronaut" else face_photo(name, 150)


def issues(measurement: FaceMeasurement) -> set[str]:
    return {str(issue) for issue in measurement.quality.issues}


@pytest.mark.parametrize("name", ["astronaut", "grace_hopper"])
def test_frontal_photo_gives_one_face_with_open_eyes_and_ok_quality(
    analyzer: FaceAnalyzer, name: str
) -> None:
    image = webcam_face(name)
    measurement = analyzer.analyze(image, at_ms=1234)
    assert measurement.at_ms == 1234
    assert measurement.face_count == 1
    assert measurement.quality.ok, measurement.quality.issues
    assert measurement.quality.issues == ()
    left, top, right, bottom = measurement.box
    assert 80 <= right - left <= 200 and 80 <= bottom - top <= 200
    # Open eyes: EAR 0.25-0.35 on these photos (closed eyes give under ~0.15).
    assert 0.2 < measurement.ear < 0.4
    assert 0.2 < measurement.ear_left < 0.4 and 0.2 < measurement.ear_right < 0.4
    assert measurement.ear == pytest.approx((measurement.ear_left + measurement.ear_right) / 2)
    assert 0 <= measurement.mar < 0.3  # mouth closed or nearly
    assert abs(measurement.yaw_deg) < 8
    assert abs(measurement.pitch_deg) < 20
    assert abs(measurement.roll_deg) < 8
    landmarks = measurement.landmarks
    assert landmarks.shape == (LANDMARK_COUNT, 2)
    assert not landmarks.flags.writeable
    # The landmarks lie on the face: the nose tip inside the detection box.
    assert left <= landmarks[1][0] <= right and top <= landmarks[1][1] <= bottom
    # The learner's right eye (landmark 33) is on the image's left.
    assert landmarks[33][0] < landmarks[263][0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        measurement.ear = 0.0  # type: ignore[misc]


def test_mirrored_turned_face_gives_the_opposite_yaw(analyzer: FaceAnalyzer) -> None:
    # obama2: he looks towards the image's left, i.e. turned to HIS right: yaw negative.
    image = webcam_face("obama2")
    turned = analyzer.analyze(image, 0)
    mirrored = analyzer.analyze(np.ascontiguousarray(image[:, ::-1]), 0)
    assert turned.yaw_deg < -6, turned.yaw_deg
    assert mirrored.yaw_deg > 6, mirrored.yaw_deg
    assert abs(turned.yaw_deg + mirrored.yaw_deg) < 4
    # Roll flips with the mirror too; pitch does not.
    assert np.sign(turned.roll_deg) == -np.sign(mirrored.roll_deg)
    assert abs(turned.pitch_deg - mirrored.pitch_deg) < 4
    # Both are within the default frontal limits; a strict policy flags them, and not
    # a frontal photo.
    assert turned.quality.ok and mirrored.quality.ok
    with FaceAnalyzer(static_image_mode=True, policy=QualityPolicy(max_abs_yaw_deg=6)) as strict:
        assert QualityIssue.NOT_FRONTAL in strict.analyze(image, 0).quality.issues
        assert strict.analyze(webcam_face("obama1"), 0).quality.ok


def test_in_plane_rotation_moves_roll_and_not_yaw(analyzer: FaceAnalyzer) -> None:
    image = webcam_face("grace_hopper")
    height, width = image.shape[:2]
    upright = analyzer.analyze(image, 0)
    # cv2's positive angle turns the picture counter-clockwise: the head then tilts
    # towards the learner's right shoulder, negative roll.
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), 15, 1.0)
    rotated = analyzer.analyze(cv2.warpAffine(image, matrix, (width, height)), 0)
    assert rotated.roll_deg - upright.roll_deg == pytest.approx(-15, abs=4)
    assert abs(rotated.yaw_deg) < 10


def test_darkened_face_is_too_dark(analyzer: FaceAnalyzer) -> None:
    for name in ("astronaut", "grace_hopper"):
        dark = (webcam_face(name) * 0.35).astype(np.uint8)
        measurement = analyzer.analyze(dark, 0)
        assert measurement.face_count == 1
        assert issues(measurement) == {"too_dark"}, name


def test_brightened_face_is_too_bright(analyzer: FaceAnalyzer) -> None:
    for name in ("grace_hopper", "obama1"):
        bright = np.clip(webcam_face(name) * 1.8, 0, 255).astype(np.uint8)
        measurement = analyzer.analyze(bright, 0)
        assert measurement.face_count == 1
        assert issues(measurement) == {"too_bright"}, name


def test_face_blown_out_by_side_light_is_too_bright(analyzer: FaceAnalyzer) -> None:
    # A lamp on one side: gain 3 at the face's left edge down to 0.5 at its right. The
    # mean stays under the limit; the blown-out share (26-27 %) trips the gate.
    policy = QualityPolicy()
    for name in ("grace_hopper", "obama2"):
        image = webcam_face(name)
        left, _, right, _ = analyzer.analyze(image, 0).box
        gain = np.interp(np.arange(image.shape[1]), [left, right], [3.0, 0.5])
        lit = np.clip(image * gain[None, :, None], 0, 255).astype(np.uint8)
        measurement = analyzer.analyze(lit, 0)
        assert measurement.brightness < policy.max_face_brightness, name
        assert issues(measurement) == {"too_bright"}, name


def test_blurred_face_is_blurry(analyzer: FaceAnalyzer) -> None:
    for name in ("astronaut", "obama2"):
        blurred = cv2.GaussianBlur(webcam_face(name), (0, 0), 3)
        measurement = analyzer.analyze(blurred, 0)
        assert measurement.face_count == 1
        assert issues(measurement) == {"blurry"}, name
    # A mild blur (sigma 1) does not trip the gate.
    assert analyzer.analyze(cv2.GaussianBlur(webcam_face("obama1"), (0, 0), 1), 0).quality.ok


def test_downscaled_face_is_too_small(analyzer: FaceAnalyzer) -> None:
    small = face_photo("grace_hopper", 60)
    measurement = analyzer.analyze(small, 0)
    assert measurement.face_count == 1
    assert measurement.box[2] - measurement.box[0] < 80
    assert issues(measurement) == {"face_too_small"}
    assert measurement.ear is not None  # measured, but not trusted by the gate


def test_face_partly_outside_the_frame_is_cut_off(analyzer: FaceAnalyzer) -> None:
    image = webcam_face("grace_hopper")
    box = analyzer.analyze(image, 0).box
    cut = np.ascontiguousarray(image[:, box[0] + (box[2] - box[0]) // 4 :])
    measurement = analyzer.analyze(cut, 0)
    assert QualityIssue.FACE_CUT_OFF in measurement.quality.issues
    assert measurement.box[0] < 0


def test_face_filling_the_frame_is_too_large(analyzer: FaceAnalyzer) -> None:
    # A 640 x 480 close-up whose face box is about 85 % of the frame width: the
    # full-range detector misses grace_hopper's face at this size; the short-range
    # fallback finds it.
    for name in ("grace_hopper", "obama1"):
        image = webcam_face(name)
        left, top, right, bottom = analyzer.analyze(image, 0).box
        half = (right - left) / 0.85 / 2
        centre_x, centre_y = (left + right) / 2, (top + bottom) / 2
        padded = cv2.copyMakeBorder(image, 400, 400, 400, 400, cv2.BORDER_REFLECT)
        crop = padded[
            round(centre_y - half * 0.75) + 400 : round(centre_y + half * 0.75) + 400,
            round(centre_x - half) + 400 : round(centre_x + half) + 400,
        ]
        close_up = cv2.resize(crop, (640, 480), interpolation=cv2.INTER_CUBIC)
        measurement = analyzer.analyze(close_up, 0)
        assert measurement.face_count == 1, name
        assert QualityIssue.FACE_TOO_LARGE in measurement.quality.issues, name


def test_two_people_side_by_side_are_multiple_faces(analyzer: FaceAnalyzer) -> None:
    for left, right in (("astronaut", "grace_hopper"), ("obama1", "biden")):
        measurement = analyzer.analyze(side_by_side(face_photo(left), face_photo(right)), 0)
        assert measurement.face_count == 2
        assert QualityIssue.MULTIPLE_FACES in measurement.quality.issues
        assert not measurement.quality.ok


def test_no_face(analyzer: FaceAnalyzer) -> None:
    measurement = analyzer.analyze(no_face_photo(), 0)
    assert measurement.face_count == 0
    assert measurement.box is None and measurement.landmarks is None
    assert measurement.ear is None and measurement.yaw_deg is None
    assert issues(measurement) == {"no_face"}
    # A covered camera: no face, and the frame says why.
    black = analyzer.analyze(np.full((480, 640, 3), 5, np.uint8), 0)
    assert issues(black) == {"no_face", "too_dark"}


def test_ear_drops_when_the_eyes_are_painted_out(analyzer: FaceAnalyzer) -> None:
    """No photo with closed eyes exists here. Inpainting the eye regions with the
    surrounding skin (what closed lids look like at webcam resolution) must lower the
    EAR sharply: this proves the EAR responds to the eyes in the picture, not to the
    mesh's prior. It does not prove a real blink is caught (the liveness tests do that
    with warped sequences)."""
    for name in ("astronaut", "obama2"):
        image = webcam_face(name)
        open_eyes = analyzer.analyze(image, 0)
        mask = np.zeros(image.shape[:2], np.uint8)
        for contour in (RIGHT_EYE_CONTOUR, LEFT_EYE_CONTOUR):
            points = np.round(open_eyes.landmarks[contour]).astype(np.int32)
            cv2.fillPoly(mask, [points], 255)
        mask = cv2.dilate(mask, np.ones((5, 5), np.uint8), iterations=2)
        painted = analyzer.analyze(cv2.inpaint(image, mask, 5, cv2.INPAINT_TELEA), 0)
        assert painted.face_count == 1
        assert painted.ear < 0.7 * open_eyes.ear, (name, open_eyes.ear, painted.ear)
        assert painted.ear_left < open_eyes.ear_left
        assert painted.ear_right < open_eyes.ear_right


def test_tracking_mode_over_a_sequence_and_close() -> None:
    image = face_photo("grace_hopper", 150)
    analyzer = FaceAnalyzer()  # tracking mode, the camera pipeline's default
    measurements = []
    for step in range(6):
        shifted = np.ascontiguousarray(image[step * 3 : step * 3 + 400, step * 2 :])
        measurements.append(analyzer.analyze(shifted, step * 33))
    assert [m.at_ms for m in measurements] == [0, 33, 66, 99, 132, 165]
    assert all(m.face_count == 1 and m.quality.ok for m in measurements)
    ears = [m.ear for m in measurements]
    assert max(ears) - min(ears) < 0.05
    analyzer.close()
    analyzer.close()  # idempotent
    # The graphs come back on the next frame.
    assert analyzer.analyze(image, 200).face_count == 1
    analyzer.close()


def test_an_analyzer_belongs_to_one_thread() -> None:
    image = face_photo("grace_hopper", 150)
    analyzer = FaceAnalyzer(static_image_mode=True)
    analyzer.analyze(image, 0)
    errors: list[BaseException] = []

    def other_thread() -> None:
        try:
            analyzer.analyze(image, 1)
        except RuntimeError as error:
            errors.append(error)

    worker = threading.Thread(target=other_thread)
    worker.start()
    worker.join()
    assert len(errors) == 1
    analyzer.close()  # released: another thread may now take it over
    worker = threading.Thread(target=other_thread)
    worker.start()
    worker.join()
    assert len(errors) == 1
    analyzer.close()


def test_rejects_non_bgr_input(analyzer: FaceAnalyzer) -> None:
    with pytest.raises(ValueError, match="BGR"):
        analyzer.analyze(np.zeros((48, 64), np.uint8), 0)
    with pytest.raises(ValueError, match="BGR"):
        analyzer.analyze(np.zeros((48, 64, 3), np.float32), 0)


def drifting_frames(count: int) -> list[np.ndarray]:
    image = face_photo("grace_hopper", 150)
    return [
        np.ascontiguousarray(image[step * 3 : step * 3 + 400, step * 2 :]) for step in range(count)
    ]


def test_between_detections_the_box_follows_the_mesh_close_to_the_detectors_box() -> None:
    """Tracking mode skips the detector on 2 frames of 3: the box it reports then is the
    mesh's, mapped onto the detector's framing, and must stay within 5 % of the face's
    width of what the detector itself says on the same frame (static mode detects every
    frame; the detector's own box jumps by that much between frames 3 px apart)."""
    frames = drifting_frames(9)
    with FaceAnalyzer(detection_interval=3) as tracking, FaceAnalyzer(True) as detecting:
        for step, frame in enumerate(frames):
            tracked, detected = tracking.analyze(frame, step), detecting.analyze(frame, step)
            assert tracked.face_count == detected.face_count == 1
            width = detected.box[2] - detected.box[0]
            offsets = [abs(a - b) for a, b in zip(tracked.box, detected.box, strict=True)]
            assert max(offsets) <= 0.05 * width, (step, tracked.box, detected.box)
            if step % 3 == 0:  # a detection frame: the detector's own box
                assert tracked.box == detected.box
            assert tracked.quality.ok


def test_a_second_face_joining_is_counted_within_the_detection_interval() -> None:
    learner = face_photo("astronaut")
    alone = side_by_side(learner, no_face_photo())
    joined = side_by_side(learner, face_photo("grace_hopper"))
    for interval in (1, 3, 5):
        with FaceAnalyzer(detection_interval=interval) as analyzer:
            counts = [analyzer.analyze(alone, step).face_count for step in range(4)]
            counts += [analyzer.analyze(joined, 4 + step).face_count for step in range(interval)]
        assert counts[:4] == [1, 1, 1, 1], interval
        assert counts[-1] == 2, (interval, counts)


def test_a_face_leaving_is_noticed_on_the_next_frame() -> None:
    frames = drifting_frames(2)
    with FaceAnalyzer(detection_interval=10) as analyzer:
        assert [analyzer.analyze(f, i).face_count for i, f in enumerate(frames)] == [1, 1]
        gone = analyzer.analyze(no_face_photo(), 2)
        assert gone.face_count == 0 and gone.landmarks is None
        assert QualityIssue.NO_FACE in gone.quality.issues


def test_detection_interval_must_be_positive_and_is_one_in_static_mode() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        FaceAnalyzer(detection_interval=0)
    assert FaceAnalyzer(static_image_mode=True, detection_interval=3).detection_interval == 1
