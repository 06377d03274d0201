"""Unit tests of the playback guard's rules with a fake clock and fake positions."""

from __future__ import annotations

import time

import pytest

from player.events import TamperKind
from player.facade import SystemClock
from player.guard import GuardPolicy, GuardSample, PlaybackGuard


class FakePlayback:
    """Drives the guard the way the 200 ms poll does, with full control of the clock."""

    def __init__(self, start_ms: int = 0, policy: GuardPolicy | None = None) -> None:
        self.guard = PlaybackGuard(start_ms, policy)
        self.now = 1_000_000
        self.boot = 5_000_000
        self.position = start_ms
        self.rate = 1.0
        self.playing = True
        self.violations: list[TamperKind] = []

    def step(self, ms: int = 200, advance: int | None = None, slept_ms: int = 0):
        self.now += ms
        self.boot += ms + slept_ms
        if self.playing:
            self.position += ms if advance is None else advance
        verdict = self.guard.observe(
            GuardSample(self.now, self.position, self.rate, self.playing, self.boot)
        )
        if verdict.seek_to_ms is not None:
            self.position = verdict.seek_to_ms  # the backend obeys the rollback
        if verdict.reset_rate:
            self.rate = 1.0
        self.violations.extend(v.kind for v in verdict.violations)
        return verdict


def test_normal_playback_is_clean_and_tracks_furthest() -> None:
    fake = FakePlayback()
    for _ in range(50):
        assert fake.step().clean
    assert fake.guard.furthest_ms == fake.position == 10_000


def test_jittery_reporting_within_tolerance_is_clean() -> None:
    fake = FakePlayback()
    fake.step()
    for advance in (0, 500, 0, 500, 250, 150, 0, 400):  # VLC's coarse time updates
        assert fake.step(advance=advance).clean


def test_forward_jump_is_rolled_back_to_the_legitimate_position() -> None:
    fake = FakePlayback(start_ms=10_000)
    fake.step()
    verdict = fake.step(advance=30_000)
    assert verdict.seek_to_ms == 10_400
    assert fake.violations == [TamperKind.FORWARD_JUMP]
    assert fake.guard.furthest_ms == 10_400
    assert fake.step().clean  # the rollback landing is not a backward jump


def test_one_jump_is_one_violation_even_if_the_rollback_is_slow() -> None:
    fake = FakePlayback()
    fake.step()
    fake.guard.observe(GuardSample(fake.now + 200, 60_000, 1.0, True, fake.boot + 200))
    verdict = fake.guard.observe(GuardSample(fake.now + 400, 60_200, 1.0, True, fake.boot + 400))
    assert verdict.seek_to_ms is not None and not verdict.violations


def test_small_jumps_cannot_accumulate() -> None:
    fake = FakePlayback()
    fake.step()
    for _ in range(20):
        fake.step(advance=200 + 900)  # 0.9 s extra per poll: under the tolerance each time
    assert TamperKind.FORWARD_JUMP in fake.violations
    assert fake.guard.furthest_ms <= 21 * 200 + fake.guard.policy.tolerance_ms


def test_paused_time_is_not_budget_for_a_later_jump() -> None:
    fake = FakePlayback()
    fake.step()
    fake.playing = False
    for _ in range(300):  # a minute paused
        fake.step()
    fake.playing = True
    fake.step(advance=60_000)
    assert fake.violations == [TamperKind.FORWARD_JUMP]


def test_rate_change_is_reset_and_recorded() -> None:
    fake = FakePlayback()
    fake.step()
    fake.rate = 2.0
    verdict = fake.step(advance=400)
    assert verdict.reset_rate
    assert fake.violations == [TamperKind.RATE_CHANGE]
    assert verdict.violations[0].details == {"rate": 2.0}
    assert fake.step().clean


def test_backward_jump_is_recorded_not_undone() -> None:
    fake = FakePlayback(start_ms=20_000)
    fake.step()
    fake.position = 5_000
    verdict = fake.step(advance=0)
    assert verdict.seek_to_ms is None
    assert fake.violations == [TamperKind.BACKWARD_JUMP]
    assert fake.guard.legit_position_ms == 5_000
    assert fake.guard.furthest_ms == 20_200  # the furthest point is not forgotten


def test_suspend_gap_pauses() -> None:
    fake = FakePlayback()
    fake.step()
    verdict = fake.step(slept_ms=60_000)
    assert verdict.pause_for_suspend
    assert fake.violations == [TamperKind.SUSPEND_GAP]


def test_without_a_suspend_clock_no_suspend_is_guessed() -> None:
    guard = PlaybackGuard()
    guard.observe(GuardSample(0, 0, 1.0, True, None))
    assert guard.observe(GuardSample(200, 200, 1.0, True, None)).clean


def test_system_clock_uses_no_wall_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Setting the wall clock forward must not move the guard's clock."""
    clock = SystemClock()
    before = clock.monotonic_ms()
    real_time, real_ns = time.time, time.time_ns
    monkeypatch.setattr(time, "time", lambda: real_time() + 86_400)
    monkeypatch.setattr(time, "time_ns", lambda: real_ns() + 86_400 * 10**9)
    assert clock.monotonic_ms() - before < 60_000
    boot = clock.suspend_inclusive_ms()
    assert boot is not None and boot >= clock.monotonic_ms()


class VlcLikePlayback:
    """A player that reports its time the way libVLC 3 does: in coarse steps that lag the
    real position, polled every ~200 ms with scheduling jitter, paused and resumed at
    moments that fall between polls."""

    def __init__(self, rng, step_ms: int = 250) -> None:
        self.rng = rng
        self.step_ms = step_ms
        self.now = 0
        self.real_position = 0.0
        self.playing = True

    def advance(self, ms: int) -> None:
        if self.playing:
            self.real_position += ms
        self.now += ms

    def reported(self) -> int:
        lag = self.rng.randint(0, self.step_ms)
        return max(0, int(self.real_position - lag) // self.step_ms * self.step_ms)


@pytest.mark.parametrize("seed", range(40))
def test_honest_vlc_like_playback_with_pauses_is_never_flagged(seed: int) -> None:
    import random

    rng = random.Random(seed)
    vlc = VlcLikePlayback(rng)
    guard = PlaybackGuard(0, started_at_ms=0)
    for _ in range(9000):  # 30 minutes of polls
        # Playback state changes land anywhere between two polls.
        first_part = rng.randint(0, 200)
        vlc.advance(first_part)
        if rng.random() < 0.03:
            vlc.playing = not vlc.playing
        vlc.advance(rng.randint(150, 350) - first_part if first_part < 150 else 50)
        if rng.random() < 0.002:
            vlc.advance(rng.randint(1000, 3000))  # the GUI thread stalled; VLC went on
        verdict = guard.observe(GuardSample(vlc.now, vlc.reported(), 1.0, vlc.playing))
        assert verdict.clean, (seed, vlc.now, verdict.violations)


def test_guard_seeded_at_play_time_accepts_a_late_first_sample() -> None:
    guard = PlaybackGuard(30_000, started_at_ms=1_000)
    # The GUI was busy: the first sample comes 2.5 s after play(), VLC went on.
    assert guard.observe(GuardSample(3_500, 32_400, 1.0, True)).clean
    assert guard.legit_position_ms == 32_400


def test_rollback_landing_short_on_a_key_frame_is_not_a_jump_and_clears() -> None:
    fake = FakePlayback(start_ms=10_000)
    fake.step()
    verdict = fake.step(advance=30_000)
    assert verdict.seek_to_ms is not None
    fake.position = verdict.seek_to_ms - 4_000  # the seek landed on an earlier key frame
    assert fake.step(advance=0).clean
    fake.step(advance=20_000)  # a later jump is recorded again
    assert fake.violations == [TamperKind.FORWARD_JUMP, TamperKind.FORWARD_JUMP]
