"""One matter through the whole closed loop in a real browser: 登记 → 受理 → 分派 → 处置 → 办结 → 回访 → 归档.

Debian's Chromium, driven by Playwright's sync API against pytest-django's live server. Never `playwright
install`: the browser is the system's.
"""

import os
from collections.abc import Iterator

import pytest
from django.utils import translation
from playwright.sync_api import Browser, Page, expect, sync_playwright

from fengqiao.codes.loader import load_defaults
from fengqiao.matters.models import Matter, Stage
from fengqiao.staff.models import User
from tests.conftest import PASSWORD

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself are still sync.
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
SCREENSHOT = "/tmp/fengqiao-matter.png"
NOTES = {
    Stage.ACCEPTED: "所长当天受理",
    Stage.ASSIGNED: "所长亲自处置",
    Stage.IN_PROGRESS: "上门了解情况",
    Stage.RESOLVED: "协调新房主及水电公司恢复供水供电",
    Stage.CALLED_BACK: "回访：老李表示满意",
    Stage.ARCHIVED: "材料齐全，归档",
}


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, live_server: object) -> Iterator[Page]:
    # English pages: the stage labels asserted below are the source strings, whatever the catalogue says.
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def codes(transactional_db: None) -> None:
    """The flush between transactional tests removes the code tables that a data migration loaded."""
    load_defaults()


def label(stage: Stage) -> str:
    with translation.override("en"):
        return str(stage.label)


def take_step(page: Page, stage: Stage) -> None:
    step = page.locator(f'details.step[data-step="{stage}"]')
    step.locator("summary").click()
    if stage == Stage.ASSIGNED:
        step.locator("select[name=owner]").select_option("wangxiaojian")
    elif stage == Stage.RESOLVED:
        step.locator("select[name=outcome]").select_option("helped")
    elif stage == Stage.CALLED_BACK:
        step.locator("input[name=satisfaction][value=satisfied]").check()
    step.locator("textarea[name=note]").fill(NOTES[stage])
    step.locator("button[type=submit]").click()
    expect(page.locator("#stage")).to_have_text(label(stage))


def test_the_chief_registers_a_matter_and_walks_it_to_the_archive(  # type: ignore[no-untyped-def]
    page: Page, live_server, codes: None, chief: User
) -> None:
    page.goto(f"{live_server.url}/")
    page.fill("input[name=username]", "wangxiaojian")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("My work")

    page.click("nav.main >> text=Register")
    page.select_option("select[name=kind]", "help")
    page.select_option("select[name=channel]", "walk_in")
    page.select_option("select[name=category]", "0604")
    page.fill("textarea[name=description]", "老李反映家中没水没电，情绪激动")
    page.fill("input[name=address]", "华丽社区3号楼2单元501室")
    page.fill("input[name=reporter_name]", "老李")
    page.fill("input[name=reporter_phone]", "13812345678")
    page.click("#register-form button[type=submit]")

    expect(page.locator("#stage")).to_have_text(label(Stage.REGISTERED))
    matter = Matter.objects.get()
    expect(page.locator(".messages")).to_contain_text(f"Matter {matter.reference} registered.")
    expect(page.locator(".parties")).to_contain_text("138****5678")

    loop = [Stage.ACCEPTED, Stage.ASSIGNED, Stage.IN_PROGRESS, Stage.RESOLVED, Stage.CALLED_BACK, Stage.ARCHIVED]
    for stage in loop:
        take_step(page, stage)

    titles = page.locator("#timeline li.event strong").all_inner_texts()
    assert titles == [label(stage) for stage in [Stage.REGISTERED, *loop]]
    expect(page.locator("#timeline")).to_contain_text("Satisfaction: Satisfied")
    for note in NOTES.values():
        expect(page.locator("#timeline")).to_contain_text(note)
    assert Matter.objects.get().stage == Stage.ARCHIVED
    page.screenshot(path=SCREENSHOT, full_page=True)
