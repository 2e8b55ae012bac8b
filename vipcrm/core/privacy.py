"""Personal financial information: masking and spreadsheet-formula neutralising (DOMAIN §9)."""

from __future__ import annotations

import datetime as dt
import re

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def mask_phone(phone: str | None) -> str | None:
    """138****1234: the first 3 and last 4 digits stay, enough to tell two numbers apart."""
    if not phone:
        return phone
    if len(phone) >= 11:
        return phone[:3] + "****" + phone[-4:]
    return _mask_short(phone)


def mask_id(id_number: str | None) -> str | None:
    """Only the last 4 characters of an ID number are shown."""
    if not id_number:
        return id_number
    if len(id_number) >= 8:
        return "*" * (len(id_number) - 4) + id_number[-4:]
    return _mask_short(id_number)


def _mask_short(value: str) -> str:
    # Too short to show 4 characters without giving most of it away.
    return "****" + (value[-2:] if len(value) > 4 else "")


# What looks like an ID number (15 or 18 characters, the last may be X) or a phone, card or
# account number (a run of 7 digits or more, a landline's without its area code) inside a text.
_NUMBER_RUN = re.compile(r"[0-9]{17}[0-9Xx]|[0-9]{7,}")


def mask_in_text(text: str) -> str:
    """`text` with every such number masked as exports mask it: a message can quote what was
    typed or read without giving the number away."""
    if not any(ch.isdigit() for ch in text):
        return text
    return _NUMBER_RUN.sub(_masked_run, text)


def _masked_run(match: re.Match) -> str:
    run = match.group()
    if len(run) == 8 and _is_date(run):  # YYYYMMDD: a date typed or read, not a number
        return run
    return mask_id(run) if len(run) in (15, 18) else mask_phone(run)


def _is_date(digits: str) -> bool:
    try:
        return 1900 <= dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:])).year <= 2100
    except ValueError:
        return False


def neutralise(text: str) -> str:
    """A text cell that a spreadsheet would run as a formula gets a leading quote.

    So does a text whose leading quotes come before such a character: the import strips exactly
    one quote, and every text comes back as it was.
    """
    return "'" + text if _runs_as_formula(text) else text


def neutralised_strip(text: str) -> str:
    """Undo `neutralise` on import: the quote vipcrm's export put before = + - @ goes again."""
    return text[1:] if text[:1] == "'" and _runs_as_formula(text[1:]) else text


def _runs_as_formula(text: str) -> bool:
    return text.lstrip("'").startswith(_FORMULA_START)
