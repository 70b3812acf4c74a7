"""Periods of local dates (Asia/Shanghai) and the periods they are compared with: 同比 and 环比."""

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from fengqiao.lib.errors import DomainError

LOCAL = ZoneInfo(settings.TIME_ZONE)


class Compare(StrEnum):
    YOY = "yoy"  # 同比: the same dates a year earlier
    MOM = "mom"  # 环比: the period just before, of the same length (the previous month for a month)


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both local dates and both included."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def months(self) -> int:
        """How many whole calendar months the period is, or 0 when it does not run from a 1st to a month's end."""
        if self.start.day != 1 or self.end != month_end(self.end):
            return 0
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The aware instants [start, end) that the period covers on the stations' clock."""
        return local_midnight(self.start), local_midnight(self.end + dt.timedelta(days=1))

    def previous(self, compare: Compare) -> "Period":
        if compare == Compare.YOY:
            return Period(_year_earlier(self.start), _year_earlier(self.end, keep_month_end=True))
        if self.months:
            return Period(add_months(self.start, -self.months), month_end(add_months(self.start, -1)))
        return Period(self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1))

    def __str__(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=LOCAL)


def local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LOCAL).date()


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month `months` away from `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _year_earlier(day: dt.date, keep_month_end: bool = False) -> dt.date:
    # 29 Feb has no twin: it becomes 28 Feb; and the end of February stays the end of February.
    if keep_month_end and day == month_end(day):
        return month_end(dt.date(day.year - 1, day.month, 1))
    return dt.date(day.year - 1, day.month, min(day.day, 28 if day.month == 2 else day.day))


def month_period(year: int, month: int) -> Period:
    start = dt.date(year, month, 1)
    return Period(start, month_end(start))


def year_to_date(today: dt.date) -> Period:
    return Period(dt.date(today.year, 1, 1), today)


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


def parse_period(text: str, today: dt.date, field: str = "period") -> Period:
    """`2024-07` (a month), `2024-Q3` (a quarter), `2024` (a year) or `ytd` (this year up to today)."""
    value = text.strip()
    if value.lower() == "ytd":
        return year_to_date(today)
    if match := _MONTH.match(value):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            return month_period(year, month)
    if match := _QUARTER.match(value):
        year, quarter = int(match[1]), int(match[2])
        start = dt.date(year, 3 * quarter - 2, 1)
        return Period(start, month_end(add_months(start, 2)))
    if match := _YEAR.match(value):
        return Period(dt.date(int(match[1]), 1, 1), dt.date(int(match[1]), 12, 31))
    raise DomainError(
        "invalid",
        _("“%(value)s” is not a period: give a month (2024-07), a quarter (2024-Q3), a year (2024) or ytd.")
        % {"value": text},
        field,
    )


def parse_date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise DomainError(
            "invalid", _("“%(value)s” is not a date: give it as 2024-07-31.") % {"value": text}, field
        ) from None


def checked_period(start: dt.date, end: dt.date, end_field: str = "to") -> Period:
    if end < start:
        raise DomainError("invalid", _("The period ends before it starts."), end_field)
    if end.year - start.year > 20:
        raise DomainError("invalid", _("Give a period of at most twenty years."), end_field)
    return Period(start, end)


def parse_compare(text: str | None) -> Compare:
    try:
        return Compare((text or Compare.YOY).strip().lower())
    except ValueError:
        raise DomainError(
            "invalid",
            _("“%(value)s” is not a comparison: give yoy (same period last year) or mom (previous period).")
            % {"value": text},
            "compare",
        ) from None


def requested_period(period: str | None, start: str | None, end: str | None, today: dt.date) -> Period:
    """A named period, or `from`–`to` (to defaults to today, from to the first of January of to's year)."""
    if period and period.strip():
        return parse_period(period, today)
    end_day = parse_date(end, "to") if end and end.strip() else today
    start_day = parse_date(start, "from") if start and start.strip() else dt.date(end_day.year, 1, 1)
    return checked_period(start_day, end_day)
