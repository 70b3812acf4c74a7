"""Resident ID numbers (居民身份证号码), GB 11643-1999.

Written here rather than taken from python-stdnum, which rejects real numbers whose region code is older than
its table (regions are renamed and merged; the number stays valid for life).
"""

import datetime as dt
import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# [0-9], not \d: Python's \d also matches full-width and other non-ASCII digits.
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def check_char(first17: str) -> str:
    """The 18th character for the first 17 digits (ISO 7064 MOD 11-2)."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def normalize(value: str) -> str:
    return value.strip().replace(" ", "").upper()


def birth_date(number: str) -> dt.date | None:
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def is_valid(value: str) -> bool:
    """Shape, a real birth date not in the future, and the checksum."""
    number = normalize(value)
    if not _SHAPE.fullmatch(number):
        return False
    born = birth_date(number)
    if born is None or born.year < 1880 or born > dt.date.today():
        return False
    return check_char(number[:17]) == number[17]
