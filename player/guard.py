"""The playback guard: pure rules that keep playback at 1.0x with no forward skips.

The guard does not trust the backend: it is fed samples (monotonic time, position, rate,
playing) every ~200 ms and answers what must be corrected. A patched client or a VLC
hotkey that sets the rate or the time directly is caught here even when every input path
in the UI is closed.

Why a budget and not a per-sample tolerance: a per-sample tolerance of T lets a cheat add
just under T at every sample (5 samples a second). Here the legitimate position advances
only by playing time measured on the monotonic clock; the reported position may run ahead
of it by at most the tolerance in total, so small jumps cannot accumulate.

Only a monotonic clock is used, so setting the system clock forward grants nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from player.events import TamperKind


@dataclass(frozen=True)
class GuardPolicy:
    tolerance_ms: int = 1000  # VLC's reported time jitters and lags by a few hundred ms
    rate_epsilon: float = 0.001
    # A gap this much larger on the suspend-inclusive clock than on the monotonic clock
    # means the machine slept between two samples.
    suspend_gap_ms: int = 2000


@dataclass(frozen=True)
class GuardSample:
    monotonic_ms: int
    position_ms: int
    rate: float
    playing: bool
    # A clock that keeps running while the machine sleeps (CLOCK_BOOTTIME on Linux).
    suspend_clock_ms: int | None = None


@dataclass(frozen=True)
class Violation:
    kind: TamperKind
    details: dict[str, int | float | str]


@dataclass(frozen=True)
class GuardVerdict:
    """What the player must do after a sample. Empty when all is well."""

    reset_rate: bool = False
    seek_to_ms: int | None = None
    pause_for_suspend: bool = False
    violations: tuple[Violation, ...] = field(default_factory=tuple)

    @property
    def clean(self) -> bool:
        return not (self.reset_rate or self.seek_to_ms is not None or self.violations)


class PlaybackGuard:
    """Tracks the last legitimate position and the furthest point reached."""

    def __init__(
        self,
        start_position_ms: int = 0,
        policy: GuardPolicy | None = None,
        started_at_ms: int | None = None,
    ) -> None:
        """`started_at_ms`: monotonic time playback was asked to start from
        `start_position_ms`; the first sample may then have advanced by the time since."""
        self.policy = policy or GuardPolicy()
        self.legit_position_ms = start_position_ms
        self.furthest_ms = start_position_ms
        self._last: GuardSample | None = None
        if started_at_ms is not None:
            self._last = GuardSample(started_at_ms, start_position_ms, 1.0, playing=True)
        self._rollback_target: int | None = None

    def observe(self, sample: GuardSample) -> GuardVerdict:
        policy = self.policy
        last = self._last
        self._last = sample
        violations: list[Violation] = []
        reset_rate = abs(sample.rate - 1.0) > policy.rate_epsilon
        if reset_rate:
            violations.append(Violation(TamperKind.RATE_CHANGE, {"rate": round(sample.rate, 3)}))

        suspended = False
        if (
            last is not None
            and sample.suspend_clock_ms is not None
            and last.suspend_clock_ms is not None
        ):
            slept = (sample.suspend_clock_ms - last.suspend_clock_ms) - (
                sample.monotonic_ms - last.monotonic_ms
            )
            if slept > policy.suspend_gap_ms:
                suspended = True
                violations.append(Violation(TamperKind.SUSPEND_GAP, {"slept_ms": slept}))

        # Playing time since the last sample: counted when either end was playing, since
        # playback starts or stops somewhere between two samples. Intervals paused at
        # both ends count nothing, so a pause never becomes budget for a later jump; the
        # most a pause/resume cycle can add is one poll interval.
        elapsed = 0
        if last is not None and (last.playing or sample.playing):
            elapsed = max(0, sample.monotonic_ms - last.monotonic_ms)
        allowed = self.legit_position_ms + elapsed
        position = sample.position_ms
        seek_to: int | None = None

        pending = self._rollback_target
        if last is None and abs(position - self.legit_position_ms) <= policy.tolerance_ms:
            # First sample: playback started a moment ago; take where it really is.
            self.legit_position_ms = position
        elif pending is not None and position <= pending + policy.tolerance_ms:
            # Our own rollback has landed, perhaps short of its target (a seek lands on a
            # key frame): this backward move is expected.
            self._rollback_target = None
            self.legit_position_ms = min(position, allowed)
        elif position > allowed + policy.tolerance_ms:
            if pending is None:  # one jump is one violation, however long it takes to undo
                violations.append(
                    Violation(
                        TamperKind.FORWARD_JUMP,
                        {
                            "from_ms": self.legit_position_ms,
                            "to_ms": position,
                            "allowed_ms": allowed,
                        },
                    )
                )
            self.legit_position_ms = allowed
            seek_to = allowed
            self._rollback_target = allowed
        elif position < self.legit_position_ms - policy.tolerance_ms:
            violations.append(
                Violation(
                    TamperKind.BACKWARD_JUMP,
                    {"from_ms": self.legit_position_ms, "to_ms": position},
                )
            )
            self.legit_position_ms = position
        else:
            # Within tolerance: the legitimate position never runs ahead of the budget.
            self.legit_position_ms = max(self.legit_position_ms, min(position, allowed))

        self.furthest_ms = max(self.furthest_ms, self.legit_position_ms)
        return GuardVerdict(
            reset_rate=reset_rate,
            seek_to_ms=seek_to,
            pause_for_suspend=suspended,
            violations=tuple(violations),
        )
