"""The pinned dependency set works together: each heavy library loads its real models."""

from __future__ import annotations

import numpy as np


def test_mediapipe_face_models_load_and_run() -> None:
    import mediapipe as mp

    frame = np.zeros((240, 320, 3), np.uint8)
    with mp.solutions.face_detection.FaceDetection(model_selection=1) as detector:
        assert detector.process(frame).detections is None  # no face in a black frame
    with mp.solutions.face_mesh.FaceMesh(refine_landmarks=True) as mesh:
        assert mesh.process(frame).multi_face_landmarks is None


def test_dlib_face_embedding_model_loads() -> None:
    import dlib
    import face_recognition_models

    dlib.face_recognition_model_v1(face_recognition_models.face_recognition_model_location())
    dlib.shape_predictor(face_recognition_models.pose_predictor_five_point_model_location())


def test_opencv_is_the_headless_build_with_video_io() -> None:
    import cv2

    assert cv2.__version__.startswith("4.11")
    assert "QT" not in cv2.getBuildInformation().split("GUI:")[1].split("\n")[1].upper()


def test_sqlcipher_encrypts(tmp_path) -> None:
    from sqlcipher3 import dbapi2

    path = tmp_path / "x.db"
    db = dbapi2.connect(str(path))
    db.execute("PRAGMA key = 'secret'")
    db.execute("CREATE TABLE t (v TEXT)")
    db.execute("INSERT INTO t VALUES ('plaintext-marker')")
    db.commit()
    db.close()
    assert b"plaintext-marker" not in path.read_bytes()
    assert b"SQLite format 3" not in path.read_bytes()
