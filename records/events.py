"""Study events: what the client reports and the server credits time from.

Each event belongs to one device's stream, numbered by `seq` from 1 with no gaps, and
carries the SHA-256 of the previous event of that stream (`prev_hash`), so an edited,
removed or inserted event breaks the chain. The hash is over the canonical JSON of the
whole event, and the device signs exactly those bytes (see `records.signing`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from records.canonical import CanonicalJsonError, JsonValue, canonical_json, parse_json

GENESIS_HASH = "0" * 64
RATE_NORMAL = 1000  # playback rate in thousandths: 1000 is 1.0x


class EventKind(StrEnum):
    SESSION_START = "session_start"
    SESSION_END = "session_end"
    PLAY = "play"
    PAUSE = "pause"
    PROGRESS = "progress"  # the ~10 s heartbeat
    PROMPT_SHOWN = "prompt_shown"
    PROMPT_ANSWERED = "prompt_answered"
    PROMPT_MISSED = "prompt_missed"
    FACE_CHECK_PASSED = "face_check_passed"
    FACE_CHECK_FAILED = "face_check_failed"
    TAMPER = "tamper"
    TEST_PASSED = "test_passed"
    TEST_FAILED = "test_failed"
    ENVIRONMENT = "environment"  # what the client saw of its surroundings (wire/environment)


# The data fields each kind must carry, with their types. Extra fields are allowed (a
# newer client may send more) but never replace these.
_REQUIRED: dict[EventKind, dict[str, type]] = {
    EventKind.SESSION_START: {},
    EventKind.SESSION_END: {},
    EventKind.PLAY: {"position_ms": int},
    EventKind.PAUSE: {"position_ms": int, "reason": str},
    EventKind.PROGRESS: {
        "position_ms": int,
        "rate_milli": int,
        "focused": bool,
        "visible": bool,
        "playing": bool,
    },
    EventKind.PROMPT_SHOWN: {"prompt_id": str},
    EventKind.PROMPT_ANSWERED: {"prompt_id": str},
    EventKind.PROMPT_MISSED: {"prompt_id": str},
    EventKind.FACE_CHECK_PASSED: {"check_id": str},
    EventKind.FACE_CHECK_FAILED: {"check_id": str},
    EventKind.TAMPER: {"tamper": str},
    EventKind.TEST_PASSED: {"score": int},
    EventKind.TEST_FAILED: {"score": int},
    EventKind.ENVIRONMENT: {"signals": list},
}


class EventFormatError(ValueError):
    """An event that does not have the shape its kind requires."""


@dataclass(frozen=True)
class StudyEvent:
    device_id: str
    seq: int
    kind: EventKind
    at_ms: int  # Unix time in ms; the server substitutes its own receive time to credit
    learner_id: str
    session_id: str
    course_id: str  # "" outside a course
    data: Mapping[str, JsonValue] = field(default_factory=dict)
    prev_hash: str = GENESIS_HASH

    def __post_init__(self) -> None:
        validate_event(self)

    def payload(self) -> dict[str, JsonValue]:
        return {
            "device_id": self.device_id,
            "seq": self.seq,
            "kind": self.kind.value,
            "at_ms": self.at_ms,
            "learner_id": self.learner_id,
            "session_id": self.session_id,
            "course_id": self.course_id,
            "data": dict(self.data),
            "prev_hash": self.prev_hash,
        }

    def canonical(self) -> bytes:
        # The event is immutable and its encoding is needed for the hash, the signature
        # and the stored row: `validate_event` encodes it once, at construction.
        canonical: bytes = self.__dict__["_canonical"]
        return canonical

    def hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()

    def key(self) -> tuple[str, int]:
        """The identity of an event: a redelivery carries the same key."""
        return (self.device_id, self.seq)


_HEX_SHA256 = re.compile(r"[0-9a-f]{64}")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_event(event: StudyEvent) -> None:
    if not isinstance(event.kind, EventKind):
        raise EventFormatError(f"unknown event kind {event.kind!r}")
    if not _is_int(event.seq) or event.seq < 1:
        raise EventFormatError("seq must be a positive integer")
    if not _is_int(event.at_ms) or event.at_ms < 0:
        raise EventFormatError("at_ms must be a non-negative integer")
    for name in ("device_id", "learner_id", "session_id"):
        value = getattr(event, name)
        if not isinstance(value, str) or not value:
            raise EventFormatError(f"{name} must be a non-empty string")
    if not isinstance(event.course_id, str):
        raise EventFormatError("course_id must be a string")
    if not isinstance(event.prev_hash, str) or not _HEX_SHA256.fullmatch(event.prev_hash):
        raise EventFormatError("prev_hash must be 64 lowercase hex digits")
    for name, kind in _REQUIRED[event.kind].items():
        value = event.data.get(name)
        ok = _is_int(value) if kind is int else isinstance(value, kind)
        if not ok:
            raise EventFormatError(f"{event.kind.value}.{name} must be {kind.__name__}")
    try:
        # Encoding the whole event checks its data and is needed anyway for the hash and
        # the signature: keep it, so an event is encoded exactly once.
        encoded = canonical_json(event.payload())
    except CanonicalJsonError as error:
        raise EventFormatError(str(error)) from error
    object.__setattr__(event, "_canonical", encoded)


def event_from_payload(payload: Mapping[str, JsonValue]) -> StudyEvent:
    expected = {
        "device_id",
        "seq",
        "kind",
        "at_ms",
        "learner_id",
        "session_id",
        "course_id",
        "data",
        "prev_hash",
    }
    if not isinstance(payload, Mapping) or set(payload) != expected:
        raise EventFormatError("event fields missing or unexpected")
    try:
        kind = EventKind(str(payload["kind"]))
    except ValueError as error:
        raise EventFormatError(f"unknown event kind {payload['kind']!r}") from error
    data = payload["data"]
    if not isinstance(data, Mapping):
        raise EventFormatError("data must be an object")
    return StudyEvent(
        device_id=payload["device_id"],  # type: ignore[arg-type]
        seq=payload["seq"],  # type: ignore[arg-type]
        kind=kind,
        at_ms=payload["at_ms"],  # type: ignore[arg-type]
        learner_id=payload["learner_id"],  # type: ignore[arg-type]
        session_id=payload["session_id"],  # type: ignore[arg-type]
        course_id=payload["course_id"],  # type: ignore[arg-type]
        data=dict(data),
        prev_hash=payload["prev_hash"],  # type: ignore[arg-type]
    )


def event_from_canonical(data: bytes) -> StudyEvent:
    """The event stored or sent as `data`, which must be its canonical form."""
    # An event encodes itself once when it is built: comparing that to `data` is the
    # canonical-form check, without a second encoding (opening a store parses them all).
    event = event_from_payload(parse_json(data))  # type: ignore[arg-type]
    if event.canonical() != data:
        raise CanonicalJsonError("JSON is not in canonical form")
    return event
