"""The course test dialog: the paper of GET /api/v1/courses/{id}/test, the learner's
answers as the `CourseTestAnswers` body, then the grading answer of `submit_test`.

The dialog never calls HTTP: a controller builds it from the server's paper, sends what
`submitted` carries and hands back the answer (`show_result`) or a failure
(`show_error`). Submit stays disabled until every question has an answer, so an
unanswered question can never be sent by mistake.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from qt_binding import (
    QButtonGroup,
    QCheckBox,
    QDateTime,
    QDialog,
    QFont,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
    Slot,
)
from wire.learner import CourseTestAnswers, CourseTestPaper, CourseTestResult, ShownQuestion

SINGLE = "single"
MULTIPLE = "multiple"
KINDS = (SINGLE, MULTIPLE)
MINUTE_MS = 60_000

ERROR_STYLE = "color: #b3261e;"
PASSED_STYLE = "color: #1b7f3b;"


def _known_kinds(questions: list[ShownQuestion]) -> list[ShownQuestion]:
    for question in questions:
        if question.kind not in KINDS:
            # The server validates kinds on course creation: another kind means a client
            # older than the server, a bug to report rather than a test to guess at.
            raise ValueError(f"unknown question kind {question.kind!r}")
    return questions


@dataclass
class _QuestionWidgets:
    question: ShownQuestion
    frame: QFrame
    hint: QLabel
    group: QButtonGroup


def released_minutes(released_ms: int) -> int:
    """Whole minutes of study time a pass released (the server counts milliseconds)."""
    return max(0, released_ms) // MINUTE_MS


def _label(parent: QWidget, name: str, wrap: bool = False) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(wrap)
    return label


def _button(parent: QWidget, name: str, slot: Callable[[], None]) -> QPushButton:
    button = QPushButton(parent)
    button.setObjectName(name)
    button.clicked.connect(slot)
    return button


def _button_text(text: str) -> str:
    return text.replace("&", "&&")  # a literal ampersand, not a keyboard mnemonic


class CourseTestDialog(QDialog):
    """One paper of a course test, as the server drew it. `submitted` carries a
    `CourseTestAnswers` (question id: option indexes as shown, ascending), the body of
    POST /api/v1/courses/{id}/test. A paper is answered once: after a failure the
    learner takes a new paper when the server allows it."""

    submitted = Signal(object)  # CourseTestAnswers

    def __init__(self, paper: CourseTestPaper, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("courseTestDialog")
        self.setModal(True)
        self.course_id = paper.course_id
        self.sitting_id = paper.sitting_id
        self.pass_mark = paper.pass_mark
        self.questions = _known_kinds(paper.questions)
        self._busy = False
        self._result: CourseTestResult | None = None
        self._error: str | None = None

        self.pass_mark_label = _label(self, "passMarkLabel", wrap=True)
        self.progress_label = _label(self, "progressLabel")
        scroll = self._build_questions()
        self.question_scroll = scroll
        self.status_label = _label(self, "statusLabel", wrap=True)
        self.result_panel = self._build_result_panel()
        self.submit_button = _button(self, "submitButton", self._submit)
        self.submit_button.setDefault(True)
        self.close_button = _button(self, "closeButton", self._close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.submit_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.pass_mark_label)
        layout.addWidget(self.progress_label)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(self.result_panel)
        layout.addLayout(buttons)
        self.resize(640, 560)
        self.retranslate()
        self._update_state()

    def _build_questions(self) -> QScrollArea:
        """Long tests scroll; Tab moves through the options and scrolls them into view."""
        self.questions_widget = QWidget()
        self.questions_widget.setObjectName("questions")
        questions_layout = QVBoxLayout(self.questions_widget)
        self._widgets = [
            self._build_question(number, question, questions_layout)
            for number, question in enumerate(self.questions, start=1)
        ]
        self.empty_label = _label(self.questions_widget, "emptyLabel")
        self.empty_label.setVisible(not self.questions)
        questions_layout.addWidget(self.empty_label)
        questions_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setObjectName("questionScroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.questions_widget)
        return scroll

    def _build_result_panel(self) -> QWidget:
        panel = QWidget(self)
        panel.setObjectName("resultPanel")
        self.verdict_label = _label(panel, "verdictLabel")
        font = QFont(self.verdict_label.font())
        font.setPointSize(font.pointSize() + 3)
        font.setBold(True)
        self.verdict_label.setFont(font)
        self.score_label = _label(panel, "scoreLabel")
        self.study_time_label = _label(panel, "studyTimeLabel", wrap=True)
        result_layout = QVBoxLayout(panel)
        result_layout.setContentsMargins(0, 0, 0, 0)
        result_layout.addWidget(self.verdict_label)
        result_layout.addWidget(self.score_label)
        result_layout.addWidget(self.study_time_label)
        return panel

    def _build_question(
        self, number: int, question: ShownQuestion, layout: QVBoxLayout
    ) -> _QuestionWidgets:
        frame = QFrame(self.questions_widget)
        frame.setObjectName(f"question:{question.id}")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        box = QVBoxLayout(frame)
        text = QLabel(f"{number}. {question.text}", frame)
        text.setObjectName(f"questionText:{question.id}")
        text.setTextFormat(Qt.TextFormat.PlainText)  # question text is data, not markup
        text.setWordWrap(True)
        box.addWidget(text)
        hint = QLabel(frame)
        box.addWidget(hint)
        group = QButtonGroup(frame)
        group.setExclusive(question.kind == SINGLE)
        for index, option in enumerate(question.options):
            letter = chr(ord("A") + index) if index < 26 else str(index + 1)
            label = _button_text(f"{letter}. {option}")
            button = (QRadioButton if question.kind == SINGLE else QCheckBox)(label, frame)
            button.setObjectName(f"option:{question.id}:{index}")
            group.addButton(button, index)
            box.addWidget(button)
        group.idToggled.connect(self._on_answer_toggled)
        layout.addWidget(frame)
        return _QuestionWidgets(question, frame, hint, group)

    # -- reading the answers ----------------------------------------------------------

    def answers(self) -> dict[str, list[int]]:
        """The answered questions: id -> chosen option indexes, ascending."""
        chosen: dict[str, list[int]] = {}
        for widgets in self._widgets:
            picked = sorted(
                widgets.group.id(button) for button in widgets.group.buttons() if button.isChecked()
            )
            if picked:
                chosen[widgets.question.id] = picked
        return chosen

    def is_complete(self) -> bool:
        return bool(self.questions) and len(self.answers()) == len(self.questions)

    # -- what the controller calls ----------------------------------------------------

    def show_result(self, result: CourseTestResult) -> None:
        """Show the grading answer of `submit_test`: the score, the verdict and the
        study time the pass released (or when a new paper may be sat)."""
        self._busy = False
        self._error = None
        self._result = result
        self._update_state()
        self.retranslate()
        self.close_button.setFocus()

    def show_error(self, text: str) -> None:
        """The submission failed; the answers stay as they were so it can be sent again."""
        self._busy = False
        self._error = text
        self._update_state()
        self.retranslate()

    # -- translation ------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Course test"))
        self.pass_mark_label.setText(
            self.tr("Pass mark: %1 out of 100. Answer every question to submit.").replace(
                "%1", str(self.pass_mark)
            )
        )
        self.empty_label.setText(self.tr("This course has no test questions."))
        for widgets in self._widgets:
            if widgets.question.kind == SINGLE:
                widgets.hint.setText(self.tr("Single choice: choose one answer."))
            else:
                widgets.hint.setText(self.tr("Multiple choice: choose every correct answer."))
        self.submit_button.setText(self.tr("Submit answers"))
        self.close_button.setText(self.tr("Close"))
        self._retranslate_progress()
        self._retranslate_status()
        self._retranslate_result()

    def _retranslate_progress(self) -> None:
        self.progress_label.setText(
            self.tr("Answered %1 of %2")
            .replace("%1", str(len(self.answers())))
            .replace("%2", str(len(self.questions)))
        )

    def _retranslate_status(self) -> None:
        if self._busy:
            self.status_label.setStyleSheet("")
            self.status_label.setText(self.tr("Submitting your answers…"))
        elif self._error is not None:
            self.status_label.setStyleSheet(ERROR_STYLE)
            self.status_label.setText(
                self.tr(
                    "Your answers could not be submitted (%1). They are kept: submit again "
                    "when ready."
                ).replace("%1", self._error)
            )
        else:
            self.status_label.setText("")

    def _retranslate_result(self) -> None:
        result = self._result
        if result is None:
            return
        if result.passed:
            self.verdict_label.setText(self.tr("You passed the test."))
            self.verdict_label.setStyleSheet(PASSED_STYLE)
        else:
            self.verdict_label.setText(self.tr("You did not pass the test."))
            self.verdict_label.setStyleSheet(ERROR_STYLE)
        self.score_label.setText(
            self.tr("Score: %1 (pass mark: %2)")
            .replace("%1", str(result.score))
            .replace("%2", str(result.pass_mark))
        )
        released_ms = result.released_ms
        if not result.passed:
            time_text = self.tr("Pending study time will be released when you pass.")
            next_attempt_ms = result.next_attempt_ms
            if next_attempt_ms is not None and next_attempt_ms > 0:
                moment = QDateTime.fromMSecsSinceEpoch(next_attempt_ms).toString("HH:mm")
                time_text += " " + self.tr("You can sit the test again from %1.").replace(
                    "%1", moment
                )
        elif released_ms <= 0:
            time_text = self.tr("No pending study time was waiting for this test.")
        elif released_ms < MINUTE_MS:
            time_text = self.tr("Pending study time released: less than 1 min")
        else:
            time_text = self.tr("Pending study time released: %1 min").replace(
                "%1", str(released_minutes(released_ms))
            )
        self.study_time_label.setText(time_text)

    # -- state ------------------------------------------------------------------------

    def _passed(self) -> bool:
        return self._result is not None and self._result.passed

    def _update_state(self) -> None:
        graded = self._result is not None
        self.questions_widget.setEnabled(not self._busy and not graded)
        self.submit_button.setVisible(not graded)
        self.submit_button.setEnabled(not self._busy and self.is_complete())
        self.result_panel.setVisible(graded)
        self.status_label.setVisible(self._busy or self._error is not None)

    @Slot(int, bool)
    def _on_answer_toggled(self, _option: int, _checked: bool) -> None:
        self._update_state()
        self._retranslate_progress()

    @Slot()
    def _submit(self) -> None:
        if self._busy or self._result is not None or not self.is_complete():
            return
        body = CourseTestAnswers(sitting_id=self.sitting_id, answers=self.answers())
        self._busy = True
        self._error = None
        self._update_state()
        self._retranslate_status()
        self.submitted.emit(body)

    @Slot()
    def _close(self) -> None:
        if self._passed():
            self.accept()
        else:
            self.reject()
