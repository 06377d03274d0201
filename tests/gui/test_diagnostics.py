"""The diagnostics report for support (app/diagnostics.py) and its page
(app/diagnostics_page.py).

Real probes wherever the machine has the real thing: libVLC's own version, the real
platform server (uvicorn on loopback, tests/support/server_harness.py) for reachability and
clock skew, real sockets for a closed port, a server that never answers and one that
answers garbage, and list_cameras on a fake sysfs tree for the virtual-camera branch.
"""

from __future__ import annotations

import ast
import base64
import contextlib
import functools
import importlib.util
import json
import os
import re
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from keyring.backends import fail
from keyring.errors import KeyringError

from app import diagnostics
from app.diagnostics import (
    CODE_TEXTS,
    HEADER_TIME,
    HEADER_TITLE,
    KEYS,
    LABELS,
    STATUS_WORDS,
    DiagnosticItem,
    DiagnosticsReport,
    collect,
    probe_cameras,
    probe_disk_space,
    probe_key_store,
    probe_libvlc,
    probe_server,
    probe_sync,
    report_text,
    scrub,
)
from player.backend import BackendUnavailableError, VlcBackend
from sync.engine import SyncStatus
from sync.http_client import ConnectionSettings, SyncError
from sync.keystore import KeyStoreError, MachineKeyFile
from tests.support._store_child import MemoryKeyring
from tests.support.server_harness import ID_NUMBERS, LiveServer
from verification.frames import list_cameras

REPO = Path(__file__).resolve().parents[2]
PAGE_SOURCE = REPO / "app" / "diagnostics_page.py"
ZH_FILE = REPO / "resources" / "i18n" / "zh_CN_strings_diagnostics.py"

FAKE_NAME = "张伟"
FAKE_LOGIN = "zhangwei1990"
ID_NUMBER = ID_NUMBERS[0]  # 44010619900307001X, valid check digit, made-up person
PHONE = "13800138000"
TOKEN = "tok_8fJ2kQ9xLm3Pz7Rv5Tn1Wc4Yb6Hd0Sg"
PASSWORD = "Secret-Passw0rd!"


def closed_port() -> int:
    """A loopback port nobody listens on (bound once, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def quick(**overrides: object) -> DiagnosticsReport:
    """A report from fast, deterministic inputs (no server, no real key store)."""
    inputs: dict[str, object] = {
        "data_dir": Path.cwd(),
        "qt_version": "Qt 6.test, PySide6 6.test",
        "connection": None,
        "vlc_version": lambda: "3.0.test",
        "key_store_backend": MemoryKeyring,
        "list_devices": list,
        "timeout_s": 5.0,
    }
    inputs.update(overrides)
    return collect(**inputs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- raw servers


class RawServer:
    """A TCP listener on loopback whose every connection gets `answer(connection)`."""

    def __init__(self, answer: Callable[[socket.socket], None]) -> None:
        self._answer = answer
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._held.append(connection)
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._listener.close()
        for connection in self._held:
            with contextlib.suppress(OSError):
                connection.close()


def _read_request(connection: socket.socket) -> None:
    connection.settimeout(5)
    data = b""
    with contextlib.suppress(OSError):
        while b"\r\n\r\n" not in data:
            chunk = connection.recv(4096)
            if not chunk:
                break
            data += chunk


def say_nothing(connection: socket.socket) -> None:
    """Accept and never answer (the connection stays open until the server closes)."""


def garbage(connection: socket.socket) -> None:
    _read_request(connection)
    connection.sendall(b"SSH-2.0-OpenSSH_9.6 not http at all\r\n\r\n")
    connection.close()


def refuse_with_personal_message(connection: socket.socket) -> None:
    """A 403 whose message holds personal data: none of it may reach the report."""
    _read_request(connection)
    body = json.dumps(
        {
            "code": "learner_blocked",
            "message": f"{FAKE_NAME} {ID_NUMBER} {PHONE} Bearer {TOKEN} password={PASSWORD}",
        },
        ensure_ascii=False,
    ).encode()
    connection.sendall(
        b"HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        + body
    )
    connection.close()


@pytest.fixture
def raw_server() -> Iterator[Callable[[Callable[[socket.socket], None]], RawServer]]:
    made: list[RawServer] = []

    def start(answer: Callable[[socket.socket], None]) -> RawServer:
        server = RawServer(answer)
        made.append(server)
        return server

    yield start
    for server in made:
        server.close()


@pytest.fixture
def platform_server(tmp_path: Path) -> Iterator[LiveServer]:
    with LiveServer.running(tmp_path / "server", f"sqlite:///{tmp_path / 'platform.db'}") as live:
        yield live


# --------------------------------------------------------------------------- the report


def test_collect_gives_every_item_once_in_order() -> None:
    report = quick()
    assert [item.key for item in report.items] == list(KEYS)
    assert all(item.status in ("ok", "warning", "error") for item in report.items)
    assert report.item("qt").value == "Qt 6.test, PySide6 6.test"
    assert report.item("python").value.startswith(f"{sys.version_info.major}.")
    assert report.item("os").status == "ok" and report.item("os").value
    assert report.item("libvlc") == DiagnosticItem("libvlc", "ok", "3.0.test")
    assert report.item("server").detail_code == "not_configured"
    assert report.item("clock_skew").detail_code == "not_measured"
    assert abs(report.collected_at_ms - now_ms()) < 10_000


def test_report_text_has_a_utc_header_and_one_line_per_item() -> None:
    report = quick()
    text = report_text(report)
    lines = text.splitlines()
    assert lines[0] == HEADER_TITLE
    assert re.fullmatch(rf"{re.escape(HEADER_TIME)}: \d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ", lines[1])
    assert lines[1].endswith(report.collected_at_utc)
    body = [line for line in lines[2:] if line]
    assert len(body) == len(KEYS)
    for line, item in zip(body, report.items, strict=True):
        assert line.startswith(f"[{STATUS_WORDS[item.status]}] {LABELS[item.key]}: ")
        if item.detail_code:
            assert line.endswith(f"[{item.detail_code}]")
            assert CODE_TEXTS[item.detail_code] in line
    assert "[Warning] Platform server: No server address is set up. [not_configured]" in body
    # A translation is applied to every label, status and explanation.
    shouting = report_text(report, tr=str.upper)
    assert shouting.startswith(HEADER_TITLE.upper()) and "[WARNING] PLATFORM SERVER:" in shouting


def test_every_known_error_code_has_an_explanation() -> None:
    def codes(cls: type) -> set[str]:
        return {cls.code} | {c for sub in cls.__subclasses__() for c in codes(sub)}

    # A download's own outcomes (a course video, an update) never come from the server
    # probe.
    download_only = {"media_checksum_mismatch", "release_file_mismatch", "cancelled"}
    assert codes(SyncError) - download_only <= set(CODE_TEXTS)
    assert codes(KeyStoreError) <= set(CODE_TEXTS)


# --------------------------------------------------------------------------- libVLC


def test_libvlc_version_from_the_real_backend() -> None:
    backend = VlcBackend()
    try:
        (item,) = probe_libvlc(backend.version)
    finally:
        backend.release()
    assert item.status == "ok" and re.match(r"\d+\.\d+\.\d+", item.value), item
    # Without a running player, a throwaway instance answers the same.
    assert probe_libvlc() == (item,)


def test_libvlc_unavailable() -> None:
    def broken() -> str:
        raise BackendUnavailableError("libVLC could not be loaded: libvlc.so.5 not found")

    assert probe_libvlc(broken) == (DiagnosticItem("libvlc", "error", "", "libvlc_unavailable"),)


# --------------------------------------------------------------------------- the server


def test_the_real_server_is_reachable_with_a_small_skew(platform_server: LiveServer) -> None:
    server, skew = probe_server(ConnectionSettings(platform_server.base_url))
    assert server.status == "ok" and server.detail_code is None, server
    assert re.fullmatch(rf"{re.escape(platform_server.base_url)}, \d+ ms", server.value)
    assert skew.status == "ok", skew
    assert abs(int(skew.value.removesuffix(" ms"))) < 1000


def test_a_wrong_clock_is_an_error(platform_server: LiveServer) -> None:
    late = lambda: now_ms() - 3_600_000  # noqa: E731 - this machine's clock an hour behind
    _server, skew = probe_server(ConnectionSettings(platform_server.base_url), wall_ms=late)
    assert skew.status == "error" and skew.detail_code == "clock_skew"
    assert 3_500_000 < int(skew.value.removesuffix(" ms")) < 3_700_000


def test_a_closed_port_is_network_down() -> None:
    settings = ConnectionSettings(f"http://127.0.0.1:{closed_port()}")
    server, skew = probe_server(settings)
    assert (server.status, server.detail_code) == ("error", "network_down")
    assert (skew.status, skew.detail_code) == ("warning", "not_measured")


def test_a_server_that_never_answers_is_a_timeout_within_the_bound(raw_server) -> None:
    silent = raw_server(say_nothing)
    settings = ConnectionSettings(silent.url, read_timeout_s=60, retries=5)
    started = time.monotonic()
    report = quick(connection=settings, timeout_s=2.0)
    elapsed = time.monotonic() - started
    assert elapsed < 3.0, elapsed
    assert report.item("server").detail_code == "timeout"
    assert report.item("server").status == "error"
    assert report.item("libvlc").status == "ok"  # the other probes are all there


def test_a_garbage_answer_is_malformed(raw_server) -> None:
    server, _skew = probe_server(ConnectionSettings(raw_server(garbage).url))
    assert (server.status, server.detail_code) == ("error", "malformed_response")


def test_plain_http_is_refused_off_loopback() -> None:
    with pytest.raises(SyncError) as refused:
        ConnectionSettings("http://platform.example.org")
    assert refused.value.code == "insecure_server_address"


# --------------------------------------------------------------------------- the key store


def test_a_usable_key_store_is_named_and_no_secret_is_touched() -> None:
    class Untouchable(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            raise AssertionError("diagnostics must not read a secret")

        def set_password(self, service: str, username: str, password: str) -> None:
            raise AssertionError("diagnostics must not write a secret")

    (item,) = probe_key_store(Untouchable)
    assert item.status == "ok" and item.value.endswith("Untouchable"), item


def test_no_key_store() -> None:
    (item,) = probe_key_store(fail.Keyring)
    assert (item.status, item.detail_code) == ("error", "no_key_store")
    assert item.value == "keyring.backends.fail.Keyring"


def test_a_key_store_that_fails_to_load() -> None:
    def broken() -> MemoryKeyring:
        raise KeyringError("the Secret Service did not answer")

    assert probe_key_store(broken) == (
        DiagnosticItem("key_store", "error", "", "key_store_failed"),
    )


def test_a_lab_pcs_machine_key_file_is_checked_instead_of_the_key_ring(tmp_path) -> None:
    path = tmp_path / "machine.key"
    keys = MachineKeyFile(path, owner_uid=os.geteuid())
    (missing,) = probe_key_store(fail.Keyring, keys)
    assert (missing.status, missing.detail_code) == ("error", "machine_key_missing")
    assert missing.value.endswith("/machine.key")  # a user name in the path is scrubbed
    path.write_text(base64.b64encode(os.urandom(32)).decode())
    path.chmod(0o644)
    (unsafe,) = probe_key_store(fail.Keyring, keys)
    assert unsafe.detail_code == "machine_key_unsafe"
    path.chmod(0o640)
    (usable,) = probe_key_store(fail.Keyring, keys)
    assert (usable.status, usable.detail_code) == ("ok", None)


def test_a_hung_key_store_does_not_hold_up_the_report() -> None:
    never = threading.Event()

    def hung() -> MemoryKeyring:
        never.wait(30)
        return MemoryKeyring()

    started = time.monotonic()
    report = quick(key_store_backend=hung, timeout_s=1.0)
    assert time.monotonic() - started < 2.0
    never.set()
    assert report.item("key_store") == DiagnosticItem("key_store", "error", "", "timeout")
    assert [item.key for item in report.items] == list(KEYS)


# --------------------------------------------------------------------------- cameras


def _fake_sysfs(root: Path) -> Path:
    """/sys with a USB webcam named after its owner and a v4l2loopback device."""
    sys_root = root / "sys"
    klass = sys_root / "class" / "video4linux"
    klass.mkdir(parents=True)
    drivers = sys_root / "bus" / "usb" / "drivers" / "uvcvideo"
    drivers.mkdir(parents=True)
    usb_if = sys_root / "devices" / "pci0000:00" / "usb1" / "1-2" / "1-2:1.0"
    node = usb_if / "video4linux" / "video0"
    node.mkdir(parents=True)
    (node / "name").write_text(f"{FAKE_NAME}'s iPhone Camera\n")
    (node / "index").write_text("0\n")
    os.symlink(usb_if, node / "device")
    os.symlink(node, klass / "video0")
    os.symlink(drivers, usb_if / "driver")
    os.symlink(sys_root / "bus" / "usb", usb_if / "subsystem")
    loop = sys_root / "devices" / "virtual" / "video4linux" / "video7"
    loop.mkdir(parents=True)
    (loop / "name").write_text("Dummy video device (0x0000)\n")
    (loop / "index").write_text("0\n")
    (loop / "max_openers").write_text("10\n")
    os.symlink(loop, klass / "video7")
    return sys_root


def test_no_camera_is_a_warning() -> None:
    assert probe_cameras(lambda: []) == (DiagnosticItem("cameras", "warning", "", "no_camera"),)


def test_a_virtual_camera_is_a_warning_and_names_stay_out(tmp_path: Path) -> None:
    dev_root = tmp_path / "dev"
    lister = functools.partial(list_cameras, _fake_sysfs(tmp_path), dev_root)
    (item,) = probe_cameras(lister)
    assert (item.status, item.detail_code) == ("warning", "virtual_camera")
    assert "video0 (uvcvideo)" in item.value
    assert "video7 (v4l2loopback; virtual: v4l2loopback)" in item.value
    assert FAKE_NAME not in item.value and "iPhone" not in item.value


def test_real_cameras_only(tmp_path: Path) -> None:
    sys_root = _fake_sysfs(tmp_path)
    (sys_root / "class" / "video4linux" / "video7").unlink()
    (item,) = probe_cameras(functools.partial(list_cameras, sys_root, tmp_path / "dev"))
    assert item.status == "ok" and item.detail_code is None and "uvcvideo" in item.value


def test_cameras_that_cannot_be_listed() -> None:
    def broken() -> list:
        raise OSError(5, "Input/output error")

    assert probe_cameras(broken) == (DiagnosticItem("cameras", "error", "", "camera_error"),)


def test_a_bug_in_one_probe_hides_nothing_else() -> None:
    report = quick(list_devices=lambda: 1 / 0)
    assert report.item("cameras") == DiagnosticItem("cameras", "error", "", "probe_failed")
    assert report.item("libvlc").status == "ok" and report.item("key_store").status == "ok"


# --------------------------------------------------------------------------- disk and sync


def test_disk_space(tmp_path: Path) -> None:
    (item,) = probe_disk_space(tmp_path, low_bytes=0)
    assert item.status == "ok" and re.match(r"\d+\.\d (GB|MB) / \d+\.\d (GB|MB) — ", item.value)
    (low,) = probe_disk_space(tmp_path, low_bytes=2**62)
    assert (low.status, low.detail_code) == ("warning", "low_disk_space")
    (missing,) = probe_disk_space(tmp_path / "gone")
    assert (missing.status, missing.detail_code) == ("error", "data_folder_missing")


def test_sync_status() -> None:
    now = now_ms()
    assert [i.detail_code for i in probe_sync(None, now)] == ["not_signed_in"] * 2
    assert [i.detail_code for i in probe_sync(SyncStatus(), now)] == ["not_signed_in"] * 2
    pending, last = probe_sync(SyncStatus(pending=0, last_sync_ms=now - 5000, signed_in=True), now)
    assert (pending.status, pending.value, last.status) == ("ok", "0", "ok")
    assert last.value == diagnostics.utc_iso(now - 5000)
    offline, _ = probe_sync(SyncStatus(pending=7, online=False, signed_in=True), now)
    assert (offline.status, offline.value, offline.detail_code) == ("warning", "7", "offline")
    stuck, never = probe_sync(
        SyncStatus(pending=2, upload_error="hash_mismatch", signed_in=True), now
    )
    assert (stuck.status, stuck.detail_code, never.detail_code) == (
        "error",
        "upload_refused",
        "never_synced",
    )
    _, old = probe_sync(SyncStatus(last_sync_ms=now - 2 * 86_400_000, signed_in=True), now)
    assert (old.status, old.detail_code) == ("warning", "sync_overdue")


# --------------------------------------------------------------------------- privacy


def test_scrub() -> None:
    home = str(Path.home())
    text = (
        f"{home}/data {FAKE_LOGIN} {ID_NUMBER} 440106900307002 +86 138-0013-8000 {PHONE} "
        f"ann@example.cn Bearer {TOKEN} token={TOKEN[:8]} password: {PASSWORD} {TOKEN} "
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig " + "ab12" * 10
    )
    cleaned = scrub(text, private_terms=[FAKE_LOGIN])
    assert cleaned.startswith("~/data ")
    for secret in (home, FAKE_LOGIN, ID_NUMBER, "440106900307002", PHONE, "138-0013", "ann@"):
        assert secret not in cleaned
    for secret in (TOKEN, TOKEN[:8], PASSWORD, "eyJhbGci", "ab12ab12"):
        assert secret not in cleaned
    # What support needs stays readable.
    kept = (
        "Linux-6.8.0-49-generic-x86_64-with-glibc2.39 3.0.21 Vetinari /dev/video0 "
        "keyring.backends.SecretService.Keyring http://127.0.0.1:8443, 12 ms -25 ms "
        "63.2 GB / 252.0 GB 2026-01-02T03:04:05Z v4l2loopback uvcvideo"
    )
    assert scrub(kept) == kept


def test_the_os_user_name_is_replaced(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home" / FAKE_LOGIN))
    for variable in ("USER", "LOGNAME"):
        monkeypatch.setenv(variable, FAKE_LOGIN)
    assert scrub(f"/srv/{FAKE_LOGIN}/data") == "/srv/<user>/data"
    assert scrub(f"{tmp_path}/home/{FAKE_LOGIN}/data") == "~/data"
    assert scrub(f"{tmp_path}/home/{FAKE_LOGIN}2/data").endswith("2/data")  # not the home


def test_no_personal_data_reaches_the_report(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, raw_server
) -> None:
    home = tmp_path / "home" / FAKE_LOGIN
    data_dir = home / ".local" / "share" / "vocational-learning-client"
    data_dir.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    for variable in ("USER", "LOGNAME"):
        monkeypatch.setenv(variable, FAKE_LOGIN)
    leaky = f"{FAKE_NAME} {ID_NUMBER} {PHONE} Bearer {TOKEN} password={PASSWORD}"
    refusing = raw_server(refuse_with_personal_message)
    sysfs = _fake_sysfs(tmp_path)
    report = quick(
        data_dir=data_dir,
        connection=ConnectionSettings(refusing.url),
        sync_status=SyncStatus(pending=4, upload_error=leaky, signed_in=True),
        list_devices=functools.partial(list_cameras, sysfs, home / "dev"),
        qt_version=f"Qt 6.test ({home})",
        client_version=f"0.1.0+{FAKE_LOGIN}",
    )
    text = report_text(report)
    assert report.item("server").detail_code == "server_refused"
    assert report.item("pending_uploads").detail_code == "upload_refused"
    assert "~/.local/share/vocational-learning-client" in text
    for secret in (FAKE_NAME, FAKE_LOGIN, ID_NUMBER, PHONE, TOKEN, PASSWORD, str(home)):
        assert secret not in text, secret
    assert "iPhone" not in text and "learner_blocked" not in text


def test_private_terms_are_kept_out_wherever_they_are(tmp_path: Path) -> None:
    data_dir = tmp_path / f"{FAKE_NAME}-course-data"
    data_dir.mkdir()
    report = quick(data_dir=data_dir, private_terms=[FAKE_NAME])
    assert FAKE_NAME not in report_text(report)
    assert "[redacted]-course-data" in report.item("disk_space").value


# --------------------------------------------------------------------------- strings


def page_sources() -> list[str]:
    """Every literal self.tr() source of the page, as lupdate will extract them."""
    found = []
    for node in ast.walk(ast.parse(PAGE_SOURCE.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "tr":
            (argument,) = node.args
            assert isinstance(argument, ast.Constant), ast.dump(node)
            found.append(argument.value)
    return found


def chinese() -> dict[str, str]:
    spec = importlib.util.spec_from_file_location("zh_CN_strings_diagnostics", ZH_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ZH


def test_chinese_covers_exactly_the_page_strings() -> None:
    sources = page_sources()
    zh = chinese()
    assert set(zh) == set(sources)
    assert all(text.strip() for text in zh.values())
    assert zh["Saved: %1"].count("%1") == 1
    # The export's English texts are the page's sources, so the page translates them.
    english = [*LABELS.values(), *STATUS_WORDS.values(), *CODE_TEXTS.values()]
    assert set(english) | {HEADER_TITLE, HEADER_TIME} <= set(sources)


def test_the_diagnostics_module_stays_free_of_qt() -> None:
    tree = ast.parse((REPO / "app" / "diagnostics.py").read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (node.names if isinstance(node, ast.Import) else [node])
        if isinstance(alias, ast.alias)
    } | {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert not imported & {"qt_binding", "PySide6", "shiboken6"}


# --------------------------------------------------------------------------- the page


@pytest.fixture
def chinese_page(default_language, qapp, qtbot):
    """The page in the default language, from the committed Chinese catalogue."""
    from app.diagnostics_page import DiagnosticsPage

    page = DiagnosticsPage()
    qtbot.addWidget(page)
    page.resize(900, 600)
    page.show()
    qtbot.waitExposed(page)
    yield page


def cell(page, row: int, column: int) -> str:
    return page.table.item(row, column).text()


@pytest.mark.gui
def test_the_page_shows_a_report_in_chinese(chinese_page) -> None:
    page = chinese_page
    assert not page.copy_button.isEnabled() and not page.save_button.isEnabled()
    assert page.run_button.text() == "重新检测"
    report = quick()
    page.show_report(report)
    assert page.table.rowCount() == len(KEYS)
    labels = [cell(page, row, 0) for row in range(len(KEYS))]
    assert labels[KEYS.index("cameras")] == "摄像头"
    assert labels[KEYS.index("key_store")] == "密钥库"
    for key in KEYS:
        assert page.label_text(key) == page.translate_source(LABELS[key])
    for code, english in CODE_TEXTS.items():
        assert page.code_text(code) == page.translate_source(english)
    server_row = KEYS.index("server")
    assert "警告" in cell(page, server_row, 1)
    assert cell(page, server_row, 2) == "尚未配置服务器地址。"
    colour = page.table.item(KEYS.index("libvlc"), 1).foreground().color().name()
    assert colour == "#1b7f3b"
    assert report.collected_at_utc in page.collected.text()
    assert page.copy_button.isEnabled() and page.save_button.isEnabled()


@pytest.mark.gui
def test_save_text_writes_the_report(chinese_page, tmp_path: Path, monkeypatch) -> None:
    from qt_binding import QFileDialog, QGuiApplication

    page = chinese_page
    report = quick()
    page.show_report(report)
    assert re.fullmatch(r"diagnostics-\d{8}-\d{4}\.txt", page.default_file_name())
    target = tmp_path / "report.txt"
    assert page.save_text(target)
    written = target.read_text(encoding="utf-8")
    assert written == page.report_text()
    assert written.startswith("诊断报告\n检测时间（UTC）: ")
    assert "[警告] 平台服务器: 尚未配置服务器地址。 [not_configured]" in written
    assert not page.save_text(tmp_path / "missing" / "report.txt")
    assert page.message.text() == "无法将报告保存到该位置，请选择其他文件夹。"

    asked: list[str] = []

    def choose(_parent, _title, suggested, _filter):  # type: ignore[no-untyped-def]
        asked.append(suggested)
        return str(tmp_path / "chosen.txt"), _filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose))
    page.save_button.click()
    assert Path(asked[0]).name == page.default_file_name()
    assert (tmp_path / "chosen.txt").read_text(encoding="utf-8") == written

    page.copy_button.click()
    assert QGuiApplication.clipboard().text() == written


@pytest.mark.gui
def test_the_service_collects_off_the_gui_thread_and_delivers_on_it(
    chinese_page, qtbot, emits_on_gui_thread
) -> None:
    from app.diagnostics_page import DiagnosticsService, wire

    page = chinese_page
    gui = threading.get_ident()
    collected_on: list[int] = []
    delivered_on: list[int] = []
    release = threading.Event()

    def collector() -> DiagnosticsReport:
        collected_on.append(threading.get_ident())
        release.wait(10)
        return quick()

    service = emits_on_gui_thread.watch(DiagnosticsService(collector))
    wire(page, service)
    service.ready.connect(lambda _report: delivered_on.append(threading.get_ident()))
    busy: list[bool] = []
    service.running_changed.connect(busy.append)

    page.run_button.click()
    qtbot.waitUntil(lambda: bool(collected_on))
    assert service.running and not page.run_button.isEnabled() and page.busy_bar.isVisible()
    assert page.collected.text() == "正在检测……"
    assert not service.run()  # one collection at a time
    with qtbot.waitSignal(service.ready, timeout=10_000) as ready:
        release.set()
    assert collected_on[0] != gui and delivered_on == [gui]
    assert page.report is ready.args[0] and busy == [True, False]
    assert page.run_button.isEnabled() and not page.busy_bar.isVisible()
    assert emits_on_gui_thread.names == {
        "DiagnosticsService.ready",
        "DiagnosticsService.running_changed",
    }


@pytest.mark.gui
def test_a_collection_that_crashes_ends_the_busy_state(qtbot, emits_on_gui_thread) -> None:
    from app.diagnostics_page import DiagnosticsService

    def collector() -> DiagnosticsReport:
        raise RuntimeError("a bug in a probe")

    service = emits_on_gui_thread.watch(DiagnosticsService(collector))
    busy: list[bool] = []
    service.running_changed.connect(busy.append)
    service.ready.connect(lambda _report: busy.append(None))  # type: ignore[arg-type]
    service.run()
    qtbot.waitUntil(lambda: busy == [True, False], timeout=10_000)
    assert not service.running and service.run()  # another collection may start


@pytest.mark.gui
def test_client_collector_fills_in_qt_and_the_latest_sync_status(qapp, tmp_path: Path) -> None:
    from app.diagnostics_page import client_collector

    statuses = [SyncStatus(pending=1, signed_in=True)]
    run = client_collector(
        data_dir=tmp_path,
        vlc_version=lambda: "3.0.test",
        key_store_backend=MemoryKeyring,
        list_devices=list,
        sync_status=lambda: statuses[-1],
    )
    statuses.append(SyncStatus(pending=9, signed_in=True))
    report = run()
    assert re.fullmatch(r"Qt 6\.\d+\.\d+, PySide6 6\.\d+\.\d+", report.item("qt").value)
    assert report.item("pending_uploads").value == "9"


@pytest.mark.gui
def test_the_page_follows_a_language_change(chinese_page, qapp, qtbot) -> None:
    from app.i18n import install_language

    page = chinese_page
    page.show_report(quick())
    try:
        assert install_language(qapp, "en")
        qtbot.waitUntil(lambda: page.run_button.text() == "Run again")
        assert cell(page, KEYS.index("cameras"), 0) == "Cameras"
        assert page.report_text().startswith("Diagnostics report\nCollected (UTC): ")
    finally:
        assert install_language(qapp)
