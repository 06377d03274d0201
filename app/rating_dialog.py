"""The course rating dialog: after studying, the learner rates the course content, its
design and its teacher from 1 to 5 and may add a comment (Notice 339: learners evaluate
the courses they studied; poorly rated courses can be withdrawn).

The dialog never calls HTTP: a controller sends what `submitted` carries and hands back
the server's answer (`show_result`) or a failure (`show_error`).
"""

from __future__ import annotations

from collections.abc import Callable

from qt_binding import (
    QButtonGroup,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
    Slot,
)
from wire.ratings import (
    COMMENT_MAX_CHARS,
    MAX_SCORE,
    MIN_SCORE,
    CourseRatingBody,
    MyScores,
    RatingSaved,
)

CRITERIA = ("content", "design", "teacher")
# As the rating body checks them.
SCORES = tuple(range(MIN_SCORE, MAX_SCORE + 1))
MAX_COMMENT_CHARS = COMMENT_MAX_CHARS
DELISTED = "delisted"

ERROR_STYLE = "color: #b3261e;"


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


def _qt_position(text: str, index: int) -> int:
    """Qt counts text positions in UTF-16 units; Python counts code points."""
    return len(text[:index].encode("utf-16-le")) // 2


def _python_index(text: str, position: int) -> int:
    units = 0
    for index, char in enumerate(text):
        if units >= position:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(text)


class CourseRatingDialog(QDialog):
    """`submitted` carries a `CourseRatingBody`: scores 1-5 and the comment (at most 500
    characters, outer spaces removed)."""

    submitted = Signal(object)  # CourseRatingBody

    def __init__(self, course_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("courseRatingDialog")
        self.setModal(True)
        self.course_name = course_name
        self._busy = False
        self._error: str | None = None
        self._saved: RatingSaved | None = None

        self.course_label = _label(self, "courseLabel")
        self.course_label.setTextFormat(Qt.TextFormat.PlainText)  # a title is data
        self.course_label.setVisible(bool(course_name))
        self.intro_label = _label(self, "introLabel", wrap=True)
        self.previous_note = _label(self, "previousNote", wrap=True)
        self.previous_note.setVisible(False)
        self.form = self._build_form()
        self.status_label = _label(self, "statusLabel", wrap=True)
        self.result_label = _label(self, "resultLabel", wrap=True)
        self.delisted_label = _label(self, "delistedLabel", wrap=True)
        self.submit_button = _button(self, "submitButton", self._submit)
        self.submit_button.setDefault(True)
        self.close_button = _button(self, "closeButton", self._close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.submit_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.course_label)
        layout.addWidget(self.intro_label)
        layout.addWidget(self.previous_note)
        layout.addWidget(self.form, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(self.result_label)
        layout.addWidget(self.delisted_label)
        layout.addLayout(buttons)
        self.resize(560, 420)
        self.retranslate()
        self._update_state()

    def _build_form(self) -> QWidget:
        """One row of 1-5 radio buttons per criterion (arrow keys move within a row, Tab
        between rows), then the comment box and its counter."""
        form = QWidget(self)
        form.setObjectName("ratingForm")
        grid = QGridLayout(form)
        grid.setContentsMargins(0, 0, 0, 0)
        self.criterion_labels: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        self.groups: dict[str, QButtonGroup] = {}
        for row, criterion in enumerate(CRITERIA):
            label = _label(form, f"criterion:{criterion}")
            grid.addWidget(label, row, 0)
            group = QButtonGroup(form)
            group.setObjectName(f"{criterion}Scores")
            group.setExclusive(True)
            for score in SCORES:
                button = QRadioButton(str(score), form)
                button.setObjectName(f"score:{criterion}:{score}")
                group.addButton(button, score)
                grid.addWidget(button, row, score)
            label.setBuddy(group.button(SCORES[0]))
            group.idToggled.connect(self._on_score_toggled)
            caption = _label(form, f"caption:{criterion}")
            caption.setMinimumWidth(120)
            grid.addWidget(caption, row, len(SCORES) + 1)
            self.criterion_labels[criterion] = label
            self.groups[criterion] = group
            self.captions[criterion] = caption
        self.comment_label = _label(form, "commentLabel")
        self.comment_edit = QPlainTextEdit(form)
        self.comment_edit.setObjectName("commentEdit")
        self.comment_edit.setTabChangesFocus(True)  # Tab leaves the box, as in a form
        self.comment_edit.textChanged.connect(self._on_comment_changed)
        self.comment_label.setBuddy(self.comment_edit)
        self.comment_counter = _label(form, "commentCounter")
        self.comment_counter.setAlignment(Qt.AlignmentFlag.AlignRight)
        width = len(SCORES) + 2
        grid.addWidget(self.comment_label, len(CRITERIA), 0, 1, width)
        grid.addWidget(self.comment_edit, len(CRITERIA) + 1, 0, 1, width)
        grid.addWidget(self.comment_counter, len(CRITERIA) + 2, 0, 1, width)
        return form

    # -- reading the form -------------------------------------------------------------

    def scores(self) -> dict[str, int]:
        """The chosen scores, by criterion (a criterion not yet rated is missing)."""
        return {
            criterion: group.checkedId()
            for criterion, group in self.groups.items()
            if group.checkedId() in SCORES
        }

    def comment(self) -> str:
        return self.comment_edit.toPlainText().strip()

    def rating(self) -> CourseRatingBody | None:
        """What `submitted` carries, or None while a score is missing."""
        scores = self.scores()
        if len(scores) != len(CRITERIA):
            return None
        return CourseRatingBody(
            content=scores["content"],
            design=scores["design"],
            teacher=scores["teacher"],
            comment=self.comment(),
        )

    # -- what the controller calls ----------------------------------------------------

    def set_previous(self, previous: MyScores | None) -> None:
        """Fill the form from the learner's earlier rating of this course (None: empty).
        An answer's scores are not bounded by its model: one outside 1-5 leaves its row
        empty."""
        for criterion, group in self.groups.items():
            value = getattr(previous, criterion) if previous is not None else None
            if value in SCORES:
                group.button(value).setChecked(True)
            else:
                group.setExclusive(False)  # an exclusive group keeps one button checked
                for button in group.buttons():
                    button.setChecked(False)
                group.setExclusive(True)
        self.comment_edit.setPlainText(previous.comment if previous is not None else "")
        self.previous_note.setVisible(previous is not None)
        self._update_state()

    def show_result(self, saved: RatingSaved) -> None:
        """Thank the learner; say so if the course was withdrawn after this rating."""
        self._busy = False
        self._error = None
        self._saved = saved
        self._update_state()
        self.retranslate()
        self.close_button.setFocus()

    def show_error(self, text: str) -> None:
        """The submission failed; the scores and comment stay for another try."""
        self._busy = False
        self._error = text
        self._update_state()
        self.retranslate()

    # -- translation ------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Rate the course"))
        self.course_label.setText(self.tr("Course: %1").replace("%1", self.course_name))
        self.intro_label.setText(
            self.tr(
                "Rate each item from 1 (very dissatisfied) to 5 (very satisfied). "
                "The comment is optional."
            )
        )
        self.previous_note.setText(
            self.tr("You rated this course before. Change your rating and submit it again.")
        )
        names = self._criterion_names()
        for criterion, label in self.criterion_labels.items():
            label.setText(names[criterion])
            for score in SCORES:
                button = self.groups[criterion].button(score)
                button.setAccessibleName(
                    self.tr("%1: %2 out of 5")
                    .replace("%1", names[criterion])
                    .replace("%2", str(score))
                )
                button.setToolTip(self._meaning(score))
            self.captions[criterion].setText(self._meaning(self.groups[criterion].checkedId()))
        self.comment_label.setText(self.tr("Comment (optional)"))
        self.comment_edit.setPlaceholderText(
            self.tr("Tell us what was good and what should be improved.")
        )
        self._retranslate_counter()
        self.submit_button.setText(self.tr("Submit rating"))
        self.close_button.setText(self.tr("Close"))
        if self._busy:
            self.status_label.setStyleSheet("")
            self.status_label.setText(self.tr("Submitting your rating…"))
        elif self._error is not None:
            self.status_label.setStyleSheet(ERROR_STYLE)
            self.status_label.setText(
                self.tr(
                    "Your rating could not be submitted (%1). Your choices are kept: submit "
                    "again when ready."
                ).replace("%1", self._error)
            )
        else:
            self.status_label.setText("")
        self.result_label.setText(self.tr("Thank you for rating this course."))
        self.delisted_label.setText(
            self.tr("This course has now been withdrawn and can no longer be studied.")
        )

    def _criterion_names(self) -> dict[str, str]:
        return {
            "content": self.tr("Course content"),
            "design": self.tr("Course design"),
            "teacher": self.tr("Teacher"),
        }

    def _meaning(self, score: int) -> str:
        return {
            1: self.tr("Very dissatisfied"),
            2: self.tr("Dissatisfied"),
            3: self.tr("Neutral"),
            4: self.tr("Satisfied"),
            5: self.tr("Very satisfied"),
        }.get(score, "")

    def _retranslate_counter(self) -> None:
        self.comment_counter.setText(
            self.tr("%1 / %2 characters")
            .replace("%1", str(len(self.comment_edit.toPlainText())))
            .replace("%2", str(MAX_COMMENT_CHARS))
        )

    # -- state ------------------------------------------------------------------------

    def _update_state(self) -> None:
        rated = self._saved is not None
        self.form.setEnabled(not self._busy and not rated)
        self.submit_button.setVisible(not rated)
        self.submit_button.setEnabled(not self._busy and self.rating() is not None)
        self.status_label.setVisible(self._busy or self._error is not None)
        self.result_label.setVisible(rated)
        self.delisted_label.setVisible(
            self._saved is not None and self._saved.course_status == DELISTED
        )

    @Slot(int, bool)
    def _on_score_toggled(self, _score: int, _checked: bool) -> None:
        for criterion, group in self.groups.items():
            self.captions[criterion].setText(self._meaning(group.checkedId()))
        self._update_state()

    @Slot()
    def _on_comment_changed(self) -> None:
        text = self.comment_edit.toPlainText()
        excess = len(text) - MAX_COMMENT_CHARS
        if excess > 0:
            # Drop what was just typed or pasted past the limit (it ends at the cursor),
            # keeping the rest and the undo history; otherwise cut the end.
            cursor = self.comment_edit.textCursor()
            end = _python_index(text, cursor.position())
            start = end - excess
            if start < 0:
                start, end = MAX_COMMENT_CHARS, len(text)
            cursor.setPosition(_qt_position(text, start))
            cursor.setPosition(_qt_position(text, end), cursor.MoveMode.KeepAnchor)
            cursor.removeSelectedText()  # changes the text again: this slot runs anew
            self.comment_edit.setTextCursor(cursor)
            return
        self._retranslate_counter()
        self._update_state()

    @Slot()
    def _submit(self) -> None:
        rating = self.rating()
        if self._busy or self._saved is not None or rating is None:
            return
        self._busy = True
        self._error = None
        self._update_state()
        self.retranslate()
        self.submitted.emit(rating)

    @Slot()
    def _close(self) -> None:
        if self._saved is not None:
            self.accept()
        else:
            self.reject()
