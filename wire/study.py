"""A study session on the wire: start, the face checks the server asks for,
heartbeats carrying signed events, the end; and the upload of events in batches."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from wire.base import Answer, Body
from wire.face import FaceProofBody
from wire.policy import TimePolicy, VerificationPolicy


class StartStudy(Body):
    course_id: str = Field(min_length=1, max_length=64)


class StudyFaceChallenge(Body):
    due_id: str = Field(min_length=1, max_length=64)  # the check the server asked for


class StudyFaceCheck(Body):
    due_id: str = Field(min_length=1, max_length=64)  # the check the server asked for
    face: FaceProofBody


class UploadedEvent(Body):
    """A signed study event as the client's store keeps it (`records.signing`)."""

    event: dict[str, Any]
    hash: str
    signature: str


class Heartbeat(Body):
    events: list[UploadedEvent] = Field(default_factory=list, max_length=100)


class EventBatch(Body):
    events: list[UploadedEvent] = Field(min_length=1)


class FaceCheckDue(Answer):
    """The face check the server asks for, to be passed by `deadline_ms`."""

    id: str
    reason: str
    due_ms: int
    deadline_ms: int


class StudyStarted(Answer):
    study_session_id: str
    course_id: str
    server_time_ms: int
    policy: TimePolicy
    check_due: FaceCheckDue | None


class FaceCheckResult(Answer):
    check_id: str
    passed: bool
    reason: str


class EventResult(Answer):
    seq: int
    status: str  # "accepted", or why the event earns nothing


class UploadAck(Answer):
    """Where the device's chain stands on the server after an upload, and what became
    of each event sent; a retry of the same batch gets the same answer."""

    device_id: str
    acked_seq: int
    last_hash: str
    results: list[EventResult]


class HeartbeatAnswer(Answer):
    status: str  # "ok"
    server_time_ms: int
    ack: UploadAck | None  # of the events the heartbeat carried; None when it had none
    policy: TimePolicy
    verification: VerificationPolicy
    check_due: FaceCheckDue | None


class StudyEnded(Answer):
    ended: bool
