"""Server configuration: defaults, then a TOML file, then the environment, then the
command line, each overriding the one before.

With nothing configured the server runs for a demo or a small centre: an SQLite file
and the secrets in files of their own in the data folder (never in the database). A
production deployment sets DATABASE_URL to PostgreSQL and gives the master key from its
secret store (PLATFORM_MASTER_KEY), so the database and the key never travel together.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import platformdirs
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from server.field_crypto import generate_master_key, master_key_from_config
from wire.releases import version_key

ENV_PREFIX = "PLATFORM_"
DEFAULT_PORT = 8470


class ConfigError(ValueError):
    """A configuration that cannot be used; the message says which setting and why."""


@dataclass(frozen=True)
class ServerConfig:
    data_dir: Path = field(
        default_factory=lambda: Path(platformdirs.user_data_dir("vocational-platform"))
    )
    database_url: str = ""  # empty: sqlite file `platform.db` in data_dir
    media_dir: str = ""  # empty: `media` in data_dir
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    master_key: str = ""  # base64 of 32 bytes; empty: a key file in data_dir
    admin_token: str = ""  # empty: a token file in data_dir
    # base64 of the 32-byte Ed25519 seed that signs institutions' provisioning profiles;
    # empty: a key file in data_dir. Its public half is built into the installers.
    provisioning_key: str = ""
    # base64 of the Ed25519 seed that signs client releases (updates); empty: a key file
    # in data_dir. Its public half is built into the installers as well.
    release_key: str = ""
    # Clients below this version are refused at sign-in with what to install (empty:
    # any), and with require_known_profile so are clients with no profile this platform
    # signed (source and demo builds have none).
    min_client_version: str = ""
    require_known_profile: bool = False
    demo: bool = False  # demo mode: the SMS gateway writes codes to the log
    sms_gateway: str = "dev-log"  # the only gateway built in; refused outside demo mode
    log_level: str = "info"
    # Login protection.
    max_failed_logins: int = 5
    lockout_ms: int = 15 * 60_000
    login_rate_per_minute: int = 20  # per client address
    sms_code_ttl_ms: int = 5 * 60_000
    login_challenge_ttl_ms: int = 5 * 60_000
    max_face_attempts: int = 3
    # Face matching: at most this many matches running or waiting (one runs at a time);
    # one more is answered 503 with Retry-After at once instead of stalling sign-ins.
    face_match_capacity: int = 4
    face_checks_per_minute: int = 6  # per learner, sign-in and study together
    # A sign-in ends after this long without a request (the client calls every few
    # seconds while it runs) and, whatever happens, this long after it began.
    session_idle_ms: int = 30 * 60_000
    session_max_ms: int = 12 * 3_600_000
    # The course test (server.test_rules): attempts a day, the pause after a failed
    # attempt, the share of the course to watch first, how long a paper stays open.
    test_attempts_per_day: int = 3
    test_cooldown_ms: int = 10 * 60_000
    test_min_coverage_percent: int = 80
    test_sitting_ms: int = 60 * 60_000
    # Study.
    max_clock_skew_ms: int = 30_000
    offline_limit_ms: int = 10 * 60_000
    max_batch_events: int = 1000
    face_match_threshold: float = 0.5  # see verification/README.md
    checks_per_video_min: int = 1
    check_every_ms: int = 20 * 60_000  # one more check per this much video

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'platform.db'}"

    @property
    def resolved_media_dir(self) -> Path:
        return Path(self.media_dir) if self.media_dir else self.data_dir / "media"

    def provisioning_private_key(self) -> Ed25519PrivateKey:
        return _signing_key(self.provisioning_key, "provisioning_key")

    def release_private_key(self) -> Ed25519PrivateKey:
        return _signing_key(self.release_key, "release_key")

    def master_key_bytes(self) -> bytes:
        try:
            return master_key_from_config(self.master_key)
        except ValueError as error:
            raise ConfigError(f"master_key: {error}") from error


def _signing_key(text: str, name: str) -> Ed25519PrivateKey:
    try:
        return Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))
    except (binascii.Error, ValueError) as error:
        raise ConfigError(f"{name}: not base64 of 32 bytes") from error


_ENV_ALIASES = {"DATABASE_URL": "database_url"}


def _coerce(name: str, raw: object, kind: object) -> object:  # noqa: PLR0911
    try:
        if kind in ("int", int):
            return int(raw)  # type: ignore[call-overload]
        if kind in ("float", float):
            return float(raw)  # type: ignore[arg-type]
        if kind in ("bool", bool):
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError(text)
        if kind in ("Path", Path):
            return Path(str(raw))
        return str(raw)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{name}: cannot use {raw!r} as {kind}") from error


def load_config(
    config_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, object] | None = None,
) -> ServerConfig:
    environ = os.environ if environ is None else environ
    kinds = {item.name: item.type for item in fields(ServerConfig)}
    values: dict[str, object] = {}
    config_file = config_file or (
        Path(environ[ENV_PREFIX + "CONFIG"]) if environ.get(ENV_PREFIX + "CONFIG") else None
    )
    if config_file is not None:
        try:
            data = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except OSError as error:
            message = f"cannot read the configuration file {config_file}: {error}"
            raise ConfigError(message) from error
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{config_file} is not valid TOML: {error}") from error
        for name, raw in data.items():
            if name not in kinds:
                raise ConfigError(f"{config_file}: unknown setting {name!r}")
            values[name] = _coerce(name, raw, kinds[name])
    for env_name, name in _ENV_ALIASES.items():
        if environ.get(env_name):
            values[name] = environ[env_name]
    for name, kind in kinds.items():
        raw = environ.get(ENV_PREFIX + name.upper())
        if raw:
            values[name] = _coerce(name, raw, kind)
    for name, raw in (overrides or {}).items():
        if raw is not None:
            values[name] = _coerce(name, raw, kinds[name])
    config = ServerConfig(**values)  # type: ignore[arg-type]
    _check(config)
    return config


def _check(config: ServerConfig) -> None:
    """Settings that parse but cannot be used."""
    if config.min_client_version:
        try:
            version_key(config.min_client_version)
        except ValueError as error:
            raise ConfigError(f"min_client_version: {error}") from error
    if config.sms_gateway != "dev-log":
        raise ConfigError(f"sms_gateway: unknown gateway {config.sms_gateway!r}")


def _secret_file(path: Path, make: object) -> str:
    """Read a secret kept in its own file, creating it (owner-only) the first time."""
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()  # type: ignore[operator]
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
    return value


def with_local_secrets(config: ServerConfig) -> tuple[ServerConfig, list[str]]:
    """Fill an unset master key or admin token from files beside the database.

    Returns the completed configuration and the names of the secrets that came from
    files, so the caller can warn that production should configure them."""
    from_files = []
    if not config.master_key:
        key = _secret_file(config.data_dir / "master.key", generate_master_key)
        config = replace(config, master_key=key)
        from_files.append("master_key")
    if not config.admin_token:
        token = _secret_file(config.data_dir / "admin.token", lambda: secrets.token_urlsafe(32))
        config = replace(config, admin_token=token)
        from_files.append("admin_token")
    if not config.provisioning_key:
        key = _secret_file(config.data_dir / "provisioning.key", generate_master_key)
        config = replace(config, provisioning_key=key)
        from_files.append("provisioning_key")
    if not config.release_key:
        key = _secret_file(config.data_dir / "release.key", generate_master_key)
        config = replace(config, release_key=key)
        from_files.append("release_key")
    config.provisioning_private_key()
    config.release_private_key()
    config.master_key_bytes()  # fail now, not at the first request
    return config, from_files


HELP_EPILOG = f"""\
Settings (a TOML file given by --config or {ENV_PREFIX}CONFIG, then environment
variables {ENV_PREFIX}<NAME> in upper case, then these options):
  database_url   SQLAlchemy URL; also read from DATABASE_URL. Default: an SQLite file
                 platform.db in data_dir. Production: postgresql+psycopg://user@host/db
  data_dir       folder of the SQLite file, media and the local secret files
  media_dir      folder of the course videos (default: data_dir/media)
  master_key     base64 of 32 random bytes that encrypts personal data (AES-GCM) and keys
                 the lookup hashes. Default: data_dir/master.key, created once. Keep it
                 out of the database and its backups; losing it loses the personal data.
  admin_token    bearer token of the administration endpoints (default:
                 data_dir/admin.token, created once)
  provisioning_key  base64 of the Ed25519 seed that signs provisioning profiles
                 (default: data_dir/provisioning.key, created once); keep a copy offline
  release_key    base64 of the Ed25519 seed that signs client releases (default:
                 data_dir/release.key, created once); keep a copy offline
  min_client_version  refuse clients below this MAJOR.MINOR.PATCH at sign-in
  require_known_profile  true: refuse clients without a profile this platform signed
  demo           true: demo mode; the development SMS gateway writes codes to the log
  face_match_threshold, max_failed_logins, lockout_ms, offline_limit_ms,
  max_clock_skew_ms, max_batch_events and others: see server/config.py
"""
