"""Builds the client's packages: the PyInstaller one-folder bundle, the Debian package,
and a check of the Windows installer script (`./dev.sh package` runs this).

    python installer/build.py --out dist [--platform-key B64] [--release-key B64]
                              [--profile provisioning.json] [--compression xz|gzip|none]

An institution's build carries the platform's public keys (`python -m server
provisioning-key` prints the provisioning one) and may bake its signed profile beside
the program; the profile is verified here against the key, so no installer ships a
profile its own client would refuse. `build-report.json` in the output folder records
sizes, the build's duration and the bundle's glibc floor (bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.build_info import VERSION  # noqa: E402
from wire.provisioning import ProfileError, read_profile  # noqa: E402

NAME = "vocational-learning-client"
ICON_SVG = ROOT / "resources" / "icons" / f"{NAME}.svg"
# The lab PC kiosk session, shipped in /opt/<NAME>/kiosk/ and put in place on lab PCs
# only, by its setup-lab-pc.sh (the package installs no session entry of its own).
KIOSK_DIR = ROOT / "installer" / "linux" / "kiosk"
KIOSK_EXECUTABLES = frozenset({"kiosk-session", "setup-lab-pc.sh"})
# What the bundle needs from the system besides the shared libraries it links (found at
# build time, `system_needs`): libVLC and its plugins (loaded through ctypes, so no ELF
# file names them) and a font for the Chinese UI.
DEB_DEPENDS_BASE = (
    "libvlc5",
    "vlc-plugin-base",
    "vlc-plugin-video-output",
    "fonts-noto-cjk | fonts-wqy-microhei",
)
# Libraries renamed by Ubuntu 24.04's 64-bit time_t transition: either name will do.
T64_RENAMED = frozenset(
    {
        "libglib2.0-0", "libssl3", "libcups2", "libreadline8", "libpng16-16", "libgnutls30",
        "libatk1.0-0", "libatk-bridge2.0-0", "libatspi2.0-0", "libgtk-3-0", "libcurl4",
        "libgdk-pixbuf-2.0-0", "libnettle8", "libhogweed6", "libtiff6", "libcairo2",
    }
)  # fmt: skip
DEB_RECOMMENDS = "gnome-keyring | kwalletmanager | keepassxc"
DESKTOP_ENTRY = f"""\
[Desktop Entry]
Type=Application
Name=Vocational Training Client
Name[zh_CN]=职业技能培训学习客户端
Comment=Online vocational skills training with verified study time
Comment[zh_CN]=职业技能线上培训，学时经核验
Exec={NAME} %U
Icon={NAME}
Terminal=false
Categories=Education;
"""
LAUNCHER = f"""\
#!/bin/sh
exec /opt/{NAME}/{NAME} "$@"
"""


class BuildError(RuntimeError):
    """A build step failed; the message says which and why."""


@dataclass
class BuildReport:
    version: str
    bundle_dir: str
    bundle_bytes: int
    bundle_files: int
    deb: str
    deb_bytes: int
    deb_compression: str
    glibc_floor: str
    unresolved_sonames: list[str]
    pyinstaller_s: float
    deb_s: float
    nsis_checked: bool
    profile_sha256: str | None


def _key(text: str | None, name: str) -> str | None:
    if not text:
        return None
    raw = base64.b64decode(text, validate=True)
    if len(raw) != 32:
        raise BuildError(f"{name} must be base64 of a 32-byte Ed25519 public key")
    return text


def prepare(build_dir: Path, platform_key: str | None, release_key: str | None) -> None:
    """build.json, the demo learner's photo and the icons, for the spec to take in."""
    build_dir.mkdir(parents=True, exist_ok=True)
    build = {"version": VERSION, "platform_key": platform_key, "release_key": release_key}
    (build_dir / "build.json").write_text(json.dumps(build, indent=2) + "\n", encoding="utf-8")
    photo = build_dir / "demo_data" / "astronaut.png"
    photo.parent.mkdir(exist_ok=True)
    from app.demo_platform import astronaut_png  # noqa: PLC0415 - the source run's copy

    shutil.copyfile(astronaut_png(), photo)
    # In a process of its own: a Qt application made here would be the only one the
    # caller's process could ever have (a test's QApplication among them).
    command = [sys.executable, str(Path(__file__).resolve()), "--render-icons", str(build_dir)]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BuildError(f"the icons could not be rendered: {done.stderr.strip()}")


def render_icons(build_dir: Path) -> None:
    """The SVG icon as the PNG the Linux menus show and the ICO Windows shows."""
    from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: PLC0415
    from PySide6.QtSvg import QSvgRenderer  # noqa: PLC0415

    _app = QGuiApplication([])
    renderer = QSvgRenderer(str(ICON_SVG))
    image = QImage(256, 256, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    for name in ("icon.png", "icon.ico"):
        if not image.save(str(build_dir / name)):
            raise BuildError(f"Qt could not write {name}")


def run_pyinstaller(build_dir: Path, dist_dir: Path) -> Path:
    env = {**os.environ, "CLIENT_BUILD_DIR": str(build_dir)}
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level=WARN",
        "--distpath",
        str(dist_dir),
        "--workpath",
        str(build_dir / "pyinstaller"),
        str(ROOT / "installer" / "client.spec"),
    ]
    done = subprocess.run(command, cwd=ROOT, env=env, check=False)
    if done.returncode != 0:
        raise BuildError(f"PyInstaller failed ({done.returncode})")
    return dist_dir / NAME


GLIBC_VERSION = re.compile(rb"GLIBC_(\d+)\.(\d+)")
NEEDED = re.compile(rb"^\s+NEEDED\s+(\S+)$", re.MULTILINE)
# glibc's own libraries: `libc6 (>= floor)` stands for them.
GLIBC_SONAMES = re.compile(
    r"^(libc|libm|libdl|libpthread|librt|libutil|libresolv|ld-linux[-\w]*)\.so(\.\d+)*$"
)
LIBRARY_DIRS = ("/lib", "/usr/lib")


@dataclass
class SystemNeeds:
    """What the bundle's ELF files ask of the system: the newest glibc symbol version
    (the oldest distribution it runs on has at least this glibc), the Debian packages of
    the shared libraries they link and the bundle does not carry, and the sonames this
    machine cannot resolve (optional Qt plugins: Wayland, for one)."""

    glibc_floor: str
    packages: list[str]
    unresolved: list[str]


def _elf_files(bundle: Path) -> list[Path]:
    files = []
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    files.append(path)
    return files


def _package_of(soname: str) -> str | None:
    for folder in LIBRARY_DIRS:
        for path in sorted(Path(folder).glob(f"*/{soname}")):
            for owned in (str(path), str(path.resolve())):
                found = subprocess.run(
                    ["dpkg", "-S", owned], capture_output=True, text=True, check=False
                )
                if found.returncode == 0:
                    return found.stdout.split(":", 1)[0].strip()
    return None


def system_needs(bundle: Path) -> SystemNeeds:
    """Only what the bundle's own files link directly: the system libraries' own
    dependencies are the target system's business (their sonames differ between
    distributions: libunistring.so.2 on Debian 12, .so.5 on Ubuntu 24.04)."""
    newest = (2, 17)
    needed: set[str] = set()
    elves = _elf_files(bundle)
    for path in elves:
        dump = subprocess.run(
            ["objdump", "-p", "-T", str(path)], capture_output=True, check=False
        ).stdout
        for major, minor in GLIBC_VERSION.findall(dump):
            newest = max(newest, (int(major), int(minor)))
        needed.update(name.decode() for name in NEEDED.findall(dump))
    carried = {path.name for path in bundle.rglob("*")}
    packages: set[str] = set()
    unresolved = []
    for soname in sorted(needed - carried):
        if GLIBC_SONAMES.match(soname):
            continue
        package = _package_of(soname)
        if package is None:
            unresolved.append(soname)
        else:
            packages.add(package)
    depends = [f"{name}t64 | {name}" if name in T64_RENAMED else name for name in sorted(packages)]
    return SystemNeeds(f"{newest[0]}.{newest[1]}", depends, unresolved)


def _tree_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def copy_kiosk(target: Path) -> None:
    """The kiosk session's files, with the modes they need whatever the checkout gave."""
    target.mkdir(parents=True)
    for source in sorted(KIOSK_DIR.iterdir()):
        if source.is_file():
            shutil.copyfile(source, target / source.name)
            (target / source.name).chmod(0o755 if source.name in KIOSK_EXECUTABLES else 0o644)


def make_deb(
    bundle: Path,
    out_dir: Path,
    needs: SystemNeeds,
    compression: str,
    profile: Path | None,
) -> Path:
    """The .deb: the bundle in /opt (with the kiosk session's files in its kiosk/
    folder), a launcher in /usr/bin, the menu entry and icon.
    It holds no learner data (that lives in each user's data folder), so removing the
    package leaves every learner's records and keys where they are."""
    arch = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()
    root = out_dir / "deb-root"
    shutil.rmtree(root, ignore_errors=True)
    opt = root / "opt" / NAME
    shutil.copytree(bundle, opt, symlinks=True)
    if profile is not None:
        shutil.copyfile(profile, opt / "provisioning.json")
    copy_kiosk(opt / "kiosk")
    launcher = root / "usr" / "bin" / NAME
    launcher.parent.mkdir(parents=True)
    launcher.write_text(LAUNCHER, encoding="utf-8")
    launcher.chmod(0o755)
    desktop = root / "usr" / "share" / "applications" / f"{NAME}.desktop"
    desktop.parent.mkdir(parents=True)
    desktop.write_text(DESKTOP_ENTRY, encoding="utf-8")
    icon = root / "usr" / "share" / "icons" / "hicolor" / "256x256" / "apps" / f"{NAME}.png"
    icon.parent.mkdir(parents=True)
    shutil.copyfile(out_dir / "build" / "icon.png", icon)
    scalable = root / "usr" / "share" / "icons" / "hicolor" / "scalable" / "apps" / f"{NAME}.svg"
    scalable.parent.mkdir(parents=True)
    shutil.copyfile(ICON_SVG, scalable)
    installed_kib = _tree_size(root)[0] // 1024
    depends = [*DEB_DEPENDS_BASE, f"libc6 (>= {needs.glibc_floor})", *needs.packages]
    control = root / "DEBIAN" / "control"
    control.parent.mkdir()
    control.write_text(
        f"Package: {NAME}\n"
        f"Version: {VERSION}\n"
        f"Architecture: {arch}\n"
        "Maintainer: Vocational Learning Client maintainers <support@example.org>\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: {', '.join(depends)}\n"
        f"Recommends: {DEB_RECOMMENDS}\n"
        "Section: education\n"
        "Priority: optional\n"
        "Description: secure learning client for online vocational skills training\n"
        " Plays courses with verified study time, face checks with liveness and an\n"
        " encrypted study record, for platforms following 粤人社函〔2023〕339号.\n",
        encoding="utf-8",
    )
    deb = out_dir / f"{NAME}_{VERSION}_{arch}.deb"
    command = ["dpkg-deb", "--root-owner-group", f"-Z{compression}", "--build", str(root), str(deb)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BuildError(f"dpkg-deb failed: {done.stderr.strip()}")
    shutil.rmtree(root)
    return deb


def check_nsis(out_dir: Path) -> None:
    """Compiles the Windows installer script with warnings as errors, against a stand-in
    of the Windows bundle (this machine cannot build the real one: installer/README.md)."""
    makensis = shutil.which("makensis")
    if makensis is None:
        raise BuildError("makensis is missing (apt package nsis): ./dev.sh package installs it")
    stand_in = out_dir / "nsis-check" / "bundle"
    shutil.rmtree(stand_in.parent, ignore_errors=True)
    stand_in.mkdir(parents=True)
    (stand_in / f"{NAME}.exe").write_bytes(b"stand-in")
    (stand_in / "vlc").mkdir()
    (stand_in / "vlc" / "libvlc.dll").write_bytes(b"stand-in")
    command = [
        makensis,
        "-V2",
        "-WX",
        f"-DVERSION={VERSION}",
        f"-DBUNDLE_DIR={stand_in}",
        f"-DICON={out_dir / 'build' / 'icon.ico'}",
        f"-DOUTFILE={stand_in.parent / 'setup-check.exe'}",
        str(ROOT / "installer" / "windows" / "installer.nsi"),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BuildError(f"makensis -WX failed:\n{done.stdout}\n{done.stderr}")
    shutil.rmtree(stand_in.parent)


def build(
    out_dir: Path,
    platform_key: str | None = None,
    release_key: str | None = None,
    profile: Path | None = None,
    compression: str = "xz",
    bundle_only: bool = False,
) -> BuildReport:
    """`bundle_only`: the PyInstaller bundle alone (a Windows build machine, which then
    adds VLC and runs makensis)."""
    out_dir = out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    platform_key = _key(platform_key, "--platform-key")
    release_key = _key(release_key, "--release-key")
    profile_sha256 = None
    if profile is not None:
        if platform_key is None:
            raise BuildError("a baked profile needs --platform-key to be verified")
        try:
            verified = read_profile(profile.read_bytes(), base64.b64decode(platform_key))
        except ProfileError as error:
            raise BuildError(f"the profile is refused: {error.code}") from error
        profile_sha256 = verified.sha256
    build_dir = out_dir / "build"
    prepare(build_dir, platform_key, release_key)
    started = time.monotonic()
    bundle = run_pyinstaller(build_dir, out_dir / "bundle")
    pyinstaller_s = time.monotonic() - started
    size, files = _tree_size(bundle)
    if bundle_only:
        if profile is not None:
            shutil.copyfile(profile, bundle / "provisioning.json")
        report = BuildReport(
            VERSION, str(bundle), size, files, "", 0, "", "", [], 0, 0, False, None
        )
        report.pyinstaller_s = round(pyinstaller_s, 1)
        report.profile_sha256 = profile_sha256
        return report
    needs = system_needs(bundle)
    started = time.monotonic()
    deb = make_deb(bundle, out_dir, needs, compression, profile)
    deb_s = time.monotonic() - started
    check_nsis(out_dir)
    report = BuildReport(
        version=VERSION,
        bundle_dir=str(bundle),
        bundle_bytes=size,
        bundle_files=files,
        deb=str(deb),
        deb_bytes=deb.stat().st_size,
        deb_compression=compression,
        glibc_floor=needs.glibc_floor,
        unresolved_sonames=needs.unresolved,
        pyinstaller_s=round(pyinstaller_s, 1),
        deb_s=round(deb_s, 1),
        nsis_checked=True,
        profile_sha256=profile_sha256,
    )
    (out_dir / "build-report.json").write_text(json.dumps(asdict(report), indent=2) + "\n")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--platform-key", default=os.environ.get("PLATFORM_PROVISIONING_KEY"))
    parser.add_argument("--release-key", default=os.environ.get("PLATFORM_RELEASE_KEY"))
    parser.add_argument("--profile", type=Path, default=None)
    parser.add_argument("--compression", choices=("xz", "gzip", "none"), default="xz")
    parser.add_argument(
        "--bundle-only", action="store_true", help="only the PyInstaller bundle (Windows)"
    )
    parser.add_argument("--render-icons", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.render_icons is not None:
        render_icons(args.render_icons)
        return 0
    try:
        report = build(
            args.out,
            args.platform_key,
            args.release_key,
            args.profile,
            args.compression,
            args.bundle_only,
        )
    except BuildError as error:
        print(f"build failed: {error}", file=sys.stderr)
        return 1
    print(json.dumps(asdict(report), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
