"""`LockedPlayer`: the player subsystem's one Qt facade.

Widgets talk to this object only; it owns the backend (libVLC), the playback guard, the
attention monitor and the resume store, and reports through typed signals. libVLC is
polled from a 200 ms timer on the GUI thread (cheap getters, no callbacks); the slow parts
of opening a course (hashing the file, probing it) run on a worker thread.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from player.attention import AttentionMonitor
from player.backend import BackendState, PlaybackBackend
from player.events import (
    Ended,
    PauseReason,
    PlayerEvent,
    Progress,
    Started,
    Tamper,
    TamperKind,
)
from player.events import Paused as PausedEvent
from player.guard import GuardPolicy, GuardSample, PlaybackGuard
from player.media_check import (
    CourseMedia,
    MediaCheckResult,
    MediaProblem,
    check_file_identity,
    check_probe,
    duration_tolerance_ms,
)
from player.resume import ResumeStore
from qt_binding import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot
from qt_binding.gui_thread import GuiHandoff

log = logging.getLogger(__name__)


class Clock(Protocol):
    def monotonic_ms(self) -> int: ...
    def suspend_inclusive_ms(self) -> int | None: ...


class SystemClock:
    """Monotonic time only: the wall clock is the learner's to change."""

    def monotonic_ms(self) -> int:
        return time.monotonic_ns() // 1_000_000

    def suspend_inclusive_ms(self) -> int | None:
        # CLOCK_BOOTTIME keeps counting while the machine sleeps; CLOCK_MONOTONIC does not.
        if sys.platform.startswith("linux"):
            return time.clock_gettime_ns(time.CLOCK_BOOTTIME) // 1_000_000
        return None


@dataclass(frozen=True)
class PlayerTiming:
    guard_interval_ms: int = 200
    progress_interval_ms: int = 10_000
    # How long libVLC may play a file with a video stream without producing a picture
    # before we call the decoder missing.
    first_picture_timeout_ms: int = 4000


class RefusalReason:
    ANOTHER_COURSE_OPEN = "another_course_open"
    BACKEND_UNAVAILABLE = "backend_unavailable"


class _MediaCheckTask(QRunnable):
    """Hash and probe the file, and look up where the learner stopped, off the GUI
    thread (the resume store may be a database on its own worker); `report` hands the
    outcome back."""

    def __init__(
        self,
        course: CourseMedia,
        backend: PlaybackBackend,
        resume: ResumeStore,
        learner_id: str,
        report: Callable[[MediaCheckResult, int], None],
    ) -> None:
        super().__init__()
        self._course = course
        self._backend = backend
        self._resume = resume
        self._learner_id = learner_id
        self._report = report

    def run(self) -> None:
        resume_ms = 0
        try:
            result = check_file_identity(self._course)
            if result.ok:
                result = check_probe(self._course, self._backend.probe(Path(self._course.path)))
            if result.ok:
                resume_ms = self._resume_position()
        except Exception as error:  # a bug, but the learner must still get an answer
            log.exception("media check failed unexpectedly")
            result = MediaCheckResult(MediaProblem.UNREADABLE, type(error).__name__)
        self._report(result, resume_ms)

    def _resume_position(self) -> int:
        try:
            return self._resume.position_ms(self._learner_id, self._course.course_id)
        except Exception:  # a broken store must not stop study: start from the beginning
            log.exception("resume position unavailable")
            return 0


class LockedPlayer(QObject):
    """Plays one course at a time at 1.0x, with no way to skip ahead."""

    # Started / Paused / Progress / Tamper / Ended. The name hides QObject.event();
    # renamed, PySide 6.12 aborted the test process at exit (a bool refcount error).
    event = Signal(PlayerEvent)  # type: ignore[assignment]
    state_changed = Signal(str)  # "idle" | "checking" | "playing" | "paused" | "ended"
    position_changed = Signal(int, int, int)  # position, furthest, duration (ms)
    course_opened = Signal(str)  # course id, once the media check passed
    course_closed = Signal(str)
    media_error = Signal(str, str)  # MediaProblem value, detail (not for the learner)
    refused = Signal(str)  # RefusalReason value

    def __init__(
        self,
        backend: PlaybackBackend,
        resume_store: ResumeStore,
        learner_id: str,
        clock: Clock | None = None,
        policy: GuardPolicy | None = None,
        timing: PlayerTiming | None = None,
        guard_enabled: bool = True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.backend = backend
        self._resume = resume_store
        self._learner_id = learner_id
        self._clock = clock or SystemClock()
        self._policy = policy or GuardPolicy()
        self._timing = timing or PlayerTiming()
        # Only tests turn the guard off, to prove their assertions fail without it.
        self._guard_enabled = guard_enabled
        self.attention = AttentionMonitor(self)
        self.attention.lost.connect(self._on_attention_lost)
        self._course: CourseMedia | None = None
        self._checking = False
        # Each open gets a token; a check that reports after its open was cancelled (the
        # course closed while its file was being hashed) is recognised and ignored.
        self._open_token = 0
        self._guard: PlaybackGuard | None = None
        self._guard_armed = False
        self._start_ms = 0
        self._video_window_id: int | None = None
        self._state = "idle"
        self._holds: set[PauseReason] = set()
        self._last_progress_ms = 0
        self._play_started_ms: int | None = None
        self._had_picture = False
        self.last_pause_reason: PauseReason | None = None
        self.tampers: list[Tamper] = []
        self._poll = QTimer(self)
        self._poll.setInterval(self._timing.guard_interval_ms)
        self._poll.timeout.connect(self._tick)
        # One worker, so position saves stay in order; `shutdown` waits for it.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._gui = GuiHandoff(self)

    # -- public interface ------------------------------------------------------------
    @property
    def course(self) -> CourseMedia | None:
        return self._course

    @property
    def state(self) -> str:
        return self._state

    @property
    def furthest_ms(self) -> int:
        return self._guard.furthest_ms if self._guard else self._start_ms

    def set_video_window(self, window_id: int) -> None:
        self._video_window_id = window_id

    def open_course(self, course: CourseMedia) -> bool:
        """Start checking and then playing `course`; refuse while another is open."""
        if self._course is not None or self._checking:
            self.refused.emit(RefusalReason.ANOTHER_COURSE_OPEN)
            return False
        self._checking = True
        self._open_token += 1
        self._set_state("checking")
        token = self._open_token

        def report(result: MediaCheckResult, resume_ms: int) -> None:
            self._gui.post(lambda: self._on_media_checked(course, result, resume_ms, token))

        self._pool.start(
            _MediaCheckTask(course, self.backend, self._resume, self._learner_id, report)
        )
        return True

    def play(self) -> None:
        """Only an explicit action of the learner calls this."""
        if self._course is None or self._state != "paused":
            return
        if self._holds:
            self.refused.emit("on_hold")
            return
        now = self._clock.monotonic_ms()
        if not self._guard_armed:
            # Opened while the learner was elsewhere: playback really starts now.
            self._guard = PlaybackGuard(self._start_ms, self._policy, started_at_ms=now)
        self._play_started_ms = now
        self.backend.play()
        self._set_state("playing")
        self.last_pause_reason = None
        self._emit(Started(self._course.course_id, self._position(), self._start_ms))

    def pause(self, reason: PauseReason = PauseReason.USER) -> None:
        if self._course is None or self._state != "playing":
            return
        self.backend.pause()
        self._set_state("paused")
        self.last_pause_reason = reason
        position = self._position()
        self._save_position(position)
        self._emit(PausedEvent(self._course.course_id, position, reason))

    def set_learner(self, learner_id: str) -> None:
        """Resume positions are the signed-in learner's own: set at sign-in, with no
        course open (a course belongs to the learner who opened it)."""
        if self._course is not None:
            raise RuntimeError("close the course before changing the learner")
        self._learner_id = learner_id

    def hold(self, reason: PauseReason) -> None:
        """Pause, and refuse Play until `release(reason)`: a face check is due, a prompt
        was missed, study was stopped by the server."""
        self._holds.add(reason)
        self.pause(reason)

    def release(self, reason: PauseReason) -> None:
        self._holds.discard(reason)

    @property
    def holds(self) -> frozenset[PauseReason]:
        return frozenset(self._holds)

    def toggle(self) -> None:
        if self._state == "playing":
            self.pause(PauseReason.USER)
        else:
            self.play()

    def set_volume(self, volume: int) -> None:
        self.backend.set_volume(max(0, min(100, volume)))

    @property
    def worker_busy(self) -> bool:
        """A file check or a position save is still running on the worker."""
        return self._pool.activeThreadCount() > 0

    def close_course(self) -> None:
        if self._checking:
            self._checking = False
            self._open_token += 1  # the check still finishes, and is then ignored
            self._set_state("idle")
        if self._course is None:
            return
        course = self._course
        position = self._position()
        if self._state == "playing":
            self._emit(PausedEvent(course.course_id, position, PauseReason.CLOSED))
        if self._state != "ended":
            self._save_position(position)
        self._poll.stop()
        self.backend.stop()
        self._course = None
        self._guard = None
        self._holds.clear()  # a hold belongs to the course it was put on
        self._set_state("idle")
        self.course_closed.emit(course.course_id)

    def shutdown(self) -> None:
        self.close_course()
        self.attention.unwatch()
        self._pool.waitForDone(10_000)

    # -- opening -----------------------------------------------------------------------
    def _on_media_checked(
        self, course: CourseMedia, result: MediaCheckResult, resume_ms: int, token: int
    ) -> None:
        if token != self._open_token or not self._checking:
            return  # this open was cancelled
        self._checking = False
        if result.problem is not None:
            self._set_state("idle")
            log.warning("course media refused: %s", result.problem)
            self.media_error.emit(result.problem.value, result.detail)
            return
        start = resume_ms
        if start >= course.duration_ms - duration_tolerance_ms(course.duration_ms):
            start = 0  # finished last time: watch again from the start
        self._course = course
        self._start_ms = start
        self._guard_armed = False
        self._had_picture = False
        self.tampers = []
        self.backend.load(Path(course.path), start)
        if self._video_window_id is not None:
            # Bound before play(), or VLC opens a window of its own.
            self.backend.bind_window(self._video_window_id)
        now = self._clock.monotonic_ms()
        self._last_progress_ms = now
        self._poll.start()
        self.course_opened.emit(course.course_id)
        away = self.attention.away_reason()
        if away in (PauseReason.MINIMIZED, PauseReason.HIDDEN):
            # The window went out of sight while the file was checked: wait for a click.
            # (A window merely not active yet, say just shown and not yet given the focus
            # by the window manager, starts; the attention backstop pauses it within two
            # polls if the learner is really elsewhere.)
            self._guard = PlaybackGuard(start, self._policy)
            self.last_pause_reason = away
            self._set_state("paused")
            return
        self._guard = PlaybackGuard(start, self._policy, started_at_ms=now)
        self._play_started_ms = now
        self.backend.play()
        self._set_state("playing")
        self._emit(Started(course.course_id, start, start))

    # -- the 200 ms poll -------------------------------------------------------------
    @Slot()
    def _tick(self) -> None:
        course = self._course
        if course is None or self._guard is None:
            return
        backend_state = self.backend.state()
        if backend_state == BackendState.ERROR:
            self._fail(MediaProblem.CORRUPT, "libVLC reported an error")
            return
        now = self._clock.monotonic_ms()
        if self.backend.has_video_output():
            self._had_picture = True
        if backend_state == BackendState.ENDED:
            self._on_backend_ended(course)
            return
        if (
            not self._had_picture
            and self._play_started_ms is not None
            and backend_state == BackendState.PLAYING
            and now - self._play_started_ms > self._timing.first_picture_timeout_ms
        ):
            self._fail(MediaProblem.CODEC_MISSING, "no picture")
            return
        position = self.backend.position_ms()
        playing = backend_state == BackendState.PLAYING
        if self._guard_enabled and self._state == "paused" and playing:
            # Something other than the learner resumed playback (a patched client or a
            # VLC hotkey): undo it, the learner must click.
            self.backend.pause()
            self._record_tamper(Tamper(course.course_id, position, TamperKind.EXTERNAL_RESUME))
        if self._state == "playing":
            self.attention.poll()
        if not self._guard_armed:
            # VLC reports 0 until the resume point is reached; judge from the first real
            # sample on, against the position we asked for.
            if playing and (self._start_ms == 0 or position > 0):
                self._guard_armed = True
            else:
                return
        if self._guard_enabled:
            self._apply_guard(course, now, position, playing)
        if now - self._last_progress_ms >= self._timing.progress_interval_ms:
            self._last_progress_ms = now
            self._save_position(self._position())  # a crash loses at most one interval
            self._emit(
                Progress(
                    course.course_id,
                    self._position(),
                    rate=round(self.backend.rate(), 3),
                    focused=self.attention.focused,
                    visible=self.attention.visible,
                    furthest_ms=self.furthest_ms,
                    playing=playing,
                )
            )
        self.position_changed.emit(self._position(), self.furthest_ms, course.duration_ms)

    def _apply_guard(self, course: CourseMedia, now: int, position: int, playing: bool) -> bool:
        """Feed the guard one sample and carry out its verdict; True when it was clean."""
        assert self._guard is not None
        verdict = self._guard.observe(
            GuardSample(
                monotonic_ms=now,
                position_ms=position,
                rate=self.backend.rate(),
                playing=playing,
                suspend_clock_ms=self._clock.suspend_inclusive_ms(),
            )
        )
        if verdict.clean:
            return True
        if verdict.reset_rate:
            self.backend.set_rate(1.0)
        if verdict.seek_to_ms is not None:
            self.backend.set_position_ms(verdict.seek_to_ms)
        for violation in verdict.violations:
            self._record_tamper(
                Tamper(course.course_id, position, violation.kind, dict(violation.details))
            )
        if verdict.pause_for_suspend:
            self.pause(PauseReason.SUSPEND)
        return not any(v.kind == TamperKind.FORWARD_JUMP for v in verdict.violations)

    def _on_backend_ended(self, course: CourseMedia) -> None:
        if not self._had_picture and self.backend.decoded_video_frames() == 0:
            # libVLC opened the file but no decoder could draw it and playback fell through.
            self._fail(MediaProblem.CODEC_MISSING, "ended without a picture")
            return
        now = self._clock.monotonic_ms()
        # Reaching the end is one more position report: the guard decides whether the
        # learner could have got there, or jumped to the end faster than a poll.
        if self._guard_enabled and self._guard is not None:
            legit_end = self._apply_guard(course, now, course.duration_ms, playing=True)
            if not legit_end:
                self._reopen_at(course, self._guard.legit_position_ms, now)
                return
        self._poll.stop()
        self._save_position(0)
        self._set_state("ended")
        self._emit(Ended(course.course_id, course.duration_ms))

    def _reopen_at(self, course: CourseMedia, position_ms: int, now: int) -> None:
        """After VLC ran to the end illegitimately it has stopped: load again where the
        learner legitimately was, keeping the furthest point reached."""
        furthest = self.furthest_ms
        self._start_ms = position_ms
        self._guard = PlaybackGuard(position_ms, self._policy, started_at_ms=now)
        self._guard.furthest_ms = max(self._guard.furthest_ms, furthest)
        self._guard_armed = False
        self._play_started_ms = now
        self.backend.load(Path(course.path), position_ms)
        self.backend.play()

    def _record_tamper(self, tamper: Tamper) -> None:
        self.tampers.append(tamper)
        log.warning("playback tamper: %s %s", tamper.kind, tamper.details)
        self._emit(tamper)

    def _fail(self, problem: MediaProblem, detail: str) -> None:
        course = self._course
        self._poll.stop()
        self.backend.stop()
        self._course = None
        self._guard = None
        self._holds.clear()  # a hold belongs to the course it was put on
        self._set_state("idle")
        log.warning("playback failed: %s (%s)", problem, detail)
        self.media_error.emit(problem.value, detail)
        if course is not None:
            self.course_closed.emit(course.course_id)

    # -- helpers ---------------------------------------------------------------------
    @Slot(str)
    def _on_attention_lost(self, reason: str) -> None:
        self.pause(PauseReason(reason))

    def _position(self) -> int:
        # What the learner has legitimately reached, never a position the guard refused.
        if self._course is None:
            return 0
        if not self._guard_enabled:
            return self.backend.position_ms()
        if self._guard is not None and self._guard_armed:
            return self._guard.legit_position_ms
        # VLC reports 0 until it reaches the resume point: that is not where we are.
        return max(self._start_ms, self.backend.position_ms())

    def _save_position(self, position_ms: int) -> None:
        """Queued on the worker (a file write with fsync, or a database commit), in order
        with other saves; `shutdown` waits for the last one."""
        if self._course is None:
            return
        course_id = self._course.course_id
        self._pool.start(lambda: self._write_position(course_id, position_ms))

    def _write_position(self, course_id: str, position_ms: int) -> None:
        try:
            self._resume.save(self._learner_id, course_id, position_ms)
        except Exception:  # the learner keeps studying; the next save may succeed
            log.exception("could not save the resume position")

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)

    def _emit(self, event: PlayerEvent) -> None:
        self.event.emit(event)
