"""Ed25519 signatures over canonical events, and the checks a receiver runs on a stream.

Each device has its own key pair, made on the device; the server knows the public key.
The signature covers the canonical bytes of the event, which include `prev_hash`, so a
signed stream cannot be reordered, shortened in the middle or spliced.

Keys are `cryptography` objects. The bulk work, signing each new event and checking
stored or uploaded ones, goes through libsodium (PyNaCl): Ed25519 is deterministic
(RFC 8032), so it makes byte for byte the signatures OpenSSL makes (tested), in 60 % of
the time to sign and half the time to verify here (bench/store_append.py), and it
refuses the non-canonical encodings OpenSSL lets through, which no honest client makes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum

import nacl.bindings
import nacl.exceptions
import nacl.signing
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


class DeviceVerifier:
    """One device's public key, ready to check many signatures (libsodium)."""

    def __init__(self, public_key: bytes) -> None:
        self._key = nacl.signing.VerifyKey(public_key)

    def is_valid(self, signed: SignedEvent) -> bool:
        """Whether the signature is the device's over the event's canonical bytes (the
        stored hash is not looked at: see `signature_is_valid`)."""
        try:
            signature = base64.b64decode(signed.signature, validate=True)
            self._key.verify(signed.event.canonical(), signature)
        except (nacl.exceptions.BadSignatureError, binascii.Error, ValueError, TypeError):
            return False
        return True


# A face check's evidence is signed by the same device key as its events. The message
# starts with this domain (an event's canonical bytes start with "{"), so no signature
# made for one can pass as the other.
FACE_BURST_DOMAIN = b"face-burst/v1\n"


def face_burst_message(challenge_id: str, frames: Iterable[tuple[int, bytes]]) -> bytes:
    """What a device signs for a face check: the challenge's one-time id and every
    frame's time and SHA-256, in order."""
    digest = hashlib.sha256(challenge_id.encode() + b"\n")
    for at_ms, jpeg in frames:
        digest.update(b"%d:" % at_ms + hashlib.sha256(jpeg).digest())
    return FACE_BURST_DOMAIN + digest.hexdigest().encode()


def detached_signature_valid(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Whether `signature` is the device's over `message`."""
    try:
        nacl.signing.VerifyKey(public_key).verify(message, signature)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError, ValueError, TypeError):
        return False
    return True


CHUNK_SIZE = 256  # events per checking task: the hand-over (~20 µs) is noise against 256


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def signatures_valid(
    public_key: bytes, signed: Sequence[SignedEvent], workers: int | None = None
) -> list[bool]:
    """Whether each event's signature is the device's, in the order given.

    libsodium releases the GIL while it verifies, and verifying (58 µs an event here) is
    most of the cost of opening a big store and of taking in an upload, so more than one
    chunk of events is checked on several threads. No I/O: the answers are those of
    `DeviceVerifier.is_valid`, one event at a time."""
    verifier = DeviceVerifier(public_key)
    workers = default_workers() if workers is None else workers
    chunks = [signed[start : start + CHUNK_SIZE] for start in range(0, len(signed), CHUNK_SIZE)]
    if workers <= 1 or len(chunks) <= 1:
        return [verifier.is_valid(item) for item in signed]
    with ThreadPoolExecutor(workers, thread_name_prefix="signature-check") as pool:
        answers = pool.map(lambda chunk: [verifier.is_valid(item) for item in chunk], chunks)
        return [ok for chunk in answers for ok in chunk]


def signature_is_valid(public_key: Ed25519PublicKey, signed: SignedEvent) -> bool:
    """The signature and the hash that travels with it both match the event."""
    verifier = DeviceVerifier(public_key_bytes(public_key))
    return verifier.is_valid(signed) and signed.hash == signed.event.hash()


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


@dataclass(frozen=True)
class ChainLink:
    """What checking a chain needs of one event: its number, device and previous hash
    as its own bytes say, the hash that travels with it, the hash of its bytes, and
    whether its signature checked good (None: not checked)."""

    seq: int
    device_id: str
    prev_hash: str
    stored_hash: str
    content_hash: str
    signature_ok: bool | None = None


def link_of(signed: SignedEvent, signature_ok: bool | None = None) -> ChainLink:
    event = signed.event
    return ChainLink(
        seq=event.seq,
        device_id=event.device_id,
        prev_hash=event.prev_hash,
        stored_hash=signed.hash,
        content_hash=event.hash(),
        signature_ok=signature_ok,
    )


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
    verifier = None if public_key is None else DeviceVerifier(public_key_bytes(public_key))
    links = [
        link_of(signed, None if verifier is None else verifier.is_valid(signed))
        for signed in signed_events
    ]
    return verify_links(links, device_id, previous_hash, previous_seq)


def verify_links(
    links: Iterable[ChainLink],
    device_id: str,
    previous_hash: str = GENESIS_HASH,
    previous_seq: int = 0,
) -> list[ChainProblem]:
    """`verify_chain` over what was gathered of each event beforehand: a caller may
    check signatures elsewhere (on several threads), or not at all for some events."""
    problems: list[ChainProblem] = []
    expected_prev, expected_seq = previous_hash, previous_seq + 1
    seen: dict[int, str] = {}
    for link in sorted(links, key=lambda item: item.seq):
        if link.device_id != device_id:
            problems.append(ChainProblem(link.seq, ChainProblemKind.WRONG_DEVICE))
            continue
        if link.seq in seen:
            if seen[link.seq] != link.stored_hash:
                problems.append(ChainProblem(link.seq, ChainProblemKind.DUPLICATE))
            continue  # an identical redelivery is harmless
        seen[link.seq] = link.stored_hash
        if link.seq != expected_seq:
            problems.append(ChainProblem(expected_seq, ChainProblemKind.GAP))
        if link.stored_hash != link.content_hash:
            problems.append(ChainProblem(link.seq, ChainProblemKind.HASH_MISMATCH))
        elif link.signature_ok is False:
            problems.append(ChainProblem(link.seq, ChainProblemKind.BAD_SIGNATURE))
        if link.prev_hash != expected_prev:
            problems.append(ChainProblem(link.seq, ChainProblemKind.BROKEN_LINK))
        expected_prev, expected_seq = link.stored_hash, link.seq + 1
    return problems


class DeviceSigner:
    """One device key, ready to sign many events.

    It signs through libsodium (PyNaCl). Ed25519 signatures are deterministic (RFC 8032),
    so libsodium gives byte for byte the signature `cryptography` (OpenSSL) gives for the
    same key and bytes (tested), in 60 % of the time here: 22 against 36 µs, and the
    chain builder signs every event a device makes (bench/store_append.py). Keys stay
    `cryptography` objects everywhere else."""

    def __init__(self, key: Ed25519PrivateKey) -> None:
        _public, self._secret = nacl.bindings.crypto_sign_seed_keypair(key.private_bytes_raw())

    def sign(self, message: bytes) -> bytes:
        # crypto_sign returns the signature followed by the message
        return nacl.bindings.crypto_sign(message, self._secret)[:SIGNATURE_BYTES]


SIGNATURE_BYTES = 64


class EventChain:
    """Numbers and links a device's new events, without signing them: the chain links
    events by hash, not by signature, so a group can be signed together afterwards
    (on several threads, sync.signatures)."""

    def __init__(self, device_id: str, last_seq: int = 0, last_hash: str = GENESIS_HASH) -> None:
        self.device_id = device_id
        self.last_seq = last_seq
        self.last_hash = last_hash

    def link(self, **fields: object) -> tuple[StudyEvent, str]:
        """The next event and its hash; the chain continues from it."""
        event = StudyEvent(
            device_id=self.device_id,
            seq=self.last_seq + 1,
            prev_hash=self.last_hash,
            **fields,  # type: ignore[arg-type]
        )
        digest = hashlib.sha256(event.canonical()).hexdigest()
        self.last_seq, self.last_hash = event.seq, digest
        return event, digest


def signed_event(event: StudyEvent, digest: str, signature: bytes) -> SignedEvent:
    """A linked event with its raw signature, in the form it is stored and sent."""
    return SignedEvent(
        event=event, hash=digest, signature=base64.b64encode(signature).decode("ascii")
    )


class EventChainBuilder(EventChain):
    """Numbers, links and signs a device's new events (the client side)."""

    def __init__(
        self,
        key: Ed25519PrivateKey,
        device_id: str,
        last_seq: int = 0,
        last_hash: str = GENESIS_HASH,
    ) -> None:
        super().__init__(device_id, last_seq, last_hash)
        self._signer = DeviceSigner(key)

    def next(self, **fields: object) -> SignedEvent:
        event, digest = self.link(**fields)
        return signed_event(event, digest, self._signer.sign(event.canonical()))
