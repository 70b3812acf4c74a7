"""The blockers' pages: the 29 buildings of 采五东区 with their alarms, and one building's days and matters.

Alarms are recorded through the domain, as the API records them, at times relative to now: the page counts the
last 24 hours, 7 and 30 days from the moment it is asked for.
"""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from fengqiao.devices.domain import Reading, record
from fengqiao.devices.models import Device, DeviceEvent
from fengqiao.matters.domain.transitions import Step, transition
from fengqiao.matters.models import Matter
from fengqiao.staff.models import User
from fengqiao.stations.models import Community, CommunityGrid, PoliceGrid, StandardAddress, Station
from tests.devices.conftest import blocker, building_of
from tests.web.conftest import queries_to_show

URL = "/devices/"
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
BUILDINGS = range(1, 30)
TWO_LIFTS = frozenset({1, 2, 5, 6, 9, 12, 17, 21, 25})
BURST = 17  # three alarms within a day: its hazard matter


def ages_of(number: int) -> list[dt.timedelta]:
    """How long ago each alarm of building `number` was: a day or more apart, so never a burst by themselves."""
    ages = [100 * DAY]  # every building: counted in the total only
    if number % 2 == 0:
        ages.append(20 * DAY)
    if number % 3 == 0:
        ages.append(3 * DAY)
    if number % 5 == 0:
        ages.append(2 * HOUR)
    return ages


def expected(number: int) -> tuple[int, int, int, int]:
    """Alarms in 24 h, 7 days, 30 days and in all, as the page must show them."""
    ages = ages_of(number) + ([10 * HOUR, 9 * HOUR, 8 * HOUR] if number == BURST else [])
    return (
        sum(age <= DAY for age in ages),
        sum(age <= 7 * DAY for age in ages),
        sum(age <= 30 * DAY for age in ages),
        len(ages),
    )


def alarm(device: Device, at: dt.datetime, kind: str = "ebike_detected") -> DeviceEvent:
    return record(device, Reading(f"{device.device_id}-{at:%Y%m%d%H%M%S}", kind, at)).event


@pytest.fixture
def now() -> dt.datetime:
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def blocks(caiwu: CommunityGrid) -> dict[int, StandardAddress]:
    """The 29 buildings of 采五东区, a blocker in every lift, as the campaign left them."""
    buildings = {number: building_of(caiwu, number) for number in BUILDINGS}
    for number, building in buildings.items():
        for lift in ("1号梯", "2号梯") if number in TWO_LIFTS else ("1号梯",):
            blocker(building, lift)
    return buildings


@pytest.fixture
def campaign(blocks: dict[int, StandardAddress], now: dt.datetime) -> Matter:
    """Every building's scattered alarms, a fault that does not count, and the burst of building 17."""
    for number in BUILDINGS:
        lift = Device.objects.filter(building=blocks[number]).first()
        assert lift is not None
        for age in ages_of(number):
            alarm(lift, now - age)
    alarm(Device.objects.get(device_id="cw5-12-2"), now - HOUR, kind="blocker_fault")
    first, second = Device.objects.filter(building=blocks[BURST]).order_by("lift")
    for device, hours in ((first, 10), (second, 9), (first, 8)):
        event = alarm(device, now - hours * HOUR)
    assert event.matter is not None
    return event.matter


def page_as(user: User | None, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


def get(user: User | None, path: str = URL, language: str = "en") -> tuple[int, str]:
    response = page_as(user, language).get(path)
    return response.status_code, response.content.decode()


def rows_of(html: str) -> dict[int, str]:
    """Each building's table row, by building id, in the order shown."""
    return {int(pk): row for pk, row in re.findall(r'<tr data-building="(\d+)"[^>]*>(.*?)</tr>', html, re.S)}


def number_in(row: str, cell: str) -> int:
    found = re.search(rf'class="num {cell}">(\d+)<', row)
    assert found is not None, cell
    return int(found.group(1))


def counts_in(row: str) -> tuple[int, ...]:
    return tuple(number_in(row, cell) for cell in ("day", "week", "month", "total"))


def test_the_page_lists_the_29_buildings_with_their_blockers_and_alarm_counts(
    officer: User, blocks: dict[int, StandardAddress], campaign: Matter
) -> None:
    status, html = get(officer)

    assert status == 200
    rows = rows_of(html)
    assert sorted(rows) == sorted(building.pk for building in blocks.values())
    for number, building in blocks.items():
        row = rows[building.pk]
        lifts = 2 if number in TWO_LIFTS else 1
        assert f">{number}号楼</a></td>\n      <td>采五东区</td>" in row
        assert number_in(row, "blockers") == number_in(row, "lifts") == lifts
        assert counts_in(row) == expected(number), number


def test_buildings_needing_attention_come_first(
    officer: User, blocks: dict[int, StandardAddress], campaign: Matter
) -> None:
    order = list(rows_of(get(officer)[1]))

    by_pk = {building.pk: number for number, building in blocks.items()}
    rest = sorted(set(BUILDINGS) - {BURST}, key=lambda n: (-expected(n)[1], -expected(n)[2], n))
    assert [by_pk[pk] for pk in order] == [BURST, *rest]  # the open hazard, then the most alarms in 7 and 30 days
    assert rest[:3] == [15, 6, 10]


def test_a_building_over_the_threshold_shows_its_hazard_matter_linked(
    officer: User, blocks: dict[int, StandardAddress], campaign: Matter
) -> None:
    Matter.objects.filter(pk=campaign.pk).update(step_due_at=timezone.now() + HOUR)

    row = rows_of(get(officer)[1])[blocks[BURST].pk]

    assert f'<a class="ref" href="/matters/{campaign.pk}/">{campaign.reference}</a>' in row
    assert "Registered" in row and "Overdue" not in row
    assert all("/matters/" not in row for pk, row in rows_of(get(officer)[1]).items() if pk != blocks[BURST].pk)


def test_an_overdue_hazard_matter_says_so(officer: User, blocks: dict[int, StandardAddress], campaign: Matter) -> None:
    Matter.objects.filter(pk=campaign.pk).update(step_due_at=timezone.now() - HOUR)

    row = rows_of(get(officer)[1])[blocks[BURST].pk]

    assert '<span class="badge overdue">Overdue</span>' in row


def test_the_building_page_shows_alarms_per_day_and_its_matters_open_and_closed(
    officer: User, blocks: dict[int, StandardAddress], campaign: Matter, now: dt.datetime
) -> None:
    transition(campaign.pk, officer, Step(to="rejected", reason="物业已劝导"))
    first = Device.objects.filter(building=blocks[BURST]).first()
    assert first is not None
    for minutes in (30, 20, 10):
        reopened = alarm(first, now - minutes * dt.timedelta(minutes=1)).matter
    assert reopened is not None and reopened != campaign

    status, html = get(officer, f"/devices/building/{blocks[BURST].pk}/")

    assert status == 200
    per_day = dict(re.findall(r'<tr data-day="([\d-]+)"[^>]*>\s*<td>[^<]*</td>\s*<td class="num">(\d+)</td>', html))
    assert len(per_day) == 30 and max(per_day) == f"{timezone.localdate():%Y-%m-%d}"
    alarms = DeviceEvent.objects.alarms().filter(building=blocks[BURST], at__gte=now - 29 * DAY)
    days = [timezone.localtime(event.at).date() for event in alarms]
    assert {day: int(n) for day, n in per_day.items() if int(n)} == {f"{d:%Y-%m-%d}": days.count(d) for d in set(days)}
    matters = html.split('<section id="matters">', 1)[1].split("</section>", 1)[0]
    assert f"/matters/{reopened.pk}/" in matters and f"/matters/{campaign.pk}/" in matters
    assert "Rejected" in matters
    # The page's row shows the open one.
    row = rows_of(get(officer)[1])[blocks[BURST].pk]
    assert f"/matters/{reopened.pk}/" in row and f"/matters/{campaign.pk}/" not in row


def test_another_station_sees_none_of_these_buildings_and_gets_404_for_one(
    other_chief: User, officer: User, other_station: Station, blocks: dict[int, StandardAddress], campaign: Matter
) -> None:
    community = Community.objects.create(station=other_station, name="东港社区")
    police_grid = PoliceGrid.objects.create(station=other_station, code="BZ-PG1", name="东港警格")
    grid = CommunityGrid.objects.create(
        station=other_station, police_grid=police_grid, community=community, code="BZ-G1", name="东港一网格"
    )
    theirs = building_of(grid, 90)
    Device.objects.create(station=other_station, building=theirs, lift="1号梯", device_id="bz-90-1")

    status, html = get(other_chief)
    assert status == 200
    assert list(rows_of(html)) == [theirs.pk] and "采五东区" not in html
    assert get(other_chief, f"/devices/building/{blocks[BURST].pk}/")[0] == 404
    assert get(officer, f"/devices/building/{theirs.pk}/")[0] == 404
    assert theirs.pk not in rows_of(get(officer)[1])


def test_a_building_without_a_blocker_has_no_page(officer: User, caiwu: CommunityGrid) -> None:
    assert get(officer, f"/devices/building/{building_of(caiwu, 30).pk}/")[0] == 404


def test_an_anonymous_visitor_is_sent_to_log_in(blocks: dict[int, StandardAddress]) -> None:
    for path in (URL, f"/devices/building/{blocks[1].pk}/"):
        response = Client().get(path)
        assert response.status_code == 302 and response["Location"].startswith("/login/?next=")


def test_an_auxiliary_is_refused_and_has_no_link(auxiliary: User, officer: User) -> None:
    status, html = get(auxiliary)

    assert status == 403
    assert "The device pages are for the station&#x27;s chief and officers." in html
    assert 'href="/devices/"' not in get(auxiliary, "/")[1]
    assert 'href="/devices/"' in get(officer, "/")[1]


def test_the_page_is_in_chinese_first(officer: User, blocks: dict[int, StandardAddress], campaign: Matter) -> None:
    status, html = get(officer, language="zh-hans")

    assert status == 200
    assert '<html lang="zh-hans">' in html
    assert re.search(r"<h1>设备 <span", html)
    headings = re.findall(r"<th[^>]*>([^<]+)</th>", html)
    assert {"楼栋", "设备", "电梯", "报警次数", "隐患"} <= set(headings)
    assert 'aria-current="page">设备</a>' in html  # the navigation link
    assert '<span class="stage stage-registered">已登记</span>' in html  # the hazard matter's stage


def test_the_estate_filter_shows_one_estate_when_there_are_several(
    officer: User, station: Station, blocks: dict[int, StandardAddress], caiwu: CommunityGrid
) -> None:
    huali = Community.objects.create(station=station, name="华丽社区")
    other = StandardAddress.objects.create(station=station, community=huali, building="3")
    Device.objects.create(station=station, building=other, lift="1号梯", device_id="hl-03-1")

    all_rows = rows_of(get(officer)[1])
    status, html = get(officer, f"{URL}?estate=华丽社区")

    assert len(all_rows) == 30 and status == 200
    assert list(rows_of(html)) == [other.pk]
    assert '<option value="华丽社区" selected>' in html


def test_the_page_takes_as_many_queries_for_29_buildings_as_for_2(
    officer: User, caiwu: CommunityGrid, now: dt.datetime, django_assert_max_num_queries: object
) -> None:
    def add_building(number: int) -> None:
        """An alarm in every building; a burst, and so an open hazard matter, in every odd one."""
        lift = blocker(building_of(caiwu, number), "1号梯")
        for hours in (1, 2, 3) if number % 2 else (number,):
            alarm(lift, now - hours * HOUR)

    client = page_as(officer)
    for number in (1, 2):
        add_building(number)
    few = queries_to_show(client, URL)
    for number in range(3, 30):
        add_building(number)

    assert queries_to_show(client, URL) == few
    assert Matter.objects.filter(channel="device_alarm").count() == 15
    with django_assert_max_num_queries(few):  # type: ignore[operator]
        client.get(URL)
