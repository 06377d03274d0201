"""The study view: the locked player, the attendance prompt, and a status line (synced
or waiting, credited today, what is still owed). The controller drives it.

Keys as in every player: Space (and the keyboard's play/pause keys) pauses and plays
wherever the focus is on the page, through the play button itself (so through the same
guard, and never a seek); closing the course asks first, so no stray key loses it."""

from __future__ import annotations

from app.courses_page import minutes
from player.facade import LockedPlayer
from player.widget import PlayerView
from qt_binding import (
    QApplication,
    QEvent,
    QHBoxLayout,
    QHideEvent,
    QKeyEvent,
    QLabel,
    QMessageBox,
    QObject,
    QPushButton,
    QShowEvent,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

PLAY_PAUSE_KEYS = frozenset(
    {
        Qt.Key.Key_Space,
        Qt.Key.Key_MediaTogglePlayPause,
        Qt.Key.Key_MediaPlay,
        Qt.Key.Key_MediaPause,
    }
)


class StudyPage(QWidget):
    prompt_answered = Signal()
    back_requested = Signal()

    def __init__(self, player: LockedPlayer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("studyPage")
        self.course_title = QLabel(self)
        self.course_title.setObjectName("studyCourseTitle")
        self.course_title.setStyleSheet("font-size:16px;font-weight:bold;")
        self.back_button = QPushButton(self)
        self.back_button.setObjectName("backToCourses")
        header = QHBoxLayout()
        header.addWidget(self.course_title, 1)
        header.addWidget(self.back_button)

        self.prompt_box = QWidget(self)
        self.prompt_box.setObjectName("promptBox")
        self.prompt_box.setStyleSheet("background:#e3f2fd;")
        self.prompt_text = QLabel(self.prompt_box)
        self.prompt_text.setObjectName("promptText")
        self.prompt_text.setWordWrap(True)
        self.prompt_button = QPushButton(self.prompt_box)
        self.prompt_button.setObjectName("promptAnswer")
        prompt_row = QHBoxLayout(self.prompt_box)
        prompt_row.addWidget(self.prompt_text, 1)
        prompt_row.addWidget(self.prompt_button)
        self.prompt_box.setVisible(False)

        self.player_view = PlayerView(player, self)
        self.status_line = QLabel(self)
        self.status_line.setObjectName("studyStatus")
        self.status_line.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.prompt_box)
        layout.addWidget(self.player_view, 1)
        layout.addWidget(self.status_line)
        self.prompt_button.clicked.connect(self.prompt_answered)
        self.back_button.clicked.connect(self._ask_to_close)
        self.close_box: QMessageBox | None = None  # the confirmation, while it is open
        self._sync_text = ""
        self._today_text = ""
        self._owed_text = ""
        self._missed = False
        self._answer_left_s = 0
        self.retranslate()

    def retranslate(self) -> None:
        self.back_button.setText(self.tr("Close the course"))
        self.player_view.retranslate()
        self._show_prompt_text()
        self._show_status()

    def set_course(self, name: str) -> None:
        self.course_title.setText(name)

    # -- keys and closing --------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # On the application: a key goes to the focused widget (a button would take
        # Space as a click), and only an application filter sees it first.
        app = QApplication.instance()
        assert app is not None  # a widget exists only while the application does
        app.installEventFilter(self)

    def hideEvent(self, event: QHideEvent) -> None:
        app = QApplication.instance()
        assert app is not None
        app.removeEventFilter(self)
        super().hideEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Both types arrive as QKeyEvent: the isinstance only tells the type checker so.
        key_types = (QEvent.Type.KeyPress, QEvent.Type.KeyRelease)
        if event.type() not in key_types or not isinstance(event, QKeyEvent):
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self.window():
            return False  # a dialog's keys are the dialog's
        plain = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        if event.key() not in PLAY_PAUSE_KEYS or event.modifiers() not in plain:
            return False
        if event.type() == QEvent.Type.KeyPress and not event.isAutoRepeat():
            self.player_view.play_button.click()  # disabled while no course plays or pauses
        return True

    def _ask_to_close(self) -> None:
        player = self.player_view.player
        if player.course is None or player.state == "ended":
            self.back_requested.emit()  # nothing to lose
            return
        if self.close_box is not None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Close the course"),
            self.tr(
                "Close this course? Your place is saved, and it continues from here next time."
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Close the course"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("Keep studying"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setEscapeButton(QMessageBox.StandardButton.No)
        box.finished.connect(self._close_answered)
        self.close_box = box
        box.open()

    def _close_answered(self, result: int) -> None:
        box, self.close_box = self.close_box, None
        if box is not None:
            box.deleteLater()
        if result == QMessageBox.StandardButton.Yes.value:
            self.back_requested.emit()

    # -- the attendance prompt -------------------------------------------------------

    def show_prompt(self, answer_left_s: int) -> None:
        self._missed = False
        self._answer_left_s = answer_left_s
        self.prompt_box.setStyleSheet("background:#e3f2fd;")
        self.prompt_box.setVisible(True)
        self._show_prompt_text()

    def show_prompt_missed(self) -> None:
        self._missed = True
        self.prompt_box.setStyleSheet("background:#fdecea;")
        self.prompt_box.setVisible(True)
        self._show_prompt_text()

    def hide_prompt(self) -> None:
        self.prompt_box.setVisible(False)

    def _show_prompt_text(self) -> None:
        if self._missed:
            self.prompt_text.setText(
                self.tr(
                    "You did not answer in time: playback paused and the time since your last answer is not counted."  # noqa: E501
                )
            )
            self.prompt_button.setText(self.tr("I am back"))
        else:
            self.prompt_text.setText(
                self.tr("Are you still studying? Answer within %1 s.").replace(
                    "%1", str(self._answer_left_s)
                )
            )
            self.prompt_button.setText(self.tr("Yes, I am here"))

    # -- the status line -------------------------------------------------------------

    def set_sync_status(self, pending: int, online: bool) -> None:
        if not online:
            self._sync_text = self.tr("Offline: %1 records waiting to upload").replace(
                "%1", str(pending)
            )
        elif pending:
            self._sync_text = self.tr("Uploading: %1 records waiting").replace("%1", str(pending))
        else:
            self._sync_text = self.tr("All records uploaded")
        self._show_status()

    def set_today(self, effective_ms: int, cap_ms: int, pending_ms: int) -> None:
        self._today_text = (
            self.tr("Credited today %1 of %2 min")
            .replace("%1", minutes(effective_ms))
            .replace("%2", minutes(cap_ms))
        )
        self._owed_text = (
            self.tr("%1 min waits for the course test to be passed").replace(
                "%1", minutes(pending_ms)
            )
            if pending_ms
            else ""
        )
        self._show_status()

    def _show_status(self) -> None:
        parts = [p for p in (self._sync_text, self._today_text, self._owed_text) if p]
        self.status_line.setText(" · ".join(parts))
