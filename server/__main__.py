"""`python -m server`: the platform server. With no configuration it serves an SQLite
database in the user's data folder on http://127.0.0.1:8470 (OpenAPI page at /docs)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from server.config import HELP_EPILOG, ConfigError, load_config, with_local_secrets

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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
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
    from server.platform import Platform

    platform = Platform.create(config)
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
