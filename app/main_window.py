"""The client's main window for now: a demo banner, the course menu and the player."""

from __future__ import annotations

from player.facade import LockedPlayer
from player.media_check import CourseMedia
from player.widget import PlayerView
from qt_binding import QAction, QCloseEvent, QLabel, QMainWindow, QVBoxLayout, QWidget, Slot


class MainWindow(QMainWindow):
    def __init__(
        self, player: LockedPlayer, courses: list[CourseMedia], demo: bool = False
    ) -> None:
        super().__init__()
        self.player = player
        self.courses = courses
        self.demo = demo
        central = QWidget(self)
        layout = QVBoxLayout(central)
        self.banner = QLabel(central)
        self.banner.setObjectName("demoBanner")
        self.banner.setStyleSheet("background:#fff3cd;color:#7a5b00;padding:4px;")
        self.banner.setVisible(demo)
        layout.addWidget(self.banner)
        self.player_view = PlayerView(player, central)
        layout.addWidget(self.player_view, 1)
        self.setCentralWidget(central)
        self.course_menu = self.menuBar().addMenu("")
        self.course_actions: list[QAction] = []
        for course in courses:
            action = QAction(self)
            action.triggered.connect(lambda _checked=False, c=course: self.open_course(c))
            self.course_menu.addAction(action)
            self.course_actions.append(action)
        self.close_action = QAction(self)
        self.close_action.triggered.connect(player.close_course)
        self.course_menu.addSeparator()
        self.course_menu.addAction(self.close_action)
        player.course_opened.connect(self._on_course_opened)
        player.course_closed.connect(self._update_title)
        self.player_view.watch_window(self)
        self.resize(960, 640)
        self.retranslate()

    def retranslate(self) -> None:
        self.banner.setText(
            self.tr("Demo mode: generated demo courses; records made here are marked as demo.")
        )
        self.course_menu.setTitle(self.tr("&Courses"))
        for action, course in zip(self.course_actions, self.courses, strict=True):
            action.setText(self.tr("Open: %1").replace("%1", course.title))
        self.close_action.setText(self.tr("Close the current course"))
        self.player_view.retranslate()
        self._update_title()

    def open_course(self, course: CourseMedia) -> bool:
        return self.player.open_course(course)

    @Slot(str)
    def _on_course_opened(self, _course_id: str) -> None:
        self._update_title()

    @Slot()
    @Slot(str)
    def _update_title(self, *_args: object) -> None:
        title = self.tr("Vocational Training Client")
        course = self.player.course
        if course is not None:
            title = f"{course.title} - {title}"
        self.setWindowTitle(title)

    @Slot()
    def bring_to_front(self) -> None:
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.player.close_course()
        super().closeEvent(event)
