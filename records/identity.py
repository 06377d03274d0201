"""Real-name ID documents: check a number before it is sent, and mask it for display.

The notice (粤人社函〔2023〕339号, Attachment 2, column 证件类型) accepts six document
types. The platform verifies the person against authoritative records; this module only
catches what can be caught offline (typos, wrong document type, impossible dates) and says
precisely what is wrong, in Chinese first and in English for the UI's second language.

Rules that the public standards leave open are decided here, once:

- 居民身份证 (GB 11643-1999): 18 characters, MOD 11-2 check digit. The province (digits
  1-2) must be one of the 31 mainland province-level codes: an ID card is issued where
  the person's household is registered, and GB/T 2260 has no lower-level codes under 71
  (Taiwan), 81 (Hong Kong) or 82 (Macao). The prefecture part (digits 3-4) must not be
  "00", which only a province itself uses. The county part (digits 5-6) may be "00":
  cities without counties (东莞 441900, 中山 442000, 嘉峪关 620200, 儋州 460400) give
  their residents exactly such codes. There is no county table here: the platform's own
  check catches a well-formed but unused code.
- 港澳台居民居住证: the same 18-character structure and check digit, with the address code
  810000 (Hong Kong), 820000 (Macao) or 830000 (Taiwan).
- 外国人永久居留身份证, 2023 card: '9', issuing province (2 digits), nationality (ISO 3166-1
  numeric, 3), birth date (8), sequence (3), MOD 11-2 check digit. The nationality code is
  not checked: we carry no country table.
- 外国人永久居留身份证, 2004/2017 card (15 characters): nationality (ISO 3166-1 alpha-3, 3
  letters), accepting office (4 digits, the first 2 a province code), birth date YYMMDD,
  one digit, and a check digit computed as in ICAO 9303 machine-readable zones (weights
  7-3-1, A=10 ... Z=35, mod 10). Two independent public implementations agree on this
  layout and check digit: a card-reader SDK that derives the old number from a 2023 card
  and a Java validation library. The century of YYMMDD is not stored: the date passes if
  it is a real, not-future date in 19YY or 20YY.
- 港澳居民来往内地通行证: H (Hong Kong) or M (Macao) and the 8-digit lifetime number. Cards of
  the 1999 version appended 2 digits counting renewals; the current card prints that count
  separately. Both forms are accepted and normalised to the 9-character lifetime number.
- 台湾居民来往大陆通行证: the 8-digit lifetime number ("一人一号、终身不变" since 2008-09-25).
  The older booklet number added 2 digits (issue count) and sometimes a bracketed issuing
  office code, e.g. 0561682001(D); it is accepted and normalised to its first 8 digits,
  which are the same person's current number.
- 护照: 5 to 17 letters or digits, spaces removed: passports of every country are accepted.

Input is cleaned the same way for every type: full-width characters typed with a Chinese
input method are folded to ASCII, surrounding whitespace is stripped and letters are upper-
cased. Inner whitespace is refused, except in passport numbers, where it is removed.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Literal

__all__ = [
    "PROBLEM_MESSAGES",
    "IdDocumentType",
    "IdProblem",
    "IdValidation",
    "Language",
    "birth_date_from_id",
    "mask_id_number",
    "problem_message",
    "validate_id",
]

Language = Literal["zh_CN", "en"]


class IdDocumentType(StrEnum):
    """The 证件类型 values of the notice's Attachment 2, spelled as there."""

    RESIDENT_ID_CARD = "居民身份证"
    HK_MACAO_HOME_RETURN_PERMIT = "港澳居民来往内地通行证"
    TAIWAN_TRAVEL_PERMIT = "台湾居民来往大陆通行证"
    PASSPORT = "护照"
    FOREIGN_PERMANENT_RESIDENT_ID = "外国人永久居留身份证"
    HMT_RESIDENCE_PERMIT = "港澳台居民居住证"


class IdProblem(StrEnum):
    """Why a number was refused: one code per distinct message to the user."""

    EMPTY = "empty"
    BAD_CHARACTERS = "bad_characters"
    WRONG_LENGTH = "wrong_length"
    BAD_PREFIX = "bad_prefix"
    OLD_15_DIGIT = "old_15_digit"
    UNKNOWN_REGION = "unknown_region"
    LOOKS_LIKE_RESIDENCE_PERMIT = "looks_like_residence_permit"
    LOOKS_LIKE_FOREIGN_PERMANENT_RESIDENT = "looks_like_foreign_permanent_resident"
    WRONG_REGION_FOR_PERMIT = "wrong_region_for_permit"
    BAD_BIRTH_DATE = "bad_birth_date"
    FUTURE_BIRTH_DATE = "future_birth_date"
    BIRTH_DATE_TOO_EARLY = "birth_date_too_early"
    BAD_CHECK_DIGIT = "bad_check_digit"


@dataclass(frozen=True)
class IdValidation:
    """The outcome of `validate_id`.

    `normalized` is the cleaned number (the one to store and send) whether or not it
    passed; `message` is empty when `ok`, otherwise the Simplified Chinese explanation.
    """

    ok: bool
    normalized: str
    problem: IdProblem | None
    message: str


# --- character sets and codes -------------------------------------------------------

_DIGITS = frozenset(string.digits)
_DIGITS_X = _DIGITS | {"X"}
_LETTERS = frozenset(string.ascii_uppercase)
_ALNUM = _DIGITS | _LETTERS

# GB/T 2260 province-level codes of the mainland, by region (Taiwan 71, HK 81, Macao 82
# are left out: no ID card is issued under them).
_MAINLAND_PROVINCES = frozenset(
    {
        *("11", "12", "13", "14", "15"),  # 华北
        *("21", "22", "23"),  # 东北
        *("31", "32", "33", "34", "35", "36", "37"),  # 华东
        *("41", "42", "43", "44", "45", "46"),  # 中南
        *("50", "51", "52", "53", "54"),  # 西南
        *("61", "62", "63", "64", "65"),  # 西北
    }
)
# Address codes of the residence permits for Hong Kong, Macao and Taiwan residents.
_PERMIT_REGIONS = frozenset({"810000", "820000", "830000"})

_GB11643_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_GB11643_CHECK = "10X98765432"  # indexed by the weighted sum mod 11
_ICAO_WEIGHTS = (7, 3, 1)
_EARLIEST_BIRTH = date(1900, 1, 1)


def _fold_table() -> dict[int, int]:
    """Full-width ASCII (U+FF01-U+FF5E) and the ideographic space to ASCII, letters upper.

    Chinese input methods in full-width mode type ４４０１… and ｘ; folding them is kinder
    than refusing. Only ASCII letters are upper-cased: str.upper() would turn 'ß' into
    'SS' and let a non-ASCII character through as valid letters.
    """
    table = {0x3000: ord(" ")}
    for code in range(0xFF01, 0xFF5F):
        table[code] = ord(chr(code - 0xFEE0).upper())
    for letter in string.ascii_lowercase:
        table[ord(letter)] = ord(letter.upper())
    return table


_FOLD = _fold_table()


def _clean(number: str) -> str:
    return number.translate(_FOLD).strip()


def _all_in(text: str, allowed: frozenset[str]) -> bool:
    return all(char in allowed for char in text)


# --- shared checks -------------------------------------------------------------------


def _gb11643_check_digit(body: str) -> str:
    """GB 11643-1999 (ISO 7064 MOD 11-2) check character of 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(body, _GB11643_WEIGHTS, strict=True))
    return _GB11643_CHECK[total % 11]


def _icao_check_digit(body: str) -> str:
    """ICAO 9303 check digit: digits as themselves, A=10 … Z=35, weights 7-3-1, mod 10."""
    # int(c, 36) maps '0'-'9' to 0-9 and 'A'-'Z' to 10-35, as ICAO does.
    total = sum(int(char, 36) * _ICAO_WEIGHTS[index % 3] for index, char in enumerate(body))
    return str(total % 10)


def _birth_date_problem(yyyymmdd: str, today: date) -> IdProblem | None:
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return IdProblem.BAD_BIRTH_DATE
    if born < _EARLIEST_BIRTH:
        return IdProblem.BIRTH_DATE_TOO_EARLY
    if born > today:
        return IdProblem.FUTURE_BIRTH_DATE
    return None


def _two_digit_year_birth_problem(yymmdd: str, today: date) -> IdProblem | None:
    """A YYMMDD date passes if 19YY or 20YY makes it a real, not-future date."""
    found = {_birth_date_problem(century + yymmdd, today) for century in ("19", "20")}
    if None in found:
        return None
    if IdProblem.FUTURE_BIRTH_DATE in found:
        return IdProblem.FUTURE_BIRTH_DATE
    return IdProblem.BAD_BIRTH_DATE


_RegionRule = Callable[[str, date], IdProblem | None]


def _gb11643_form_problem(number: str, *, refuse_old_15: bool) -> IdProblem | None:
    if not _all_in(number, _DIGITS_X):
        return IdProblem.BAD_CHARACTERS
    if refuse_old_15 and len(number) == 15 and _all_in(number, _DIGITS):
        return IdProblem.OLD_15_DIGIT
    if len(number) != 18:
        return IdProblem.WRONG_LENGTH
    if "X" in number[:17]:
        return IdProblem.BAD_CHARACTERS
    return None


def _gb11643_check_problem(number: str) -> IdProblem | None:
    ok = _gb11643_check_digit(number[:17]) == number[17]
    return None if ok else IdProblem.BAD_CHECK_DIGIT


def _gb11643_problem(
    number: str, today: date, region_problem: _RegionRule, *, refuse_old_15: bool = False
) -> IdProblem | None:
    """The 18-character GB 11643 structure shared by ID card, residence permit and the
    2023 permanent resident card; only the address part differs (`region_problem`).

    Checked from the most to the least specific, so the message points at the cause: a
    wrong region or date would also break the check digit."""
    return (
        _gb11643_form_problem(number, refuse_old_15=refuse_old_15)
        or region_problem(number, today)
        or _birth_date_problem(number[6:14], today)
        or _gb11643_check_problem(number)
    )


# --- per document type -----------------------------------------------------------------


def _permit_region(number: str, today: date) -> IdProblem | None:
    return None if number[:6] in _PERMIT_REGIONS else IdProblem.WRONG_REGION_FOR_PERMIT


def _foreign_2023_region(number: str, today: date) -> IdProblem | None:
    if number[0] != "9":
        return IdProblem.BAD_PREFIX
    return None if number[1:3] in _MAINLAND_PROVINCES else IdProblem.UNKNOWN_REGION


def _resident_region(number: str, today: date) -> IdProblem | None:
    """Mainland address code; a complete number of another type gets its own message,
    so the learner changes the document type instead of retyping a correct number."""
    if number[:2] in _MAINLAND_PROVINCES and number[2:4] != "00":
        return None
    if _gb11643_problem(number, today, _permit_region) is None:
        return IdProblem.LOOKS_LIKE_RESIDENCE_PERMIT
    if _gb11643_problem(number, today, _foreign_2023_region) is None:
        return IdProblem.LOOKS_LIKE_FOREIGN_PERMANENT_RESIDENT
    return IdProblem.UNKNOWN_REGION


def _resident_id(number: str, today: date) -> tuple[IdProblem | None, str]:
    return _gb11643_problem(number, today, _resident_region, refuse_old_15=True), number


def _residence_permit(number: str, today: date) -> tuple[IdProblem | None, str]:
    return _gb11643_problem(number, today, _permit_region), number


def _foreign_2017_problem(number: str, today: date) -> IdProblem | None:
    if not (_all_in(number[:3], _LETTERS) and _all_in(number[3:], _DIGITS)):
        return IdProblem.BAD_CHARACTERS
    if number[3:5] not in _MAINLAND_PROVINCES:
        return IdProblem.UNKNOWN_REGION
    problem = _two_digit_year_birth_problem(number[7:13], today)
    if problem is not None:
        return problem
    if _icao_check_digit(number[:14]) != number[14]:
        return IdProblem.BAD_CHECK_DIGIT
    return None


def _foreign_permanent_resident(number: str, today: date) -> tuple[IdProblem | None, str]:
    if not _all_in(number, _ALNUM):
        return IdProblem.BAD_CHARACTERS, number
    if len(number) == 18:
        return _gb11643_problem(number, today, _foreign_2023_region), number
    if len(number) == 15:
        return _foreign_2017_problem(number, today), number
    return IdProblem.WRONG_LENGTH, number


def _home_return_permit(number: str, today: date) -> tuple[IdProblem | None, str]:
    if not _all_in(number, _ALNUM):
        return IdProblem.BAD_CHARACTERS, number
    if number[0] not in "HM":
        return IdProblem.BAD_PREFIX, number
    if not _all_in(number[1:], _DIGITS):
        return IdProblem.BAD_CHARACTERS, number
    if len(number) not in (9, 11):
        return IdProblem.WRONG_LENGTH, number
    return None, number[:9]  # the lifetime number, without the renewal count


def _split_office_code(number: str) -> str:
    """Drop an old booklet's bracketed issuing-office code: '0561682001(D)' -> digits."""
    if len(number) >= 3 and number[-3] == "(" and number[-1] == ")" and number[-2] in _ALNUM:
        return number[:-3]
    return number


def _taiwan_travel_permit(number: str, today: date) -> tuple[IdProblem | None, str]:
    digits = _split_office_code(number)
    if not _all_in(digits, _DIGITS):
        return IdProblem.BAD_CHARACTERS, number
    if len(digits) == 10 or (len(digits) == 8 and digits == number):
        return None, digits[:8]  # the lifetime number, without issue count and office
    return IdProblem.WRONG_LENGTH, number


def _passport(number: str, today: date) -> tuple[IdProblem | None, str]:
    if not _all_in(number, _ALNUM):
        return IdProblem.BAD_CHARACTERS, number
    if not 5 <= len(number) <= 17:
        return IdProblem.WRONG_LENGTH, number
    return None, number


_VALIDATORS: dict[IdDocumentType, Callable[[str, date], tuple[IdProblem | None, str]]] = {
    IdDocumentType.RESIDENT_ID_CARD: _resident_id,
    IdDocumentType.HK_MACAO_HOME_RETURN_PERMIT: _home_return_permit,
    IdDocumentType.TAIWAN_TRAVEL_PERMIT: _taiwan_travel_permit,
    IdDocumentType.PASSPORT: _passport,
    IdDocumentType.FOREIGN_PERMANENT_RESIDENT_ID: _foreign_permanent_resident,
    IdDocumentType.HMT_RESIDENCE_PERMIT: _residence_permit,
}


def validate_id(document_type: IdDocumentType | str, number: str, *, today: date) -> IdValidation:
    """Check `number` as a document of `document_type`.

    `today` is the caller's local date: birth dates after it are refused. It is a
    required argument so that this stays a pure function (no clock read here), and it
    must be a `date`, not a `datetime`, whose day would depend on its time zone.
    """
    if isinstance(today, datetime) or not isinstance(today, date):
        raise TypeError("today must be a datetime.date (not a datetime)")
    kind = IdDocumentType(document_type)
    cleaned = _clean(number)
    if kind is IdDocumentType.PASSPORT:
        cleaned = "".join(cleaned.split())
    problem: IdProblem | None
    normalized: str
    if not cleaned:
        problem, normalized = IdProblem.EMPTY, cleaned
    else:
        problem, normalized = _VALIDATORS[kind](cleaned, today)
    if problem is None:
        return IdValidation(ok=True, normalized=normalized, problem=None, message="")
    return IdValidation(
        ok=False,
        normalized=normalized,
        problem=problem,
        message=problem_message(problem, "zh_CN", document_type=kind),
    )


def birth_date_from_id(number: str) -> date:
    """The birth date in an 18-character GB 11643 number (居民身份证, 港澳台居民居住证, and
    the 2023 永居证, which share the layout).

    Raises ValueError unless the number is well formed, has a correct check digit and a
    real date: a wrong date must never be shown to the learner as theirs. The future and
    region checks need `validate_id`.
    """
    cleaned = _clean(number)
    well_formed = (
        len(cleaned) == 18
        and _all_in(cleaned[:17], _DIGITS)
        and _gb11643_check_digit(cleaned[:17]) == cleaned[17]
    )
    if not well_formed:
        raise ValueError("not an 18-character ID number with a correct check digit")
    return date(int(cleaned[6:10]), int(cleaned[10:12]), int(cleaned[12:14]))


def mask_id_number(number: str) -> str:
    """The number for display, with its middle replaced by '*', one per character.

    8 characters or more: the first 3 and the last 4 stay ('440***********1234'), enough
    for a learner to recognise their own number. 3 to 7 characters: only the last 2
    stay, so no more than 2 of a short number show. 1 or 2 characters: all are masked,
    so the number is never returned as it was. The length is kept on purpose: it
    tells the learner which document is meant. Pass the normalised number.
    """
    if len(number) >= 8:
        return number[:3] + "*" * (len(number) - 7) + number[-4:]
    shown = 2 if len(number) >= 3 else 0
    return "*" * (len(number) - shown) + number[len(number) - shown :]


# --- messages ------------------------------------------------------------------------

_DOCUMENT_NAMES: dict[str, dict[IdDocumentType | None, str]] = {
    "zh_CN": {
        IdDocumentType.RESIDENT_ID_CARD: "身份证",
        IdDocumentType.HK_MACAO_HOME_RETURN_PERMIT: "港澳居民来往内地通行证",
        IdDocumentType.TAIWAN_TRAVEL_PERMIT: "台湾居民来往大陆通行证",
        IdDocumentType.PASSPORT: "护照",
        IdDocumentType.FOREIGN_PERMANENT_RESIDENT_ID: "外国人永久居留身份证",
        IdDocumentType.HMT_RESIDENCE_PERMIT: "港澳台居民居住证",
        None: "证件",
    },
    "en": {
        IdDocumentType.RESIDENT_ID_CARD: "ID card",
        IdDocumentType.HK_MACAO_HOME_RETURN_PERMIT: "Home Return Permit",
        IdDocumentType.TAIWAN_TRAVEL_PERMIT: "Mainland Travel Permit for Taiwan Residents",
        IdDocumentType.PASSPORT: "passport",
        IdDocumentType.FOREIGN_PERMANENT_RESIDENT_ID: "Foreign Permanent Resident ID Card",
        IdDocumentType.HMT_RESIDENCE_PERMIT: "residence permit",
        None: "document",
    },
}

# What a number of each type looks like, appended to the messages about its form.
_FORMATS: dict[str, dict[IdDocumentType, str]] = {
    "zh_CN": {
        IdDocumentType.RESIDENT_ID_CARD: "18位：前17位是数字，最后一位是数字或X",
        IdDocumentType.HK_MACAO_HOME_RETURN_PERMIT: "字母H（香港）或M（澳门）加8位数字",
        IdDocumentType.TAIWAN_TRAVEL_PERMIT: "8位数字",
        IdDocumentType.PASSPORT: "5至17位英文字母或数字",
        IdDocumentType.FOREIGN_PERMANENT_RESIDENT_ID: (
            "15位（2017年版：3个英文字母加12位数字）"
            "或18位（2023年版：以9开头的数字，最后一位可以是X）"
        ),
        IdDocumentType.HMT_RESIDENCE_PERMIT: "18位：前17位是数字，最后一位是数字或X",
    },
    "en": {
        IdDocumentType.RESIDENT_ID_CARD: "18 characters: 17 digits, then a digit or X",
        IdDocumentType.HK_MACAO_HOME_RETURN_PERMIT: (
            "the letter H (Hong Kong) or M (Macao) followed by 8 digits"
        ),
        IdDocumentType.TAIWAN_TRAVEL_PERMIT: "8 digits",
        IdDocumentType.PASSPORT: "5 to 17 letters or digits",
        IdDocumentType.FOREIGN_PERMANENT_RESIDENT_ID: (
            "15 characters (2017 card: 3 letters and 12 digits) or 18 "
            "(2023 card: digits starting with 9, the last one may be X)"
        ),
        IdDocumentType.HMT_RESIDENCE_PERMIT: "18 characters: 17 digits, then a digit or X",
    },
}
_FORMAT_JOINERS = {"zh_CN": "，应为", "en": "; it should be "}
_FORMAT_PROBLEMS = frozenset(
    {IdProblem.BAD_CHARACTERS, IdProblem.WRONG_LENGTH, IdProblem.BAD_PREFIX}
)

_TEMPLATES: dict[str, dict[IdProblem, str]] = {
    "zh_CN": {
        IdProblem.EMPTY: "请输入{doc}号码",
        IdProblem.BAD_CHARACTERS: "{doc}号码含有不允许的字符（空格、符号、汉字或位置不对的字母）",
        IdProblem.WRONG_LENGTH: "{doc}号码位数不对",
        IdProblem.BAD_PREFIX: "{doc}号码开头不对",
        IdProblem.OLD_15_DIGIT: "这是已停用的15位旧身份证号码，请输入现在使用的18位身份证号码",
        IdProblem.UNKNOWN_REGION: "{doc}号码中的地区代码不存在，请核对",
        IdProblem.LOOKS_LIKE_RESIDENCE_PERMIT: (
            "这是港澳台居民居住证号码，请把证件类型改选为“港澳台居民居住证”"
        ),
        IdProblem.LOOKS_LIKE_FOREIGN_PERMANENT_RESIDENT: (
            "这是外国人永久居留身份证号码，请把证件类型改选为“外国人永久居留身份证”"
        ),
        IdProblem.WRONG_REGION_FOR_PERMIT: (
            "港澳台居民居住证号码应以810000（香港）、820000（澳门）或830000（台湾）开头；"
            "内地居民请选择证件类型“居民身份证”"
        ),
        IdProblem.BAD_BIRTH_DATE: "{doc}号码中的出生日期不是有效日期，请核对",
        IdProblem.FUTURE_BIRTH_DATE: "{doc}号码中的出生日期晚于今天，请核对",
        IdProblem.BIRTH_DATE_TOO_EARLY: "{doc}号码中的出生日期早于1900年，请核对",
        IdProblem.BAD_CHECK_DIGIT: "{doc}号码校验位错误，请核对最后一位",
    },
    "en": {
        IdProblem.EMPTY: "Please enter the {doc} number",
        IdProblem.BAD_CHARACTERS: (
            "The {doc} number contains characters that are not allowed (spaces, symbols, "
            "Chinese characters or a misplaced letter)"
        ),
        IdProblem.WRONG_LENGTH: "The {doc} number has the wrong number of characters",
        IdProblem.BAD_PREFIX: "The {doc} number starts with the wrong character",
        IdProblem.OLD_15_DIGIT: (
            "This is an old 15-digit ID number, no longer in use: "
            "please enter the current 18-digit number"
        ),
        IdProblem.UNKNOWN_REGION: (
            "The region code in the {doc} number does not exist: please check it"
        ),
        IdProblem.LOOKS_LIKE_RESIDENCE_PERMIT: (
            "This is the number of a Residence Permit for Hong Kong, Macao and Taiwan "
            "Residents: please choose that document type"
        ),
        IdProblem.LOOKS_LIKE_FOREIGN_PERMANENT_RESIDENT: (
            "This is the number of a Foreign Permanent Resident ID Card: "
            "please choose that document type"
        ),
        IdProblem.WRONG_REGION_FOR_PERMIT: (
            "A residence permit number for Hong Kong, Macao or Taiwan residents starts with "
            "810000 (Hong Kong), 820000 (Macao) or 830000 (Taiwan); mainland residents "
            "should choose the resident ID card"
        ),
        IdProblem.BAD_BIRTH_DATE: (
            "The date of birth in the {doc} number is not a real date: please check it"
        ),
        IdProblem.FUTURE_BIRTH_DATE: (
            "The date of birth in the {doc} number is after today: please check it"
        ),
        IdProblem.BIRTH_DATE_TOO_EARLY: (
            "The date of birth in the {doc} number is before 1900: please check it"
        ),
        IdProblem.BAD_CHECK_DIGIT: (
            "The check digit of the {doc} number is wrong: please check the last character"
        ),
    },
}


def problem_message(
    problem: IdProblem,
    language: Language = "zh_CN",
    *,
    document_type: IdDocumentType | None = None,
) -> str:
    """The learner-facing explanation of `problem`.

    With `document_type`, the message names the document and, for problems of form
    (characters, length, first letter), says what a correct number looks like.
    """
    if language not in _TEMPLATES:
        raise ValueError(f"unsupported language {language!r}: use 'zh_CN' or 'en'")
    message = _TEMPLATES[language][problem].format(doc=_DOCUMENT_NAMES[language][document_type])
    if document_type is not None and problem in _FORMAT_PROBLEMS:
        message += _FORMAT_JOINERS[language] + _FORMATS[language][document_type]
    return message


# The messages without a document type, per language then problem, for UIs that list them.
PROBLEM_MESSAGES: Mapping[str, Mapping[IdProblem, str]] = MappingProxyType(
    {
        language: MappingProxyType(
            {problem: problem_message(problem, language) for problem in IdProblem}
        )
        for language in ("zh_CN", "en")
    }
)
