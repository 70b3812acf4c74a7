"""The monthly report as a workbook shaped like the ledgers (台账) stations keep: 指标, 网格, 台账, 口径."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from fengqiao.stats.domain import display
from fengqiao.stats.domain.figures import Value
from fengqiao.stats.domain.periods import LOCAL
from fengqiao.stats.models import Kpi, KpiKind
from fengqiao.stats.monthly import KpiRow, MonthlyReport

BOLD = Font(bold=True)
KPI_HEADER = (
    "指标", "本月", "上年同月", "同比", "上月", "环比", "本月万人比",
    "本年累计", "上年同期累计", "累计同比", "累计万人比", "上年同期万人比", "万人比同比",
)  # fmt: skip
LEDGER_HEADER = ("编号", "警情号", "报警时间", "类别代码", "类别", "来源", "地点", "网格", "状态", "处理结果", "回访")


def report_xlsx(report: MonthlyReport) -> bytes:
    book = Workbook()
    _kpi_sheet(book.create_sheet("指标"), report)
    book.remove(book.worksheets[0])  # the empty default sheet
    _grid_sheet(book.create_sheet("网格"), report)
    _ledger_sheet(book.create_sheet("台账"), report)
    _definitions_sheet(book.create_sheet("口径"), report)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(kpi: Kpi, value: Value) -> float | int | None:
    if value is None:
        return None
    return round(value) if kpi.kind == KpiKind.COUNT else round(value, 2)


def _kpi_line(row: KpiRow) -> list[object]:
    kpi = row.kpi
    return [
        kpi.label_zh,
        _cell(kpi, row.month),
        _cell(kpi, row.month_last_year),
        display.change(row.yoy),
        _cell(kpi, row.month_before),
        display.change(row.mom),
        None if row.month_per_10k is None else round(row.month_per_10k, 2),
        _cell(kpi, row.ytd),
        _cell(kpi, row.ytd_last_year),
        display.change(row.ytd_yoy),
        None if row.ytd_per_10k is None else round(row.ytd_per_10k, 2),
        None if row.ytd_last_year_per_10k is None else round(row.ytd_last_year_per_10k, 2),
        display.change(row.ytd_per_10k_yoy, 2) if kpi.per_10k else "—",
    ]


def _title(sheet: Worksheet, text: str, width: int) -> None:
    sheet.append([text])
    sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=width)
    sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=14)
    sheet.cell(sheet.max_row, 1).alignment = Alignment(horizontal="center")


def _header(sheet: Worksheet, names: tuple[str, ...] | list[str]) -> None:
    sheet.append(list(names))
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    sheet.freeze_panes = f"B{sheet.max_row + 1}"


def _kpi_sheet(sheet: Worksheet, report: MonthlyReport) -> None:
    _title(sheet, report.title, len(KPI_HEADER))
    _header(sheet, KPI_HEADER)
    for row in report.rows:
        sheet.append(_kpi_line(row))
    sheet.column_dimensions["A"].width = 24


def _grid_sheet(sheet: Worksheet, report: MonthlyReport) -> None:
    header = ["网格代码", "网格", "社区", "管理人口", *(kpi.label_zh for kpi in report.grid_kpis)]
    _title(sheet, f"{report.title}：分网格", len(header))
    _header(sheet, header)
    for row in report.grids:
        counts = [_cell(kpi, row.counts.get(kpi.code)) for kpi in report.grid_kpis]
        sheet.append([row.grid.code, row.grid.name, row.grid.community.name, row.residents, *counts])


def _ledger_sheet(sheet: Worksheet, report: MonthlyReport) -> None:
    _title(sheet, f"{report.title}：事项台账", len(LEDGER_HEADER))
    _header(sheet, LEDGER_HEADER)
    for matter in report.ledger:
        sheet.append(
            [
                matter.reference,
                matter.external_ref,
                matter.reported_at.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M"),
                matter.category.code,
                matter.category.label_zh,
                matter.get_channel_display(),
                matter.place,
                matter.grid.name if matter.grid else "",
                matter.get_stage_display(),
                matter.outcome.label_zh if matter.outcome else "",
                matter.get_satisfaction_display() if matter.satisfaction else "",
            ]
        )


def _definitions_sheet(sheet: Worksheet, report: MonthlyReport) -> None:
    _header(sheet, ["指标", "代码", "口径"])
    for row in report.rows:
        sheet.append([row.kpi.label_zh, row.kpi.code, row.kpi.definition])
    sheet.column_dimensions["C"].width = 90
