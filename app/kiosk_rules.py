"""The kiosk's rules, pure: how long the exit PIN is locked after wrong tries, and
whether the client may close with study records not yet sent.

A lab PC is re-imaged between courses: records that never reached the platform would be
lost with the image. So the administrator's close sends them first; it is refused while
the platform answers but has not taken them all, and allowed with a warning when the
platform cannot be reached (they stay encrypted on the PC, sent at the next start).
"""

from __future__ import annotations

import enum

FREE_TRIES = 3
FIRST_LOCKOUT_MS = 30_000
MAX_LOCKOUT_MS = 15 * 60_000


def pin_lockout_ms(failures: int) -> int:
    """How long the PIN field stays locked after `failures` wrong PINs in a row: free for
    the first few typing slips, then 30 s doubling up to 15 min, so guessing a 6-digit
    PIN at the screen takes years."""
    if failures < FREE_TRIES:
        return 0
    return min(MAX_LOCKOUT_MS, FIRST_LOCKOUT_MS * 2 ** (failures - FREE_TRIES))


class ExitDecision(enum.Enum):
    CLOSE = "close"  # nothing left to send
    WARN_UNREACHABLE = "warn_unreachable"  # kept on this PC: the administrator decides
    REFUSE = "refuse"  # the platform is there: send them first


def exit_decision(pending: int | None, reachable: bool) -> ExitDecision:
    """`pending` None: not known (nothing connected to count them)."""
    if pending == 0:
        return ExitDecision.CLOSE
    return ExitDecision.REFUSE if reachable else ExitDecision.WARN_UNREACHABLE
