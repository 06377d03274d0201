"""The client's main window: a demo banner when it is one, a notice line, and the pages
(sign-in, courses, study, my records, diagnostics) in one stack; the menus switch pages,
language and learner. The controller (app/learner_app.py) decides what happens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.courses_page import CoursesPage
from app.sign_in_page import SignInPage
from app.study_page import StudyPage
from player.facade import LockedPlayer
from qt_binding import (
    QAction,
    QCloseEvent,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
    Signal,
    Slot,
)

if TYPE_CHECKING:
    # The caller builds these two pages: it imports their modules, not this one.
    from app.diagnostics_page import DiagnosticsPage
    from app.kiosk import KioskGuard
    from app.records_page import RecordsPage

LANGUAGE_NAMES = {"zh_CN": "简体中文", "en": "English"}  # each in its own language


class MainWindow(QMainWindow):
    sign_out_requested = Signal()
    switch_learner_requested = Signal()
    page_requested = Signal(str)
    language_requested = Signal(str)

    def __init__(
        self,
        player: LockedPlayer,
        records_page: RecordsPage,
        diagnostics_page: DiagnosticsPage,
        demo: bool = False,
    ) -> None:
        super().__init__()
        self.player = player
        self.demo = demo
        self.is_signed_in = False
        self.kiosk_guard: KioskGuard | None = None  # set by app.application in kiosk mode
        central = QWidget(self)
        layout = QVBoxLayout(central)
        self.banner = QLabel(central)
        self.banner.setObjectName("demoBanner")
        self.banner.setStyleSheet("background:#fff3cd;color:#7a5b00;padding:4px;")
        self.banner.setWordWrap(True)
        self.banner.setVisible(demo)
        self.notice = QLabel(central)
        self.notice.setObjectName("notice")
        self.notice.setStyleSheet("background:#fdecea;color:#b00020;padding:4px;")
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)
        self.sign_in_page = SignInPage(central)
        self.courses_page = CoursesPage(central)
        self.study_page = StudyPage(player, central)
        self.records_page = records_page
        self.diagnostics_page = diagnostics_page
        self.pages = QStackedWidget(central)
        self._page_index: dict[str, int] = {}
        for name, page in (
            ("sign_in", self.sign_in_page),
            ("courses", self.courses_page),
            ("study", self.study_page),
            ("records", records_page),
            ("diagnostics", diagnostics_page),
        ):
            self._page_index[name] = self.pages.addWidget(page)
        layout.addWidget(self.banner)
        layout.addWidget(self.notice)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self._build_menus()
        self.sync_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.sync_label)
        player.course_opened.connect(self._update_title)
        player.course_closed.connect(self._update_title)
        self.study_page.player_view.watch_window(self)
        self.resize(1024, 700)
        self.signed_in(False)
        self.retranslate()

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.study_menu = bar.addMenu("")
        self.courses_action = QAction(self)
        self.courses_action.triggered.connect(lambda: self._request_page("courses"))
        self.records_action = QAction(self)
        self.records_action.triggered.connect(lambda: self._request_page("records"))
        self.study_menu.addAction(self.courses_action)
        self.study_menu.addAction(self.records_action)
        self.account_menu = bar.addMenu("")
        self.switch_action = QAction(self)
        self.switch_action.triggered.connect(self.switch_learner_requested)
        self.sign_out_action = QAction(self)
        self.sign_out_action.triggered.connect(self.sign_out_requested)
        self.account_menu.addAction(self.switch_action)
        self.account_menu.addAction(self.sign_out_action)
        self.settings_menu = bar.addMenu("")
        self.language_menu = self.settings_menu.addMenu("")
        self.language_actions: dict[str, QAction] = {}
        for code, name in LANGUAGE_NAMES.items():
            action = QAction(name, self)
            action.triggered.connect(lambda _c=False, code=code: self.language_requested.emit(code))
            self.language_menu.addAction(action)
            self.language_actions[code] = action
        self.diagnostics_action = QAction(self)
        self.diagnostics_action.triggered.connect(lambda: self._request_page("diagnostics"))
        self.settings_menu.addAction(self.diagnostics_action)

    def retranslate(self) -> None:
        self.banner.setText(
            self.tr(
                "Demo: a platform with a demo learner and generated courses runs inside this program, and the camera is simulated (an animated photo). Records made here are marked as demo."  # noqa: E501
            )
        )
        self.study_menu.setTitle(self.tr("&Study"))
        self.courses_action.setText(self.tr("My courses"))
        self.records_action.setText(self.tr("My records"))
        self.account_menu.setTitle(self.tr("&Account"))
        self.switch_action.setText(self.tr("Switch learner"))
        self.sign_out_action.setText(self.tr("Sign out"))
        self.settings_menu.setTitle(self.tr("S&ettings"))
        self.language_menu.setTitle(self.tr("Language"))
        self.diagnostics_action.setText(self.tr("Diagnostics"))
        if self.kiosk_guard is not None:
            self.kiosk_guard.retranslate()
        for page in (
            self.sign_in_page,
            self.courses_page,
            self.study_page,
            self.records_page,
            self.diagnostics_page,
        ):
            page.retranslate()
        self._update_title()

    def show_page(self, name: str) -> None:
        self.pages.setCurrentIndex(self._page_index[name])

    def current_page(self) -> str:
        index = self.pages.currentIndex()
        return next(name for name, i in self._page_index.items() if i == index)

    def _request_page(self, name: str) -> None:
        if self.study_page is self.pages.currentWidget() and self.player.course is not None:
            self.show_notice(self.tr("Close the course first."))
            return
        self.show_page(name)
        self.page_requested.emit(name)

    def signed_in(self, signed_in: bool) -> None:
        self.is_signed_in = signed_in
        for action in (
            self.courses_action,
            self.records_action,
            self.switch_action,
            self.sign_out_action,
        ):
            action.setEnabled(signed_in)
        if not signed_in:
            self.show_page("sign_in")

    def set_sync_status(self, pending: int, online: bool) -> None:
        if not online:
            text = self.tr("Offline · %1 waiting").replace("%1", str(pending))
        elif pending:
            text = self.tr("%1 waiting to upload").replace("%1", str(pending))
        else:
            text = self.tr("Synced")
        self.sync_label.setText(text)

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

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
