"""What the learner reads for each known player condition, through Qt translation.

Source strings are English; Simplified Chinese is loaded by default from
resources/i18n/zh_CN.qm (context "PlayerMessages").
"""

from __future__ import annotations

from player.events import PauseReason
from player.media_check import MediaProblem
from qt_binding import QCoreApplication

# Literal context and text in every call, so pyside6-lupdate can extract them.
translate = QCoreApplication.translate


def pause_reason_text(reason: PauseReason | str) -> str:
    texts = {
        PauseReason.USER: translate("PlayerMessages", "Paused. Click Play to continue."),
        PauseReason.MINIMIZED: translate(
            "PlayerMessages", "Paused because the window was minimised. Click Play to continue."
        ),
        PauseReason.HIDDEN: translate(
            "PlayerMessages", "Paused because the window was hidden. Click Play to continue."
        ),
        PauseReason.DEACTIVATED: translate(
            "PlayerMessages",
            "Paused because you switched to another window. Click Play to continue.",
        ),
        PauseReason.SCREEN_LOCKED: translate(
            "PlayerMessages", "Paused because the screen was locked. Click Play to continue."
        ),
        PauseReason.SUSPEND: translate(
            "PlayerMessages", "Paused because the computer went to sleep. Click Play to continue."
        ),
        PauseReason.TAMPER: translate(
            "PlayerMessages", "Paused because playback was tampered with."
        ),
        PauseReason.CLOSED: translate("PlayerMessages", "The course was closed."),
        PauseReason.FACE_CHECK: translate(
            "PlayerMessages", "Paused for a face check. Playback continues once it is passed."
        ),
        PauseReason.PROMPT_MISSED: translate(
            "PlayerMessages",
            "Paused because the attendance prompt was not answered: that time is not counted.",
        ),
        PauseReason.STUDY_STOPPED: translate("PlayerMessages", "Study has stopped."),
        PauseReason.STORE_FAILED: translate(
            "PlayerMessages",
            "Paused because your study record cannot be saved on this computer: time is not counted until it can.",
        ),
    }
    return texts[PauseReason(reason)]


def media_problem_text(problem: MediaProblem | str) -> str:
    texts = {
        MediaProblem.MISSING: translate(
            "PlayerMessages",
            "The course video file is missing. Download the course again or contact your training institution.",
        ),
        MediaProblem.UNREADABLE: translate(
            "PlayerMessages",
            "The course video file cannot be read (check its permissions and the disk).",
        ),
        MediaProblem.HASH_MISMATCH: translate(
            "PlayerMessages",
            "The course video file is not the published one (its checksum differs). Download the course again.",
        ),
        MediaProblem.SIZE_MISMATCH: translate(
            "PlayerMessages",
            "The course video file is incomplete or altered (its size differs). Download the course again.",
        ),
        MediaProblem.CORRUPT: translate(
            "PlayerMessages",
            "The course video file is damaged and cannot be played. Download the course again.",
        ),
        MediaProblem.DURATION_MISMATCH: translate(
            "PlayerMessages",
            "The course video's length does not match the course catalogue. Download the course again.",
        ),
        MediaProblem.CODEC_MISSING: translate(
            "PlayerMessages",
            "This computer has no decoder for the course video's format. Reinstall the client with its VLC components.",
        ),
    }
    return texts[MediaProblem(problem)]


def refusal_text(reason: str) -> str:
    texts = {
        "another_course_open": translate(
            "PlayerMessages",
            "Another course is open. Close it before opening a new one: only one course can be studied at a time.",
        ),
        "backend_unavailable": translate(
            "PlayerMessages",
            "The video player could not start: VLC is not installed or incomplete.",
        ),
    }
    return texts.get(reason, reason)
