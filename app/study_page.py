"""The study view: the locked player, the attendance prompt, and a status line (synced
or waiting, credited today, what is still owed). The controller drives it."""

from __future__ import annotations

from app.courses_page import minutes
from player.facade import LockedPlayer
from player.widget import PlayerView
from qt_binding import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget, Signal


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
        self.back_button.clicked.connect(self.back_requested)
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
