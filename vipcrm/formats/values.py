"""Cell parsers for import files (DATA.md "Reading a file").

Each parser takes the stripped, non-empty text of a cell and returns the stored value, or raises
`BadValue` with a message a banker can act on. Money becomes integer fen, dates ISO text.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from vipcrm.core.privacy import mask_in_text, neutralised_strip
from vipcrm.core.text import Text

# The most fen one row may hold (10 trillion yuan): a million clients' rows of that size still
# add up within SQLite's 64-bit integers, and no client of any bank comes near it.
MONEY_LIMIT = 10**15
# More digits than any amount, NAV or count has: refused before they are converted (Python
# refuses over 4,300 digits, SQLite over 19).
_MOST_DIGITS = 18


class BadValue(ValueError):
    """A cell that cannot be read; its `Text` says why and how to write it."""


def shown(text: str, *, as_date: bool = False) -> str:
    """A cell as a reason quotes it: phone and ID numbers masked as exports mask them, and no
    longer than a reader needs to find it in the row. A date's eight digits (YYYYMMDD) are a
    date, shown as they are."""
    if not (as_date and len(text) == 8 and text.isdigit()):
        text = mask_in_text(text)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def ascii_form(text: str) -> str:
    """Full-width digits, signs and separators (typed with a Chinese input method: ２０２６－１１－２７,
    １，０００．５０) read as their ASCII forms (NFKC). Other scripts' digits are not read as
    digits: every pattern below matches ASCII only."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


# Characters that show as nothing or move the cursor: an id holding one would look like
# another client's id and make a second client.
_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def parse_id(text: str) -> str:
    """An id (client, RM, product, branch …) in its NFKC form, so Ｃ０１ and C01 are one client;
    a control or zero-width character is refused rather than kept or dropped silently."""
    text = unicodedata.normalize("NFKC", neutralised_strip(text)).strip()
    bad = next((ch for ch in text if unicodedata.category(ch) in _INVISIBLE), None)
    if bad is not None:
        raise BadValue(Text("holds an invisible or control character ({code}); retype the id",
                            code=f"U+{ord(bad):04X}"))
    return text


_DATE_FORMS = (
    re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"),
    re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})"),
    re.compile(r"([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})"),
    re.compile(r"([0-9]{4})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*日"),
)
_AMBIGUOUS = re.compile(r"[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2,4}")
# Excel often appends a midnight time to dates it exported.
_MIDNIGHT = re.compile(r"[ T]0{1,2}:00(:00(\.0+)?)?$")
# What core systems write for "no date": the ends of their date types, Excel's day zero and
# all-zero dates. Read as an empty cell (a required date refuses them).
STAND_INS = frozenset({"0001-01-01", "1899-12-30", "1899-12-31", "1900-01-01", "2999-12-31",
                       "9999-12-31"})
_ZERO_DATES = frozenset({"0000-00-00", "00000000", "0000/00/00", "0"})
# An ID valid for life (长期) is written as a word or as the far end of the date type: for the ID's
# expiry it means "no expiry", which replaces a known date.
LONG_TERM = frozenset({"长期", "长期有效", "永久", "2999-12-31", "9999-12-31"})
# A parsed value meaning "empty, and replace what is stored" (store.imports turns it into NULL).
CLEARED = ""


def parse_date(text: str) -> str:
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:  # the common ISO form, checked in C
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            pass
    candidate = _MIDNIGHT.sub("", ascii_form(text))
    for form in _DATE_FORMS:
        match = form.fullmatch(candidate)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return dt.date(year, month, day).isoformat()
            except ValueError:
                raise BadValue(Text("{value} is not a real date",
                                    value=shown(text, as_date=True))) from None
    if _AMBIGUOUS.fullmatch(candidate):
        raise BadValue(Text("{value} is ambiguous (day-first or month-first?); write it as "
                            "YYYY-MM-DD", value=shown(text)))
    raise BadValue(Text("{value} is not a date; use YYYY-MM-DD, YYYYMMDD, YYYY/MM/DD or "
                        "YYYY年MM月DD日", value=shown(text)))


def date_within(low: str, high: str, *, required: bool = False, long_term: bool = False):
    """The parser of one date column: its valid range (docs/files.md), null stand-ins read as
    empty (refused where a date is required) and, for an ID's expiry, long-term as CLEARED."""

    def parse(text: str) -> str | None:
        if (low <= text <= high and len(text) == 10 and text[4] == "-" and text[7] == "-"
                and text not in STAND_INS):
            try:  # the common case: ISO within range, checked in C
                return dt.date.fromisoformat(text).isoformat()
            except ValueError:
                pass
        plain = _MIDNIGHT.sub("", ascii_form(text))
        if long_term and plain in LONG_TERM:
            return CLEARED
        day = None if plain in _ZERO_DATES else parse_date(plain)
        if long_term and day in LONG_TERM:  # 9999/12/31, 99991231 …
            return CLEARED
        if day is None or day in STAND_INS:
            if required:
                raise BadValue(Text("{value} stands for no date; this column needs a real date",
                                    value=shown(text)))
            return None
        if not low <= day <= high:
            raise BadValue(Text("{value} is outside {low} to {high}", value=shown(text), low=low,
                                high=high))
        return day

    return parse


_MONEY = re.compile(r"([+-]?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]{0,2}))?")


def parse_money(text: str) -> int:
    """Decimal CNY with at most 2 decimals -> integer fen."""
    # Nearly every cell of a bank's extract is plain digits with up to 2 decimals: that form
    # is checked with str methods (ASCII digits only), everything else by the patterns below.
    whole, _, cents = text.partition(".")
    if (whole.isdigit() and whole.isascii() and len(whole) <= 13 and len(cents) <= 2
            and (cents.isdigit() and cents.isascii() or not cents)):
        return int(whole) * 100 + int(cents.ljust(2, "0"))  # below MONEY_LIMIT by its length
    return money_by_pattern(text)


def money_by_pattern(text: str) -> int:
    """parse_money for every form: signs, ¥, thousands separators, spaces, full-width digits;
    explains a refusal."""
    body = ascii_form(text).replace(" ", "").replace("\u00a0", "")
    sign = ""
    if body[:1] in ("+", "-"):
        sign, body = body[0], body[1:]
    if body[:1] in ("¥", "￥"):
        body = body[1:]
    match = _MONEY.fullmatch(sign + body)
    if not match:
        if re.fullmatch(r"[+-]?[0-9,]*\.[0-9]{3,}", sign + body):
            raise BadValue(Text("{value} has more than 2 decimals; amounts are in yuan and fen",
                                value=shown(text)))
        raise BadValue(Text("{value} is not an amount; write e.g. 1234.50 or 1,234.50",
                            value=shown(text)))
    negative, whole, cents = match.groups()
    digits = whole.replace(",", "").lstrip("0")
    fen = 0 if len(digits) > _MOST_DIGITS else int(digits or 0) * 100 + int((cents or "").ljust(2, "0"))
    if len(digits) > _MOST_DIGITS or fen > MONEY_LIMIT:
        raise BadValue(Text("is more than {limit} CNY, the most one row may hold; check the "
                            "amount's unit (yuan, not fen)", limit=f"{MONEY_LIMIT // 100:,}"))
    return -fen if negative == "-" else fen


def parse_decimal(places: int):
    """A fixed-point decimal stored as an integer of 10**-places units (NAVs, ratios)."""
    pattern = re.compile(r"([+-]?)([0-9]+)(?:\.([0-9]{0,%d}))?" % places)
    scale = 10**places

    def parse(text: str) -> int:
        match = pattern.fullmatch(ascii_form(text).replace(",", ""))
        if not match:
            raise BadValue(Text("{value} is not a number with at most {places} decimals",
                                value=shown(text), places=places))
        negative, whole, frac = match.groups()
        whole = whole.lstrip("0") or "0"
        if len(whole) > _MOST_DIGITS - places:
            raise BadValue(Text("has {count} digits before the point; at most {most} fit",
                                count=len(whole), most=_MOST_DIGITS - places))
        value = int(whole) * scale + int((frac or "").ljust(places, "0"))
        return -value if negative == "-" else value

    return parse


def parse_int(text: str) -> int:
    cleaned = ascii_form(text).replace(",", "")
    if re.fullmatch(r"[+-]?[0-9]+(\.0+)?", cleaned):
        whole = cleaned.partition(".")[0]
        if len(whole.lstrip("+-").lstrip("0")) > _MOST_DIGITS:
            raise BadValue(Text("has more than {most} digits; no count is that large",
                                most=_MOST_DIGITS))
        return int(whole)
    raise BadValue(Text("{value} is not a whole number", value=shown(text)))


_TRUE = {"true", "yes", "1", "y", "是", "t"}
_FALSE = {"false", "no", "0", "n", "否", "f"}


def parse_bool(text: str) -> int:
    lowered = ascii_form(text).lower()
    if lowered in _TRUE:
        return 1
    if lowered in _FALSE:
        return 0
    raise BadValue(Text("{value} is not a yes/no value; use true/false, yes/no, 1/0, y/n or 是/否",
                        value=shown(text)))


def parse_choice(choices: dict[str, str]):
    """Codes (case-insensitive) and their Chinese aliases -> the canonical code."""
    lookup = {alias.lower(): code for alias, code in choices.items()}
    listed = ", ".join(sorted(set(choices.values()), key=list(choices.values()).index))

    def parse(text: str) -> str:
        code = lookup.get(text.lower())
        if code is None:
            code = lookup.get(ascii_form(text).lower())
        if code is None:
            raise BadValue(Text("{value} is not one of {codes}", value=shown(text), codes=listed))
        return code

    return parse


def parse_text(text: str) -> str:
    return text


def parse_masked_guarded(text: str) -> str:
    """Phones and ID numbers: a masked value must never overwrite the real one."""
    if "**" in text:
        raise BadValue(Text("is a masked value (****); import the unmasked export "
                            "(`export --unmask`)"))
    return text
