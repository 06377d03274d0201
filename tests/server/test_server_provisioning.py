"""The platform signs institutions' provisioning profiles and admits clients at sign-in
by what they say of their version and profile; the real command line and the real
server over HTTP, and the client's sync engine sending its identity."""

from __future__ import annotations

import base64
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from server.client_rules import ClientRefusal
from server.models import AuditEntry, LoginChallenge, ProvisionedProfile
from server.provisioning import platform_public_key, sign_institution_profile
from sync.engine import SyncEngine
from sync.http_client import ConnectionSettings, PlatformClient, ServerRefusedError
from sync.store import StudyStore
from sync.store_worker import StoreWorker
from tests.support.server_harness import API, ID_NUMBERS, LiveServer, make_fixture
from wire.auth import ClientIdentity
from wire.provisioning import read_profile

REPO = Path(__file__).resolve().parents[2]
INSTITUTION_PROFILE = """\
platform_url = "https://platform.example.org"
institution_code = "GZ-0001"
spki_pins = ["q5Y0mDYmSbyqWYTdDi8A2pcJbmuQvbsxmLUWBawRKlM="]
kiosk = true
"""


def server_command(data_dir: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server", "--data-dir", str(data_dir), *arguments],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_command_line_signs_a_profile_the_client_verifies_with_the_printed_key(
    tmp_path,
) -> None:
    data = tmp_path / "platform"
    source = tmp_path / "gz-0001.toml"
    source.write_text(INSTITUTION_PROFILE, encoding="utf-8")
    out = tmp_path / "provisioning.json"
    signed = server_command(data, "sign-profile", str(source), "--out", str(out))
    assert signed.returncode == 0, signed.stderr
    printed = server_command(data, "provisioning-key")
    assert printed.returncode == 0, printed.stderr
    platform_key = base64.b64decode(printed.stdout.strip())
    verified = read_profile(out.read_bytes(), platform_key)
    assert verified.profile.kiosk and verified.profile.institution_code == "GZ-0001"
    # Known to the platform by its hash, and the signing is in the audit log.
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    engine = create_engine(f"sqlite:///{data / 'platform.db'}")
    with Session(engine) as db:
        assert db.get(ProvisionedProfile, verified.sha256) is not None
        assert db.scalars(select(AuditEntry.action)).all() == ["sign_profile"]
    engine.dispose()
    # The key file is the server's secret, kept owner-only.
    assert (data / "provisioning.key").stat().st_mode & 0o077 == 0


def test_a_profile_the_platform_would_refuse_is_not_signed(tmp_path) -> None:
    source = tmp_path / "bad.toml"
    source.write_text('platform_url = "http://platform.example.org"\n', encoding="utf-8")
    out = tmp_path / "provisioning.json"
    signed = server_command(tmp_path / "platform", "sign-profile", str(source), "--out", str(out))
    assert signed.returncode == 2
    assert "cannot be used" in signed.stderr and not out.exists()
    source.write_text("platform_url = [", encoding="utf-8")
    signed = server_command(tmp_path / "platform", "sign-profile", str(source), "--out", str(out))
    assert signed.returncode == 2 and "cannot read the profile" in signed.stderr


def password_login(server: LiveServer, client: dict | None) -> tuple[int, dict]:
    body: dict = {"login_name": "learner1", "password": "wrong", "device_id": "d" * 16}
    if client is not None:
        body["client"] = client
    response = server.call("POST", API + "/auth/password", json=body)
    return response.status_code, response.json()


def test_an_outdated_client_is_refused_before_its_password_is_tried(tmp_path) -> None:
    with LiveServer.running(
        tmp_path / "s", f"sqlite:///{tmp_path / 'p.db'}", min_client_version="0.2.0"
    ) as server:
        make_fixture(server, tmp_path).add_learner("learner1", ID_NUMBERS[0])
        for client in (None, {"version": "0.1.9"}):
            status, body = password_login(server, client)
            assert (status, body["code"]) == (426, ClientRefusal.OUTDATED)
            assert body["min_client_version"] == "0.2.0"
        # Admitted: the password is then checked (and wrong).
        status, body = password_login(server, {"version": "0.10.0"})
        assert (status, body["code"]) == (401, "invalid_credentials")
        status, body = password_login(server, {"version": "1.0"})
        assert (status, body["code"]) == (422, "invalid_request")


def test_only_clients_under_a_profile_the_platform_signed_are_admitted(tmp_path) -> None:
    with LiveServer.running(
        tmp_path / "s", f"sqlite:///{tmp_path / 'p.db'}", require_known_profile=True
    ) as server:
        make_fixture(server, tmp_path).add_learner("learner1", ID_NUMBERS[0])
        platform = server.platform
        with platform.transaction() as db:
            document = sign_institution_profile(
                platform, db, {"platform_url": server.base_url, "institution_code": "A"}, "t"
            )
        known = read_profile(document, platform_public_key(platform)).sha256
        for client in (
            None,
            {"version": "0.1.0"},
            {"version": "0.1.0", "profile_sha256": "0" * 64},
        ):
            status, body = password_login(server, client)
            assert (status, body["code"]) == (403, ClientRefusal.PROFILE_UNKNOWN), client
        status, body = password_login(server, {"version": "0.1.0", "profile_sha256": known})
        assert (status, body["code"]) == (401, "invalid_credentials")
        # Revoked: its installers must be replaced.
        with platform.transaction() as db:
            db.get(ProvisionedProfile, known).revoked_ms = platform.clock.now_ms()
        status, body = password_login(server, {"version": "0.1.0", "profile_sha256": known})
        assert (status, body["code"]) == (403, ClientRefusal.PROFILE_UNKNOWN)


@pytest.mark.parametrize(("version", "admitted"), [("0.1.0", False), ("0.3.0", True)])
def test_the_sync_engine_says_which_client_it_is(tmp_path, version, admitted) -> None:
    with LiveServer.running(
        tmp_path / "s", f"sqlite:///{tmp_path / 'p.db'}", min_client_version="0.3.0"
    ) as server:
        make_fixture(server, tmp_path).add_learner("learner1", ID_NUMBERS[0])
        key = secrets.token_bytes(32)
        worker = StoreWorker(lambda: StudyStore.open(tmp_path / "c.db", key))
        client = PlatformClient(ConnectionSettings(base_url=server.base_url))
        engine = SyncEngine(
            client, worker, worker.opened.result(30), identity=ClientIdentity(version=version)
        )
        try:
            answer = engine.password_login("learner1", "correct horse learner1")
            if admitted:
                assert answer.result(30).next_step == "face"
                # Kept with the sign-in (and then its session), for supervision.
                with server.platform.sessions() as db:
                    login = db.scalars(select(LoginChallenge)).one()
                assert (login.client_version, login.profile_sha256) == (version, None)
            else:
                with pytest.raises(ServerRefusedError) as refused:
                    answer.result(30)
                assert refused.value.reason_code == ClientRefusal.OUTDATED
        finally:
            engine.close()
            client.close()
            worker.close().result(30)
