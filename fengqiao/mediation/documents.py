"""The mediation documents: 人民调解协议书 (the agreement) and 调解笔录 (a session's minutes), as DOCX and PDF.

Each document is first laid out once as a list of blocks (headings, paragraphs, tables); the DOCX and the PDF are
two renderings of the same blocks, so Word and PDF always say the same thing. The documents are printed in
Chinese whatever the interface language: they are legal forms the parties sign. Personal data stays masked
(phones and ID numbers) — a printed page leaves the system's audit of reveals behind.

PDF: fpdf2 with Noto Serif SC from the pylopdf-fonts-zh-cn package (the same package as the monthly report's
font; nothing is fetched at run time). DOCX: python-docx, with 宋体/黑体 set as the East-Asian font of the styles
so Word does not fall back to a Latin font for the Chinese text.
"""

import datetime as dt
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document as new_docx
from docx.document import Document as Docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.styles.style import ParagraphStyle
from fpdf import FPDF, FontFace
from fpdf.enums import WrapMode
from pylopdf_fonts_zh_cn import serif_path

from fengqiao.lib.errors import DomainError
from fengqiao.mediation.models import Agreement, Case, DisputeParty, Session, SessionStatus, Side
from fengqiao.staff.models import User

# fontTools logs every subsetting step at INFO, a screenful per document: keep the warnings only.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

SIDE_NAMES = {Side.A: "甲方", Side.B: "乙方"}
NOT_RECORDED = "未登记"
SIGN_HEADERS = ("身份", "姓名", "签名（或按指印）", "日期")
SIGN_DATE = "      年    月    日"
PARTY_HEADERS = ("当事人", "姓名", "联系电话", "公民身份号码")
PARTY_WIDTHS = (2, 3, 4, 5)
SIGN_WIDTHS = (3, 3, 5, 4)
STANDARD_CLAUSES = (
    "本协议经各方当事人签名（或按指印）、人民调解员签名并加盖调解组织印章之日起生效。",
    "经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行"
    "（《中华人民共和国人民调解法》第三十一条）。",
    "双方当事人认为有必要的，可以自本协议生效之日起三十日内共同向人民法院申请司法确认"
    "（《中华人民共和国人民调解法》第三十三条）。人民法院依法确认调解协议有效，一方当事人拒绝履行或者"
    "未全部履行的，对方当事人可以向人民法院申请强制执行。",
)


# The layout, shared by both renderings --------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Para:
    text: str
    align: str = "left"  # left | right | center


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...]  # relative
    tall: bool = False  # room to sign in


Block = Heading | Para | Table


@dataclass(frozen=True)
class Paper:
    title: str
    blocks: tuple[Block, ...]


# Public functions ------------------------------------------------------------------------------------------


def agreement_docx(case: Case) -> bytes:
    """人民调解协议书 as a Word document; refuses a case without an agreement."""
    return _docx(_agreement_paper(case))


def agreement_pdf(case: Case) -> bytes:
    """人民调解协议书 as a PDF; refuses a case without an agreement."""
    return _pdf(_agreement_paper(case))


def minutes_docx(session: Session) -> bytes:
    """调解笔录 of a held session as a Word document; refuses a session not held."""
    return _docx(_minutes_paper(session))


def minutes_pdf(session: Session) -> bytes:
    """调解笔录 of a held session as a PDF; refuses a session not held."""
    return _pdf(_minutes_paper(session))


# The agreement ---------------------------------------------------------------------------------------------


def _agreement_paper(case: Case) -> Paper:
    agreement = Agreement.objects.filter(case=case).first()
    if agreement is None:
        raise DomainError("no_agreement", _("This case has no agreement yet; there is nothing to print."), status=409)
    sides = list(case.dispute.sides.select_related("person").order_by("side", "id"))
    mediators = _ordered_mediators(case)
    blocks: list[Block] = [
        Para(f"编号：{case.reference}", align="right"),
        *_organisation(case),
        Table(PARTY_HEADERS, tuple(_party_row(side) for side in sides), PARTY_WIDTHS),
        Heading("一、纠纷主要事实及争议事项"),
        *_paragraphs(agreement.facts),
        Heading("二、经调解，当事人自愿达成如下协议"),
        *_paragraphs(agreement.terms),
        Heading("三、履行方式和期限"),
        *_paragraphs(agreement.fulfilment),
    ]
    if agreement.fulfil_by is not None:
        blocks.append(Para(f"履行期限：{_date(agreement.fulfil_by)}前履行完毕。"))
    clauses = "四、"
    if agreement.partial:
        blocks += [Heading("四、尚未解决的事项"), Para("本协议为部分协议。以下事项经调解未能达成一致：")]
        blocks += _paragraphs(agreement.unresolved)
        clauses = "五、"
    copies = len(sides) + 1
    blocks += [
        Heading(f"{clauses}其他约定"),
        *(Para(clause) for clause in STANDARD_CLAUSES),
        Para(f"本协议一式{_count(copies)}份，当事人各执一份，调解组织留存一份。"),
        Para(f"人民调解员：{'、'.join(_mediator_line(user, case) for user in mediators)}"),
        _signatures(sides, mediators),
        Para(f"调解组织（盖章）：{_organisation_name(case)}", align="right"),
        Para(_date(timezone.localtime(agreement.agreed_at).date()), align="right"),
    ]
    return Paper("人民调解协议书", tuple(blocks))


def _organisation(case: Case) -> list[Block]:
    lines: list[Block] = [Para(f"调解组织：{_organisation_name(case)}")]
    if case.room is not None:
        room = case.room
        where = "".join(f"（{part}）" for part in (room.community.name if room.community else "", room.address) if part)
        lines.append(Para(f"调解场所：{room.name}{where}"))
    partners = [partner.name for partner in case.partners.order_by("name")]
    if partners:
        lines.append(Para(f"参与调解单位：{'、'.join(partners)}"))
    dispute = case.dispute
    amount = f"；涉及金额：{dispute.amount:,.2f}元" if dispute.amount is not None else ""
    lines.append(Para(f"纠纷类型：{dispute.dispute_type.label_zh}{amount}"))
    return lines


def _organisation_name(case: Case) -> str:
    # The station runs the "1+8+N" mediation; there is no separate committee record, so the station signs.
    return f"{case.station.name}“1+8+N”联合调解"


def _party_row(side: DisputeParty) -> tuple[str, ...]:
    person = side.person
    return (SIDE_NAMES[Side(side.side)], person.name, person.masked_phone or NOT_RECORDED,
            person.masked_id_number or NOT_RECORDED)  # fmt: skip


def _signatures(sides: Iterable[DisputeParty], mediators: Iterable[User]) -> Table:
    """A row for each party and each mediator, with room to sign and date by hand."""
    rows = [(SIDE_NAMES[Side(side.side)], side.person.name, "", SIGN_DATE) for side in sides]
    rows += [("人民调解员", _name(user), "", SIGN_DATE) for user in mediators]
    return Table(SIGN_HEADERS, tuple(rows), SIGN_WIDTHS, tall=True)


def _mediator_line(user: User, case: Case) -> str:
    lead = "，主持调解" if user.pk == case.lead_id else ""
    return f"{_name(user)}（{_affiliation(user, case)}{lead}）"


def _ordered_mediators(case: Case) -> list[User]:
    users = list(case.mediators.select_related("partner").order_by("id"))
    return sorted(users, key=lambda user: user.pk != case.lead_id)  # the lead first


# The minutes -----------------------------------------------------------------------------------------------


def _minutes_paper(session: Session) -> Paper:
    if session.status != SessionStatus.HELD:
        raise DomainError("not_held", _("Minutes are printed only for a session that was held."), status=409)
    case = session.case
    start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    present = {person.pk for person in session.parties_present.all()}
    sides = list(case.dispute.sides.select_related("person").order_by("side", "id"))
    attended = [side for side in sides if side.person_id in present]
    absent = [side.person.name for side in sides if side.person_id not in present]
    mediators = list(session.mediators_present.select_related("partner").order_by("id"))
    recorder = _name(session.recorded_by) if session.recorded_by else NOT_RECORDED
    blocks: list[Block] = [
        Para(f"案件编号：{case.reference}", align="right"),
        Para(f"时间：{_date(start.date())} {start:%H:%M}至{end:%H:%M}"),
        Para(f"地点：{_place(session)}"),
        Para(f"纠纷类型：{case.dispute.dispute_type.label_zh}"),
        Heading("到场人员"),
        Table(PARTY_HEADERS, tuple(_party_row(side) for side in attended), PARTY_WIDTHS),
        Para(f"未到场当事人：{'、'.join(absent) or '无'}"),
        Para(f"人民调解员：{'、'.join(f'{_name(user)}（{_affiliation(user, case)}）' for user in mediators)}"),
        Para(f"记录人：{recorder}"),
        Heading("调解记录"),
        *_paragraphs(session.minutes),
        Para(f"下次调解日期：{_date(session.next_date) if session.next_date else '未定'}"),
        Para("以上笔录已向当事人宣读（或经当事人阅读），确认无误。"),
        _signatures(attended, mediators),
    ]
    return Paper("调解笔录", tuple(blocks))


def _place(session: Session) -> str:
    if session.room is None:
        return session.place or NOT_RECORDED
    address = f"（{session.room.address}）" if session.room.address else ""
    return f"{session.room.name}{address}"


# Small words -----------------------------------------------------------------------------------------------


def _name(user: User) -> str:
    return user.full_name or user.username


def _affiliation(user: User, case: Case) -> str:
    return user.partner.name if user.partner is not None else case.station.name


def _date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _count(number: int) -> str:
    """A count of copies in Chinese numerals, as forms print it (二份, 十二份)."""
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    tens, ones = divmod(number, 10)
    return f"{digits[tens] if tens > 1 else ''}十{digits[ones] if ones else ''}"


def _paragraphs(text: str) -> list[Para]:
    return [Para(line.strip()) for line in text.splitlines() if line.strip()]


# DOCX ------------------------------------------------------------------------------------------------------


DOCX_ALIGN = {"right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER}


def _docx(paper: Paper) -> bytes:
    document = new_docx()
    _docx_styles(document)
    title = document.add_paragraph(paper.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for block in paper.blocks:
        _docx_block(document, block)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_styles(document: Docx) -> None:
    """宋体 for the text, 黑体 for title and headings, black: a form, not a report."""
    for name, east_asian, size in [("Normal", "宋体", 12), ("Title", "黑体", 22), ("Heading 2", "黑体", 13)]:
        style = document.styles[name]
        assert isinstance(style, ParagraphStyle)
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0, 0, 0)
        rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        # Theme fonts win over named ones in Word, so drop them, then name the fonts for every script.
        for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(attribute), None)
        for attribute, font in [("w:ascii", "Times New Roman"), ("w:hAnsi", "Times New Roman")]:
            rfonts.set(qn(attribute), font)
        rfonts.set(qn("w:eastAsia"), east_asian)
    # The template's title has a rule under it, which a form does not.
    title = document.styles["Title"].element.pPr
    if title is not None and (border := title.find(qn("w:pBdr"))) is not None:
        title.remove(border)


def _docx_block(document: Docx, block: Block) -> None:
    match block:
        case Heading(text):
            document.add_paragraph(text, style="Heading 2")
        case Para(text, align):
            document.add_paragraph(text).alignment = DOCX_ALIGN.get(align, WD_ALIGN_PARAGRAPH.LEFT)
        case Table():
            _docx_table(document, block)


def _docx_table(document: Docx, block: Table) -> None:
    table = document.add_table(rows=1, cols=len(block.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, block.headers, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for values in block.rows:
        row = table.add_row()
        if block.tall:
            row.height = Pt(36)
        for cell, text in zip(row.cells, values, strict=True):
            cell.text = text
    document.add_paragraph()


# PDF -------------------------------------------------------------------------------------------------------

FONT = "cjkserif"
LINE = 7.0


def _pdf(paper: Paper) -> bytes:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_font(FONT, fname=str(serif_path()))
    pdf.add_page()
    pdf.set_font(FONT, size=20)
    pdf.cell(0, 14, paper.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for block in paper.blocks:
        _pdf_block(pdf, block)
    return bytes(pdf.output())


def _pdf_block(pdf: FPDF, block: Block) -> None:
    match block:
        case Heading(text):
            pdf.ln(2)
            pdf.set_font(FONT, size=13)
            _pdf_text(pdf, text, "left")
        case Para(text, align):
            pdf.set_font(FONT, size=11)
            _pdf_text(pdf, text, align)
        case Table():
            _pdf_table(pdf, block)


def _pdf_text(pdf: FPDF, text: str, align: str) -> None:
    # Chinese has no spaces to break at: wrap by character.
    pdf.multi_cell(
        0, LINE, text, align={"right": "R", "center": "C"}.get(align, "J"), wrapmode=WrapMode.CHAR,
        new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip


def _pdf_table(pdf: FPDF, block: Table) -> None:
    pdf.ln(1)
    pdf.set_font(FONT, size=10)
    with pdf.table(
        col_widths=block.widths,
        line_height=12.0 if block.tall else LINE,
        wrapmode=WrapMode.CHAR,
        headings_style=FontFace(emphasis=None, fill_color=(235, 238, 242)),
        padding=1,
    ) as table:
        for values in (block.headers, *block.rows):
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.ln(3)
