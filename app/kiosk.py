"""Kiosk mode for lab PCs: the client fills the screen, stays in front, and only the
training centre's administrator closes it, with the PIN whose salted hash the signed
provisioning profile carries.

What it guards inside the program: the window's close (the title bar's, Alt+F4 from a
window manager, a close request from another program) asks for the PIN; leaving full
screen or being minimised puts it back; another program taking the focus gets the
window raised over it again. What it cannot guard alone: switching consoles, killing it
from a terminal, starting other programs. The kiosk session (installer/linux/kiosk/)
takes those away: the client is the only program of its X session, under an openbox
with no key bindings and no menus, and the session starts it again if it dies.

Closing sends the study records first (app/kiosk_rules.py says when it may close).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass

from app.kiosk_rules import ExitDecision, exit_decision, pin_lockout_ms
from qt_binding import (
    QAction,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QEvent,
    QLabel,
    QLineEdit,
    QMainWindow,
    QObject,
    QPushButton,
    QRegularExpressionValidator,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from qt_binding.gui_thread import GuiHandoff
from wire.provisioning import exit_pin_matches

log = logging.getLogger(__name__)

REFRONT_INTERVAL_MS = 500  # how often it checks that nothing else has the front


@dataclass
class PinAttempts:
    """Wrong PINs in a row and until when the field stays locked; kept by the guard, so
    opening the dialog again does not reset them."""

    failures: int = 0
    locked_until_ms: int = 0


class SendOutcome:
    """What sending the records before closing left: how many are still on this PC,
    and whether the platform answered."""

    def __init__(self, pending: int | None, reachable: bool) -> None:
        self.pending = pending
        self.reachable = reachable


# Sends what is pending and reports; None when nothing is connected to send with.
RecordSender = Callable[[], "Future[SendOutcome] | None"]


def _monotonic_ms() -> int:
    return time.monotonic_ns() // 1_000_000


class KioskExitDialog(QDialog):
    """The administrator's PIN, then the records sent, then the close."""

    def __init__(
        self,
        pin_hash: str,
        send_records: RecordSender,
        attempts: PinAttempts,
        parent: QWidget | None = None,
        clock_ms: Callable[[], int] = _monotonic_ms,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("kioskExitDialog")
        self.setModal(True)
        self._pin_hash = pin_hash
        self._send_records = send_records
        self._attempts = attempts
        self._clock_ms = clock_ms
        self._gui = GuiHandoff(self)
        self._decision: ExitDecision | None = None
        layout = QVBoxLayout(self)
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        self.pin = QLineEdit(self)
        self.pin.setObjectName("kioskPin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setValidator(QRegularExpressionValidator(r"\d{0,32}", self.pin))
        self.status = QLabel(self)
        self.status.setObjectName("kioskStatus")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._go_on)
        self.buttons.rejected.connect(self.reject)
        for widget in (self.explanation, self.pin, self.status, self.buttons):
            layout.addWidget(widget)
        self._unlock_timer = QTimer(self)
        self._unlock_timer.setSingleShot(True)
        self._unlock_timer.timeout.connect(self._show_locked_state)
        self.setWindowTitle(self.tr("Close the client"))
        self.explanation.setText(
            self.tr(
                "Only the training centre's administrator can close the client on this PC. Enter the administrator PIN."  # noqa: E501
            )
        )
        self._show_locked_state()

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _locked_for_ms(self) -> int:
        return max(0, self._attempts.locked_until_ms - self._clock_ms())

    def _show_locked_state(self) -> None:
        wait_ms = self._locked_for_ms()
        self.pin.setEnabled(wait_ms == 0)
        self.ok_button.setEnabled(wait_ms == 0)
        if wait_ms:
            seconds = str((wait_ms + 999) // 1000)
            self.status.setText(
                self.tr("Too many wrong PINs. Try again in %1 s.").replace("%1", seconds)
            )
            self._unlock_timer.start(wait_ms)
        else:
            self.pin.setFocus()

    def _go_on(self) -> None:
        if self._decision is ExitDecision.WARN_UNREACHABLE:
            self.accept()  # the administrator read the warning and closes anyway
        elif self._decision is ExitDecision.REFUSE:
            self._send()
        elif self._locked_for_ms() == 0:
            self._check_pin(self.pin.text())

    def _check_pin(self, pin: str) -> None:
        self.pin.setEnabled(False)
        self.ok_button.setEnabled(False)
        self.status.setText(self.tr("Checking…"))
        # scrypt takes tens of milliseconds: not on the GUI thread.
        self._gui.run(
            lambda: exit_pin_matches(pin, self._pin_hash),
            self._pin_checked,
            lambda _error: self._pin_checked(False),
            name="kiosk-pin",
        )

    def _pin_checked(self, matches: bool) -> None:
        self.pin.clear()
        if not matches:
            attempts = self._attempts
            attempts.failures += 1
            attempts.locked_until_ms = self._clock_ms() + pin_lockout_ms(attempts.failures)
            log.warning("kiosk exit: wrong PIN", extra={"data": {"failures": attempts.failures}})
            self._show_locked_state()
            if not self._locked_for_ms():
                self.status.setText(self.tr("Wrong PIN."))
            return
        self._attempts.failures = 0
        log.info("kiosk exit: PIN accepted")
        self.pin.hide()
        self._send()

    def _send(self) -> None:
        self.ok_button.setEnabled(False)
        self.status.setText(self.tr("Sending the study records to the platform…"))
        sending = self._send_records()
        if sending is None:
            self._sent(SendOutcome(pending=None, reachable=False))
            return
        self._gui.when_done(
            sending, self._sent, lambda _error: self._sent(SendOutcome(None, reachable=False))
        )

    def _sent(self, outcome: SendOutcome) -> None:
        decision = exit_decision(outcome.pending, outcome.reachable)
        self._decision = decision
        log.info(
            "kiosk exit",
            extra={"data": {"decision": decision.value, "pending": outcome.pending}},
        )
        if decision is ExitDecision.CLOSE:
            self.accept()
            return
        count = "?" if outcome.pending is None else str(outcome.pending)
        if decision is ExitDecision.WARN_UNREACHABLE:
            text = self.tr(
                "The platform cannot be reached: %1 study records stay on this PC and are sent when the client next starts. Do not re-image or reset this PC before then, or they are lost."  # noqa: E501
            )
            self.ok_button.setText(self.tr("Close anyway"))
        else:
            text = self.tr(
                "%1 study records have not reached the platform yet, though it answers. The client stays open so that they are not lost; try again in a minute."  # noqa: E501
            )
            self.ok_button.setText(self.tr("Send again"))
        self.status.setText(text.replace("%1", count))
        self.ok_button.setEnabled(True)


class KioskGuard(QObject):
    """Holds `window` full screen and in front, and lets it close only through the
    administrator's PIN. `send_records` sends the outbox when asked."""

    exit_dialog_opened = Signal(object)  # KioskExitDialog, for tests and the autopilot

    def __init__(
        self,
        window: QMainWindow,
        pin_hash: str,
        send_records: RecordSender,
        menu_parent: QWidget | None = None,
        clock_ms: Callable[[], int] = _monotonic_ms,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._clock_ms = clock_ms
        self._pin_hash = pin_hash
        self._send_records = send_records
        self._attempts = PinAttempts()
        self._unlocked = False
        self._dialog: KioskExitDialog | None = None
        window.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        window.installEventFilter(self)
        self.exit_action = QAction(window)
        self.exit_action.setObjectName("kioskExitAction")
        self.exit_action.triggered.connect(self.ask_to_close)
        if menu_parent is not None:
            menu_parent.addAction(self.exit_action)
        self.retranslate()
        # Polled: under openbox, applicationStateChanged was seen to miss the focus that
        # another program took, which would leave the kiosk behind it for good.
        self._refront = QTimer(self)
        self._refront.setInterval(REFRONT_INTERVAL_MS)
        self._refront.timeout.connect(self._keep_in_front)
        self._refront.start()
        window.showFullScreen()

    def retranslate(self) -> None:
        self.exit_action.setText(self.tr("Close the client (administrator)…"))

    @property
    def unlocked(self) -> bool:
        return self._unlocked

    def allow_system_close(self) -> None:
        """The system ends the client (logout, shutdown, the kiosk session stopping):
        no PIN asked, nobody there to type it."""
        self._unlocked = True
        log.info("kiosk closed by the system")
        if self._dialog is not None:
            self._dialog.reject()

    @property
    def dialog(self) -> KioskExitDialog | None:
        """The PIN dialog while it is open."""
        return self._dialog

    def ask_to_close(self) -> None:
        if self._dialog is not None:
            self._dialog.raise_()
            return
        dialog = KioskExitDialog(
            self._pin_hash, self._send_records, self._attempts, self._window, self._clock_ms
        )
        self._dialog = dialog
        dialog.finished.connect(self._dialog_finished)
        dialog.open()
        self.exit_dialog_opened.emit(dialog)

    def _dialog_finished(self, result: int) -> None:
        self._dialog = None
        if result == QDialog.DialogCode.Accepted:
            self._unlocked = True
            log.info("kiosk closed by the administrator")
            self._window.close()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self._window:
            return False
        kind = event.type()
        if kind == QEvent.Type.Close and not self._unlocked:
            event.ignore()
            QTimer.singleShot(0, self.ask_to_close)
            return True
        if kind == QEvent.Type.WindowStateChange and not self._unlocked:
            window = self._window
            if window.isMinimized() or not window.isFullScreen():
                QTimer.singleShot(0, window.showFullScreen)
        return False

    def _keep_in_front(self) -> None:
        if self._unlocked:
            self._refront.stop()
            return
        if QApplication.activeWindow() is not None:
            return  # this window, or one of the client's own dialogs over it
        if self._window.isMinimized() or not self._window.isFullScreen():
            self._window.showFullScreen()
        self._window.raise_()
        front = QApplication.activeModalWidget() or self._window
        front.raise_()
        front.activateWindow()
