"""Reading a ledger file row by row, whatever it is: .xlsx, old .xls, or CSV in UTF-8 (with or without BOM) or GBK.

Rows stream: an .xlsx is read with openpyxl's read-only mode and a CSV line by line, so memory does not grow
with the file. (An .xls is loaded whole by xlrd; the format stops at 65,536 rows, so that stays small.)
The format is told by the file's first bytes, not by its name: stations rename files.
"""

import codecs
import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path

import openpyxl
import xlrd
from django.utils.translation import gettext as _

from fengqiao.lib.errors import DomainError

Row = tuple[int, Sequence[object]]  # (row number as the spreadsheet shows it, cell values)

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAMPLE_BYTES = 64 * 1024


def bad_file(message: str) -> DomainError:
    return DomainError("invalid", message, "file")


def sniff(path: Path) -> str:
    """ "xlsx", "xls" or "csv" from the first bytes; refuses empty and binary files."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_SAMPLE_BYTES)
    except OSError as error:
        raise bad_file(_("The file cannot be read: %(error)s") % {"error": error.strerror}) from error
    if not head.strip():
        raise bad_file(_("The file is empty."))
    if head.startswith(_ZIP_MAGIC):
        return "xlsx"
    if head.startswith(_OLE_MAGIC):
        return "xls"
    if b"\x00" in head:
        raise bad_file(_("This is not a spreadsheet: use an .xlsx, .xls or .csv file."))
    return "csv"


def read_rows(path: Path) -> Iterator[Row]:
    """Every row of the first sheet, numbered from 1 as the spreadsheet shows them; blank rows included."""
    kind = sniff(path)
    if kind == "xlsx":
        return _xlsx_rows(path)
    if kind == "xls":
        return _xls_rows(path)
    return _csv_rows(path, csv_encoding(path))


def estimate_rows(path: Path) -> int | None:
    """How many rows the file has, cheaply (for the progress bar); None when it is not known."""
    kind = sniff(path)
    if kind == "csv":
        with path.open("rb") as handle:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    if kind == "xls":
        return None
    workbook = _open_xlsx(path)
    try:
        return workbook.active.max_row if workbook.active is not None else None
    finally:
        workbook.close()


def csv_encoding(path: Path) -> str:
    """utf-8-sig when the start of the file is strictly valid UTF-8 (BOM or not), else GB18030 (a superset of GBK)."""
    with path.open("rb") as handle:
        sample = handle.read(_SAMPLE_BYTES)
        at_end = not handle.read(1)
    try:
        # Not final unless the whole file was read: the sample may end inside a multi-byte character.
        codecs.getincrementaldecoder("utf-8-sig")("strict").decode(sample, final=at_end)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def _open_xlsx(path: Path) -> openpyxl.Workbook:
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zip, XML and key errors alike for a damaged or foreign zip
        raise bad_file(_("This .xlsx file cannot be read: it is damaged or not a spreadsheet.")) from error


def _xlsx_rows(path: Path) -> Iterator[Row]:
    workbook = _open_xlsx(path)
    try:
        sheet = workbook.active
        if sheet is None:
            return
        # Read-only mode fills the gaps of missing rows with empty ones, so the count is the sheet's row number.
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    finally:
        workbook.close()


def _xls_rows(path: Path) -> Iterator[Row]:
    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as error:  # xlrd raises its own and struct errors for damaged files
        raise bad_file(_("This .xls file cannot be read: it is damaged or not a spreadsheet.")) from error
    try:
        sheet = book.sheet_by_index(0)
        for index in range(sheet.nrows):
            yield index + 1, [_xls_value(cell, book.datemode) for cell in sheet.row(index)]
    finally:
        book.release_resources()


def _xls_value(cell: xlrd.sheet.Cell, datemode: int) -> object:
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(float(cell.value), 1 if datemode else 0)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    return cell.value


def _csv_rows(path: Path, encoding: str) -> Iterator[Row]:
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        dialect = _dialect(handle)
        # Numbered by physical record; a quoted cell with a line break counts once, as Excel shows it.
        yield from enumerate(csv.reader(handle, dialect), start=1)


def _dialect(handle: io.TextIOWrapper) -> type[csv.Dialect]:
    """Tab-separated when the start has more tabs than commas (some 110 systems export so), else Excel's CSV."""
    sample = handle.read(_SAMPLE_BYTES // 4)
    handle.seek(0)
    return csv.excel_tab if sample.count("\t") > sample.count(",") else csv.excel
