"""Canonical JSON, event shape, the hash chain and Ed25519 signatures."""

from __future__ import annotations

import base64
import collections
import dataclasses
import enum
import json
import types

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from records.canonical import (
    CanonicalJsonError,
    canonical_json,
    parse_canonical,
    parse_json,
    standard_canonical_json,
)
from records.events import (
    GENESIS_HASH,
    EventFormatError,
    EventKind,
    StudyEvent,
    event_from_canonical,
    event_from_payload,
)
from records.signing import (
    ChainProblem,
    ChainProblemKind,
    DeviceSigner,
    DeviceVerifier,
    EventChainBuilder,
    SignedEvent,
    link_of,
    new_device_key,
    private_key_bytes,
    private_key_from_bytes,
    public_key_bytes,
    public_key_from_bytes,
    sign_event,
    signature_is_valid,
    verify_chain,
    verify_links,
)

KEY = new_device_key()
PUBLIC = KEY.public_key()


def progress(**data) -> dict:
    base = {
        "position_ms": 1000,
        "rate_milli": 1000,
        "focused": True,
        "visible": True,
        "playing": True,
    }
    base.update(data)
    return base


def chain(count: int = 5, device: str = "pc-1") -> list[SignedEvent]:
    builder = EventChainBuilder(KEY, device)
    return [
        builder.next(
            kind=EventKind.PROGRESS,
            at_ms=1_000 * i,
            learner_id="l",
            session_id="s",
            course_id="c",
            data=progress(position_ms=1000 * i),
        )
        for i in range(count)
    ]


# -- canonical JSON ------------------------------------------------------------------


def test_canonical_json_is_sorted_compact_utf8() -> None:
    assert canonical_json({"b": 1, "a": ["张三", True, None]}) == (
        '{"a":["张三",true,null],"b":1}'.encode()
    )


def test_canonical_json_encodes_json_like_types_as_their_plain_forms() -> None:
    # Enums, dict subclasses and tuples take the careful path, not the fast one, and
    # must give the same bytes as the plain values they stand for.
    class Level(enum.IntEnum):
        HIGH = 3

    class Colour(enum.StrEnum):
        RED = "red"

    unusual = collections.OrderedDict(tags=(Colour.RED, [1]), level=Level.HIGH)
    assert canonical_json(unusual) == canonical_json({"level": 3, "tags": ["red", [1]]})
    assert canonical_json([Level.HIGH, ("a",)]) == b'[3,["a"]]'
    with pytest.raises(CanonicalJsonError, match=r"\$\[1\]\.x: floats"):
        canonical_json((1, collections.OrderedDict(x=0.5)))
    # A mapping json cannot encode is refused with a clear error, not a TypeError.
    with pytest.raises(CanonicalJsonError, match="mappingproxy is not JSON"):
        canonical_json({"a": types.MappingProxyType({})})


@pytest.mark.parametrize(
    ("value", "message"),
    [(1.5, "floats"), ({1: 2}, "not a string"), ({"a": {1, 2}}, "not JSON"), ([0.1], "floats")],
)
def test_canonical_json_refuses_ambiguous_values(value, message) -> None:
    with pytest.raises(CanonicalJsonError, match=message):
        canonical_json(value)


@pytest.mark.parametrize(
    "data",
    [
        b'{"b":1,"a":2}',
        b'{"a": 1}',
        b'{"a":1.0}',
        b'{"a":1.5,"a":2}',  # a duplicate key, here hiding a float
        b"[NaN]",
        b"-Infinity",
        b"\xff",
        b"{not json",
    ],
)
def test_parse_canonical_refuses_non_canonical_bytes(data: bytes) -> None:
    with pytest.raises(CanonicalJsonError):
        parse_canonical(data)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
        max_leaves=20,
    )
)
def test_canonical_round_trip(value) -> None:
    assert canonical_json(parse_canonical(canonical_json(value))) == canonical_json(value)


_ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]))  # every code point but surrogates
_PLAIN_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(-(2**70), 2**70) | _ANY_TEXT,
    lambda inner: st.lists(inner) | st.tuples(inner, inner) | st.dictionaries(_ANY_TEXT, inner),
    max_leaves=30,
)


@settings(max_examples=500)
@given(_PLAIN_JSON)
def test_the_fast_encoder_writes_the_standard_encoders_bytes(value) -> None:
    # orjson only accelerates: the standard library's encoding is the definition.
    assert canonical_json(value) == standard_canonical_json(value)


def test_integers_beyond_64_bits_are_encoded_by_the_standard_encoder() -> None:
    assert (
        canonical_json({"n": [2**64, -(2**64) - 1]})
        == b'{"n":[18446744073709551616,-18446744073709551617]}'
    )


@pytest.mark.parametrize(
    "value", ["\ud800", {"a": ["x\udfff"]}, collections.OrderedDict(a="\ud800")]
)
def test_a_lone_surrogate_is_refused_clearly(value) -> None:
    # It has no UTF-8 form: a clear error, not a UnicodeEncodeError from deep inside.
    with pytest.raises(CanonicalJsonError, match="not valid Unicode"):
        canonical_json(value)


@given(_PLAIN_JSON, st.booleans(), st.sampled_from([None, 1]))
def test_parsing_agrees_with_the_standard_parser_on_any_layout(value, ascii_only, indent) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only, indent=indent).encode()
    assert parse_json(text) == json.loads(text)


@pytest.mark.parametrize("data", [b"[NaN]", b"Infinity", b'{"a":-Infinity}'])
def test_parsing_refuses_the_non_numbers_json_lets_through(data: bytes) -> None:
    with pytest.raises(CanonicalJsonError, match="floats are not allowed"):
        parse_json(data)


def test_huge_integers_parse_exactly() -> None:
    # orjson reads an integer beyond 64 bits as a float; it must come back exact.
    assert parse_canonical(b"[18446744073709551616]") == [2**64]


# -- event shape ---------------------------------------------------------------------


def test_event_round_trips_through_canonical_bytes() -> None:
    event = chain(1)[0].event
    assert event_from_canonical(event.canonical()) == event
    assert event.key() == ("pc-1", 1)


@pytest.mark.parametrize(
    "spoil",
    [
        lambda raw: raw.replace(b",", b", ", 1),  # whitespace
        lambda raw: b"{" + raw[raw.index(b",") + 1 : -1] + b"," + raw[1 : raw.index(b",")] + b"}",
        lambda raw: raw.replace(b'"seq":1', b'"seq":1e0'),  # a float in disguise
        lambda raw: raw[:-1],  # not JSON
    ],
    ids=["spaced", "unsorted", "float", "truncated"],
)
def test_event_bytes_that_are_not_canonical_are_refused(spoil) -> None:
    event = chain(1)[0].event
    with pytest.raises(CanonicalJsonError):
        event_from_canonical(spoil(event.canonical()))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"seq": 0}, "seq"),
        ({"seq": True}, "seq"),
        ({"at_ms": -1}, "at_ms"),
        ({"device_id": ""}, "device_id"),
        ({"course_id": None}, "course_id"),
        ({"prev_hash": "ABC"}, "prev_hash"),
        ({"prev_hash": "g" * 64}, "prev_hash"),
        ({"data": progress(rate_milli=1.0)}, "rate_milli"),
        ({"data": progress(focused=1)}, "focused"),
        ({"data": {**progress(), "extra": 0.5}}, "floats"),
        ({"kind": "made_up"}, "unknown"),
    ],
)
def test_malformed_events_are_refused(change, message) -> None:
    fields = dict(
        device_id="pc",
        seq=1,
        kind=EventKind.PROGRESS,
        at_ms=0,
        learner_id="l",
        session_id="s",
        course_id="c",
        data=progress(),
    )
    fields.update(change)
    with pytest.raises(EventFormatError, match=message):
        StudyEvent(**fields)


@pytest.mark.parametrize(
    "payload",
    [
        {"seq": 1},
        "not a mapping",
        {**chain(1)[0].event.payload(), "kind": "made_up"},
        {**chain(1)[0].event.payload(), "data": [1]},
    ],
)
def test_malformed_payloads_are_refused(payload) -> None:
    with pytest.raises(EventFormatError):
        event_from_payload(payload)


# -- signatures and the chain --------------------------------------------------------


def test_keys_round_trip_as_raw_bytes() -> None:
    restored = private_key_from_bytes(private_key_bytes(KEY))
    public = public_key_from_bytes(public_key_bytes(restored.public_key()))
    signed = sign_event(restored, chain(1)[0].event)
    assert signature_is_valid(public, signed)


def test_a_valid_chain_has_no_problems() -> None:
    assert verify_chain(PUBLIC, chain(), "pc-1") == []
    assert verify_chain(None, chain(), "pc-1") == []


def test_chain_continues_from_a_known_point() -> None:
    events = chain(5)
    assert verify_chain(PUBLIC, events[3:], "pc-1", events[2].hash, 3) == []
    assert verify_chain(PUBLIC, events[3:], "pc-1") != []


def test_removed_event_is_a_gap_and_a_broken_link() -> None:
    events = chain()
    del events[2]
    kinds = {p.kind for p in verify_chain(PUBLIC, events, "pc-1")}
    assert kinds == {ChainProblemKind.GAP, ChainProblemKind.BROKEN_LINK}


def test_identical_redelivery_is_harmless_but_a_conflicting_one_is_not() -> None:
    events = chain()
    assert verify_chain(PUBLIC, [*events, events[1]], "pc-1") == []
    forged = sign_event(KEY, dataclasses.replace(events[1].event, at_ms=99))
    assert ChainProblem(2, ChainProblemKind.DUPLICATE) in verify_chain(
        PUBLIC, [*events, forged], "pc-1"
    )


def test_event_from_another_device_is_refused() -> None:
    mixed = [*chain(3), *chain(1, device="pc-2")]
    assert ChainProblem(1, ChainProblemKind.WRONG_DEVICE) in verify_chain(PUBLIC, mixed, "pc-1")


def test_edited_event_rehashed_without_the_key_fails_the_signature() -> None:
    events = chain()
    edited = dataclasses.replace(events[2].event, data=progress(position_ms=999_999))
    events[2] = SignedEvent(edited, edited.hash(), events[2].signature)
    problems = verify_chain(PUBLIC, events, "pc-1")
    assert ChainProblem(3, ChainProblemKind.BAD_SIGNATURE) in problems
    assert ChainProblem(4, ChainProblemKind.BROKEN_LINK) in problems


def test_stored_hash_that_does_not_match_is_reported() -> None:
    events = chain()
    events[1] = dataclasses.replace(events[1], hash="0" * 64)
    assert ChainProblem(2, ChainProblemKind.HASH_MISMATCH) in verify_chain(None, events, "pc-1")


def test_signature_from_another_key_or_garbage_is_invalid() -> None:
    event = chain(1)[0].event
    assert not signature_is_valid(PUBLIC, sign_event(new_device_key(), event))
    assert not signature_is_valid(PUBLIC, SignedEvent(event, event.hash(), "not base64!"))
    assert chain(1)[0].event.prev_hash == GENESIS_HASH


@settings(max_examples=200, deadline=None)
@given(seed=st.binary(min_size=32, max_size=32), message=st.binary(max_size=2000))
def test_libsodium_and_openssl_make_the_same_signatures(seed: bytes, message: bytes) -> None:
    # The chain builder signs with libsodium; anyone may check with OpenSSL, and back.
    key = private_key_from_bytes(seed)
    fast = DeviceSigner(key).sign(message)
    assert fast == key.sign(message)
    key.public_key().verify(fast, message)  # raises if OpenSSL disagrees


def test_builder_signatures_are_the_ones_sign_event_makes() -> None:
    for signed in chain(3):
        assert sign_event(KEY, signed.event) == signed


def test_device_verifier_checks_the_signature_only() -> None:
    signed = chain(1)[0]
    verifier = DeviceVerifier(public_key_bytes(PUBLIC))
    assert verifier.is_valid(signed)
    assert verifier.is_valid(dataclasses.replace(signed, hash="0" * 64))  # not its job
    assert not signature_is_valid(PUBLIC, dataclasses.replace(signed, hash="0" * 64))
    other = DeviceVerifier(public_key_bytes(new_device_key().public_key()))
    assert not other.is_valid(signed)
    assert not verifier.is_valid(dataclasses.replace(signed, signature="AAAA"))  # too short


def test_links_carry_signature_answers_given_beforehand() -> None:
    events = chain(4)
    flagged = events[2]
    links = [link_of(s, signature_ok=s is not flagged) for s in events]
    assert verify_links(links, "pc-1") == [ChainProblem(3, ChainProblemKind.BAD_SIGNATURE)]
    # Not checked (None) is not bad: a store leaves the server-acknowledged ones alone.
    foreign = sign_event(new_device_key(), events[1].event)
    unchecked = [link_of(s) for s in (events[0], foreign, *events[2:])]
    assert verify_links(unchecked, "pc-1") == []
    assert ChainProblem(2, ChainProblemKind.BAD_SIGNATURE) in verify_chain(
        PUBLIC, [events[0], foreign, *events[2:]], "pc-1"
    )


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_changing_any_byte_of_a_signed_event_breaks_verification(data) -> None:
    signed = chain(2)[1]
    raw = bytearray(signed.event.canonical())
    index = data.draw(st.integers(0, len(raw) - 1))
    raw[index] = (raw[index] + data.draw(st.integers(1, 255))) % 256
    try:
        tampered = event_from_canonical(bytes(raw))
    except (CanonicalJsonError, EventFormatError, ValueError):
        return  # no longer even an event: refused at parsing
    assert not signature_is_valid(PUBLIC, SignedEvent(tampered, tampered.hash(), signed.signature))
    signature = bytearray(base64.b64decode(signed.signature))
    signature[index % len(signature)] ^= 1 << data.draw(st.integers(0, 7))
    resigned = base64.b64encode(bytes(signature)).decode()
    assert not signature_is_valid(PUBLIC, SignedEvent(signed.event, signed.hash, resigned))
