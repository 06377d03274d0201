"""`--self-check`: does this installation work? For support staff on a learner's PC and
for the packaging tests: each part the client needs is loaded and used for real, and one
line per part says what works.

Qt draws a widget offscreen with the Chinese font; libVLC decodes one generated second
of video; the face models find and embed the demo face; SQLCipher writes and
reads back an encrypted store; the key store is one the client accepts (no secret is
read or written), or on a lab PC whose profile says so the machine key file is there and
protected. One broken part never hides the others. No personal data is printed.
"""

from __future__ import annotations

import functools
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from app.build_info import build_info
from sync.keystore import MachineKeyFile


@dataclass(frozen=True)
class PartResult:
    part: str
    ok: bool
    detail: str


def check_build() -> str:
    build = build_info()
    kind = "packaged" if build.packaged else "source"
    key = "platform key built in" if build.platform_key else "no platform key"
    return f"{build.version} ({kind}, {key})"


def check_qt() -> str:
    # With no screen (a lab PC over SSH, the packaging test) Qt draws offscreen; on a
    # desktop its own platform plugin (xcb, windows) is what is checked.
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from app.i18n import DEFAULT_LANGUAGE, install_language  # noqa: PLC0415
    from qt_binding import QApplication, QFontDatabase, QLabel, qVersion  # noqa: PLC0415

    app = QApplication.instance() or QApplication([])
    if not install_language(app, DEFAULT_LANGUAGE):
        raise RuntimeError("the Chinese translation catalogue is missing")
    chinese = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    if not chinese:
        raise RuntimeError("no font for Simplified Chinese is installed")
    label = QLabel("职业技能培训")
    label.resize(200, 40)
    if label.grab().isNull():
        raise RuntimeError("Qt could not draw a widget")
    return f"Qt {qVersion()} ({app.platformName()}), Chinese font: {chinese[0]}"  # type: ignore[attr-defined]


def check_libvlc() -> str:
    """One second of generated MPEG-4 played to its end with its frames decoded (to
    VLC's dummy video output: no window needed): the decoders and plugins are there."""
    import vlc  # noqa: PLC0415

    from app.demo_media import generate_clock_video  # noqa: PLC0415
    from player.backend import LOCKED_VLC_ARGS  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="self-check-") as folder:
        clip = generate_clock_video(
            Path(folder) / "one-second.mp4", seconds=1.0, width=320, height=180
        )
        instance = vlc.Instance([*LOCKED_VLC_ARGS, "--vout=dummy", "--aout=dummy"])
        if instance is None:
            raise RuntimeError("libVLC started without its plugins")
        player = instance.media_player_new()
        media = instance.media_new_path(str(clip.path))
        player.set_media(media)
        decoded = 0
        try:
            player.play()
            deadline = time.monotonic() + 20.0
            while time.monotonic() < deadline and player.get_state() not in (
                vlc.State.Ended,
                vlc.State.Error,
            ):
                # Read while it plays: some libVLC versions (3.0.20) zero the input's
                # statistics when it ends.
                stats = vlc.MediaStats()
                if media.get_stats(stats):
                    decoded = max(decoded, stats.decoded_video)
                time.sleep(0.05)
            state = player.get_state()
        finally:
            player.stop()
            player.release()
            media.release()
            instance.release()
    if state != vlc.State.Ended or decoded < 1:
        raise RuntimeError(f"the test clip did not play ({state}, {decoded} frames decoded)")
    return f"libVLC {vlc.libvlc_get_version().decode()} decoded {decoded} frames"


def check_face_models() -> str:
    from app.demo_platform import demo_photo  # noqa: PLC0415
    from verification.face_embedding import FaceEmbedder  # noqa: PLC0415
    from verification.landmarks import FaceAnalyzer  # noqa: PLC0415

    photo = demo_photo()
    with FaceAnalyzer(static_image_mode=True) as analyzer:
        measurement = analyzer.analyze(photo, 0)
    if measurement.face_count != 1 or measurement.landmarks is None:
        raise RuntimeError("MediaPipe found no face in the demo photo")
    embedding = FaceEmbedder().embed(photo)
    return f"MediaPipe face mesh and dlib embedding ({len(embedding.vector)} values)"


def check_sqlcipher() -> str:
    """The client's own store, written with a random key and opened again with it; the
    file must not be readable as plain SQLite."""
    import sqlcipher3  # noqa: PLC0415

    from sync.store import StudyStore  # noqa: PLC0415

    key = secrets.token_bytes(32)
    with tempfile.TemporaryDirectory(prefix="self-check-") as folder:
        path = Path(folder) / "check.db"
        StudyStore.open(path, key).close()
        StudyStore.open(path, key).close()
        if path.read_bytes()[:16] == b"SQLite format 3\0":
            raise RuntimeError("the store was written in plaintext")
    probe = sqlcipher3.connect(":memory:")
    try:
        (version,) = probe.execute("PRAGMA cipher_version").fetchone()
    finally:
        probe.close()
    return f"SQLCipher {version}, an encrypted store written and opened"


def check_key_store(machine_key: MachineKeyFile | None = None) -> str:
    """The account's key store, or the lab PC's key file when the profile chooses it."""
    import keyring  # noqa: PLC0415

    from app.diagnostics import probe_key_store  # noqa: PLC0415

    (item,) = probe_key_store(keyring.get_keyring, machine_key)
    if item.status != "ok":
        raise RuntimeError(f"{item.value or 'no backend'}: {item.detail_code}")
    return item.value


PARTS: tuple[tuple[str, Callable[[], str]], ...] = (
    ("build", check_build),
    ("qt", check_qt),
    ("libvlc", check_libvlc),
    ("face_models", check_face_models),
    ("sqlcipher", check_sqlcipher),
    ("key_store", check_key_store),
)


def run_checks(machine_key: MachineKeyFile | None = None) -> Iterator[PartResult]:
    for part, default in PARTS:
        check = functools.partial(check_key_store, machine_key) if part == "key_store" else default
        try:
            yield PartResult(part, True, check())
        except Exception as error:
            yield PartResult(part, False, f"{type(error).__name__}: {error}")


def self_check(
    out: Callable[[str], None] = print, machine_key: MachineKeyFile | None = None
) -> int:
    """Prints one line per part; 0 when every part works."""
    results = []
    for result in run_checks(machine_key):
        results.append(result)
        out(f"{'ok  ' if result.ok else 'FAIL'} {result.part}: {result.detail}")
    failed = [r.part for r in results if not r.ok]
    out("self-check passed" if not failed else f"self-check failed: {', '.join(failed)}")
    return 0 if not failed else 1
