"""Personal information in published text: resident ID, mobile and bank card numbers.

Used by rule 11 (rules/judge.py). Precision matters as much as recall: a finding is an
error that stops publishing, so dates, amounts, region codes (6/9/12 digits),
credit codes, landlines and reference numbers must never match. Hence:
- text is normalised first (NFKC: full-width digits, spaces, plus and hyphens
  become ASCII; every dash-like character becomes `-`), and digits split by
  spaces or hyphens are read as one number, group by group;
- an ID number is 18 characters with a province code and a real birth date not
  after the as-of date, whatever its check character (a mistyped check digit is
  still somebody's ID); 15-digit pre-1999 IDs are not judged: too many reference
  numbers share their shape;
- a mobile number is `1[3-9]` and 9 more digits, written whole or as 3-4-4, 3-8
  or 7-4 groups, optionally after `86`/`0086` (`+86`);
- a bank card number is 16-19 digits, whole or in 4-digit groups, with the
  issuer prefix of a card used in China, passing the Luhn check, and not shaped
  like an ID number (those are judged as IDs only).
A number is only taken from a longer run of groups at a space, never from the
middle of a hyphenated number (`0830-12345678` stays a landline).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
PROVINCES = frozenset(["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82"])
# Issuer prefixes of cards used in China: UnionPay 62/81, Visa 4, Mastercard 51-55 and 2221-2720,
# JCB 35, Discover/UnionPay 60/65, and the old domestic debit cards of the big banks (95xx).
CARD_PREFIXES = ("4", "51", "52", "53", "54", "55", "35", "60", "62", "65", "81", "95")
MOBILE_SHAPES = frozenset([(11,), (3, 4, 4), (3, 8), (7, 4)])
MAX_GROUPS = 6  # no number judged here is written in more groups (a card: 4-4-4-4-3)

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\ufe58\ufe63"), "-")
_SEP = r"(?:[ \t]?-[ \t]?|[ \t]{1,2})"
_GROUP = r"\d+(?:[Xx](?![0-9A-Za-z]))?"
_RUN = re.compile(rf"{_GROUP}(?:{_SEP}{_GROUP})*")
_GROUP_RX = re.compile(_GROUP)


def normalise(text: str) -> tuple[str, list[int]]:
    """NFKC, dashes to `-`; plus, for each character of the result, its offset in `text`."""
    if text.isascii():
        return text, list(range(len(text) + 1))
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        norm = unicodedata.normalize("NFKC", ch).translate(_DASHES)
        if norm.isspace() and norm not in "\n\r":
            norm = " "
        out.append(norm)
        where.extend([i] * len(norm))
    where.append(len(text))
    return "".join(out), where


def _birth_date(digits: str, as_of: dt.date) -> bool:
    try:
        born = dt.date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= as_of


def id_shaped(digits: str, as_of: dt.date) -> bool:
    """18 characters with a province code and a plausible birth date (check char not judged)."""
    return (len(digits) == 18 and digits[:17].isdigit() and digits[17] in "0123456789Xx"
            and digits[:2] in PROVINCES and _birth_date(digits, as_of))


def id_valid(number: str, as_of: dt.date) -> bool:
    """A resident ID number (GB 11643): shape plus the ISO 7064 MOD 11-2 check character."""
    if not id_shaped(number, as_of):
        return False
    total = sum(int(c) * w for c, w in zip(number[:17], ID_WEIGHTS))
    return ID_CHECK[total % 11] == number[17].upper()


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _card(groups: list[str], whole_run: bool, as_of: dt.date) -> str | None:
    digits = "".join(groups)
    if not (whole_run and digits.isdigit() and 16 <= len(digits) <= 19):
        return None
    if len(groups) > 1 and any(len(g) != 4 for g in groups[:-1]):
        return None
    if not digits.startswith(CARD_PREFIXES) and not 2221 <= int(digits[:4]) <= 2720:
        return None
    if not luhn_valid(digits) or id_shaped(digits, as_of):
        return None
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


def _mobile(groups: list[str]) -> str | None:
    if groups and groups[0] in ("86", "0086"):
        groups = groups[1:]
    elif groups and len(groups[0]) > 11 and groups[0].startswith(("86", "0086")):
        groups = [groups[0][2:] if groups[0].startswith("86") else groups[0][4:], *groups[1:]]
    digits = "".join(groups)
    if tuple(map(len, groups)) in MOBILE_SHAPES and re.fullmatch(r"1[3-9]\d{9}", digits):
        return digits[:3] + "****" + digits[-4:]
    return None


def _windows(run: str) -> list[tuple[int, int, list[str], bool]]:
    """(start, end, groups, whole run) for every stretch of groups that starts and ends at the
    run's ends or at a plain space (a hyphen binds its neighbours) and holds 11 to 19
    characters (the lengths judged here), longest first."""
    groups = list(_GROUP_RX.finditer(run))
    cut = [i == 0 or "-" not in run[groups[i - 1].end():g.start()] for i, g in enumerate(groups)]
    out = []
    for i in range(len(groups)):
        if not cut[i]:
            continue
        size = 0
        for j in range(i, min(len(groups), i + MAX_GROUPS)):
            size += len(groups[j].group(0))
            if size > 19:
                break
            if size >= 11 and (j == len(groups) - 1 or cut[j + 1]):
                out.append((groups[i].start(), groups[j].end(), [g.group(0) for g in groups[i:j + 1]],
                            i == 0 and j == len(groups) - 1))
    return sorted(out, key=lambda w: (w[0] - w[1], w[0]))


def find_personal_info(text: str, as_of: dt.date) -> list[tuple[int, str, str, str]]:
    """(offset, kind, masked, matched text) for every ID, bank card and mobile number in `text`.
    Offsets and matched text are those of `text` as written (before normalising)."""
    norm, where = normalise(text)
    found: list[tuple[int, str, str, str]] = []
    for run in _RUN.finditer(norm):
        if run.end() - run.start() < 11:
            continue
        taken = bytearray(run.end() - run.start())  # 1 where a number was already found
        windows = _windows(run.group(0))
        for judge in ("id", "card", "mobile"):
            for start, end, groups, whole in windows:
                if any(taken[start:end]):
                    continue
                digits = "".join(groups)
                masked, kind = None, ""
                if judge == "id" and id_shaped(digits, as_of):
                    masked, kind = digits[:6] + "*" * 8 + digits[-4:].upper(), "身份证号"
                elif judge == "card" and (masked := _card(groups, whole, as_of)):
                    kind = "银行卡号"
                elif judge == "mobile" and (masked := _mobile(groups)):
                    kind = "手机号"
                if masked:
                    taken[start:end] = b"\x01" * (end - start)
                    a, b = where[run.start() + start], where[run.start() + end - 1] + 1
                    found.append((a, kind, masked, text[a:b]))
    return sorted(found)
