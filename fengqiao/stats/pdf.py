"""The monthly report as a PDF: the KPI table with 同比/环比, bar charts, the per-grid table and the definitions.

fpdf2 writes the PDF and embeds a subset of Noto Sans SC, a font that comes from a PyPI package
(pylopdf-fonts-zh-cn, SIL Open Font License): no system font, no apt package, nothing fetched at run time.
Bars are drawn as rectangles, so no plotting library is needed.
"""

import logging

from fpdf import FPDF
from pylopdf_fonts_zh_cn import sans_path

from fengqiao.stats.domain import display
from fengqiao.stats.domain.figures import Value
from fengqiao.stats.models import KpiKind
from fengqiao.stats.monthly import KpiRow, MonthlyReport

FONT = "cjk"
# fontTools logs every subsetting step at INFO, a screenful per report: keep the warnings only.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)
THIS_YEAR = (192, 57, 43)
LAST_YEAR = (170, 178, 189)
KPI_COLUMNS = (
    ("指标", 50), ("本月", 18), ("上年同月", 20), ("同比", 20), ("上月", 18), ("环比", 20),
    ("累计", 20), ("上年同期", 20), ("累计同比", 22), ("累计万人比", 24), ("万人比同比", 24),
)  # fmt: skip


def report_pdf(report: MonthlyReport) -> bytes:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_font(FONT, fname=str(sans_path()))
    pdf.add_page()
    _heading(pdf, report)
    _kpi_table(pdf, report)
    _bars(
        pdf,
        f"{report.trend_kpi.label_zh}：{report.month.start.year}年与{report.month.start.year - 1}年逐月对比",
        [f"{month}月" for month, _this, _last in report.trend],
        [[this or 0.0, last or 0.0] for _month, this, last in report.trend],
        [str(report.month.start.year), str(report.month.start.year - 1)],
    )
    pdf.add_page()
    _grid_table(pdf, report)
    calls = report.trend_kpi.code
    _bars(
        pdf,
        f"本月各网格{report.trend_kpi.label_zh}",
        [row.grid.name for row in report.grids],
        [[row.counts.get(calls) or 0.0] for row in report.grids],
        [report.trend_kpi.label_zh],
    )
    _definitions(pdf, report)
    return bytes(pdf.output())


def _heading(pdf: FPDF, report: MonthlyReport) -> None:
    pdf.set_font(FONT, size=16)
    pdf.cell(0, 10, report.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=9)
    subtitle = f"统计期间：{report.month}（本月）；{report.ytd}（{report.ytd_label}），同比为上年同期"
    pdf.cell(0, 6, subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _row(pdf: FPDF, cells: list[str], widths: list[int], header: bool = False) -> None:
    if header:
        pdf.set_fill_color(235, 238, 242)
    for index, (text, width) in enumerate(zip(cells, widths, strict=True)):
        pdf.cell(width, 7, text, border=1, align="L" if index == 0 else "R", fill=header)
    pdf.ln(7)


def _kpi_cells(row: KpiRow) -> list[str]:
    kpi = row.kpi

    def v(value: Value) -> str:
        return display.value(kpi, value)

    per_10k_change = display.change(row.ytd_per_10k_yoy, 2) if kpi.per_10k else "—"
    return [
        kpi.label_zh,
        v(row.month),
        v(row.month_last_year),
        display.change(row.yoy),
        v(row.month_before),
        display.change(row.mom),
        v(row.ytd),
        v(row.ytd_last_year),
        display.change(row.ytd_yoy),
        display.per_10k(row.ytd_per_10k),
        per_10k_change,
    ]


def _kpi_table(pdf: FPDF, report: MonthlyReport) -> None:
    pdf.set_font(FONT, size=9)
    widths = [width for _name, width in KPI_COLUMNS]
    _row(pdf, [name for name, _width in KPI_COLUMNS], widths, header=True)
    for row in report.rows:
        _row(pdf, _kpi_cells(row), widths)
    pdf.ln(4)


def _grid_table(pdf: FPDF, report: MonthlyReport) -> None:
    pdf.set_font(FONT, size=12)
    pdf.cell(0, 8, f"{report.title}：分网格（本月）", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=8)
    counted = report.grid_kpis
    widths = [40, 28, 20, *([int(180 / max(len(counted), 1))] * len(counted))]
    _row(pdf, ["网格", "社区", "管理人口", *(kpi.label_zh for kpi in counted)], widths, header=True)
    for row in report.grids:
        values = [display.value(kpi, row.counts.get(kpi.code)) for kpi in counted]
        _row(pdf, [row.grid.name, row.grid.community.name, str(row.residents or "—"), *values], widths)
    pdf.ln(4)


def _bars(pdf: FPDF, title: str, labels: list[str], groups: list[list[float]], legend: list[str]) -> None:
    """A grouped bar chart: one group per label, one bar per series, with the values above the bars."""
    height, width = 55.0, 250.0
    if pdf.get_y() + height + 25 > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.set_font(FONT, size=11)
    pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    top, left = pdf.get_y() + 4, pdf.l_margin + 10
    peak = max([value for group in groups for value in group] + [1.0])
    slot = width / max(len(groups), 1)
    bar = slot * 0.7 / max(len(legend), 1)
    pdf.set_font(FONT, size=6)
    for index, group in enumerate(groups):
        for series, value in enumerate(group):
            pdf.set_fill_color(*(THIS_YEAR if series == 0 else LAST_YEAR))
            tall = height * value / peak
            x = left + index * slot + slot * 0.15 + series * bar
            pdf.rect(x, top + height - tall, bar, tall, style="F")
            pdf.text(x, top + height - tall - 1, display.number(value, 1))
        pdf.text(left + index * slot + slot * 0.15, top + height + 4, labels[index])
    pdf.line(left, top + height, left + width, top + height)
    for series, name in enumerate(legend):
        pdf.set_fill_color(*(THIS_YEAR if series == 0 else LAST_YEAR))
        pdf.rect(left + series * 30, top + height + 7, 4, 3, style="F")
        pdf.text(left + series * 30 + 6, top + height + 9.5, name)
    pdf.set_y(top + height + 14)


def _definitions(pdf: FPDF, report: MonthlyReport) -> None:
    pdf.set_font(FONT, size=11)
    pdf.cell(0, 8, "统计口径", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=8)
    for row in report.rows:
        kind = "（中位数）" if row.kpi.kind == KpiKind.MEDIAN_HOURS else ""
        pdf.multi_cell(0, 5, f"{row.kpi.label_zh}{kind}：{row.kpi.definition}", new_x="LMARGIN", new_y="NEXT")
