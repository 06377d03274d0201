"""`python -m server`: the platform server. With no configuration it serves an SQLite
database in the user's data folder on http://127.0.0.1:8470 (OpenAPI page at /docs)."""

from __future__ import annotations

import argparse
import base64
import logging
import sys
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

from server.config import HELP_EPILOG, ConfigError, load_config, with_local_secrets

if TYPE_CHECKING:
    from server.platform import Platform

log = logging.getLogger("server")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m server",
        description="Platform server for online vocational skills training "
        "(粤人社函〔2023〕339号).",
        epilog=HELP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--config", type=Path, help="a TOML configuration file")
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default 8470)")
    parser.add_argument("--data-dir", type=Path, help="folder of the SQLite file and secrets")
    parser.add_argument("--demo", action="store_true", default=None, help="demo mode")
    parser.add_argument(
        "--migrate-only", action="store_true", help="upgrade the database schema and exit"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    sign = commands.add_parser(
        "sign-profile",
        help="sign an institution's provisioning profile (TOML) for its installer",
        description="Signs the profile with the platform's provisioning key and records "
        "it, so clients running under it are admitted (require_known_profile).",
    )
    sign.add_argument("profile", type=Path, help="the institution's profile, TOML")
    sign.add_argument("--out", type=Path, required=True, help="the signed profile to write")
    commands.add_parser(
        "kiosk-pin-hash",
        help="hash a kiosk exit PIN (read from the terminal) for a profile's kiosk_exit_pin",
    )
    commands.add_parser(
        "provisioning-key",
        help="print the platform's provisioning public key (base64) for installer builds",
    )
    publish = commands.add_parser(
        "publish-release",
        help="offer a client installer as the newest release, signed by the release key",
    )
    publish.add_argument("installer", type=Path, help="the .deb or the Windows setup program")
    publish.add_argument("--version", required=True, help="its version, MAJOR.MINOR.PATCH")
    publish.add_argument("--target", required=True, choices=("linux-deb", "windows-setup"))
    publish.add_argument("--channel", default="stable", choices=("stable", "beta"))
    commands.add_parser(
        "release-key",
        help="print the platform's release public key (base64) for installer builds",
    )
    return parser


def _publish_release(platform: Platform, args: argparse.Namespace) -> int:
    from server.releases import publish_release

    try:
        with platform.transaction() as db:
            release = publish_release(
                platform, db, args.installer, args.version, args.target, args.channel
            )
    except (OSError, ValueError) as error:
        print(f"the release cannot be published: {error}", file=sys.stderr)
        return 2
    print(f"published {release.version} for {release.target} ({release.sha256})")
    return 0


def _sign_profile(platform: Platform, profile: Path, out: Path) -> int:
    from records.canonical import CanonicalJsonError
    from server.provisioning import sign_institution_profile

    try:
        fields = tomllib.loads(profile.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        print(f"cannot read the profile {profile}: {error}", file=sys.stderr)
        return 2
    try:
        with platform.transaction() as db:
            document = sign_institution_profile(platform, db, fields, actor="command line")
    except (ValueError, CanonicalJsonError) as error:
        print(f"the profile cannot be used: {error}", file=sys.stderr)
        return 2
    out.write_bytes(document)
    print(f"signed {out}")
    return 0


def _kiosk_pin_hash() -> int:
    """Prints the hash line for the profile; the PIN itself is never echoed or kept."""
    import getpass

    from wire.provisioning import hash_exit_pin

    if sys.stdin.isatty():
        pin = getpass.getpass("kiosk exit PIN: ")
        if getpass.getpass("again: ") != pin:
            print("the two PINs differ", file=sys.stderr)
            return 2
    else:
        pin = sys.stdin.readline().strip()
    try:
        print(f'kiosk_exit_pin = "{hash_exit_pin(pin)}"')
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0911 - one per command
    args = build_parser().parse_args(argv)
    if args.command == "kiosk-pin-hash":  # needs no configuration
        return _kiosk_pin_hash()
    from server.json_logs import configure_logging

    configure_logging(None)
    try:
        config = load_config(
            args.config,
            overrides={
                "host": args.host,
                "port": args.port,
                "data_dir": args.data_dir,
                "demo": args.demo,
            },
        )
        config, from_files = with_local_secrets(config)
    except (ConfigError, OSError) as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    for name in from_files:
        log.warning(
            "secret read from a local file; production should configure it",
            extra={"data": {"setting": name, "data_dir": str(config.data_dir)}},
        )
    import uvicorn

    from server.api import create_app

    if args.command in ("provisioning-key", "release-key"):
        from wire.provisioning import raw_public_key

        private = (
            config.provisioning_private_key()
            if args.command == "provisioning-key"
            else config.release_private_key()
        )
        print(base64.b64encode(raw_public_key(private)).decode("ascii"))
        return 0
    from server.platform import Platform

    platform = Platform.create(config)
    if args.command == "sign-profile":
        return _sign_profile(platform, args.profile, args.out)
    if args.command == "publish-release":
        return _publish_release(platform, args)
    if args.migrate_only:
        log.info("schema up to date", extra={"data": {"event": "migrated"}})
        return 0
    log.info(
        "serving",
        extra={
            "data": {
                "event": "serving",
                "host": config.host,
                "port": config.port,
                "database": platform.engine.url.get_backend_name(),
                "demo": config.demo,
            }
        },
    )
    uvicorn.run(
        create_app(platform),
        host=config.host,
        port=config.port,
        log_config=None,
        access_log=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
