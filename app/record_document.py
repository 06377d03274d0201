"""The learner's printable study record (notice Attachment 2 item 三: "支持按规定完成培训的学员
打印在线学习记录和查询在线测试结果").

`record_html` lays the record out as HTML from the server's answers: a pure function of
its arguments, so tests read the layout without printing. `write_pdf` and
`print_document` only hand that HTML to Qt's text engine. The Attachment 2 column names
stay in Chinese in every language: they are the official format.

The ID number arrives masked from the server; `shown_id_number` masks it again if it
ever does not, so no full number can reach the screen or the paper.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from qt_binding import (
    QCoreApplication,
    QFont,
    QMarginsF,
    QPageLayout,
    QPageSize,
    QPdfWriter,
    QPrinter,
    QTextDocument,
)
from records.attachment2 import ATTACHMENT2_COLUMNS, minutes_text, record_time
from records.identity import mask_id_number
from wire.learner import CourseProgress, CourseTestAttempt, Profile, RecordRow, StudyRecords

if TYPE_CHECKING:
    # records_page imports this module: its filter type is named in annotations only.
    from app.records_page import RecordsFilter

Translate = Callable[[str], str]  # text -> translated text
# QCoreApplication.translate's shape: helpers spell the context out for pyside6-lupdate
ContextTranslate = Callable[[str, str], str]

# Asia/Shanghai as a fixed offset: China has kept UTC+8 without daylight saving since
# 1991, and a fixed offset needs no tz database (Windows ships none).
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

ID_COLUMN = ATTACHMENT2_COLUMNS.index("证件号码")
COURSE_COLUMN = ATTACHMENT2_COLUMNS.index("课程名称")
TIME_COLUMN = ATTACHMENT2_COLUMNS.index("学习时间记录")

# Simplified Chinese fonts on Linux, Windows and macOS, after the system's Latin font.
# Latin text must not come first from Noto Sans CJK: Qt's PDF then maps some of its digit
# glyphs to wrong characters (copying "440" gives control codes). Without an SC font
# named, the fallback may pick a Japanese face.
CJK_FONTS = ["Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "SimSun"]
DOCUMENT_POINT_SIZE = 9
PDF_RESOLUTION = 300
# QTextDocument.print_ adds 2 cm margins of its own around an unpaginated document (and
# puts page numbers in them), so the page layout keeps only a small printer margin.
PAGE_MARGINS_MM = 5.0

DEMO_SHADE = "#fff3cd"


def document_tr(text: str) -> str:
    """The Qt translation of the document's strings (context "RecordDocument")."""
    return QCoreApplication.translate("RecordDocument", text)


def _qt_translate(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


# -- dates and filters ------------------------------------------------------------------


def shanghai_midnight_ms(day: date) -> int:
    """The first millisecond of `day` in Asia/Shanghai, as a Unix time in ms."""
    return int(datetime(day.year, day.month, day.day, tzinfo=SHANGHAI).timestamp()) * 1000


def shanghai_day(ms: int) -> date:
    return datetime.fromtimestamp(ms // 1000, UTC).astimezone(SHANGHAI).date()


def shanghai_today(now_ms: int) -> date:
    return shanghai_day(now_ms)


# -- the server's answers, made safe to show --------------------------------------------


def shown_id_number(text: str) -> str:
    """The number as it may be shown. Masking is idempotent (a masked number comes back
    unchanged), so it is always applied: a number the server failed to mask, or masked
    only in part, is masked here."""
    return mask_id_number(text)


def attachment2_records(answer: StudyRecords | None) -> list[RecordRow]:
    """The records of GET /api/v1/me/records with their 9 values in the notice's order
    (reordered by name if the server ever sends another order), the ID number masked,
    sorted by the start of their study time."""
    if answer is None:
        return []
    names = list(answer.columns or ATTACHMENT2_COLUMNS)
    positions = [names.index(name) if name in names else None for name in ATTACHMENT2_COLUMNS]
    rows = []
    for record in answer.records:
        values = record.columns
        ordered = [values[i] if i is not None and i < len(values) else "" for i in positions]
        ordered[ID_COLUMN] = shown_id_number(ordered[ID_COLUMN]) if ordered[ID_COLUMN] else ""
        rows.append(record.model_copy(update={"columns": ordered}))
    # "2023-10-30, 15:20:36 至 ..." sorts as text in time order; the sort is stable.
    return sorted(rows, key=lambda r: r.columns[TIME_COLUMN][:20])


def course_names(
    progress: Iterable[CourseProgress], records: Iterable[RecordRow] = ()
) -> dict[str, str]:
    """Course id to name: the course list first, then names seen in records (a delisted
    course is no longer in the list but still in the learner's records)."""
    names = {c.id: c.name or c.id for c in progress}
    for record in records:
        if record.course_id and record.course_id not in names:
            names[record.course_id] = record.columns[COURSE_COLUMN]
    return names


def narrowed_to_course(
    tests: Iterable[CourseTestAttempt],
    progress: Iterable[CourseProgress],
    filters: RecordsFilter,
) -> tuple[list[CourseTestAttempt], list[CourseProgress]]:
    """Test results and course progress of the filter's course only, if it names one
    (the dates do not apply: progress is a running total, not a period's)."""
    course_id = filters.course_id
    tests, progress = list(tests), list(progress)
    if not course_id:
        return tests, progress
    return (
        [t for t in tests if t.course_id == course_id],
        [c for c in progress if c.id == course_id],
    )


# -- totals, tests and progress as rows of text -------------------------------------------


@dataclass(frozen=True)
class RecordTotals:
    sessions: int  # distinct study sessions
    records: int  # one per session and course
    effective_ms: int
    pending_ms: int

    @property
    def effective_minutes(self) -> str:
        # Summed in ms, then rounded down once: the total never exceeds credited time.
        return minutes_text(self.effective_ms)

    @property
    def pending_minutes(self) -> str:
        return minutes_text(self.pending_ms)


def record_totals(records: Sequence[RecordRow]) -> RecordTotals:
    return RecordTotals(
        sessions=len({r.study_session_id for r in records}),
        records=len(records),
        effective_ms=sum(max(0, r.effective_ms) for r in records),
        pending_ms=sum(max(0, r.pending_ms) for r in records),
    )


def totals_lines(totals: RecordTotals, translate: ContextTranslate = _qt_translate) -> list[str]:
    lines = [
        translate("RecordDocument", "Study sessions: %1").replace("%1", str(totals.sessions)),
        translate("RecordDocument", "Records: %1").replace("%1", str(totals.records)),
        translate("RecordDocument", "Effective study time: %1 min").replace(
            "%1", totals.effective_minutes
        ),
    ]
    if totals.pending_ms:
        lines.append(
            translate("RecordDocument", "Pending study time: %1 min").replace(
                "%1", totals.pending_minutes
            )
        )
    return lines


def pending_note(translate: ContextTranslate = _qt_translate) -> str:
    return translate(
        "RecordDocument",
        "Pending time is credited as effective study time once the course test is passed.",
    )


def column_glosses(translate: ContextTranslate = _qt_translate) -> list[str]:
    """An explanation of each Attachment 2 column for readers of another language."""
    return [
        translate("RecordDocument", "Name"),
        translate("RecordDocument", "Document type"),
        translate("RecordDocument", "Document number"),
        translate("RecordDocument", "Login account"),
        translate("RecordDocument", "Course name"),
        translate("RecordDocument", "Course duration (min)"),
        translate("RecordDocument", "Study time record"),
        translate("RecordDocument", "Effective study time (min)"),
        translate("RecordDocument", "IP address"),
    ]


def result_headers(translate: ContextTranslate = _qt_translate) -> list[str]:
    return [
        translate("RecordDocument", "Course"),
        translate("RecordDocument", "Score"),
        translate("RecordDocument", "Result"),
        translate("RecordDocument", "Time"),
    ]


def result_rows(
    tests: Iterable[CourseTestAttempt],
    names: Mapping[str, str],
    translate: ContextTranslate = _qt_translate,
) -> list[list[str]]:
    rows = []
    for test in sorted(tests, key=lambda t: t.at_ms):
        rows.append(
            [
                names.get(test.course_id, test.course_id),
                str(test.score),
                translate("RecordDocument", "Passed")
                if test.passed
                else translate("RecordDocument", "Not passed"),
                record_time(test.at_ms),
            ]
        )
    return rows


def progress_headers(translate: ContextTranslate = _qt_translate) -> list[str]:
    return [
        translate("RecordDocument", "Course"),
        translate("RecordDocument", "Course duration (min)"),
        translate("RecordDocument", "Studied (min)"),
        translate("RecordDocument", "Progress"),
        translate("RecordDocument", "Course test"),
    ]


def progress_rows(
    progress: Iterable[CourseProgress],
    translate: ContextTranslate = _qt_translate,
) -> list[list[str]]:
    rows = []
    for course in progress:
        duration = max(0, course.duration_ms)
        studied = max(0, course.studied_ms)
        percent = min(100, studied * 100 // duration) if duration else 0
        rows.append(
            [
                course.name or course.id,
                minutes_text(duration),
                minutes_text(studied),
                f"{percent}%",
                translate("RecordDocument", "Passed")
                if course.test_passed
                else translate("RecordDocument", "Not passed yet"),
            ]
        )
    return rows


def filter_lines(
    filters: RecordsFilter,
    names: Mapping[str, str],
    translate: ContextTranslate = _qt_translate,
) -> tuple[str, str]:
    """The period and the course the record was selected by, as the reader sees them."""
    from_ms, to_ms = filters.from_ms, filters.to_ms
    first = shanghai_day(from_ms).isoformat() if from_ms is not None else None
    # to_ms is exclusive (the next midnight): the last day shown is the one before it.
    last = shanghai_day(to_ms - 1).isoformat() if to_ms is not None else None
    if first and last:
        period = translate("RecordDocument", "%1 to %2").replace("%1", first).replace("%2", last)
    elif first:
        period = translate("RecordDocument", "From %1").replace("%1", first)
    elif last:
        period = translate("RecordDocument", "Until %1").replace("%1", last)
    else:
        period = translate("RecordDocument", "All dates")
    course_id = filters.course_id
    course = (
        names.get(course_id, course_id) if course_id else translate("RecordDocument", "All courses")
    )
    return period, course


# -- the document ---------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _block(opening: str, text: str) -> str:
    """`text` escaped inside an element: `opening` is its start tag, written here."""
    tag = opening[1:].split(maxsplit=1)[0].rstrip(">")
    return f"{opening}{_e(text)}</{tag}>"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], empty: str) -> str:
    if not rows:
        return f"<p><i>{_e(empty)}</i></p>"
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{_e(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f'<table {_TABLE_ATTRS}><thead><tr bgcolor="#eeeeee">{head}</tr></thead>{body}</table>'


_TABLE_ATTRS = (
    'border="1" cellspacing="0" cellpadding="3" width="100%" '
    'style="border-collapse: collapse; border-color: #555555"'
)


def _attachment2_table(
    records: Sequence[RecordRow], gloss_columns: bool, translate: ContextTranslate
) -> str:
    if not records:
        empty = translate("RecordDocument", "No study records for the selected dates and course.")
        return f"<p><i>{_e(empty)}</i></p>"
    head = "".join(f"<th>{_e(name)}</th>" for name in ATTACHMENT2_COLUMNS)
    header_rows = f'<tr bgcolor="#eeeeee">{head}</tr>'
    if gloss_columns:
        glosses = column_glosses(translate)
        cells = "".join(f'<td align="center"><small>{_e(g)}</small></td>' for g in glosses)
        header_rows += f'<tr bgcolor="#eeeeee">{cells}</tr>'
    body = []
    for record in records:
        shade = f' bgcolor="{DEMO_SHADE}"' if record.demo else ""
        values = list(record.columns)
        values[ID_COLUMN] = shown_id_number(values[ID_COLUMN]) if values[ID_COLUMN] else ""
        cells = "".join(f"<td{shade}>{_e(value)}</td>" for value in values)
        body.append(f"<tr>{cells}</tr>")
    return f"<table {_TABLE_ATTRS}><thead>{header_rows}</thead>{''.join(body)}</table>"


def _details_table(pairs: Sequence[tuple[str, str]]) -> str:
    """Two label-value pairs a row; a last pair alone spans the row."""
    cells = []
    for index in range(0, len(pairs), 2):
        row = pairs[index : index + 2]
        span = ' colspan="3"' if len(row) == 1 else ""
        cells.append(
            "<tr>"
            + "".join(
                f'<td width="14%" bgcolor="#eeeeee"><b>{_e(label)}</b></td>'
                f"<td{span}>{_e(value)}</td>"
                for label, value in row
            )
            + "</tr>"
        )
    return f"<table {_TABLE_ATTRS}>{''.join(cells)}</table>"


def record_html(
    profile: Profile | None,
    records: Sequence[RecordRow],
    tests: Iterable[CourseTestAttempt],
    progress: Iterable[CourseProgress],
    filters: RecordsFilter,
    printed_at_ms: int,
    tr: Translate = document_tr,
    *,
    gloss_columns: bool = False,
) -> str:
    """The study record as HTML for QTextDocument.

    `records` are those of `attachment2_records` (9 values each, ID number masked);
    `filters` is the query they were fetched with; `profile` None leaves its details
    blank (no learner's data is shown).
    Tests and course progress are narrowed to the filter's course, if it has one.
    `gloss_columns` adds a row explaining the Chinese column names (for English)."""

    def translate(_context: str, text: str) -> str:
        # The context is spelled out for pyside6-lupdate; `tr` already applies it.
        return tr(text)

    progress = list(progress)
    names = course_names(progress, records)
    tests, progress = narrowed_to_course(tests, progress, filters)
    period, course = filter_lines(filters, names, translate)
    details = [
        (translate("RecordDocument", "Name"), profile.name if profile else ""),
        (translate("RecordDocument", "Document type"), profile.id_type if profile else ""),
        (
            translate("RecordDocument", "Document number"),
            shown_id_number(profile.id_number_masked) if profile else "",
        ),
        (translate("RecordDocument", "Login account"), profile.login_name if profile else ""),
        (
            translate("RecordDocument", "Training institution"),
            profile.institution.name if profile else "",
        ),
    ]
    selection = "&nbsp;&nbsp;&nbsp;".join(
        f"<b>{_e(label)}</b> {_e(value)}"
        for label, value in (
            (translate("RecordDocument", "Period:"), period),
            (translate("RecordDocument", "Course:"), course),
        )
    )
    totals = record_totals(records)
    demo_line = (
        _block(
            '<p align="center" style="color: #b3261e; font-weight: bold">',
            translate(
                "RecordDocument",
                "DEMO: this record contains demo study sessions (shaded). "
                "They are not evidence of training.",
            ),
        )
        if any(r.demo for r in records)
        else ""
    )
    printed_at = translate("RecordDocument", "Printed at %1 (Beijing time)")
    parts = [
        "<html><head><meta charset='utf-8'></head><body>",
        demo_line,
        _block('<h2 align="center">', translate("RecordDocument", "Study record")),
        _block(
            '<p align="center">',
            translate("RecordDocument", "Format: notice 粤人社函〔2023〕339号, Attachment 2"),
        ),
        _details_table(details),
        _block("<h3>", translate("RecordDocument", "Study sessions")),
        f"<p>{selection}</p>",
        _attachment2_table(records, gloss_columns, translate),
        _block("<p>", translate("RecordDocument", "Durations in minutes; times are Beijing time.")),
        "<p><b>{}</b></p>".format(
            "&nbsp;&nbsp;&nbsp;".join(_e(t) for t in totals_lines(totals, translate))
        ),
        _block("<p>", pending_note(translate)) if totals.pending_ms else "",
        _block("<h3>", translate("RecordDocument", "Test results")),
        _table(
            result_headers(translate),
            result_rows(tests, names, translate),
            translate("RecordDocument", "No test results."),
        ),
        _block("<h3>", translate("RecordDocument", "Course progress")),
        _table(
            progress_headers(translate),
            progress_rows(progress, translate),
            translate("RecordDocument", "No courses."),
        ),
        _block("<p>", printed_at.replace("%1", record_time(printed_at_ms))),
        demo_line,
        "</body></html>",
    ]
    return "".join(parts)


# -- printing (thin: Qt lays out and paints the HTML) -----------------------------------


def record_page_layout() -> QPageLayout:
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Landscape,
        QMarginsF(PAGE_MARGINS_MM, PAGE_MARGINS_MM, PAGE_MARGINS_MM, PAGE_MARGINS_MM),
        QPageLayout.Unit.Millimeter,
    )


def _document(html_text: str) -> QTextDocument:
    document = QTextDocument()
    font = QFont()
    font.setFamilies([font.defaultFamily(), *CJK_FONTS])
    font.setPointSize(DOCUMENT_POINT_SIZE)
    document.setDefaultFont(font)
    document.setHtml(html_text)
    return document


def write_pdf(html_text: str, path: str | Path, title: str = "") -> None:
    """Write the record as an A4 landscape PDF at 300 dpi; OSError if it cannot be
    written (a missing folder, no permission, a full disk)."""
    target = Path(path)
    # Qt only warns on the console when it cannot open the file: open it here first so
    # the caller gets the operating system's reason as an exception.
    with target.open("wb"):
        pass
    writer = QPdfWriter(str(target))
    writer.setResolution(PDF_RESOLUTION)
    writer.setPageLayout(record_page_layout())
    writer.setTitle(title)
    writer.setCreator(QCoreApplication.applicationName() or "vocational-learning-client")
    _document(html_text).print_(writer)
    del writer  # the file is complete once the writer is gone
    if target.stat().st_size == 0:
        raise OSError(f"nothing was written to {target}")


def print_document(html_text: str, printer: QPrinter) -> None:
    """Print the record on `printer` as the user set it up (page size, orientation)."""
    _document(html_text).print_(printer)
