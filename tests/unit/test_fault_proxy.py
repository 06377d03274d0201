"""tests/support/fault_proxy.py against a real HTTP server (http.server in a thread), with requests as
the client: each fault produces exactly the failure a client will see from the sync tests."""

from __future__ import annotations

import http.client
import http.server
import socket
import sys
import threading
import time
from collections.abc import Iterator

import pytest
import requests

from tests.support.fault_proxy import AppliedFault, Fault, FaultProxy

BIG = bytes(range(256)) * 400  # 100 KiB, more than one 64 KiB chunk of the proxy
TIMEOUT = (3.0, 5.0)  # requests' (connect, read) timeouts, for every call that should work


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so a requests.Session reuses connections
    timeout = 10  # an idle keep-alive connection ends its thread after this

    server: _Upstream

    def do_GET(self) -> None:
        self.server.count_hit()
        body = {"/big": BIG, "/small": b"hello"}.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self._answer(body)

    def do_POST(self) -> None:
        self.server.count_hit()
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self._answer(body)

    def _answer(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Upstream(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self._lock = threading.Lock()
        self.hits = 0
        self.errors: list[BaseException] = []

    @property
    def port(self) -> int:
        return self.server_address[1]

    def count_hit(self) -> None:
        with self._lock:
            self.hits += 1

    def handle_error(self, request: object, client_address: object) -> None:
        # The proxy cuts connections on purpose: only other errors are the handler's bugs.
        error = sys.exc_info()[1]
        if not isinstance(error, OSError):
            self.errors.append(error)


@pytest.fixture
def upstream() -> Iterator[_Upstream]:
    server = _Upstream()
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="test-upstream"
    )
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    assert server.errors == []


@pytest.fixture
def proxy(upstream: _Upstream) -> Iterator[FaultProxy]:
    with FaultProxy("127.0.0.1", upstream.port) as fault_proxy:
        yield fault_proxy
    assert fault_proxy.errors == []


def causes(error: BaseException) -> list[type[BaseException]]:
    """The types of an exception and of everything it wraps (requests wraps urllib3, which
    wraps http.client and socket errors, in args, __cause__, __context__ and .reason)."""
    found: list[BaseException] = []
    todo: list[object] = [error]
    while todo:
        item = todo.pop()
        if not isinstance(item, BaseException) or any(item is seen for seen in found):
            continue
        found.append(item)
        todo += [item.__cause__, item.__context__, getattr(item, "reason", None), *item.args]
    return [type(item) for item in found]


def kinds(proxy: FaultProxy) -> list[Fault]:
    return [applied.kind for applied in proxy.faults_applied]


def raw_get(port: int, path: str) -> socket.socket:
    """A plain socket that has sent a GET (Connection: close), for byte-exact checks."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    return sock


def read_all(sock: socket.socket) -> tuple[bytes, BaseException | None]:
    """Everything the socket receives until EOF (error None) or an error."""
    received = b""
    try:
        while data := sock.recv(65536):
            received += data
    except OSError as error:
        return received, error
    return received, None


def assert_refused(port: int) -> None:
    try:
        probe = socket.create_connection(("127.0.0.1", port), timeout=5)
    except ConnectionRefusedError:
        return
    with probe:
        # A port nobody listens on can, rarely, be connected to itself by the kernel.
        assert probe.getsockname() == probe.getpeername(), f"port {port} accepted a connection"


def test_pass_through_forwards_both_ways(proxy: FaultProxy, upstream: _Upstream) -> None:
    assert proxy.url == f"http://127.0.0.1:{proxy.port}"
    assert requests.get(proxy.url + "/big", timeout=TIMEOUT).content == BIG
    posted = bytes(reversed(BIG)) * 3
    assert requests.post(proxy.url + "/echo", data=posted, timeout=TIMEOUT).content == posted
    assert upstream.hits == 2
    assert proxy.connections == 2
    assert proxy.bytes_up > len(posted)
    assert proxy.bytes_down > len(BIG) + len(posted)
    assert proxy.faults_applied == []
    assert proxy.fault is Fault.PASS_THROUGH


def test_parallel_connections_pass_through(proxy: FaultProxy) -> None:
    results: list[bytes] = []
    lock = threading.Lock()

    def fetch() -> None:
        body = requests.get(proxy.url + "/big", timeout=TIMEOUT).content
        with lock:
            results.append(body)

    threads = [threading.Thread(target=fetch) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results == [BIG] * 16
    assert proxy.connections == 16


def test_refuse_then_accept_again_on_the_same_port(proxy: FaultProxy, upstream: _Upstream) -> None:
    port = proxy.port
    proxy.refuse()
    assert proxy.refusing
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5)
    with pytest.raises(requests.ConnectionError) as refused:
        requests.get(proxy.url + "/small", timeout=TIMEOUT)
    assert ConnectionRefusedError in causes(refused.value)
    assert proxy.connections == 0
    assert upstream.hits == 0
    assert kinds(proxy) == [Fault.REFUSE]

    proxy.accept_again()
    assert not proxy.refusing
    assert proxy.port == port
    assert requests.get(proxy.url + "/small", timeout=TIMEOUT).content == b"hello"
    assert proxy.connections == 1


def test_refuse_while_a_connection_is_open_and_pass_through_reopens(proxy: FaultProxy) -> None:
    with requests.Session() as session:
        assert session.get(proxy.url + "/small", timeout=TIMEOUT).ok
        proxy.drop()  # set while refusing, applies once accepting again
        proxy.refuse()  # the port is bound again (not listening) beside an open connection
        assert_refused(proxy.port)
        # Faults apply per connection: the open keep-alive one still works.
        assert session.get(proxy.url + "/small", timeout=TIMEOUT).content == b"hello"
        assert proxy.connections == 1
    proxy.accept_again()
    with pytest.raises(requests.ConnectionError):
        requests.get(proxy.url + "/small", timeout=TIMEOUT)
    proxy.refuse()
    proxy.pass_through()  # listening again and no fault
    assert requests.get(proxy.url + "/small", timeout=TIMEOUT).content == b"hello"
    assert kinds(proxy) == [Fault.REFUSE, Fault.DROP, Fault.REFUSE]


def test_drop_closes_before_any_answer(proxy: FaultProxy, upstream: _Upstream) -> None:
    proxy.drop()
    with pytest.raises(requests.ConnectionError) as dropped:
        requests.get(proxy.url + "/small", timeout=TIMEOUT)
    # A FIN (EOF before the status line) or, if the request was still unread when the proxy
    # closed, a RST: both are "the server hung up" for the client.
    assert {http.client.RemoteDisconnected, ConnectionResetError} & set(causes(dropped.value))
    assert upstream.hits == 0
    assert proxy.connections == 1
    assert proxy.faults_applied == [AppliedFault(Fault.DROP, 1)]


def test_delay_holds_each_chunk_of_the_response(proxy: FaultProxy) -> None:
    proxy.delay(400)
    started = time.monotonic()
    response = requests.get(proxy.url + "/small", timeout=TIMEOUT)
    elapsed = time.monotonic() - started
    assert response.content == b"hello"
    assert elapsed >= 0.4
    assert proxy.faults_applied == [AppliedFault(Fault.DELAY, 1, 400)]

    # The 100 KiB body comes in at least two chunks (the proxy reads at most 64 KiB).
    proxy.delay(300, times=1)
    started = time.monotonic()
    assert requests.get(proxy.url + "/big", timeout=TIMEOUT).content == BIG
    assert time.monotonic() - started >= 0.6


def test_blackhole_makes_the_read_time_out(proxy: FaultProxy, upstream: _Upstream) -> None:
    proxy.blackhole()
    with pytest.raises(requests.ReadTimeout):
        requests.get(proxy.url + "/small", timeout=(3.0, 0.3))
    proxy.wait_for(lambda p: p.bytes_up > 0)  # the request was read, and swallowed
    assert upstream.hits == 0
    assert proxy.faults_applied == [AppliedFault(Fault.BLACKHOLE, 1)]
    assert proxy.bytes_down == 0


def test_reset_in_the_body(proxy: FaultProxy, upstream: _Upstream) -> None:
    proxy.reset_mid_response(50_000)
    with pytest.raises(requests.exceptions.ChunkedEncodingError) as reset:
        requests.get(proxy.url + "/big", timeout=TIMEOUT)
    assert ConnectionResetError in causes(reset.value)
    assert not isinstance(reset.value, requests.ConnectionError)
    assert upstream.hits == 1
    assert proxy.bytes_down == 50_000
    assert proxy.faults_applied == [AppliedFault(Fault.RESET_MID_RESPONSE, 1, 50_000)]


def test_reset_delivers_exactly_the_bytes_before_it(proxy: FaultProxy) -> None:
    proxy.reset_mid_response(50_000)
    with raw_get(proxy.port, "/big") as sock:
        received, error = read_all(sock)
    assert isinstance(error, ConnectionResetError)
    assert len(received) == 50_000
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert BIG.startswith(body)


def test_reset_in_the_headers(proxy: FaultProxy) -> None:
    proxy.reset_mid_response(10)
    with pytest.raises(requests.ConnectionError) as reset:
        requests.get(proxy.url + "/big", timeout=TIMEOUT)
    assert ConnectionResetError in causes(reset.value)
    assert proxy.bytes_down == 10


def test_truncate_in_the_body(proxy: FaultProxy) -> None:
    proxy.truncate_response(50_000)
    with pytest.raises(requests.exceptions.ChunkedEncodingError) as truncated:
        requests.get(proxy.url + "/big", timeout=TIMEOUT)
    # urllib3 enforces Content-Length: a short body is an IncompleteRead, not a success.
    assert http.client.IncompleteRead in {
        base for cause in causes(truncated.value) for base in cause.__mro__
    }
    assert ConnectionResetError not in causes(truncated.value)
    assert proxy.bytes_down == 50_000
    assert proxy.faults_applied == [AppliedFault(Fault.TRUNCATE_RESPONSE, 1, 50_000)]


def test_truncate_ends_with_a_clean_close(proxy: FaultProxy) -> None:
    proxy.truncate_response(50_000)
    with raw_get(proxy.port, "/big") as sock:
        received, error = read_all(sock)
    assert error is None  # FIN, not RST
    assert len(received) == 50_000


def test_answer_500_without_the_upstream(proxy: FaultProxy, upstream: _Upstream) -> None:
    proxy.answer_500()
    response = requests.get(proxy.url + "/small", timeout=TIMEOUT)
    assert response.status_code == 500
    assert response.reason == "Internal Server Error"
    assert response.headers["Connection"] == "close"
    assert response.content == b"fault proxy: injected 500\n"
    # A large upload is read to its end, so the client gets the answer and not a reset.
    upload = requests.post(proxy.url + "/echo", data=BIG * 10, timeout=TIMEOUT)
    assert upload.status_code == 500
    assert upstream.hits == 0
    assert kinds(proxy) == [Fault.ANSWER_500, Fault.ANSWER_500]


def test_garbage_is_not_http(proxy: FaultProxy, upstream: _Upstream) -> None:
    proxy.garbage()
    with pytest.raises(requests.ConnectionError) as garbled:
        requests.get(proxy.url + "/small", timeout=TIMEOUT)
    assert http.client.BadStatusLine in causes(garbled.value)
    assert upstream.hits == 0
    assert proxy.faults_applied == [AppliedFault(Fault.GARBAGE, 1)]


def test_times_limits_a_fault_to_the_next_connections(proxy: FaultProxy) -> None:
    proxy.drop(times=2)
    for _ in range(2):
        with pytest.raises(requests.ConnectionError):
            requests.get(proxy.url + "/small", timeout=TIMEOUT)
    assert proxy.fault is Fault.PASS_THROUGH
    assert requests.get(proxy.url + "/small", timeout=TIMEOUT).content == b"hello"
    proxy.truncate_response(1000, times=1)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(proxy.url + "/big", timeout=TIMEOUT)
    assert requests.get(proxy.url + "/big", timeout=TIMEOUT).content == BIG
    assert proxy.faults_applied == [
        AppliedFault(Fault.DROP, 1),
        AppliedFault(Fault.DROP, 2),
        AppliedFault(Fault.TRUNCATE_RESPONSE, 4, 1000),
    ]
    assert proxy.connections == 5


def test_faults_apply_per_connection_and_reset_all_renews_them(proxy: FaultProxy) -> None:
    with requests.Session() as session:
        assert session.get(proxy.url + "/small", timeout=TIMEOUT).ok
        proxy.drop()
        # The pooled keep-alive connection was accepted before the fault: it still passes.
        assert session.get(proxy.url + "/small", timeout=TIMEOUT).content == b"hello"
        assert proxy.connections == 1
        assert proxy.faults_applied == []

        assert proxy.reset_all() == 1
        assert proxy.open_connections == 0
        # urllib3 sees the pooled connection is dead and opens a new one, which is dropped.
        with pytest.raises(requests.ConnectionError):
            session.get(proxy.url + "/small", timeout=TIMEOUT)
        assert proxy.faults_applied == [AppliedFault(Fault.DROP, 2)]

        proxy.pass_through()
        assert session.get(proxy.url + "/small", timeout=TIMEOUT).content == b"hello"
        assert proxy.connections == 3


def test_reset_all_cuts_a_blackholed_request(proxy: FaultProxy) -> None:
    proxy.blackhole()
    with raw_get(proxy.port, "/small") as sock:
        proxy.wait_for(lambda p: p.bytes_up > 0)
        assert proxy.reset_all() == 1
        received, error = read_all(sock)
    assert received == b""
    assert isinstance(error, ConnectionResetError)


def test_unreachable_upstream_resets_the_client() -> None:
    with socket.socket() as bound_not_listening:  # a port that refuses, reliably
        bound_not_listening.bind(("127.0.0.1", 0))
        with FaultProxy("127.0.0.1", bound_not_listening.getsockname()[1]) as proxy:
            with pytest.raises(requests.ConnectionError) as failed:
                requests.get(proxy.url + "/small", timeout=TIMEOUT)
            # The proxy resets the client; if that happens before the request is sent,
            # http.client then reads EOF instead.
            found = set(causes(failed.value))
            assert {ConnectionResetError, http.client.RemoteDisconnected} & found
            assert proxy.upstream_failures == 1
            assert proxy.errors == []


def test_arguments_are_checked(proxy: FaultProxy) -> None:
    with pytest.raises(ValueError, match="times"):
        proxy.drop(times=0)
    with pytest.raises(ValueError, match="after_bytes"):
        proxy.truncate_response(-1)
    with pytest.raises(ValueError, match="delay"):
        proxy.delay(-5)
    assert proxy.fault is Fault.PASS_THROUGH


def test_stop_closes_everything_and_leaves_no_thread(upstream: _Upstream) -> None:
    before = set(threading.enumerate())
    proxy = FaultProxy("127.0.0.1", upstream.port).start()
    assert any(thread.name == f"fault-proxy-{proxy.port}" for thread in threading.enumerate())

    session = requests.Session()
    assert session.get(proxy.url + "/small", timeout=TIMEOUT).ok  # an idle keep-alive one
    proxy.blackhole(times=1)
    held = raw_get(proxy.port, "/small")  # a swallowed request
    proxy.wait_for(lambda p: Fault.BLACKHOLE in kinds(p))  # accepted: the next fault is free
    proxy.delay(60_000, times=1)  # and a response held back for a minute
    outcome: list[BaseException | None] = []

    def delayed_get() -> None:
        try:
            requests.get(proxy.url + "/small", timeout=(3.0, 30.0))
            outcome.append(None)
        except requests.RequestException as error:
            outcome.append(error)

    client = threading.Thread(target=delayed_get)
    client.start()
    proxy.wait_for(lambda p: Fault.DELAY in kinds(p) and p.bytes_up > 0)
    assert proxy.open_connections == 3

    started = time.monotonic()
    proxy.stop()
    assert time.monotonic() - started < 5
    proxy.stop()  # idempotent

    client.join(10)
    assert not client.is_alive()
    assert len(outcome) == 1
    assert isinstance(outcome[0], requests.ConnectionError)
    with held:
        received, error = read_all(held)
    assert received == b""
    assert isinstance(error, ConnectionResetError)
    session.close()
    assert_refused(proxy.port)
    # Nothing of the proxy's is left running; the upstream's request threads are not ours.
    left = {thread for thread in set(threading.enumerate()) - before if thread.is_alive()}
    assert {t for t in left if "process_request_thread" not in t.name} == set()
    assert proxy.errors == []
