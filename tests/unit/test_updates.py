"""Which client release is offered: newer than this build, for its kind of install, and
signed by the release key built into it; never to a source run."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.build_info import BuildInfo
from app.updates import installer_command, offered_release, release_target
from wire.provisioning import raw_public_key
from wire.releases import ClientRelease, sign_release_fields, version_key

RELEASE_KEY = Ed25519PrivateKey.generate()
FILE = b"the 0.2.0 installer"


def build(version: str = "0.1.0", packaged: bool = True, key: bool = True) -> BuildInfo:
    return BuildInfo(
        version=version,
        packaged=packaged,
        platform_key=None,
        release_key=raw_public_key(RELEASE_KEY) if key else None,
    )


def release(
    version: str = "0.2.0", signer: Ed25519PrivateKey = RELEASE_KEY, **changed
) -> ClientRelease:
    fields = {
        "version": version,
        "target": "linux-deb",
        "channel": "stable",
        "file_name": "client_0.2.0_amd64.deb",
        "size": len(FILE),
        "sha256": hashlib.sha256(FILE).hexdigest(),
    }
    signature = sign_release_fields(signer, **fields)  # type: ignore[arg-type]
    return ClientRelease(release_id="r1", signature_b64=signature, **{**fields, **changed})


def test_a_newer_signed_release_is_offered() -> None:
    offered = release()
    assert offered_release(build(), offered) == offered


@pytest.mark.parametrize("version", ["0.1.0", "0.0.9"])
def test_the_same_or_an_older_version_is_not_offered(version) -> None:
    assert offered_release(build(), release(version)) is None


def test_versions_are_compared_as_numbers() -> None:
    assert offered_release(build("0.9.3"), release("0.10.0")) is not None
    assert version_key("0.10.0") > version_key("0.9.3")


@pytest.mark.parametrize(
    "tampered",
    [
        release(signer=Ed25519PrivateKey.generate()),  # another key
        release(sha256="0" * 64),  # another file under the signed name
        release(size=1),
        release(file_name="evil.deb"),
        release(target="windows-setup"),
        release().model_copy(update={"version": "9.9.9"}),  # a bump the key never signed
    ],
)
def test_a_release_the_key_did_not_sign_is_never_offered(tampered) -> None:
    assert offered_release(build(), tampered) is None


def test_a_build_without_a_release_key_offers_nothing() -> None:
    assert offered_release(build(key=False), release()) is None
    assert offered_release(build(), None) is None


def test_only_a_packaged_build_has_an_installer_to_replace() -> None:
    assert release_target(build(packaged=False), "linux") is None
    assert release_target(build(), "linux") == "linux-deb"
    assert release_target(build(), "win32") == "windows-setup"
    assert release_target(build(), "darwin") is None


def test_windows_runs_the_setup_program_and_linux_opens_the_package() -> None:
    setup = Path("C:/updates/setup.exe")
    assert installer_command(setup, "win32") == [str(setup)]
    assert installer_command(Path("/tmp/x.deb"), "linux") is None
