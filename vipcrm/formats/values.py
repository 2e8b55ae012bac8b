"""Cell parsers for import files (DATA.md "Reading a file").

Each parser takes the stripped, non-empty text of a cell and returns the stored value, or raises
`BadValue` with a message a banker can act on. Money becomes integer fen, dates ISO text.
"""

from __future__ import annotations

import datetime as dt
import re


class BadValue(ValueError):
    """A cell that cannot be read; the message says why and how to write it."""


_DATE_FORMS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
)
_AMBIGUOUS = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}")
# Excel often appends a midnight time to dates it exported.
_MIDNIGHT = re.compile(r"[ T]0{1,2}:00(:00(\.0+)?)?$")


def parse_date(text: str) -> str:
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:  # the common ISO form, checked in C
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            pass
    candidate = _MIDNIGHT.sub("", text)
    for form in _DATE_FORMS:
        match = form.fullmatch(candidate)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return dt.date(year, month, day).isoformat()
            except ValueError:
                raise BadValue(f"{text!r} is not a real date") from None
    if _AMBIGUOUS.fullmatch(candidate):
        raise BadValue(
            f"{text!r} is ambiguous (day-first or month-first?); write it as YYYY-MM-DD"
        )
    raise BadValue(f"{text!r} is not a date; use YYYY-MM-DD, YYYYMMDD, YYYY/MM/DD or YYYY年MM月DD日")


_MONEY = re.compile(r"([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{0,2}))?")


def parse_money(text: str) -> int:
    """Decimal CNY with at most 2 decimals -> integer fen."""
    # Nearly every cell of a bank's extract is plain digits with up to 2 decimals: that form
    # is checked with str methods (ASCII digits only), everything else by the patterns below.
    whole, _, cents = text.partition(".")
    if (whole.isdigit() and whole.isascii() and len(cents) <= 2
            and (cents.isdigit() and cents.isascii() or not cents)):
        return int(whole) * 100 + int(cents.ljust(2, "0"))
    return money_by_pattern(text)


def money_by_pattern(text: str) -> int:
    """parse_money for every form: signs, ¥, thousands separators, spaces; explains a refusal."""
    body = text.replace(" ", "").replace("\u00a0", "")
    sign = ""
    if body[:1] in ("+", "-"):
        sign, body = body[0], body[1:]
    if body[:1] in ("¥", "￥"):
        body = body[1:]
    match = _MONEY.fullmatch(sign + body)
    if not match:
        if re.fullmatch(r"[+-]?[\d,]*\.\d{3,}", sign + body):
            raise BadValue(f"{text!r} has more than 2 decimals; amounts are in yuan and fen")
        raise BadValue(f"{text!r} is not an amount; write e.g. 1234.50 or 1,234.50")
    negative, whole, cents = match.groups()
    fen = int(whole.replace(",", "")) * 100 + int((cents or "").ljust(2, "0"))
    return -fen if negative == "-" else fen


def parse_decimal(places: int):
    """A fixed-point decimal stored as an integer of 10**-places units (NAVs, ratios)."""
    pattern = re.compile(r"([+-]?)(\d+)(?:\.(\d{0,%d}))?" % places)
    scale = 10**places

    def parse(text: str) -> int:
        match = pattern.fullmatch(text.replace(",", ""))
        if not match:
            raise BadValue(f"{text!r} is not a number with at most {places} decimals")
        negative, whole, frac = match.groups()
        value = int(whole) * scale + int((frac or "").ljust(places, "0"))
        return -value if negative == "-" else value

    return parse


def parse_int(text: str) -> int:
    cleaned = text.replace(",", "")
    if re.fullmatch(r"[+-]?\d+(\.0+)?", cleaned):
        return int(float(cleaned)) if "." in cleaned else int(cleaned)
    raise BadValue(f"{text!r} is not a whole number")


_TRUE = {"true", "yes", "1", "y", "是", "t"}
_FALSE = {"false", "no", "0", "n", "否", "f"}


def parse_bool(text: str) -> int:
    lowered = text.lower()
    if lowered in _TRUE:
        return 1
    if lowered in _FALSE:
        return 0
    raise BadValue(f"{text!r} is not a yes/no value; use true/false, yes/no, 1/0, y/n or 是/否")


def parse_choice(choices: dict[str, str]):
    """Codes (case-insensitive) and their Chinese aliases -> the canonical code."""
    lookup = {alias.lower(): code for alias, code in choices.items()}
    shown = ", ".join(sorted(set(choices.values()), key=list(choices.values()).index))

    def parse(text: str) -> str:
        code = lookup.get(text.lower())
        if code is None:
            raise BadValue(f"{text!r} is not one of {shown}")
        return code

    return parse


def parse_text(text: str) -> str:
    return text


def parse_masked_guarded(text: str) -> str:
    """Phones and ID numbers: a masked value must never overwrite the real one."""
    if "**" in text:
        raise BadValue("is a masked value (****); import the unmasked export (`export --unmask`)")
    return text
