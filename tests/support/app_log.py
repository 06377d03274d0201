"""The client's JSON-lines log (`client.log` in its data folder), read by tests that drive
the client as a process."""

from __future__ import annotations

import json
import time
from pathlib import Path


def log_entries(data_dir: Path) -> list[dict]:
    path = data_dir / "client.log"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def wait_for_log(data_dir: Path, predicate, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for entry in log_entries(data_dir):
            if predicate(entry):
                return entry
        time.sleep(0.1)
    raise AssertionError(f"log line not seen in {timeout} s; log: {log_entries(data_dir)[-10:]}")
