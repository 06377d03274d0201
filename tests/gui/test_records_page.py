"""The learner's "My records" screen and its printed record: what the table shows, what
the filters ask the server for, and what a real PDF holds (read back with pypdf).

Reading Chinese back from Qt's PDF needs care: Qt writes each glyph's ToUnicode entry as
the lowest code point of the font that draws that glyph, and CJK fonts draw many
ideographs and their radicals with one glyph, so 生 comes back as the Kangxi radical ⽣
(U+2F63) and 长 as ⻓ (U+2EE3). The page looks right; only extraction differs (a known
limitation of Qt's PDF engine, as in wkhtmltopdf#4414). `as_extracted` applies the same
rule to the expected text, using the very fonts embedded in the PDF, so the comparison
stays exact instead of loosening to "some CJK character". Both sides are then NFKC-
normalised, which also folds ligatures such as "ﬀ".
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from app.record_document import (
    attachment2_records,
    document_tr,
    filter_lines,
    print_document,
    record_html,
    record_totals,
    shown_id_number,
    totals_lines,
)
from app.records_page import RecordsFilter, RecordsPage
from qt_binding import QDate, QPrinter, Qt
from records.attachment2 import ATTACHMENT2_COLUMNS, minutes_text, record_time
from tests.support.printed_record import assert_printed, pdf_text
from wire.learner import CourseProgress, CourseTestAttempt, Profile, RecordRow, StudyRecords

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the tz database as an independent reference


def shanghai_ms(*fields: int) -> int:
    return int(datetime(*fields, tzinfo=SHANGHAI).timestamp() * 1000)


NOW_MS = shanghai_ms(2026, 11, 29, 10, 0, 0)
FULL_NUMBER = "44010619900101001X"
MASKED = "440***********001X"
SAFETY, ELECTRIC = "安全生产基础", "电工作业安全"

PROFILE = Profile.model_validate(
    {
        "learner_id": "learner-1",
        "name": "张三",
        "id_type": "居民身份证",
        "id_number_masked": MASKED,
        "login_name": "zhangsan",
        "institution": {"id": "inst-1", "name": "广州市示范职业培训学校"},
        "face_enrolled": True,
    }
)
ALL = RecordsFilter()


def record(
    session: str,
    course_id: str,
    course: str,
    start_ms: int,
    end_ms: int,
    effective_ms: int,
    pending_ms: int = 0,
    demo: bool = False,
    number: str = MASKED,
) -> RecordRow:
    """A row as GET /api/v1/me/records sends it (records.attachment2's formats)."""
    return RecordRow.model_validate(
        {
            "study_session_id": session,
            "course_id": course_id,
            "columns": [
                PROFILE.name,
                "居民身份证",
                number,
                "zhangsan",
                course,
                "45.0",
                f"{record_time(start_ms)} 至 {record_time(end_ms)}",
                minutes_text(effective_ms),
                "127.0.0.1",
            ],
            "effective_ms": effective_ms,
            "pending_ms": pending_ms,
            "excluded_ms": {"paused": 12_000} if pending_ms else {},
            "demo": demo,
        }
    )


def with_column(row: RecordRow, index: int, value: str) -> RecordRow:
    columns = list(row.columns)
    columns[index] = value
    return row.model_copy(update={"columns": columns})


# Out of order on purpose: the page sorts by start time. Effective time is summed in ms
# and rounded down once: 44.9 + 20.5 + 1.5 = 66.9 shown per row, 67.0 in total.
ROWS = [
    record(
        "s3",
        "course-b",
        ELECTRIC,
        shanghai_ms(2026, 11, 29, 9, 20, 36),
        shanghai_ms(2026, 11, 29, 9, 22, 40),
        90_000,
    ),
    record(
        "s1",
        "course-a",
        SAFETY,
        shanghai_ms(2026, 11, 27, 9, 0, 0),
        shanghai_ms(2026, 11, 27, 9, 47, 0),
        2_699_999,
    ),
    record(
        "s2",
        "course-a",
        SAFETY,
        shanghai_ms(2026, 11, 28, 20, 15, 10),
        shanghai_ms(2026, 11, 28, 20, 40, 0),
        1_234_567,
        pending_ms=300_000,
        demo=True,
    ),
]
ANSWER = StudyRecords(columns=list(ATTACHMENT2_COLUMNS), records=ROWS)
TESTS = [
    CourseTestAttempt(course_id="course-a", score=55, passed=False, at_ms=NOW_MS - 86_400_000),
    CourseTestAttempt(course_id="course-b", score=92, passed=True, at_ms=NOW_MS - 3_600_000),
]
PROGRESS = [
    CourseProgress(
        id="course-a",
        name=SAFETY,
        duration_ms=2_700_000,
        studied_ms=4_234_566,
        test_passed=False,
    ),
    CourseProgress(
        id="course-b",
        name=ELECTRIC,
        duration_ms=2_700_000,
        studied_ms=90_000,
        test_passed=True,
    ),
]
TOTAL_EFFECTIVE, TOTAL_PENDING = "67.0", "5.0"


def chinese_catalogue_loaded() -> None:
    assert document_tr("Study record") == "学习记录", (
        "zh_CN.qm lacks the records strings: run pyside6-lupdate, "
        "resources/i18n/fill_translations.py and ./dev.sh (lrelease)"
    )


# -- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def page(qtbot, default_language) -> RecordsPage:
    widget = RecordsPage(now_ms=lambda: NOW_MS)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def english(qapp, default_language):
    from app.i18n import install_language

    assert install_language(qapp, "en")
    yield
    install_language(qapp)


def cells(table) -> list[list[str]]:
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def headers(table) -> list[str]:
    return [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]


# -- the screen -----------------------------------------------------------------------------


@pytest.mark.gui
def test_set_data_shows_the_records_sorted_by_start_with_totals(page: RecordsPage) -> None:
    page.set_data(PROFILE, ANSWER, TESTS, PROGRESS, ALL)
    assert headers(page.records_table) == list(ATTACHMENT2_COLUMNS)  # Chinese, no gloss
    rows = cells(page.records_table)
    assert [row[4] for row in rows] == [SAFETY, SAFETY, ELECTRIC]
    assert [row[6][:20] for row in rows] == sorted(row[6][:20] for row in rows)
    assert [row[7] for row in rows] == ["44.9", "20.5", "1.5"]
    assert page.records_table.isVisible() and not page.records_empty.isVisible()
    assert page.records_table.editTriggers() == page.records_table.EditTrigger.NoEditTriggers
    assert not page.records_table.item(0, 0).flags() & Qt.ItemFlag.ItemIsEditable
    totals = page.totals_label.text()
    assert TOTAL_EFFECTIVE in totals and TOTAL_PENDING in totals
    assert page.pending_label.isVisible()
    # the demo record is shaded and announced
    assert page.demo_label.isVisible()
    assert page.records_table.item(1, 0).toolTip() and not page.records_table.item(0, 0).toolTip()
    assert [page.course_combo.itemData(i) for i in range(page.course_combo.count())] == [
        None,
        "course-a",
        "course-b",
    ]
    assert page.tests_table.rowCount() == 2 and page.progress_table.rowCount() == 2
    assert cells(page.progress_table)[0][:4] == [SAFETY, "45.0", "70.5", "100%"]
    assert page.print_button.isEnabled() and page.pdf_button.isEnabled()


@pytest.mark.gui
def test_only_masked_numbers_are_shown_even_if_the_server_sends_a_full_one(
    page: RecordsPage, tmp_path: Path
) -> None:
    leaky = with_column(ROWS[0], 2, FULL_NUMBER)  # a server bug must not reach the screen or paper
    page.set_data(
        PROFILE.model_copy(update={"id_number_masked": FULL_NUMBER}),
        StudyRecords(columns=list(ATTACHMENT2_COLUMNS), records=[leaky, *ROWS[1:]]),
        TESTS,
        PROGRESS,
        ALL,
    )
    shown = [row[2] for row in cells(page.records_table)]
    assert shown == [MASKED] * 3
    assert FULL_NUMBER not in page.learner_label.text()
    assert MASKED in page.learner_label.text()
    page.save_pdf(tmp_path / "record.pdf")
    text = pdf_text(tmp_path / "record.pdf")
    assert FULL_NUMBER not in text and "19900101" not in text
    assert MASKED in text


@pytest.mark.gui
def test_the_course_filter_asks_for_that_course(page: RecordsPage, qtbot) -> None:
    page.set_data(PROFILE, ANSWER, TESTS, PROGRESS, ALL)
    expected = RecordsFilter(from_ms=None, to_ms=None, course_id="course-b")
    with qtbot.waitSignal(page.refresh_requested, timeout=3000) as blocker:
        page.course_combo.setCurrentIndex(page.course_combo.findData("course-b"))
    assert blocker.args == [expected]
    # the answer to it keeps the choice, and narrows tests and progress to the course
    page.set_data(
        PROFILE, StudyRecords(columns=ANSWER.columns, records=ROWS[:1]), TESTS, PROGRESS, expected
    )
    assert page.course_combo.currentData() == "course-b"
    assert [row[0] for row in cells(page.tests_table)] == [ELECTRIC]
    assert [row[0] for row in cells(page.progress_table)] == [ELECTRIC]
    with qtbot.waitSignal(page.refresh_requested, timeout=3000) as blocker:
        page.course_combo.setCurrentIndex(0)
    assert blocker.args == [RecordsFilter(from_ms=None, to_ms=None, course_id=None)]


@pytest.mark.gui
def test_the_date_filter_asks_from_midnight_to_the_next_midnight_in_shanghai(
    page: RecordsPage, qtbot
) -> None:
    page.set_data(PROFILE, ANSWER, TESTS, PROGRESS, ALL)
    expected = RecordsFilter(
        from_ms=shanghai_ms(2026, 11, 1),
        to_ms=shanghai_ms(2026, 11, 29),  # exclusive: all of 28 November is included
        course_id=None,
    )
    assert expected.from_ms == 1_793_462_400_000  # 2026-10-31T16:00:00Z
    with qtbot.waitSignal(
        page.refresh_requested, timeout=3000, check_params_cb=lambda p: p == expected
    ):
        page.date_check.setChecked(True)
        page.from_edit.setDate(QDate(2026, 11, 1))
        page.to_edit.setDate(QDate(2026, 11, 28))
    # a from-date after the to-date moves the to-date along
    with qtbot.waitSignal(page.refresh_requested, timeout=3000) as blocker:
        page.from_edit.setDate(QDate(2026, 12, 5))
    assert blocker.args == [
        RecordsFilter(
            from_ms=shanghai_ms(2026, 12, 5),
            to_ms=shanghai_ms(2026, 12, 6),
            course_id=None,
        )
    ]
    # Refresh asks at once; unticking the dates drops them
    page.date_check.setChecked(False)
    with qtbot.waitSignal(page.refresh_requested, timeout=500) as blocker:
        qtbot.mouseClick(page.refresh_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [RecordsFilter(from_ms=None, to_ms=None, course_id=None)]


@pytest.mark.gui
def test_busy_and_error_states(page: RecordsPage) -> None:
    page.set_data(PROFILE, ANSWER, TESTS, PROGRESS, ALL)
    page.set_busy(True)
    assert page.status_label.isVisible()
    assert not page.refresh_button.isEnabled() and not page.pdf_button.isEnabled()
    page.show_error("网络不可用")
    assert page.error_label.isVisible() and page.error_label.text() == "网络不可用"
    assert page.refresh_button.isEnabled() and not page.status_label.isVisible()
    page.set_data(PROFILE, ANSWER, TESTS, PROGRESS, ALL)
    assert not page.error_label.isVisible()


# -- the printed record -------------------------------------------------------------------


@pytest.mark.gui
def test_saved_pdf_holds_the_record_in_chinese(page: RecordsPage, tmp_path: Path) -> None:
    chinese_catalogue_loaded()
    page.set_data(PROFILE, ANSWER, TESTS, PROGRESS, ALL)
    assert page.default_pdf_name() == "学习记录-20261129.pdf"
    path = tmp_path / page.default_pdf_name()
    page.save_pdf(path)
    reader = PdfReader(path)
    assert reader.pdf_header.startswith("%PDF-")
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape
    effective = document_tr("Effective study time: %1 min").replace("%1", TOTAL_EFFECTIVE)
    pending = document_tr("Pending study time: %1 min").replace("%1", TOTAL_PENDING)
    assert "有效学习时长" in effective and "分钟" in pending
    assert_printed(
        path,
        "学习记录",
        PROFILE.name,
        MASKED,
        "zhangsan",
        PROFILE.institution.name,
        SAFETY,
        ELECTRIC,
        *ATTACHMENT2_COLUMNS,
        effective,
        pending,
        "学习次数：3",
        "演示",  # the demo watermark
        "打印时间：2026-11-29, 10:00:00（北京时间）",
        "2026-11-28, 20:15:10 至 2026-11-28, 20:40:00",
    )
    assert "Study record" not in pdf_text(path)


@pytest.mark.gui
def test_english_labels_keep_the_official_chinese_columns(
    page: RecordsPage, english, tmp_path: Path
) -> None:
    page.set_data(PROFILE, ANSWER, TESTS, PROGRESS, ALL)
    page.retranslate()
    assert page.heading.text() == "My study records"
    assert headers(page.records_table)[0] == "姓名\nName"
    assert page.default_pdf_name() == "Study record-20261129.pdf"
    path = tmp_path / "record.pdf"
    page.save_pdf(path)
    assert_printed(
        path,
        "Study record",
        "Training institution",
        *ATTACHMENT2_COLUMNS,
        "Effective study time (min)",  # the gloss under 有效学习时长
        f"Effective study time: {TOTAL_EFFECTIVE} min",
        "Printed at 2026-11-29, 10:00:00 (Beijing time)",
        PROFILE.name,
    )


@pytest.mark.gui
def test_markup_in_names_prints_literally(page: RecordsPage, tmp_path: Path) -> None:
    odd = "<b>x</b>&"
    row = with_column(ROWS[0], 4, odd)
    progress = [PROGRESS[0], PROGRESS[1].model_copy(update={"name": odd})]
    page.set_data(
        PROFILE.model_copy(update={"name": "<i>李四</i>"}),
        StudyRecords(columns=list(ATTACHMENT2_COLUMNS), records=[row]),
        TESTS,
        progress,
        ALL,
    )
    assert cells(page.records_table)[0][4] == odd
    assert page.course_combo.findText(odd) > 0
    assert "<i>李四</i>" in page.learner_label.text()
    assert page.learner_label.textFormat() == Qt.TextFormat.PlainText
    html = page.document_html()
    assert "&lt;b&gt;x&lt;/b&gt;&amp;" in html and odd not in html
    page.save_pdf(tmp_path / "record.pdf")
    assert_printed(tmp_path / "record.pdf", odd, "<i>李四</i>")


@pytest.mark.gui
def test_an_empty_record_set_prints_its_empty_state(page: RecordsPage, tmp_path: Path) -> None:
    chinese_catalogue_loaded()
    page.set_data(PROFILE, StudyRecords(columns=list(ATTACHMENT2_COLUMNS), records=[]), [], [], ALL)
    assert page.records_empty.isVisible() and not page.records_table.isVisible()
    assert page.records_empty.text() == page.tr(
        "No study records for the selected dates and course."
    )
    page.save_pdf(tmp_path / "empty.pdf")
    empty = document_tr("No study records for the selected dates and course.")
    assert empty == "所选日期和课程没有学习记录。"
    assert_printed(tmp_path / "empty.pdf", "学习记录", PROFILE.name, empty)
    assert "演示" not in pdf_text(tmp_path / "empty.pdf")


@pytest.mark.gui
def test_printing_to_a_pdf_printer(page: RecordsPage, tmp_path: Path) -> None:
    page.set_data(PROFILE, ANSWER, TESTS, PROGRESS, ALL)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    print_document(page.document_html(), printer)
    assert_printed(tmp_path / "printed.pdf", PROFILE.name, MASKED, SAFETY, ELECTRIC)


@pytest.mark.gui
def test_an_unwritable_path_is_an_os_error(page: RecordsPage, tmp_path: Path) -> None:
    page.set_data(PROFILE, ANSWER, TESTS, PROGRESS, ALL)
    with pytest.raises(FileNotFoundError):
        page.save_pdf(tmp_path / "no such folder" / "record.pdf")


# -- the pure layout (no display needed) --------------------------------------------------


def test_totals_sum_milliseconds_and_round_down_once() -> None:
    rows = [
        record("s1", "course-a", SAFETY, NOW_MS, NOW_MS + 60_000, 59_999),
        record("s1", "course-b", ELECTRIC, NOW_MS, NOW_MS + 60_000, 59_999, pending_ms=5_999),
        record("s2", "course-a", SAFETY, NOW_MS, NOW_MS + 60_000, 0, pending_ms=6_000),
    ]
    totals = record_totals(rows)
    assert (totals.sessions, totals.records) == (2, 3)
    assert totals.effective_minutes == "1.9"  # not 0.9 + 0.9, and never 2.0
    assert totals.pending_minutes == "0.1"
    assert totals_lines(totals, lambda _c, text: text)[2] == "Effective study time: 1.9 min"


def test_records_are_reordered_by_column_name_and_masked() -> None:
    shuffled = list(reversed(ATTACHMENT2_COLUMNS))
    row = record("s1", "course-a", SAFETY, NOW_MS, NOW_MS + 60_000, 60_000, number=FULL_NUMBER)
    answer = StudyRecords(
        columns=shuffled, records=[row.model_copy(update={"columns": row.columns[::-1]})]
    )
    (shown,) = attachment2_records(answer)
    assert shown.columns[:5] == ["张三", "居民身份证", MASKED, "zhangsan", SAFETY]
    assert shown_id_number(MASKED) == MASKED
    assert shown_id_number("4401061990010*001X") == MASKED  # masked only in part
    assert shown_id_number("AB") == "**"


def test_the_filter_of_days_and_its_description() -> None:
    chosen = RecordsFilter.for_days(
        datetime(2026, 1, 1).date(), datetime(2026, 1, 31).date(), "course-a"
    )
    assert chosen == RecordsFilter(
        from_ms=shanghai_ms(2026, 1, 1),
        to_ms=shanghai_ms(2026, 2, 1),
        course_id="course-a",
    )
    assert RecordsFilter.for_days(None, None, "") == RecordsFilter()
    names = {"course-a": SAFETY}
    plain = lambda _c, text: text  # noqa: E731
    assert filter_lines(chosen, names, plain) == ("2026-01-01 to 2026-01-31", SAFETY)
    assert filter_lines(replace(chosen, to_ms=None), names, plain)[0] == "From 2026-01-01"
    assert filter_lines(replace(chosen, from_ms=None), names, plain)[0] == "Until 2026-01-31"
    assert filter_lines(ALL, names, plain) == ("All dates", "All courses")


def test_record_html_escapes_and_marks_demo_without_qt_translation() -> None:
    rows = attachment2_records(ANSWER)
    text = record_html(PROFILE, rows, TESTS, PROGRESS, ALL, NOW_MS, lambda s: s)
    assert text.count("DEMO:") == 2  # above and below the record
    assert "Printed at 2026-11-29, 10:00:00 (Beijing time)" in text
    assert "Effective study time (min)" not in text  # no gloss unless asked
    quiet = record_html(PROFILE, rows[:1], [], [], ALL, NOW_MS, lambda s: s)
    assert "DEMO:" not in quiet
    hostile_profile = PROFILE.model_copy(update={"name": "<script>"})
    hostile = record_html(hostile_profile, [], [], [], ALL, NOW_MS, lambda s: s)
    assert "<script>" not in hostile and "&lt;script&gt;" in hostile
