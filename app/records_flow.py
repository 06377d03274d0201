"""The learner's records and account: the profile (whose name the course list shows) and
the records page, which shows four answers together (profile, Attachment 2 records,
test results, progress) for one query. A newer query replaces an older one still on the
way: the older one's answers are dropped."""

from __future__ import annotations

from dataclasses import dataclass

from app.main_window import MainWindow
from app.messages import failure_text
from app.records_page import RecordsFilter
from qt_binding import QObject
from sync.qt_facade import RequestFailure, SyncService
from sync.requests import (
    CourseTestAttemptsRequest,
    ProfileRequest,
    ProgressRequest,
    RecordsRequest,
)
from wire.learner import CourseProgress, CourseTestAttempt, Profile, StudyRecords


@dataclass
class RecordsQuery:
    """The answers of one query of the records page, as they arrive."""

    generation: int
    filters: RecordsFilter
    profile: Profile | None = None
    records: StudyRecords | None = None
    tests: list[CourseTestAttempt] | None = None
    progress: list[CourseProgress] | None = None


class RecordsFlow(QObject):
    def __init__(self, window: MainWindow, sync: SyncService) -> None:
        super().__init__(window)
        self.window = window
        self.sync = sync
        self.profile: Profile | None = None
        self.query: RecordsQuery | None = None  # the query on its way
        self.records_loaded = 0  # how many times the records page received its data
        self._generation = 0
        window.records_page.refresh_requested.connect(self.load_records)
        window.page_requested.connect(self._on_page_requested)

    def load_profile(self) -> None:
        self.sync.send(ProfileRequest(), self._on_profile, self._profile_failed)

    def forget(self) -> None:
        self.query = None
        self.profile = None
        self.window.records_page.clear()

    def _on_profile(self, profile: Profile) -> None:
        self.profile = profile
        self.window.courses_page.set_learner(profile.name)

    def _profile_failed(self, failure: RequestFailure) -> None:
        self.window.courses_page.show_reason(failure_text(failure.code, failure.reason))

    def load_records(self, filters: RecordsFilter | None = None) -> None:
        if not self.window.is_signed_in:
            return
        filters = filters or RecordsFilter()
        self._generation += 1
        query = RecordsQuery(self._generation, filters)
        self.query = query
        self.window.records_page.set_busy(True)

        def failed(failure: RequestFailure) -> None:
            if self.query is query:
                self.query = None
                self.window.records_page.show_error(failure_text(failure.code, failure.reason))

        def profile(answer: Profile) -> None:
            query.profile = answer
            self._show_if_complete(query)

        def records(answer: StudyRecords) -> None:
            query.records = answer
            self._show_if_complete(query)

        def tests(answer: list[CourseTestAttempt]) -> None:
            query.tests = answer
            self._show_if_complete(query)

        def progress(answer: list[CourseProgress]) -> None:
            query.progress = answer
            self._show_if_complete(query)

        self.sync.send(ProfileRequest(), profile, failed)
        self.sync.send(
            RecordsRequest(filters.from_ms, filters.to_ms, filters.course_id), records, failed
        )
        self.sync.send(CourseTestAttemptsRequest(), tests, failed)
        self.sync.send(ProgressRequest(), progress, failed)

    def _show_if_complete(self, query: RecordsQuery) -> None:
        if (
            self.query is not query  # replaced by a newer query
            or query.profile is None
            or query.records is None
            or query.tests is None
            or query.progress is None
        ):
            return
        self.query = None
        self.records_loaded += 1
        self.window.records_page.set_busy(False)
        self.window.records_page.set_data(
            query.profile, query.records, query.tests, query.progress, filters=query.filters
        )

    def _on_page_requested(self, page: str) -> None:
        if page == "records":
            # With the page's own filters, so what it shows and prints is what it says.
            self.window.records_page.request_refresh()
