"""The player's widgets: a video surface that ignores input, a read-only progress strip,
and the three controls the learner is allowed (play/pause, volume, full screen).

Nothing here seeks or changes speed, and nothing here calls libVLC: widgets talk to the
`LockedPlayer` facade only.
"""

from __future__ import annotations

from player.events import PauseReason
from player.facade import LockedPlayer
from player.messages import media_problem_text, pause_reason_text, refusal_text
from qt_binding import (
    QColor,
    QEvent,
    QHBoxLayout,
    QKeyEvent,
    QLabel,
    QObject,
    QPainter,
    QPushButton,
    QSizePolicy,
    QSlider,
    Qt,
    QVBoxLayout,
    QWidget,
    Slot,
)

# Keys that media players conventionally map to seeking or speed; the player window
# swallows them before any widget (a focused slider, say) could act on them.
SEEK_KEYS = frozenset(
    {
        Qt.Key.Key_Left,
        Qt.Key.Key_Right,
        Qt.Key.Key_Up,
        Qt.Key.Key_Down,
        Qt.Key.Key_PageUp,
        Qt.Key.Key_PageDown,
        Qt.Key.Key_Home,
        Qt.Key.Key_End,
        Qt.Key.Key_MediaNext,
        Qt.Key.Key_MediaPrevious,
        Qt.Key.Key_Forward,
        Qt.Key.Key_Back,
        Qt.Key.Key_AudioForward,
        Qt.Key.Key_AudioRewind,
        Qt.Key.Key_Plus,
        Qt.Key.Key_Minus,
        Qt.Key.Key_BracketLeft,
        Qt.Key.Key_BracketRight,
        Qt.Key.Key_Equal,
    }
)
_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
    }
)


HOLDS_BY_WEIGHT = (
    PauseReason.STORE_FAILED,
    PauseReason.STUDY_STOPPED,
    PauseReason.FACE_CHECK,
    PauseReason.PROMPT_MISSED,
)


def format_ms(ms: int) -> str:
    seconds = max(0, ms) // 1000
    hours, rest = divmod(seconds, 3600)
    if hours:
        return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return f"{rest // 60:02d}:{rest % 60:02d}"


class VideoSurface(QWidget):
    """A native child window libVLC draws into. Every click, drag, wheel and key on it
    is consumed, so neither Qt nor VLC can turn one into a seek."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_NativeWindow)
        self.setAttribute(Qt.WidgetAttribute.WA_DontCreateNativeAncestors)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(self.backgroundRole(), QColor(0, 0, 0))
        self.setPalette(palette)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMinimumSize(320, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def event(self, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS:
            event.accept()
            return True
        return super().event(event)


class ProgressStrip(QWidget):
    """Shows the position and the furthest point reached. Read-only: it takes no focus
    and has no mouse handling, so clicking, dragging or scrolling on it does nothing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFixedHeight(10)
        self.position_ms = 0
        self.furthest_ms = 0
        self.duration_ms = 0

    def set_progress(self, position_ms: int, furthest_ms: int, duration_ms: int) -> None:
        self.position_ms, self.furthest_ms, self.duration_ms = position_ms, furthest_ms, duration_ms
        self.update()

    def event(self, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS:
            event.accept()
            return True
        return super().event(event)

    def paintEvent(self, _event: QEvent) -> None:
        painter = QPainter(self)
        rect = self.rect()
        painter.fillRect(rect, QColor(60, 60, 60))
        if self.duration_ms > 0:
            width = rect.width()
            furthest = int(width * min(1.0, self.furthest_ms / self.duration_ms))
            position = int(width * min(1.0, self.position_ms / self.duration_ms))
            painter.fillRect(0, 0, furthest, rect.height(), QColor(110, 110, 150))
            painter.fillRect(0, 0, position, rect.height(), QColor(64, 158, 255))
        painter.end()


class PlayerView(QWidget):
    """The course player as the learner sees it."""

    def __init__(self, player: LockedPlayer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.player = player
        self.surface = VideoSurface(self)
        self.progress = ProgressStrip(self)
        self.time_label = QLabel("00:00 / 00:00", self)
        self.play_button = QPushButton(self)
        self.play_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.volume = QSlider(Qt.Orientation.Horizontal, self)
        self.volume.setRange(0, 100)
        self.volume.setValue(80)
        self.volume.setFixedWidth(120)
        self.volume.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.fullscreen_button = QPushButton(self)
        self.fullscreen_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setObjectName("playerMessage")
        self.message.setMinimumHeight(self.fontMetrics().height() * 2 + 8)

        controls = QHBoxLayout()
        controls.addWidget(self.play_button)
        controls.addWidget(self.time_label)
        controls.addStretch(1)
        self.volume_label = QLabel(self)
        controls.addWidget(self.volume_label)
        controls.addWidget(self.volume)
        controls.addWidget(self.fullscreen_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.surface, 1)
        layout.addWidget(self.progress)
        layout.addLayout(controls)
        layout.addWidget(self.message)

        self.play_button.clicked.connect(player.toggle)
        self.volume.valueChanged.connect(player.set_volume)
        player.set_volume(self.volume.value())  # VLC starts at 100: match the slider
        self.fullscreen_button.clicked.connect(self.toggle_fullscreen)
        player.position_changed.connect(self._on_position)
        player.state_changed.connect(self._on_state)
        player.media_error.connect(self._on_media_error)
        player.refused.connect(self._on_refused)
        player.set_video_window(int(self.surface.winId()))
        self.retranslate()

    def retranslate(self) -> None:
        self._on_state(self.player.state)
        self.volume_label.setText(self.tr("Volume"))
        self.fullscreen_button.setText(self.tr("Full screen"))

    def watch_window(self, window: QWidget) -> None:
        """Pause when this top-level window is minimised, hidden or deactivated."""
        self.player.attention.watch(window)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        shortcut_or_key = (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride)
        if isinstance(event, QKeyEvent) and event.type() in shortcut_or_key:
            if event.key() in SEEK_KEYS:
                event.accept()
                return True
            if event.key() == Qt.Key.Key_Escape and self.window().isFullScreen():
                self.toggle_fullscreen()
                return True
        return False

    @Slot()
    def toggle_fullscreen(self) -> None:
        window = self.window()
        if window.isFullScreen():
            window.showNormal()
        else:
            window.showFullScreen()

    @Slot(int, int, int)
    def _on_position(self, position: int, furthest: int, duration: int) -> None:
        self.progress.set_progress(position, furthest, duration)
        self.time_label.setText(f"{format_ms(position)} / {format_ms(duration)}")

    @Slot(str)
    def _on_state(self, state: str) -> None:
        playing = state == "playing"
        self.play_button.setText(self.tr("Pause") if playing else self.tr("Play"))
        self.play_button.setEnabled(state in ("playing", "paused"))
        if state == "checking":
            self.message.setText(self.tr("Checking the course file…"))
        elif state == "paused" and self.player.last_pause_reason is not None:
            self.message.setText(pause_reason_text(self.player.last_pause_reason))
        elif state == "ended":
            self.message.setText(self.tr("You have reached the end of this course video."))
        elif playing:
            self.message.clear()

    @Slot(str, str)
    def _on_media_error(self, problem: str, _detail: str) -> None:
        # The detail is for the log, not for the learner.
        self.message.setText(media_problem_text(problem))

    @Slot(str)
    def _on_refused(self, reason: str) -> None:
        holds = self.player.holds
        if reason == "on_hold" and holds:
            # Why it is held, not only that it is: the most serious hold first.
            held = next((hold for hold in HOLDS_BY_WEIGHT if hold in holds), next(iter(holds)))
            self.message.setText(pause_reason_text(held))
        else:
            self.message.setText(refusal_text(reason))
