"""The face check dialog: live preview with a face outline, the current action prompt, a
progress bar, and a clear result with its reason (Attachment 1 item 1: the result is
shown to the learner). Every string goes through Qt translation (context
"FaceCheck"); the widget only shows what `FaceCheckService` reports."""

from __future__ import annotations

from qt_binding import (
    QColor,
    QCoreApplication,
    QDialog,
    QEvent,
    QHBoxLayout,
    QImage,
    QLabel,
    QPainter,
    QPen,
    QPixmap,
    QProgressBar,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from verification.check_runner import FaceCheckResult
from verification.landmarks import QualityIssue
from verification.liveness import Action, LivenessState, Phase

translate = QCoreApplication.translate


def action_prompt(action: Action | None, phase: Phase) -> str:
    if phase is Phase.BASELINE or action is None:
        return translate("FaceCheck", "Look straight at the camera and keep still.")
    return {
        Action.BLINK: translate("FaceCheck", "Blink your eyes."),
        Action.TURN_LEFT: translate("FaceCheck", "Slowly turn your head to your left."),
        Action.TURN_RIGHT: translate("FaceCheck", "Slowly turn your head to your right."),
        Action.OPEN_MOUTH: translate("FaceCheck", "Open your mouth."),
        Action.NOD: translate("FaceCheck", "Nod your head."),
    }[action]


def quality_guidance(issues: tuple[QualityIssue, ...]) -> str:
    """What the learner should change, for the first problem of the current frame."""
    if not issues:
        return ""
    return {
        QualityIssue.NO_FACE: translate(
            "FaceCheck", "No face is visible: sit in front of the camera."
        ),
        QualityIssue.MULTIPLE_FACES: translate(
            "FaceCheck", "Only you may be in the picture: ask others to step away."
        ),
        QualityIssue.NO_LANDMARKS: translate(
            "FaceCheck", "Your face cannot be read: face the camera in good light."
        ),
        QualityIssue.FACE_TOO_SMALL: translate("FaceCheck", "Move closer to the camera."),
        QualityIssue.FACE_TOO_LARGE: translate("FaceCheck", "Move back from the camera a little."),
        QualityIssue.FACE_CUT_OFF: translate(
            "FaceCheck", "Move so that your whole face is in the oval."
        ),
        QualityIssue.TOO_DARK: translate(
            "FaceCheck", "It is too dark: turn on a light in front of you."
        ),
        QualityIssue.TOO_BRIGHT: translate(
            "FaceCheck", "It is too bright: avoid a window or lamp shining on the camera."
        ),
        QualityIssue.BLURRY: translate(
            "FaceCheck", "The picture is blurred: keep still and clean the camera lens."
        ),
        QualityIssue.NOT_FRONTAL: translate("FaceCheck", "Look straight at the camera."),
    }[issues[0]]


def failure_text(reason: str | None) -> str:
    texts = {
        "timeout": translate("FaceCheck", "The action was not seen in time. Try again."),
        "no_face": translate("FaceCheck", "No face was found. Sit in front of the camera."),
        "face_lost": translate("FaceCheck", "Your face left the picture. Stay in view."),
        "multiple_faces": translate(
            "FaceCheck", "More than one face is in the picture. Only you may be in view."
        ),
        "too_few_frames": translate(
            "FaceCheck", "The camera delivers too few pictures. Close other programs using it."
        ),
        "static_image": translate(
            "FaceCheck", "No live movement was seen. A photo or a still picture is not accepted."
        ),
        "wrong_action": translate("FaceCheck", "A different movement was made. Follow the prompt."),
        "identity_changed": translate(
            "FaceCheck", "The person changed during the check. The check failed."
        ),
        "face_not_matched": translate(
            "FaceCheck", "Your face does not match the enrolled learner."
        ),
        "face_too_small": translate("FaceCheck", "Move closer to the camera."),
        "no_camera": translate("FaceCheck", "No camera was found. Connect a camera."),
        "camera_busy": translate(
            "FaceCheck", "The camera is in use by another program. Close it and try again."
        ),
        "camera_permission": translate(
            "FaceCheck", "The client may not use the camera. Allow camera access in the settings."
        ),
        "camera_unplugged": translate(
            "FaceCheck", "The camera stopped working. Check its cable and try again."
        ),
        "cancelled": translate("FaceCheck", "The check was cancelled."),
    }
    return texts.get(
        reason or "", translate("FaceCheck", "The face check could not be completed. Try again.")
    )


class FacePreview(QWidget):
    """The camera picture with an oval guide and the detected face's outline."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(480, 360)
        self._pixmap: QPixmap | None = None
        self._box: tuple[int, int, int, int] | None = None
        self._source_size = (640, 480)

    def show_frame(self, image: QImage, box: tuple[int, int, int, int] | None) -> None:
        self._pixmap = QPixmap.fromImage(image)
        self._box = box
        self._source_size = (image.width(), image.height())
        self.update()

    def paintEvent(self, _event: QEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(20, 20, 20))
        if self._pixmap is not None:
            scaled = self._pixmap.scaled(
                self.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            left = (self.width() - scaled.width()) // 2
            top = (self.height() - scaled.height()) // 2
            painter.drawPixmap(left, top, scaled)
            factor = scaled.width() / max(1, self._source_size[0])
            if self._box is not None:
                x1, y1, x2, y2 = self._box
                painter.setPen(QPen(QColor(80, 200, 120), 3))
                painter.drawRect(
                    left + int(x1 * factor),
                    top + int(y1 * factor),
                    int((x2 - x1) * factor),
                    int((y2 - y1) * factor),
                )
        painter.setPen(QPen(QColor(255, 255, 255, 160), 2, Qt.PenStyle.DashLine))
        oval_w, oval_h = self.width() // 3, self.height() // 2
        painter.drawEllipse(
            (self.width() - oval_w) // 2, (self.height() - oval_h) // 2, oval_w, oval_h
        )
        painter.end()


class FaceCheckDialog(QDialog):
    def __init__(self, demo_camera: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("FaceCheck", "Face check"))
        self.setModal(True)
        self.preview = FacePreview(self)
        self.prompt = QLabel(action_prompt(None, Phase.BASELINE), self)
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.prompt.font()
        font.setPointSize(font.pointSize() + 4)
        self.prompt.setFont(font)
        self.guidance = QLabel("", self)
        self.guidance.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.guidance.setStyleSheet("color: #9a6700;")
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.result_label = QLabel("", self)
        self.result_label.setWordWrap(True)
        self.result_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.demo_label = QLabel(
            translate("FaceCheck", "Demo: a simulated camera plays recorded pictures."), self
        )
        self.demo_label.setVisible(demo_camera)
        self.retry_button = QPushButton(translate("FaceCheck", "Try again"), self)
        self.retry_button.setVisible(False)
        self.close_button = QPushButton(translate("FaceCheck", "Close"), self)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.demo_label)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.prompt)
        layout.addWidget(self.guidance)
        layout.addWidget(self.progress)
        layout.addWidget(self.result_label)
        layout.addLayout(buttons)

    def show_progress(
        self,
        image: QImage,
        state: LivenessState,
        box: tuple[int, int, int, int] | None,
        total_actions: int,
        issues: tuple[QualityIssue, ...] = (),
    ) -> None:
        self.preview.show_frame(image, box)
        self.guidance.setText(quality_guidance(issues))
        self.prompt.setText(action_prompt(state.current_action, state.phase))
        done = len(state.actions_done) + (state.progress or 0.0)
        self.progress.setValue(int(100 * min(1.0, done / max(1, total_actions))))

    def show_result(self, result: FaceCheckResult, attempts_left: int) -> None:
        if result.passed:
            self.progress.setValue(100)
            self.result_label.setText(translate("FaceCheck", "Face check passed."))
            self.result_label.setStyleSheet("color: #1b7f3b;")
        else:
            self.result_label.setText(failure_text(result.reason))
            self.result_label.setStyleSheet("color: #b3261e;")
        self.retry_button.setVisible(not result.passed and attempts_left > 0)
