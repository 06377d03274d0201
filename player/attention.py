"""Notices when the learner can no longer be watching the course window.

Notice Attachment 1, item 2: study pauses when the window is minimised or the learner
switches elsewhere. Sources, each a real event rather than a poll of window geometry:
- the window manager: minimise (WindowStateChange), hide, and deactivation (focus moved
  to another program, which also happens when a Windows or X11 lock screen takes over);
- the application state (inactive / hidden / suspended);
- D-Bus on Linux desktops: the screensaver's ActiveChanged (screen locked) on the session
  bus, and logind's PrepareForSleep (suspend) on the system bus.
Suspend without D-Bus is caught by the playback guard's clock-gap check.
"""

from __future__ import annotations

import logging

from player.events import PauseReason
from qt_binding import (
    SLOT,
    QDBusConnection,
    QEvent,
    QGuiApplication,
    QObject,
    Qt,
    QWidget,
    Signal,
    Slot,
)

log = logging.getLogger(__name__)

_SCREENSAVER_SIGNALS = (
    ("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver"),
    ("/ScreenSaver", "org.freedesktop.ScreenSaver"),  # KDE
    ("/org/gnome/ScreenSaver", "org.gnome.ScreenSaver"),
)


class AttentionMonitor(QObject):
    """Emits `lost(reason)` when the course window stops being what the learner sees."""

    lost = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._window: QWidget | None = None
        self._unattended_polls = 0
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):  # not under a console-only QCoreApplication
            app.applicationStateChanged.connect(self._on_application_state)
        self._listen_dbus()

    # -- what the progress events report -------------------------------------------
    @property
    def focused(self) -> bool:
        window = self._window
        return bool(window is not None and window.isActiveWindow())

    @property
    def visible(self) -> bool:
        window = self._window
        return bool(window is not None and window.isVisible() and not window.isMinimized())

    def away_reason(self) -> PauseReason | None:
        """Why the watched window is not in front of the learner, or None if it is (or
        no window is watched)."""
        window = self._window
        if window is None:
            return None
        if window.isMinimized():
            return PauseReason.MINIMIZED
        if not window.isVisible():
            return PauseReason.HIDDEN
        if not window.isActiveWindow():
            return PauseReason.DEACTIVATED
        return None

    def poll(self) -> None:
        """Backstop, called while playing: a window that is not in front for two polls in
        a row (an event missed, or playback started while the learner was elsewhere)."""
        reason = self.away_reason()
        if reason is None:
            self._unattended_polls = 0
            return
        self._unattended_polls += 1
        if self._unattended_polls >= 2:
            self._unattended_polls = 0
            self.lost.emit(reason.value)

    def watch(self, window: QWidget) -> None:
        self.unwatch()
        self._window = window
        window.installEventFilter(self)

    def unwatch(self) -> None:
        """Stop filtering the window's events (the player shuts down; the window may
        outlive this object's Python side, which its filter calls would need)."""
        if self._window is not None:
            self._window.removeEventFilter(self)
            self._window = None

    # -- window manager events ----------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        window = self._window
        if window is not None and watched is window:
            kind = event.type()
            if kind == QEvent.Type.WindowStateChange and window.isMinimized():
                self.lost.emit(PauseReason.MINIMIZED.value)
            elif kind == QEvent.Type.Hide:
                self.lost.emit(PauseReason.HIDDEN.value)
            elif kind == QEvent.Type.WindowDeactivate:
                self.lost.emit(PauseReason.DEACTIVATED.value)
        return False  # observe only; the window still handles its own events

    # A plain method decorated as a slot: PySide6 6.12 fails to convert the argument for
    # a lambda connected here once any widget overrides changeEvent (DEPENDENCIES.md).
    @Slot(Qt.ApplicationState)
    def _on_application_state(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationHidden:
            self.lost.emit(PauseReason.HIDDEN.value)
        elif state == Qt.ApplicationState.ApplicationSuspended:
            self.lost.emit(PauseReason.SUSPEND.value)
        elif state == Qt.ApplicationState.ApplicationInactive:
            self.lost.emit(PauseReason.DEACTIVATED.value)

    # -- desktop signals over D-Bus -------------------------------------------------
    def _listen_dbus(self) -> None:
        session = QDBusConnection.sessionBus()
        if session.isConnected():
            for path, interface in _SCREENSAVER_SIGNALS:
                # PySide's stubs type the slot as bytes; at run time it takes SLOT()'s str
                # and refuses bytes.
                session.connect(  # type: ignore[call-overload]
                    "",
                    path,
                    interface,
                    "ActiveChanged",
                    self,
                    SLOT("_on_screensaver(bool)"),
                )
        system = QDBusConnection.systemBus()
        if system.isConnected():
            system.connect(  # type: ignore[call-overload]  # the slot as str, as above
                "",
                "/org/freedesktop/login1",
                "org.freedesktop.login1.Manager",
                "PrepareForSleep",
                self,
                SLOT("_on_prepare_for_sleep(bool)"),
            )

    @Slot(bool)
    def _on_screensaver(self, active: bool) -> None:
        if active:
            self.lost.emit(PauseReason.SCREEN_LOCKED.value)

    @Slot(bool)
    def _on_prepare_for_sleep(self, going_to_sleep: bool) -> None:
        if going_to_sleep:
            self.lost.emit(PauseReason.SUSPEND.value)
