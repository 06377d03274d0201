"""Canonical JSON: one byte string per value, so hashes and signatures are reproducible
on any machine and in any language.

Sorted keys, no whitespace, UTF-8 (not \\u escapes), integers only: a float has several
textual forms and rounds differently across platforms, so it is refused outright. Times
are integer milliseconds; a playback rate is integer thousandths.

The standard library's encoder defines the bytes. orjson writes the same bytes for plain
values (proved by a property test) in a tenth of the time, and every event is encoded
when it is made and again wherever it is checked; anything orjson declines (an integer
beyond 64 bits, a lone surrogate) goes to the standard encoder, which says what is wrong.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence

import orjson

JsonValue = None | bool | int | str | Sequence["JsonValue"] | Mapping[str, "JsonValue"]


class CanonicalJsonError(ValueError):
    """A value that has no canonical form (a float, a non-string key, ...)."""


def _is_plain_json(value: object) -> bool:
    """The fast path of `_check`: the same walk without building error paths, which
    cost more than the encoding itself on the hot path (every event is checked)."""
    kind = type(value)
    if value is None or kind in _SCALARS:
        return True
    if kind is dict:
        keys_ok = set(map(type, value)) <= _STR_ONLY  # type: ignore[call-overload]
        return keys_ok and _all_plain(value.values())  # type: ignore[attr-defined]
    if kind is list or kind is tuple:
        return _all_plain(value)  # type: ignore[arg-type]
    return False  # a float, a subclass or a foreign type: `_check` says which and where


def _all_plain(items: Iterable[object]) -> bool:
    # Scalars are tested inline rather than by a call: most values are leaves.
    for item in items:
        if item is None or type(item) in _SCALARS:
            continue
        if not _is_plain_json(item):
            return False
    return True


_SCALARS = frozenset({bool, int, str})
_STR_ONLY = frozenset({str})
# One encoder for every call: json.dumps builds a new one each time it is given options.
_ENCODER = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
)


def _check(value: object, path: str) -> None:
    if value is None or isinstance(value, bool | int | str):
        return
    if isinstance(value, float):
        raise CanonicalJsonError(f"{path}: floats are not allowed, use integer units")
    if isinstance(value, dict):  # json encodes dicts only, not every Mapping
        for key, item in value.items():
            if not isinstance(key, str):
                raise CanonicalJsonError(f"{path}: key {key!r} is not a string")
            _check(item, f"{path}.{key}")
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check(item, f"{path}[{index}]")
        return
    raise CanonicalJsonError(f"{path}: {type(value).__name__} is not JSON")


def canonical_json(value: JsonValue) -> bytes:
    if _is_plain_json(value):
        try:
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:
            pass  # beyond orjson (a huge integer, a lone surrogate): the standard encoder
    else:
        _check(value, "$")  # raises for anything that is not JSON; subclasses pass
    return standard_canonical_json(value)


def standard_canonical_json(value: JsonValue) -> bytes:
    """The defining encoding, by the standard library alone (the value already checked)."""
    text = _ENCODER.encode(value)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise CanonicalJsonError(f"text that is not valid Unicode: {error.reason}") from error


def parse_canonical(data: bytes) -> JsonValue:
    """Parse bytes and insist they were canonical: re-encoding must give the same bytes."""
    value = parse_json(data)
    if canonical_json(value) != data:
        raise CanonicalJsonError("JSON is not in canonical form")
    return value


def parse_json(data: bytes) -> JsonValue:
    """Parse UTF-8 JSON into a value with no floats, without the canonical-form check,
    for a caller that re-encodes the value and compares (the only use). Duplicate keys
    are that caller's to refuse: here the last one wins, and a float under an earlier
    one is dropped with it, as orjson parses."""
    try:
        value: JsonValue = orjson.loads(data)
    except orjson.JSONDecodeError:
        # Beyond orjson (a huge integer, an escaped lone surrogate) or not JSON at all:
        # the standard parser takes it or says why not.
        return _standard_parse(data)
    if not _is_plain_json(value):
        # It holds a float, or an integer beyond 64 bits that orjson made one: the
        # standard parser keeps such an integer exact and refuses a real float.
        return _standard_parse(data)
    return value


def _standard_parse(data: bytes) -> JsonValue:
    try:
        parsed: JsonValue = json.loads(
            data.decode("utf-8"), parse_float=_refuse_float, parse_constant=_refuse_float
        )
        return parsed
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CanonicalJsonError(f"not JSON: {error}") from error


def _refuse_float(text: str) -> float:
    raise CanonicalJsonError(f"floats are not allowed: {text}")
