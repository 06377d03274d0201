"""The liveness decision (verification/liveness.py) on synthetic landmark series.

The series stand in for what `verification/landmarks.py` measures on a camera: a
learner's signals with landmark jitter (EAR +/- 0.008, MAR +/- 0.005, pose +/- 0.7
degrees, box +/- 1 px), moving through the challenge's actions with a reaction pause
before each.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verification.liveness import (
    Action,
    Baseline,
    Challenge,
    FaceSample,
    LivenessFailure,
    LivenessPolicy,
    LivenessResult,
    LivenessSession,
    LivenessState,
    Phase,
    sequence_summary,
)

NEUTRAL = {"ear": 0.30, "mar": 0.02, "yaw_deg": 3.0, "pitch_deg": -4.0}
NOISE = {"ear": 0.008, "mar": 0.005, "yaw_deg": 0.7, "pitch_deg": 0.7}


@dataclass(frozen=True)
class Sample:
    """A plain measurement implementing the FaceSample protocol."""

    at_ms: int
    face_count: int = 1
    ear: float | None = 0.30
    mar: float | None = 0.02
    yaw_deg: float | None = 0.0
    pitch_deg: float | None = 0.0
    box: tuple[int, int, int, int] | None = (240, 140, 400, 320)


class Script:
    """Builds a sample series: signals move linearly between targets at a frame rate."""

    def __init__(self, fps: float = 15.0, seed: int = 0, noise: float = 1.0, start_ms: int = 0):
        self.dt = 1000.0 / fps
        self.t = float(start_ms)
        self.values = dict(NEUTRAL)
        self.rng = random.Random(seed)
        self.noise = noise
        self.samples: list[Sample] = []

    def _emit(self, values: dict[str, float], face_count: int = 1) -> None:
        at_ms = round(self.t)
        if face_count != 1:
            self.samples.append(Sample(at_ms, face_count, None, None, None, None, None))
        else:
            noisy = {k: v + self.rng.gauss(0, NOISE[k] * self.noise) for k, v in values.items()}
            jitter = round(self.rng.gauss(0, 1.0 * self.noise))
            box = (240 + jitter, 140 - jitter, 400 + jitter, 320 - jitter)
            self.samples.append(Sample(at_ms, 1, box=box, **noisy))
        self.t += self.dt

    def ramp(self, ms: float, **targets: float) -> Script:
        start = dict(self.values)
        end = {**start, **targets}
        stop = self.t + ms
        begun = self.t
        while self.t < stop:
            fraction = (self.t - begun) / ms if ms else 1.0
            self._emit({k: start[k] + (end[k] - start[k]) * fraction for k in start})
        self.values = end
        return self

    def hold(self, ms: float) -> Script:
        return self.ramp(ms)

    def faces(self, ms: float, count: int) -> Script:
        stop = self.t + ms
        while self.t < stop:
            self._emit(self.values, face_count=count)
        return self

    def do(self, action: Action, pause_ms: float = 700) -> Script:
        self.hold(pause_ms)  # reading the prompt
        base = NEUTRAL
        if action is Action.BLINK:
            self.ramp(70, ear=0.10).hold(120).ramp(80, ear=base["ear"])
        elif action is Action.TURN_LEFT:
            self.ramp(300, yaw_deg=base["yaw_deg"] + 30).hold(400).ramp(300, yaw_deg=3.0)
        elif action is Action.TURN_RIGHT:
            self.ramp(300, yaw_deg=base["yaw_deg"] - 30).hold(400).ramp(300, yaw_deg=3.0)
        elif action is Action.OPEN_MOUTH:
            self.ramp(150, mar=0.55).hold(500).ramp(150, mar=base["mar"])
        else:
            self.ramp(250, pitch_deg=base["pitch_deg"] + 20).hold(150)
            self.ramp(250, pitch_deg=base["pitch_deg"])
        return self


def baseline_script(**kwargs) -> Script:
    return Script(**kwargs).hold(1000)


def performing(actions, **kwargs) -> Script:
    script = baseline_script(**kwargs)
    for action in actions:
        script.do(action)
    return script.hold(300)


def run(actions, samples, policy: LivenessPolicy | None = None):
    session = LivenessSession(Challenge("c" * 32, tuple(actions)), policy)
    states = [session.feed(sample) for sample in samples]
    return session, states


def failure_of(actions, samples, policy=None) -> LivenessResult:
    _, states = run(actions, samples, policy)
    assert states[-1].phase is Phase.FINISHED
    result = states[-1].result
    assert result is not None and not result.passed
    return result


def test_the_sample_dataclass_satisfies_the_protocol() -> None:
    sample: FaceSample = Sample(0)
    assert sample.face_count == 1


# -- each action passes --------------------------------------------------------------


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_each_action_passes_on_a_noisy_series(action: Action, seed: int) -> None:
    session, states = run([action], performing([action], seed=seed).samples)
    assert states[-1].phase is Phase.AWAITING_IDENTITY
    assert states[-1].result is None
    result = session.finish(identity_same=True)
    assert result == LivenessResult(
        passed=True,
        reason=None,
        actions_done=(action,),
        baseline=result.baseline,
    )
    assert result.baseline is not None
    assert result.baseline.ear == pytest.approx(0.30, abs=0.01)
    assert result.baseline.yaw_deg == pytest.approx(3.0, abs=1.0)
    assert result.baseline.pitch_deg == pytest.approx(-4.0, abs=1.0)


@pytest.mark.parametrize(
    "actions",
    [
        (Action.TURN_LEFT, Action.TURN_RIGHT),  # coming back from the left is not "right"
        (Action.TURN_RIGHT, Action.TURN_LEFT, Action.BLINK),
        (Action.NOD, Action.OPEN_MOUTH, Action.TURN_LEFT),
        (Action.BLINK, Action.NOD),
    ],
)
def test_sequences_pass_and_report_progress(actions) -> None:
    session, states = run(actions, performing(actions, seed=7).samples)
    phases = [s.phase for s in states]
    assert phases[0] is Phase.BASELINE
    assert phases[-1] is Phase.AWAITING_IDENTITY
    # The actions are asked one after the other, in the challenge's order.
    asked = [s.current_action for s in states if s.phase is Phase.ACTION]
    assert [a for i, a in enumerate(asked) if i == 0 or asked[i - 1] != a] == list(actions)
    during = [s for s in states if s.phase is Phase.ACTION]
    assert all(0.0 <= s.progress < 1.0 for s in during)
    assert any(s.progress >= 0.5 for s in during)
    assert all(0 <= s.time_left_ms <= 5000 for s in during)
    first = [s.time_left_ms for s in during if s.action_index == 0]
    assert first == sorted(first, reverse=True) and first[0] > first[-1]
    assert states[-1].progress == 1.0 and states[-1].actions_done == tuple(actions)
    assert session.finish(identity_same=True).passed


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_any_challenge_performed_as_asked_passes(seed: int) -> None:
    rng = random.Random(seed)
    actions = tuple(rng.sample(list(Action), rng.randint(2, 3)))  # as the server draws
    challenge = Challenge(f"fch-{seed}", actions)
    samples = performing(challenge.actions, seed=seed, fps=rng.choice([10, 15, 30])).samples
    session = LivenessSession(challenge)
    for sample in samples:
        session.feed(sample)
    result = session.finish(identity_same=True)
    assert result.passed, result


# -- actions that do not count -------------------------------------------------------


def test_order_matters() -> None:
    # Asked blink then open mouth; the learner opens the mouth first, then blinks.
    samples = performing([Action.OPEN_MOUTH, Action.BLINK]).samples
    tail = Script(start_ms=samples[-1].at_ms + 66).hold(6000).samples
    result = failure_of([Action.BLINK, Action.OPEN_MOUTH], samples + tail)
    assert result.reason is LivenessFailure.TIMEOUT
    assert result.failed_action is Action.OPEN_MOUTH
    assert result.actions_done == (Action.BLINK,)


def test_turns_in_the_wrong_order_fail_wrong_action() -> None:
    samples = performing([Action.TURN_RIGHT, Action.TURN_LEFT]).samples
    result = failure_of([Action.TURN_LEFT, Action.TURN_RIGHT], samples)
    assert result.reason is LivenessFailure.WRONG_ACTION
    assert result.failed_action is Action.TURN_LEFT
    assert result.actions_done == ()


@pytest.mark.parametrize(
    ("asked", "done"),
    [
        (Action.TURN_LEFT, Action.TURN_RIGHT),
        (Action.TURN_RIGHT, Action.TURN_LEFT),
        (Action.BLINK, Action.TURN_LEFT),  # a clip that turns while a blink is asked
        (Action.NOD, Action.TURN_RIGHT),
    ],
)
def test_a_turn_not_asked_for_fails_wrong_action(asked: Action, done: Action) -> None:
    result = failure_of([asked], performing([done]).samples)
    assert result.reason is LivenessFailure.WRONG_ACTION
    assert result.failed_action is asked


def test_a_one_frame_eye_glitch_is_not_a_blink() -> None:
    # At 30 fps a single frame with closed eyes (33 ms) is a landmark glitch.
    script = baseline_script(fps=30).hold(500)
    script.samples.append(Sample(round(script.t), ear=0.08, yaw_deg=3.0, pitch_deg=-4.0))
    script.t += script.dt
    script.hold(6000)
    _, states = run([Action.BLINK], script.samples)
    assert max(s.progress for s in states) <= 0.5
    assert states[-1].result.reason is LivenessFailure.TIMEOUT


def test_a_blink_needs_the_eyes_to_reopen() -> None:
    script = baseline_script().hold(500).ramp(100, ear=0.08).hold(6000)
    result = failure_of([Action.BLINK], script.samples)
    assert result.reason is LivenessFailure.TIMEOUT


def test_eyes_already_closed_when_asked_must_open_first() -> None:
    # Eyes closed from the moment the blink is asked: opening them is not a blink.
    script = Script().hold(700).ramp(60, ear=0.08).hold(1000).ramp(100, ear=0.30).hold(5000)
    result = failure_of([Action.BLINK], script.samples)
    assert result.reason is LivenessFailure.TIMEOUT


def test_a_spoken_syllable_is_not_an_open_mouth() -> None:
    script = baseline_script().hold(500)
    for _ in range(4):
        script.ramp(60, mar=0.5).hold(100).ramp(60, mar=0.02).hold(400)
    script.hold(4000)
    _, states = run([Action.OPEN_MOUTH], script.samples)
    assert states[-1].result.reason is LivenessFailure.TIMEOUT
    assert max(s.progress for s in states) < 1.0


def test_a_nod_must_come_back_up() -> None:
    script = baseline_script().hold(500).ramp(300, pitch_deg=18).hold(6000)
    _, states = run([Action.NOD], script.samples)
    assert states[-1].result.reason is LivenessFailure.TIMEOUT
    assert max(s.progress for s in states) < 1.0


def test_a_small_turn_does_not_count() -> None:
    script = baseline_script().hold(500).ramp(300, yaw_deg=3 + 15).hold(6000)
    result = failure_of([Action.TURN_LEFT], script.samples)
    assert result.reason is LivenessFailure.TIMEOUT


# -- failures ------------------------------------------------------------------------


@pytest.mark.parametrize("noise", [0.0, 0.01])
def test_a_photo_held_still_fails_static_image(noise: float) -> None:
    samples = Script(noise=noise).hold(8000).samples
    session, states = run([Action.BLINK, Action.NOD], samples)
    result = states[-1].result
    assert result.reason is LivenessFailure.STATIC_IMAGE
    # Decided at the static window (2 s of face frames), before any timeout.
    assert session.samples[-1].at_ms == pytest.approx(2000, abs=70)
    assert result.baseline is not None and result.failed_action is Action.BLINK


def test_a_photo_held_still_fails_timeout_without_the_passive_check() -> None:
    policy = LivenessPolicy(static_window_ms=60_000)
    samples = Script(noise=0.01).hold(8000).samples
    result = failure_of([Action.BLINK, Action.NOD], samples, policy)
    assert result.reason is LivenessFailure.TIMEOUT


def test_a_live_face_sitting_still_is_not_static() -> None:
    # Landmark jitter alone, no action: times out, not static_image.
    result = failure_of([Action.NOD], Script().hold(7000).samples)
    assert result.reason is LivenessFailure.TIMEOUT
    assert result.failed_action is Action.NOD


def test_stillness_is_checked_again_when_the_actions_are_done() -> None:
    # Floors so high that even the actions stay under them, window longer than the run.
    policy = LivenessPolicy(
        static_window_ms=60_000,
        static_ear_std=1,
        static_mar_std=1,
        static_angle_std_deg=100,
        static_box_std_px=100,
    )
    result = failure_of([Action.BLINK], performing([Action.BLINK]).samples, policy)
    assert result.reason is LivenessFailure.STATIC_IMAGE
    assert result.actions_done == (Action.BLINK,)
    assert result.failed_action is None


@pytest.mark.parametrize("at_ms", [500, 1800])  # during the baseline, during an action
def test_a_second_face_in_one_frame_fails_multiple_faces(at_ms: int) -> None:
    samples = performing([Action.BLINK, Action.TURN_LEFT]).samples
    index = next(i for i, s in enumerate(samples) if s.at_ms >= at_ms)
    samples[index] = Sample(samples[index].at_ms, face_count=2)
    session, states = run([Action.BLINK, Action.TURN_LEFT], samples)
    assert states[index].result.reason is LivenessFailure.MULTIPLE_FACES
    assert states[index - 1].result is None
    assert len(session.samples) == index + 1  # later frames are ignored


@pytest.mark.parametrize("missing", ["no_detection", "no_landmarks"])
def test_a_face_missing_too_long_fails_face_lost(missing: str) -> None:
    script = baseline_script().hold(500)
    if missing == "no_detection":
        script.faces(1000, count=0)
    else:
        for _ in range(15):
            script.samples.append(Sample(round(script.t), ear=None, yaw_deg=None))
            script.t += script.dt
    script.do(Action.BLINK)
    result = failure_of([Action.BLINK], script.samples)
    assert result.reason is LivenessFailure.FACE_LOST
    assert result.failed_action is Action.BLINK


def test_a_face_missing_within_the_grace_is_tolerated() -> None:
    script = baseline_script().hold(300).faces(400, count=0).do(Action.TURN_RIGHT).hold(200)
    _, states = run([Action.TURN_RIGHT], script.samples)
    assert states[-1].phase is Phase.AWAITING_IDENTITY


def test_a_face_lost_during_the_baseline_fails_face_lost() -> None:
    script = Script().hold(400).faces(1000, count=0).hold(2000)
    result = failure_of([Action.BLINK], script.samples)
    assert result.reason is LivenessFailure.FACE_LOST
    assert result.baseline is None and result.failed_action is None


def test_no_face_at_all_fails_no_face() -> None:
    samples = Script().faces(6000, count=0).samples
    session, states = run([Action.BLINK], samples)
    assert states[-1].result.reason is LivenessFailure.NO_FACE
    # Waiting up to face_wait_ms (5 s) from the first frame, failing on the first after.
    decided = next(i for i, s in enumerate(states) if s.result is not None)
    assert samples[decided - 1].at_ms <= 5000 < samples[decided].at_ms
    assert len(session.samples) == decided + 1


def test_a_face_that_appears_late_is_accepted() -> None:
    script = Script().faces(2000, count=0).hold(1000).do(Action.NOD).hold(200)
    _, states = run([Action.NOD], script.samples)
    assert states[-1].phase is Phase.AWAITING_IDENTITY


def test_a_gap_between_frames_fails_too_few_frames() -> None:
    samples = performing([Action.BLINK]).samples
    later = [
        Sample(s.at_ms + 1200, s.face_count, s.ear, s.mar, s.yaw_deg, s.pitch_deg, s.box)
        for s in samples[20:]
    ]
    assert samples[19].at_ms > 1000  # during the action
    result = failure_of([Action.BLINK], samples[:20] + later)
    assert result.reason is LivenessFailure.TOO_FEW_FRAMES
    assert result.failed_action is Action.BLINK


def test_a_slow_baseline_fails_too_few_frames() -> None:
    result = failure_of([Action.BLINK], performing([Action.BLINK], fps=4).samples)
    assert result.reason is LivenessFailure.TOO_FEW_FRAMES
    assert result.baseline is None


def test_a_slow_challenge_fails_too_few_frames_at_the_end() -> None:
    # 7 fps: enough for the baseline's 6 frames, under the 8 fps minimum overall.
    samples = performing([Action.OPEN_MOUTH], fps=7).samples
    result = failure_of([Action.OPEN_MOUTH], samples)
    assert result.reason is LivenessFailure.TOO_FEW_FRAMES
    assert result.actions_done == (Action.OPEN_MOUTH,)
    assert LivenessSession(Challenge("x", (Action.OPEN_MOUTH,))).policy.min_fps == 8.0
    # The same series passes with a lower minimum: the frame rate decided it.
    _, states = run([Action.OPEN_MOUTH], samples, LivenessPolicy(min_fps=6))
    assert states[-1].phase is Phase.AWAITING_IDENTITY


def test_the_baseline_is_the_median_of_the_first_frames() -> None:
    # 8 fps: 8 frames in the 800 ms window (an even count), one mid-blink, one turned.
    ears = [0.27, 0.25, 0.10, 0.26, 0.28, 0.24, 0.26, 0.29]
    yaws = [1.0, 2.0, 25.0, 3.0, 2.5, 1.5, 2.0, 3.5]
    session = LivenessSession(Challenge("x", (Action.BLINK,)))
    states = [
        session.feed(Sample(i * 125, ear=ear, yaw_deg=yaw, mar=0.01 * i))
        for i, (ear, yaw) in enumerate(zip(ears, yaws, strict=True))
    ]
    assert [s.phase for s in states] == [Phase.BASELINE] * 7 + [Phase.ACTION]
    assert states[-1].time_left_ms == 5000 and states[-1].current_action is Action.BLINK
    assert session.result is None
    result = session.finish(identity_same=True)
    assert session.result is result
    assert result.baseline == Baseline(
        ear=pytest.approx(0.26), mar=pytest.approx(0.035), yaw_deg=2.25, pitch_deg=0.0, samples=8
    )


def test_blink_thresholds_follow_the_learners_own_eyes() -> None:
    # Narrow eyes: open EAR 0.20, closed 0.11 (under 0.6 x 0.20), reopened to 0.20 (over
    # 0.85 x 0.20). A fixed open level of 0.30 would never see these eyes reopen.
    script = Script()
    script.values["ear"] = 0.20
    script.hold(1000).hold(500).ramp(70, ear=0.11).hold(120).ramp(80, ear=0.20).hold(300)
    session, states = run([Action.BLINK], script.samples)
    assert states[-1].phase is Phase.AWAITING_IDENTITY
    assert session.finish(identity_same=True).baseline.ear == pytest.approx(0.20, abs=0.01)


def test_frames_without_a_face_box_still_pass() -> None:
    samples = [
        Sample(s.at_ms, s.face_count, s.ear, s.mar, s.yaw_deg, s.pitch_deg, None)
        for s in performing([Action.TURN_LEFT]).samples
    ]
    session, states = run([Action.TURN_LEFT], samples)
    assert states[-1].phase is Phase.AWAITING_IDENTITY
    assert session.summary()["signals"]["box_centre_x"] is None


def test_a_different_person_at_the_end_fails_identity_changed() -> None:
    session, states = run(
        [Action.BLINK, Action.NOD], performing([Action.BLINK, Action.NOD]).samples
    )
    assert states[-1].phase is Phase.AWAITING_IDENTITY
    result = session.finish(identity_same=False)
    assert result.reason is LivenessFailure.IDENTITY_CHANGED
    assert not result.passed
    assert result.actions_done == (Action.BLINK, Action.NOD)
    assert session.state().phase is Phase.FINISHED
    assert session.finish(identity_same=True) is result  # final


def test_finish_before_the_baseline_fails_not_started() -> None:
    session = LivenessSession(Challenge("x", (Action.BLINK,)))
    assert session.state() == LivenessState(Phase.BASELINE, None, 0, 0.0, None, (), None)
    assert session.finish(identity_same=True).reason is LivenessFailure.NOT_STARTED
    half = LivenessSession(Challenge("x", (Action.BLINK,)))
    for sample in Script().hold(400).samples:
        half.feed(sample)
    assert half.finish(identity_same=True).reason is LivenessFailure.NOT_STARTED


def test_finish_during_an_action_fails_timeout_of_that_action() -> None:
    samples = performing([Action.BLINK]).samples
    session = LivenessSession(Challenge("x", (Action.BLINK, Action.NOD)))
    for sample in samples:
        session.feed(sample)
    result = session.finish(identity_same=True)
    assert result.reason is LivenessFailure.TIMEOUT
    assert result.failed_action is Action.NOD
    assert result.actions_done == (Action.BLINK,)


def test_a_failure_is_final() -> None:
    session = LivenessSession(Challenge("x", (Action.BLINK,)))
    session.feed(Sample(0, face_count=3))
    failed = session.state()
    assert failed.result.reason is LivenessFailure.MULTIPLE_FACES
    assert session.feed(Sample(66)) == failed
    assert session.finish(identity_same=True).reason is LivenessFailure.MULTIPLE_FACES
    assert len(session.samples) == 1


def test_samples_after_the_actions_are_ignored() -> None:
    session, _ = run([Action.BLINK], performing([Action.BLINK]).samples)
    count = len(session.samples)
    assert session.feed(Sample(10**9, face_count=2)).phase is Phase.AWAITING_IDENTITY
    assert len(session.samples) == count


def test_samples_must_be_in_time_order() -> None:
    session = LivenessSession(Challenge("x", (Action.BLINK,)))
    session.feed(Sample(100))
    session.feed(Sample(100))  # the same instant is allowed
    with pytest.raises(ValueError, match="time order"):
        session.feed(Sample(99))


def test_a_session_needs_an_action() -> None:
    with pytest.raises(ValueError):
        LivenessSession(Challenge("x", ()))


# -- challenges ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"action_timeout_ms": 0},
        {"face_lost_grace_ms": -1},
        {"min_fps": 0},
        {"blink_close_ratio": 0.9, "blink_reopen_ratio": 0.8},
        {"blink_close_ratio": 0},
        {"blink_reopen_ratio": 1.1},
        {"nod_return_deg": 12},
        {"nod_return_deg": -1},
        {"neutral_fraction": 1},
        {"turn_threshold_deg": 0},
        {"mouth_open_margin": 0},
    ],
)
def test_an_inconsistent_policy_is_refused(changes) -> None:
    with pytest.raises(ValueError):
        LivenessPolicy(**changes)


# -- summary -------------------------------------------------------------------------


def test_sequence_summary_describes_the_series_without_images() -> None:
    script = baseline_script().faces(200, count=0).do(Action.TURN_LEFT)
    script.samples.append(Sample(round(script.t), face_count=2, ear=None))
    script.samples.append(Sample(round(script.t) + 66, box=None))
    summary = sequence_summary(script.samples)
    assert summary["frames"] == len(script.samples)
    assert summary["duration_ms"] == script.samples[-1].at_ms
    assert summary["fps"] == pytest.approx(15, abs=0.5)
    assert summary["no_face_frames"] == 3
    assert summary["multiple_face_frames"] == 1
    assert summary["face_frames"] == len(script.samples) - 4
    yaw = summary["signals"]["yaw_deg"]
    assert yaw["max"] == pytest.approx(33, abs=3) and yaw["min"] < 3
    assert yaw["std"] > 5
    assert summary["signals"]["ear"]["mean"] == pytest.approx(0.30, abs=0.01)
    assert summary["signals"]["box_centre_x"]["mean"] == pytest.approx(320, abs=1)
    assert summary["signals"]["box_centre_y"]["mean"] == pytest.approx(230, abs=1)

    def numbers_only(value) -> bool:
        if isinstance(value, dict):
            return all(isinstance(k, str) and numbers_only(v) for k, v in value.items())
        return value is None or isinstance(value, int | float)

    assert numbers_only(summary)


def test_sequence_summary_of_nothing() -> None:
    summary = sequence_summary([])
    assert summary["frames"] == 0 and summary["fps"] == 0.0
    assert summary["signals"]["ear"] is None


def test_the_session_summarises_what_it_was_fed() -> None:
    session, _ = run([Action.NOD], performing([Action.NOD]).samples)
    assert session.summary() == sequence_summary(session.samples)
    assert isinstance(session.state().result, type(None))
    assert isinstance(Baseline(0.3, 0.0, 0.0, 0.0, 10), Baseline)
