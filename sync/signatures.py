"""Checking the signatures of many stored events on several threads.

libsodium releases the GIL while it verifies, and verifying is most of the cost of
opening a store (58 µs an event here, against a few µs of Python around it), so the
signatures of a big store are checked on every core. Signing new events gains nothing
from threads: there the Python around each signature holds the GIL as long as the
signature takes (measured in bench/store_append.py).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from records.signing import DeviceVerifier, SignedEvent

CHUNK_SIZE = 256  # events per task: the hand-over (~20 µs) is noise against 256 checks


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def signatures_valid(
    public_key: bytes, signed: Sequence[SignedEvent], workers: int | None = None
) -> list[bool]:
    """Whether each event's signature is the device's, in the order given."""
    verifier = DeviceVerifier(public_key)
    workers = default_workers() if workers is None else workers
    chunks = [signed[start : start + CHUNK_SIZE] for start in range(0, len(signed), CHUNK_SIZE)]
    if workers <= 1 or len(chunks) <= 1:
        return [verifier.is_valid(item) for item in signed]
    with ThreadPoolExecutor(workers, thread_name_prefix="signature-check") as pool:
        answers = pool.map(lambda chunk: [verifier.is_valid(item) for item in chunk], chunks)
        return [ok for chunk in answers for ok in chunk]
