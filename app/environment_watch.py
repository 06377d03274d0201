"""What the client sees of its surroundings, reported to the platform: with every
sign-in (the sync engine asks the sampler) and during a course as a signed ENVIRONMENT
event when the course opens and whenever what it sees changes. The platform judges
under the institution's policy (server/environment_rules.py); the client only reports.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from player.facade import LockedPlayer
from qt_binding import QGuiApplication, QObject, QTimer
from qt_binding.gui_thread import GuiHandoff
from records.events import EventKind
from verification.environment import EnvironmentSignal, collect
from wire.environment import EnvironmentSignalReport

log = logging.getLogger(__name__)

SAMPLE_EVERY_MS = 30_000


def monitor_count() -> int:
    """The monitors Qt sees (GUI thread only): X screens, or RandR monitors of one."""
    return len(QGuiApplication.screens())


class EnvironmentSampler:
    """Reads the surroundings from any thread; the monitor count, which only the GUI
    thread may ask Qt for, is kept up to date by `EnvironmentWatch`."""

    def __init__(
        self, collect_signals: Callable[..., tuple[EnvironmentSignal, ...]] = collect
    ) -> None:
        self._collect = collect_signals
        self.monitor_count = 1

    def sample(self) -> list[EnvironmentSignalReport]:
        signals = self._collect(monitor_count=self.monitor_count)
        return [EnvironmentSignalReport(kind=s.kind.value, evidence=s.evidence) for s in signals]


class EnvironmentWatch(QObject):
    """Samples while a course is open and records a report when it differs from the
    last one recorded in this course (the first one always)."""

    def __init__(
        self,
        sampler: EnvironmentSampler,
        record: Callable[[EventKind, dict[str, object]], None],
        player: LockedPlayer,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._sampler = sampler
        self._record = record
        self._gui = GuiHandoff(self)
        self._last: list[EnvironmentSignalReport] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(SAMPLE_EVERY_MS)
        self._timer.timeout.connect(self.sample_now)
        app = QGuiApplication.instance()
        assert isinstance(app, QGuiApplication)
        app.screenAdded.connect(self._count_monitors)
        app.screenRemoved.connect(self._count_monitors)
        self._count_monitors()
        player.course_opened.connect(self._course_opened)
        player.course_closed.connect(self._course_closed)

    def _count_monitors(self, *_screen: object) -> None:
        self._sampler.monitor_count = monitor_count()

    def _course_opened(self, _course_id: str) -> None:
        self._last = None
        self._timer.start()
        self.sample_now()

    def _course_closed(self, _course_id: str) -> None:
        self._timer.stop()
        self._last = None

    def sample_now(self) -> None:
        self._count_monitors()
        # A pass over /proc: a few milliseconds, yet not on the GUI thread.
        self._gui.run(self._sampler.sample, self._sampled, self._failed, name="environment")

    def _sampled(self, reports: list[EnvironmentSignalReport]) -> None:
        if not self._timer.isActive() or reports == self._last:
            return  # the course closed meanwhile, or nothing changed
        self._last = reports
        self._record(EventKind.ENVIRONMENT, {"signals": [r.model_dump() for r in reports]})
        log.info("environment reported", extra={"data": {"kinds": [r.kind for r in reports]}})

    def _failed(self, error: BaseException) -> None:
        log.warning("environment not sampled: %s", type(error).__name__)
