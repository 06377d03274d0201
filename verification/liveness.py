"""The liveness decision: a random challenge of face actions, judged from landmark series.

Pure rules (no Qt, no I/O, no MediaPipe): `verification/landmarks.py` turns each camera
frame into a measurement (`FaceSample`: EAR, MAR, yaw, pitch, face count, box), and a
`LivenessSession` is fed those measurements one at a time. It

1. takes the learner's own baseline from the first `baseline_ms` of frames with exactly
   one face (median open-eye EAR, closed-mouth MAR, neutral yaw and pitch), so the
   thresholds are relative to this face and this camera, not to an average face;
2. asks for the 2-3 distinct actions the server drew (blink, turn left, turn right, open
   mouth, nod), in order, each within its own timeout; an action counts only once its
   signal has been seen at rest during that action (eyes open, head straight, mouth
   closed) and then moved past its threshold (and back, for a blink or a nod);
3. fails at once on a second face, a face missing longer than a short grace, a turn
   that was not asked for (`wrong_action`), too few frames, or a signal series so still
   that it looks like a photo held still (`static_image`);
4. leaves identity to the caller: the face matcher runs on its own, and the caller
   passes its answer to `finish(identity_same)`.

What this can and cannot stop (DESIGN.md, "Face test data"). Landmark-based active
challenges stop a printed photo or a still image held in front of the camera, and a
replayed clip that does not happen to perform the random actions in the asked order
within the timeouts (a clip that turns both ways or turns while a blink is asked for
fails `wrong_action`). They do NOT stop a well-made animated photo (a real photo warped
along its landmarks into exactly the asked action, which is how this project's own
test sequences are made), a deepfake driven live, or a replayed video of the learner
performing the actions, fed through a virtual camera. The passive `static_image` check
only stops a photo (or a frozen frame) held still: its noise floors are below the
landmark jitter of a live face, and a hand-held or animated photo moves more than that.
Stopping photo animation needs signals these measurements do not carry (texture and
moire analysis, depth or IR cameras, screen-reflection challenges); treat it as a goal.
The thresholds below are first estimates from the landmark module's conventions and
published EAR figures, not measurements on real learners: calibrate them.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol


class FaceSample(Protocol):
    """One analysed camera frame, as `verification/landmarks.py` measures it."""

    @property
    def at_ms(self) -> int:
        """Monotonic time of the frame, in milliseconds."""

    @property
    def face_count(self) -> int: ...

    @property
    def ear(self) -> float | None:
        """Mean eye aspect ratio (about 0.25-0.35 open)."""

    @property
    def mar(self) -> float | None:
        """Mouth opening over mouth width (near 0 closed)."""

    @property
    def yaw_deg(self) -> float | None:
        """Positive: the learner turns to THEIR left."""

    @property
    def pitch_deg(self) -> float | None:
        """Positive: chin down."""

    @property
    def box(self) -> tuple[int, int, int, int] | None:
        """Main face box in pixels: left, top, right, bottom."""


class Action(enum.StrEnum):
    BLINK = "blink"
    TURN_LEFT = "turn_left"
    TURN_RIGHT = "turn_right"
    OPEN_MOUTH = "open_mouth"
    NOD = "nod"


class LivenessFailure(enum.StrEnum):
    """Why a challenge failed. Stable codes for the UI, the log and the server."""

    TIMEOUT = "timeout"  # the current action was not done in time (see failed_action)
    NO_FACE = "no_face"  # no face ever appeared within face_wait_ms
    FACE_LOST = "face_lost"  # the face was missing for longer than the grace
    MULTIPLE_FACES = "multiple_faces"  # any frame with two or more faces
    TOO_FEW_FRAMES = "too_few_frames"  # frame rate below the minimum, or a frame gap
    STATIC_IMAGE = "static_image"  # signals as still as a photo held still
    WRONG_ACTION = "wrong_action"  # a turn that was not asked for
    IDENTITY_CHANGED = "identity_changed"  # the matcher says it is not the same person
    NOT_STARTED = "not_started"  # finished before the baseline was taken


class Phase(enum.StrEnum):
    BASELINE = "baseline"  # look at the camera: the baseline is being taken
    ACTION = "action"  # an action is asked for
    AWAITING_IDENTITY = "awaiting_identity"  # all actions done; call finish()
    FINISHED = "finished"  # `result` is final


@dataclass(frozen=True)
class LivenessPolicy:
    """The challenge's thresholds. Policy values (the server may send others); the
    defaults are first estimates, see the module docstring."""

    # Time for each action from the moment it is asked: reading the prompt and reacting
    # takes 1-2 s, the action under 1 s. Short timeouts also leave a replay attacker
    # little time to find a clip of the asked action.
    action_timeout_ms: int = 5000
    # The first frames with a face give the learner's own open-eye EAR, closed-mouth MAR
    # and neutral pose (medians, so a blink during it does not move the baseline).
    baseline_ms: int = 800
    # No face at all for this long from the first frame: `no_face`.
    face_wait_ms: int = 5000
    # A face missing (no detection, or no landmarks) for longer than this after it was
    # seen: `face_lost`. Short enough that another person cannot slip in, long enough
    # for the mesh to drop a few frames on a fast turn or nod (about 9 frames at 15 fps).
    face_lost_grace_ms: int = 600
    # Frame rate: at 8 fps a 150 ms blink still lands on a frame; fewer frames than that
    # over the challenge, or any gap between two frames over max_frame_gap_ms, is
    # `too_few_frames` (a stalled pipeline or frames injected by hand).
    min_fps: float = 8.0
    max_frame_gap_ms: int = 1000
    # Blink: EAR below close_ratio x baseline (eyes closed: EAR falls to about half of
    # its open value or less), then back above reopen_ratio x baseline. Closed from the
    # first closed frame to the first reopened one for at least blink_min_closed_ms, so a
    # one-frame landmark glitch at 30 fps (33 ms) does not count.
    blink_close_ratio: float = 0.6
    blink_reopen_ratio: float = 0.85
    blink_min_closed_ms: int = 50
    # Turn: yaw beyond baseline +/- this, held turn_hold_ms. Landmark yaw is good to a
    # few degrees; a deliberate turn is 25-45 degrees and 20 keeps the face trackable.
    # The head is "straight" within turn_threshold_deg x neutral_fraction of baseline.
    turn_threshold_deg: float = 20.0
    turn_hold_ms: int = 150
    neutral_fraction: float = 0.5
    # Nod: pitch down (chin down) beyond baseline + nod_threshold_deg, then back within
    # nod_return_deg of baseline. A nod moves pitch 15-30 degrees.
    nod_threshold_deg: float = 12.0
    nod_return_deg: float = 6.0
    # Open mouth: MAR above baseline + margin for mouth_hold_ms. MAR (inner-lip gap over
    # mouth width) is about 0 closed, 0.1-0.3 when speaking, 0.4-0.8 wide open; the hold
    # keeps a spoken syllable from counting.
    mouth_open_margin: float = 0.3
    mouth_hold_ms: int = 300
    # Passive check: once static_window_ms of face frames have been seen, at least one
    # signal must have varied more than its floor (population standard deviation over
    # all face frames so far) or the challenge fails `static_image`. The floors are
    # under the landmark jitter of a live face on a 640 x 480 webcam (EAR jitters about
    # 0.01, pose about 0.5-1 degree, the box a pixel or more); a photo on a stand in
    # front of a real camera jitters less; identical frames not at all.
    static_window_ms: int = 2000
    static_ear_std: float = 0.003
    static_mar_std: float = 0.003
    static_angle_std_deg: float = 0.2
    static_box_std_px: float = 0.5

    def __post_init__(self) -> None:
        durations = (
            self.action_timeout_ms,
            self.baseline_ms,
            self.face_wait_ms,
            self.face_lost_grace_ms,
            self.max_frame_gap_ms,
            self.static_window_ms,
        )
        if min(durations) <= 0 or self.min_fps <= 0:
            raise ValueError("durations and the frame rate must be positive")
        if not 0 < self.blink_close_ratio < self.blink_reopen_ratio <= 1:
            raise ValueError("need 0 < blink_close_ratio < blink_reopen_ratio <= 1")
        if not 0 <= self.nod_return_deg < self.nod_threshold_deg:
            raise ValueError("need 0 <= nod_return_deg < nod_threshold_deg")
        if not 0 < self.neutral_fraction < 1:
            raise ValueError("neutral_fraction must be between 0 and 1")
        if self.turn_threshold_deg <= 0 or self.mouth_open_margin <= 0:
            raise ValueError("turn_threshold_deg and mouth_open_margin must be positive")


@dataclass(frozen=True)
class Challenge:
    """What the server issued (server.face_challenge_rules draws it): the actions, in
    order, under a one-time id."""

    challenge_id: str
    actions: tuple[Action, ...]


@dataclass(frozen=True)
class Baseline:
    ear: float
    mar: float
    yaw_deg: float
    pitch_deg: float
    samples: int


@dataclass(frozen=True)
class LivenessResult:
    passed: bool
    reason: LivenessFailure | None
    actions_done: tuple[Action, ...]
    baseline: Baseline | None
    # The action asked for when the challenge failed (timeout, wrong_action, and the
    # face or frame failures during an action); None otherwise.
    failed_action: Action | None = None


@dataclass(frozen=True)
class LivenessState:
    phase: Phase
    current_action: Action | None
    action_index: int  # index of current_action in the challenge (its count when done)
    progress: float  # of the current action, 0..1
    time_left_ms: int | None  # of the current action
    actions_done: tuple[Action, ...]
    result: LivenessResult | None  # set once phase is FINISHED


class _Signals(NamedTuple):
    ear: float
    mar: float
    yaw: float
    pitch: float


def _signals(sample: FaceSample) -> _Signals | None:
    """The signals of a frame with exactly one measured face; None for any other frame."""
    ear, mar, yaw, pitch = sample.ear, sample.mar, sample.yaw_deg, sample.pitch_deg
    if sample.face_count != 1 or ear is None or mar is None or yaw is None or pitch is None:
        return None
    return _Signals(ear, mar, yaw, pitch)


def _box_centre(box: tuple[int, int, int, int]) -> tuple[float, float]:
    left, top, right, bottom = box
    return (left + right) / 2.0, (top + bottom) / 2.0


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2.0


def _clamp01(value: float) -> float:
    return min(1.0, max(0.0, value))


@dataclass
class _RunningStd:
    """Welford's running mean and variance."""

    count: int = 0
    mean: float = 0.0
    m2: float = 0.0

    def add(self, value: float) -> None:
        self.count += 1
        delta = value - self.mean
        self.mean += delta / self.count
        self.m2 += delta * (value - self.mean)

    @property
    def std(self) -> float:
        return math.sqrt(self.m2 / self.count) if self.count else 0.0


@dataclass
class _ActionTracker:
    """Progress of the current action. `armed`: its signal was seen at rest during this
    action; `since_ms`: start of the current hold (turn, mouth) or closure (blink);
    `went_down`: a nod reached its lowest point."""

    action: Action
    started_ms: int
    armed: bool = False
    since_ms: int | None = None
    went_down: bool = False
    yaw_neutral_seen: bool = False
    done: bool = False
    progress: float = 0.0


class LivenessSession:
    """One challenge, fed one sample at a time. Not thread-safe: one feeder."""

    def __init__(self, challenge: Challenge, policy: LivenessPolicy | None = None) -> None:
        if not challenge.actions:
            raise ValueError("a challenge needs at least one action")
        self.challenge = challenge
        self.policy = policy or LivenessPolicy()
        self._samples: list[FaceSample] = []
        self._first_ms: int | None = None
        self._last_ms: int | None = None
        self._last_face_ms: int | None = None
        self._first_face_ms: int | None = None
        self._baseline_samples: list[_Signals] = []
        self._baseline: Baseline | None = None
        self._stats = {name: _RunningStd() for name in ("ear", "mar", "yaw", "pitch", "x", "y")}
        self._moving = False
        self._done: list[Action] = []
        self._action_starts: list[int] = []
        self._tracker: _ActionTracker | None = None
        self._result: LivenessResult | None = None
        self._awaiting_identity = False

    @property
    def samples(self) -> tuple[FaceSample, ...]:
        return tuple(self._samples)

    @property
    def result(self) -> LivenessResult | None:
        return self._result

    @property
    def baseline(self) -> Baseline | None:
        """The learner's own baseline, once taken."""
        return self._baseline

    @property
    def action_starts(self) -> tuple[int, ...]:
        """For each action asked so far, the index in `samples` of the frame on which it
        was asked: action k spans the samples from its start to the next one's."""
        return tuple(self._action_starts)

    def summary(self) -> dict[str, Any]:
        """`sequence_summary` of every sample fed so far (evidence metadata)."""
        return sequence_summary(self._samples)

    # -- feeding ---------------------------------------------------------------------

    def feed(self, sample: FaceSample) -> LivenessState:
        """Take one measurement; return where the challenge stands. Samples fed after the
        actions are done or the challenge failed are ignored."""
        if self._result is not None or self._awaiting_identity:
            return self.state()
        at_ms = sample.at_ms
        if self._last_ms is not None and at_ms < self._last_ms:
            raise ValueError("samples must come in time order (monotonic at_ms)")
        gap = None if self._last_ms is None else at_ms - self._last_ms
        self._samples.append(sample)
        self._last_ms = at_ms
        if self._first_ms is None:
            self._first_ms = at_ms
        self._step(sample, gap)
        return self.state()

    def _step(self, sample: FaceSample, gap: int | None) -> None:
        policy = self.policy
        at_ms = sample.at_ms
        assert self._first_ms is not None
        if gap is not None and gap > policy.max_frame_gap_ms:
            self._fail(LivenessFailure.TOO_FEW_FRAMES)
            return
        if sample.face_count >= 2:
            self._fail(LivenessFailure.MULTIPLE_FACES)
            return
        tracker = self._tracker
        if tracker is not None and at_ms - tracker.started_ms > policy.action_timeout_ms:
            self._fail(LivenessFailure.TIMEOUT)
            return
        signals = _signals(sample)
        if signals is None:
            if self._last_face_ms is not None:
                if at_ms - self._last_face_ms > policy.face_lost_grace_ms:
                    self._fail(LivenessFailure.FACE_LOST)
            elif at_ms - self._first_ms > policy.face_wait_ms:
                self._fail(LivenessFailure.NO_FACE)
            return
        self._last_face_ms = at_ms
        if self._first_face_ms is None:
            self._first_face_ms = at_ms
        self._observe(signals, sample.box)
        if not self._moving and at_ms - self._first_face_ms >= policy.static_window_ms:
            self._fail(LivenessFailure.STATIC_IMAGE)
            return
        if self._baseline is None:
            self._take_baseline(signals, at_ms)
        else:
            self._track(signals, at_ms)

    def _observe(self, signals: _Signals, box: tuple[int, int, int, int] | None) -> None:
        """Add a face frame to the passive stillness statistics."""
        values = signals._asdict()
        if box is not None:
            values["x"], values["y"] = _box_centre(box)
        policy = self.policy
        floors = {
            "ear": policy.static_ear_std,
            "mar": policy.static_mar_std,
            "yaw": policy.static_angle_std_deg,
            "pitch": policy.static_angle_std_deg,
            "x": policy.static_box_std_px,
            "y": policy.static_box_std_px,
        }
        for name, value in values.items():
            stats = self._stats[name]
            stats.add(value)
            if stats.std > floors[name]:
                self._moving = True

    def _take_baseline(self, signals: _Signals, at_ms: int) -> None:
        self._baseline_samples.append(signals)
        assert self._first_face_ms is not None
        if at_ms - self._first_face_ms < self.policy.baseline_ms:
            return
        # Fewer face frames than min_fps allows over the window (missing frames within
        # the grace count against it too): too few to trust the medians.
        needed = max(3, int(self.policy.min_fps * self.policy.baseline_ms / 1000))
        taken = self._baseline_samples
        if len(taken) < needed:
            self._fail(LivenessFailure.TOO_FEW_FRAMES)
            return
        self._baseline = Baseline(
            ear=_median([s.ear for s in taken]),
            mar=_median([s.mar for s in taken]),
            yaw_deg=_median([s.yaw for s in taken]),
            pitch_deg=_median([s.pitch for s in taken]),
            samples=len(taken),
        )
        self._start_action(at_ms)

    def _start_action(self, at_ms: int) -> None:
        index = len(self._done)
        self._action_starts.append(len(self._samples) - 1)
        self._tracker = _ActionTracker(self.challenge.actions[index], started_ms=at_ms)

    def _track(self, signals: _Signals, at_ms: int) -> None:
        tracker = self._tracker
        baseline = self._baseline
        assert tracker is not None and baseline is not None
        policy = self.policy
        yaw = signals.yaw - baseline.yaw_deg
        neutral = policy.turn_threshold_deg * policy.neutral_fraction
        if abs(yaw) < neutral:
            tracker.yaw_neutral_seen = True
        # A turn not asked for, from a straight head: a turn the wrong way, or a clip that
        # turns while something else is asked. (Coming back from the previous action's
        # turn does not count: the head has not been straight yet in this action.)
        asked = {Action.TURN_LEFT: 1, Action.TURN_RIGHT: -1}.get(tracker.action, 0)
        side = 1 if yaw > 0 else -1
        if tracker.yaw_neutral_seen and abs(yaw) >= policy.turn_threshold_deg and side != asked:
            self._fail(LivenessFailure.WRONG_ACTION)
            return
        if tracker.action is Action.BLINK:
            self._track_blink(tracker, signals.ear, baseline, at_ms)
        elif asked:
            self._track_hold(
                tracker,
                value=asked * yaw,
                threshold=policy.turn_threshold_deg,
                at_rest=abs(yaw) < neutral,
                hold_ms=policy.turn_hold_ms,
                at_ms=at_ms,
            )
        elif tracker.action is Action.OPEN_MOUTH:
            opening = signals.mar - baseline.mar
            self._track_hold(
                tracker,
                value=opening,
                threshold=policy.mouth_open_margin,
                at_rest=opening < policy.mouth_open_margin / 2,
                hold_ms=policy.mouth_hold_ms,
                at_ms=at_ms,
            )
        else:
            self._track_nod(tracker, signals.pitch - baseline.pitch_deg)
        if tracker.done:
            self._done.append(tracker.action)
            if len(self._done) < len(self.challenge.actions):
                self._start_action(at_ms)
            else:
                self._complete()

    def _track_blink(
        self, tracker: _ActionTracker, ear: float, baseline: Baseline, at_ms: int
    ) -> None:
        policy = self.policy
        closed_below = baseline.ear * policy.blink_close_ratio
        open_above = baseline.ear * policy.blink_reopen_ratio
        if not tracker.armed:
            tracker.armed = ear >= open_above
            return
        if tracker.since_ms is None:
            if ear < closed_below:
                tracker.since_ms = at_ms
                tracker.progress = 0.5
            else:
                drop = (baseline.ear - ear) / (baseline.ear - closed_below)
                tracker.progress = 0.5 * _clamp01(drop)
            return
        if ear >= open_above:
            if at_ms - tracker.since_ms >= policy.blink_min_closed_ms:
                tracker.done = True
                tracker.progress = 1.0
            else:  # too short to be a blink: a landmark glitch
                tracker.since_ms = None
                tracker.progress = 0.0
            return
        rise = (ear - closed_below) / (open_above - closed_below)
        tracker.progress = 0.5 + 0.5 * _clamp01(rise) * 0.99  # 1.0 only when done

    def _track_hold(
        self,
        tracker: _ActionTracker,
        *,
        value: float,
        threshold: float,
        at_rest: bool,
        hold_ms: int,
        at_ms: int,
    ) -> None:
        if not tracker.armed:
            tracker.armed = at_rest
            return
        if value < threshold:
            tracker.since_ms = None
            tracker.progress = 0.5 * _clamp01(value / threshold)
            return
        if tracker.since_ms is None:
            tracker.since_ms = at_ms
        held = at_ms - tracker.since_ms
        if held >= hold_ms:
            tracker.done = True
            tracker.progress = 1.0
        else:
            tracker.progress = 0.5 + 0.5 * held / hold_ms

    def _track_nod(self, tracker: _ActionTracker, down: float) -> None:
        policy = self.policy
        at_rest = abs(down) <= policy.nod_return_deg
        if not tracker.armed:
            tracker.armed = at_rest
            return
        if not tracker.went_down:
            if down >= policy.nod_threshold_deg:
                tracker.went_down = True
                tracker.progress = 0.5
            else:
                tracker.progress = 0.5 * _clamp01(down / policy.nod_threshold_deg)
            return
        if at_rest:
            tracker.done = True
            tracker.progress = 1.0
            return
        back = (policy.nod_threshold_deg - down) / (
            policy.nod_threshold_deg - policy.nod_return_deg
        )
        tracker.progress = 0.5 + 0.5 * _clamp01(back) * 0.99  # 1.0 only when done

    def _complete(self) -> None:
        """All actions done: the whole-challenge checks, then wait for identity."""
        self._tracker = None
        assert self._first_ms is not None and self._last_ms is not None
        # The baseline took at least baseline_ms > 0, so the span is not zero.
        fps = (len(self._samples) - 1) * 1000.0 / (self._last_ms - self._first_ms)
        if fps < self.policy.min_fps:
            self._fail(LivenessFailure.TOO_FEW_FRAMES)
        elif not self._moving:
            self._fail(LivenessFailure.STATIC_IMAGE)
        else:
            self._awaiting_identity = True

    def _fail(self, reason: LivenessFailure) -> None:
        failed_action = self._tracker.action if self._tracker is not None else None
        self._result = LivenessResult(
            passed=False,
            reason=reason,
            actions_done=tuple(self._done),
            baseline=self._baseline,
            failed_action=failed_action,
        )
        self._tracker = None

    # -- ending ----------------------------------------------------------------------

    def finish(self, identity_same: bool) -> LivenessResult:
        """The final result. `identity_same`: the face matcher's answer on a frame taken
        during the challenge (the same person from first to last frame). A challenge
        that already failed keeps its reason; one ended before all its actions were done
        fails `not_started` (no baseline yet) or `timeout` (an action was asked)."""
        if self._result is None:
            if self._awaiting_identity:
                self._awaiting_identity = False
                if identity_same:
                    self._result = LivenessResult(
                        passed=True,
                        reason=None,
                        actions_done=tuple(self._done),
                        baseline=self._baseline,
                    )
                else:
                    self._fail(LivenessFailure.IDENTITY_CHANGED)
            elif self._baseline is None:
                self._fail(LivenessFailure.NOT_STARTED)
            else:
                self._fail(LivenessFailure.TIMEOUT)
        assert self._result is not None
        return self._result

    def state(self) -> LivenessState:
        done = tuple(self._done)
        if self._result is not None:
            phase = Phase.FINISHED
        elif self._awaiting_identity:
            phase = Phase.AWAITING_IDENTITY
        elif self._tracker is None:
            phase = Phase.BASELINE
        else:
            tracker = self._tracker
            assert self._last_ms is not None
            left = tracker.started_ms + self.policy.action_timeout_ms - self._last_ms
            return LivenessState(
                phase=Phase.ACTION,
                current_action=tracker.action,
                action_index=len(done),
                progress=tracker.progress,
                time_left_ms=max(0, left),
                actions_done=done,
                result=None,
            )
        return LivenessState(
            phase=phase,
            current_action=None,
            action_index=len(done),
            progress=1.0 if phase is Phase.AWAITING_IDENTITY else 0.0,
            time_left_ms=None,
            actions_done=done,
            result=self._result,
        )


def _signal_stats(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    mean = sum(values) / len(values)
    variance = sum((v - mean) ** 2 for v in values) / len(values)
    return {
        "min": round(min(values), 4),
        "max": round(max(values), 4),
        "mean": round(mean, 4),
        "std": round(math.sqrt(variance), 4),
    }


def sequence_summary(samples: Iterable[FaceSample]) -> dict[str, Any]:
    """Statistics of a sample series, for the evidence metadata sent to the server: frame
    counts, duration, frame rate, and min/max/mean/std of each signal over the frames
    with exactly one face. Numbers only, no image and no landmark coordinates."""
    items = list(samples)
    duration_ms = items[-1].at_ms - items[0].at_ms if items else 0
    faces = [(signals, s.box) for s in items if (signals := _signals(s)) is not None]
    usable = [signals for signals, _ in faces]
    centres = [_box_centre(box) for _, box in faces if box is not None]
    fps = (len(items) - 1) * 1000.0 / duration_ms if duration_ms else 0.0
    return {
        "frames": len(items),
        "duration_ms": duration_ms,
        "fps": round(fps, 2),
        "face_frames": len(usable),
        "no_face_frames": sum(1 for s in items if s.face_count == 0),
        "multiple_face_frames": sum(1 for s in items if s.face_count >= 2),
        "signals": {
            "ear": _signal_stats([s.ear for s in usable]),
            "mar": _signal_stats([s.mar for s in usable]),
            "yaw_deg": _signal_stats([s.yaw for s in usable]),
            "pitch_deg": _signal_stats([s.pitch for s in usable]),
            "box_centre_x": _signal_stats([x for x, _ in centres]),
            "box_centre_y": _signal_stats([y for _, y in centres]),
        },
    }
