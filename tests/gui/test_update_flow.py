"""The update offer in the client, against the real server over HTTP: a newer release
signed by the built-in release key is offered, downloaded and handed to the installer
only when the learner says yes; a release signed by another key is never offered."""

from __future__ import annotations

import logging
import secrets

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.build_info import BuildInfo
from app.update_flow import UpdateFlow
from qt_binding import QMessageBox, QWidget
from server.models import ClientReleaseRow
from server.releases import publish_release
from sync.engine import SyncEngine
from sync.http_client import ConnectionSettings, PlatformClient
from sync.qt_facade import SyncService
from sync.store import StudyStore
from sync.store_worker import StoreWorker
from tests.support.server_harness import LiveServer
from wire.provisioning import raw_public_key
from wire.releases import sign_release_fields

PACKAGE = b"the 0.2.0 package"


@pytest.fixture
def offered(tmp_path, qapp):
    """A platform offering 0.2.0 to a packaged 0.1.0 client: (server, flow, installed,
    notices)."""
    with LiveServer.running(tmp_path / "server", f"sqlite:///{tmp_path / 'p.db'}") as server:
        platform = server.platform
        package = tmp_path / "client_0.2.0_amd64.deb"
        package.write_bytes(PACKAGE)
        with platform.transaction() as db:
            publish_release(platform, db, package, "0.2.0", "linux-deb", "stable")
        worker = StoreWorker(lambda: StudyStore.open(tmp_path / "c.db", secrets.token_bytes(32)))
        client = PlatformClient(ConnectionSettings(base_url=server.base_url))
        service = SyncService(
            lambda on_status: SyncEngine(client, worker, worker.opened.result(30), on_status)
        )
        key = raw_public_key(platform.config.release_private_key())
        build = BuildInfo(version="0.1.0", packaged=True, platform_key=None, release_key=key)
        window = QWidget()
        installed: list = []
        notices: list[str] = []
        flow = UpdateFlow(
            window,
            service,
            build,
            tmp_path / "updates",
            show_notice=notices.append,
            run_installer=installed.append,
        )
        try:
            yield server, flow, installed, notices
        finally:
            service.close()
            client.close()
            worker.close().result(30)
            window.deleteLater()


def test_yes_downloads_the_signed_installer_and_runs_it(offered, qtbot) -> None:
    _server, flow, installed, notices = offered
    flow.check()
    qtbot.waitUntil(lambda: flow.question is not None, timeout=30_000)
    assert "0.2.0" in flow.question.text() and "0.1.0" in flow.question.text()
    flow.question.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: bool(installed), timeout=30_000)
    assert installed[0].read_bytes() == PACKAGE
    assert notices and installed[0].name == "client_0.2.0_amd64.deb"


def test_no_downloads_nothing(offered, qtbot, tmp_path) -> None:
    _server, flow, installed, _notices = offered
    flow.check()
    qtbot.waitUntil(lambda: flow.question is not None, timeout=30_000)
    flow.question.button(QMessageBox.StandardButton.No).click()
    qtbot.wait(500)
    assert installed == [] and not (tmp_path / "updates").exists()


def test_a_release_signed_by_another_key_is_never_offered(offered, qtbot, caplog) -> None:
    """Someone with write access to the platform's database (or a proxy in between)
    offers their own program as the update: the client's built-in key says no."""
    server, flow, installed, _notices = offered
    with server.platform.transaction() as db:
        row = db.query(ClientReleaseRow).one()
        row.signature_b64 = sign_release_fields(
            Ed25519PrivateKey.generate(),
            row.version,
            row.target,
            row.channel,
            row.file_name,
            row.size,
            row.sha256,
        )
    with caplog.at_level(logging.WARNING, logger="app.updates"):
        flow.check()
        qtbot.waitUntil(
            lambda: any("bad signature" in r.getMessage() for r in caplog.records), timeout=30_000
        )
    assert flow.question is None and installed == []
