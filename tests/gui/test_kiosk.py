"""Kiosk mode in a real window under Xvfb and openbox: closing asks for the
administrator's PIN, wrong PINs lock the field, the records are sent before the close
(refused while the platform answers without taking them all, a warning when it cannot be
reached), and the window comes back to the front and to full screen by itself."""

from __future__ import annotations

import subprocess
from concurrent.futures import Future

import pytest

from app.kiosk import KioskExitDialog, KioskGuard, SendOutcome
from app.kiosk_rules import FIRST_LOCKOUT_MS, FREE_TRIES
from qt_binding import QApplication, QMainWindow, Qt
from wire.provisioning import hash_exit_pin

PIN = "86420135"
PIN_HASH = hash_exit_pin(PIN)
WAIT_MS = 20_000  # generous: a busy machine, never a measure of speed


class Outbox:
    """What sending the records reports, chosen by the test."""

    def __init__(self, *outcomes: SendOutcome | None) -> None:
        self.outcomes = list(outcomes)
        self.sent = 0

    def __call__(self) -> Future[SendOutcome] | None:
        self.sent += 1
        outcome = self.outcomes.pop(0)
        if outcome is None:
            return None
        future: Future[SendOutcome] = Future()
        future.set_result(outcome)
        return future


@pytest.fixture
def kiosk(qtbot):
    """(window, guard, dialogs opened, outbox, clock): a main window in kiosk mode."""
    clock = [1_000_000]
    window = QMainWindow()
    window.setWindowTitle("kiosk under test")
    menu = window.menuBar().addMenu("settings")
    qtbot.addWidget(window)
    outbox = Outbox()
    guard = KioskGuard(window, PIN_HASH, outbox, menu, clock_ms=lambda: clock[0])
    dialogs: list[KioskExitDialog] = []
    guard.exit_dialog_opened.connect(dialogs.append)
    qtbot.waitUntil(lambda: window.isVisible() and window.isFullScreen(), timeout=WAIT_MS)
    yield window, guard, dialogs, outbox, clock
    guard.allow_system_close()  # let the fixture close it


def enter(qtbot, dialog: KioskExitDialog, pin: str) -> None:
    qtbot.waitUntil(dialog.pin.isEnabled, timeout=WAIT_MS)
    dialog.pin.setText(pin)
    dialog.ok_button.click()


def test_closing_asks_for_the_pin_and_nothing_else_closes_the_window(qtbot, kiosk):
    window, guard, dialogs, outbox, _clock = kiosk
    assert window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert window.windowFlags() & Qt.WindowType.FramelessWindowHint
    window.close()
    qtbot.waitUntil(lambda: len(dialogs) == 1, timeout=WAIT_MS)
    assert window.isVisible() and not guard.unlocked
    qtbot.keyClick(dialogs[0], Qt.Key.Key_Escape)  # Esc cancels the dialog, not the kiosk
    qtbot.waitUntil(lambda: not dialogs[0].isVisible(), timeout=WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.keyClick(window, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    window.showMinimized()
    qtbot.waitUntil(lambda: window.isFullScreen() and not window.isMinimized(), timeout=WAIT_MS)
    window.showNormal()
    qtbot.waitUntil(window.isFullScreen, timeout=WAIT_MS)
    assert window.isVisible() and outbox.sent == 0


def test_wrong_pins_lock_the_field_and_the_right_one_closes_after_sending(qtbot, kiosk):
    window, guard, dialogs, outbox, clock = kiosk
    outbox.outcomes = [SendOutcome(pending=0, reachable=True)]
    guard.exit_action.trigger()
    qtbot.waitUntil(lambda: len(dialogs) == 1, timeout=WAIT_MS)
    dialog = dialogs[0]
    for wrong in range(FREE_TRIES):
        enter(qtbot, dialog, f"{wrong}1234567")
        qtbot.waitUntil(lambda: "PIN" in dialog.status.text(), timeout=WAIT_MS)
    assert not dialog.pin.isEnabled() and not dialog.ok_button.isEnabled()
    assert "30" in dialog.status.text()  # seconds to wait
    dialog.ok_button.click()  # disabled: nothing happens
    assert window.isVisible()
    clock[0] += FIRST_LOCKOUT_MS
    dialog._show_locked_state()
    enter(qtbot, dialog, PIN)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    assert guard.unlocked and outbox.sent == 1


def test_a_platform_that_answers_but_keeps_records_waiting_keeps_the_kiosk_open(qtbot, kiosk):
    window, guard, dialogs, outbox, _clock = kiosk
    outbox.outcomes = [SendOutcome(pending=4, reachable=True), SendOutcome(0, reachable=True)]
    guard.ask_to_close()
    qtbot.waitUntil(lambda: len(dialogs) == 1, timeout=WAIT_MS)
    enter(qtbot, dialogs[0], PIN)
    qtbot.waitUntil(lambda: "4" in dialogs[0].status.text(), timeout=WAIT_MS)
    assert window.isVisible() and not guard.unlocked
    dialogs[0].ok_button.click()  # "Send again": now all are taken
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    assert outbox.sent == 2


@pytest.mark.parametrize("outcome", [SendOutcome(pending=7, reachable=False), None])
def test_an_unreachable_platform_warns_the_administrator_before_closing(qtbot, kiosk, outcome):
    window, guard, dialogs, outbox, _clock = kiosk
    outbox.outcomes = [outcome]
    guard.ask_to_close()
    qtbot.waitUntil(lambda: len(dialogs) == 1, timeout=WAIT_MS)
    enter(qtbot, dialogs[0], PIN)
    count = "?" if outcome is None else "7"
    qtbot.waitUntil(lambda: count in dialogs[0].status.text(), timeout=WAIT_MS)
    assert window.isVisible()
    dialogs[0].ok_button.click()  # "Close anyway"
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)


def _active_window() -> int:
    shown = subprocess.run(
        ["xdotool", "getactivewindow"], capture_output=True, text=True, timeout=60, check=False
    )
    return int(shown.stdout.strip() or 0)


def test_the_kiosk_takes_the_front_back_from_another_program(qtbot, kiosk, tmp_path):
    window, _guard, _dialogs, _outbox, _clock = kiosk
    kiosk_id = int(window.winId())
    qtbot.waitUntil(lambda: _active_window() == kiosk_id, timeout=WAIT_MS)
    other = subprocess.Popen(["xmessage", "-name", "intruder", "another program"])
    changes = tmp_path / "active-window.txt"
    with changes.open("w") as spied:
        # Every change of the active window, as the window manager announces it.
        spy = subprocess.Popen(["xprop", "-root", "-spy", "_NET_ACTIVE_WINDOW"], stdout=spied)
    try:
        found = subprocess.run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--classname", "intruder"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        intruder = int(found.stdout.split()[0])
        for turn in range(1, 3):
            # The other program's window is activated, as a click on it would.
            subprocess.run(["xdotool", "windowactivate", str(intruder)], timeout=60, check=False)
            qtbot.waitUntil(
                lambda turn=turn: changes.read_text().count(f"# {intruder:#x}\n") >= turn,
                timeout=WAIT_MS,
            )
            qtbot.waitUntil(lambda: _active_window() == kiosk_id, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)
    finally:
        for process in (spy, other):
            process.terminate()
            process.wait(30)
