"""Entry point: `python -m app [--demo] [--screenshot PATH --quit-after SECONDS]`."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from platformdirs import user_data_dir

log = logging.getLogger("app")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m app",
        description="Secure learning client for online vocational skills training.",
    )
    parser.add_argument("--demo", action="store_true", help="run on generated demo courses")
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
        "--course", default=None, help="demo course id to open at start (default: the first)"
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


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    data_dir = args.data_dir or Path(
        os.environ.get("APP_DATA_DIR") or user_data_dir("vocational-learning-client")
    )
    data_dir.mkdir(parents=True, exist_ok=True)

    from server.json_logs import configure_logging  # noqa: PLC0415 - after arg parsing

    configure_logging(data_dir / "client.log")
    if not args.demo:
        # Until the sign-in and sync issues land there is no other catalogue to play.
        print("Only --demo is available in this build.", file=sys.stderr)
        return 2

    from app.application import run  # noqa: PLC0415 - Qt loads only when needed

    return run(args, data_dir)


if __name__ == "__main__":
    sys.exit(main())
