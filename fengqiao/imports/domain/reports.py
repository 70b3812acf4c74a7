"""The error report of an import, as XLSX and CSV: row, column, problem, original value, outcome."""

import csv
from collections.abc import Iterable
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import Workbook

from fengqiao.imports.domain.rows import Problem
from fengqiao.imports.models import Severity


def headings() -> list[str]:
    return [_("Row"), _("Column"), _("Problem"), _("Original value"), _("Outcome")]


def _line(problem: Problem) -> list[object]:
    return [problem.row, problem.column, problem.text, problem.value, str(Severity(problem.severity).label)]


def write_csv(problems: Iterable[Problem], path: Path) -> Path:
    # With a BOM: Excel on a Chinese Windows reads BOM-less CSV as GBK and garbles it.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headings())
        writer.writerows(_line(problem) for problem in problems)
    return path


def write_xlsx(problems: Iterable[Problem], path: Path) -> Path:
    workbook = Workbook(write_only=True)  # streams rows to disk: a report of every row of a big file stays small
    sheet = workbook.create_sheet(_("Problems"))
    sheet.append(headings())
    for problem in problems:
        sheet.append(_line(problem))
    workbook.save(path)
    return path
