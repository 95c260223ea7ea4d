"""Personal information in published text: resident ID, mobile and bank card numbers.

Used by rule 11 (rules/judge.py). Precision matters as much as recall: a finding is an
error that stops publishing, so dates, amounts, region codes (6/9/12 digits),
credit codes, landlines and reference numbers must never match. Hence:
- an ID number needs 18 characters with a province code, a real birth date not
  after the as-of date, and the right ISO 7064 MOD 11-2 check character;
- a mobile number is `1[3-9]` and 9 more digits (3-4-4 groups may be split by one
  space or hyphen), not part of a longer digit run (a `+86` prefix is fine);
- a bank card number is 16-19 digits (or 4-digit groups split by one space or
  hyphen), starting with a card-issuer digit (3, 4, 5, 6 or 9), passing the Luhn
  check, and not shaped like an ID number (those are judged as IDs only).
"""
from __future__ import annotations

import datetime as dt
import re

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
PROVINCES = frozenset(["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82"])
_ID = re.compile(r"(?<!\d)\d{17}[\dXx](?![\dXx])")
_CARD = re.compile(r"(?<!\d)\d{16,19}(?!\d)"
                   r"|(?<!\d)(?<!\d[ -])\d{4}([ -])\d{4}\1\d{4}\1\d{4}(?:\1\d{1,3})?(?!\d)(?!\1\d)")
_MOBILE = re.compile(r"(?:(?<=\+86)|(?<!\d))1[3-9]\d([ -]?)\d{4}\1\d{4}(?!\d)")
CARD_FIRST_DIGITS = "34569"  # major industry identifiers of bank cards used in China


def _birth_date(digits: str, as_of: dt.date) -> bool:
    try:
        born = dt.date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= as_of


def id_shaped(digits: str, as_of: dt.date) -> bool:
    """18 characters with a province code and a plausible birth date (check char not judged)."""
    return len(digits) == 18 and digits[:2] in PROVINCES and _birth_date(digits, as_of)


def id_valid(number: str, as_of: dt.date) -> bool:
    """A resident ID number (GB 11643): shape plus the ISO 7064 MOD 11-2 check character."""
    total = sum(int(c) * w for c, w in zip(number[:17], ID_WEIGHTS))
    return id_shaped(number, as_of) and ID_CHECK[total % 11] == number[17].upper()


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def find_personal_info(text: str, as_of: dt.date) -> list[tuple[int, str, str, str]]:
    """(offset, kind, masked, matched text) for every ID, bank card and mobile number in `text`.
    Checked in that order; a span taken by one kind is not looked at again."""
    found: list[tuple[int, str, str, str]] = []
    taken: list[range] = []

    def add(m: re.Match, kind: str, masked: str) -> None:
        found.append((m.start(), kind, masked, m.group(0)))
        taken.append(range(m.start(), m.end()))

    def free(m: re.Match) -> bool:
        return not any(m.start() < r.stop and r.start < m.end() for r in taken)

    for m in _ID.finditer(text):
        if id_valid(m.group(0), as_of):
            add(m, "身份证号", m.group(0)[:6] + "*" * 8 + m.group(0)[-4:].upper())
    for m in filter(free, _CARD.finditer(text)):
        digits = re.sub(r"\D", "", m.group(0))
        if digits[0] in CARD_FIRST_DIGITS and luhn_valid(digits) and not id_shaped(digits, as_of):
            add(m, "银行卡号", digits[:4] + "*" * (len(digits) - 8) + digits[-4:])
    for m in filter(free, _MOBILE.finditer(text)):
        digits = re.sub(r"\D", "", m.group(0))
        add(m, "手机号", digits[:3] + "****" + digits[-4:])
    return sorted(found)
