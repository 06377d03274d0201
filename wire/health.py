"""The answer of `/health`."""

from __future__ import annotations

from wire.base import Answer


class Health(Answer):
    status: str  # "ok"
    server_time_ms: int
