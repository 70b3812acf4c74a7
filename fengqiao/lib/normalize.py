"""Normalising values as stations type them into their ledgers: pure functions, no database.

Full-width digits and letters, phones written with spaces, dashes or +86, ID numbers with a lower-case x, and
times in every shape a 110 export or a hand-kept Excel sheet uses. Text meant to be read (descriptions, names)
is never rewritten here; `match_key` gives the folded form used only to compare.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from fengqiao.lib import idnumber
from fengqiao.lib.chinese import fold

SHANGHAI = ZoneInfo("Asia/Shanghai")

# U+FF01…U+FF5E are the full-width forms of ASCII 0x21…0x7E, at a fixed offset; U+3000 is the ideographic space.
_FULLWIDTH_OFFSET = 0xFEE0
_ALL_FULLWIDTH = {code: code - _FULLWIDTH_OFFSET for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_ALNUM_FULLWIDTH = {
    code: code - _FULLWIDTH_OFFSET for code in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
}


def halfwidth(text: str) -> str:
    """Every full-width ASCII form (digits, letters, punctuation, the ideographic space) as plain ASCII."""
    return text.translate(_ALL_FULLWIDTH)


def halfwidth_alnum(text: str) -> str:
    """Only full-width digits and letters as ASCII: Chinese punctuation in prose (，。：) stays as written."""
    return text.translate(_ALNUM_FULLWIDTH)


_SPACES_AND_MARKS = re.compile(r"[\s_*:：()（）\[\]【】]+")


def match_key(text: str) -> str:
    """The form two labels are compared in: half-width, simplified, lower-case, without spaces and marks."""
    return _SPACES_AND_MARKS.sub("", fold(halfwidth(text)))


def cell_text(value: object) -> str:
    """A spreadsheet cell as text: numbers without a spurious `.0`, None as empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# Phones: separators people type, and the country prefix in its written forms.
_PHONE_NOISE = re.compile(r"[\s\-－—.()（）]+")
_COUNTRY_PREFIX = re.compile(r"^(?:\+86|0086|86)(?=1[3-9][0-9]{9}$)")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# Landline with its area code: 0 + 2–3 digits of area code + 7–8 digits, e.g. 0311-8765432, 010-12345678.
_LANDLINE = re.compile(r"0[1-9][0-9]{1,2}[0-9]{7,8}")


def phone(value: str) -> str:
    """The digits of a phone number, without separators or the +86 prefix (not validated)."""
    digits = _PHONE_NOISE.sub("", halfwidth(value).strip())
    return _COUNTRY_PREFIX.sub("", digits)


def is_valid_phone(value: str) -> bool:
    """A mainland mobile number (1[3-9] + 9 digits) or a landline with its area code, as `phone()` returns them."""
    return bool(_MOBILE.fullmatch(value) or (_LANDLINE.fullmatch(value) and 10 <= len(value) <= 12))


def id_number(value: str) -> str:
    """An ID number as stored: half-width, no spaces, upper-case X (not validated)."""
    return idnumber.normalize(halfwidth(value))


def is_valid_id_number(value: str) -> bool:
    return idnumber.is_valid(value)


def decimal(value: object) -> Decimal | None:
    """A number from a cell (float, int or text with full-width digits); None when it is not one."""
    if isinstance(value, bool):
        return None
    text = halfwidth(cell_text(value)) if not isinstance(value, int | float) else repr(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


# Excel's day 0 is 1899-12-30 in the 1900 date system (the 1900 leap-year bug makes it so for all dates after
# February 1900). Serials outside 1950–2100 are more likely other numbers than times.
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_SERIAL_RANGE = (18264.0, 73051.0)
_DIGITS_ONLY = {
    14: "%Y%m%d%H%M%S",
    12: "%Y%m%d%H%M",
    8: "%Y%m%d",
}
_WRITTEN = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*[T\s]\s*|\s*)"
    r"(?:(\d{1,2})\s*[:时点]\s*(\d{1,2})\s*(?:[:分]\s*(\d{1,2})(?:\.\d+)?\s*秒?)?\s*分?)?"
)


def datetime(value: object) -> dt.datetime | None:
    """An aware datetime (Asia/Shanghai when the value has no zone) from a cell; None when it is not a time."""
    if isinstance(value, dt.datetime):
        return _aware(value)
    if isinstance(value, dt.date):
        return _aware(dt.datetime(value.year, value.month, value.day))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_number(value)
    if isinstance(value, str):
        return _from_text(halfwidth(value).strip())
    return None


def _aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=SHANGHAI) if value.tzinfo is None else value.astimezone(SHANGHAI)


def _from_number(value: float) -> dt.datetime | None:
    if isinstance(value, int) or value.is_integer():
        digits = str(int(value))
        if len(digits) in _DIGITS_ONLY:
            return _from_text(digits)
    if not _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
        return None
    # Rounded to the second: a serial stores the time as a fraction of a day, 20:05 comes back as 20:04:59.99.
    seconds = round(value * 86400)
    return _aware(_EXCEL_EPOCH + dt.timedelta(seconds=seconds))


def _from_text(text: str) -> dt.datetime | None:
    if not text:
        return None
    if text.isdigit():
        return _from_digits(text)
    match = _WRITTEN.fullmatch(text)
    if match:
        return _from_parts(match.groups())
    try:
        return _aware(dt.datetime.fromisoformat(text))
    except ValueError:
        pass
    try:
        return _from_number(float(text))
    except ValueError:
        return None


def _from_digits(text: str) -> dt.datetime | None:
    pattern = _DIGITS_ONLY.get(len(text))
    if pattern is None:
        return _from_number(float(text))
    try:
        return _aware(dt.datetime.strptime(text, pattern))
    except ValueError:
        return None


def _from_parts(parts: tuple[str | None, ...]) -> dt.datetime | None:
    year, month, day, hour, minute, second = (int(part) if part else 0 for part in parts)
    try:
        return _aware(dt.datetime(year, month, day, hour, minute, second))
    except ValueError:
        return None
