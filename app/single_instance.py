"""One running client per OS user: a second start hands over to the first and exits.

A lock file decides who is first (it survives no crash: QLockFile detects a stale lock
from a dead process); a local socket carries the hand-over, so the first instance can
raise its window. The names include the data directory, so test runs with their own data
directory do not collide with a learner's real client.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
from pathlib import Path

from qt_binding import QLocalServer, QLocalSocket, QLockFile, QObject, Signal, Slot

log = logging.getLogger(__name__)

_ACTIVATE = b"activate\n"


def instance_name(data_dir: Path) -> str:
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:12]
    return f"vocational-learning-client-{getpass.getuser()}-{digest}"


class SingleInstance(QObject):
    activation_requested = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        data_dir.mkdir(parents=True, exist_ok=True)
        self._name = instance_name(data_dir)
        self._lock = QLockFile(str(data_dir / "instance.lock"))
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
        socket.waitForReadyRead(1000)
        if socket.readAll().data().startswith(_ACTIVATE.strip()):
            log.info("second start handed over: raising the window")
            self.activation_requested.emit()
        socket.disconnectFromServer()

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
        self._lock.unlock()
