"""Protection of learners' personal data on the platform server.

GB/T 22239-2019 (等级保护 level 3, 数据保密性) and GB/T 35273-2020 ask that personal
information (ID number, name, phone, face template) be stored encrypted and that
passwords be stored only as salted one-way hashes. This module provides both:

- `FieldCipher`: AES-256-GCM encryption of one column value, bound to its column by the
  `context` ("learner.id_number") given as associated data, so a value copied into
  another column (or row of another kind) does not decrypt. Keys come from configuration,
  never from the database, and are versioned so they can be rotated: every blob names
  the key that wrote it, old keys stay in the keyring for reading, new writes use the
  current one.
- `FieldCipher.lookup_hash`: a keyed HMAC-SHA256 "blind index" of a normalised value, so
  a learner can be found by ID number without decrypting every row and without storing
  an unkeyed hash (an unkeyed hash of an 18-digit ID number is brute-forced in minutes).
- `hash_password` / `verify_password` / `password_needs_rehash`: argon2id.

One configured secret per key id suffices: the AES key and the HMAC key are derived from
it with HKDF-SHA256 under different labels, so neither can be computed from the other.

Blob format (all integers big-endian):

    version (1 byte, = 1) | key id (2 bytes) | nonce (12 random bytes) | ciphertext + tag (16)

The header (version and key id) is authenticated too: it is part of the associated data.

Nothing here logs. No exception message carries a key or a plaintext, and no error is
chained to a lower-level exception that might (a UnicodeDecodeError quotes its bytes).
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import re
import secrets
import struct
import unicodedata
from collections.abc import Callable, Iterable, Mapping

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "FORMAT_VERSION",
    "KEY_LEN",
    "ConfigKeyError",
    "FieldCipher",
    "FieldCryptoError",
    "FieldDecryptionError",
    "default_normaliser",
    "digits_normaliser",
    "dummy_verify_password",
    "generate_master_key",
    "hash_password",
    "master_key_from_config",
    "password_needs_rehash",
    "verify_password",
]

FORMAT_VERSION = 1
KEY_LEN = 32  # AES-256 / HMAC-SHA256 keys, and the configured master keys
NONCE_LEN = 12
TAG_LEN = 16
MAX_KEY_ID = 0xFFFF
_HEADER = struct.Struct(">BH")  # version, key id
MIN_BLOB_LEN = _HEADER.size + NONCE_LEN + TAG_LEN

# HKDF domain separation. The salt is fixed: the master key is already uniformly random
# (RFC 5869 section 3.1), the labels are what keeps the two sub-keys independent.
_HKDF_SALT = b"vocational-learning-platform/field-crypto"
_INFO_ENCRYPTION = b"field-crypto v1: AES-256-GCM column encryption"
_INFO_LOOKUP = b"field-crypto v1: HMAC-SHA256 lookup index"
_LOOKUP_PREFIX = b"field-crypto v1 lookup\x00"

# "learner.id_number", "learner.face_template", "enrolment:phone"... no NUL, no spaces,
# so the context can be framed unambiguously in the HMAC input.
_CONTEXT = re.compile(r"^[A-Za-z0-9_.:/-]{1,128}$")
_HEX_KEY = re.compile(r"^[0-9a-fA-F]{64}$")
_MIN_DISTINCT_KEY_BYTES = 16  # a random 32-byte key has about 30: fewer is a placeholder


class FieldCryptoError(Exception):
    """Base class of this module's errors."""


class FieldDecryptionError(FieldCryptoError, ValueError):
    """A stored value could not be decrypted (wrong key or context, tampered, truncated)."""


class ConfigKeyError(FieldCryptoError, ValueError):
    """A configured key is not a 32-byte key encoded as base64 or hex."""


def default_normaliser(value: str) -> str:
    """NFKC (full-width digits and letters from a Chinese IME become ASCII), strip, upper.

    `upper()` makes the check letter of an ID number ("x" / "X") compare equal; it leaves
    Chinese names unchanged.
    """
    return unicodedata.normalize("NFKC", value).strip().upper()


def digits_normaliser(value: str) -> str:
    """Only the digits (after NFKC): for phone numbers typed with spaces or hyphens."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", value) if ch.isdigit())


class FieldCipher:
    """Encrypts column values with a keyring of versioned master keys.

    `keys` maps a key id (0..65535) to its 32-byte master key; `current_key_id` names the
    key new values are written with. `lookup_key_id` (by default the current key) names
    the key of `lookup_hash`: a lookup column must be re-indexed when it changes, so on a
    rotation of the encryption key keep it pinned to the old id until that is done
    (`lookup_hash(..., key_id=new)` computes the new index values).
    """

    __slots__ = ("_aeads", "_current_key_id", "_lookup_key_id", "_lookup_keys")

    def __init__(
        self,
        keys: Mapping[int, bytes],
        current_key_id: int,
        *,
        lookup_key_id: int | None = None,
    ) -> None:
        if not keys:
            raise ConfigKeyError("the keyring is empty: configure at least one key")
        self._aeads: dict[int, AESGCM] = {}
        self._lookup_keys: dict[int, bytes] = {}
        for key_id, master_key in keys.items():
            _check_key_id(key_id)
            if not isinstance(master_key, bytes) or len(master_key) != KEY_LEN:
                raise ConfigKeyError(f"key id {key_id}: a master key must be {KEY_LEN} bytes")
            encryption_key, lookup_key = _derive_subkeys(master_key)
            self._aeads[key_id] = AESGCM(encryption_key)
            self._lookup_keys[key_id] = lookup_key
        if current_key_id not in self._aeads:
            raise ConfigKeyError(
                f"the current key id {current_key_id} is not in the keyring "
                f"(it holds {_ids(self._aeads)})"
            )
        if lookup_key_id is None:
            lookup_key_id = current_key_id
        if lookup_key_id not in self._lookup_keys:
            raise ConfigKeyError(
                f"the lookup key id {lookup_key_id} is not in the keyring "
                f"(it holds {_ids(self._aeads)})"
            )
        self._current_key_id = current_key_id
        self._lookup_key_id = lookup_key_id

    @classmethod
    def from_config(
        cls,
        keys: Mapping[int, str],
        current_key_id: int,
        *,
        lookup_key_id: int | None = None,
    ) -> FieldCipher:
        """Build from configured key texts (see `master_key_from_config`)."""
        parsed: dict[int, bytes] = {}
        for key_id, text in keys.items():
            try:
                parsed[key_id] = master_key_from_config(text)
            except ConfigKeyError as exc:
                problem = str(exc)
            else:
                continue
            raise ConfigKeyError(f"key id {key_id}: {problem}")
        return cls(parsed, current_key_id, lookup_key_id=lookup_key_id)

    @property
    def current_key_id(self) -> int:
        return self._current_key_id

    @property
    def lookup_key_id(self) -> int:
        return self._lookup_key_id

    @property
    def key_ids(self) -> tuple[int, ...]:
        return tuple(sorted(self._aeads))

    def __repr__(self) -> str:  # never the keys
        return (
            f"<FieldCipher key ids {_ids(self._aeads)}, current {self._current_key_id}, "
            f"lookup {self._lookup_key_id}>"
        )

    # --- encryption -------------------------------------------------------------------

    def encrypt(self, plaintext: bytes, context: str) -> bytes:
        """Encrypt under the current key; a fresh random nonce makes every blob differ."""
        if not isinstance(plaintext, bytes | bytearray | memoryview):
            raise TypeError("encrypt() takes bytes; use encrypt_text() for str")
        _check_context(context)
        header = _HEADER.pack(FORMAT_VERSION, self._current_key_id)
        nonce = secrets.token_bytes(NONCE_LEN)
        sealed = self._aeads[self._current_key_id].encrypt(
            nonce, bytes(plaintext), _associated_data(header, context)
        )
        return header + nonce + sealed

    def decrypt(self, blob: bytes, context: str) -> bytes:
        """Decrypt a blob written for `context`; `FieldDecryptionError` if it cannot be."""
        _check_context(context)
        if not isinstance(blob, bytes | bytearray | memoryview):
            raise FieldDecryptionError(
                f"{context}: the stored value is {type(blob).__name__}, not bytes"
            )
        blob = bytes(blob)
        _version, key_id = self._parse_header(blob, context)
        header = blob[: _HEADER.size]
        nonce = blob[_HEADER.size : _HEADER.size + NONCE_LEN]
        sealed = blob[_HEADER.size + NONCE_LEN :]
        try:
            return self._aeads[key_id].decrypt(nonce, sealed, _associated_data(header, context))
        except InvalidTag:
            pass  # raised outside the handler, so that nothing is chained to the error
        raise FieldDecryptionError(
            f"{context}: authentication failed with key id {key_id} (wrong key, a value "
            "from another column, or the stored value was altered)"
        )

    def encrypt_text(self, text: str, context: str) -> bytes:
        if not isinstance(text, str):
            raise TypeError("encrypt_text() takes str")
        return self.encrypt(text.encode("utf-8"), context)

    def decrypt_text(self, blob: bytes, context: str) -> str:
        plaintext = self.decrypt(blob, context)
        try:
            return plaintext.decode("utf-8")
        except UnicodeDecodeError:
            pass  # raised outside: the UnicodeDecodeError quotes the bytes, never chain it
        raise FieldDecryptionError(
            f"{context}: the decrypted value is not UTF-8 text (was it written with "
            "encrypt() for binary data?)"
        )

    def key_id_of(self, blob: bytes) -> int:
        """The key id a blob was written with (authenticated only by `decrypt`)."""
        _version, key_id = self._parse_header(bytes(blob), "blob", require_known_key=False)
        return key_id

    def needs_reencryption(self, blob: bytes) -> bool:
        """Whether a blob was written with another key than the current one."""
        return self.key_id_of(blob) != self._current_key_id

    def reencrypt(self, blob: bytes, context: str) -> bytes:
        """Decrypt with whichever key wrote it, encrypt again with the current key."""
        return self.encrypt(self.decrypt(blob, context), context)

    def _parse_header(
        self, blob: bytes, context: str, *, require_known_key: bool = True
    ) -> tuple[int, int]:
        if len(blob) < MIN_BLOB_LEN:
            raise FieldDecryptionError(
                f"{context}: the stored value is truncated ({len(blob)} bytes; an encrypted "
                f"value has at least {MIN_BLOB_LEN})"
            )
        version, key_id = _HEADER.unpack_from(blob)
        if version != FORMAT_VERSION:
            raise FieldDecryptionError(
                f"{context}: unknown format version {version} (this server reads "
                f"version {FORMAT_VERSION})"
            )
        if require_known_key and key_id not in self._aeads:
            raise FieldDecryptionError(
                f"{context}: written with key id {key_id}, which is not in the keyring "
                f"(it holds {_ids(self._aeads)}); was a retired key removed too early?"
            )
        return version, key_id

    # --- lookups ----------------------------------------------------------------------

    def lookup_hash(
        self,
        value: str,
        context: str,
        *,
        normalise: Callable[[str], str] = default_normaliser,
        key_id: int | None = None,
    ) -> str:
        """Keyed HMAC-SHA256 (hex) of the normalised value, for an indexed lookup column.

        The context is part of the input, so equal values in two columns do not reveal
        that they are equal. `key_id` (default: the lookup key) serves re-indexing.
        """
        if not isinstance(value, str):
            raise TypeError("lookup_hash() takes str")
        _check_context(context)
        key_id = self._lookup_key_id if key_id is None else key_id
        if key_id not in self._lookup_keys:
            raise ConfigKeyError(
                f"key id {key_id} is not in the keyring (it holds {_ids(self._aeads)})"
            )
        message = (
            _LOOKUP_PREFIX + context.encode("ascii") + b"\x00" + normalise(value).encode("utf-8")
        )
        return hmac.new(self._lookup_keys[key_id], message, hashlib.sha256).hexdigest()


# --- configuration ---------------------------------------------------------------------


def master_key_from_config(text: str) -> bytes:
    """A 32-byte master key from its configured text: base64 (standard or URL-safe,
    padding optional) or 64 hex digits. The messages never repeat the text."""
    if not isinstance(text, str):
        raise ConfigKeyError("the configured key must be text (base64 or hex)")
    stripped = text.strip()
    if not stripped:
        raise ConfigKeyError(
            "no key configured: generate one with "
            "`python -c 'from server.field_crypto import generate_master_key as g; print(g())'`"
        )
    if _HEX_KEY.fullmatch(stripped):
        key = bytes.fromhex(stripped)
    else:
        standard = stripped.replace("-", "+").replace("_", "/")
        standard += "=" * (-len(standard) % 4)
        decoded: bytes | None
        try:
            decoded = base64.b64decode(standard, validate=True)
        except (binascii.Error, ValueError):
            decoded = None  # raised below, outside the handler: nothing chained to the error
        if decoded is None:
            raise ConfigKeyError(
                f"the configured key ({len(stripped)} characters) is neither base64 nor "
                f"{KEY_LEN * 2} hex digits"
            )
        key = decoded
    if len(key) != KEY_LEN:
        raise ConfigKeyError(
            f"the configured key decodes to {len(key)} bytes; it must be {KEY_LEN} bytes "
            f"(base64: 44 characters, hex: {KEY_LEN * 2} digits)"
        )
    if len(set(key)) < _MIN_DISTINCT_KEY_BYTES:
        raise ConfigKeyError(
            "the configured key is not random (too few distinct bytes): it looks like a "
            "placeholder; generate one with generate_master_key()"
        )
    return key


def generate_master_key() -> str:
    """A new random master key, base64-encoded for the configuration file."""
    return base64.b64encode(secrets.token_bytes(KEY_LEN)).decode("ascii")


# --- passwords -------------------------------------------------------------------------

# argon2id with RFC 9106's second recommended option ("low memory": t=3, m=64 MiB, p=4,
# 16-byte salt, 32-byte tag). The first option (m=2 GiB) would let a handful of
# concurrent logins exhaust a small platform server (2 cores, a few GiB) and turn the
# login form into a denial of service; 64 MiB still puts each guess far beyond GPU
# economics and above OWASP's minimum (m=19 MiB, t=2, p=1). It costs about 0.1 s a hash
# here. Parameters live in each hash, so raising them later only needs
# password_needs_rehash() after a successful login.
_PASSWORD_HASHER = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)


@functools.cache
def _dummy_hash() -> str:
    """Verified against when a login names no known account, so that case takes as long."""
    return _PASSWORD_HASHER.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """An argon2id hash (PHC string with its own random salt and parameters)."""
    if not isinstance(password, str):
        raise TypeError("hash_password() takes str")
    return _PASSWORD_HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True if `password` matches; False for a wrong password or an unusable hash.

    Never raises for a wrong password; the comparison is argon2's own (constant time).
    """
    if not isinstance(password_hash, str) or not isinstance(password, str):
        return False
    try:
        return _PASSWORD_HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def dummy_verify_password(password: str) -> bool:
    """Spend a verification's time for an unknown account; always False.

    Call it where a login names no account, so response times do not reveal which
    accounts exist.
    """
    verify_password(_dummy_hash(), password)
    return False


def password_needs_rehash(password_hash: str) -> bool:
    """Whether a (verified) hash was made with other parameters than today's."""
    try:
        return _PASSWORD_HASHER.check_needs_rehash(password_hash)
    except (InvalidHashError, ValueError):
        return True


# --- helpers ---------------------------------------------------------------------------


def _derive_subkeys(master_key: bytes) -> tuple[bytes, bytes]:
    def derive(info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=KEY_LEN, salt=_HKDF_SALT, info=info).derive(
            master_key
        )

    return derive(_INFO_ENCRYPTION), derive(_INFO_LOOKUP)


def _associated_data(header: bytes, context: str) -> bytes:
    return header + context.encode("ascii")


def _check_context(context: str) -> None:
    if not isinstance(context, str) or not _CONTEXT.fullmatch(context):
        raise ValueError(
            "a context names the column, e.g. 'learner.id_number': 1-128 characters of "
            "A-Z a-z 0-9 _ . : / -"
        )


def _check_key_id(key_id: int) -> None:
    if isinstance(key_id, bool) or not isinstance(key_id, int) or not 0 <= key_id <= MAX_KEY_ID:
        raise ConfigKeyError(f"a key id must be an integer from 0 to {MAX_KEY_ID}")


def _ids(ids: Iterable[int]) -> str:
    return ", ".join(str(i) for i in sorted(ids))
