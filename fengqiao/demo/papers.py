"""Small real documents for the demo's matters, made as PDFs at load time: no binary files in the repository.

fpdf2 with the packaged Noto Serif SC (pylopdf-fonts-zh-cn), like the mediation documents. The PDF is dated with
the paper's own date, so the same paper gives the same bytes on every run and the content-addressed attachment
store keeps one copy of it.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from fpdf import FPDF
from fpdf.enums import WrapMode
from pylopdf_fonts_zh_cn import serif_path

FONT = "cjkserif"
LINE = 7.0
# Printed on every page: a reader of the demo must never take these for real records.
DEMO_MARK = "演示数据，非真实文书"


@dataclass(frozen=True)
class Paper:
    name: str  # the file name the matter shows
    title: str
    dated: dt.date
    body: tuple[str, ...]  # paragraphs
    signed: tuple[str, ...] = ()  # right-aligned lines at the end: who signs, stamps, the date

    def upload(self) -> SimpleUploadedFile:
        return SimpleUploadedFile(self.name, pdf_of(self), content_type="application/pdf")


def pdf_of(paper: Paper) -> bytes:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_creation_date(dt.datetime.combine(paper.dated, dt.time(1), tzinfo=dt.UTC))  # 9:00 in Hebei
    pdf.set_margins(22, 20, 22)
    pdf.add_font(FONT, fname=str(serif_path()))
    pdf.add_page()
    pdf.set_font(FONT, size=9)
    pdf.set_text_color(128)
    pdf.cell(0, 5, DEMO_MARK, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0)
    pdf.set_font(FONT, size=18)
    pdf.cell(0, 14, paper.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=11)
    for paragraph in paper.body:
        # Chinese has no spaces to break at: wrap by character.
        pdf.multi_cell(0, LINE, paragraph, align="J", wrapmode=WrapMode.CHAR, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(LINE)
    for line in paper.signed:
        pdf.cell(0, LINE, line, align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
