"""The diagnostics report for support: what this machine and this client look like, with
no personal data in it. No Qt here (the page in `app.diagnostics_page` shows it).

Each probe is a plain function returning `DiagnosticItem`s; it turns its own known errors
(no camera, no libVLC, no network, no key store...) into an item with a stable
`detail_code`, so one broken part never hides the others. `collect` runs the probes on
daemon threads and returns by a deadline even when a probe hangs (a server that accepts
and never answers, a D-Bus key store that does not reply): an unfinished probe becomes an
"error" item with the code "timeout".

Privacy: no probe copies free text from outside into a value: a server's error message,
a camera's name ("Alice's iPhone"), a refusal reason or a key store secret are never
read into the report; only codes, versions, numbers, device nodes and driver names are.
On top of that every value passes through `scrub`, which replaces the home folder with
"~", the OS user name, ID numbers, phone numbers, e-mail addresses and anything
token-shaped; `report_text` scrubs the whole export again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import getpass
import importlib.metadata
import logging
import os
import platform
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import cv2
import keyring
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError

from player.backend import BackendUnavailableError, VlcBackend
from sync.engine import DEFAULT_MAX_SKEW_MS, SyncStatus
from sync.http_client import ConnectionSettings, PlatformClient, SyncError
from sync.keystore import KeyStoreError, MachineKeyFile, check_backend
from sync.sync_rules import clock_skew_ms
from verification.camera_signals import virtual_camera_evidence
from verification.frames import CameraDevice, list_cameras

log = logging.getLogger(__name__)

Status = Literal["ok", "warning", "error"]

# Report order; a probe that does not finish still has its lines, as "timeout".
KEYS: tuple[str, ...] = (
    "client_version",
    "python",
    "qt",
    "os",
    "disk_space",
    "cameras",
    "libvlc",
    "server",
    "clock_skew",
    "key_store",
    "pending_uploads",
    "last_sync",
)

# The English sources of every text this module can put into an export. The page has
# each of them as a literal `self.tr(...)` (so lupdate finds them) and hands its
# translation in as `tr`; tests/gui/test_diagnostics.py checks the two stay the same.
LABELS: dict[str, str] = {
    "client_version": "Client version",
    "python": "Python",
    "qt": "Qt / PySide6",
    "os": "Operating system",
    "disk_space": "Free space in the data folder",
    "cameras": "Cameras",
    "libvlc": "Video player (libVLC)",
    "server": "Platform server",
    "clock_skew": "Clock difference to the server",
    "key_store": "Key store",
    "pending_uploads": "Records waiting for upload",
    "last_sync": "Last synchronisation (UTC)",
}

STATUS_WORDS: dict[str, str] = {"ok": "OK", "warning": "Warning", "error": "Error"}

CODE_TEXTS: dict[str, str] = {
    "no_camera": "No camera was found.",
    "virtual_camera": "A virtual (software) camera was found.",
    "camera_error": "The cameras could not be listed.",
    "libvlc_unavailable": "libVLC is not available: reinstall the client with its VLC components.",
    "not_configured": "No server address is set up.",
    "network_down": "The server cannot be reached (network down or connection refused).",
    "dns_failure": "The server's name could not be resolved.",
    "tls_failure": "The secure connection to the server failed (certificate or TLS).",
    "tls_pin_mismatch": "The server's key is not the pinned one.",
    "timeout": "No answer in time.",
    "malformed_response": "The server's answer is not valid.",
    "server_refused": "The server refused the request.",
    "server_error": "The server reported an error.",
    "server_unhealthy": "The server answered but is not healthy.",
    "invalid_connection_settings": "The connection settings are not valid.",
    "insecure_server_address": "The server address is not secure (https is required).",
    "sync_failed": "Talking to the server failed.",
    "not_measured": "Not measured: the server was not reached.",
    "no_server_time": "The server did not send its time.",
    "clock_skew": "The computer's clock is too far from the server's: study time is not counted.",
    "no_key_store": "No secure key store is available.",
    "key_store_locked": "The key store is locked.",
    "key_store_failed": "The key store did not answer.",
    "machine_key_missing": "This lab PC's key file is missing.",
    "machine_key_denied": "This account may not read the lab PC's key file.",
    "machine_key_unsafe": "The lab PC's key file is not protected.",
    "not_signed_in": "Not signed in.",
    "offline": "Offline: records will be uploaded when the server is reachable.",
    "upload_refused": "The server refused the waiting records: contact support.",
    "never_synced": "Never synchronised.",
    "sync_overdue": "Not synchronised for more than a day.",
    "low_disk_space": "Little free space: course videos may not fit.",
    "data_folder_missing": "The data folder does not exist.",
    "disk_error": "The data folder's disk could not be read.",
    "probe_failed": "This check failed unexpectedly (see the client log).",
}

HEADER_TITLE = "Diagnostics report"
HEADER_TIME = "Collected (UTC)"

DEFAULT_TIMEOUT_S = 10.0
LOW_DISK_BYTES = 2 * 1024**3  # a course video is several hundred MB
SYNC_OVERDUE_MS = 24 * 3_600_000
_SAFE_CODE = re.compile(r"[a-z][a-z0-9_]{0,63}")


@dataclass(frozen=True)
class DiagnosticItem:
    """One line of the report. `value` is data (a version, a device node, a number),
    not prose; `detail_code` says what is wrong, stable and translated by the page."""

    key: str
    status: Status
    value: str
    detail_code: str | None = None


@dataclass(frozen=True)
class DiagnosticsReport:
    collected_at_ms: int  # wall clock, ms since the epoch (UTC)
    items: tuple[DiagnosticItem, ...]

    def item(self, key: str) -> DiagnosticItem:
        return next(item for item in self.items if item.key == key)

    @property
    def collected_at_utc(self) -> str:
        return utc_iso(self.collected_at_ms)


def utc_iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- privacy

# 居民身份证: 18 characters (17 digits and a check digit or X), or the old 15 digits.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_BEARER = re.compile(r"(?i)\bbearer\s+\S+")
_SECRET_FIELD = re.compile(
    r"(?i)\b(token|access_token|password|passwd|pwd|secret|api[_-]?key|authorization)"
    r"(\s*[:=]\s*)(\S+)"
)
_JWT = re.compile(r"\beyJ[\w-]+\.[\w-]+\.[\w-]*")
# Random-looking runs: long, and mixing upper case, lower case and digits (a session
# token, a base64 key), or long hexadecimal. Versions and OS strings have neither.
_RANDOM_RUN = re.compile(r"[A-Za-z0-9_\-+=]{20,}")
_HEX_RUN = re.compile(r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{32,}(?![0-9A-Fa-f])")
REDACTED = "[redacted]"


def _home_folders() -> list[str]:
    found = {str(Path.home()), os.path.expanduser("~"), os.environ.get("USERPROFILE", "")}
    with contextlib.suppress(RuntimeError, KeyError):
        found.add(str(Path("~").expanduser().resolve()))
    # The longest first, so /home/ann/real wins over a /home/ann symlink target.
    return sorted((h.rstrip("/\\") for h in found if len(h.rstrip("/\\")) > 1), key=len)[::-1]


def _user_names() -> list[str]:
    names = {os.environ.get(v, "") for v in ("LOGNAME", "USER", "LNAME", "USERNAME")}
    with contextlib.suppress(Exception):  # getpass raises OSError (or KeyError) without one
        names.add(getpass.getuser())
    return sorted((n for n in names if len(n) >= 2), key=len, reverse=True)


def _looks_random(run: str) -> bool:
    return (
        any(c.isupper() for c in run)
        and any(c.islower() for c in run)
        and any(c.isdigit() for c in run)
    )


def scrub(text: str, private_terms: Iterable[str] = ()) -> str:
    """`text` without personal data: the home folder becomes "~", the OS user name
    "<user>"; ID numbers, phone numbers, e-mail addresses, tokens, passwords and keys
    become "[redacted]", and so does every one of `private_terms` (the learner's name,
    login...) that the caller knows."""
    for home in _home_folders():
        text = re.sub(re.escape(home) + r"(?![A-Za-z0-9_.-])", "~", text)
    for term in sorted({t.strip() for t in private_terms if len(t.strip()) >= 2}, key=len)[::-1]:
        text = re.sub(re.escape(term), REDACTED, text, flags=re.IGNORECASE)
    for name in _user_names():
        text = re.sub(
            rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])", "<user>", text, flags=re.I
        )
    text = _SECRET_FIELD.sub(lambda m: m.group(1) + m.group(2) + REDACTED, text)
    text = _BEARER.sub(REDACTED, text)
    text = _JWT.sub(REDACTED, text)
    text = _EMAIL.sub(REDACTED, text)
    text = _ID_NUMBER.sub(REDACTED, text)
    text = _PHONE.sub(REDACTED, text)
    text = _HEX_RUN.sub(REDACTED, text)
    return _RANDOM_RUN.sub(lambda m: REDACTED if _looks_random(m.group(0)) else m.group(0), text)


def _item(key: str, status: Status, value: str = "", code: str | None = None) -> DiagnosticItem:
    """Every item is made here: its value scrubbed, its code checked to be a code."""
    if code is not None and not _SAFE_CODE.fullmatch(code):
        code = "probe_failed"
    return DiagnosticItem(key, status, scrub(value), code)


# --------------------------------------------------------------------------- probes


def probe_versions(client_version: str | None, qt_version: str) -> tuple[DiagnosticItem, ...]:
    if client_version is None:
        try:
            client_version = importlib.metadata.version("vocational-learning-client")
        except importlib.metadata.PackageNotFoundError:  # a bundle built without metadata
            client_version = "0+unknown"
    python = f"{platform.python_version()} ({platform.python_implementation()})"
    return (
        _item("client_version", "ok", client_version),
        _item("python", "ok", python),
        _item("qt", "ok", qt_version),
        _item("os", "ok", f"{platform.platform()} ({platform.machine() or 'unknown'})"),
    )


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    raise AssertionError  # pragma: no cover


def probe_disk_space(data_dir: Path, low_bytes: int = LOW_DISK_BYTES) -> tuple[DiagnosticItem, ...]:
    """Free space where the study records and course videos are kept."""
    shown = str(data_dir)
    try:
        usage = shutil.disk_usage(data_dir)
    except FileNotFoundError:
        return (_item("disk_space", "error", shown, "data_folder_missing"),)
    except OSError:
        return (_item("disk_space", "error", shown, "disk_error"),)
    value = f"{_size(usage.free)} / {_size(usage.total)} — {shown}"
    if usage.free < low_bytes:
        return (_item("disk_space", "warning", value, "low_disk_space"),)
    return (_item("disk_space", "ok", value),)


def probe_cameras(
    list_devices: Callable[[], Sequence[CameraDevice]] = list_cameras,
) -> tuple[DiagnosticItem, ...]:
    """The capture devices by node (or index), driver and virtual-camera kind. Never a
    device's name (it may be personal) and never an image: nothing is opened for frames."""
    try:
        devices = [d for d in list_devices() if d.is_capture]
    except (OSError, cv2.error):
        log.warning("cameras could not be listed", exc_info=True)
        return (_item("cameras", "error", "", "camera_error"),)
    if not devices:
        return (_item("cameras", "warning", "", "no_camera"),)
    parts, virtual = [], False
    for device in devices:
        details = [device.driver or "unknown driver"]
        signal = virtual_camera_evidence(device)
        if signal is not None:
            virtual = True
            details.append(f"virtual: {signal.kind}")
        parts.append(f"{device.label} ({'; '.join(details)})")
    value = ", ".join(parts)
    if virtual:
        return (_item("cameras", "warning", value, "virtual_camera"),)
    return (_item("cameras", "ok", value),)


def _default_vlc_version() -> str:
    backend = VlcBackend()
    try:
        return backend.version()
    finally:
        backend.release()


def probe_libvlc(version: Callable[[], str] | None = None) -> tuple[DiagnosticItem, ...]:
    """libVLC's version. `version` is usually the running player's `VlcBackend.version`
    (libvlc_get_version returns a static string: safe from any thread); without it a
    throwaway instance is made."""
    try:
        text = (version or _default_vlc_version)()
    except (BackendUnavailableError, OSError):
        log.warning("libVLC unavailable", exc_info=True)
        return (_item("libvlc", "error", "", "libvlc_unavailable"),)
    return (_item("libvlc", "ok", str(text)),)


def _diagnostic_settings(settings: ConnectionSettings, budget_s: float) -> ConnectionSettings:
    """The same server and trust, with no retries and timeouts within `budget_s`: a
    diagnosis must answer quickly, and a retried failure says nothing more."""
    return dataclasses.replace(
        settings,
        retries=0,
        connect_timeout_s=max(0.05, min(settings.connect_timeout_s, budget_s * 0.4)),
        read_timeout_s=max(0.05, min(settings.read_timeout_s, budget_s * 0.6)),
    )


def probe_server(
    settings: ConnectionSettings | None,
    *,
    budget_s: float = DEFAULT_TIMEOUT_S * 0.75,
    max_skew_ms: int = DEFAULT_MAX_SKEW_MS,
    wall_ms: Callable[[], int] = lambda: time.time_ns() // 1_000_000,
) -> tuple[DiagnosticItem, DiagnosticItem]:
    """GET /health: reachability, round trip, and the clock skew from its server_time_ms.
    Only the error's code is kept, never its message (a server's message is free text)."""
    if settings is None:
        return (
            _item("server", "warning", "", "not_configured"),
            _item("clock_skew", "warning", "", "not_measured"),
        )
    parts = urlsplit(settings.base_url)
    address = f"{parts.scheme}://{parts.netloc}"  # no path: it is configuration, not data
    unmeasured = _item("clock_skew", "warning", "", "not_measured")
    try:
        with PlatformClient(_diagnostic_settings(settings, budget_s)) as client:
            sent, started = wall_ms(), time.monotonic()
            answer = client.get("/health")
            round_trip_ms = round((time.monotonic() - started) * 1000)
            received = wall_ms()
    except SyncError as error:
        return (_item("server", "error", address, error.code), unmeasured)
    reached = f"{address}, {round_trip_ms} ms"
    healthy = isinstance(answer, dict) and answer.get("status") == "ok"
    server = (
        _item("server", "ok", reached)
        if healthy
        else _item("server", "warning", reached, "server_unhealthy")
    )
    server_ms = answer.get("server_time_ms") if isinstance(answer, dict) else None
    if not isinstance(server_ms, int) or isinstance(server_ms, bool):
        return server, _item("clock_skew", "warning", "", "no_server_time")
    skew = clock_skew_ms(sent, received, server_ms)
    value = f"{skew:+d} ms"
    if abs(skew) > max_skew_ms:
        return server, _item("clock_skew", "error", value, "clock_skew")
    return server, _item("clock_skew", "ok", value)


def _backend_name(backend: KeyringBackend) -> str:
    name = f"{type(backend).__module__}.{type(backend).__qualname__}"
    members = getattr(backend, "backends", None)
    if isinstance(members, list | tuple):
        inner = ", ".join(f"{type(m).__module__}.{type(m).__qualname__}" for m in members)
        return f"{name} ({inner})"
    return name


def probe_key_store(
    get_backend: Callable[[], KeyringBackend] = keyring.get_keyring,
    machine_key: MachineKeyFile | None = None,
) -> tuple[DiagnosticItem, ...]:
    """The key store backend and whether the client accepts it (sync.keystore's own
    check), or on a lab PC whether the machine key file is there and safe (read, never
    shown). No secret is listed or written."""
    if machine_key is not None:
        try:
            machine_key.key_for_new_store("diagnostics")
        except KeyStoreError as error:
            return (_item("key_store", "error", str(machine_key.path), error.code),)
        return (_item("key_store", "ok", str(machine_key.path)),)
    try:
        backend = get_backend()
    except KeyringError:
        log.warning("no key store backend", exc_info=True)
        return (_item("key_store", "error", "", "key_store_failed"),)
    name = _backend_name(backend)
    try:
        check_backend(backend)
    except KeyStoreError as error:
        return (_item("key_store", "error", name, error.code),)
    return (_item("key_store", "ok", name),)


def probe_sync(
    status: SyncStatus | None, now_ms: int, overdue_ms: int = SYNC_OVERDUE_MS
) -> tuple[DiagnosticItem, DiagnosticItem]:
    """Waiting uploads and the last synchronisation, from the engine's last snapshot. The
    refusal reason of a stuck outbox is not copied: only that there is one."""
    if status is None or not status.signed_in:
        return (
            _item("pending_uploads", "warning", "", "not_signed_in"),
            _item("last_sync", "warning", "", "not_signed_in"),
        )
    count = str(int(status.pending))
    if status.upload_error:
        pending = _item("pending_uploads", "error", count, "upload_refused")
    elif status.pending and not status.online:
        pending = _item("pending_uploads", "warning", count, "offline")
    else:
        pending = _item("pending_uploads", "ok", count)
    if status.last_sync_ms is None:
        return pending, _item("last_sync", "warning", "", "never_synced")
    when = utc_iso(int(status.last_sync_ms))
    if now_ms - status.last_sync_ms > overdue_ms:
        return pending, _item("last_sync", "warning", when, "sync_overdue")
    return pending, _item("last_sync", "ok", when)


# --------------------------------------------------------------------------- collect


@dataclass(frozen=True)
class _Probe:
    keys: tuple[str, ...]
    run: Callable[[], tuple[DiagnosticItem, ...]]


def _run_bounded(probes: Sequence[_Probe], timeout_s: float) -> list[DiagnosticItem]:
    """Run every probe on its own daemon thread (a hung one cannot keep the program from
    exiting) and take what has finished by the deadline."""
    results: dict[int, tuple[DiagnosticItem, ...]] = {}
    done = [threading.Event() for _ in probes]

    def run(index: int, probe: _Probe) -> None:
        try:
            results[index] = probe.run()
        except Exception:  # a bug in one probe must not hide the others
            log.exception("diagnostics probe %s failed", probe.keys[0])
            results[index] = tuple(_item(k, "error", "", "probe_failed") for k in probe.keys)
        finally:
            done[index].set()

    for index, probe in enumerate(probes):
        threading.Thread(
            target=run, args=(index, probe), name=f"diagnostics-{probe.keys[0]}", daemon=True
        ).start()
    deadline = time.monotonic() + timeout_s
    items: list[DiagnosticItem] = []
    for index, probe in enumerate(probes):
        if done[index].wait(max(0.0, deadline - time.monotonic())):
            items.extend(results[index])
        else:
            log.warning("diagnostics probe %s did not finish in time", probe.keys[0])
            items.extend(_item(k, "error", "", "timeout") for k in probe.keys)
    return items


def collect(
    *,
    data_dir: Path,
    qt_version: str,
    connection: ConnectionSettings | None = None,
    sync_status: SyncStatus | None = None,
    vlc_version: Callable[[], str] | None = None,
    key_store_backend: Callable[[], KeyringBackend] = keyring.get_keyring,
    machine_key: MachineKeyFile | None = None,
    list_devices: Callable[[], Sequence[CameraDevice]] = list_cameras,
    client_version: str | None = None,
    max_skew_ms: int = DEFAULT_MAX_SKEW_MS,
    private_terms: Sequence[str] = (),
    timeout_s: float = DEFAULT_TIMEOUT_S,
    wall_ms: Callable[[], int] = lambda: time.time_ns() // 1_000_000,
) -> DiagnosticsReport:
    """Run every probe in parallel; return within about `timeout_s` whatever hangs.

    Blocking: call it on a worker thread (`app.diagnostics_page.DiagnosticsService`).
    `private_terms` are words the caller knows to be personal (the learner's name, login)
    and wants kept out even where no probe should ever put them.
    """
    now = wall_ms()
    probes = [
        _Probe(
            ("client_version", "python", "qt", "os"),
            lambda: probe_versions(client_version, qt_version),
        ),
        _Probe(("disk_space",), lambda: probe_disk_space(data_dir)),
        _Probe(("cameras",), lambda: probe_cameras(list_devices)),
        _Probe(("libvlc",), lambda: probe_libvlc(vlc_version)),
        _Probe(
            ("server", "clock_skew"),
            lambda: probe_server(
                connection, budget_s=timeout_s * 0.75, max_skew_ms=max_skew_ms, wall_ms=wall_ms
            ),
        ),
        _Probe(("key_store",), lambda: probe_key_store(key_store_backend, machine_key)),
        _Probe(("pending_uploads", "last_sync"), lambda: probe_sync(sync_status, now)),
    ]
    found = {item.key: item for item in _run_bounded(probes, timeout_s)}
    if private_terms:
        found = {
            key: dataclasses.replace(item, value=scrub(item.value, private_terms))
            for key, item in found.items()
        }
    return DiagnosticsReport(now, tuple(found[key] for key in KEYS if key in found))


# --------------------------------------------------------------------------- export


def item_text(item: DiagnosticItem, tr: Callable[[str], str] = lambda s: s) -> str:
    """The value and, when something is wrong or missing, what the code means."""
    explained = tr(CODE_TEXTS[item.detail_code]) if item.detail_code in CODE_TEXTS else ""
    if item.value and explained:
        return f"{item.value} — {explained}"
    return item.value or explained


def report_text(report: DiagnosticsReport, tr: Callable[[str], str] = lambda s: s) -> str:
    """The plain-text export for support: a header with the collection time in UTC, then
    one line per item with its status, label, value and (in brackets, untranslated, for
    support) its code."""
    lines = [tr(HEADER_TITLE), f"{tr(HEADER_TIME)}: {report.collected_at_utc}", ""]
    for item in report.items:
        status = tr(STATUS_WORDS.get(item.status, item.status))
        label = tr(LABELS.get(item.key, item.key))
        code = f" [{item.detail_code}]" if item.detail_code else ""
        lines.append(f"[{status}] {label}: {item_text(item, tr)}{code}")
    return scrub("\n".join(lines) + "\n")
