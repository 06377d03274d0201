"""Sliding-window rate limits per client address, in memory: enough for one server
process; several processes behind a balancer would need a shared store."""

from __future__ import annotations

import threading
from collections import defaultdict, deque


class RateLimiter:
    def __init__(self, limit: int, window_ms: int) -> None:
        self._limit = limit
        self._window_ms = window_ms
        self._hits: dict[str, deque[int]] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, key: str, now_ms: int) -> bool:
        with self._lock:
            hits = self._hits[key]
            while hits and hits[0] <= now_ms - self._window_ms:
                hits.popleft()
            if len(hits) >= self._limit:
                return False
            hits.append(now_ms)
            return True
