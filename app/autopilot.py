"""A scripted learner for the demo tour and the end-to-end test: it types into the real
fields and clicks the real buttons of the running client, one step at a time, waiting
for what a learner would wait for, and logs each step (JSON log: "autopilot step").

It adds no path of its own through the client: everything it does goes through the same
widgets, signals and requests as a learner's clicks. Refused in a packaged build."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from app.prompt_rules import PromptState
from player.events import PauseReason
from qt_binding import QAbstractButton, QApplication, QMessageBox, QObject, QTimer, QWidget

if TYPE_CHECKING:
    from app.learner_app import LearnerApp
    from app.main_window import MainWindow

log = logging.getLogger("app.autopilot")

POLL_MS = 200


def demo_tour(login: str, password: str, shots: Path | None, quit_at_end: bool) -> list[dict]:
    """What `./dev.sh demo` shows: sign-in, the face check, a course playing (with an
    attendance prompt answered if one comes), then the learner's records."""
    steps: list[dict] = [
        {"do": "wait", "for": "ready", "timeout_s": 180},
        {"do": "screenshot", "name": "1-sign-in"},
        {"do": "sign_in", "account": login, "password": password},
        {"do": "wait", "for": "face_dialog", "timeout_s": 60},
        {"do": "pause", "seconds": 3},
        {"do": "screenshot", "name": "2-face-check"},
        {"do": "wait", "for": "signed_in", "timeout_s": 120},
        {"do": "screenshot", "name": "3-courses"},
        {"do": "open_course", "index": 0},
        {"do": "wait", "for": "playing", "timeout_s": 120},
        {"do": "study", "seconds": 12, "prompts": "answer"},
        {"do": "screenshot", "name": "4-studying"},
        {"do": "close_course"},
        {"do": "open_records"},
        {"do": "wait", "for": "records_loaded", "timeout_s": 60},
        {"do": "screenshot", "name": "5-records"},
    ]
    if shots is None:
        steps = [s for s in steps if s["do"] != "screenshot"]
    if quit_at_end:
        steps.append({"do": "quit"})
    return steps


class Autopilot(QObject):
    def __init__(
        self,
        window: MainWindow,
        steps: list[dict],
        shots_dir: Path | None,
        controller: Callable[[], LearnerApp | None],
        on_failure: Callable[[int], None],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.steps = list(steps)
        self.shots_dir = shots_dir
        self._controller = controller
        self._on_failure = on_failure
        self._index = -1
        self._deadline = 0.0
        self._study: dict | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._tick)

    @classmethod
    def from_file(cls, path: Path, **kwargs: object) -> Autopilot:
        return cls(steps=json.loads(path.read_text(encoding="utf-8")), **kwargs)  # type: ignore[arg-type]

    @property
    def app(self) -> LearnerApp | None:
        return self._controller()

    def start(self) -> None:
        self._next()
        self._timer.start()

    # -- the step machine --------------------------------------------------------------

    def _next(self) -> None:
        self._index += 1
        if self._index >= len(self.steps):
            self._timer.stop()
            log.info("autopilot done")
            return
        step = self.steps[self._index]
        self._deadline = time.monotonic() + float(step.get("timeout_s", 60))
        log.info("autopilot step", extra={"data": {"step": self._index, "do": step["do"]}})
        if step["do"] == "study":
            self._study = {"until": time.monotonic() + float(step.get("seconds", 0))}
        if step["do"] == "pause":
            self._deadline = time.monotonic() + float(step["seconds"])

    def _tick(self) -> None:
        if self._index >= len(self.steps):
            return
        step = self.steps[self._index]
        try:
            done = getattr(self, "_do_" + step["do"])(step)
        except Exception:
            log.exception("autopilot step crashed")
            self._fail(step, "crashed")
            return
        if done:
            self._next()
        elif time.monotonic() > self._deadline and step["do"] != "pause":
            self._fail(step, "timeout")

    def _fail(self, step: dict, why: str) -> None:
        self._timer.stop()
        log.error(
            "autopilot failed", extra={"data": {"step": self._index, "do": step["do"], "why": why}}
        )
        self._on_failure(5)

    # -- waits -------------------------------------------------------------------------

    def _condition(self, name: str) -> bool:
        window, app = self.window, self.app
        if name == "ready":
            return app is not None and window.sign_in_page.sign_in_button.isEnabled()
        if app is None:
            return False
        page = window.current_page()
        conditions: dict[str, Callable[[], bool]] = {
            "face_dialog": lambda: app.faces.dialog is not None and app.faces.dialog.isVisible(),
            "signed_in": lambda: (
                window.is_signed_in and bool(app.study_flow.courses) and page == "courses"
            ),
            "playing": lambda: app.player.state == "playing",
            "store_failed": lambda: PauseReason.STORE_FAILED in app.player.holds,
            "ended": lambda: app.player.state == "ended",
            "signed_out": lambda: not window.is_signed_in and page == "sign_in",
            "records_loaded": lambda: (
                app.records_flow.records_loaded > 0 and app.records_flow.query is None
            ),
            "records_rows": lambda: (
                app.records_flow.records_loaded > 0
                and window.records_page.records_table.rowCount() > 0
            ),
            "test_dialog": lambda: (
                app.study_flow.test_dialog is not None and app.study_flow.test_dialog.isVisible()
            ),
            "test_graded": lambda: (
                app.study_flow.test_dialog is not None
                and app.study_flow.test_dialog.result_panel.isVisible()
            ),
            "rated": lambda: app.study_flow.rated > 0,
            "diagnostics_shown": lambda: (
                page == "diagnostics" and window.diagnostics_page.table.rowCount() > 0
            ),
            "no_face_check": lambda: not app.faces.active,
            "face_failed": lambda: (
                app.faces.dialog is not None and app.faces.dialog.retry_button.isVisible()
            ),
            "question": lambda: isinstance(QApplication.activeModalWidget(), QMessageBox),
            "sign_in_refused": lambda: (
                page == "sign_in"
                and not app.faces.active
                and window.sign_in_page.sign_in_button.isEnabled()
                and window.sign_in_page.showing_error
            ),
        }
        if name not in conditions:
            raise ValueError(f"unknown condition {name}")
        return conditions[name]()

    def _do_wait(self, step: dict) -> bool:
        return self._condition(step["for"])

    def _do_pause(self, step: dict) -> bool:
        return time.monotonic() >= self._deadline

    # -- actions -----------------------------------------------------------------------

    def _do_screenshot(self, step: dict) -> bool:
        from app.application import save_screenshot  # noqa: PLC0415

        if self.shots_dir is not None:
            target: QWidget = self.window
            dialog = self.app.faces.dialog if self.app is not None else None
            if step.get("window") == "face" and dialog is not None:
                target = dialog
            save_screenshot(target, self.shots_dir / f"{step['name']}.png")
        return True

    def _do_sign_in(self, step: dict) -> bool:
        page = self.window.sign_in_page
        page.tabs.setCurrentIndex(0)
        page.account.setText(step["account"])
        page.password.setText(step["password"])
        page.sign_in_button.click()
        return True

    def _do_open_course(self, step: dict) -> bool:
        page = self.window.courses_page
        page.table.selectRow(int(step["index"]))
        page.open_button.click()
        return True

    def _do_select_open(self, step: dict) -> bool:
        page = self.window.courses_page
        page.select_course(step["course_id"])
        page.open_button.click()
        return True

    def _do_close_course(self, step: dict) -> bool:
        page = self.window.study_page
        page.back_button.click()
        if page.close_box is not None:  # "Close this course?": yes
            page.close_box.button(QMessageBox.StandardButton.Yes).click()
        return True

    def _do_play(self, step: dict) -> bool:
        self.window.study_page.player_view.play_button.click()
        return True

    def _do_answer_prompt(self, step: dict) -> bool:
        page = self.window.study_page
        if page.prompt_box.isVisible():
            page.prompt_button.click()
            return True
        return False

    def _do_study(self, step: dict) -> bool:
        """Keep studying like an attentive learner: press Play when a check or prompt
        paused the course, answer prompts (or let them run out with "prompts": "miss"),
        until the time is up or the event named in "until" happened."""
        app, page = self.app, self.window.study_page
        if app is None or app.study_flow.study is None:
            return step.get("until") in ("closed", "signed_out")
        prompts = app.study_flow.study.prompts
        until = step.get("until")
        if until == "prompt_missed" and prompts.state is PromptState.MISSED:
            return True
        if (
            until == "prompt_answered"
            and prompts.prompts_shown >= 1
            and prompts.state is PromptState.WAITING
            and not page.prompt_box.isVisible()
        ):
            return True
        if until == "ended" and app.player.state == "ended":
            return True
        dialog = app.faces.dialog
        if dialog is not None and dialog.retry_button.isVisible():
            dialog.retry_button.click()  # a failed check: try again, as a learner would
        if (prompts.state is PromptState.SHOWN and step.get("prompts", "answer") == "answer") or (
            prompts.state is PromptState.MISSED and until != "prompt_missed"
        ):
            page.prompt_button.click()
        if app.player.state == "paused" and not app.faces.active and not app.player.holds:
            self._activate()
            page.player_view.play_button.click()
        if until is None and self._study is not None:
            return time.monotonic() >= self._study["until"]
        return False

    def _activate(self) -> None:
        """Bring the window to the front as a learner's click would. A window manager
        may refuse a program's own request (focus-stealing prevention), so ask it through
        xdotool where it is installed (the test and demo displays have it)."""
        if self.window.isActiveWindow():
            return
        self.window.activateWindow()
        xdotool = shutil.which("xdotool")
        if xdotool is not None:
            subprocess.run(
                [xdotool, "windowactivate", str(int(self.window.winId()))],
                capture_output=True,
                timeout=5,
                check=False,
            )

    def _do_take_test(self, step: dict) -> bool:
        app = self.app
        if (
            app is None
            or app.study_flow.test_dialog is None
            or not app.study_flow.test_dialog.isVisible()
        ):
            if step.get("_asked") is None:
                if step.get("course_id"):
                    self.window.courses_page.select_course(step["course_id"])
                self.window.courses_page.test_button.click()
                step["_asked"] = True
            return False
        dialog = app.study_flow.test_dialog
        # Answers by the options' text: every paper shows them in its own order.
        shown = {q.id: q.options for q in dialog.questions}
        for question, texts in step["answers"].items():
            for text in texts:
                if text not in shown.get(question, ()):
                    raise ValueError(f"no option {text!r} in question {question}")
                index = shown[question].index(text)
                button = dialog.findChild(QAbstractButton, f"option:{question}:{index}")
                assert button is not None  # every option shown has its button
                if not button.isChecked():
                    button.click()
        dialog.submit_button.click()
        return True

    def _do_close_test(self, step: dict) -> bool:
        app = self.app
        if app is not None and app.study_flow.test_dialog is not None:
            app.study_flow.test_dialog.close_button.click()
        return True

    def _do_rate(self, step: dict) -> bool:
        app = self.app
        dialog = None if app is None else app.study_flow.rating_dialog
        if dialog is None or not dialog.isVisible():
            if step.get("_asked") is None:
                self.window.courses_page.select_course(step["course_id"])
                self.window.courses_page.rate_button.click()
                step["_asked"] = True
            return False
        for criterion, score in step["scores"].items():
            button = dialog.findChild(QAbstractButton, f"score:{criterion}:{score}")
            if button is None:
                raise ValueError(f"no score {criterion}:{score}")
            button.click()
        dialog.comment_edit.setPlainText(step.get("comment", ""))
        dialog.submit_button.click()
        return True

    def _do_close_rating(self, step: dict) -> bool:
        app = self.app
        if app is not None and app.study_flow.rating_dialog is not None:
            app.study_flow.rating_dialog.close_button.click()
        return True

    def _do_open_diagnostics(self, step: dict) -> bool:
        self.window.diagnostics_action.trigger()
        return True

    def _do_save_diagnostics(self, step: dict) -> bool:
        return bool(self.window.diagnostics_page.save_text(Path(step["path"])))

    def _do_answer_question(self, step: dict) -> bool:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            return False
        wanted = (
            QMessageBox.StandardButton.Yes
            if step.get("yes", True)
            else QMessageBox.StandardButton.No
        )
        box.button(wanted).click()
        return True

    def _do_retry_face(self, step: dict) -> bool:
        dialog = None if self.app is None else self.app.faces.dialog
        if dialog is None or not dialog.retry_button.isVisible():
            return False
        dialog.retry_button.click()
        return True

    def _do_switch_learner(self, step: dict) -> bool:
        self.window.switch_action.trigger()
        return True

    def _do_language(self, step: dict) -> bool:
        self.window.language_actions[step["code"]].trigger()
        return True

    def _do_open_records(self, step: dict) -> bool:
        self.window.records_action.trigger()
        return True

    def _do_save_pdf(self, step: dict) -> bool:
        self.window.records_page.save_pdf(Path(step["path"]))
        return True

    def _do_log_state(self, step: dict) -> bool:
        window, app = self.window, self.app
        dialog = None if app is None else app.faces.dialog
        kiosk = None if window.kiosk_guard is None else window.kiosk_guard.dialog
        log.info(
            "autopilot state",
            extra={
                "data": {
                    "page": window.current_page(),
                    "full_screen": window.isFullScreen(),
                    "kiosk_status": "" if kiosk is None else kiosk.status.text(),
                    "signed_in": window.is_signed_in,
                    "sign_in_status": window.sign_in_page.status.text(),
                    "sign_in_title": window.sign_in_page.title.text(),
                    "menu": window.study_menu.title(),
                    "login_attempts_left": None
                    if app is None
                    else app.sign_in_flow.login_attempts_left,
                    "face_retry": dialog is not None and dialog.retry_button.isVisible(),
                    "face_result": "" if dialog is None else dialog.result_label.text(),
                    "notice": "" if window.notice.isHidden() else window.notice.text(),
                    "player_state": None if app is None else app.player.state,
                    "player_message": window.study_page.player_view.message.text(),
                    "saved_seq": None if app is None else app.study_flow.saved_seq,
                }
            },
        )
        return True

    def _do_kiosk_close(self, step: dict) -> bool:
        """Close the kiosk as the title bar would, then type `pin` into the PIN dialog
        and confirm: done once the PIN is sent (a wrong one leaves the dialog open)."""
        guard = self.window.kiosk_guard
        if guard is None:
            raise ValueError("kiosk_close outside kiosk mode")
        dialog = guard.dialog
        if dialog is None:
            if not step.get("asked"):
                step["asked"] = True
                self.window.close()
            return False
        if not dialog.pin.isEnabled():
            return False  # checking, or locked after wrong PINs
        dialog.pin.setText(str(step["pin"]))
        dialog.ok_button.click()
        return True

    def _do_quit(self, step: dict) -> bool:
        self.window.close()
        QApplication.exit(0)  # static: ends the running application's event loop
        return True
