"""My work: what the user owes, overdue first; and what the station has not picked up yet."""

import datetime as dt
import re

from django.utils import timezone

from fengqiao.matters.domain.transitions import Step, transition
from fengqiao.matters.models import Stage
from tests.web.conftest import assign, queries_to_show, start, text_of


def section(html: str, section_id: str) -> str:
    return html.split(f'<section id="{section_id}">', 1)[1].split("</section>", 1)[0]


def references(html: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r"LUCHENG-\d{4}-\d{6}", html)))


def test_my_open_matters_come_overdue_first_then_due_soon_then_the_rest(  # type: ignore[no-untyped-def]
    browse, make_matter, chief, officer
):
    now = timezone.now()
    later = start(assign(make_matter(description="月底前处理的求助"), chief, officer), officer)
    overdue = assign(
        make_matter(description="两天前分派仍未处置", reported_at=now - dt.timedelta(days=3)),
        chief,
        officer,
        at=now - dt.timedelta(days=2),
    )
    soon = assign(
        make_matter(description="今天要开始处置", reported_at=now - dt.timedelta(days=1)),
        chief,
        officer,
        at=now - dt.timedelta(hours=20),
    )

    mine = section(text_of(browse(officer).get("/")), "mine")

    assert references(mine) == [overdue.reference, soon.reference, later.reference]
    assert mine.count("Overdue") == 1 and mine.index("Overdue") < mine.index(soon.reference)
    assert mine.count("Due soon") == 1 and mine.index("Due soon") > mine.index(soon.reference)


def test_the_station_matters_waiting_to_be_accepted_and_assigned_are_listed_apart(  # type: ignore[no-untyped-def]
    browse, make_matter, chief, officer, other_chief
):
    waiting = make_matter(description="刚登记的求助")
    accepted = transition(make_matter(description="已受理待分派").pk, chief, Step(to=Stage.ACCEPTED))

    page = text_of(browse(officer).get("/"))

    assert references(section(page, "to-accept")) == [waiting.reference]
    assert references(section(page, "to-assign")) == [accepted.reference]
    assert "Nothing is waiting for you." in section(page, "mine")
    assert waiting.reference not in text_of(browse(other_chief).get("/"))


def test_my_work_takes_as_many_queries_for_three_matters_as_for_one(browse, make_matter, chief, officer):  # type: ignore[no-untyped-def]
    def add_one_of_each() -> None:
        make_matter()
        transition(make_matter().pk, chief, Step(to=Stage.ACCEPTED))
        assign(make_matter(), chief, officer)

    client = browse(officer)
    add_one_of_each()
    one = queries_to_show(client, "/")
    add_one_of_each()
    add_one_of_each()

    assert queries_to_show(client, "/") == one
