"""The face challenges the server issues, and what the timing of the evidence must be
(pure rules, no I/O).

The server draws the actions; the client's frames must span no more time than passed on
the server's clock between issuing the challenge and receiving the evidence, arrive
before the challenge expires, and come in time order at the burst's rate. A burst made
ahead of time, or frames "taken" faster than a camera delivers them, fail here before
any face is looked at."""

from __future__ import annotations

import enum
import itertools
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from verification.burst import BURST_MIN_GAP_MS

# The client's monotonic clock and the server's wall clock tick at the same rate, but the
# request takes time to arrive and the first frame comes after the challenge reached the
# client: the frames' span is always shorter than the server's interval for an honest
# client. This allowance covers only timer granularity.
SPAN_ALLOWANCE_MS = 250


@dataclass(frozen=True)
class ChallengePolicy:
    actions: tuple[str, ...]  # the institution's list (verification.liveness.Action values)
    min_actions: int
    max_actions: int
    ttl_ms: int  # from issue to the evidence's arrival

    def __post_init__(self) -> None:
        if not self.actions or len(set(self.actions)) != len(self.actions):
            raise ValueError("a challenge needs a list of distinct actions")
        if not 1 <= self.min_actions <= self.max_actions:
            raise ValueError("need 1 <= min_actions <= max_actions")
        if self.ttl_ms <= 0:
            raise ValueError("the challenge's lifetime must be positive")


def draw_actions(
    policy: ChallengePolicy, rng: random.Random | secrets.SystemRandom | None = None
) -> tuple[str, ...]:
    """Distinct actions in a random order: between min and max of them (as many as the
    list allows)."""
    rng = rng or secrets.SystemRandom()
    most = min(policy.max_actions, len(policy.actions))
    count = rng.randint(min(policy.min_actions, most), most)
    return tuple(rng.sample(list(policy.actions), count))


class BurstTimingRefusal(enum.StrEnum):
    EMPTY = "burst_empty"
    OUT_OF_ORDER = "burst_out_of_order"  # times not increasing at the burst's rate
    LONGER_THAN_ISSUED = "burst_longer_than_issued"  # made before the challenge existed
    EXPIRED = "challenge_expired"


def burst_timing_refusal(
    frame_times_ms: Sequence[int], issued_ms: int, received_ms: int, expires_ms: int
) -> BurstTimingRefusal | None:
    """Why the frames' timing does not fit the challenge, or None when it does."""
    if not frame_times_ms:
        return BurstTimingRefusal.EMPTY
    if received_ms > expires_ms:
        return BurstTimingRefusal.EXPIRED
    gaps = [later - earlier for earlier, later in itertools.pairwise(frame_times_ms)]
    # Closer frames are not a camera stream sampled at the burst's rate.
    if any(gap < BURST_MIN_GAP_MS for gap in gaps):
        return BurstTimingRefusal.OUT_OF_ORDER
    span = frame_times_ms[-1] - frame_times_ms[0]
    if span > received_ms - issued_ms + SPAN_ALLOWANCE_MS:
        return BurstTimingRefusal.LONGER_THAN_ISSUED
    return None
