"""Real-name registration, the first sign-in factor, lock-out and rate limits, over real
HTTP against SQLite and PostgreSQL (Attachment 1 item 1; GB/T 35273 for personal data)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest
from sqlalchemy import select, text

from server.models import Learner
from tests.support.server_harness import ADMIN_TOKEN, API, ID_NUMBERS, LearnerDevice, make_fixture


@pytest.fixture
def fixture(live_server, tmp_path):
    return make_fixture(live_server, tmp_path)


def test_personal_data_is_encrypted_at_rest_and_looked_up_by_keyed_hash(live_server, fixture):
    fixture.add_learner("learner1", ID_NUMBERS[0], phone="13800138000")
    with live_server.platform.engine.connect() as connection:
        dump = json.dumps(
            [
                [repr(value) for value in row]
                for table in ("learners", "accounts", "audit_log")
                for row in connection.execute(text(f"SELECT * FROM {table}"))
            ]
        )
    for secret in (ID_NUMBERS[0], "张三1", "13800138000", "correct horse"):
        assert secret not in dump
    with live_server.platform.sessions() as db:
        learner = db.scalar(select(Learner))
        assert (
            live_server.platform.vault.open(learner.id_number_enc, "learner.id_number")
            == (ID_NUMBERS[0])
        )
        # A value sealed for one column cannot be opened as another column's.
        with pytest.raises(ValueError):
            live_server.platform.vault.open(learner.id_number_enc, "learner.name")


def test_registration_refuses_invalid_and_duplicate_identities(live_server, fixture):
    body = {
        "institution_id": fixture.institution_id,
        "project_id": fixture.project_id,
        "name": "李四",
        "id_type": "居民身份证",
        "id_number": "440106199003070010",  # wrong check digit
        "login_name": "lisi",
        "password": "long enough password",
    }
    bad = live_server.call(
        "POST", f"{API}/admin/learners", "test-admin-token-" + "x" * 20, json=body
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "bad_id_number"
    assert bad.json()["problem"] == "bad_check_digit"
    assert "440106199003070010" not in bad.text
    fixture.add_learner("learner1", ID_NUMBERS[0])
    again = live_server.call(
        "POST",
        f"{API}/admin/learners",
        "test-admin-token-" + "x" * 20,
        json={**body, "id_number": ID_NUMBERS[0].lower(), "login_name": "other"},
    )
    assert again.status_code == 409 and again.json()["code"] == "id_number_registered"
    region = live_server.call(
        "POST",
        f"{API}/admin/institutions",
        "test-admin-token-" + "x" * 20,
        json={"name": "x", "city_code": "440100", "county_code": "450106"},
    )
    assert region.status_code == 400 and region.json()["code"] == "bad_region_code"


def test_admin_endpoints_need_the_admin_token(live_server):
    for token in (None, "wrong"):
        response = live_server.call(
            "POST",
            f"{API}/admin/institutions",
            token,
            json={"name": "x", "city_code": "440100", "county_code": "440106"},
        )
        assert response.status_code == 401
        assert response.json()["code"] == "not_administrator"


def test_wrong_passwords_lock_the_account_then_the_lock_expires(live_server, fixture):
    fixture.add_learner("learner1", ID_NUMBERS[0])
    device = LearnerDevice(live_server)
    for _ in range(live_server.platform.config.max_failed_logins):
        wrong = device.password("learner1", "not the password")
        assert wrong.status_code == 401 and wrong.json()["code"] == "invalid_credentials"
    locked = device.password("learner1", "correct horse learner1")
    assert locked.status_code == 403 and locked.json()["code"] == "account_locked"
    live_server.platform.clock.advance(live_server.platform.config.lockout_ms + 1)
    ok = device.password("learner1", "correct horse learner1")
    assert ok.status_code == 200, ok.text
    assert ok.json()["next_step"] == "face"
    unknown = device.password("nobody", "whatever")
    assert unknown.status_code == 401 and unknown.json()["code"] == "invalid_credentials"


def test_sign_in_attempts_are_rate_limited_per_address(live_server, fixture):
    fixture.add_learner("learner1", ID_NUMBERS[0])
    device = LearnerDevice(live_server)
    codes = [
        device.password("nobody", "x").json()["code"]
        for _ in range(live_server.platform.config.login_rate_per_minute + 1)
    ]
    assert codes[-1] == "rate_limited"
    assert set(codes[:-1]) == {"invalid_credentials"}


def test_sms_code_from_the_demo_gateway_opens_the_face_step(live_server, fixture, caplog):
    fixture.add_learner("learner1", ID_NUMBERS[0], phone="13800138000")
    device = LearnerDevice(live_server)
    with caplog.at_level(logging.WARNING, logger="server.sms"):
        sent = live_server.call("POST", f"{API}/auth/sms/request", json={"phone": "138 0013 8000"})
        assert sent.status_code == 200
    codes = [
        r.data["code"]
        for r in caplog.records
        if getattr(r, "data", {}).get("event") == "demo_sms_code"
    ]
    assert len(codes) == 1
    assert "13800138000" not in caplog.text  # only the last four digits are logged
    wrong = live_server.call(
        "POST",
        f"{API}/auth/sms/verify",
        json={
            "phone": "13800138000",
            "code": f"{(int(codes[0]) + 1) % 1_000_000:06d}",
            "device_id": device.device_id,
        },
    )
    assert wrong.status_code == 401 and wrong.json()["code"] == "invalid_code"
    right = live_server.call(
        "POST",
        f"{API}/auth/sms/verify",
        json={"phone": "13800138000", "code": codes[0], "device_id": device.device_id},
    )
    assert right.status_code == 200, right.text
    assert right.json()["next_step"] == "face"
    reused = live_server.call(
        "POST",
        f"{API}/auth/sms/verify",
        json={"phone": "13800138000", "code": codes[0], "device_id": device.device_id},
    )
    assert reused.status_code == 401
    # An unregistered number gets the same answer: no way to probe who is registered.
    unknown = live_server.call("POST", f"{API}/auth/sms/request", json={"phone": "13900000000"})
    assert unknown.status_code == 200 and unknown.json() == sent.json()


def test_server_cli_help_explains_configuration():
    result = subprocess.run(
        [sys.executable, "-m", "server", "--help"], capture_output=True, text=True, check=True
    )
    for setting in ("DATABASE_URL", "PLATFORM_", "master_key", "--config", "demo"):
        assert setting in result.stdout


def test_face_templates_are_sealed_under_their_own_key(live_server):
    vault = live_server.platform.vault
    sealed = vault.seal_bytes(b"template bytes", "biometric:learner.face_template")
    assert vault.open_bytes(sealed, "biometric:learner.face_template") == b"template bytes"
    # Not openable with the identity data's key, even naming the same column.
    with pytest.raises(ValueError):
        vault._cipher.decrypt(sealed, "biometric:learner.face_template")


def test_settings_and_questions_no_client_could_read_are_refused(live_server, tmp_path):
    # The clients parse what an institution's settings and a course's questions become
    # (wire.policy.VerificationPolicy, wire.learner.ShownQuestion): a value of another
    # type is refused when it is configured, not answered to every learner later.
    for verification in ({"virtual_camera": 5}, {"max_face_attempts": "three"}):
        refused = live_server.call(
            "POST",
            f"{API}/admin/institutions",
            ADMIN_TOKEN,
            json={
                "name": "x",
                "city_code": "440100",
                "county_code": "440106",
                "verification": verification,
            },
        )
        assert refused.status_code == 400 and refused.json()["code"] == "bad_policy"
    media = tmp_path / "course.bin"
    media.write_bytes(b"\0" * 16)
    question = {"id": "q1", "kind": "single", "text": "?", "options": [1, 2], "answer": [0]}
    refused = live_server.call(
        "POST",
        f"{API}/admin/courses",
        ADMIN_TOKEN,
        json={
            "name": "c",
            "duration_ms": 60_000,
            "media_path": str(media),
            "teacher": "t",
            "provenance": "p",
            "licence": "l",
            "questions": [question],
        },
    )
    assert refused.status_code == 400 and refused.json()["code"] == "bad_question"
