"""The learner's "My records" screen: the Attachment 2 study records, test results and
course progress, printable and savable as PDF (notice Attachment 1 item 三: learners
query their own records and print them).

The page never fetches anything: it asks by emitting `refresh_requested` with the
filter, and a controller answers with `set_data` (or `show_error`). What is printed is
`record_document.record_html` of the data shown, so screen and paper agree.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from app.record_document import (
    DEMO_SHADE,
    attachment2_records,
    column_glosses,
    course_names,
    document_tr,
    narrowed_to_course,
    pending_note,
    print_document,
    progress_headers,
    progress_rows,
    record_html,
    record_page_layout,
    record_totals,
    result_headers,
    result_rows,
    shanghai_midnight_ms,
    shanghai_today,
    shown_id_number,
    totals_lines,
    write_pdf,
)
from qt_binding import (
    QAbstractItemView,
    QCheckBox,
    QColor,
    QComboBox,
    QDate,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLocale,
    QPrintDialog,
    QPrinter,
    QPushButton,
    QStandardPaths,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
    Slot,
)
from records.attachment2 import ATTACHMENT2_COLUMNS
from wire.learner import CourseProgress, CourseTestAttempt, Profile, RecordRow, StudyRecords

log = logging.getLogger(__name__)

# Filter edits (typing a date digit by digit) settle before one request goes out.
FILTER_SETTLE_MS = 300


@dataclass(frozen=True)
class RecordsFilter:
    """The query of GET /api/v1/me/records. `to_ms` is exclusive: the Asia/Shanghai
    midnight after the last day. None means no bound, or every course."""

    from_ms: int | None = None
    to_ms: int | None = None
    course_id: str | None = None

    @classmethod
    def for_days(
        cls, from_day: date | None, to_day: date | None, course_id: str | None
    ) -> RecordsFilter:
        """The sessions from the start of `from_day` to the end of `to_day`, Beijing time."""
        return cls(
            from_ms=shanghai_midnight_ms(from_day) if from_day is not None else None,
            to_ms=shanghai_midnight_ms(to_day + timedelta(days=1)) if to_day is not None else None,
            course_id=course_id or None,
        )


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _day(day: QDate) -> date:
    # The day `QDate.toPython()` gives, which its stubs type only as `object`.
    return date(day.year(), day.month(), day.day())


def _plain_label(parent: QWidget) -> QLabel:
    # Names and course titles come from people: never let QLabel read them as HTML.
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


def _read_only_table(parent: QWidget) -> QTableWidget:
    table = QTableWidget(parent)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.setSortingEnabled(False)  # rows stay in the printed order: by start time
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill_table(
    table: QTableWidget, headers: list[str], rows: Iterable[Iterable[str]]
) -> list[list[QTableWidgetItem]]:
    rows = [list(row) for row in rows]
    table.clear()
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setRowCount(len(rows))
    items = []
    for r, row in enumerate(rows):
        row_items = []
        for c, value in enumerate(row):
            item = QTableWidgetItem(value)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            table.setItem(r, c, item)
            row_items.append(item)
        items.append(row_items)
    table.resizeColumnsToContents()
    return items


class RecordsPage(QWidget):
    """`refresh_requested` carries the `RecordsFilter` the filter widgets describe."""

    refresh_requested = Signal(object)  # RecordsFilter

    def __init__(self, parent: QWidget | None = None, now_ms: Callable[[], int] = _now_ms) -> None:
        super().__init__(parent)
        self._now_ms = now_ms
        self._profile: Profile | None = None
        self._records: list[RecordRow] = []
        self._tests: list[CourseTestAttempt] = []
        self._progress: list[CourseProgress] = []
        self._data_filters = RecordsFilter()
        self._has_data = False
        self._busy = False

        self.heading = QLabel(self)
        font = self.heading.font()
        font.setPointSize(font.pointSize() + 3)
        font.setBold(True)
        self.heading.setFont(font)
        self.learner_label = _plain_label(self)
        self.error_label = _plain_label(self)
        self.error_label.setStyleSheet("color: #b3261e;")
        self.error_label.setVisible(False)
        self.status_label = _plain_label(self)
        self.status_label.setVisible(False)
        self.demo_label = _plain_label(self)
        self.demo_label.setStyleSheet(f"background: {DEMO_SHADE}; color: #7a5b00; padding: 4px;")
        self.demo_label.setVisible(False)
        self.tabs = QTabWidget(self)
        self.print_button = QPushButton(self)
        self.pdf_button = QPushButton(self)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.learner_label)
        layout.addLayout(self._build_filters())
        layout.addWidget(self.error_label)
        layout.addWidget(self.status_label)
        layout.addWidget(self.demo_label)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        self._build_tabs()

        self._connect()
        self.retranslate()

    def _connect(self) -> None:
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(FILTER_SETTLE_MS)
        self._settle.timeout.connect(self.request_refresh)
        self.date_check.toggled.connect(self._on_date_check)
        self.from_edit.dateChanged.connect(self._on_from_changed)
        self.to_edit.dateChanged.connect(self._on_to_changed)
        self.course_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.refresh_button.clicked.connect(self.request_refresh)
        self.print_button.clicked.connect(self._on_print)
        self.pdf_button.clicked.connect(self._on_save_pdf)

    def _build_filters(self) -> QHBoxLayout:
        today = shanghai_today(self._now_ms())
        self.date_check = QCheckBox(self)
        self.from_edit = self._date_edit(QDate(today.year, today.month, 1))
        self.to_label = QLabel(self)
        self.to_edit = self._date_edit(QDate(today.year, today.month, today.day))
        self._enable_dates(False)
        self.course_label = QLabel(self)
        self.course_combo = QComboBox(self)
        self.course_combo.setMinimumContentsLength(16)
        self.course_combo.addItem("", None)
        self.refresh_button = QPushButton(self)
        filters = QHBoxLayout()
        for widget in (self.date_check, self.from_edit, self.to_label, self.to_edit):
            filters.addWidget(widget)
        filters.addSpacing(16)
        filters.addWidget(self.course_label)
        filters.addWidget(self.course_combo, 1)
        filters.addWidget(self.refresh_button)
        return filters

    def _build_tabs(self) -> None:
        records_tab = QWidget(self.tabs)
        self.records_empty = _plain_label(records_tab)
        self.records_table = _read_only_table(records_tab)
        self.records_table.setWordWrap(False)
        self.totals_label = _plain_label(records_tab)
        self.pending_label = _plain_label(records_tab)
        self.pending_label.setStyleSheet("color: #555555;")
        records_layout = QVBoxLayout(records_tab)
        records_layout.addWidget(self.records_empty)
        records_layout.addWidget(self.records_table, 1)
        records_layout.addWidget(self.totals_label)
        records_layout.addWidget(self.pending_label)
        tests_tab = QWidget(self.tabs)
        self.tests_empty = _plain_label(tests_tab)
        self.tests_table = _read_only_table(tests_tab)
        tests_layout = QVBoxLayout(tests_tab)
        tests_layout.addWidget(self.tests_empty)
        tests_layout.addWidget(self.tests_table, 1)
        progress_tab = QWidget(self.tabs)
        self.progress_empty = _plain_label(progress_tab)
        self.progress_table = _read_only_table(progress_tab)
        progress_layout = QVBoxLayout(progress_tab)
        progress_layout.addWidget(self.progress_empty)
        progress_layout.addWidget(self.progress_table, 1)
        for tab in (records_tab, tests_tab, progress_tab):
            self.tabs.addTab(tab, "")

    def _date_edit(self, initial: QDate) -> QDateEdit:
        edit = QDateEdit(initial, self)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")  # the notice's date order in every language
        return edit

    # -- the filter and the request ------------------------------------------------

    def current_filters(self) -> RecordsFilter:
        """The query the filter widgets describe now (what `refresh_requested` carries)."""
        dated = self.date_check.isChecked()
        return RecordsFilter.for_days(
            _day(self.from_edit.date()) if dated else None,
            _day(self.to_edit.date()) if dated else None,
            self.course_combo.currentData() or None,
        )

    @Slot()
    def request_refresh(self) -> None:
        self._settle.stop()
        self.refresh_requested.emit(self.current_filters())

    @Slot()
    def _on_filter_changed(self) -> None:
        self._settle.start()

    def _enable_dates(self, enabled: bool) -> None:
        for widget in (self.from_edit, self.to_label, self.to_edit):
            widget.setEnabled(enabled)

    @Slot(bool)
    def _on_date_check(self, checked: bool) -> None:
        self._enable_dates(checked)
        self._on_filter_changed()

    @Slot(QDate)
    def _on_from_changed(self, day: QDate) -> None:
        if self.to_edit.date() < day:
            self.to_edit.setDate(day)  # emits its own change; one request still goes out
        self._on_filter_changed()

    @Slot(QDate)
    def _on_to_changed(self, day: QDate) -> None:
        if self.from_edit.date() > day:
            self.from_edit.setDate(day)
        self._on_filter_changed()

    # -- the controller's side -------------------------------------------------------

    def set_data(
        self,
        profile: Profile,
        records: StudyRecords,
        tests: list[CourseTestAttempt],
        progress: list[CourseProgress],
        filters: RecordsFilter,
    ) -> None:
        """Show the server's answers. `filters` is the query `records` answers: the
        record printed names it, and tests and progress are narrowed to its course."""
        self._profile = profile
        self._records = attachment2_records(records)
        self._tests = list(tests)
        self._progress = list(progress)
        self._data_filters = filters
        self._has_data = True
        self.error_label.setVisible(False)
        self._refill_courses()
        self._show_data()
        self.set_busy(False)

    def clear(self) -> None:
        """Forget the learner's data (sign-out): nothing of theirs stays on screen or
        can be printed by the next learner."""
        self._profile, self._records, self._tests, self._progress = None, [], [], []
        self._has_data = False
        self.error_label.setVisible(False)
        self._refill_courses()
        self._show_data()
        self.set_busy(False)

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.status_label.setText(self.tr("Loading…") if busy else "")
        self.status_label.setVisible(busy)
        self.refresh_button.setEnabled(not busy)
        self._enable_output()

    def show_error(self, text: str) -> None:
        """A known problem (no network, signed out...), already worded for the learner."""
        self.set_busy(False)
        self.error_label.setText(text)
        self.error_label.setVisible(True)

    # -- output ------------------------------------------------------------------------

    def document_html(self) -> str:
        return record_html(
            self._profile,
            self._records,
            self._tests,
            self._progress,
            self._data_filters,
            self._now_ms(),
            document_tr,
            gloss_columns=self._gloss_columns(),
        )

    def save_pdf(self, path: str | Path) -> None:
        """Write the record shown as a PDF; OSError if the file cannot be written."""
        write_pdf(self.document_html(), path, title=self.tr("Study record"))

    def default_pdf_name(self) -> str:
        today: date = shanghai_today(self._now_ms())
        title = self.tr("Study record")
        return f"{title}-{today:%Y%m%d}.pdf"

    @Slot()
    def _on_save_pdf(self) -> None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the study record as PDF"),
            str(Path(folder) / self.default_pdf_name()),
            self.tr("PDF files (*.pdf)"),
        )
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        try:
            self.save_pdf(path)
        except OSError as error:
            log.warning("the study record PDF could not be written: %s", error)
            self.show_error(
                self.tr("The PDF could not be saved: %1").replace(
                    "%1", error.strerror or str(error)
                )
            )
            return
        self.error_label.setVisible(False)
        self.status_label.setText(self.tr("Saved: %1").replace("%1", path))
        self.status_label.setVisible(True)

    @Slot()
    def _on_print(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageLayout(record_page_layout())
        printer.setDocName(self.tr("Study record"))
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("Print the study record"))
        if not dialog.exec():
            return
        print_document(self.document_html(), printer)
        if printer.printerState() == QPrinter.PrinterState.Error:
            log.warning("printing the study record failed")
            self.show_error(self.tr("Printing failed. Check the printer and try again."))

    # -- showing -------------------------------------------------------------------------

    @staticmethod
    def _gloss_columns() -> bool:
        # The Chinese column names are the official format; other languages get a gloss.
        return not QLocale().name().startswith("zh")

    def _enable_output(self) -> None:
        ready = self._has_data and not self._busy
        self.print_button.setEnabled(ready)
        self.pdf_button.setEnabled(ready)

    def _refill_courses(self) -> None:
        current, current_text = self.course_combo.currentData(), self.course_combo.currentText()
        names = course_names(self._progress, self._records)
        self.course_combo.blockSignals(True)  # a new list is not a new choice
        self.course_combo.clear()
        self.course_combo.addItem(self.tr("All courses"), None)
        for course_id, name in names.items():
            self.course_combo.addItem(name, course_id)
        if current and current not in names:
            self.course_combo.addItem(current_text, current)
        index = self.course_combo.findData(current) if current else 0
        self.course_combo.setCurrentIndex(max(0, index))
        self.course_combo.blockSignals(False)

    def _show_profile(self) -> None:
        profile = self._profile
        if profile is None:
            self.learner_label.setVisible(False)
            return
        self.learner_label.setText(
            self.tr("%1 · %2 %3 · account %4 · %5")
            .replace("%1", profile.name)
            .replace("%2", profile.id_type)
            .replace("%3", shown_id_number(profile.id_number_masked))
            .replace("%4", profile.login_name)
            .replace("%5", profile.institution.name)
        )
        self.learner_label.setVisible(True)

    def _show_records(self) -> None:
        headers = list(ATTACHMENT2_COLUMNS)
        if self._gloss_columns():
            glosses = column_glosses()
            headers = [f"{name}\n{gloss}" for name, gloss in zip(headers, glosses, strict=True)]
        items = _fill_table(self.records_table, headers, (r.columns for r in self._records))
        demo_tip = self.tr("Demo record: not evidence of training.")
        for record, row in zip(self._records, items, strict=True):
            if record.demo:
                for item in row:
                    item.setBackground(QColor(DEMO_SHADE))
                    item.setToolTip(demo_tip)
        has_rows = bool(self._records)
        self.records_table.setVisible(has_rows)
        self.records_empty.setVisible(not has_rows)
        self.records_empty.setText(
            self.tr("No study records for the selected dates and course.")
            if self._has_data
            else self.tr("Click Refresh to load your study records.")
        )
        totals = record_totals(self._records)
        self.totals_label.setText("   ".join(totals_lines(totals)) if has_rows else "")
        self.totals_label.setVisible(has_rows)
        self.pending_label.setText(pending_note())
        self.pending_label.setVisible(totals.pending_ms > 0)
        self.demo_label.setText(
            self.tr(
                "This list contains demo study sessions (shaded). "
                "They are not evidence of training."
            )
        )
        self.demo_label.setVisible(any(r.demo for r in self._records))

    def _show_data(self) -> None:
        self._show_profile()
        self._show_records()
        tests, progress = narrowed_to_course(self._tests, self._progress, self._data_filters)
        names = course_names(self._progress, self._records)
        _fill_table(self.tests_table, result_headers(), result_rows(tests, names))
        self.tests_table.setVisible(bool(tests))
        self.tests_empty.setText(self.tr("No test results."))
        self.tests_empty.setVisible(not tests)
        _fill_table(self.progress_table, progress_headers(), progress_rows(progress))
        self.progress_table.setVisible(bool(progress))
        self.progress_empty.setText(self.tr("No courses."))
        self.progress_empty.setVisible(not progress)
        self._enable_output()

    def retranslate(self) -> None:
        """Call after the language changes (the window calls it, as for the player)."""
        self.heading.setText(self.tr("My study records"))
        self.date_check.setText(self.tr("Only sessions from"))
        self.to_label.setText(self.tr("to"))
        self.course_label.setText(self.tr("Course:"))
        self.course_combo.setItemText(0, self.tr("All courses"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.print_button.setText(self.tr("Print…"))
        self.pdf_button.setText(self.tr("Save as PDF…"))
        self.tabs.setTabText(0, self.tr("Study records"))
        self.tabs.setTabText(1, self.tr("Test results"))
        self.tabs.setTabText(2, self.tr("Course progress"))
        if self._busy:
            self.status_label.setText(self.tr("Loading…"))
        self._show_data()
