"""What the learner reads for each known player condition, through Qt translation.

Source strings are English; Simplified Chinese is loaded by default from
resources/i18n/zh_CN.qm (context "PlayerMessages").
"""

from __future__ import annotations

from player.events import PauseReason
from player.media_check import MediaProblem
from qt_binding import QCoreApplication

_CONTEXT = "PlayerMessages"


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def pause_reason_text(reason: PauseReason | str) -> str:
    texts = {
        PauseReason.USER: _tr("Paused. Click Play to continue."),
        PauseReason.MINIMIZED: _tr(
            "Paused because the window was minimised. Click Play to continue."
        ),
        PauseReason.HIDDEN: _tr("Paused because the window was hidden. Click Play to continue."),
        PauseReason.DEACTIVATED: _tr(
            "Paused because you switched to another window. Click Play to continue."
        ),
        PauseReason.SCREEN_LOCKED: _tr(
            "Paused because the screen was locked. Click Play to continue."
        ),
        PauseReason.SUSPEND: _tr(
            "Paused because the computer went to sleep. Click Play to continue."
        ),
        PauseReason.TAMPER: _tr("Paused because playback was tampered with."),
        PauseReason.CLOSED: _tr("The course was closed."),
    }
    return texts[PauseReason(reason)]


def media_problem_text(problem: MediaProblem | str) -> str:
    texts = {
        MediaProblem.MISSING: _tr(
            "The course video file is missing. Download the course again or contact your "
            "training institution."
        ),
        MediaProblem.UNREADABLE: _tr(
            "The course video file cannot be read (check its permissions and the disk)."
        ),
        MediaProblem.HASH_MISMATCH: _tr(
            "The course video file is not the published one (its checksum differs). "
            "Download the course again."
        ),
        MediaProblem.SIZE_MISMATCH: _tr(
            "The course video file is incomplete or altered (its size differs). "
            "Download the course again."
        ),
        MediaProblem.CORRUPT: _tr(
            "The course video file is damaged and cannot be played. Download the course again."
        ),
        MediaProblem.DURATION_MISMATCH: _tr(
            "The course video's length does not match the course catalogue. "
            "Download the course again."
        ),
        MediaProblem.CODEC_MISSING: _tr(
            "This computer has no decoder for the course video's format. Reinstall the "
            "client with its VLC components."
        ),
    }
    return texts[MediaProblem(problem)]


def refusal_text(reason: str) -> str:
    texts = {
        "another_course_open": _tr(
            "Another course is open. Close it before opening a new one: only one course "
            "can be studied at a time."
        ),
        "backend_unavailable": _tr(
            "The video player could not start: VLC is not installed or incomplete."
        ),
    }
    return texts.get(reason, reason)
