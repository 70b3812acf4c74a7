"""The printed documents: 人民调解协议书 and 调解笔录, opened as Word and PDF and read like a party would read them."""

import datetime as dt
import io
from collections.abc import Iterator

import pytest
from django.utils import translation
from docx import Document
from pypdf import PdfReader

from fengqiao.lib.errors import DomainError
from fengqiao.mediation.documents import agreement_docx, agreement_pdf, minutes_docx, minutes_pdf
from fengqiao.mediation.domain.cases import CaseStep, move_case
from fengqiao.mediation.domain.sessions import Booking, Record, record_session, schedule_session
from fengqiao.mediation.models import Case, Room, Session
from fengqiao.people.models import Person
from fengqiao.staff.models import User
from tests.mediation.conftest import at

TERMS = "张某于十日内出资加固承重墙，承担费用的六成，刘某承担四成。"
FULFILMENT = "加固由物业监督施工，完工后社区验收。"
UNRESOLVED = "装修噪音造成的损失，双方各执一词。"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def held(case: Case, officer: User, mediator: User, liu: Person, zhang: Person, room: Room) -> Session:
    """A session in the room, held with both parties, the officer and 周律师; the next one a week on."""
    session = schedule_session(case, officer, Booking(starts_at=at(-2), ends_at=at(-2, 11), room=room.pk))
    record = Record(
        minutes="双方陈述意见。\n刘某担心房屋安全，张某同意请人鉴定。",
        parties_present=(liu.pk, zhang.pk),
        mediators_present=(officer.pk, mediator.pk),
        next_date=dt.date(2026, 12, 8),
    )
    return record_session(session.pk, officer, record)


def agree(case: Case, actor: User, stage: str = "agreed", unresolved: str = "") -> Case:
    step = CaseStep("accepted", consent=True, note="双方同意调解")
    move_case(case.pk, actor, step)
    agreed = CaseStep(stage, terms=TERMS, fulfilment=FULFILMENT, fulfil_by=dt.date(2026, 12, 31), unresolved=unresolved)
    return move_case(case.pk, actor, agreed)


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def pdf_text(content: bytes) -> str:
    # Long lines wrap anywhere in Chinese: compare without the line breaks and spaces the layout adds. pypdf reads
    # fpdf2's embedded two-byte CMap as pairs (a NUL before each character); viewers show plain text.
    pages = PdfReader(io.BytesIO(content)).pages
    return "".join("".join(page.extract_text().replace("\x00", "").split()) for page in pages)


def both(case: Case) -> list[str]:
    return ["".join(docx_text(agreement_docx(case)).split()), pdf_text(agreement_pdf(case))]


@pytest.mark.django_db
def test_the_agreement_names_the_parties_terms_mediators_and_reference_in_word_and_pdf(
    case: Case, held: Session, officer: User
) -> None:
    agree(case, officer)

    for text in both(case):
        assert "人民调解协议书" in text
        assert f"编号：{case.reference}" in text
        assert "甲方" in text and "刘某" in text and "乙方" in text and "张某" in text
        assert "139****1111" in text and "139****2222" in text
        assert TERMS in text and FULFILMENT in text and "2026年12月31日前履行完毕" in text
        assert "赵民警（鹿城派出所，主持调解）、周律师（鹿城派出所）、陈法官（辛集市人民法院）" in text
        assert "东港社区调解室" in text and "辛集市人民法院" in text
        assert "三十日内共同向人民法院申请司法确认" in text
        assert "尚未解决" not in text


@pytest.mark.django_db
def test_phones_and_id_numbers_are_masked_in_every_document(
    case: Case, held: Session, officer: User, liu: Person
) -> None:
    liu.id_number = "11010519491231002X"
    liu.save(update_fields=["id_number"])
    agree(case, officer)

    texts = [*both(case), "".join(docx_text(minutes_docx(held)).split()), pdf_text(minutes_pdf(held))]

    for text in texts:
        assert "139****1111" in text and "1101**********002X" in text
        assert "13900001111" not in text and "13900002222" not in text and "11010519491231002X" not in text


@pytest.mark.django_db
def test_the_word_document_names_an_east_asian_font(case: Case, held: Session, officer: User) -> None:
    agree(case, officer)

    document = Document(io.BytesIO(agreement_docx(case)))

    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "宋体"


@pytest.mark.django_db
def test_a_partial_agreement_says_what_remains_unresolved(case: Case, held: Session, officer: User) -> None:
    agree(case, officer, "partly_agreed", unresolved=UNRESOLVED)

    for text in both(case):
        assert "四、尚未解决的事项" in text and UNRESOLVED in text and "五、其他约定" in text


@pytest.mark.django_db
def test_the_minutes_show_when_where_who_what_and_the_next_date(case: Case, held: Session) -> None:
    for text in ["".join(docx_text(minutes_docx(held)).split()), pdf_text(minutes_pdf(held))]:
        assert "调解笔录" in text and case.reference in text
        assert f"{at(-2):%Y}年{at(-2).month}月{at(-2).day}日09:00至11:00" in text
        assert "东港社区调解室" in text
        assert "刘某" in text and "张某" in text and "未到场当事人：无" in text
        assert "人民调解员：赵民警（鹿城派出所）、周律师（鹿城派出所）" in text
        assert "陈法官" not in text  # on the case, not at this session
        assert "刘某担心房屋安全，张某同意请人鉴定。" in text
        assert "下次调解日期：2026年12月8日" in text


@pytest.mark.django_db
def test_no_agreement_no_agreement_document(case: Case, held: Session) -> None:
    for render in (agreement_docx, agreement_pdf):
        with pytest.raises(DomainError) as error:
            render(case)
        assert (error.value.code, error.value.status) == ("no_agreement", 409)
        assert error.value.message == "This case has no agreement yet; there is nothing to print."


@pytest.mark.django_db
def test_a_session_not_held_has_no_minutes(case: Case, officer: User, room: Room) -> None:
    session = schedule_session(case, officer, Booking(starts_at=at(1), ends_at=at(1, 11), room=room.pk))

    for render in (minutes_docx, minutes_pdf):
        with pytest.raises(DomainError) as error:
            render(session)
        assert (error.value.code, error.value.status) == ("not_held", 409)
        assert error.value.message == "Minutes are printed only for a session that was held."
