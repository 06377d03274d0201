"""Client releases: published with the platform's release key from the command line,
offered over HTTP before sign-in, downloaded by the client's sync engine and kept only
when the file is the one the key signed."""

from __future__ import annotations

import base64
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from server.releases import publish_release, releases_dir
from sync.engine import ReleaseFileMismatchError, SyncEngine
from sync.http_client import ConnectionSettings, PlatformClient
from sync.store import StudyStore
from sync.store_worker import StoreWorker
from tests.support.server_harness import API, LiveServer
from wire.provisioning import raw_public_key
from wire.releases import ClientRelease, release_signature_valid

REPO = Path(__file__).resolve().parents[2]


def installer(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_the_command_line_publishes_a_release_the_printed_key_verifies(tmp_path) -> None:
    data = tmp_path / "platform"
    deb = installer(tmp_path, "client_0.2.0_amd64.deb", b"a package")

    def server(*arguments: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "server", "--data-dir", str(data), *arguments]
        return subprocess.run(
            command, cwd=REPO, capture_output=True, text=True, timeout=120, check=False
        )

    published = server("publish-release", str(deb), "--version", "0.2.0", "--target", "linux-deb")
    assert published.returncode == 0, published.stderr
    refused = server("publish-release", str(deb), "--version", "latest", "--target", "linux-deb")
    assert refused.returncode == 2 and "cannot be published" in refused.stderr
    key = base64.b64decode(server("release-key").stdout.strip())
    assert len(key) == 32
    assert (data / "release.key").stat().st_mode & 0o077 == 0
    with LiveServer.running(tmp_path / "unused", f"sqlite:///{data / 'platform.db'}") as live:
        answer = live.call("GET", API + "/client/release", params={"target": "linux-deb"})
    assert answer.status_code == 200
    assert release_signature_valid(ClientRelease.model_validate(answer.json()), key)


@pytest.fixture
def platform_with_releases(tmp_path):
    with LiveServer.running(tmp_path / "server", f"sqlite:///{tmp_path / 'p.db'}") as server:
        platform = server.platform
        with platform.transaction() as db:
            for version, channel in (("0.2.0", "stable"), ("0.10.0", "stable"), ("0.11.0", "beta")):
                name = f"client_{version}_amd64.deb"
                publish_release(
                    platform,
                    db,
                    installer(tmp_path, name, f"package {version}".encode()),
                    version,
                    "linux-deb",
                    channel,
                )
        yield server


def test_the_newest_release_of_the_channel_is_offered(platform_with_releases) -> None:
    server = platform_with_releases

    def latest(**params: str) -> tuple[int, dict]:
        answer = server.call("GET", API + "/client/release", params=params)
        return answer.status_code, answer.json()

    assert latest(target="linux-deb")[1]["version"] == "0.10.0"  # numbers, not text
    assert latest(target="linux-deb", channel="beta")[1]["version"] == "0.11.0"
    status, body = latest(target="windows-setup")
    assert (status, body["code"]) == (404, "no_release")
    assert latest(target="macos")[0] == 422


@pytest.fixture
def engine(platform_with_releases, tmp_path):
    worker = StoreWorker(lambda: StudyStore.open(tmp_path / "c.db", secrets.token_bytes(32)))
    client = PlatformClient(ConnectionSettings(base_url=platform_with_releases.base_url))
    engine = SyncEngine(client, worker, worker.opened.result(30))
    yield engine
    engine.close()
    client.close()
    worker.close().result(30)


def test_the_engine_downloads_the_signed_file_before_sign_in(
    platform_with_releases, engine, tmp_path
) -> None:
    release = engine.latest_release("linux-deb", "stable").result(30)
    key = raw_public_key(platform_with_releases.platform.config.release_private_key())
    assert release is not None and release_signature_valid(release, key)
    path = engine.download_release(release, tmp_path / "updates").result(30)
    assert path.read_bytes() == b"package 0.10.0"
    assert path.name == "client_0.10.0_amd64.deb"
    assert engine.latest_release("windows-setup", "stable").result(30) is None


def test_a_file_swapped_on_the_server_is_deleted_not_kept(
    platform_with_releases, engine, tmp_path
) -> None:
    release = engine.latest_release("linux-deb", "stable").result(30)
    assert release is not None
    stored = releases_dir(platform_with_releases.platform) / release.release_id
    stored.write_bytes(b"package 0.10.0 but another program")
    with pytest.raises(ReleaseFileMismatchError):
        engine.download_release(release, tmp_path / "updates").result(30)
    assert list((tmp_path / "updates").iterdir()) == []
