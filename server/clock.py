"""The server's clock, the only time the platform credits by. Tests move it forward
(lock-out expiry, offline gaps) through `advance`; production never does."""

from __future__ import annotations

import threading
import time


class ServerClock:
    def __init__(self) -> None:
        self._offset_ms = 0
        self._lock = threading.Lock()

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000 + self._offset_ms

    def advance(self, ms: int) -> None:
        with self._lock:
            self._offset_ms += ms
