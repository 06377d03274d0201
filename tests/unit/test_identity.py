"""records.identity: ID numbers are checked with a specific reason, and masked for display.

Valid numbers are built here with an independent MOD 11-2 implementation (the ISO 7064
definition, weights 2^k mod 11, not the module's weight table), and checked against the
sample numbers published in GB 11643-1999. No display or Qt is used.
"""

from __future__ import annotations

import ast
import dataclasses
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from records.identity import (
    PROBLEM_MESSAGES,
    IdDocumentType,
    IdProblem,
    IdValidation,
    birth_date_from_id,
    mask_id_number,
    problem_message,
    validate_id,
)

TODAY = date(2024, 6, 1)
ID = IdDocumentType.RESIDENT_ID_CARD
PERMIT = IdDocumentType.HMT_RESIDENCE_PERMIT
FOREIGN = IdDocumentType.FOREIGN_PERMANENT_RESIDENT_ID
HOME_RETURN = IdDocumentType.HK_MACAO_HOME_RETURN_PERMIT
TAIWAN = IdDocumentType.TAIWAN_TRAVEL_PERMIT
PASSPORT = IdDocumentType.PASSPORT

MAINLAND_PROVINCES = [
    f"{code}"
    for first, last in ((11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65))
    for code in range(first, last + 1)
]


def mod11_2(body: str) -> str:
    """ISO 7064 MOD 11-2: the check value c makes sum(a_i * 2^(i-1)) + c ≡ 1 (mod 11),
    positions counted from the right, the check character being position 1."""
    total = sum(int(digit) * pow(2, 17 - index, 11) for index, digit in enumerate(body))
    value = (1 - total) % 11
    return "X" if value == 10 else str(value)


def gb(body: str) -> str:
    assert len(body) == 17
    return body + mod11_2(body)


def icao(body: str) -> str:
    """ICAO 9303 check digit, written out: '0'-'9' -> 0-9, 'A'-'Z' -> 10-35, 7-3-1."""
    values = [ord(c) - ord("0") if c.isdigit() else ord(c) - ord("A") + 10 for c in body]
    return body + str(sum(v * (7, 3, 1)[i % 3] for i, v in enumerate(values)) % 10)


def check(document_type: IdDocumentType | str, number: str, today: date = TODAY) -> IdValidation:
    return validate_id(document_type, number, today=today)


def refused(document_type: IdDocumentType, number: str, today: date = TODAY) -> IdProblem | None:
    result = check(document_type, number, today)
    assert not result.ok
    assert result.message == problem_message(
        result.problem, "zh_CN", document_type=IdDocumentType(document_type)
    )
    return result.problem


def wrong_last(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


# --- 居民身份证 -----------------------------------------------------------------------


def test_the_published_gb11643_samples() -> None:
    # GB 11643-1999 gives these two as examples of correct numbers.
    assert check(ID, "11010519491231002X").ok
    # Its check digit is right, but 1880 is before the 1900 limit we set.
    assert check(ID, "440524188001010014").problem is IdProblem.BIRTH_DATE_TOO_EARLY


def test_a_valid_number_passes_with_no_message() -> None:
    number = gb("44010619900101123")
    assert check(ID, number) == IdValidation(ok=True, normalized=number, problem=None, message="")


def test_lowercase_x_is_accepted_and_normalised_to_upper() -> None:
    result = check(ID, "11010519491231002x")
    assert result.ok and result.normalized == "11010519491231002X"


def test_surrounding_whitespace_and_full_width_digits_are_cleaned() -> None:
    number = gb("44010619900101123")
    assert check(ID, f"  {number}\t\n").normalized == number
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    assert check(ID, "\u3000" + full_width).normalized == number
    assert check(ID, "11010519491231002ｘ").normalized == "11010519491231002X"


def test_inner_whitespace_letters_and_a_misplaced_x_are_bad_characters() -> None:
    number = gb("44010619900101123")
    for bad in (
        number[:6] + " " + number[6:],
        number[:6] + "\u3000" + number[6:],
        "44010619900101123A",
    ):
        assert refused(ID, bad) is IdProblem.BAD_CHARACTERS
    assert refused(ID, "4401061990010X1234") is IdProblem.BAD_CHARACTERS
    assert "不允许的字符" in check(ID, "4401-0619900101123").message


def test_empty_input_is_its_own_problem() -> None:
    for empty in ("", "   ", "\u3000"):
        assert refused(ID, empty) is IdProblem.EMPTY
    assert check(ID, "").message == "请输入身份证号码"


def test_a_15_digit_number_must_be_upgraded() -> None:
    assert refused(ID, "440106900101123") is IdProblem.OLD_15_DIGIT
    assert "18位" in check(ID, "440106900101123").message


def test_other_lengths_are_wrong_length() -> None:
    for bad in ("4401061990010112", "44010619900101123", "4401061990010112345", "44010619900101X"):
        assert refused(ID, bad) is IdProblem.WRONG_LENGTH
    assert "应为18位" in check(ID, "4401061990").message


@pytest.mark.parametrize(
    "body",
    [
        "99010619900101123",  # no province 99
        "71010019900101123",  # Taiwan: no ID card is issued with 71
        "81000119900101123",  # 81, but not a residence permit's 810000
        "44000019900101123",  # a province code, not a person's
        "44003019900101123",  # prefecture part 00
        "90010619900101123",  # starts with 9, but no province 00 for a permanent resident
    ],
)
def test_unknown_regions_are_refused(body: str) -> None:
    assert refused(ID, gb(body)) is IdProblem.UNKNOWN_REGION


def test_cities_without_counties_have_county_part_00() -> None:
    for body in ("44190019900101123", "44200019900101123", "62020019900101123"):
        assert check(ID, gb(body)).ok, body


def test_every_mainland_province_is_accepted() -> None:
    for province in MAINLAND_PROVINCES:
        assert check(ID, gb(province + "010119900101123")).ok, province


def test_a_residence_permit_number_entered_as_an_id_card_says_so() -> None:
    permit = gb("81000019900101123")
    assert refused(ID, permit) is IdProblem.LOOKS_LIKE_RESIDENCE_PERMIT
    assert "港澳台居民居住证" in check(ID, permit).message


def test_a_permanent_resident_number_entered_as_an_id_card_says_so() -> None:
    foreign = gb("94439819900101002")
    assert refused(ID, foreign) is IdProblem.LOOKS_LIKE_FOREIGN_PERMANENT_RESIDENT
    assert "外国人永久居留身份证" in check(ID, foreign).message


@pytest.mark.parametrize("birth", ["19900230", "19901301", "19900001", "19900100", "00000101"])
def test_impossible_birth_dates(birth: str) -> None:
    assert refused(ID, gb(f"440106{birth}123")) is IdProblem.BAD_BIRTH_DATE


def test_birth_date_limits() -> None:
    assert check(ID, gb("44010620240601123"), today=TODAY).ok  # born today
    assert refused(ID, gb("44010620240602123")) is IdProblem.FUTURE_BIRTH_DATE
    assert check(ID, gb("44010620240602123"), today=date(2024, 6, 2)).ok
    assert check(ID, gb("44010619000101123")).ok
    assert refused(ID, gb("44010618991231123")) is IdProblem.BIRTH_DATE_TOO_EARLY
    assert "晚于今天" in check(ID, gb("44010620240602123")).message


def test_a_wrong_check_digit_has_the_specific_message() -> None:
    number = wrong_last(gb("44010619900101123"))
    assert refused(ID, number) is IdProblem.BAD_CHECK_DIGIT
    assert check(ID, number).message == "身份证号码校验位错误，请核对最后一位"
    # X where the check value is a digit, and a digit where it is X.
    assert mod11_2("44010619900101123") != "X"
    assert refused(ID, "44010619900101123X") is IdProblem.BAD_CHECK_DIGIT
    assert refused(ID, "110105194912310020") is IdProblem.BAD_CHECK_DIGIT


# --- 港澳台居民居住证 -----------------------------------------------------------------


def test_residence_permits_of_the_three_regions() -> None:
    for region in ("810000", "820000", "830000"):
        number = gb(region + "19900101123")
        assert check(PERMIT, number).ok, region
        assert check(PERMIT, number.lower()).normalized == number


def test_a_residence_permit_needs_its_region_code() -> None:
    for body in ("44010619900101123", "81000119900101123", "84000019900101123"):
        assert refused(PERMIT, gb(body)) is IdProblem.WRONG_REGION_FOR_PERMIT
    assert "居民身份证" in check(PERMIT, gb("44010619900101123")).message


def test_residence_permit_structure_dates_and_check_digit() -> None:
    assert refused(PERMIT, "") is IdProblem.EMPTY
    assert refused(PERMIT, "810000900101123") is IdProblem.WRONG_LENGTH  # no 15-digit form
    assert refused(PERMIT, "81000019900101123 ") is IdProblem.WRONG_LENGTH
    assert refused(PERMIT, "8100001990010112A4") is IdProblem.BAD_CHARACTERS
    assert refused(PERMIT, gb("81000019900230123")) is IdProblem.BAD_BIRTH_DATE
    assert refused(PERMIT, gb("81000020300101123")) is IdProblem.FUTURE_BIRTH_DATE
    bad = wrong_last(gb("82000019900101123"))
    assert refused(PERMIT, bad) is IdProblem.BAD_CHECK_DIGIT
    assert check(PERMIT, bad).message == "港澳台居民居住证号码校验位错误，请核对最后一位"


# --- 外国人永久居留身份证 ---------------------------------------------------------------


def test_published_permanent_resident_samples_of_both_formats() -> None:
    # Samples from a public validation library: Kazakhstan (KAZ / 398), Beijing, 1990-12-31.
    assert check(FOREIGN, "KAZ110090123105").ok
    assert check(FOREIGN, "911398199012310021").ok
    assert refused(FOREIGN, "KAZ110090123107") is IdProblem.BAD_CHECK_DIGIT
    assert refused(FOREIGN, "911398199012310022") is IdProblem.BAD_CHECK_DIGIT


def test_2023_format() -> None:
    number = gb("94439819900101002")
    assert check(FOREIGN, number).ok
    with_x = next(
        gb(f"94439819900101{seq:03d}")
        for seq in range(1000)
        if mod11_2(f"94439819900101{seq:03d}") == "X"
    )
    assert check(FOREIGN, with_x.lower()).normalized == with_x
    assert refused(FOREIGN, gb("44039819900101002")) is IdProblem.BAD_PREFIX
    assert "以9开头" in check(FOREIGN, gb("44039819900101002")).message
    assert refused(FOREIGN, gb("99939819900101002")) is IdProblem.UNKNOWN_REGION
    assert refused(FOREIGN, gb("94439819900231002")) is IdProblem.BAD_BIRTH_DATE
    assert refused(FOREIGN, gb("94439820250101002")) is IdProblem.FUTURE_BIRTH_DATE
    assert refused(FOREIGN, gb("94439818990101002")) is IdProblem.BIRTH_DATE_TOO_EARLY
    assert refused(FOREIGN, "9443981990010100A2") is IdProblem.BAD_CHARACTERS
    assert refused(FOREIGN, wrong_last(number)) is IdProblem.BAD_CHECK_DIGIT


def test_2017_format() -> None:
    number = icao("USA44008507011")
    assert check(FOREIGN, number).ok
    assert check(FOREIGN, " " + number.lower() + " ").normalized == number
    assert refused(FOREIGN, icao("US144008507011")) is IdProblem.BAD_CHARACTERS
    assert refused(FOREIGN, "USA4400850701A1") is IdProblem.BAD_CHARACTERS
    assert refused(FOREIGN, icao("USA99008507011")) is IdProblem.UNKNOWN_REGION
    assert refused(FOREIGN, icao("USA44008502311")) is IdProblem.BAD_BIRTH_DATE
    assert refused(FOREIGN, wrong_last(number)) is IdProblem.BAD_CHECK_DIGIT


def test_2017_format_two_digit_years() -> None:
    # 29 February 00 exists only as 2000-02-29.
    leap_2000 = icao("GBR31000002291")
    assert check(FOREIGN, leap_2000).ok
    assert refused(FOREIGN, leap_2000, today=date(1999, 12, 31)) is IdProblem.FUTURE_BIRTH_DATE
    # 29 February 01 exists in neither century.
    assert refused(FOREIGN, icao("GBR31000102291")) is IdProblem.BAD_BIRTH_DATE
    # Both 1960 and 2060 are in the future of 1950.
    assert refused(FOREIGN, icao("DEU11006001011"), today=date(1950, 1, 1)) is (
        IdProblem.FUTURE_BIRTH_DATE
    )


def test_permanent_resident_characters_and_lengths() -> None:
    assert refused(FOREIGN, "") is IdProblem.EMPTY
    assert refused(FOREIGN, "USA-4400850701") is IdProblem.BAD_CHARACTERS
    assert refused(FOREIGN, "USA 44008507011") is IdProblem.BAD_CHARACTERS
    for bad in ("USA4400850701", "9443981990010100", "94439819900101002X1"):
        assert refused(FOREIGN, bad) is IdProblem.WRONG_LENGTH
    assert "15位" in check(FOREIGN, "USA4400850701").message


# --- 港澳居民来往内地通行证 -------------------------------------------------------------


def test_home_return_permit_current_and_old_forms() -> None:
    assert check(HOME_RETURN, "H12345678").normalized == "H12345678"
    assert check(HOME_RETURN, " m87654321 ").normalized == "M87654321"
    # The 1999 card appended the renewal count; the lifetime number is the first 9.
    old = check(HOME_RETURN, "H1234567801")
    assert old.ok and old.normalized == "H12345678"


def test_home_return_permit_refusals() -> None:
    assert refused(HOME_RETURN, "") is IdProblem.EMPTY
    for bad in ("C12345678", "12345678", "912345678"):
        assert refused(HOME_RETURN, bad) is IdProblem.BAD_PREFIX
    assert "H（香港）或M（澳门）" in check(HOME_RETURN, "C12345678").message
    for bad in ("H1234567A", "HM2345678", "H-12345678", "H 12345678"):
        assert refused(HOME_RETURN, bad) is IdProblem.BAD_CHARACTERS
    for bad in ("H1234567", "H123456789", "H123456789012", "H"):
        assert refused(HOME_RETURN, bad) is IdProblem.WRONG_LENGTH


# --- 台湾居民来往大陆通行证 -------------------------------------------------------------


def test_taiwan_travel_permit_current_and_old_forms() -> None:
    assert check(TAIWAN, "12345678").normalized == "12345678"
    for old in ("1234567801", "1234567801(B)", "1234567801（ｂ）", "1234567801(7)"):
        result = check(TAIWAN, old)
        assert result.ok and result.normalized == "12345678", old


def test_taiwan_travel_permit_refusals() -> None:
    assert refused(TAIWAN, " ") is IdProblem.EMPTY
    for bad in ("1234567A", "T1234567", "1234 5678", "1234567801(B", "1234567801(+)"):
        assert refused(TAIWAN, bad) is IdProblem.BAD_CHARACTERS
    for bad in ("1234567", "123456789", "12345678901", "12345678(B)", "(B)"):
        assert refused(TAIWAN, bad) is IdProblem.WRONG_LENGTH
    assert "8位数字" in check(TAIWAN, "1234567").message


# --- 护照 -------------------------------------------------------------------------------


def test_passports() -> None:
    assert check(PASSPORT, "E12345678").ok
    assert check(PASSPORT, " e 1234 5678 ").normalized == "E12345678"
    assert check(PASSPORT, "EA1234567").ok
    assert check(PASSPORT, "A1B2C").ok
    assert check(PASSPORT, "A" * 17).ok
    assert refused(PASSPORT, "   ") is IdProblem.EMPTY
    assert refused(PASSPORT, "A1B2") is IdProblem.WRONG_LENGTH
    assert refused(PASSPORT, "A" * 18) is IdProblem.WRONG_LENGTH
    for bad in ("E1234-5678", "护照12345678", "ABßCD", "E12345678."):
        assert refused(PASSPORT, bad) is IdProblem.BAD_CHARACTERS
    assert "5至17位" in check(PASSPORT, "A1B2").message


# --- the API ----------------------------------------------------------------------------


def test_document_types_are_the_notice_s_names() -> None:
    assert [t.value for t in IdDocumentType] == [
        "居民身份证",
        "港澳居民来往内地通行证",
        "台湾居民来往大陆通行证",
        "护照",
        "外国人永久居留身份证",
        "港澳台居民居住证",
    ]
    assert check("居民身份证", "11010519491231002X").ok
    with pytest.raises(ValueError):
        check("驾驶证", "11010519491231002X")


def test_today_is_a_required_date() -> None:
    with pytest.raises(TypeError):
        validate_id(ID, "11010519491231002X")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        validate_id(ID, "11010519491231002X", today=datetime(2024, 6, 1, 12))
    with pytest.raises(TypeError):
        validate_id(ID, "11010519491231002X", today="2024-06-01")  # type: ignore[arg-type]


def test_the_result_is_frozen() -> None:
    result = check(ID, "11010519491231002X")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.ok = False  # type: ignore[misc]


def test_every_problem_has_a_message_in_both_languages() -> None:
    for language in ("zh_CN", "en"):
        for document_type in (None, *IdDocumentType):
            for problem in IdProblem:
                message = problem_message(problem, language, document_type=document_type)
                assert message and "{" not in message
                if language == "en":
                    assert message.isascii(), message
                else:
                    assert any("\u4e00" <= c <= "\u9fff" for c in message), message
    assert set(PROBLEM_MESSAGES) == {"zh_CN", "en"}
    assert set(PROBLEM_MESSAGES["en"]) == set(IdProblem)
    assert (
        PROBLEM_MESSAGES["zh_CN"][IdProblem.BAD_CHECK_DIGIT] == "证件号码校验位错误，请核对最后一位"
    )
    with pytest.raises(TypeError):
        PROBLEM_MESSAGES["en"][IdProblem.EMPTY] = "x"  # type: ignore[index]


def test_messages_name_the_document_and_its_format() -> None:
    assert problem_message(IdProblem.BAD_CHECK_DIGIT) == "证件号码校验位错误，请核对最后一位"
    assert problem_message(IdProblem.WRONG_LENGTH, "en", document_type=PASSPORT) == (
        "The passport number has the wrong number of characters; "
        "it should be 5 to 17 letters or digits"
    )
    # The format is only added to problems about the number's form.
    assert problem_message(IdProblem.FUTURE_BIRTH_DATE, document_type=ID) == (
        "身份证号码中的出生日期晚于今天，请核对"
    )
    with pytest.raises(ValueError):
        problem_message(IdProblem.EMPTY, "fr")  # type: ignore[arg-type]


def test_birth_date_from_id() -> None:
    assert birth_date_from_id("11010519491231002x") == date(1949, 12, 31)
    assert birth_date_from_id(gb("83000020000229123")) == date(2000, 2, 29)
    for bad in ("110105194912310020", "11010519491231002", "1101051949123100AX", ""):
        with pytest.raises(ValueError):
            birth_date_from_id(bad)
    with pytest.raises(ValueError):
        birth_date_from_id(gb("44010619900230123"))  # right check digit, no such day


# --- masking ----------------------------------------------------------------------------


def test_mask_keeps_the_first_3_and_last_4() -> None:
    assert mask_id_number("440106199001011234") == "440***********1234"
    assert mask_id_number("H12345678") == "H12**5678"
    assert mask_id_number("12345678") == "123*5678"


def test_mask_of_short_numbers_keeps_only_the_last_2() -> None:
    assert mask_id_number("ABCDEFG") == "*****FG"
    assert mask_id_number("ABC") == "*BC"
    assert mask_id_number("AB") == "**"
    assert mask_id_number("A") == "*"
    assert mask_id_number("") == ""


def test_a_masked_id_never_shows_the_birth_date_or_sequence() -> None:
    number = gb("44010619870623951")
    masked = mask_id_number(number)
    assert masked == "440" + "*" * 11 + number[-4:]
    assert "19870623" not in masked and "0106" not in masked


@given(st.text(min_size=8))
def test_mask_reveals_at_most_the_first_3_and_last_4(number: str) -> None:
    masked = mask_id_number(number)
    assert len(masked) == len(number)
    assert masked[:3] == number[:3]
    assert masked[-4:] == number[-4:]
    assert masked[3:-4] == "*" * (len(number) - 7)


@given(st.text(min_size=1, max_size=7))
def test_short_numbers_are_never_returned_unmasked(number: str) -> None:
    masked = mask_id_number(number)
    assert len(masked) == len(number)
    assert masked.startswith("*")
    revealed = masked.lstrip("*")
    assert len(revealed) <= 2 and number.endswith(revealed)


# --- properties of the check digit ------------------------------------------------------


@st.composite
def id_bodies(draw: st.DrawFn) -> str:
    province = draw(st.sampled_from(MAINLAND_PROVINCES))
    prefecture = draw(st.integers(1, 99))
    county = draw(st.integers(0, 99))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    sequence = draw(st.integers(0, 999))
    return f"{province}{prefecture:02d}{county:02d}{born:%Y%m%d}{sequence:03d}"


@given(id_bodies())
def test_a_computed_check_digit_validates_and_any_single_change_fails(body: str) -> None:
    number = gb(body)
    result = check(ID, number)
    assert result.ok and result.normalized == number, result
    assert birth_date_from_id(number) == date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    for position, original in enumerate(number):
        replacements = "0123456789X" if position == 17 else "0123456789"
        for replacement in replacements.replace(original, ""):
            changed = number[:position] + replacement + number[position + 1 :]
            assert not check(ID, changed).ok, changed


@given(id_bodies())
def test_a_mainland_number_is_never_a_residence_permit(body: str) -> None:
    assert check(PERMIT, gb(body)).problem is IdProblem.WRONG_REGION_FOR_PERMIT


# --- purity -----------------------------------------------------------------------------


def test_the_module_imports_only_the_standard_library() -> None:
    source = Path(__file__).resolve().parents[2] / "records" / "identity.py"
    roots = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            roots.add(node.module.split(".")[0])
    assert roots - {"__future__"} <= set(sys.stdlib_module_names), roots
