"""Institution provisioning: a signed profile names the platform and how far to trust
it; a profile that is tampered with, signed by another key, unreadable or missing is
refused, each for its own reason; the server admits clients by version and profile."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.build_info import BuildInfo, BuildInfoError, build_info
from app.provisioning import choose_platform
from records.canonical import canonical_json
from server.client_rules import ClientClaim, ClientPolicy, ClientRefusal, client_refusal
from wire.provisioning import (
    ProfileError,
    exit_pin_matches,
    hash_exit_pin,
    profile_sha256,
    raw_public_key,
    read_profile,
    sign_profile,
)

PLATFORM_KEY = Ed25519PrivateKey.generate()
PROFILE = {
    "platform_url": "https://platform.example.org",
    "institution_code": "GZ-0001",
    "spki_pins": ["q5Y0mDYmSbyqWYTdDi8A2pcJbmuQvbsxmLUWBawRKlM="],
    "issued_ms": 1_765_000_000_000,
}


def build(packaged: bool = True, key: Ed25519PrivateKey | None = PLATFORM_KEY) -> BuildInfo:
    return BuildInfo(
        version="0.1.0",
        packaged=packaged,
        platform_key=raw_public_key(key) if key else None,
        release_key=None,
    )


def write_profile(tmp_path: Path, document: bytes) -> Path:
    path = tmp_path / "provisioning.json"
    path.write_bytes(document)
    return path


def test_a_good_profile_names_the_platform_its_pins_and_its_hash() -> None:
    verified = read_profile(sign_profile(PROFILE, PLATFORM_KEY), raw_public_key(PLATFORM_KEY))
    assert verified.profile.platform_url == "https://platform.example.org"
    assert verified.profile.spki_pins == tuple(PROFILE["spki_pins"])
    assert verified.profile.camera_policy == "physical_only"  # the safe default
    assert verified.sha256 == profile_sha256(PROFILE)


def test_a_changed_field_breaks_the_signature(tmp_path) -> None:
    document = json.loads(sign_profile(PROFILE, PLATFORM_KEY))
    document["profile"]["platform_url"] = "https://attacker.example.com"
    with pytest.raises(ProfileError) as refused:
        read_profile(json.dumps(document).encode(), raw_public_key(PLATFORM_KEY))
    assert refused.value.code == "profile_tampered"


def test_a_field_added_after_signing_breaks_the_signature() -> None:
    document = json.loads(sign_profile(PROFILE, PLATFORM_KEY))
    document["profile"]["extra_ca_pem"] = "-----BEGIN CERTIFICATE-----\n..."
    with pytest.raises(ProfileError) as refused:
        read_profile(json.dumps(document).encode(), raw_public_key(PLATFORM_KEY))
    assert refused.value.code == "profile_tampered"


def test_a_profile_signed_by_another_key_is_refused_as_such() -> None:
    other = Ed25519PrivateKey.generate()
    with pytest.raises(ProfileError) as refused:
        read_profile(sign_profile(PROFILE, other), raw_public_key(PLATFORM_KEY))
    assert refused.value.code == "profile_other_key"


def test_another_key_claiming_the_platform_key_id_is_tampering() -> None:
    other = Ed25519PrivateKey.generate()
    forged = json.loads(sign_profile(PROFILE, other))
    forged["key_id"] = json.loads(sign_profile(PROFILE, PLATFORM_KEY))["key_id"]
    with pytest.raises(ProfileError) as refused:
        read_profile(json.dumps(forged).encode(), raw_public_key(PLATFORM_KEY))
    assert refused.value.code == "profile_tampered"


@pytest.mark.parametrize(
    "data",
    [b"", b"not json", b"[]", b'{"profile": {}, "key_id": "x"}', b"\xff\xfe" * 10],
)
def test_what_is_not_a_profile_is_unreadable(data: bytes) -> None:
    with pytest.raises(ProfileError) as refused:
        read_profile(data, raw_public_key(PLATFORM_KEY))
    assert refused.value.code == "profile_unreadable"


def test_a_profile_this_client_cannot_use_is_invalid_even_when_signed() -> None:
    """A newer platform's profile format, signed correctly: the client says it needs a
    newer version rather than guessing."""
    newer = {**PROFILE, "format": 2}
    document = json.loads(sign_profile(PROFILE, PLATFORM_KEY))
    document["profile"] = newer
    document["signature_b64"] = base64.b64encode(PLATFORM_KEY.sign(canonical_json(newer))).decode()
    with pytest.raises(ProfileError) as refused:
        read_profile(json.dumps(document).encode(), raw_public_key(PLATFORM_KEY))
    assert refused.value.code == "profile_invalid"


def test_the_platform_never_signs_a_profile_its_clients_would_refuse() -> None:
    with pytest.raises(ValueError, match="https"):
        sign_profile({**PROFILE, "platform_url": "http://platform.example.org"}, PLATFORM_KEY)


def test_unknown_fields_of_a_newer_platform_are_signed_and_ignored() -> None:
    newer = {**PROFILE, "wallpaper": "blue"}
    verified = read_profile(sign_profile(newer, PLATFORM_KEY), raw_public_key(PLATFORM_KEY))
    assert verified.sha256 == profile_sha256(newer)


def test_a_profile_names_the_platform_and_the_command_line_cannot_change_it(tmp_path) -> None:
    path = write_profile(tmp_path, sign_profile(PROFILE, PLATFORM_KEY))
    choice = choose_platform(
        build(), demo=False, server="https://attacker.example.com", profile_path=path
    )
    assert choice.problem is None
    assert choice.base_url == "https://platform.example.org"
    assert choice.pins == frozenset(PROFILE["spki_pins"])
    identity = choice.identity(build(), None)
    assert identity.profile_sha256 == profile_sha256(PROFILE)
    assert identity.version == "0.1.0"


def test_a_profile_is_found_beside_the_program_or_in_the_machine_folder(tmp_path) -> None:
    machine = tmp_path / "etc" / "provisioning.json"
    machine.parent.mkdir()
    machine.write_bytes(sign_profile(PROFILE, PLATFORM_KEY))
    beside = tmp_path / "opt" / "provisioning.json"
    choice = choose_platform(
        build(), demo=False, server=None, profile_path=None, locations=[beside, machine]
    )
    assert choice.base_url == "https://platform.example.org"


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        (lambda: b'{"profile": ', "profile_unreadable"),
        (lambda: sign_profile(PROFILE, Ed25519PrivateKey.generate()), "profile_other_key"),
        (
            lambda: sign_profile(PROFILE, PLATFORM_KEY).replace(b"GZ-0001", b"GZ-0002"),
            "profile_tampered",
        ),
    ],
)
def test_each_bad_profile_has_its_own_problem(tmp_path, document, problem) -> None:
    path = write_profile(tmp_path, document())
    choice = choose_platform(
        build(), demo=False, server="https://platform.example.org", profile_path=path
    )
    assert (choice.problem, choice.base_url) == (problem, None)


def test_a_packaged_build_without_a_profile_does_not_connect(tmp_path) -> None:
    choice = choose_platform(
        build(),
        demo=False,
        server="https://platform.example.org",
        profile_path=None,
        locations=[tmp_path / "provisioning.json"],
    )
    assert (choice.problem, choice.base_url) == ("profile_missing", None)


def test_a_source_run_without_a_profile_uses_the_server_it_is_given(tmp_path) -> None:
    source = build(packaged=False, key=None)
    given = choose_platform(source, demo=False, server="http://127.0.0.1:8470", profile_path=None)
    assert (given.problem, given.base_url, given.profile) == (None, "http://127.0.0.1:8470", None)
    assert given.identity(source, None).profile_sha256 is None
    none = choose_platform(source, demo=False, server=None, profile_path=None)
    assert none.problem == "no_platform"


def test_a_profile_cannot_be_trusted_by_a_build_without_the_platform_key(tmp_path) -> None:
    path = write_profile(tmp_path, sign_profile(PROFILE, PLATFORM_KEY))
    choice = choose_platform(build(key=None), demo=False, server=None, profile_path=path)
    assert choice.problem == "profile_unverifiable"


def test_the_demo_needs_no_profile(tmp_path) -> None:
    choice = choose_platform(build(), demo=True, server=None, profile_path=None)
    assert choice.problem is None and choice.base_url is None


def test_a_packaged_build_reads_its_keys_only_from_its_build_file(tmp_path, monkeypatch) -> None:
    """The environment can name another platform key in a source run, never in a
    packaged one: a learner could otherwise trust a profile of their own making."""
    own = base64.b64encode(raw_public_key(Ed25519PrivateKey.generate())).decode()
    monkeypatch.setenv("APP_PLATFORM_KEY", own)
    assert build_info(tmp_path / "absent.json").platform_key == base64.b64decode(own)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    baked = tmp_path / "build.json"
    platform = base64.b64encode(raw_public_key(PLATFORM_KEY)).decode()
    baked.write_text(json.dumps({"version": "0.2.0", "platform_key": platform}))
    info = build_info(baked)
    assert (info.packaged, info.version) == (True, "0.2.0")
    assert info.platform_key == raw_public_key(PLATFORM_KEY)
    assert build_info(tmp_path / "absent.json").platform_key is None
    baked.write_text('{"platform_key": "c2hvcnQ="}')
    with pytest.raises(BuildInfoError, match="32-byte"):
        build_info(baked)


@pytest.mark.parametrize(
    ("claim", "policy", "known", "refusal"),
    [
        (ClientClaim("0.1.0", None), ClientPolicy(), False, None),
        (ClientClaim("0.1.0", None), ClientPolicy("0.2.0"), False, ClientRefusal.OUTDATED),
        (ClientClaim("0.10.0", None), ClientPolicy("0.9.3"), False, None),  # not text order
        (ClientClaim("0.9.3", None), ClientPolicy("0.9.3"), False, None),
        (ClientClaim(None, None), ClientPolicy("0.1.0"), False, ClientRefusal.OUTDATED),
        (ClientClaim("1.0.0", None), ClientPolicy("", True), False, ClientRefusal.PROFILE_UNKNOWN),
        (
            ClientClaim("1.0.0", "ab" * 32),
            ClientPolicy("", True),
            False,
            ClientRefusal.PROFILE_UNKNOWN,
        ),
        (ClientClaim("1.0.0", "ab" * 32), ClientPolicy("", True), True, None),
        (
            ClientClaim("0.1.0", "ab" * 32),
            ClientPolicy("0.2.0", True),
            True,
            ClientRefusal.OUTDATED,
        ),
    ],
)
def test_which_clients_may_sign_in(claim, policy, known, refusal) -> None:
    assert client_refusal(claim, policy, known) is refusal


# -- a lab PC's profile: the kiosk's exit PIN and the key store --------------------------


def test_the_kiosk_exit_pin_is_kept_as_a_salted_scrypt_hash() -> None:
    stored = hash_exit_pin("24681357")
    assert "24681357" not in stored and stored.startswith("scrypt$16384$8$1$")
    assert stored != hash_exit_pin("24681357")  # a new salt each time
    assert exit_pin_matches("24681357", stored)
    for wrong in ("24681358", "", "2468135", "24681357 ", "２４６８１３５７"):
        assert not exit_pin_matches(wrong, stored)
    assert not exit_pin_matches("24681357", "")  # no PIN set: nothing opens the kiosk
    for short in ("12345", "abcdefgh", ""):
        with pytest.raises(ValueError, match="at least 6 digits"):
            hash_exit_pin(short)


@pytest.mark.parametrize(
    "stored",
    [
        "24681357",  # the PIN itself, pasted by mistake
        "scrypt$16384$8$1$short$short",
        "scrypt$3$8$1$" + "A" * 22 + "==$" + "A" * 43 + "=",  # n not a power of two
        "scrypt$1073741824$8$1$" + "A" * 22 + "==$" + "A" * 43 + "=",  # n far too costly
    ],
)
def test_a_profile_with_a_pin_that_is_not_a_usable_hash_is_refused(stored: str) -> None:
    with pytest.raises(ValueError, match="kiosk_exit_pin"):
        sign_profile({**PROFILE, "kiosk": True, "kiosk_exit_pin": stored}, PLATFORM_KEY)
    assert not exit_pin_matches("24681357", stored)


def test_a_lab_profile_asks_for_the_machine_key_file() -> None:
    lab = {**PROFILE, "kiosk": True, "kiosk_exit_pin": hash_exit_pin("97531864")}
    lab["key_store"] = "machine_file"
    verified = read_profile(sign_profile(lab, PLATFORM_KEY), raw_public_key(PLATFORM_KEY))
    assert verified.profile.key_store == "machine_file"
    assert verified.profile.machine_key_path == "/etc/vocational-learning-client/machine.key"
    assert exit_pin_matches("97531864", verified.profile.kiosk_exit_pin)
    with pytest.raises(ValueError, match="key_store"):
        sign_profile({**PROFILE, "key_store": "plain_file"}, PLATFORM_KEY)
