"""The client's HTTP layer (sync/http_client.py) against real sockets: a real HTTPS server
on 127.0.0.1 in a thread with throwaway certificates (tests/support/tls_certs.py), a plain http
one for the loopback case, a bound port nobody listens on, and a name under the reserved
`.invalid` TLD. Nothing of requests or urllib3 is mocked.

Every server socket has a timeout and every client call a connect and read timeout; a
handler that must stall waits on an event the fixture sets at teardown."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests.certs
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from sync.http_client import (
    USER_AGENT,
    ConnectionSettings,
    DnsError,
    InsecureServerAddressError,
    InvalidSettingsError,
    MalformedResponseError,
    NoNetworkError,
    PlatformClient,
    ServerFailureError,
    ServerRefusedError,
    ServerTimeoutError,
    SyncError,
    TlsError,
    TlsPinMismatchError,
    build_ssl_context,
    retry_policy,
    spki_pin_of_pem,
)
from tests.support.tls_certs import ServerIdentity, TlsWorld, make_tls_world

SOCKET_TIMEOUT_S = 5.0
TOKEN = "s3cr3t-Session-Token.XYZ"
PASSWORD = "hunter2-Pa55word"
MEDIA = bytes(range(256)) * 4


# -- a small real HTTP(S) server --------------------------------------------------------


@dataclass
class ServerState:
    hits: Counter = field(default_factory=Counter)  # (method, path) -> requests seen
    connections: int = 0  # TCP connections accepted (TLS handshakes attempted)
    seen_headers: dict = field(default_factory=dict)  # path -> headers of the last request
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real server
    timeout = SOCKET_TIMEOUT_S
    server: _Server

    def setup(self) -> None:
        with self.server.state.lock:
            self.server.state.connections += 1
        self.request.settimeout(SOCKET_TIMEOUT_S)
        if isinstance(self.request, ssl.SSLSocket):
            self.request.do_handshake()  # in this thread, so a refused handshake stays here
        super().setup()

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send_json(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_raw(self, status: int, content_type: str, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _count(self) -> tuple[str, int]:
        path = urlsplit(self.path).path
        state = self.server.state
        with state.lock:
            state.hits[(self.command, path)] += 1
            state.seen_headers[path] = {k.lower(): v for k, v in self.headers.items()}
            return path, state.hits[(self.command, path)]

    # Each endpoint is a method named after the request: GET /refused-html is get_refused_html.
    def do_GET(self) -> None:
        path, hits = self._count()
        self._route(path)(hits, None)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"null")
        path, hits = self._count()
        self._route(path)(hits, body)

    def _route(self, path: str) -> Callable[[int, object], None]:
        name = f"{self.command.lower()}_{path.strip('/').replace('-', '_')}"
        return getattr(self, name, self._not_found)

    def _not_found(self, hits: int, body: object) -> None:
        self._send_json(404, {"code": "not_found", "message": "no such endpoint"})

    def get_ok(self, hits: int, body: object) -> None:
        self._send_json(200, {"ok": True, "query": urlsplit(self.path).query})

    def get_list(self, hits: int, body: object) -> None:
        self._send_json(200, [1, 2, 3])

    post_list = get_list

    def get_scalar(self, hits: int, body: object) -> None:
        self._send_json(200, "just a string")

    def get_echo_headers(self, hits: int, body: object) -> None:
        headers = self.server.state.seen_headers["/echo-headers"]
        self._send_json(200, {name: headers.get(name) for name in ("authorization", "user-agent")})

    def post_echo(self, hits: int, body: object) -> None:
        self._send_json(200, {"body": body})

    def get_refused(self, hits: int, body: object) -> None:
        self._send_json(
            403, {"code": "device_revoked", "message": "this device was revoked by the admin"}
        )

    def post_refused(self, hits: int, body: object) -> None:
        self._send_json(401, {"code": "bad_credentials", "message": "wrong password"})

    def get_refused_html(self, hits: int, body: object) -> None:
        self._send_raw(404, "text/html", b"<html><body>Not Found</body></html>")

    def get_too_many(self, hits: int, body: object) -> None:
        self._send_json(429, {"code": "rate_limited", "message": "slow down"}, {"Retry-After": "1"})

    def get_fail(self, hits: int, body: object) -> None:
        self._send_json(500, {"code": "internal_error", "message": "a bug"})

    post_fail = get_fail

    def get_unavailable(self, hits: int, body: object) -> None:
        self._send_json(503, {"code": "database_busy", "message": "retry shortly"})

    def get_flaky_get(self, hits: int, body: object) -> None:
        if hits == 1:
            self._send_json(503, {"code": "database_busy", "message": "retry shortly"})
        else:
            self._send_json(200, {"hits": hits})

    def post_flaky(self, hits: int, body: object) -> None:
        if hits == 1:
            busy = {"code": "database_busy", "message": "retry shortly"}
            self._send_json(503, busy, {"Retry-After": "1"})
        else:
            self._send_json(200, {"accepted": True, "hits": hits})

    def get_not_json(self, hits: int, body: object) -> None:
        self._send_raw(200, "text/html", b"<html><body>Welcome to the hotel wifi</body></html>")

    def get_truncated(self, hits: int, body: object) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "100")
        self.end_headers()
        self.wfile.write(b'{"ok": tr')
        self.close_connection = True

    def get_garbage(self, hits: int, body: object) -> None:
        self.wfile.write(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")
        self.close_connection = True

    def get_hangup(self, hits: int, body: object) -> None:
        self.close_connection = True  # closes without a byte of answer

    post_hangup = get_hangup

    def post_once_per_connection(self, hits: int, body: object) -> None:
        # As a server whose idle timer closed a kept-alive connection: a second request on the
        # same connection is dropped unread.
        if getattr(self, "answered_here", False):
            self.close_connection = True
            return
        self.answered_here = True
        self._send_json(200, {"hits": hits})

    def get_redirect(self, hits: int, body: object) -> None:
        self.send_response(302)
        self.send_header("Location", "https://elsewhere.example/steal")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def get_slow(self, hits: int, body: object) -> None:
        self.server.state.release.wait(SOCKET_TIMEOUT_S)
        self._send_json(200, {"late": True})

    post_slow = get_slow

    def get_media(self, hits: int, body: object) -> None:
        wanted = self.headers.get("Range")
        if wanted is None:
            self._send_raw(200, "video/mp4", MEDIA)
            return
        first, last = (int(n) for n in wanted.removeprefix("bytes=").split("-"))
        if first >= len(MEDIA):
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{len(MEDIA)}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        part = MEDIA[first : last + 1]
        self.send_response(206)
        self.send_header("Content-Type", "video/mp4")
        self.send_header("Content-Range", f"bytes {first}-{first + len(part) - 1}/{len(MEDIA)}")
        self.send_header("Content-Length", str(len(part)))
        self.end_headers()
        self.wfile.write(part)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, tls: ssl.SSLContext | None) -> None:
        self.tls = tls
        self.state = ServerState()
        self.errors: list[BaseException] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    def get_request(self) -> tuple[socket.socket, object]:
        sock, address = self.socket.accept()
        sock.settimeout(SOCKET_TIMEOUT_S)
        if self.tls is not None:
            sock = self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, address

    def handle_error(self, request: object, client_address: object) -> None:
        # Refused handshakes and clients that gave up are expected here; keep them quiet.
        self.errors.append(sys.exc_info()[1])  # type: ignore[arg-type]


@dataclass
class RunningServer:
    url: str
    state: ServerState

    def hits(self, method: str, path: str, at_least: int = 1) -> int:
        """The count of requests seen, once at least `at_least` arrived (or 5 s passed):
        the client may return before the server thread has counted its last request."""
        deadline = time.monotonic() + SOCKET_TIMEOUT_S
        while time.monotonic() < deadline:
            with self.state.lock:
                seen = self.state.hits[(method, path)]
            if seen >= at_least:
                return seen
            time.sleep(0.01)
        return seen


@contextmanager
def serve(identity: ServerIdentity | None, host: str = "127.0.0.1") -> Iterator[RunningServer]:
    tls = None
    if identity is not None:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(identity.cert, identity.key)
    server = _Server(tls)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    scheme = "https" if tls else "http"
    try:
        yield RunningServer(f"{scheme}://{host}:{server.server_address[1]}", server.state)
    finally:
        server.state.release.set()
        server.shutdown()
        server.server_close()
        thread.join(SOCKET_TIMEOUT_S)


# -- fixtures ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> TlsWorld:
    return make_tls_world(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def server(certs: TlsWorld) -> Iterator[RunningServer]:
    with serve(certs.good) as running:
        yield running


def settings_for(
    url: str, certs: TlsWorld | None = None, **overrides: object
) -> ConnectionSettings:
    """Fast, still real: short timeouts, two retries, tiny backoff."""
    values: dict = {
        "ca_bundle": certs.ca if certs else None,
        "connect_timeout_s": 2.0,
        "read_timeout_s": 2.0,
        "retries": 2,
        "backoff_factor": 0.01,
        "backoff_max_s": 0.05,
    }
    values.update(overrides)
    return ConnectionSettings(base_url=url, **values)


@contextmanager
def client_for(
    url: str, certs: TlsWorld | None = None, **overrides: object
) -> Iterator[PlatformClient]:
    with PlatformClient(settings_for(url, certs, **overrides)) as client:
        yield client


def assert_no_secret(error: BaseException, *secrets: str) -> None:
    rendered = [str(error), repr(error), "".join(traceback.format_exception(error))]
    for secret in secrets:
        for text in rendered:
            assert secret not in text


# -- trust ------------------------------------------------------------------------


def test_server_signed_by_the_institution_ca_is_trusted(server, certs) -> None:
    with client_for(server.url, certs) as client:
        assert client.get("/ok", params={"page": "2"}) == {"ok": True, "query": "page=2"}
        assert client.get("/list") == [1, 2, 3]


def test_without_the_institution_ca_the_same_server_is_untrusted(server) -> None:
    with client_for(server.url) as client, pytest.raises(TlsError) as caught:
        client.get("/ok")
    assert caught.value.code == "tls_failure"
    assert server.state.hits[("GET", "/ok")] == 0


def test_the_institution_ca_is_added_to_the_public_roots_not_put_in_their_place(certs) -> None:
    trusted = set(build_ssl_context(certs.ca).get_ca_certs(binary_form=True))
    public_only = set(build_ssl_context(None).get_ca_certs(binary_form=True))
    # Split by hand: certifi holds a root with a serial that cryptography warns about.
    bundle = Path(requests.certs.where()).read_text(encoding="ascii")
    certifi_roots = {
        ssl.PEM_cert_to_DER_cert(block)
        for block in re.findall(
            r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", bundle, re.S
        )
    }
    institution = x509.load_pem_x509_certificate(certs.ca.read_bytes()).public_bytes(Encoding.DER)
    assert len(certifi_roots) > 50
    assert certifi_roots <= public_only
    assert trusted == public_only | {institution}


@pytest.mark.parametrize(
    ("identity", "why"),
    [
        ("untrusted", "unable to get local issuer certificate"),
        ("expired", "certificate has expired"),
        ("wrong_host", "Hostname mismatch"),
    ],
)
def test_bad_certificates_are_refused_and_not_retried(certs, identity, why) -> None:
    # By name, so the wrong-host case is a host-name mismatch (not an IP address one).
    with (
        serve(getattr(certs, identity), host="localhost") as bad,
        client_for(bad.url, certs) as client,
    ):
        with pytest.raises(TlsError) as caught:
            client.get("/ok", token=TOKEN)
        assert type(caught.value) is TlsError and caught.value.code == "tls_failure"
        assert why in str(caught.value)
        assert bad.state.hits[("GET", "/ok")] == 0  # the token never went out
        assert bad.state.connections == 1  # a TLS failure is not retried
        assert_no_secret(caught.value, TOKEN)


def test_the_environment_cannot_weaken_verification(certs, monkeypatch) -> None:
    # requests would take these from the environment; CURL_CA_BUNDLE="" once meant "no
    # verification". The client reads neither.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certs.rogue_ca))
    monkeypatch.setenv("CURL_CA_BUNDLE", "")
    with (
        serve(certs.untrusted) as rogue,
        client_for(rogue.url, certs) as client,
        pytest.raises(TlsError),
    ):
        client.get("/ok")


def test_a_netrc_entry_does_not_replace_the_bearer_token(
    server, certs, tmp_path, monkeypatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password other\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    with client_for(server.url, certs) as client:
        assert client.get("/echo-headers", token=TOKEN)["authorization"] == f"Bearer {TOKEN}"


def test_a_tls_server_speaking_plain_http_is_a_tls_failure(certs) -> None:
    with (
        serve(None) as plain,
        client_for(plain.url.replace("http:", "https:"), certs) as client,
        pytest.raises(TlsError),
    ):
        client.get("/ok")


# -- pinning ------------------------------------------------------------------------


def test_spki_pin_matches_openssl(certs) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl command not installed")
    key = subprocess.run(
        [openssl, "x509", "-pubkey", "-noout", "-in", str(certs.good.cert)],
        capture_output=True,
        check=True,
        timeout=30,
    ).stdout
    der = subprocess.run(
        [openssl, "pkey", "-pubin", "-outform", "DER"],
        input=key,
        capture_output=True,
        check=True,
        timeout=30,
    ).stdout
    expected = base64.b64encode(hashlib.sha256(der).digest()).decode()
    assert spki_pin_of_pem(certs.good.cert_pem) == expected
    assert spki_pin_of_pem(key) == expected
    assert spki_pin_of_pem(certs.other_key.cert_pem) != expected


def test_matching_pin_connects(server, certs) -> None:
    pins = frozenset(
        {spki_pin_of_pem(certs.other_key.cert_pem), spki_pin_of_pem(certs.good.cert_pem)}
    )
    with client_for(server.url, certs, pinned_spki_sha256=pins) as client:
        assert client.get("/ok") == {"ok": True, "query": ""}


def test_pin_mismatch_is_refused_before_the_request_is_sent(server, certs) -> None:
    # A certificate the CA really issued for this host, but another key than the pinned one.
    pins = frozenset({spki_pin_of_pem(certs.other_key.cert_pem)})
    with (
        client_for(server.url, certs, pinned_spki_sha256=pins) as client,
        pytest.raises(TlsPinMismatchError) as caught,
    ):
        client.post("/echo", {"password": PASSWORD}, token=TOKEN, idempotent=True)
    error = caught.value
    assert error.code == "tls_pin_mismatch" and isinstance(error, TlsError)
    assert error.seen_pin == spki_pin_of_pem(certs.good.cert_pem)
    assert server.state.hits[("POST", "/echo")] == 0  # neither the token nor the body left
    assert server.state.connections == 1  # and it was not retried
    assert_no_secret(error, TOKEN, PASSWORD)


def test_pins_must_be_sha256_digests() -> None:
    with pytest.raises(InvalidSettingsError):
        ConnectionSettings("https://platform.example.org", pinned_spki_sha256=frozenset({"abc"}))
    with pytest.raises(InvalidSettingsError):
        ConnectionSettings("https://platform.example.org", pinned_spki_sha256="x" * 44)  # type: ignore[arg-type]


# -- addresses ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://platform.example.org",
        "http://10.0.0.5:8000",
        "http://localhost.example.org",
        "http://127.0.0.1.nip.io",
        "HTTP://Platform.Example.org/api",
    ],
)
def test_plain_http_off_loopback_is_refused_at_construction(url) -> None:
    with pytest.raises(InsecureServerAddressError) as caught:
        ConnectionSettings(base_url=url)
    assert caught.value.code == "insecure_server_address"
    assert "https" in str(caught.value)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "http://localhost", "http://[::1]:9/"])
def test_plain_http_to_loopback_is_allowed(url) -> None:
    assert ConnectionSettings(base_url=url).base_url == url


@pytest.mark.parametrize(
    "url",
    [
        "ftp://platform.example.org",
        "platform.example.org",
        "https://user:pw@platform.example.org",
        "https://h:port",
    ],
)
def test_unusable_addresses_are_refused(url) -> None:
    with pytest.raises(InvalidSettingsError) as caught:
        ConnectionSettings(base_url=url)
    assert "pw@" not in str(caught.value)


def test_plain_http_to_loopback_works() -> None:
    with serve(None) as plain, client_for(plain.url) as client:
        assert client.get("/ok") == {"ok": True, "query": ""}


def test_a_missing_or_empty_ca_bundle_is_a_settings_error(tmp_path) -> None:
    with pytest.raises(InvalidSettingsError):
        PlatformClient(
            ConnectionSettings("https://platform.example.org", ca_bundle=tmp_path / "none.pem")
        )
    (tmp_path / "empty.pem").write_text("not a certificate\n")
    with pytest.raises(InvalidSettingsError):
        PlatformClient(
            ConnectionSettings("https://platform.example.org", ca_bundle=tmp_path / "empty.pem")
        )


def test_paths_cannot_point_the_token_at_another_host(server, certs) -> None:
    with client_for(server.url, certs) as client:
        for path in ("https://evil.example/x", "//evil.example/x", "ok", "/ok#x"):
            with pytest.raises(ValueError):
                client.get(path, token=TOKEN)


# -- headers and bodies -----------------------------------------------------------------


def test_bearer_token_and_user_agent_are_sent(server, certs) -> None:
    with client_for(server.url, certs) as client:
        seen = client.get("/echo-headers", token=TOKEN)
    assert seen == {"authorization": f"Bearer {TOKEN}", "user-agent": USER_AGENT}
    assert USER_AGENT.startswith("vocational-learning-client/")


def test_a_token_that_would_break_the_header_is_refused_without_echoing_it(server, certs) -> None:
    with client_for(server.url, certs) as client, pytest.raises(ValueError) as caught:
        client.get("/ok", token="abc\r\nX-Injected: 1")
    assert "Injected" not in str(caught.value)
    assert server.state.hits[("GET", "/ok")] == 0


def test_post_sends_json_and_returns_the_object(server, certs) -> None:
    body = {"events": [{"seq": 1, "name": "课程"}], "n": 1.5}
    with client_for(server.url, certs) as client:
        assert client.post("/echo", body, token=TOKEN) == {"body": body}


def test_get_bytes_with_a_range(server, certs) -> None:
    with client_for(server.url, certs) as client:
        status, headers, data = client.get_bytes("/media", TOKEN, {"Range": "bytes=10-19"})
        assert (status, data) == (206, MEDIA[10:20])
        assert headers["content-range"] == f"bytes 10-19/{len(MEDIA)}"
        assert client.get_bytes("/media", TOKEN)[::2] == (200, MEDIA)
        with pytest.raises(ServerRefusedError) as caught:
            client.get_bytes("/media", TOKEN, {"Range": "bytes=5000-5001"})
    assert caught.value.status == 416
    assert server.state.seen_headers["/media"]["authorization"] == f"Bearer {TOKEN}"


# -- network failures ------------------------------------------------------------------


def test_connection_refused_is_network_down(certs) -> None:
    # Bound but not listening: connections to it are refused, and nobody can take the port.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        url = f"https://127.0.0.1:{closed.getsockname()[1]}"
        with client_for(url, certs) as client, pytest.raises(NoNetworkError) as caught:
            client.get("/ok", token=TOKEN)
    assert caught.value.code == "network_down"
    assert "refused" in str(caught.value)
    assert_no_secret(caught.value, TOKEN)


def test_unknown_name_is_a_dns_failure(certs) -> None:
    with client_for("https://platform.invalid", certs) as client, pytest.raises(DnsError) as caught:
        client.get("/ok", token=TOKEN)
    assert caught.value.code == "dns_failure"
    assert "platform.invalid" in str(caught.value)


def test_server_hanging_up_without_an_answer_is_network_down(server, certs) -> None:
    with client_for(server.url, certs) as client, pytest.raises(NoNetworkError):
        client.get("/hangup")
    assert server.hits("GET", "/hangup", at_least=3) == 3  # retried twice


def test_read_timeout_after_retries(server, certs) -> None:
    with (
        client_for(server.url, certs, read_timeout_s=0.3) as client,
        pytest.raises(ServerTimeoutError) as caught,
    ):
        client.get("/slow", token=TOKEN)
    assert caught.value.code == "timeout"
    assert server.hits("GET", "/slow", at_least=3) == 3
    assert_no_secret(caught.value, TOKEN)


def test_non_idempotent_post_is_not_retried_after_a_read_timeout(server, certs) -> None:
    with (
        client_for(server.url, certs, read_timeout_s=0.3) as client,
        pytest.raises(ServerTimeoutError),
    ):
        client.post("/slow", {"a": 1})
    assert server.hits("POST", "/slow") == 1


# -- server answers ---------------------------------------------------------------------


def test_4xx_is_refused_with_the_servers_reason_and_not_retried(server, certs) -> None:
    with client_for(server.url, certs) as client, pytest.raises(ServerRefusedError) as caught:
        client.get("/refused", token=TOKEN)
    error = caught.value
    assert (error.code, error.status, error.reason_code) == (
        "server_refused",
        403,
        "device_revoked",
    )
    assert error.server_message == "this device was revoked by the admin"
    assert "revoked by the admin" not in str(error)  # no body contents in the message
    assert server.hits("GET", "/refused") == 1


def test_4xx_without_a_json_body(server, certs) -> None:
    with client_for(server.url, certs) as client, pytest.raises(ServerRefusedError) as caught:
        client.get("/refused-html")
    assert (caught.value.status, caught.value.reason_code, caught.value.server_message) == (
        404,
        None,
        None,
    )


def test_429_with_retry_after_is_not_retried(server, certs) -> None:
    with client_for(server.url, certs) as client, pytest.raises(ServerRefusedError) as caught:
        client.get("/too-many")
    assert caught.value.reason_code == "rate_limited"
    assert server.hits("GET", "/too-many") == 1


def test_500_is_a_server_failure_and_not_retried(server, certs) -> None:
    with client_for(server.url, certs) as client, pytest.raises(ServerFailureError) as caught:
        client.get("/fail")
    assert (caught.value.code, caught.value.status, caught.value.reason_code) == (
        "server_error",
        500,
        "internal_error",
    )
    assert server.hits("GET", "/fail") == 1


def test_503_is_retried_then_reported(server, certs) -> None:
    with client_for(server.url, certs) as client, pytest.raises(ServerFailureError) as caught:
        client.get("/unavailable")
    assert caught.value.status == 503
    assert server.hits("GET", "/unavailable", at_least=3) == 3


def test_idempotent_post_succeeds_after_a_503_honouring_retry_after(server, certs) -> None:
    started = time.monotonic()
    with client_for(server.url, certs) as client:
        answer = client.post("/flaky", {"events": []}, token=TOKEN, idempotent=True)
    assert answer == {"accepted": True, "hits": 2}
    assert server.hits("POST", "/flaky", at_least=2) == 2
    assert time.monotonic() - started >= 1.0  # Retry-After: 1, not the 0.01 s backoff


def test_get_succeeds_after_a_503(server, certs) -> None:
    with client_for(server.url, certs) as client:
        assert client.get("/flaky-get") == {"hits": 2}


def test_non_idempotent_post_is_not_retried_on_503(server, certs) -> None:
    with client_for(server.url, certs) as client, pytest.raises(ServerFailureError) as caught:
        client.post("/flaky", {"password": PASSWORD}, token=TOKEN)
    assert caught.value.status == 503
    assert server.hits("POST", "/flaky") == 1
    assert_no_secret(caught.value, TOKEN, PASSWORD)


def test_non_idempotent_post_is_not_retried_on_a_hangup(server, certs) -> None:
    with client_for(server.url, certs) as client, pytest.raises(NoNetworkError):
        client.post("/hangup", {})
    assert server.hits("POST", "/hangup") == 1


def test_a_request_sent_once_never_rides_a_kept_alive_connection(server, certs) -> None:
    with client_for(server.url, certs) as client:
        assert client.post("/once-per-connection", {}) == {"hits": 1}
        assert client.post("/once-per-connection", {}) == {"hits": 2}
    assert server.state.connections == 2


def test_retried_requests_keep_their_connection_alive(server, certs) -> None:
    with client_for(server.url, certs) as client:
        client.get("/ok")
        client.post("/echo", {}, idempotent=True)
        client.get("/ok")
    assert server.state.connections == 1


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/not-json"),
        ("GET", "/scalar"),
        ("POST", "/list"),
        ("GET", "/truncated"),
        ("GET", "/garbage"),
        ("GET", "/redirect"),
    ],
)
def test_malformed_answers(server, certs, method, path) -> None:
    with client_for(server.url, certs) as client, pytest.raises(MalformedResponseError) as caught:
        if method == "GET":
            client.get(path, token=TOKEN)
        else:
            client.post(path, {}, token=TOKEN)
    assert caught.value.code == "malformed_response"
    assert_no_secret(caught.value, TOKEN, "hotel wifi", "elsewhere.example")


def test_redirects_are_not_followed(server, certs) -> None:
    with client_for(server.url, certs) as client, pytest.raises(MalformedResponseError) as caught:
        client.get("/redirect", token=TOKEN)
    assert "302" in str(caught.value)
    assert server.hits("GET", "/redirect") == 1


# -- errors carry no secrets ---------------------------------------------------------------


def test_no_error_message_holds_the_token_the_password_or_a_body(server, certs) -> None:
    errors: list[SyncError] = []
    with client_for(server.url, certs, read_timeout_s=0.3) as client:
        for call in (
            lambda: client.post("/refused", {"password": PASSWORD}, token=TOKEN),
            lambda: client.post("/fail", {"password": PASSWORD}, token=TOKEN, idempotent=True),
            lambda: client.post("/slow", {"password": PASSWORD}, token=TOKEN),
            lambda: client.get("/truncated", token=TOKEN),
            lambda: client.get("/not-json", token=TOKEN),
            lambda: client.get("/refused", token=TOKEN),
        ):
            with pytest.raises(SyncError) as caught:
                call()
            errors.append(caught.value)
    assert [e.code for e in errors] == [
        "server_refused",
        "server_error",
        "timeout",
        "malformed_response",
        "malformed_response",
        "server_refused",
    ]
    for error in errors:
        assert_no_secret(error, TOKEN, PASSWORD, "wrong password", "a bug", "revoked by")


# -- the prepared retry policy ---------------------------------------------------------------


def test_retry_policy() -> None:
    settings = ConnectionSettings("https://platform.example.org")
    assert (settings.connect_timeout_s, settings.read_timeout_s, settings.retries) == (5, 15, 3)
    retrying = retry_policy(settings, idempotent=True)
    assert retrying.total == 3 and retrying.backoff_factor == 0.5 and retrying.backoff_max == 8
    assert set(retrying.status_forcelist) == {502, 503, 504}
    assert retrying.is_retry("POST", 503) and not retrying.is_retry("GET", 500)
    assert not retrying.is_retry("GET", 429, has_retry_after=True)
    assert not retrying.is_retry("GET", 413, has_retry_after=True)
    assert retrying.retry_after_max == 30
    once = retry_policy(replace(settings, retries=5), idempotent=False)
    assert once.total == 0 and not once.is_retry("POST", 503, has_retry_after=True)
