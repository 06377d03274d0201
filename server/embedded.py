"""The platform server inside another process: uvicorn on 127.0.0.1 in a thread. The
demo client runs its own platform this way, and the tests run the real server so they
can move its clock."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn

from server.api import create_app
from server.platform import Platform


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class EmbeddedServer:
    """`platform` served over HTTP on 127.0.0.1 until `stop()`."""

    def __init__(self, platform: Platform, port: int | None = None) -> None:
        self.platform = platform
        # Bound here and handed to uvicorn: a port merely found free could be taken by
        # another process (a parallel test run) before uvicorn binds it.
        self._socket = socket.socket()
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", port or 0))
        self.port = int(self._socket.getsockname()[1])
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._server = uvicorn.Server(
            uvicorn.Config(
                create_app(platform),
                host="127.0.0.1",
                port=self.port,
                log_config=None,
                access_log=False,
                lifespan="off",
            )
        )
        self._thread = threading.Thread(
            target=lambda: self._server.run(sockets=[self._socket]), name="platform", daemon=True
        )

    def start(self, timeout_s: float = 20.0) -> EmbeddedServer:
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the platform server did not start on port {self.port}")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        """Shut the server down (idempotent): the port closes, the database stays."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(10)
        self._socket.close()
        self.platform.engine.dispose()
