"""Entry point: `python -m app [--demo | --server URL] [--screenshot PATH --quit-after S]`."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_data_dir

if TYPE_CHECKING:
    from sync.keystore import MachineKeyFile

log = logging.getLogger("app")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m app",
        description="Secure learning client for online vocational skills training.",
    )
    parser.add_argument("--demo", action="store_true", help="run on generated demo courses")
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="check that Qt, libVLC, the face models, SQLCipher and the key store work, "
        "print one line for each, and exit (0: all work)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="where the client keeps its data (default: the user data dir)",
    )
    parser.add_argument(
        "--lang",
        choices=("zh_CN", "en"),
        default=None,
        help="interface language (default zh_CN, or $APP_LANG)",
    )
    parser.add_argument(
        "--server",
        default=os.environ.get("APP_SERVER_URL"),
        help="the training platform's address, https://... (default: $APP_SERVER_URL)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="an institution's signed provisioning profile (default: provisioning.json "
        "beside the program, then the machine's configuration folder); it names the "
        "platform, which --server then cannot change",
    )
    parser.add_argument(
        "--kiosk",
        action="store_true",
        help="lab PC kiosk: full screen, always in front, closed only with the "
        "administrator PIN of the profile (a profile with kiosk on needs no flag, and "
        "none turns it off)",
    )
    parser.add_argument(
        "--ca-bundle",
        type=Path,
        default=None,
        help="an institution's CA certificates (PEM) to trust besides the system's",
    )
    parser.add_argument(
        "--simulated-camera",
        type=Path,
        default=None,
        help="a face photo animated as the camera (demo and test runs only; refused in a "
        "packaged build)",
    )
    parser.add_argument(
        "--tour",
        action="store_true",
        help="demo only: sign in, pass the face check, study a little and show the records "
        "by itself (a scripted learner clicking the real buttons)",
    )
    parser.add_argument(
        "--autopilot",
        type=Path,
        default=None,
        help="a JSON list of scripted learner steps (tests; refused in a packaged build)",
    )
    parser.add_argument(
        "--screenshots-dir",
        type=Path,
        default=None,
        help="where the tour or the autopilot writes its screenshots",
    )
    parser.add_argument(
        "--quit-when-done",
        action="store_true",
        help="quit when the tour ends (headless demo runs)",
    )
    parser.add_argument(
        "--screenshot",
        type=Path,
        default=None,
        help="write a PNG of the main window before quitting",
    )
    parser.add_argument(
        "--quit-after",
        type=float,
        default=None,
        help="quit after this many seconds (for headless checks)",
    )
    return parser.parse_args(argv)


def _use_bundled_vlc() -> None:
    """A packaged Windows build carries VLC in its `vlc` folder; python-vlc is told
    where (a Linux package uses the system's libVLC, which it finds by itself)."""
    if not getattr(sys, "frozen", False):
        return
    bundled = Path(sys.executable).resolve().parent / "vlc"
    if (bundled / "libvlc.dll").exists():
        os.environ.setdefault("PYTHON_VLC_LIB_PATH", str(bundled / "libvlc.dll"))
        os.environ.setdefault("PYTHON_VLC_MODULE_PATH", str(bundled))
        os.environ.setdefault("VLC_PLUGIN_PATH", str(bundled / "plugins"))


def _machine_key(args: argparse.Namespace) -> MachineKeyFile | None:
    """The lab PC's key file when the provisioning profile chooses it (for the
    self-check, which must check the key the client will use)."""
    from app.build_info import BuildInfoError, build_info  # noqa: PLC0415
    from app.provisioning import choose_platform, profile_locations, store_keys  # noqa: PLC0415
    from sync.keystore import MachineKeyFile  # noqa: PLC0415

    try:
        build = build_info()
    except BuildInfoError:
        return None  # the build line of the self-check says what is broken
    choice = choose_platform(
        build, demo=False, server=None, profile_path=args.profile, locations=profile_locations()
    )
    keys = store_keys(choice, build)
    return keys if isinstance(keys, MachineKeyFile) else None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    _use_bundled_vlc()
    data_dir = args.data_dir or Path(
        os.environ.get("APP_DATA_DIR") or user_data_dir("vocational-learning-client")
    )
    data_dir.mkdir(parents=True, exist_ok=True)
    if args.self_check:
        from app.self_check import self_check  # noqa: PLC0415

        # Also in a file: a Windows build has no console to print to.
        lines: list[str] = []

        def say(line: str) -> None:
            print(line, flush=True)
            lines.append(line)

        code = self_check(say, _machine_key(args))
        (data_dir / "self-check.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        return code

    from server.json_logs import configure_logging  # noqa: PLC0415 - after arg parsing

    configure_logging(data_dir / "client.log")

    from app.application import run  # noqa: PLC0415 - Qt loads only when needed

    return run(args, data_dir)


if __name__ == "__main__":
    sys.exit(main())
