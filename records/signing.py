"""Ed25519 signatures over canonical events, and the checks a receiver runs on a stream.

Each device has its own key pair, made on the device; the server knows the public key.
The signature covers the canonical bytes of the event, which include `prev_hash`, so a
signed stream cannot be reordered, shortened in the middle or spliced.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from records.events import GENESIS_HASH, StudyEvent


@dataclass(frozen=True)
class SignedEvent:
    event: StudyEvent
    hash: str  # SHA-256 hex of event.canonical()
    signature: str  # base64 of the Ed25519 signature of event.canonical()


def new_device_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes_raw()


def private_key_from_bytes(raw: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_key_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes_raw()


def public_key_from_bytes(raw: bytes) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(raw)


def sign_event(key: Ed25519PrivateKey, event: StudyEvent) -> SignedEvent:
    canonical = event.canonical()  # once: it is the costliest step after the signature
    return SignedEvent(
        event=event,
        hash=hashlib.sha256(canonical).hexdigest(),
        signature=base64.b64encode(key.sign(canonical)).decode("ascii"),
    )


def signature_is_valid(public_key: Ed25519PublicKey, signed: SignedEvent) -> bool:
    try:
        signature = base64.b64decode(signed.signature, validate=True)
        public_key.verify(signature, signed.event.canonical())
    except (InvalidSignature, ValueError):
        return False
    return signed.hash == signed.event.hash()


class ChainProblemKind(StrEnum):
    BAD_SIGNATURE = "bad_signature"  # the bytes were changed after signing
    HASH_MISMATCH = "hash_mismatch"  # the stored hash is not the event's hash
    BROKEN_LINK = "broken_link"  # prev_hash is not the previous event's hash
    GAP = "gap"  # a sequence number is missing (an event was removed)
    DUPLICATE = "duplicate"  # two different events with one sequence number
    WRONG_DEVICE = "wrong_device"


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    kind: ChainProblemKind


def verify_chain(
    public_key: Ed25519PublicKey | None,
    signed_events: Iterable[SignedEvent],
    device_id: str,
    previous_hash: str = GENESIS_HASH,
    previous_seq: int = 0,
) -> list[ChainProblem]:
    """Check one device's events, in sequence order, continuing from a known point.

    With `public_key` None only the hashes and links are checked (a store that keeps
    its own signatures for the server to check)."""
    problems: list[ChainProblem] = []
    expected_prev, expected_seq = previous_hash, previous_seq + 1
    seen: dict[int, str] = {}
    for signed in sorted(signed_events, key=lambda s: s.event.seq):
        event = signed.event
        if event.device_id != device_id:
            problems.append(ChainProblem(event.seq, ChainProblemKind.WRONG_DEVICE))
            continue
        if event.seq in seen:
            if seen[event.seq] != signed.hash:
                problems.append(ChainProblem(event.seq, ChainProblemKind.DUPLICATE))
            continue  # an identical redelivery is harmless
        seen[event.seq] = signed.hash
        if event.seq != expected_seq:
            problems.append(ChainProblem(expected_seq, ChainProblemKind.GAP))
        if signed.hash != event.hash():
            problems.append(ChainProblem(event.seq, ChainProblemKind.HASH_MISMATCH))
        elif public_key is not None and not signature_is_valid(public_key, signed):
            problems.append(ChainProblem(event.seq, ChainProblemKind.BAD_SIGNATURE))
        if event.prev_hash != expected_prev:
            problems.append(ChainProblem(event.seq, ChainProblemKind.BROKEN_LINK))
        expected_prev, expected_seq = signed.hash, event.seq + 1
    return problems


class EventChainBuilder:
    """Numbers, links and signs a device's new events (the client side)."""

    def __init__(
        self,
        key: Ed25519PrivateKey,
        device_id: str,
        last_seq: int = 0,
        last_hash: str = GENESIS_HASH,
    ) -> None:
        self._key = key
        self.device_id = device_id
        self.last_seq = last_seq
        self.last_hash = last_hash

    def next(self, **fields: object) -> SignedEvent:
        event = StudyEvent(
            device_id=self.device_id,
            seq=self.last_seq + 1,
            prev_hash=self.last_hash,
            **fields,  # type: ignore[arg-type]
        )
        signed = sign_event(self._key, event)
        self.last_seq, self.last_hash = event.seq, signed.hash
        return signed
