"""Offering the platform's newest client: checked once the platform is known, offered in
a question the learner may decline, downloaded off the GUI thread, verified (size and
SHA-256 signed by the release key, `app.updates`), then handed to the installer."""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Callable
from pathlib import Path

from app.build_info import BuildInfo
from app.messages import failure_text
from app.updates import installer_command, offered_release, release_target
from qt_binding import QCoreApplication, QDesktopServices, QMessageBox, QObject, QUrl, QWidget
from sync.qt_facade import RequestFailure, SyncService
from wire.releases import ClientRelease

log = logging.getLogger(__name__)


def open_installer(installer: Path) -> None:
    """Windows: the setup program runs and the client quits so its files can be
    replaced. Linux: the desktop opens the .deb in its package installer."""
    command = installer_command(installer)
    if command is not None:
        subprocess.Popen(command)
        QCoreApplication.quit()
        return
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(installer)))


class UpdateFlow(QObject):
    def __init__(
        self,
        window: QWidget,
        sync: SyncService,
        build: BuildInfo,
        folder: Path,
        channel: str = "stable",
        show_notice: Callable[[str], None] | None = None,
        run_installer: Callable[[Path], None] = open_installer,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.sync = sync
        self.build = build
        self.folder = folder
        self.channel = channel
        self.show_notice = show_notice or (lambda _text: None)
        self.run_installer = run_installer
        self.offer: ClientRelease | None = None
        self.question: QMessageBox | None = None

    def check(self) -> None:
        target = release_target(self.build)
        if target is None:
            return
        self.sync.latest_release(target, self.channel, self._on_release, self._check_failed)

    def _check_failed(self, failure: RequestFailure) -> None:
        # The platform may be unreachable at start; the next start asks again.
        log.info("update check failed", extra={"data": {"code": failure.code}})

    def _on_release(self, release: ClientRelease | None) -> None:
        self.offer = offered_release(self.build, release)
        if self.offer is None:
            return
        text = self.tr(
            "Version %1 of the client is available (this is %2). Download and install it now?"
        )
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Update available"),
            text.replace("%1", self.offer.version).replace("%2", self.build.version),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self.window,
        )
        box.finished.connect(self._answered)
        self.question = box
        box.open()

    def _answered(self, result: int) -> None:
        self.question = None
        if result != QMessageBox.StandardButton.Yes or self.offer is None:
            return
        text = self.tr("Downloading version %1 of the client…").replace("%1", self.offer.version)
        self.show_notice(text)
        self.sync.download_release(
            self.offer, self.folder, self._on_downloaded, self._download_failed
        )

    def _on_downloaded(self, installer: Path) -> None:
        log.info("client release downloaded and verified")
        self.show_notice(
            self.tr("The new version was downloaded and checked; it is installed now.")
        )
        self.run_installer(installer)

    def _download_failed(self, failure: RequestFailure) -> None:
        self.show_notice(failure_text(failure.code, failure.reason))
