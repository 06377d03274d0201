"""The study record of notice Attachment 2 (每次线上培训学习过程基本信息记录), one per study
session and course, and its CSV export with the notice's column names in its order.

Minutes are shown with one decimal, rounded down, so that a column of records never adds
up to more than the time actually credited. Times are Beijing time, to the second, in
the notice's form `2023-10-30, 15:20:36`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from records.effective_time import SessionCredit
from records.identity import mask_id_number

# Attachment 2, items 1-9, in order.
ATTACHMENT2_COLUMNS = (
    "姓名",
    "证件类型",
    "证件号码",
    "登录账户",
    "课程名称",
    "课程时长",
    "学习时间记录",
    "有效学习时长",
    "IP 地址",
)

BEIJING_OFFSET_MINUTES = 8 * 60


@dataclass(frozen=True)
class LearnerIdentity:
    name: str  # 姓名
    id_type: str  # 证件类型, e.g. 居民身份证
    id_number: str  # 证件号码, the full number: mask it wherever a person sees it
    account: str  # 登录账户


@dataclass(frozen=True)
class StudyRecord:
    learner: LearnerIdentity
    course_name: str
    course_duration_ms: int
    start_ms: int
    end_ms: int
    effective_ms: int
    ip_address: str

    def row(
        self, mask_id: bool = True, offset_minutes: int = BEIJING_OFFSET_MINUTES
    ) -> tuple[str, ...]:
        learner = self.learner
        number = mask_id_number(learner.id_number) if mask_id else learner.id_number
        start = record_time(self.start_ms, offset_minutes)
        end = record_time(self.end_ms, offset_minutes)
        return (
            learner.name,
            learner.id_type,
            number,
            learner.account,
            self.course_name,
            minutes_text(self.course_duration_ms),
            f"{start} 至 {end}",
            minutes_text(self.effective_ms),
            self.ip_address,
        )


def minutes_text(ms: int) -> str:
    """Minutes with one decimal, rounded down (never more than was credited)."""
    if ms < 0:
        raise ValueError("a duration cannot be negative")
    tenths = ms // 6_000
    return f"{tenths // 10}.{tenths % 10}"


def record_time(ms: int, offset_minutes: int = BEIJING_OFFSET_MINUTES) -> str:
    """`2023-10-30, 15:20:36`: the notice's format, 24-hour clock, local to the offset."""
    moment = datetime.fromtimestamp(ms // 1000, UTC) + timedelta(minutes=offset_minutes)
    return moment.strftime("%Y-%m-%d, %H:%M:%S")


def records_for_session(
    credit: SessionCredit,
    learner: LearnerIdentity,
    courses: Mapping[str, tuple[str, int]],
    ip_address: str,
) -> list[StudyRecord]:
    """One record per course of the session; `courses` maps id to (name, duration ms)."""
    records = []
    for course_id, effective_ms in credit.effective_by_course:
        name, duration_ms = courses.get(course_id, (course_id, 0))
        records.append(
            StudyRecord(
                learner=learner,
                course_name=name,
                course_duration_ms=duration_ms,
                start_ms=credit.start_ms,
                end_ms=credit.end_ms,
                effective_ms=effective_ms,
                ip_address=ip_address,
            )
        )
    return records


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    # A name like "=HYPERLINK(...)" would run as a formula in a spreadsheet: quote it.
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def attachment2_csv(records: Iterable[StudyRecord], mask_id: bool = True) -> bytes:
    """CSV in UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese.

    The ID number is masked unless `mask_id` is False (the report to the authority)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(ATTACHMENT2_COLUMNS)
    for record in records:
        writer.writerow([_cell(value) for value in record.row(mask_id)])
    return buffer.getvalue().encode("utf-8-sig")
