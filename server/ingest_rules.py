"""Which uploaded events join a device's chain, decided without I/O.

A device's events must arrive as one unbroken, signed chain continuing from the last
event the server accepted. An identical redelivery is harmless and answered exactly as
the first time (uploads are retried); anything else that does not continue the chain is
refused with a specific code and recorded, and the rest of the batch waits for the
device to resend from the expected sequence number.

Events that do join the chain may still earn nothing: `session_status` says why (an
event about a study session this device and learner did not start, from a clock ahead of
the server's, of a disabled account, after the sign-in was revoked or the study session
ended). They keep their place so the chain can go on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from records.canonical import JsonValue
from records.events import EventFormatError, event_from_payload
from records.signing import DeviceVerifier, SignedEvent


class Refusal(StrEnum):
    MALFORMED = "malformed"  # not an event of the expected shape
    UNKNOWN_DEVICE = "unknown_device"  # no registered key: nothing it says is believed
    BAD_SIGNATURE = "bad_signature"  # forged or altered
    HASH_MISMATCH = "hash_mismatch"
    CONFLICTING_REPLAY = "conflicting_replay"  # a different event under a used number
    BROKEN_LINK = "broken_link"  # prev_hash does not continue the chain
    SEQUENCE_GAP = "sequence_gap"  # beyond the next expected number: resend from it
    MIXED_DEVICES = "mixed_devices"  # one batch carries one device's events
    NOT_PROCESSED = "not_processed"  # after a refusal in the same batch


class EventStatus(StrEnum):
    ACCEPTED = "accepted"
    UNKNOWN_SESSION = "unknown_session"
    WRONG_DEVICE = "wrong_device"
    WRONG_LEARNER = "wrong_learner"
    WRONG_COURSE = "wrong_course"
    CLOCK_AHEAD = "clock_ahead"
    ACCOUNT_DISABLED = "account_disabled"
    SESSION_REVOKED = "session_revoked"
    SESSION_ENDED = "session_ended"


@dataclass(frozen=True)
class ChainState:
    last_seq: int
    last_hash: str


@dataclass(frozen=True)
class Decision:
    seq: int
    signed: SignedEvent | None
    join: bool  # a new event that continues the chain
    duplicate: bool = False  # an identical redelivery of a stored event
    refusal: Refusal | None = None
    event_hash: str = ""


def parse_uploaded(item: Mapping[str, JsonValue]) -> SignedEvent:
    """One uploaded event: {"event": payload, "hash": hex, "signature": base64}."""
    if not isinstance(item, Mapping) or set(item) != {"event", "hash", "signature"}:
        raise EventFormatError("an uploaded event has the fields event, hash and signature")
    event_hash, signature = item["hash"], item["signature"]
    if not isinstance(event_hash, str) or not isinstance(signature, str):
        raise EventFormatError("hash and signature must be strings")
    event = event_from_payload(item["event"])  # type: ignore[arg-type]
    return SignedEvent(event=event, hash=event_hash, signature=signature)


def decide_batch(
    device_id: str,
    verifier: DeviceVerifier | None,
    state: ChainState,
    batch: Sequence[SignedEvent],
    stored_hashes: Mapping[int, str],
    signatures_ok: Sequence[bool] | None = None,
) -> list[Decision]:
    """Decisions for a batch of one device's events, in sequence order.

    `stored_hashes` holds the hashes of already stored events of this device whose
    numbers appear in the batch (for redeliveries). `signatures_ok`, when given, holds
    `verifier`'s answer for each event of `batch` in its order, found beforehand (on
    several threads: `records.signing.signatures_valid`)."""
    decisions: list[Decision] = []
    expected_seq, expected_prev = state.last_seq + 1, state.last_hash
    stopped = False
    answers = signatures_ok if signatures_ok is not None else [None] * len(batch)
    for signed, answer in sorted(zip(batch, answers, strict=True), key=lambda p: p[0].event.seq):
        seq = signed.event.seq
        refusal: Refusal | None = None
        if stopped:
            refusal = Refusal.NOT_PROCESSED
        elif signed.event.device_id != device_id:
            refusal = Refusal.MIXED_DEVICES
        elif verifier is None:
            refusal = Refusal.UNKNOWN_DEVICE
        elif signed.hash != signed.event.hash():
            refusal = Refusal.HASH_MISMATCH
        elif not (verifier.is_valid(signed) if answer is None else answer):
            refusal = Refusal.BAD_SIGNATURE
        elif seq < expected_seq:
            if stored_hashes.get(seq) == signed.hash:
                decisions.append(Decision(seq, signed, join=False, duplicate=True))
                continue
            refusal = Refusal.CONFLICTING_REPLAY
        elif seq > expected_seq:
            refusal = Refusal.SEQUENCE_GAP
        elif signed.event.prev_hash != expected_prev:
            refusal = Refusal.BROKEN_LINK
        if refusal is not None:
            decisions.append(Decision(seq, signed, join=False, refusal=refusal))
            # A refused event breaks the chain for everything after it in the batch.
            stopped = stopped or refusal is not Refusal.NOT_PROCESSED
            continue
        decisions.append(Decision(seq, signed, join=True))
        expected_seq, expected_prev = seq + 1, signed.hash
    return decisions


@dataclass(frozen=True)
class StudyBinding:
    """What the server knows of the study session an event names."""

    learner_id: str
    device_id: str
    course_id: str
    revoked_ms: int | None  # when the sign-in that started it was revoked
    ended_ms: int | None  # when the server ended the study session
    account_disabled: bool


def session_status(  # noqa: PLR0911 - one return per rule, in order
    signed: SignedEvent,
    binding: StudyBinding | None,
    received_ms: int,
    max_skew_ms: int,
) -> EventStatus:
    event = signed.event
    if binding is None:
        return EventStatus.UNKNOWN_SESSION
    if binding.device_id != event.device_id:
        return EventStatus.WRONG_DEVICE
    if binding.learner_id != event.learner_id:
        return EventStatus.WRONG_LEARNER
    if event.course_id not in ("", binding.course_id):
        return EventStatus.WRONG_COURSE
    if event.at_ms > received_ms + max_skew_ms:
        return EventStatus.CLOCK_AHEAD
    if binding.account_disabled:
        return EventStatus.ACCOUNT_DISABLED
    # No skew allowance after the server closed the session: a device told it was
    # signed out must not earn for the time its clock may be behind.
    if binding.revoked_ms is not None and event.at_ms > binding.revoked_ms:
        return EventStatus.SESSION_REVOKED
    if binding.ended_ms is not None and event.at_ms > binding.ended_ms:
        return EventStatus.SESSION_ENDED
    return EventStatus.ACCEPTED
