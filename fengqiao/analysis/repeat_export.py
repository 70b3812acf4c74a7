"""The repeat ranking as a CSV or XLSX sheet (the station's 台账), shared by the command and the page."""

import csv
import datetime as dt
import io
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from openpyxl import Workbook

from fengqiao.analysis.repeat_ranking import RankedKey

SHANGHAI = ZoneInfo("Asia/Shanghai")
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def header(window_days: int) -> list[str]:
    return [
        _("Rank"),
        _("Linked by"),
        _("Place or people"),
        _("Calls in the period"),
        _("Most calls within %(days)d days") % {"days": window_days},
        _("First call"),
        _("Last call"),
    ]


def rows(ranked: Sequence[RankedKey]) -> list[list[str | int]]:
    return [
        [index, row.kind_label, row.subject, row.calls, row.peak, _local(row.first_at), _local(row.last_at)]
        for index, row in enumerate(ranked, start=1)
    ]


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def as_csv(ranked: Sequence[RankedKey], window_days: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header(window_days))
    writer.writerows(rows(ranked))
    # With a byte-order mark, Excel opens the Chinese text as UTF-8.
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(ranked: Sequence[RankedKey], window_days: int) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has its first sheet
    sheet.title = _("Repeat calls")[:31]
    sheet.append(header(window_days))
    for row in rows(ranked):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export(ranked: Sequence[RankedKey], window_days: int, format: str) -> bytes:
    return as_xlsx(ranked, window_days) if format == "xlsx" else as_csv(ranked, window_days)
