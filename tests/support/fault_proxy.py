"""A fault-injecting TCP proxy on 127.0.0.1, for testing the client's sync against a real server.

    with FaultProxy("127.0.0.1", server_port) as proxy:
        client = SyncClient(base_url=proxy.url)
        proxy.truncate_response(after_bytes=200, times=1)
        ...  # the next connection gets a short body, later ones pass through
        assert [f.kind for f in proxy.faults_applied] == [Fault.TRUNCATE_RESPONSE]

All the networking runs on one asyncio event loop in one daemon thread; the test thread sets
faults through thread-safe methods and waits on the loop with timeouts, so a stuck proxy fails
a test instead of hanging it. Standard library only (Linux: TIOCOUTQ is read to know when the
bytes before a reset have really left).

Faults are chosen per connection, when it is accepted: a connection that a keep-alive client
(requests.Session) already holds keeps the behaviour it was accepted with. Call `reset_all()`
after setting a fault to make such a client open a new connection: the pooled one is reset, the
client notices it is dead before reusing it, and reconnects. `times=N` counts connections too
(the next N accepted connections get the fault, then the proxy passes through again), and
`after_bytes` counts response bytes on the connection.

What a requests client sees (checked by tests/unit/test_fault_proxy.py):
  refuse()                   ConnectionError (ConnectionRefusedError inside)
  drop()                     ConnectionError (RemoteDisconnected, or ConnectionResetError when
                             its request was still unread as the proxy closed)
  (upstream unreachable)     ConnectionError (the client is reset, as for drop)
  delay(ms)                  a normal answer, ms later per chunk of the response
  blackhole()                ReadTimeout (or hangs without a timeout)
  reset_mid_response(n)      ChunkedEncodingError (ConnectionResetError inside) when n falls in
                             the body; ConnectionError (ConnectionResetError) in the headers
  truncate_response(n)       ChunkedEncodingError (IncompleteRead inside) when n falls in the
                             body, ConnectionError (BadStatusLine) in the status line; a cut
                             between header lines may pass for the end of the headers with
                             http.client, so put n in the body
  answer_500()               a response with status 500 and Connection: close
  garbage()                  ConnectionError (BadStatusLine inside)
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import fcntl
import socket
import struct
import termios
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Self, TypeVar

CHUNK = 64 * 1024
COMMAND_TIMEOUT_S = 10.0  # the test thread's wait for the proxy's loop to do something
CONNECT_TIMEOUT_S = 5.0  # connecting to the upstream
HEAD_TIMEOUT_S = 10.0  # reading a request's head before answering it ourselves
LINGER_S = 5.0  # reading what the client still sends after our answer, so close() sends FIN
FLUSH_TIMEOUT_S = 2.0  # waiting for the bytes before a reset to reach the client
MAX_HEAD = 64 * 1024

_T = TypeVar("_T")

_500_BODY = b"fault proxy: injected 500\n"
ANSWER_500 = (
    b"HTTP/1.1 500 Internal Server Error\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: " + str(len(_500_BODY)).encode() + b"\r\n"
    b"Connection: close\r\n"
    b"\r\n" + _500_BODY
)
# Not an HTTP status line: http.client raises BadStatusLine.
GARBAGE = b"\x00\x8f\xffSSH-2.0 this is not HTTP \xde\xad\xbe\xef\r\n\r\n"


class Fault(enum.StrEnum):
    PASS_THROUGH = "pass_through"
    REFUSE = "refuse"
    DROP = "drop"
    DELAY = "delay"
    BLACKHOLE = "blackhole"
    RESET_MID_RESPONSE = "reset_mid_response"
    TRUNCATE_RESPONSE = "truncate_response"
    ANSWER_500 = "answer_500"
    GARBAGE = "garbage"


@dataclass(frozen=True)
class AppliedFault:
    """A fault that really happened: `connection` is the 1-based number of the accepted
    connection it hit (None for refuse, which hits the listener), `arg` its argument
    (milliseconds for delay, bytes for reset/truncate)."""

    kind: Fault
    connection: int | None
    arg: float | None = None


@dataclass
class _Setting:
    kind: Fault
    arg: float | None = None
    remaining: int | None = None  # connections left before passing through again; None: no end


@dataclass(frozen=True)
class _Assigned:
    kind: Fault
    arg: float | None


class _Conn:
    """One client connection; touched only on the proxy's loop."""

    def __init__(
        self,
        serial: int,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        task: asyncio.Task | None,
    ) -> None:
        self.serial = serial
        self.client_r = reader
        self.client_w = writer
        self.up_r: asyncio.StreamReader | None = None
        self.up_w: asyncio.StreamWriter | None = None
        self.task = task
        self.rst = False  # end with a TCP RST to the client
        self.finishing = False

    def abort(self) -> None:
        """Reset the client, drop the upstream; wakes whatever waits on either."""
        self.rst = True
        _set_linger0(self.client_w)
        self.client_w.transport.abort()
        if self.up_w is not None:
            self.up_w.transport.abort()

    def kill(self) -> None:
        """Reset now, and end the task (a task already in _finish just ends sooner)."""
        self.abort()
        if self.task is not None and not self.finishing:
            self.task.cancel()


def _set_linger0(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def _unacknowledged(sock: socket.socket) -> int:
    """Bytes in the kernel's send queue not yet acknowledged by the peer (Linux SIOCOUTQ)."""
    return struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0"))[0]


class FaultProxy:
    """A TCP proxy from 127.0.0.1:<port> to an upstream, that injects faults on request."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        # Resolved here, once: the loop then connects to a numeric address, which asyncio does
        # without its resolver thread pool (so the proxy has exactly one thread).
        info = socket.getaddrinfo(upstream_host, upstream_port, type=socket.SOCK_STREAM)
        self._upstream: tuple[str, int] = info[0][4][:2]
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._setting = _Setting(Fault.PASS_THROUGH)
        self._connections = 0
        self._open = 0
        self._bytes_up = 0
        self._bytes_down = 0
        self._upstream_failures = 0
        self._applied: list[AppliedFault] = []
        self._errors: list[str] = []
        self._port: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped = False
        self._refusing = False
        # Loop-thread state.
        self._server: asyncio.Server | None = None
        self._holder: socket.socket | None = None  # keeps the port bound while refusing
        self._conns: set[_Conn] = set()
        self._closing = False

    # -- life cycle ---------------------------------------------------------------------------

    def start(self) -> Self:
        """Listens on a free port of 127.0.0.1 and returns self."""
        if self._thread is not None:
            raise RuntimeError("FaultProxy.start() called twice")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            # SO_REUSEADDR on the listener (and so on the connections it accepts) lets the
            # port be bound again while they are open or in TIME_WAIT: see refuse().
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("127.0.0.1", 0))
        except BaseException:
            sock.close()
            raise
        self._port = sock.getsockname()[1]
        self._loop = asyncio.new_event_loop()
        self._loop.set_exception_handler(self._on_loop_error)
        self._thread = threading.Thread(
            target=self._run, name=f"fault-proxy-{self._port}", daemon=True
        )
        self._thread.start()
        try:
            self._call(self._listen(sock))
        except BaseException:
            sock.close()
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Closes the listener and every open connection (clients get a reset) and ends the
        thread. Idempotent."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        try:
            if thread.is_alive():
                self._call(self._shutdown())
        finally:
            with contextlib.suppress(RuntimeError):  # the loop already closed
                loop.call_soon_threadsafe(loop.stop)
            thread.join(COMMAND_TIMEOUT_S)
        if thread.is_alive():
            raise RuntimeError(f"{thread.name} did not stop")

    def __enter__(self) -> Self:
        return self if self._thread is not None else self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<FaultProxy {self.url} -> {self._upstream[0]}:{self._upstream[1]} {self.fault}>"

    # -- what tests read ----------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the proxy is not started")
        return self._port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def connections(self) -> int:
        """Connections accepted so far."""
        with self._lock:
            return self._connections

    @property
    def open_connections(self) -> int:
        with self._lock:
            return self._open

    @property
    def bytes_up(self) -> int:
        """Bytes received from clients (forwarded or not)."""
        with self._lock:
            return self._bytes_up

    @property
    def bytes_down(self) -> int:
        """Bytes sent to clients (from the upstream or made up by a fault)."""
        with self._lock:
            return self._bytes_down

    @property
    def upstream_failures(self) -> int:
        """Connections whose upstream could not be reached (the client got a reset)."""
        with self._lock:
            return self._upstream_failures

    @property
    def faults_applied(self) -> list[AppliedFault]:
        """The faults that really happened, in order (a copy)."""
        with self._lock:
            return list(self._applied)

    @property
    def errors(self) -> list[str]:
        """Unexpected exceptions inside the proxy (bugs, not network events); should be []."""
        with self._lock:
            return list(self._errors)

    @property
    def fault(self) -> Fault:
        """The fault the next accepted connection gets (once accepting again, if refusing)."""
        with self._lock:
            return self._setting.kind

    @property
    def refusing(self) -> bool:
        with self._lock:
            return self._refusing

    def wait_for(self, predicate: Callable[[FaultProxy], bool], timeout: float = 5.0) -> None:
        """Waits until predicate(proxy) holds, re-checked whenever the proxy's counters or
        records change; raises TimeoutError after `timeout` seconds."""
        with self._changed:
            if not self._changed.wait_for(lambda: predicate(self), timeout):
                raise TimeoutError(f"{predicate} still false after {timeout} s: {self!r}")

    # -- faults -------------------------------------------------------------------------------

    def pass_through(self) -> None:
        """Forward everything (the default); also reopens the listener after refuse()."""
        self._set(Fault.PASS_THROUGH, None, None)
        self.accept_again()

    def refuse(self) -> None:
        """Close the listener: connecting fails with ECONNREFUSED until accept_again() or
        pass_through(). The port stays reserved (bound, not listening) meanwhile. Connections
        already open are left alone (see reset_all()). Independent of the per-connection fault,
        which applies again once accepting (pass_through() resets both); no `times`, since
        refused connections never reach the proxy to be counted."""
        self._call(self._refuse())

    def accept_again(self) -> None:
        """Listen again on the same port (no-op unless refusing); the per-connection fault
        set meanwhile, if any, then applies."""
        if self._thread is not None and not self._stopped:
            self._call(self._accept_again())

    def drop(self, *, times: int | None = None) -> None:
        """Accept, then close at once without reading or answering."""
        self._set(Fault.DROP, None, times)

    def delay(self, ms: float, *, times: int | None = None) -> None:
        """Wait `ms` milliseconds before forwarding each chunk of the response."""
        if ms < 0:
            raise ValueError(f"delay must be >= 0 ms, not {ms}")
        self._set(Fault.DELAY, ms, times)

    def blackhole(self, *, times: int | None = None) -> None:
        """Accept and read everything, never answer, never close (until reset_all/stop)."""
        self._set(Fault.BLACKHOLE, None, times)

    def reset_mid_response(self, after_bytes: int, *, times: int | None = None) -> None:
        """Forward the request and `after_bytes` of the response, wait until the client's
        kernel has them, then reset the connection (SO_LINGER 0)."""
        self._set(Fault.RESET_MID_RESPONSE, self._check_bytes(after_bytes), times)

    def truncate_response(self, after_bytes: int, *, times: int | None = None) -> None:
        """Forward the request and `after_bytes` of the response, then close cleanly (FIN)."""
        self._set(Fault.TRUNCATE_RESPONSE, self._check_bytes(after_bytes), times)

    def answer_500(self, *, times: int | None = None) -> None:
        """Without contacting the upstream, read the request's head and answer
        500 Internal Server Error (small body, Connection: close)."""
        self._set(Fault.ANSWER_500, None, times)

    def garbage(self, *, times: int | None = None) -> None:
        """Read the request's head and answer bytes that are not HTTP, then close."""
        self._set(Fault.GARBAGE, None, times)

    def reset_all(self) -> int:
        """Reset every open client connection (and drop its upstream) now; returns how many.
        When it returns, the resets have been sent."""
        if self._thread is None or self._stopped:
            return 0
        return self._call(self._kill_all())

    # -- internals: test thread ---------------------------------------------------------------

    @staticmethod
    def _check_bytes(after_bytes: int) -> int:
        if after_bytes < 0:
            raise ValueError(f"after_bytes must be >= 0, not {after_bytes}")
        return after_bytes

    def _set(self, kind: Fault, arg: float | None, times: int | None) -> None:
        if times is not None and times < 1:
            raise ValueError(f"times must be >= 1 (or None for no end), not {times}")
        with self._changed:
            self._setting = _Setting(kind, arg, times)
            self._changed.notify_all()

    def _call(self, coro: Coroutine[Any, Any, _T]) -> _T:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None or not thread.is_alive():
            coro.close()
            raise RuntimeError("the proxy is not running")
        future = asyncio.run_coroutine_threadsafe(coro, loop)
        try:
            return future.result(COMMAND_TIMEOUT_S)
        except TimeoutError:
            future.cancel()
            raise TimeoutError(f"{self!r} did not answer in {COMMAND_TIMEOUT_S} s") from None

    # -- internals: loop thread ---------------------------------------------------------------

    def _run(self) -> None:
        loop = self._loop
        assert loop is not None
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
        finally:
            try:
                leftovers = asyncio.all_tasks(loop)
                for task in leftovers:
                    task.cancel()
                if leftovers:
                    loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.run_until_complete(loop.shutdown_default_executor())
            finally:
                asyncio.set_event_loop(None)
                loop.close()

    def _on_loop_error(self, loop: asyncio.AbstractEventLoop, context: dict) -> None:
        exc = context.get("exception")
        if isinstance(exc, ConnectionError):
            return
        self._error(f"{context.get('message')}: {exc!r}")

    def _error(self, text: str) -> None:
        with self._changed:
            self._errors.append(text)
            self._changed.notify_all()

    def _record(self, conn: _Conn | None, fault: _Assigned) -> None:
        with self._changed:
            serial = None if conn is None else conn.serial
            self._applied.append(AppliedFault(fault.kind, serial, fault.arg))
            self._changed.notify_all()

    def _count(self, *, up: int = 0, down: int = 0) -> None:
        with self._changed:
            self._bytes_up += up
            self._bytes_down += down
            self._changed.notify_all()

    async def _listen(self, sock: socket.socket) -> None:
        self._server = await asyncio.start_server(self._on_client, sock=sock, limit=4 * CHUNK)

    async def _refuse(self) -> None:
        if self._server is None:
            return
        self._server.close()  # closes the listening socket now
        self._server = None
        with self._changed:
            self._refusing = True
            self._changed.notify_all()
        self._record(None, _Assigned(Fault.REFUSE, None))
        # Bound but not listening: SYNs get a RST (ECONNREFUSED), and the kernel will not
        # hand the port to an outgoing connection in the meantime (which could even connect
        # the client to itself); accept_again() then listens on this very socket.
        holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            holder.bind(("127.0.0.1", self.port))
        except OSError as exc:
            holder.close()
            self._error(f"could not keep port {self.port} reserved while refusing: {exc!r}")
            return
        self._holder = holder

    async def _accept_again(self) -> None:
        if self._server is not None:
            return
        sock, self._holder = self._holder, None
        if sock is None:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", self.port))
            except OSError:
                sock.close()
                raise
        try:
            await self._listen(sock)
        except BaseException:
            sock.close()
            raise
        with self._changed:
            self._refusing = False
            self._changed.notify_all()

    async def _shutdown(self) -> None:
        self._closing = True
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._holder is not None:
            self._holder.close()
            self._holder = None
        # A connection accepted just now takes a few loop turns to reach _on_client
        # (accept task, transport, connection_made, handler task): let them register.
        for _ in range(5):
            await asyncio.sleep(0)
        await self._kill_all()

    async def _kill_all(self) -> int:
        conns = list(self._conns)
        for conn in conns:
            conn.kill()
        tasks = [conn.task for conn in conns if conn.task is not None]
        if tasks:
            await asyncio.wait(tasks, timeout=COMMAND_TIMEOUT_S)
        return len(conns)

    def _take_fault(self) -> _Assigned:
        setting = self._setting
        assigned = _Assigned(setting.kind, setting.arg)
        if setting.remaining is not None:
            setting.remaining -= 1
            if setting.remaining <= 0:
                self._setting = _Setting(Fault.PASS_THROUGH)
        return assigned

    async def _on_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with self._changed:
            self._connections += 1
            self._open += 1
            serial = self._connections
            fault = self._take_fault()
            self._changed.notify_all()
        conn = _Conn(serial, reader, writer, asyncio.current_task())
        self._conns.add(conn)
        try:
            if self._closing:
                conn.rst = True
                return
            await self._serve(conn, fault)
        except asyncio.CancelledError:  # reset_all() or stop(): the end of this task, which
            conn.rst = True  # must not end cancelled (3.11's start_server callback chokes on it)
        except (OSError, asyncio.IncompleteReadError):  # resets, broken pipes, timeouts
            conn.rst = True
        except Exception as exc:
            conn.rst = True
            self._error(f"connection {serial} ({fault.kind}): {exc!r}")
        finally:
            await self._finish(conn)

    async def _serve(self, conn: _Conn, fault: _Assigned) -> None:
        match fault.kind:
            case Fault.DROP:
                self._record(conn, fault)
            case Fault.BLACKHOLE:
                self._record(conn, fault)
                await self._swallow(conn, None)
            case Fault.ANSWER_500 | Fault.GARBAGE:
                await self._read_head(conn)
                self._record(conn, fault)
                answer = ANSWER_500 if fault.kind is Fault.ANSWER_500 else GARBAGE
                self._count(down=len(answer))
                conn.client_w.write(answer)
                await conn.client_w.drain()
                conn.client_w.write_eof()
                await self._swallow(conn, LINGER_S)
            case _:
                await self._relay(conn, fault)

    async def _relay(self, conn: _Conn, fault: _Assigned) -> None:
        try:
            conn.up_r, conn.up_w = await asyncio.wait_for(
                asyncio.open_connection(*self._upstream, limit=4 * CHUNK), CONNECT_TIMEOUT_S
            )
        except OSError:  # refused, unreachable, timed out
            with self._changed:
                self._upstream_failures += 1
                self._changed.notify_all()
            conn.rst = True
            return
        up_task = asyncio.create_task(self._pump_up(conn))
        try:
            if not await self._pump_down(conn, fault):
                await up_task  # the upstream is done; the client closes when it has all
                return
            await self._end_task(up_task)
            conn.up_w.transport.abort()
            if fault.kind is Fault.RESET_MID_RESPONSE:
                await self._flush(conn.client_w)
                self._record(conn, fault)
                conn.rst = True
            else:
                self._record(conn, fault)
                conn.client_w.write_eof()
                await self._swallow(conn, LINGER_S)
        finally:
            await self._end_task(up_task)

    @staticmethod
    async def _end_task(task: asyncio.Task) -> None:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    async def _pump_up(self, conn: _Conn) -> None:
        assert conn.up_w is not None
        try:
            while data := await conn.client_r.read(CHUNK):
                self._count(up=len(data))
                conn.up_w.write(data)
                await conn.up_w.drain()
            if not conn.up_w.transport.is_closing():
                conn.up_w.write_eof()
        except OSError:
            conn.abort()  # wakes _pump_down, which then ends the connection

    async def _pump_down(self, conn: _Conn, fault: _Assigned) -> bool:
        """Forwards the response; returns True when it stopped at the fault's byte limit."""
        assert conn.up_r is not None
        limit = None
        if fault.kind in (Fault.RESET_MID_RESPONSE, Fault.TRUNCATE_RESPONSE):
            limit = int(fault.arg or 0)
        sent = 0
        while data := await conn.up_r.read(CHUNK):
            if fault.kind is Fault.DELAY:
                if sent == 0:
                    self._record(conn, fault)
                await asyncio.sleep((fault.arg or 0) / 1000)
            if limit is not None and sent + len(data) >= limit:
                data = data[: limit - sent]
                if data:
                    self._count(down=len(data))
                    conn.client_w.write(data)
                    await conn.client_w.drain()
                return True
            self._count(down=len(data))
            conn.client_w.write(data)
            await conn.client_w.drain()
            sent += len(data)
        if not conn.client_w.transport.is_closing():
            conn.client_w.write_eof()
        return False

    async def _flush(self, writer: asyncio.StreamWriter) -> None:
        """Waits (up to FLUSH_TIMEOUT_S) until the peer's kernel has acknowledged everything."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + FLUSH_TIMEOUT_S
        transport = writer.transport
        while transport.get_write_buffer_size() and not transport.is_closing():
            if loop.time() > deadline:
                return
            await asyncio.sleep(0.001)
        sock = writer.get_extra_info("socket")
        while loop.time() < deadline:
            try:
                if _unacknowledged(sock) == 0:
                    return
            except OSError:
                return
            await asyncio.sleep(0.001)

    async def _swallow(self, conn: _Conn, timeout: float | None) -> None:
        """Reads and discards what the client sends until it closes (or `timeout`)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                while data := await conn.client_r.read(CHUNK):
                    self._count(up=len(data))

    async def _read_head(self, conn: _Conn) -> None:
        head = b""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(HEAD_TIMEOUT_S):
                while b"\r\n\r\n" not in head and len(head) < MAX_HEAD:
                    data = await conn.client_r.read(CHUNK)
                    if not data:
                        return
                    self._count(up=len(data))
                    head += data

    async def _finish(self, conn: _Conn) -> None:
        """Closes both sides (FIN, or RST to the client if conn.rst) and waits until the sockets
        are closed. Stays in self._conns meanwhile, so reset_all() and stop() wait for it."""
        conn.finishing = True
        writers = [conn.client_w] if conn.up_w is None else [conn.client_w, conn.up_w]
        try:
            if conn.rst:
                conn.abort()
            else:
                for writer in writers:
                    writer.close()
            for writer in writers:
                await self._closed(writer)
        except asyncio.CancelledError:  # the loop is ending: no more waiting
            conn.abort()
        finally:
            self._conns.discard(conn)
            with self._changed:
                self._open -= 1
                self._changed.notify_all()

    @staticmethod
    async def _closed(writer: asyncio.StreamWriter) -> None:
        try:
            await asyncio.wait_for(writer.wait_closed(), FLUSH_TIMEOUT_S)
        except TimeoutError:  # the peer does not read what is left to send
            writer.transport.abort()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.wait_closed(), FLUSH_TIMEOUT_S)
        except Exception:  # the connection was lost: the socket is closed all the same
            return
