"""The Attachment 2 study record and its CSV export."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from records.attachment2 import (
    ATTACHMENT2_COLUMNS,
    LearnerIdentity,
    StudyRecord,
    attachment2_csv,
    minutes_text,
    record_time,
    records_for_session,
)
from records.effective_time import CourseRule, compute_effective_time
from records.policy import EffectiveTimePolicy
from tests.support.records_streams import MIN, T0, Stream

LEARNER = LearnerIdentity("张三", "居民身份证", "440106199001011234", "zhangsan")


def test_columns_are_the_notices_in_its_order() -> None:
    assert ATTACHMENT2_COLUMNS == (
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


def test_time_format_is_the_notices() -> None:
    # 2023-10-30 15:20:36 Beijing time is 07:20:36 UTC.
    assert record_time(1_698_650_436_000) == "2023-10-30, 15:20:36"
    assert record_time(1_698_650_436_999) == "2023-10-30, 15:20:36"


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (0, "0.0"),
        (5_999, "0.0"),
        (6_000, "0.1"),
        (2_699_999, "44.9"),
        (2_700_000, "45.0"),
        (21_600_000, "360.0"),
    ],
)
def test_minutes_are_rounded_down_to_one_decimal(ms, text) -> None:
    assert minutes_text(ms) == text


def test_negative_minutes_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        minutes_text(-1)


@given(st.lists(st.integers(0, 10**9), max_size=50))
def test_a_column_of_minutes_never_sums_above_the_credit(values) -> None:
    shown_tenths = sum(int(minutes_text(v).replace(".", "")) for v in values)
    assert shown_tenths * 6_000 <= sum(values)


def test_records_from_a_computed_session_and_csv_export() -> None:
    stream = Stream(course_id="course-1").start(T0).watch(T0, 0, 30)
    report = compute_effective_time(
        stream.events,
        {"course-1": CourseRule(45 * MIN, requires_test=False)},
        [],
        EffectiveTimePolicy(interaction_limit_ms=10**9),
    )
    (record,) = records_for_session(
        report.sessions[0], LEARNER, {"course-1": ("电工基础", 45 * MIN)}, "203.0.113.7"
    )
    assert record.effective_ms == 30 * MIN
    data = attachment2_csv([record])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(ATTACHMENT2_COLUMNS)
    assert rows[1] == [
        "张三",
        "居民身份证",
        "440***********1234",
        "zhangsan",
        "电工基础",
        "45.0",
        "2023-10-30, 08:00:00 至 2023-10-30, 08:30:00",
        "30.0",
        "203.0.113.7",
    ]
    full = list(
        csv.reader(io.StringIO(attachment2_csv([record], mask_id=False).decode("utf-8-sig")))
    )
    assert full[1][2] == "440106199001011234"


def test_unknown_course_name_falls_back_to_its_id() -> None:
    stream = Stream(course_id="gone").start(T0).watch(T0, 0, 1)
    report = compute_effective_time(stream.events, {"gone": CourseRule(MIN, False)}, [])
    (record,) = records_for_session(report.sessions[0], LEARNER, {}, "")
    assert record.course_name == "gone" and record.course_duration_ms == 0


def test_spreadsheet_formulas_are_neutralised() -> None:
    learner = LearnerIdentity('=HYPERLINK("x")', "护照", "E12345678", "-1+2")
    record = StudyRecord(learner, "@course", 0, T0, T0, 0, "")
    row = list(csv.reader(io.StringIO(attachment2_csv([record]).decode("utf-8-sig"))))[1]
    assert row[0].startswith("'=") and row[3] == "'-1+2" and row[4] == "'@course"
