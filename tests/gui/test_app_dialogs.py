"""The course test and course rating dialogs, answered by clicking their real buttons on
the test display, in the default language (Simplified Chinese).

The course test is fed a paper as the server's own `server.test_rules` makes it, and
the answers it emits are sent as JSON, read back with the `CourseTestAnswers` body model
the server's route takes and graded by the server's `grade_paper`: the client and the
server agree on the format by construction.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from app.rating_dialog import MAX_COMMENT_CHARS, CourseRatingDialog
from app.test_dialog import CourseTestDialog
from qt_binding import (
    QCheckBox,
    QDialog,
    QLabel,
    QPoint,
    QRadioButton,
    QScrollArea,
    Qt,
)
from server.identity import validate_questions
from server.models import Course
from server.test_rules import PaperQuestion, draw_paper, grade_paper, shown_question
from wire.learner import CourseTestAnswers, CourseTestPaper, CourseTestResult
from wire.ratings import CourseRatingBody, MyScores, RatingSaved

pytestmark = pytest.mark.gui

REPO = Path(__file__).resolve().parents[2]
I18N = REPO / "resources" / "i18n"
DIALOG_SOURCES = ("app/test_dialog.py", "app/rating_dialog.py")
MINUTE_MS = 60_000

# Questions as an institution uploads them (with the right answers), in the shape the
# server validates (`server.identity.validate_questions`) and stores on the course.
STORED_QUESTIONS = [
    {"id": "q1", "kind": "single", "text": "1+1=?", "options": ["1", "2"], "answer": [1]},
    {
        "id": "q2",
        "kind": "multiple",
        "text": "高处作业时，哪些防护是必需的？",
        "options": ["安全帽", "安全带", "拖鞋", "防护栏"],
        "answer": [0, 1, 3],
    },
    {
        "id": "q3",
        "kind": "single",
        "text": "Fire & smoke: which extinguisher is for electrical fires?",
        "options": ["Water", "CO2 & dry powder"],
        "answer": [1],
    },
]


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, I18N / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def server_course(questions: list[dict], pass_mark: int = 60) -> Course:
    validate_questions(questions)
    return Course(
        id="crs_test",
        name="高处作业安全",
        duration_ms=45 * MINUTE_MS,
        teacher="李老师",
        requires_test=True,
        pass_mark=pass_mark,
        questions_json=json.dumps(questions),
        status="listed",
    )


def bank_order_paper(course: Course) -> list[PaperQuestion]:
    """One paper the server may draw: every question, options in the bank's order (so
    the tests can name the right options by their number)."""
    bank = json.loads(course.questions_json)
    return [PaperQuestion(q["id"], tuple(range(len(q["options"])))) for q in bank]


def server_test(course: Course, paper: list[PaperQuestion] | None = None) -> CourseTestPaper:
    """GET /api/v1/courses/{id}/test for `paper`, as the client reads the server's answer."""
    by_id = {q["id"]: q for q in json.loads(course.questions_json)}
    return CourseTestPaper.model_validate(
        {
            "course_id": course.id,
            "sitting_id": "sit-1",
            "expires_ms": 0,
            "pass_mark": course.pass_mark,
            "questions": [
                shown_question(by_id[q.id], q.order) for q in paper or bank_order_paper(course)
            ],
        }
    )


def graded(
    score: int, passed: bool, pass_mark: int, released_ms: int, next_attempt_ms: int | None = None
) -> CourseTestResult:
    """submit_test's answer."""
    return CourseTestResult(
        score=score,
        passed=passed,
        pass_mark=pass_mark,
        released_ms=released_ms,
        next_attempt_ms=next_attempt_ms,
    )


def grade(course: Course, body: CourseTestAnswers, paper: list[PaperQuestion] | None = None) -> int:
    """The server's grading of the dialog's body, sent as JSON and parsed by the body
    model (extra fields forbidden) the server's route takes."""
    answers = CourseTestAnswers.model_validate_json(body.model_dump_json()).answers
    bank = {q["id"]: q for q in json.loads(course.questions_json)}
    return grade_paper(bank, paper or bank_order_paper(course), answers)[0]


def many_questions(count: int) -> list[dict]:
    return [
        {
            "id": f"q{n}",
            "kind": "multiple" if n % 3 == 0 else "single",
            "text": f"第 {n} 题：安全生产知识（题干较长，用来检查长试卷能否滚动显示）",
            "options": ["甲", "乙", "丙"],
            "answer": [0],
        }
        for n in range(1, count + 1)
    ]


# -- the Chinese catalogue ------------------------------------------------------------


def _lupdate(ts: Path) -> None:
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    subprocess.run(
        [
            str(lupdate),
            "-silent",
            "-locations",
            "none",
            "-extensions",
            "py",
            *DIALOG_SOURCES,
            "-ts",
            str(ts),
        ],
        cwd=REPO,
        check=True,
        timeout=60,
    )


@pytest.fixture(scope="session")
def dialogs_chinese(default_language):
    """The dialogs as learners see them: the committed Chinese catalogue (the set-up
    compiles it; test_i18n.py fails when a string has no Chinese)."""
    return default_language


def test_dialog_catalogue_translates_exactly_the_dialogs_strings(tmp_path) -> None:
    ts = tmp_path / "fresh.ts"
    _lupdate(ts)
    sources = {m.findtext("source") for m in ET.parse(ts).iter("message")}
    assert sources == set(_load("zh_CN_strings_dialogs").ZH)


# -- helpers --------------------------------------------------------------------------


def shown(qtbot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def activated(qtbot, dialog: QDialog) -> QDialog:
    """Keyboard focus moves only inside the active window."""
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
    return dialog


def option(dialog: CourseTestDialog, question_id: str, index: int) -> QRadioButton | QCheckBox:
    found = dialog.findChild(QRadioButton, f"option:{question_id}:{index}") or dialog.findChild(
        QCheckBox, f"option:{question_id}:{index}"
    )
    assert found is not None, (question_id, index)
    return found


def click(qtbot, button) -> None:
    """Click the button's indicator, as a learner does (scrolled into view first)."""
    scroll = button.window().findChild(QScrollArea)
    if scroll is not None:
        scroll.ensureWidgetVisible(button)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))


def submit_and_catch(qtbot, dialog) -> object:
    with qtbot.waitSignal(dialog.submitted, timeout=2000) as blocker:
        qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def answer_all_right(qtbot, dialog: CourseTestDialog) -> None:
    click(qtbot, option(dialog, "q1", 1))
    for index in (3, 0, 1):  # in any order: emitted ascending
        click(qtbot, option(dialog, "q2", index))
    click(qtbot, option(dialog, "q3", 1))


# -- the course test ------------------------------------------------------------------


def test_clicked_answers_are_the_servers_body_and_grade_on_the_server(
    qtbot, dialogs_chinese
) -> None:
    course = server_course(STORED_QUESTIONS, pass_mark=60)
    dialog = shown(qtbot, CourseTestDialog(server_test(course)))
    assert not dialog.submit_button.isEnabled()
    assert isinstance(option(dialog, "q1", 0), QRadioButton)
    assert isinstance(option(dialog, "q2", 0), QCheckBox)

    click(qtbot, option(dialog, "q1", 1))
    click(qtbot, option(dialog, "q2", 3))
    assert not dialog.submit_button.isEnabled(), "q3 is still unanswered"
    for index in (0, 1):
        click(qtbot, option(dialog, "q2", index))
    click(qtbot, option(dialog, "q3", 1))
    assert dialog.submit_button.isEnabled()

    body = submit_and_catch(qtbot, dialog)
    assert body == CourseTestAnswers(
        sitting_id="sit-1", answers={"q1": [1], "q2": [0, 1, 3], "q3": [1]}
    )
    assert grade(course, body) == 100
    assert not dialog.submit_button.isEnabled(), "no second submission while waiting"
    assert not dialog.questions_widget.isEnabled()


def test_a_partly_wrong_attempt_grades_as_the_server_grades_it(qtbot, dialogs_chinese) -> None:
    course = server_course(STORED_QUESTIONS)
    dialog = shown(qtbot, CourseTestDialog(server_test(course)))
    click(qtbot, option(dialog, "q1", 0))  # wrong
    click(qtbot, option(dialog, "q2", 0))  # incomplete: a multiple choice needs all
    click(qtbot, option(dialog, "q3", 1))
    body = submit_and_catch(qtbot, dialog)
    assert body == CourseTestAnswers(sitting_id="sit-1", answers={"q1": [0], "q2": [0], "q3": [1]})
    assert grade(course, body) == 33


def test_single_choice_keeps_one_answer_and_multiple_choice_collects_several(
    qtbot, dialogs_chinese
) -> None:
    dialog = shown(qtbot, CourseTestDialog(server_test(server_course(STORED_QUESTIONS))))
    click(qtbot, option(dialog, "q1", 0))
    click(qtbot, option(dialog, "q1", 1))
    for index in (3, 2, 0):
        click(qtbot, option(dialog, "q2", index))
    click(qtbot, option(dialog, "q2", 2))  # unticked again
    assert dialog.answers() == {"q1": [1], "q2": [0, 3]}
    assert dialog.progress_label.text() == "已答 2 题，共 3 题"
    click(qtbot, option(dialog, "q2", 0))
    click(qtbot, option(dialog, "q2", 3))
    assert dialog.answers() == {"q1": [1]}
    assert not dialog.submit_button.isEnabled()


def test_the_dialog_is_chinese_by_default_and_shows_the_questions_as_sent(
    qtbot, dialogs_chinese
) -> None:
    dialog = shown(qtbot, CourseTestDialog(server_test(server_course(STORED_QUESTIONS, 80))))
    assert dialog.windowTitle() == "课程测试"
    assert dialog.pass_mark_label.text().startswith("及格分：80 分")
    assert dialog.submit_button.text() == "提交答卷"
    assert dialog.close_button.text() == "关闭"
    text = dialog.findChild(QLabel, "questionText:q2")
    assert text.text() == "2. 高处作业时，哪些防护是必需的？"
    assert option(dialog, "q2", 3).text() == "D. 防护栏"
    assert option(dialog, "q3", 1).text() == "B. CO2 && dry powder"  # shown as one "&"
    hints = [label.text() for label in dialog.questions_widget.findChildren(QLabel)]
    assert "单选题：请选择一个答案。" in hints and "多选题：请选择所有正确答案。" in hints


def test_a_passed_test_shows_the_score_and_the_released_study_time(qtbot, dialogs_chinese) -> None:
    dialog = shown(qtbot, CourseTestDialog(server_test(server_course(STORED_QUESTIONS))))
    answer_all_right(qtbot, dialog)
    submit_and_catch(qtbot, dialog)
    # submit_test's answer: score, passed, pass_mark, released_ms
    dialog.show_result(graded(100, True, 60, released_ms=2_712_000))
    assert dialog.result_panel.isVisible()
    assert dialog.verdict_label.text() == "恭喜，测试通过！"
    assert dialog.score_label.text() == "得分：100 分（及格分：60 分）"
    assert dialog.study_time_label.text() == "待计入的学时已计入：45 分钟"
    assert not dialog.submit_button.isVisible()
    assert not dialog.questions_widget.isEnabled(), "a graded attempt is not edited"
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted


@pytest.mark.parametrize(
    ("released_ms", "expected"),
    [(0, "没有等待本次测试通过后计入的学时。"), (30_000, "待计入的学时已计入：不足 1 分钟")],
)
def test_a_pass_that_released_no_or_little_time_says_so(
    qtbot, dialogs_chinese, released_ms, expected
) -> None:
    dialog = shown(qtbot, CourseTestDialog(server_test(server_course(STORED_QUESTIONS))))
    dialog.show_result(graded(66, True, 60, released_ms))
    assert dialog.study_time_label.text() == expected


def test_a_failed_test_says_when_a_new_paper_may_be_sat(qtbot, dialogs_chinese) -> None:
    from qt_binding import QDateTime

    course = server_course(STORED_QUESTIONS, pass_mark=100)
    dialog = shown(qtbot, CourseTestDialog(server_test(course)))
    click(qtbot, option(dialog, "q1", 0))
    click(qtbot, option(dialog, "q2", 0))
    click(qtbot, option(dialog, "q3", 1))
    submit_and_catch(qtbot, dialog)
    next_attempt = 1_796_000_000_000
    dialog.show_result(graded(33, False, 100, released_ms=0, next_attempt_ms=next_attempt))
    assert dialog.verdict_label.text() == "测试未通过。"
    assert dialog.score_label.text() == "得分：33 分（及格分：100 分）"
    moment = QDateTime.fromMSecsSinceEpoch(next_attempt).toString("HH:mm")
    assert dialog.study_time_label.text() == (
        f"待计入的学时将在测试通过后计入。 可于 {moment} 起重新参加测试（将抽取新的试卷）。"
    )
    # A paper is answered once: no retry of the same questions, only closing.
    assert not dialog.submit_button.isVisible() and not dialog.questions_widget.isEnabled()
    assert dialog.close_button.isVisible()


def test_a_shuffled_paper_is_answered_by_what_is_shown(qtbot, dialogs_chinese) -> None:
    import random

    course = server_course(STORED_QUESTIONS, pass_mark=100)
    paper = draw_paper(json.loads(course.questions_json), 0, random.Random(3))
    assert paper != bank_order_paper(course)  # this draw reorders
    dialog = shown(qtbot, CourseTestDialog(server_test(course, paper)))
    right = {"q1": {"2"}, "q2": {"安全帽", "安全带", "防护栏"}, "q3": {"CO2 & dry powder"}}
    for question in dialog.questions:
        for index, text in enumerate(question.options):
            if text in right[question.id]:
                click(qtbot, option(dialog, question.id, index))
    assert grade(course, submit_and_catch(qtbot, dialog), paper) == 100


def test_closing_a_failed_test_rejects(qtbot, dialogs_chinese) -> None:
    dialog = shown(qtbot, CourseTestDialog(server_test(server_course(STORED_QUESTIONS))))
    dialog.show_result(graded(0, False, 60, released_ms=0))
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_a_failed_submission_keeps_the_answers_for_another_try(qtbot, dialogs_chinese) -> None:
    dialog = shown(qtbot, CourseTestDialog(server_test(server_course(STORED_QUESTIONS))))
    answer_all_right(qtbot, dialog)
    first = submit_and_catch(qtbot, dialog)
    assert dialog.status_label.isVisible() and dialog.status_label.text() == "正在提交答卷……"
    dialog.show_error("网络连接中断")
    assert (
        dialog.status_label.text() == "答卷提交失败（网络连接中断）。您的答案已保留，可再次提交。"
    )
    assert dialog.questions_widget.isEnabled()
    assert dialog.submit_button.isEnabled()
    assert submit_and_catch(qtbot, dialog) == first


def test_a_long_test_scrolls_and_every_question_can_be_answered(qtbot, dialogs_chinese) -> None:
    questions = many_questions(30)
    course = server_course(questions)
    dialog = shown(qtbot, CourseTestDialog(server_test(course)))
    assert dialog.question_scroll.verticalScrollBar().maximum() > 0
    for question in questions:
        click(qtbot, option(dialog, question["id"], 0))
    assert dialog.question_scroll.verticalScrollBar().value() > 0, "scrolled down to the last one"
    assert dialog.progress_label.text() == "已答 30 题，共 30 题"
    body = submit_and_catch(qtbot, dialog)
    assert grade(course, body) == 100


def test_an_empty_test_cannot_be_submitted(qtbot, dialogs_chinese) -> None:
    paper = CourseTestPaper(
        course_id="c", sitting_id="sit-1", expires_ms=0, pass_mark=60, questions=[]
    )
    dialog = shown(qtbot, CourseTestDialog(paper))
    assert dialog.empty_label.isVisible() and dialog.empty_label.text() == "本课程没有测试题。"
    assert not dialog.submit_button.isEnabled()


def test_an_unknown_question_kind_is_refused() -> None:
    paper = CourseTestPaper.model_validate(
        {
            "course_id": "c",
            "sitting_id": "sit-1",
            "expires_ms": 0,
            "pass_mark": 60,
            "questions": [{"id": "q1", "kind": "essay", "text": "?", "options": []}],
        }
    )
    with pytest.raises(ValueError, match="essay"):
        CourseTestDialog(paper)


def test_the_test_dialog_follows_a_language_switch(qtbot, qapp, dialogs_chinese) -> None:
    from app.i18n import install_language

    dialog = shown(qtbot, CourseTestDialog(server_test(server_course(STORED_QUESTIONS))))
    dialog.show_result(graded(100, True, 60, released_ms=600_000))
    try:
        install_language(qapp, "en")
        dialog.retranslate()
        assert dialog.windowTitle() == "Course test"
        assert dialog.study_time_label.text() == "Pending study time released: 10 min"
    finally:
        install_language(qapp)
    dialog.retranslate()
    assert dialog.study_time_label.text() == "待计入的学时已计入：10 分钟"


# -- the course rating ----------------------------------------------------------------


def score_button(dialog: CourseRatingDialog, criterion: str, score: int) -> QRadioButton:
    button = dialog.findChild(QRadioButton, f"score:{criterion}:{score}")
    assert button is not None
    return button


def rating_saved(course_status: str) -> RatingSaved:
    """The rating answer, the course's status after it."""
    delisted = course_status == "delisted"
    return RatingSaved.model_validate(
        {
            "rating": {
                "course_id": "crs_test",
                "content": 1,
                "design": 1,
                "teacher": 1,
                "comment": "",
                "created_ms": 0,
                "updated_ms": 0,
            },
            "summary": {"count": 1, "content": 1.0, "design": 1.0, "teacher": 1.0, "overall": 1.0},
            "course_status": course_status,
            "delisted_by_ratings": delisted,
        }
    )


def test_rating_needs_all_three_scores_and_emits_the_rating(qtbot, dialogs_chinese) -> None:
    dialog = shown(qtbot, CourseRatingDialog("高处作业安全"))
    assert dialog.windowTitle() == "课程评价"
    labels = [
        dialog.findChild(QLabel, f"criterion:{c}").text() for c in ("content", "design", "teacher")
    ]
    assert labels == ["课程内容", "课程设计", "授课教师"]
    assert dialog.course_label.text() == "课程：高处作业安全"
    assert not dialog.submit_button.isEnabled()
    click(qtbot, score_button(dialog, "content", 5))
    click(qtbot, score_button(dialog, "design", 3))
    assert not dialog.submit_button.isEnabled()
    assert dialog.captions["design"].text() == "一般"
    click(qtbot, score_button(dialog, "teacher", 4))
    assert dialog.submit_button.isEnabled()
    dialog.comment_edit.setFocus()
    qtbot.keyClicks(dialog.comment_edit, "  ")
    dialog.comment_edit.insertPlainText("讲解清楚，例子实用")  # as an input method commits it
    qtbot.keyClicks(dialog.comment_edit, "  ")
    rating = submit_and_catch(qtbot, dialog)
    assert rating == CourseRatingBody(content=5, design=3, teacher=4, comment="讲解清楚，例子实用")
    assert [type(getattr(rating, k)) for k in ("content", "design", "teacher")] == [int] * 3
    assert not dialog.submit_button.isEnabled()


def test_scores_can_be_chosen_with_the_keyboard(qtbot, dialogs_chinese) -> None:
    dialog = activated(qtbot, shown(qtbot, CourseRatingDialog()))
    first = score_button(dialog, "content", 1)
    assert dialog.criterion_labels["content"].buddy() is first
    first.setFocus()
    qtbot.keyClick(first, Qt.Key.Key_Space)
    assert dialog.scores() == {"content": 1}
    for _ in range(3):
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Right)
    assert dialog.scores() == {"content": 4}
    assert score_button(dialog, "content", 4).accessibleName() == "课程内容：4 分（满分 5 分）"


def test_the_comment_is_limited_to_500_characters_with_a_counter(qtbot, dialogs_chinese) -> None:
    dialog = shown(qtbot, CourseRatingDialog())
    edit = dialog.comment_edit
    assert dialog.comment_counter.text() == "0 / 500 字"
    edit.setFocus()
    edit.insertPlainText("好" * 498)  # QTest types ASCII only: Chinese comes as committed text
    qtbot.keyClicks(edit, "abcd")
    assert edit.toPlainText() == "好" * 498 + "ab"
    assert dialog.comment_counter.text() == "500 / 500 字"

    # A paste in the middle keeps what fits of it and everything already written.
    edit.setPlainText("a" * 490 + "z" * 5)
    cursor = edit.textCursor()
    cursor.setPosition(490)
    edit.setTextCursor(cursor)
    edit.insertPlainText("0123456789")
    assert edit.toPlainText() == "a" * 490 + "01234" + "z" * 5
    assert edit.textCursor().position() == 495

    # Characters outside the BMP count once, as the server counts them.
    edit.setPlainText("")
    qtbot.keyClicks(edit, "x" * 498)
    edit.insertPlainText("👍👍👍")
    assert edit.toPlainText() == "x" * 498 + "👍👍"
    assert len(edit.toPlainText()) == MAX_COMMENT_CHARS


def test_a_previous_rating_prefills_the_form(qtbot, dialogs_chinese) -> None:
    dialog = shown(qtbot, CourseRatingDialog())
    assert not dialog.previous_note.isVisible()
    dialog.set_previous(MyScores(content=4, design=2, teacher=5, comment="内容偏难"))
    assert dialog.previous_note.isVisible()
    assert dialog.previous_note.text() == "您已评价过本课程，可修改后重新提交。"
    assert score_button(dialog, "design", 2).isChecked()
    assert dialog.submit_button.isEnabled()
    click(qtbot, score_button(dialog, "design", 3))
    assert submit_and_catch(qtbot, dialog) == CourseRatingBody(
        content=4, design=3, teacher=5, comment="内容偏难"
    )


def test_a_prefill_is_checked_and_can_be_cleared(qtbot, dialogs_chinese) -> None:
    dialog = shown(qtbot, CourseRatingDialog())
    # An answer's model does not bound the scores: the dialog keeps only those of 1-5.
    dialog.set_previous(MyScores(content=9, design=0, teacher=-1, comment="x" * 600))
    assert dialog.scores() == {}
    dialog.set_previous(MyScores(content=9, design=6, teacher=1, comment="x" * 600))
    assert dialog.scores() == {"teacher": 1}
    assert len(dialog.comment_edit.toPlainText()) == MAX_COMMENT_CHARS
    assert not dialog.submit_button.isEnabled()
    dialog.set_previous(None)
    assert dialog.scores() == {} and dialog.comment_edit.toPlainText() == ""
    assert not dialog.previous_note.isVisible()


@pytest.mark.parametrize("status", ["listed", "delisted"])
def test_rating_result_thanks_and_tells_of_a_delisting(qtbot, dialogs_chinese, status) -> None:
    dialog = shown(qtbot, CourseRatingDialog())
    for criterion in ("content", "design", "teacher"):
        click(qtbot, score_button(dialog, criterion, 1))
    submit_and_catch(qtbot, dialog)
    dialog.show_result(rating_saved(status))
    assert dialog.result_label.isVisible()
    assert dialog.result_label.text() == "感谢您对本课程的评价！"
    assert dialog.delisted_label.isVisible() == (status == "delisted")
    assert dialog.delisted_label.text() == "本课程现已下架，不能再学习。"
    assert not dialog.submit_button.isVisible()
    assert not dialog.form.isEnabled()
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_a_failed_rating_submission_keeps_the_choices(qtbot, dialogs_chinese) -> None:
    dialog = shown(qtbot, CourseRatingDialog())
    dialog.set_previous(MyScores(content=2, design=2, teacher=2, comment="一般"))
    first = submit_and_catch(qtbot, dialog)
    assert not dialog.form.isEnabled()
    dialog.show_error("服务器无响应")
    assert dialog.status_label.isVisible()
    assert (
        dialog.status_label.text() == "评价提交失败（服务器无响应）。您的选择已保留，可再次提交。"
    )
    assert dialog.form.isEnabled() and dialog.submit_button.isEnabled()
    assert submit_and_catch(qtbot, dialog) == first


def test_the_emitted_rating_is_what_the_servers_rating_body_accepts(qtbot, dialogs_chinese) -> None:
    from server.rating_rules import RatingPolicy, validate_rating

    dialog = shown(qtbot, CourseRatingDialog())
    for criterion, score in (("content", 1), ("design", 5), ("teacher", 3)):
        click(qtbot, score_button(dialog, criterion, score))
    dialog.comment_edit.setFocus()
    dialog.comment_edit.insertPlainText("👍" * 600)  # cut to the limit the server applies
    rating = submit_and_catch(qtbot, dialog)
    # As sent: JSON read back by the body model the server's route takes (strict ints,
    # no extra fields).
    body = CourseRatingBody.model_validate_json(rating.model_dump_json())
    assert (body.content, body.design, body.teacher) == (1, 5, 3)
    assert len(body.comment) == MAX_COMMENT_CHARS
    scores = (body.content, body.design, body.teacher)
    assert validate_rating(scores, body.comment, RatingPolicy()) == (1, 5, 3)
