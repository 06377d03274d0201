"""Face checks on the wire: the liveness challenge the server issues, and the evidence
a client sends back (a signed burst of face-region frames)."""

from __future__ import annotations

from pydantic import Field

from wire.base import Answer, Body

# A burst's limits, as `verification.burst` records and judges them.
MAX_BURST_FRAMES = 300
MAX_FRAME_BYTES = 64 * 1024
MAX_FRAME_B64 = (MAX_FRAME_BYTES + 2) // 3 * 4


class LivenessChallenge(Answer):
    """What a face check must show: the actions in order, under a one-time id."""

    challenge_id: str
    actions: list[str]
    issued_ms: int
    expires_ms: int


class CameraReport(Body):
    """What the client says its frames came from: the server applies the policy."""

    simulated: bool = False
    virtual: str | None = Field(default=None, max_length=40)  # the kind recognised


class BurstFrameBody(Body):
    at_ms: int = Field(ge=0)  # the client's monotonic clock
    jpeg_b64: str = Field(min_length=1, max_length=MAX_FRAME_B64)


class FaceProofBody(Body):
    """The evidence of one face check: the challenge it answers, the burst of face-region
    frames spanning it, and the device's signature over both."""

    challenge_id: str = Field(min_length=1, max_length=64)
    frames: list[BurstFrameBody] = Field(min_length=1, max_length=MAX_BURST_FRAMES)
    signature_b64: str = Field(min_length=1, max_length=100)
    camera: CameraReport = Field(default_factory=CameraReport)
