"""The learner's courses: progress, today's credited time against the daily cap, test
status, and why a course cannot be opened. Data comes from the server through the
controller; this page only shows it and emits what the learner asks for."""

from __future__ import annotations

from typing import Protocol

from qt_binding import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from wire.learner import CourseListing, DayTotals


def minutes(ms: int) -> str:
    # Rounded down, like the record: the screen never shows more than was credited.
    return f"{(ms // 6000) / 10:.1f}"


class _CourseSignal(Protocol):
    """A signal that carries the course the learner chose."""

    def emit(self, course: CourseListing, /) -> None: ...


class CoursesPage(QWidget):
    open_requested = Signal(object)  # the CourseListing chosen
    test_requested = Signal(object)  # the CourseListing chosen
    rate_requested = Signal(object)  # the CourseListing chosen
    refresh_requested = Signal()

    COLUMNS = 6

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("coursesPage")
        self.courses: list[CourseListing] = []
        self.today: DayTotals | None = None
        self.greeting = QLabel(self)
        self.greeting.setObjectName("greeting")
        self.greeting.setStyleSheet("font-size:16px;font-weight:bold;")
        self.today_label = QLabel(self)
        self.today_label.setObjectName("todayLabel")
        self.today_bar = QProgressBar(self)
        self.today_bar.setObjectName("todayBar")
        self.table = QTableWidget(0, self.COLUMNS, self)
        self.table.setObjectName("courseTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.reason = QLabel(self)
        self.reason.setObjectName("courseReason")
        self.reason.setWordWrap(True)
        self.reason.setStyleSheet("color:#b00020;")
        self.open_button = QPushButton(self)
        self.open_button.setObjectName("openCourse")
        self.test_button = QPushButton(self)
        self.test_button.setObjectName("takeTest")
        self.rate_button = QPushButton(self)
        self.rate_button.setObjectName("rateCourse")
        self.refresh_button = QPushButton(self)
        buttons = QHBoxLayout()
        for button in (self.open_button, self.test_button, self.rate_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.greeting)
        layout.addWidget(self.today_label)
        layout.addWidget(self.today_bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.reason)
        layout.addLayout(buttons)
        self.open_button.clicked.connect(lambda: self._emit_selected(self.open_requested))
        self.test_button.clicked.connect(lambda: self._emit_selected(self.test_requested))
        self.rate_button.clicked.connect(lambda: self._emit_selected(self.rate_requested))
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.cellDoubleClicked.connect(lambda *_: self._emit_selected(self.open_requested))
        self._profile_name = ""
        self.retranslate()

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Course"),
                self.tr("Length (min)"),
                self.tr("Studied (min)"),
                self.tr("Test"),
                self.tr("Teacher"),
                self.tr("Rating"),
            ]
        )
        self.open_button.setText(self.tr("Start studying"))
        self.test_button.setText(self.tr("Take the course test"))
        self.rate_button.setText(self.tr("Rate this course"))
        self.refresh_button.setText(self.tr("Refresh"))
        self._show_greeting()
        self._show_today()
        self._fill()

    def set_learner(self, name: str) -> None:
        self._profile_name = name
        self._show_greeting()

    def set_courses(self, courses: list[CourseListing]) -> None:
        selected = self.selected_course()
        self.courses = list(courses)
        self._fill()
        if selected is not None:
            for row, course in enumerate(self.courses):
                if course.id == selected.id:
                    self.table.selectRow(row)
        elif self.courses:
            self.table.selectRow(0)
        self._update_buttons()

    def clear(self) -> None:
        """Forget the learner's courses and figures (sign-out)."""
        self._profile_name = ""
        self.today = None
        self.reason.setText("")
        self.set_courses([])
        self._show_greeting()
        self._show_today()

    def set_today(self, totals: DayTotals) -> None:
        self.today = totals
        self._show_today()
        self._update_buttons()

    def cap_reached(self) -> bool:
        today = self.today
        if today is None:
            return False
        return today.effective_ms >= today.daily_cap_ms

    def show_reason(self, text: str) -> None:
        self.reason.setText(text)

    def selected_course(self) -> CourseListing | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.courses):
            return None
        return self.courses[rows[0].row()]

    def select_course(self, course_id: str) -> None:
        for row, course in enumerate(self.courses):
            if course.id == course_id:
                self.table.selectRow(row)

    def _emit_selected(self, signal: _CourseSignal) -> None:
        course = self.selected_course()
        if course is not None:
            signal.emit(course)

    def _show_greeting(self) -> None:
        self.greeting.setText(
            self.tr("Welcome, %1").replace("%1", self._profile_name)
            if self._profile_name
            else self.tr("My courses")
        )

    def _show_today(self) -> None:
        today = self.today
        if today is None:
            self.today_label.setText(self.tr("Credited today: –"))
            self.today_bar.setValue(0)
            return
        cap = max(1, today.daily_cap_ms)
        self.today_bar.setMaximum(cap // 1000)
        self.today_bar.setValue(min(cap, today.effective_ms) // 1000)
        self.today_bar.setFormat(f"{minutes(today.effective_ms)} / {minutes(cap)}")
        text = (
            self.tr("Credited today: %1 of %2 min (the daily limit); %3 min pending a course test.")
            .replace("%1", minutes(today.effective_ms))
            .replace("%2", minutes(cap))
            .replace("%3", minutes(today.pending_ms))
        )
        if self.cap_reached():
            text += " " + self.tr("Today's limit is reached: study more tomorrow.")
        self.today_label.setText(text)

    def _test_text(self, course: CourseListing) -> str:
        if not course.requires_test:
            return self.tr("No test")
        if course.test_passed:
            return self.tr("Passed")
        return self.tr("Not passed yet")

    def _rating_text(self, course: CourseListing) -> str:
        rating = course.rating
        if not rating.count or rating.overall is None:
            return self.tr("Not rated")
        return f"{rating.overall:.1f} ({rating.count})"

    def _fill(self) -> None:
        self.table.setRowCount(len(self.courses))
        for row, course in enumerate(self.courses):
            values = [
                course.name,
                minutes(course.duration_ms),
                minutes(min(course.studied_ms, course.duration_ms)),
                self._test_text(course),
                course.teacher,
                self._rating_text(course),
            ]
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))

    def _update_buttons(self) -> None:
        course = self.selected_course()
        self.open_button.setEnabled(course is not None and not self.cap_reached())
        self.test_button.setEnabled(course is not None and course.requires_test)
        self.rate_button.setEnabled(course is not None and course.studied_ms > 0)
        if course is not None and self.cap_reached():
            self.reason.setText(
                self.tr(
                    "Today's limit of credited study time is reached: courses open again tomorrow."
                )
            )
