"""What the sign-in and the study journeys share about a local face check: the evidence
sent to the server, which failures are the device's, and the text of a local failure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.messages import failure_text
from sync.sync_rules import FaceProof
from verification.check_dialog import failure_text as check_failure_text
from verification.check_runner import FaceCheckResult
from verification.frames import FrameSourceError
from verification.liveness import Action, Challenge
from wire.face import LivenessChallenge

if TYPE_CHECKING:
    from app.face_check_flow import FaceCheckFlow
    from app.main_window import MainWindow


def _frame_source_codes(error: type[FrameSourceError] = FrameSourceError) -> set[str]:
    return {error.code} | {
        code for sub in error.__subclasses__() for code in _frame_source_codes(sub)
    }


# A check that could not run (camera missing, busy, unplugged...; every frame-source error
# the verification package knows, plus a check that crashed or was cancelled) is a known
# condition of the device, not a failed identity check: it costs no attempt.
DEVICE_FAILURES = frozenset(_frame_source_codes() | {"check_failed", "cancelled"})


def proof_of(result: FaceCheckResult) -> FaceProof:
    """The evidence of a local check that passed its liveness, for the server's own
    judgement."""
    assert result.burst
    return FaceProof(
        challenge_id=result.challenge_id,
        frames=tuple((frame.at_ms, frame.jpeg) for frame in result.burst),
        simulated_camera=result.simulated_camera,
        virtual_camera=result.virtual_camera,
    )


def local_failure_text(result: FaceCheckResult) -> str:
    return check_failure_text(result.reason)


def challenge_of(answer: LivenessChallenge) -> Challenge | None:
    """The challenge to perform, or None when it asks for an action this client does
    not know (it cannot perform it)."""
    try:
        return Challenge(answer.challenge_id, tuple(Action(a) for a in answer.actions))
    except ValueError:
        return None


def begin_challenge(faces: FaceCheckFlow, window: MainWindow, answer: LivenessChallenge) -> None:
    """Start the check the server issued, or end it when this client cannot perform it."""
    challenge = challenge_of(answer)
    if challenge is None:
        faces.abort()
        window.show_notice(failure_text("malformed_response", ""))
        return
    faces.begin(challenge)
