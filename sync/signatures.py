"""Signing a group of new events on several threads before the COMMIT that stores them.

libsodium releases the GIL while it signs, and signing is most of the cost: 22 µs an
event here, against a few µs of Python around each call. (Checking many signatures on
several threads, for the store's open and the server's uploads, is
`records.signing.signatures_valid`.)

The thread that asks does its own share and otherwise only waits, so the threads
contend for the GIL only in the few µs between calls. Signing on a second thread while
the first went on building events (Python, holding the GIL) measured slower than one
thread: each finished signature waited for the builder to let go of the GIL.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from records.signing import DeviceSigner, default_workers

# A signing share smaller than this costs more to hand over than it saves.
MIN_SIGNING_SHARE = 16


class GroupSigner:
    """Signs groups of messages with one device key, split over the cores.

    Its helper threads live as long as it does (starting threads for every commit would
    cost more than they save); `close` stops them. A group too small to share, or a
    machine with one core, is signed on the calling thread alone."""

    def __init__(self, signer: DeviceSigner, workers: int | None = None) -> None:
        self._signer = signer
        self._workers = default_workers() if workers is None else max(1, workers)
        self._helpers: ThreadPoolExecutor | None = None
        if self._workers > 1:
            self._helpers = ThreadPoolExecutor(
                self._workers - 1, thread_name_prefix="event-signing"
            )

    def sign_all(self, messages: Sequence[bytes]) -> list[bytes]:
        """The signature of each message, in the order given."""
        shares = min(self._workers, len(messages) // MIN_SIGNING_SHARE)
        if self._helpers is None or shares < 2:
            return self._sign(messages)
        size = -(-len(messages) // shares)  # ceiling: at most `shares` parts
        parts = [messages[start : start + size] for start in range(0, len(messages), size)]
        helped = [self._hand_over(part) for part in parts[1:]]
        signatures = self._sign(parts[0])
        for future in helped:
            signatures += future.result()
        return signatures

    def _hand_over(self, part: Sequence[bytes]) -> Future[list[bytes]]:
        helpers = self._helpers
        try:
            if helpers is not None:
                return helpers.submit(self._sign, part)
        except RuntimeError:
            pass  # closed meanwhile, or the interpreter is exiting: no new threads
        signed_here: Future[list[bytes]] = Future()
        signed_here.set_result(self._sign(part))
        return signed_here

    def _sign(self, messages: Sequence[bytes]) -> list[bytes]:
        return [self._signer.sign(message) for message in messages]

    def close(self) -> None:
        if self._helpers is not None:
            self._helpers.shutdown(wait=True)
            self._helpers = None
