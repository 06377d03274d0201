"""The diagnostics page for support, and the service that collects its report off the GUI
thread.

The page never probes anything itself: "Run again" only emits `refresh_requested`;
`DiagnosticsService` runs `app.diagnostics.collect` on a daemon thread (a probe may wait
seconds for a silent server) and hands the report back with `ready` on the GUI thread.
`wire(page, service)` makes the three connections. Every visible string goes through
Qt translation (context "DiagnosticsPage"); the English texts of the plain-text export
come from `app.diagnostics` and are translated here by the same sources.
"""

from __future__ import annotations

import importlib.metadata
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from app.diagnostics import DiagnosticsReport, collect, report_text
from qt_binding import (
    QAbstractItemView,
    QColor,
    QCoreApplication,
    QEvent,
    QFileDialog,
    QGuiApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLibraryInfo,
    QObject,
    QProgressBar,
    QPushButton,
    QStandardPaths,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
    Slot,
)
from qt_binding.gui_thread import GuiHandoff

log = logging.getLogger(__name__)

CONTEXT = "DiagnosticsPage"  # what self.tr() uses in DiagnosticsPage, and lupdate too
# Under another name than `translate`, so lupdate does not look for a literal in it.
_translate_variable = QCoreApplication.translate

STATUS_COLOURS = {"ok": "#1b7f3b", "warning": "#9a6700", "error": "#b3261e"}
STATUS_MARKS = {"ok": "✔", "warning": "▲", "error": "✖"}  # not colour alone


def qt_version_text() -> str:
    """ "Qt 6.x.y, PySide6 6.x.y", for `collect(qt_version=...)` (which knows no Qt)."""
    try:
        pyside = importlib.metadata.version("PySide6-Essentials")
    except importlib.metadata.PackageNotFoundError:  # a frozen bundle without metadata
        pyside = "unknown"
    return f"Qt {QLibraryInfo.version().toString()}, PySide6 {pyside}"


class DiagnosticsPage(QWidget):
    """A table of the report's items (label, coloured status, value), the collection
    time, and Run again / Copy / Save as text…."""

    refresh_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._report: DiagnosticsReport | None = None
        self._busy = False
        self.title = QLabel(self)
        font = self.title.font()
        font.setPointSize(font.pointSize() + 3)
        font.setBold(True)
        self.title.setFont(font)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.collected = QLabel(self)
        self.table = QTableWidget(0, 3, self)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.busy_bar = QProgressBar(self)
        self.busy_bar.setRange(0, 0)  # indeterminate: the probes report all at once
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setVisible(False)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.run_button = QPushButton(self)
        self.run_button.clicked.connect(self.refresh_requested)
        self.copy_button = QPushButton(self)
        self.copy_button.clicked.connect(self.copy_text)
        self.save_button = QPushButton(self)
        self.save_button.clicked.connect(self._choose_file_and_save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addStretch(1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.note)
        layout.addWidget(self.collected)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.retranslate()

    # -- texts (literal sources, so that lupdate finds every one of them)

    def label_text(self, key: str) -> str:
        return {
            "client_version": self.tr("Client version"),
            "python": self.tr("Python"),
            "qt": self.tr("Qt / PySide6"),
            "os": self.tr("Operating system"),
            "disk_space": self.tr("Free space in the data folder"),
            "cameras": self.tr("Cameras"),
            "libvlc": self.tr("Video player (libVLC)"),
            "server": self.tr("Platform server"),
            "clock_skew": self.tr("Clock difference to the server"),
            "key_store": self.tr("Key store"),
            "pending_uploads": self.tr("Records waiting for upload"),
            "last_sync": self.tr("Last synchronisation (UTC)"),
        }.get(key, key)

    def status_text(self, status: str) -> str:
        return {
            "ok": self.tr("OK"),
            "warning": self.tr("Warning"),
            "error": self.tr("Error"),
        }.get(status, status)

    def code_text(self, code: str | None) -> str:
        if code is None:
            return ""
        texts = {
            "no_camera": self.tr("No camera was found."),
            "virtual_camera": self.tr("A virtual (software) camera was found."),
            "camera_error": self.tr("The cameras could not be listed."),
            "libvlc_unavailable": self.tr(
                "libVLC is not available: reinstall the client with its VLC components."
            ),
            "not_configured": self.tr("No server address is set up."),
            "network_down": self.tr(
                "The server cannot be reached (network down or connection refused)."
            ),
            "dns_failure": self.tr("The server's name could not be resolved."),
            "tls_failure": self.tr(
                "The secure connection to the server failed (certificate or TLS)."
            ),
            "tls_pin_mismatch": self.tr("The server's key is not the pinned one."),
            "timeout": self.tr("No answer in time."),
            "malformed_response": self.tr("The server's answer is not valid."),
            "server_refused": self.tr("The server refused the request."),
            "server_error": self.tr("The server reported an error."),
            "server_unhealthy": self.tr("The server answered but is not healthy."),
            "invalid_connection_settings": self.tr("The connection settings are not valid."),
            "insecure_server_address": self.tr(
                "The server address is not secure (https is required)."
            ),
            "sync_failed": self.tr("Talking to the server failed."),
            "not_measured": self.tr("Not measured: the server was not reached."),
            "no_server_time": self.tr("The server did not send its time."),
            "clock_skew": self.tr(
                "The computer's clock is too far from the server's: study time is not counted."
            ),
            "no_key_store": self.tr("No secure key store is available."),
            "key_store_locked": self.tr("The key store is locked."),
            "key_store_failed": self.tr("The key store did not answer."),
            "machine_key_missing": self.tr("This lab PC's key file is missing."),
            "machine_key_denied": self.tr("This account may not read the lab PC's key file."),
            "machine_key_unsafe": self.tr("The lab PC's key file is not protected."),
            "not_signed_in": self.tr("Not signed in."),
            "offline": self.tr("Offline: records will be uploaded when the server is reachable."),
            "upload_refused": self.tr("The server refused the waiting records: contact support."),
            "never_synced": self.tr("Never synchronised."),
            "sync_overdue": self.tr("Not synchronised for more than a day."),
            "low_disk_space": self.tr("Little free space: course videos may not fit."),
            "data_folder_missing": self.tr("The data folder does not exist."),
            "disk_error": self.tr("The data folder's disk could not be read."),
            "probe_failed": self.tr("This check failed unexpectedly (see the client log)."),
        }
        return texts.get(code, code)

    def export_header_texts(self) -> tuple[str, str]:
        """The export's header (written by app.diagnostics) as literal sources here, so
        lupdate extracts them and `translate_source` finds their translations."""
        return self.tr("Diagnostics report"), self.tr("Collected (UTC)")

    def translate_source(self, source: str) -> str:
        """The `tr` handed to `report_text`: the English texts of `app.diagnostics` are the
        same sources as the literals above, so they share their translations."""
        return _translate_variable(CONTEXT, source)

    # -- showing

    @Slot(object)
    def show_report(self, report: DiagnosticsReport) -> None:
        """Show `report` and end the busy state."""
        self._report = report
        self.message.clear()
        self._fill()
        self.set_busy(False)

    @Slot(bool)
    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy_bar.setVisible(busy)
        self.run_button.setEnabled(not busy)
        self._update_texts()

    @property
    def report(self) -> DiagnosticsReport | None:
        return self._report

    def _fill(self) -> None:
        report = self._report
        items = report.items if report is not None else ()
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            label = QTableWidgetItem(self.label_text(item.key))
            label.setData(Qt.ItemDataRole.UserRole, item.key)
            status = QTableWidgetItem(
                f"{STATUS_MARKS.get(item.status, '')} {self.status_text(item.status)}"
            )
            status.setForeground(QColor(STATUS_COLOURS.get(item.status, "#000000")))
            explained = self.code_text(item.detail_code)
            shown = f"{item.value} — {explained}" if item.value and explained else item.value
            value = QTableWidgetItem(shown or explained)
            value.setToolTip(item.detail_code or "")
            for column, cell in enumerate((label, status, value)):
                self.table.setItem(row, column, cell)
        self.table.resizeRowsToContents()
        self._update_texts()

    def _update_texts(self) -> None:
        if self._busy:
            self.collected.setText(self.tr("Collecting…"))
        elif self._report is None:
            self.collected.setText(self.tr("Not collected yet."))
        else:
            self.collected.setText(f"{self.tr('Collected (UTC)')}: {self._report.collected_at_utc}")
        has_report = self._report is not None
        self.copy_button.setEnabled(has_report)
        self.save_button.setEnabled(has_report)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Diagnostics report"))
        self.note.setText(
            self.tr(
                "For support: this report holds no personal data (no name, ID number, "
                "phone number, password or key)."
            )
        )
        self.table.setHorizontalHeaderLabels(
            [self.tr("Check"), self.tr("Status"), self.tr("Details")]
        )
        self.run_button.setText(self.tr("Run again"))
        self.copy_button.setText(self.tr("Copy"))
        self.save_button.setText(self.tr("Save as text…"))
        self._fill()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- export

    def report_text(self) -> str:
        """The plain-text export in the current language ("" before the first report)."""
        if self._report is None:
            return ""
        return report_text(self._report, self.translate_source)

    def default_file_name(self) -> str:
        """diagnostics-YYYYMMDD-HHMM.txt, at the report's collection time (local)."""
        at = self._report.collected_at_ms / 1000 if self._report else datetime.now().timestamp()
        return f"diagnostics-{datetime.fromtimestamp(at):%Y%m%d-%H%M}.txt"

    @Slot()
    def copy_text(self) -> None:
        if self._report is None:
            return
        QGuiApplication.clipboard().setText(self.report_text())
        self.message.setText(self.tr("Copied to the clipboard."))

    def save_text(self, path: str | Path) -> bool:
        """Write the export to `path` (UTF-8). A failure is a known condition: the page
        says so and returns False."""
        if self._report is None:
            return False
        try:
            Path(path).write_text(self.report_text(), encoding="utf-8")
        except OSError as error:
            log.warning("diagnostics report not saved: %s", error.strerror or type(error).__name__)
            self.message.setText(
                self.tr("The report could not be saved there. Choose another folder.")
            )
            return False
        self.message.setText(self.tr("Saved: %1").replace("%1", str(path)))
        return True

    @Slot()
    def _choose_file_and_save(self) -> None:
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        ) or str(Path.home())
        path, _filter = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the diagnostics report"),
            str(Path(folder) / self.default_file_name()),
            self.tr("Text files (*.txt)"),
        )
        if path:
            self.save_text(path)


class DiagnosticsService(QObject):
    """Runs a collection on a daemon thread; `ready` comes on the GUI thread. One
    collection at a time: `run()` while one is running does nothing and returns False."""

    ready = Signal(object)  # DiagnosticsReport
    running_changed = Signal(bool)

    def __init__(
        self, collect_report: Callable[[], DiagnosticsReport], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._gui = GuiHandoff(self)
        self._collect = collect_report
        self._running = False

    @property
    def running(self) -> bool:
        return self._running

    @Slot()
    def run(self) -> bool:
        if self._running:
            return False
        self._running = True
        self.running_changed.emit(True)
        self._gui.run(self._collect, self._deliver, self._on_failed, name="diagnostics")
        return True

    def _on_failed(self, error: BaseException) -> None:
        # `collect` catches every known error: this is a bug.
        log.error("diagnostics collection failed", exc_info=error)
        self._finish()

    def _deliver(self, report: DiagnosticsReport) -> None:
        self._finish()
        self.ready.emit(report)

    def _finish(self) -> None:
        self._running = False
        self.running_changed.emit(False)


def client_collector(**inputs: object) -> Callable[[], DiagnosticsReport]:
    """`collect` with the Qt version filled in here, on the GUI thread. `sync_status` may
    be a callable giving the latest snapshot at the moment of collection."""
    qt_version = qt_version_text()

    def run() -> DiagnosticsReport:
        given = dict(inputs)
        status = given.get("sync_status")
        if callable(status):
            given["sync_status"] = status()
        return collect(qt_version=qt_version, **given)  # type: ignore[arg-type]

    return run


def wire(page: DiagnosticsPage, service: DiagnosticsService) -> None:
    """Run again → a collection on the worker; its progress and report → the page."""
    page.refresh_requested.connect(service.run)
    service.running_changed.connect(page.set_busy)
    service.ready.connect(page.show_report)
