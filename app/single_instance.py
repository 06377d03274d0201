"""One running client per OS user: a second start hands over to the first and exits.

A lock file decides who is first (QLockFile recognises the stale lock of a crashed
process); a local socket carries the hand-over, so the first instance can raise its
window. The scope is the OS user, whatever data directory either start names, so a
second client cannot play a second course. `APP_INSTANCE_NAMESPACE` gives test runs a
scope of their own beside a developer's running client.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import os
import tempfile
from pathlib import Path

from qt_binding import QLocalServer, QLocalSocket, QLockFile, QObject, Signal, Slot

log = logging.getLogger(__name__)

_ACTIVATE = b"activate\n"


def instance_name() -> str:
    scope = f"{getpass.getuser()}/{os.environ.get('APP_INSTANCE_NAMESPACE', '')}"
    digest = hashlib.sha256(scope.encode()).hexdigest()[:16]
    return f"vocational-learning-client-{digest}"


class SingleInstance(QObject):
    activation_requested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = instance_name()
        self._lock = QLockFile(str(Path(tempfile.gettempdir()) / f"{self._name}.lock"))
        self._lock.setStaleLockTime(0)  # only a dead owner's lock is stale
        self._server: QLocalServer | None = None

    def acquire(self) -> bool:
        """True when this process is the first; False after handing over to it."""
        if self._lock.tryLock(100):
            QLocalServer.removeServer(self._name)  # a crashed first instance's socket
            self._server = QLocalServer(self)
            self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
            self._server.newConnection.connect(self._on_connection)
            if not self._server.listen(self._name):
                log.warning("single-instance socket unavailable: %s", self._server.errorString())
            return True
        socket = QLocalSocket()
        socket.connectToServer(self._name)
        if socket.waitForConnected(2000):
            socket.write(_ACTIVATE)
            socket.waitForBytesWritten(2000)
            socket.disconnectFromServer()
            log.info("another instance is running: handed over to it")
        else:
            log.warning("another instance holds the lock but does not answer")
        return False

    @Slot()
    def _on_connection(self) -> None:
        assert self._server is not None
        socket = self._server.nextPendingConnection()
        if socket is None:
            return
        # Read when the bytes arrive: waiting here would stall the GUI thread (and the
        # playback guard) for any local process that connects and says nothing.
        socket.readyRead.connect(lambda: self._on_message(socket))
        socket.disconnected.connect(socket.deleteLater)

    def _on_message(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(_ACTIVATE.strip()):
            log.info("second start handed over: raising the window")
            self.activation_requested.emit()
        socket.disconnectFromServer()

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
        self._lock.unlock()
