"""The packaged client, as a trainee installs it: `installer/build.py` builds the
one-folder bundle and the .deb (uncompressed here; `./dev.sh package` uses xz), the .deb
is unpacked into a throwaway root, and the program in it runs with no venv and no
Python on its path: its self-check, the demo tour on a display of its own, and the
refusals a packaged build owes (no simulated camera or scripted learner against anything
but its embedded demo; no platform without a signed profile).

The build takes minutes, once for the module, in the worker that runs no windowed
tests: the tour draws on a private display, so it meets nobody else's windows."""

from __future__ import annotations

import base64
import json
import os
import subprocess
from pathlib import Path

import cv2
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.demo_platform import demo_photo
from installer.build import NAME, build
from tests.support.app_log import log_entries
from tests.support.private_display import private_display
from tests.support.server_harness import LiveServer
from wire.provisioning import raw_public_key, sign_profile

PLATFORM_KEY = Ed25519PrivateKey.generate()
CLEAN_PATH = "/usr/bin:/bin"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The .deb built and unpacked: the root it was unpacked into."""
    out = tmp_path_factory.mktemp("package")
    key = base64.b64encode(raw_public_key(PLATFORM_KEY)).decode()
    report = build(out, platform_key=key, compression="none")
    assert report.glibc_floor and report.nsis_checked
    root = out / "root"
    subprocess.run(["dpkg-deb", "-x", report.deb, str(root)], check=True)
    (root / "report.json").write_text(json.dumps({"deb": report.deb}))
    return root


def packaged_env(data: Path, **extra: str) -> dict[str, str]:
    """The desktop session's environment without any trace of the source tree: no
    venv, no Python variables, only system folders on PATH."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "VIRTUAL_ENV", "APP_", "QT_", "FACE_TEST"))
    }
    env.update(PATH=CLEAN_PATH, APP_INSTANCE_NAMESPACE=f"packaged-{data}", **extra)
    return env


def run_packaged(
    root: Path, data: Path, *args: str, timeout: float = 300, **env: str
) -> subprocess.CompletedProcess[str]:
    program = root / "opt" / NAME / NAME
    return subprocess.run(
        [str(program), "--data-dir", str(data), *args],
        cwd=root,
        env=packaged_env(data, **env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_the_package_installs_a_launcher_a_menu_entry_and_its_dependencies(installed) -> None:
    deb = json.loads((installed / "report.json").read_text())["deb"]
    fields = {
        name: subprocess.run(
            ["dpkg-deb", "-f", deb, name], capture_output=True, text=True, check=True
        ).stdout.strip()
        for name in ("Package", "Version", "Depends")
    }
    assert fields["Package"] == NAME
    for needed in ("libvlc5", "vlc-plugin-base", "libxcb-cursor0", "fonts-noto-cjk", "libc6 (>="):
        assert needed in fields["Depends"]
    launcher = (installed / "usr" / "bin" / NAME).read_text()
    assert f"/opt/{NAME}/{NAME}" in launcher
    desktop = (installed / "usr" / "share" / "applications" / f"{NAME}.desktop").read_text()
    assert "Name[zh_CN]=职业技能培训学习客户端" in desktop and f"Exec={NAME}" in desktop
    # No learner data in the package: removing it leaves every learner's records alone.
    assert not list(installed.glob("home/**/*")) and not list(installed.glob("var/**/*"))
    # Neither libVLC nor our source is copied in (Alembic's migrations are read as files).
    bundle = installed / "opt" / NAME
    assert not list(bundle.rglob("libvlc.so*"))
    internal = bundle / "_internal"
    ours = {"app", "player", "sync", "records", "wire", "verification", "server", "qt_binding"}
    sources = [
        p
        for p in internal.rglob("*.py")
        if p.relative_to(internal).parts[0] in ours and "migrations" not in p.parts
    ]
    assert sources == []


def test_the_self_check_of_the_packaged_client_passes_with_no_python_around(
    installed, tmp_path
) -> None:
    checked = run_packaged(installed, tmp_path / "data", "--self-check", timeout=180)
    assert checked.returncode == 0, checked.stdout + checked.stderr[-3000:]
    lines = checked.stdout.splitlines()
    assert lines[-1] == "self-check passed"
    parts = {line.split(":")[0] for line in lines if line.startswith("ok")}
    assert parts == {
        f"ok   {p}" for p in ("build", "qt", "libvlc", "face_models", "sqlcipher", "key_store")
    }
    assert "(packaged, platform key built in)" in checked.stdout
    # The same lines in a file, for a Windows build that has no console.
    assert (tmp_path / "data" / "self-check.txt").read_text().splitlines() == lines


def test_the_demo_tour_runs_from_the_package(installed, tmp_path) -> None:
    shots = tmp_path / "shots"
    with private_display() as display:
        toured = run_packaged(
            installed,
            tmp_path / "data",
            "--demo",
            "--tour",
            "--quit-when-done",
            "--screenshots-dir",
            str(shots),
            timeout=600,
            DISPLAY=display,
        )
    assert toured.returncode == 0, toured.stderr[-3000:]
    for name in ("1-sign-in", "2-face-check", "3-courses", "4-studying", "5-records"):
        shot = cv2.imread(str(shots / f"{name}.png"))
        assert shot is not None and shot.std() > 10, name  # drawn, not blank
    entries = log_entries(tmp_path / "data")
    assert any(e.get("msg") == "autopilot done" for e in entries)


def test_a_packaged_build_drives_nothing_but_its_own_demo(installed, tmp_path) -> None:
    """A script with the learner's password and photo on a packaged client: against a
    real platform the simulated camera and the scripted learner are refused, whatever
    the environment says, with a good profile or without one."""
    photo = tmp_path / "photo.png"
    cv2.imwrite(str(photo), demo_photo())
    steps = tmp_path / "steps.json"
    steps.write_text(json.dumps([{"do": "wait", "for": "ready", "timeout_s": 30}]))
    with LiveServer.running(tmp_path / "server", f"sqlite:///{tmp_path / 'p.db'}") as server:
        profile = tmp_path / "provisioning.json"
        profile.write_bytes(
            sign_profile(
                {"platform_url": server.base_url, "institution_code": "GZ", "issued_ms": 1},
                PLATFORM_KEY,
            )
        )
        with private_display() as display:
            runs = {}
            for name, extra in (("bare", ()), ("profiled", ("--profile", str(profile)))):
                data = tmp_path / name
                runs[name] = run_packaged(
                    installed,
                    data,
                    "--server",
                    server.base_url,
                    "--simulated-camera",
                    str(photo),
                    "--autopilot",
                    str(steps),
                    "--quit-after",
                    "6",
                    *extra,
                    timeout=120,
                    DISPLAY=display,
                    APP_ALLOW_SIMULATED_CAMERA="1",
                )
    for name, run in runs.items():
        assert run.returncode == 0, run.stderr[-3000:]
        messages = [e.get("msg") for e in log_entries(tmp_path / name)]
        assert "autopilot refused: demo and test runs only" in messages, name
    bare = log_entries(tmp_path / "bare")
    assert {"msg": "no platform to connect to", "problem": "profile_missing"}.items() <= next(
        e for e in bare if e.get("msg") == "no platform to connect to"
    ).items()
    assert any(
        e.get("msg") == "provisioning profile in use" for e in log_entries(tmp_path / "profiled")
    )
