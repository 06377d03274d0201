"""Server-side protection of personal data (server/field_crypto.py)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

import pytest
from argon2 import PasswordHasher
from hypothesis import given, settings
from hypothesis import strategies as st

from server.field_crypto import (
    FORMAT_VERSION,
    MIN_BLOB_LEN,
    NONCE_LEN,
    TAG_LEN,
    ConfigKeyError,
    FieldCipher,
    FieldDecryptionError,
    digits_normaliser,
    dummy_verify_password,
    generate_master_key,
    hash_password,
    master_key_from_config,
    password_needs_rehash,
    verify_password,
)

ID_NUMBER = "11010519491231002X"
CONTEXT = "learner.id_number"
KEY_1 = bytes(range(32))
KEY_2 = bytes(range(100, 132))


@pytest.fixture
def cipher() -> FieldCipher:
    return FieldCipher({1: KEY_1}, current_key_id=1)


def _assert_secret_free(exc: BaseException, *secrets_: str | bytes) -> None:
    rendered = f"{exc} {exc!r} {exc.__cause__!r} {exc.__context__!r}"
    for secret in secrets_:
        text = secret if isinstance(secret, str) else secret.hex()
        assert text not in rendered
    # Not even a suppressed context: error reporters walk __context__ regardless.
    assert exc.__cause__ is None
    assert exc.__context__ is None


# --- encryption -----------------------------------------------------------------------


def test_round_trip_of_text_and_bytes(cipher: FieldCipher) -> None:
    blob = cipher.encrypt_text(ID_NUMBER, CONTEXT)
    assert cipher.decrypt_text(blob, CONTEXT) == ID_NUMBER
    assert cipher.decrypt_text(cipher.encrypt_text("张三", "learner.name"), "learner.name") == (
        "张三"
    )
    template = secrets.token_bytes(512)  # a face template is binary
    assert cipher.decrypt(cipher.encrypt(template, "learner.face"), "learner.face") == template
    assert cipher.decrypt(cipher.encrypt(b"", CONTEXT), CONTEXT) == b""
    # Database drivers hand back bytea/BLOB as bytes or memoryview.
    assert cipher.decrypt(memoryview(blob), CONTEXT) == ID_NUMBER.encode()


@settings(max_examples=50, deadline=None)
@given(
    plaintext=st.binary(max_size=300),
    context=st.from_regex(r"[a-z_]{1,20}\.[a-z_]{1,20}", fullmatch=True),
)
def test_round_trip_property(plaintext: bytes, context: str) -> None:
    cipher = FieldCipher({7: KEY_1}, current_key_id=7)
    blob = cipher.encrypt(plaintext, context)
    assert len(blob) == 3 + NONCE_LEN + len(plaintext) + TAG_LEN
    assert cipher.decrypt(blob, context) == plaintext


def test_blob_layout_version_key_id_nonce(cipher: FieldCipher) -> None:
    blob = cipher.encrypt_text(ID_NUMBER, CONTEXT)
    assert blob[0] == FORMAT_VERSION
    assert int.from_bytes(blob[1:3], "big") == 1
    assert len(blob) == 3 + NONCE_LEN + len(ID_NUMBER) + TAG_LEN
    assert cipher.key_id_of(blob) == 1


def test_every_encryption_differs_random_nonce(cipher: FieldCipher) -> None:
    blobs = [cipher.encrypt_text(ID_NUMBER, CONTEXT) for _ in range(20)]
    assert len(set(blobs)) == 20
    assert len({blob[3 : 3 + NONCE_LEN] for blob in blobs}) == 20
    assert {cipher.decrypt_text(blob, CONTEXT) for blob in blobs} == {ID_NUMBER}


def test_no_plaintext_in_the_blob(cipher: FieldCipher) -> None:
    for text in (ID_NUMBER, "13800138000", "张三丰"):
        plaintext = text.encode()
        blob = cipher.encrypt(plaintext, CONTEXT)
        windows = {plaintext[i : i + 6] for i in range(len(plaintext) - 5)}
        assert not any(window in blob for window in windows), text
    template = bytes(400)  # even a very regular value leaves no trace
    assert bytes(16) not in cipher.encrypt(template, "learner.face")[3 + NONCE_LEN :]


def test_wrong_key_fails_clearly(cipher: FieldCipher) -> None:
    blob = cipher.encrypt_text(ID_NUMBER, CONTEXT)
    other = FieldCipher({1: KEY_2}, current_key_id=1)
    with pytest.raises(FieldDecryptionError, match="authentication failed") as raised:
        other.decrypt_text(blob, CONTEXT)
    _assert_secret_free(raised.value, ID_NUMBER, KEY_1, KEY_2)


def test_unknown_key_id_fails_clearly(cipher: FieldCipher) -> None:
    blob = FieldCipher({9: KEY_2}, current_key_id=9).encrypt_text(ID_NUMBER, CONTEXT)
    with pytest.raises(FieldDecryptionError, match="key id 9") as raised:
        cipher.decrypt(blob, CONTEXT)
    assert "holds 1" in str(raised.value)
    _assert_secret_free(raised.value, ID_NUMBER, KEY_1, KEY_2)


def test_tampering_anywhere_is_detected(cipher: FieldCipher) -> None:
    blob = cipher.encrypt_text(ID_NUMBER, CONTEXT)
    for position in range(len(blob)):
        tampered = bytearray(blob)
        tampered[position] ^= 0x01
        with pytest.raises(FieldDecryptionError) as raised:
            cipher.decrypt(bytes(tampered), CONTEXT)
        _assert_secret_free(raised.value, ID_NUMBER, KEY_1)
    with pytest.raises(FieldDecryptionError, match="format version 2"):
        cipher.decrypt(bytes([2]) + blob[1:], CONTEXT)


def test_a_value_moved_to_another_column_does_not_decrypt(cipher: FieldCipher) -> None:
    blob = cipher.encrypt_text(ID_NUMBER, CONTEXT)
    with pytest.raises(FieldDecryptionError, match=r"learner\.phone") as raised:
        cipher.decrypt_text(blob, "learner.phone")
    _assert_secret_free(raised.value, ID_NUMBER, KEY_1)


def test_truncated_blobs_fail_clearly(cipher: FieldCipher) -> None:
    blob = cipher.encrypt_text(ID_NUMBER, CONTEXT)
    for length in (0, 1, 3, 3 + NONCE_LEN, MIN_BLOB_LEN - 1):
        with pytest.raises(FieldDecryptionError, match="truncated"):
            cipher.decrypt(blob[:length], CONTEXT)
    with pytest.raises(FieldDecryptionError, match="authentication failed"):
        cipher.decrypt(blob[:-1], CONTEXT)  # long enough to parse, but cut short
    with pytest.raises(FieldDecryptionError, match="not bytes"):
        cipher.decrypt(ID_NUMBER, CONTEXT)  # type: ignore[arg-type]


def test_binary_value_read_as_text_fails_without_quoting_it(cipher: FieldCipher) -> None:
    blob = cipher.encrypt(b"\xff\xfe\xfd secret", CONTEXT)
    with pytest.raises(FieldDecryptionError, match="not UTF-8") as raised:
        cipher.decrypt_text(blob, CONTEXT)
    _assert_secret_free(raised.value, "secret", "\\xff", "ff")


def test_contexts_are_checked(cipher: FieldCipher) -> None:
    for bad in ("", "learner id", "learner.id\x00", "身份证", "x" * 129):
        with pytest.raises(ValueError, match="context"):
            cipher.encrypt(b"x", bad)
    with pytest.raises(TypeError):
        cipher.encrypt(ID_NUMBER, CONTEXT)  # type: ignore[arg-type]


# --- rotation -------------------------------------------------------------------------


def test_rotation_old_key_still_reads_new_writes_use_the_current_key() -> None:
    old = FieldCipher({1: KEY_1}, current_key_id=1)
    old_blob = old.encrypt_text(ID_NUMBER, CONTEXT)

    rotated = FieldCipher({1: KEY_1, 2: KEY_2}, current_key_id=2)
    assert rotated.key_ids == (1, 2)
    assert rotated.decrypt_text(old_blob, CONTEXT) == ID_NUMBER
    new_blob = rotated.encrypt_text(ID_NUMBER, CONTEXT)
    assert rotated.key_id_of(new_blob) == 2
    assert rotated.needs_reencryption(old_blob)
    assert not rotated.needs_reencryption(new_blob)

    migrated = rotated.reencrypt(old_blob, CONTEXT)
    assert rotated.key_id_of(migrated) == 2
    assert rotated.decrypt_text(migrated, CONTEXT) == ID_NUMBER

    retired = FieldCipher({2: KEY_2}, current_key_id=2)  # key 1 removed after migration
    assert retired.decrypt_text(migrated, CONTEXT) == ID_NUMBER
    with pytest.raises(FieldDecryptionError, match="key id 1"):
        retired.decrypt(old_blob, CONTEXT)
    with pytest.raises(FieldDecryptionError):
        old.decrypt(new_blob, CONTEXT)


def test_keyring_configuration_errors() -> None:
    with pytest.raises(ConfigKeyError, match="empty"):
        FieldCipher({}, current_key_id=1)
    with pytest.raises(ConfigKeyError, match="32 bytes"):
        FieldCipher({1: KEY_1[:16]}, current_key_id=1)
    with pytest.raises(ConfigKeyError, match="current key id 2"):
        FieldCipher({1: KEY_1}, current_key_id=2)
    with pytest.raises(ConfigKeyError, match="lookup key id 3"):
        FieldCipher({1: KEY_1}, current_key_id=1, lookup_key_id=3)
    for bad_id in (-1, 65536, True):
        with pytest.raises(ConfigKeyError, match="key id"):
            FieldCipher({bad_id: KEY_1}, current_key_id=bad_id)


def test_repr_shows_key_ids_never_keys() -> None:
    cipher = FieldCipher({1: KEY_1, 2: KEY_2}, current_key_id=2)
    text = repr(cipher)
    assert "current 2" in text
    for key in (KEY_1, KEY_2):
        assert key.hex() not in text
        assert base64.b64encode(key).decode() not in text
        assert repr(key) not in text


# --- lookup hashes --------------------------------------------------------------------


def test_lookup_hash_is_stable_hex_and_keyed(cipher: FieldCipher) -> None:
    digest = cipher.lookup_hash(ID_NUMBER, CONTEXT)
    assert len(digest) == 64
    assert int(digest, 16) >= 0
    assert digest == cipher.lookup_hash(ID_NUMBER, CONTEXT)
    assert digest == FieldCipher({1: KEY_1}, current_key_id=1).lookup_hash(ID_NUMBER, CONTEXT)
    assert digest != FieldCipher({1: KEY_2}, current_key_id=1).lookup_hash(ID_NUMBER, CONTEXT)
    assert digest != cipher.lookup_hash(ID_NUMBER, "guardian.id_number")
    assert digest != cipher.lookup_hash("110105194912310038", CONTEXT)
    # Not an unkeyed hash, nor an HMAC under the configured key itself (a derived key).
    assert digest != hashlib.sha256(ID_NUMBER.encode()).hexdigest()
    assert digest != hmac.new(KEY_1, ID_NUMBER.encode(), hashlib.sha256).hexdigest()


def test_lookup_hash_normalises(cipher: FieldCipher) -> None:
    digest = cipher.lookup_hash(ID_NUMBER, CONTEXT)
    assert cipher.lookup_hash("  11010519491231002x\n", CONTEXT) == digest
    full_width = "１１０１０５１９４９１２３１００２ｘ"  # typed with a Chinese IME
    assert cipher.lookup_hash(full_width, CONTEXT) == digest
    phone = cipher.lookup_hash("13800138000", "learner.phone", normalise=digits_normaliser)
    assert phone == cipher.lookup_hash(
        "138 0013-8000", "learner.phone", normalise=digits_normaliser
    )
    assert cipher.lookup_hash(" abc ", "x.y", normalise=str.strip) != cipher.lookup_hash(
        " abc ", "x.y"
    )


def test_lookup_key_stays_pinned_across_an_encryption_key_rotation() -> None:
    before = FieldCipher({1: KEY_1}, current_key_id=1).lookup_hash(ID_NUMBER, CONTEXT)
    rotated = FieldCipher({1: KEY_1, 2: KEY_2}, current_key_id=2, lookup_key_id=1)
    assert rotated.lookup_key_id == 1
    assert rotated.lookup_hash(ID_NUMBER, CONTEXT) == before
    reindexed = rotated.lookup_hash(ID_NUMBER, CONTEXT, key_id=2)
    assert reindexed != before
    assert reindexed == FieldCipher({2: KEY_2}, current_key_id=2).lookup_hash(ID_NUMBER, CONTEXT)
    with pytest.raises(ConfigKeyError, match="key id 5"):
        rotated.lookup_hash(ID_NUMBER, CONTEXT, key_id=5)


# --- configured keys ------------------------------------------------------------------


def test_master_key_from_base64_and_hex() -> None:
    key = secrets.token_bytes(32)
    assert master_key_from_config(base64.b64encode(key).decode()) == key
    assert master_key_from_config(base64.urlsafe_b64encode(key).decode().rstrip("=")) == key
    assert master_key_from_config(key.hex()) == key
    assert master_key_from_config(f"  {key.hex().upper()}\n") == key
    generated = generate_master_key()
    assert len(master_key_from_config(generated)) == 32
    assert generated != generate_master_key()
    cipher = FieldCipher.from_config({1: generated}, current_key_id=1)
    assert cipher.decrypt_text(cipher.encrypt_text("x", CONTEXT), CONTEXT) == "x"


def test_bad_configured_keys_give_clear_errors_without_the_text() -> None:
    short = base64.b64encode(secrets.token_bytes(16)).decode()
    cases = {
        "": "no key configured",
        "   ": "no key configured",
        "not a key at all!": "neither base64 nor",
        short: "16 bytes",
        secrets.token_bytes(32).hex()[:-1] + "!": "neither base64 nor",
        secrets.token_bytes(31).hex() + "zz": "48 bytes",  # 64 characters, not all hex
        "00" * 32: "placeholder",
        base64.b64encode(b"k" * 32).decode(): "placeholder",
    }
    for text, expected in cases.items():
        with pytest.raises(ConfigKeyError, match=expected) as raised:
            master_key_from_config(text)
        if text.strip():
            assert text.strip() not in str(raised.value)
        assert raised.value.__context__ is None
    with pytest.raises(ConfigKeyError, match="key id 3"):
        FieldCipher.from_config({3: short}, current_key_id=3)
    with pytest.raises(ConfigKeyError, match="text"):
        master_key_from_config(secrets.token_bytes(32))  # type: ignore[arg-type]


# --- passwords ------------------------------------------------------------------------


def test_password_hash_verifies_and_contains_no_password() -> None:
    password = "correct horse 电池 staple"
    stored = hash_password(password)
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert password not in stored
    assert "correct" not in stored
    assert verify_password(stored, password) is True
    assert verify_password(stored, password + " ") is False
    assert verify_password(stored, "") is False
    assert hash_password(password) != stored  # a random salt per hash
    assert password_needs_rehash(stored) is False


def test_verify_never_raises() -> None:
    assert verify_password("not a hash", "pw") is False
    assert verify_password("$argon2id$v=19$m=65536,t=3,p=4$xxx", "pw") is False
    assert verify_password("", "pw") is False
    assert verify_password(None, "pw") is False  # type: ignore[arg-type]
    assert dummy_verify_password("anything") is False


def test_weaker_old_hashes_need_a_rehash() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("pw")
    assert verify_password(weak, "pw") is True  # still accepted...
    assert password_needs_rehash(weak) is True  # ...and upgraded at the next login
    assert password_needs_rehash("garbage") is True
