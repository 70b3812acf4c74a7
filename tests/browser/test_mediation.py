"""A mediation in a real browser: from the repeat-call proposal about 刘某 and 张某 to the agreement in Word.

Proposal → case (with 周律师) → both parties consent → a session scheduled, then recorded as held → the agreement
→ the agreement downloaded as DOCX, with the parties' names in it. Debian's Chromium through Playwright's sync
API against pytest-django's live server, as in test_closed_loop.py.
"""

import datetime as dt
import io
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Browser, Page, expect, sync_playwright

from fengqiao.analysis.models import MediationProposal
from fengqiao.mediation.models import Case, CaseStage, Room, SessionStatus
from fengqiao.staff.models import User
from tests.conftest import PASSWORD
from tests.matters.conftest import reference_data  # noqa: F401  (a fixture: code tables after the flush)
from tests.mediation.conftest import dispute_matter, liu, proposal, room, zhang  # noqa: F401  (fixtures of the story)

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOT = "/tmp/fengqiao-mediation.png"


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, live_server: object) -> Iterator[Page]:
    # English pages: the stage labels asserted below are the source strings, whatever the catalogue says.
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def story_proposal(reference_data: None, proposal: MediationProposal) -> MediationProposal:  # noqa: F811
    """The shared proposal fixture, after the code tables are back (a live-server test flushes them)."""
    return proposal


def label(stage: CaseStage) -> str:
    with translation.override("en"):
        return str(stage.label)


def local_input(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def take_step(page: Page, stage: CaseStage, fields: dict[str, str]) -> None:
    step = page.locator(f'details.step[data-step="{stage}"]')
    step.locator("summary").click()
    for name, value in fields.items():
        if name == "consent":
            step.locator("input[name=consent]").check()
        else:
            step.locator(f"[name={name}]").fill(value)
    step.locator("button[type=submit]").click()
    expect(page.locator("#stage")).to_have_text(label(stage))


def test_an_officer_walks_a_proposal_to_a_signed_agreement_document(  # type: ignore[no-untyped-def]
    page: Page,
    live_server,
    story_proposal: MediationProposal,
    officer: User,
    mediator: User,
    room: Room,  # noqa: F811
) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", officer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.click("nav.main >> text=Analysis")
    page.goto(f"{live_server.url}/analysis/repeats/")

    page.locator(f'article[data-group="{story_proposal.group_id}"] button.open-case').click()
    page.select_option("select[name=dispute_type]", "neighbours")
    page.check(f"#open-form input[name=mediators][value='{mediator.pk}']")
    page.select_option("#open-form select[name=room]", str(room.pk))
    page.click("#open-form button[type=submit]")
    expect(page.locator("#stage")).to_have_text(label(CaseStage.PROPOSED))
    case = Case.objects.get()
    expect(page.locator("#sides")).to_contain_text("139****1111")

    take_step(page, CaseStage.ACCEPTED, {"consent": "on", "note": "双方均同意调解"})

    # A session that began an hour ago, so that it can be recorded as held straight away.
    now = timezone.now()
    page.locator("#schedule summary").click()
    page.fill("#id_schedule_starts_at", local_input(now - dt.timedelta(hours=1)))
    page.fill("#id_schedule_ends_at", local_input(now + dt.timedelta(hours=1)))
    page.click("#schedule button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("The session is scheduled")
    session = case.sessions.get()
    held = page.locator(f'article[data-session="{session.pk}"]')
    held.locator("details.record summary").click()
    held.locator("textarea[name=minutes]").fill("双方陈述，同意共同出资加固承重墙")
    for box in held.locator("input[name=parties_present]").all():
        box.check()
    held.locator(f"input[name=mediators_present][value='{mediator.pk}']").check()
    held.locator("details.record button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("The session is recorded as held.")
    assert case.sessions.get().status == SessionStatus.HELD

    take_step(
        page,
        CaseStage.AGREED,
        {"terms": "张某与刘某共同出资加固承重墙，费用各半", "fulfilment": "三十日内由物业监督完成加固"},
    )
    expect(page.locator("#agreement")).to_contain_text("张某与刘某共同出资加固承重墙，费用各半")

    with page.expect_download() as download:
        page.click("#agreement-docx")
    saved = Path(download.value.path())
    with zipfile.ZipFile(io.BytesIO(saved.read_bytes())) as archive:
        text = archive.read("word/document.xml").decode()
    assert "刘某" in text and "张某" in text and "共同出资加固承重墙" in text
    assert download.value.suggested_filename == f"{case.reference}-agreement.docx"
    page.screenshot(path=SCREENSHOT, full_page=True)
