"""`fengqiao demo`: the seed page's stations and stories, loaded once for this module and rolled back after it.

The demo takes a few seconds, so it is loaded (twice, to prove that the second run adds nothing) in one
module-scoped transaction that is rolled back at the end; each test runs inside it in its own savepoint. What the
demo does after the commit (notifications) is run as it is queued, and its attachments go to a module media root.
"""

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q, Sum
from django.test import Client, TestCase, override_settings
from django.utils import timezone, translation

from fengqiao.analysis.hotspots import Period
from fengqiao.analysis.models import MediationProposal, RepeatGroup
from fengqiao.demo.loader import UNREAD_FOR
from fengqiao.demo.stories import OTHER_HOMES
from fengqiao.lib.idnumber import is_valid
from fengqiao.matters.access import matters_for_user
from fengqiao.matters.models import Attachment, Matter, Stage
from fengqiao.mediation.figures import mediation_figures
from fengqiao.mediation.models import Case, Room
from fengqiao.notifications.models import Notification
from fengqiao.people.models import Person
from fengqiao.staff.models import User
from fengqiao.stations.models import Community, GridPopulation, Partner, StandardAddress, Station

SHANGHAI = ZoneInfo("Asia/Shanghai")
STATIONS = ["lucheng", "bozhen", "jizhou", "lingang"]
STORY_STAGES = {
    "DEMO-laoli": "archived",
    "DEMO-linvshi": "archived",
    "DEMO-caiwu-ebike": "archived",
    "DEMO-caiwu-alarm-1": "archived",
    "DEMO-liuayi": "archived",
    "DEMO-liuzhang-1": "archived",
    "DEMO-liuzhang-2": "archived",
    "DEMO-liuzhang-3": "archived",
    "DEMO-liuzhang-4": "archived",  # resolved by the mediation case; the banner was the callback
    "DEMO-jizhou-nixing": "archived",
    "DEMO-lingang-backpack": "archived",
    "DEMO-lingang-car": "archived",
    "DEMO-lingang-child-0722": "archived",
    "DEMO-lingang-child-0805": "archived",
}


@dataclass(frozen=True)
class Loaded:
    first_output: str
    second_output: str
    rows_after_first: dict[str, int]
    rows_after_second: dict[str, int]
    media: Path


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def run_demo() -> str:
    out = StringIO()
    with translation.override("en"):  # the output is asserted against the English msgids
        call_command("demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker, tmp_path_factory) -> Iterator[Loaded]:  # type: ignore[no-untyped-def]
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        # The notifications are written after commit, which a rolled-back module never reaches: run them when queued.
        with TestCase.captureOnCommitCallbacks(execute=True):
            first = run_demo()
        after_first = row_counts()
        with TestCase.captureOnCommitCallbacks(execute=True):
            second = run_demo()
        yield Loaded(first, second, after_first, row_counts(), media)
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo: Loaded, db: None) -> Loaded:
    return demo


def story(ref: str) -> Matter:
    return Matter.objects.get(external_ref=ref)


def local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(SHANGHAI)


def test_a_second_run_adds_nothing(loaded: Loaded) -> None:
    assert loaded.rows_after_second == loaded.rows_after_first
    assert loaded.rows_after_first["matters.Matter"] > 150
    assert "Demo loaded: 0 new matters" in loaded.second_output


def test_the_command_prints_every_login_with_the_demo_password(loaded: Loaded) -> None:
    table = loaded.first_output
    for username, name, station in [
        ("wangxiaojian", "王晓建", "鹿城派出所"),
        ("liuqiang", "刘强", "泊镇派出所"),
        ("jz_li", "李明", "高速交警冀州大队"),
        ("lg_han", "韩涛", "临港治安派出所"),
    ]:
        line = next(line for line in table.splitlines() if line.startswith(username + " "))
        assert line.split()[:3] == [username, name, station]
    assert table.rstrip().endswith("Password for every demo login: fengqiao-demo")


def test_the_four_units_of_the_seed_page_are_loaded_with_their_people(loaded: Loaded) -> None:
    chiefs = {u.station.code: u.full_name for u in User.objects.filter(role="chief").select_related("station")}
    assert {code: chiefs[code] for code in ["lucheng", "bozhen"]} == {"lucheng": "王晓建", "bozhen": "刘强"}
    roles = set(User.objects.filter(station__code="lucheng").values_list("role", flat=True))
    assert roles == {"chief", "officer", "auxiliary", "grid_worker", "volunteer"}
    mediators = User.objects.filter(station__code="bozhen", role="mediator").select_related("partner")
    assert {m.partner.kind for m in mediators if m.partner} == {
        "law_firm",
        "residents_committee",
        "court",
        "judicial_office",
    }


def test_lucheng_answers_for_fourteen_thousand_residents(loaded: Loaded) -> None:
    totals = dict(
        GridPopulation.objects.filter(grid__station__code="lucheng")
        .values_list("year")
        .annotate(total=Sum("residents"))
        .values_list("year", "total")
    )
    assert totals[2023] == 14_000
    assert totals[2024] == 14_000
    assert sorted(totals) == [2023, 2024, 2025, 2026]


def test_lao_li_walks_the_whole_loop_from_november_2023_to_august_2024(loaded: Loaded) -> None:
    matter = story("DEMO-laoli")
    events = list(matter.events.all())
    assert matter.stage == Stage.ARCHIVED
    assert [e.to_stage for e in events] == [
        "registered", "accepted", "assigned", "in_progress", "resolved", "called_back", "archived",
    ]  # fmt: skip
    assert (local(events[0].at).year, local(events[0].at).month) == (2023, 11)
    assert (local(events[-1].at).year, local(events[-1].at).month) == (2024, 8)
    assert "谁来收房就让他好看" in matter.description
    assert matter.owner is not None and matter.owner.username == "wangxiaojian"
    assert matter.outcome is not None and matter.outcome.code == "helped"


def test_lao_li_was_helped_by_many_visits_and_partners_and_his_brother_said_thanks(loaded: Loaded) -> None:
    matter = story("DEMO-laoli")
    actions = list(matter.actions.select_related("partner"))
    partners = {a.partner.name for a in actions if a.partner}
    assert len(actions) >= 5
    assert {"辛集市供水公司", "国网辛集市供电公司", "华丽社区居委会"} <= partners
    handover = next(a for a in actions if "低保证" in a.note and a.occurred_at.date() == dt.date(2024, 8, 1))
    assert handover.partner is not None and handover.partner.name == "华丽社区居委会"
    callback = matter.events.get(to_stage=Stage.CALLED_BACK)
    assert matter.satisfaction == "satisfied"
    assert "弟弟" in callback.note and "感谢" in callback.note


def test_every_story_is_in_its_real_stage(loaded: Loaded) -> None:
    stages = dict(Matter.objects.filter(external_ref__startswith="DEMO-").values_list("external_ref", "stage"))
    assert {ref: stages.get(ref) for ref in STORY_STAGES} == STORY_STAGES


def test_aunt_liu_has_more_than_twenty_inquiry_records_and_a_dna_test(loaded: Loaded) -> None:
    matter = story("DEMO-liuayi")
    records = matter.actions.filter(kind="inquiry_record")
    counted = sum(int(note.split("笔录")[1].split("份")[0]) for note in records.values_list("note", flat=True))
    assert (matter.kind, matter.category.code) == ("household", "0605")
    assert counted >= 20
    assert matter.actions.filter(note__contains="91岁").exists()
    assert local(matter.events.get(to_stage="resolved").at).date() - local(matter.reported_at).date() > dt.timedelta(
        days=180
    )


def test_liu_and_zhang_called_again_and_again_within_a_month(loaded: Loaded) -> None:
    calls = list(Matter.objects.filter(external_ref__startswith="DEMO-liuzhang-").order_by("reported_at"))
    assert len(calls) >= 3
    assert calls[-1].reported_at - calls[0].reported_at <= dt.timedelta(days=31)
    assert {c.category.code for c in calls} == {"020501"}
    assert all({p.person.name for p in c.parties.all()} == {"刘某", "张某"} for c in calls)
    assert Person.objects.filter(station__code="bozhen", name__in=["刘某", "张某"]).count() == 2
    assert [c.stage for c in calls] == ["archived"] * len(calls)


def test_ms_li_was_warned_by_phone_then_at_her_door(loaded: Loaded) -> None:
    matter = story("DEMO-linvshi")
    kinds = list(matter.actions.values_list("kind", flat=True))
    assert (matter.channel, matter.kind, matter.category.code) == ("anti_fraud", "fraud_warning", "0801")
    assert kinds.index("phone_call") < kinds.index("visit")
    assert (local(matter.reported_at).year, local(matter.reported_at).month) == (2024, 1)


def test_the_backpack_must_be_back_before_the_train_to_beijing(loaded: Loaded) -> None:
    matter = story("DEMO-lingang-backpack")
    returned = matter.actions.get(note__contains="送到王女士手中")
    assert matter.due_at == dt.datetime(2024, 7, 7, 14, 0, tzinfo=SHANGHAI)
    assert matter.due_reason == "游客次日14:00火车返京"
    assert local(returned.occurred_at) == dt.datetime(2024, 7, 7, 8, 0, tzinfo=SHANGHAI)
    assert "锦旗" in matter.events.get(to_stage="called_back").note


def test_the_wrong_way_rider_came_from_video_patrol_and_was_urgent(loaded: Loaded) -> None:
    matter = story("DEMO-jizhou-nixing")
    assert (matter.station.code, matter.channel, matter.priority) == ("jizhou", "video_patrol", "urgent")
    assert matter.place == "邢衡高速邢台方向130公里"
    assert matter.grid is not None


def test_the_chiefs_log_in_with_the_demo_password_and_see_only_their_own_station(loaded: Loaded) -> None:
    for username, code, own, other in [
        ("wangxiaojian", "lucheng", "DEMO-laoli", "DEMO-liuayi"),
        ("liuqiang", "bozhen", "DEMO-liuayi", "DEMO-laoli"),
    ]:
        assert Client().login(username=username, password=settings.DEMO_PASSWORD)
        visible = matters_for_user(User.objects.get(username=username))
        assert set(visible.values_list("station__code", flat=True)) == {code}
        assert visible.filter(external_ref=own).exists()
        assert not visible.filter(external_ref=other).exists()


def test_a_demo_user_who_changed_the_password_keeps_it_when_the_demo_runs_again(loaded: Loaded) -> None:
    officer = User.objects.get(username="lc_zhao")
    officer.set_password("my own secret phrase")
    officer.save()
    run_demo()
    assert Client().login(username="lc_zhao", password="my own secret phrase")
    assert not Client().login(username="lc_zhao", password=settings.DEMO_PASSWORD)


def test_every_station_has_open_and_overdue_work_in_every_stage(loaded: Loaded) -> None:
    for code in STATIONS:
        matters = Matter.objects.filter(station__code=code)
        assert matters.open().filter(owner__isnull=False).exists(), code
        assert matters.overdue().exists(), code
    stages = set(Matter.objects.filter(station__code="lucheng").values_list("stage", flat=True))
    assert {"registered", "accepted", "assigned", "in_progress", "resolved", "called_back", "archived"} <= stages


def test_every_timeline_runs_forward_and_ends_before_now(loaded: Loaded) -> None:
    now = timezone.now()
    for matter in Matter.objects.filter(external_ref__startswith="DEMO-").prefetch_related("events", "actions"):
        times = [e.at for e in matter.events.all()]
        assert times == sorted(times), matter.external_ref
        assert times[0] == matter.reported_at
        assert max([*times, *(a.occurred_at for a in matter.actions.all())]) <= now, matter.external_ref


def test_every_resident_id_number_passes_the_checksum(loaded: Loaded) -> None:
    numbers = list(Person.objects.exclude(id_number="").values_list("id_number", flat=True))
    assert len(numbers) > 100
    assert [n for n in numbers if not is_valid(n)] == []


# ---- 1+8+N mediation at 泊镇 (stories 6 and 7) ---------------------------------------------------------------


def liu_zhang_case() -> Case:
    return Case.objects.select_related("dispute__matter__outcome", "proposal").get(
        dispute__matter__external_ref="DEMO-liuzhang-4"
    )


def test_liu_and_zhang_were_mediated_from_their_proposal_to_a_closed_case(loaded: Loaded) -> None:
    case = liu_zhang_case()
    assert case.proposal is not None and case.proposal.stage == "opened"
    assert case.lead.username == "liuqiang"
    partner_kinds = {m.partner.kind for m in case.mediators.select_related("partner") if m.partner}
    assert partner_kinds == {"residents_committee", "court", "law_firm"}  # the community head, a judge, a lawyer
    assert list(case.events.values_list("to_stage", flat=True)) == [
        "proposed", "accepted", "agreed", "fulfilment_check", "closed",
    ]  # fmt: skip
    held = case.sessions.filter(status="held")
    assert held.count() == 3 and all(session.minutes for session in held)
    assert all(set(s.parties_present.values_list("name", flat=True)) == {"刘某", "张某"} for s in held)
    assert "共同加固" in case.agreement.terms and not case.agreement.partial
    assert [(v.fulfilled, v.done_at is not None) for v in case.visits.all()] == [(True, True)]


def test_the_mediated_matter_is_resolved_and_the_thank_you_banner_is_noted(loaded: Loaded) -> None:
    case = liu_zhang_case()
    matter = case.dispute.matter
    assert matter.outcome is not None and (matter.outcome.code, matter.outcome.label_zh) == ("resolved", "化解成功")
    assert "在家安心了" in case.events.get(to_stage="closed").note
    assert matter.actions.filter(note__contains="锦旗").exists()
    times = [*case.events.values_list("at", flat=True)]
    assert times == sorted(times) and times[0] > matter.reported_at and times[-1] < timezone.now()


def test_the_banner_is_the_callback_and_the_mediated_matter_ends_the_loop(loaded: Loaded) -> None:
    matter = liu_zhang_case().dispute.matter
    closed = liu_zhang_case().events.get(to_stage="closed").at
    events = list(matter.events.all())
    assert [e.to_stage for e in events[-3:]] == ["resolved", "called_back", "archived"]
    assert (matter.stage, matter.satisfaction) == (Stage.ARCHIVED, "satisfied")
    assert "锦旗" in events[-2].note and events[-2].actor is not None and events[-2].actor.username == "bz_chen"
    assert closed <= events[-2].at < events[-1].at < timezone.now()
    assert not Matter.objects.overdue().filter(pk=matter.pk).exists()


def test_bozhen_has_the_eight_forces_and_a_room_in_every_village(loaded: Loaded) -> None:
    forces = set(
        Partner.objects.filter(station__code="bozhen", force__isnull=False).values_list("force__code", flat=True)
    )
    rooms = Room.objects.filter(station__code="bozhen")
    villages = set(Community.objects.filter(station__code="bozhen").values_list("name", flat=True))
    assert len(forces) == 8
    assert villages == set(rooms.filter(kind="room").values_list("community__name", flat=True))
    assert rooms.filter(kind="contact_point").count() >= 2
    assert all(room.people.exists() for room in rooms)


def test_the_village_cases_run_through_every_stage_and_feed_the_figures(loaded: Loaded) -> None:
    cases = Case.objects.filter(station__code="bozhen")
    stages = set(cases.values_list("stage", flat=True))
    types = set(cases.values_list("dispute__dispute_type__code", flat=True))
    assert {"proposed", "accepted", "declined", "referred", "fulfilment_check", "closed"} <= stages
    assert {"land", "contract", "private_lending", "neighbours"} <= types
    today = timezone.localdate()
    figures = mediation_figures(
        Station.objects.get(code="bozhen").pk, Period(today - dt.timedelta(days=120), today), timezone.now()
    )
    assert figures.total.opened == cases.count() and figures.total.success_pct is not None
    assert figures.holding.agreements >= 2


def test_no_everyday_matter_lands_on_a_story_home_and_joins_liu_s_repeat_group(loaded: Loaded) -> None:
    flat = "东港豪庭小区12号楼1单元302室"
    at_liu = Matter.objects.filter(Q(address_text=flat) | Q(address__full_text=flat))
    assert set(at_liu.values_list("external_ref", flat=True)) == {f"DEMO-liuzhang-{i}" for i in range(1, 5)}
    groups = RepeatGroup.objects.filter(members__matter__external_ref__startswith="DEMO-liuzhang-").distinct()
    assert [group.members.count() for group in groups] == [4]


def test_the_partner_mediators_are_printed_with_the_other_logins(loaded: Loaded) -> None:
    lines = loaded.first_output.splitlines()
    for username in ("bz_zhu", "bz_wang", "bz_ma"):
        assert any(line.startswith(username + " ") and "Partner mediator" in line for line in lines), username
    assert loaded.rows_after_first["mediation.Case"] == loaded.rows_after_second["mediation.Case"] >= 7


# ---- what the reviewer found walking the demo ----------------------------------------------------------------


def test_the_chiefs_have_a_few_recent_notifications_pending_not_the_replayed_history(loaded: Loaded) -> None:
    now = timezone.now()
    for chief in ["wangxiaojian", "liuqiang", "jz_zhang", "lg_zhou"]:
        notes = Notification.objects.filter(recipient__username=chief).select_related("matter")
        unread = [note for note in notes if note.read_at is None]
        assert notes.count() < 40, chief
        assert len(unread) <= 8, chief
        assert all(note.matter and note.matter.is_open and now - note.created_at <= UNREAD_FOR for note in unread)
    assert not Notification.objects.filter(matter__external_ref__startswith="DEMO-lh-").exists()
    assert Notification.objects.filter(read_at__isnull=True).count() < 60


def test_every_notification_is_dated_at_the_step_that_sent_it(loaded: Loaded) -> None:
    assert Notification.objects.filter(created_at__gt=timezone.now()).count() == 0
    for note in Notification.objects.filter(verb="assigned").select_related("matter", "recipient")[:50]:
        assert note.matter is not None
        assigned = note.matter.events.filter(to_stage="assigned", data__owner=note.recipient.username).last()
        assert assigned is not None and note.created_at == assigned.at
    laoli = Notification.objects.get(matter__external_ref="DEMO-laoli", verb="assigned")
    assert (local(laoli.created_at).date(), laoli.read_at) == (dt.date(2023, 11, 13), laoli.created_at)


def test_aunt_liu_s_matter_carries_its_evidence_as_pdfs_that_download(loaded: Loaded, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = loaded.media
    matter = story("DEMO-liuayi")
    files = list(Attachment.objects.filter(action__matter=matter).select_related("action"))
    names = {f.original_name for f in files}
    assert len(files) >= 3
    assert {"东王庄村委会证明.pdf", "DNA亲子鉴定意见书.pdf"} <= names and any("询问笔录" in n for n in names)
    assert {f.content_type for f in files} == {"application/pdf"}
    client = Client()
    client.force_login(User.objects.get(username="liuqiang"))
    for attachment in files:
        response = client.get(f"/matters/{matter.pk}/attachments/{attachment.pk}/")
        body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        assert response.status_code == 200 and body.startswith(b"%PDF")
        assert hashlib.sha256(body).hexdigest() == attachment.sha256
    report = next(f for f in files if f.original_name == "DNA亲子鉴定意见书.pdf")
    assert local(report.action.occurred_at).date() == dt.date(2024, 1, 18)


EVERYDAY = Q(external_ref__regex=r"^DEMO-[a-z]+-[0-9]{4}$") | Q(external_ref__startswith="DEMO-lh-")
AT_A_HOME = Q(room__gt="") | Q(community__kind="village")  # a flat or a village house, not a site or a road


def story_homes() -> set[str]:
    told = Matter.objects.filter(external_ref__startswith="DEMO-").exclude(EVERYDAY)
    addresses = StandardAddress.objects.filter(AT_A_HOME, pk__in=told.values("address"))
    return set(addresses.values_list("full_text", flat=True)) | OTHER_HOMES


def test_no_everyday_matter_lands_on_any_story_home(loaded: Loaded) -> None:
    everyday = Matter.objects.filter(EVERYDAY)
    homes = story_homes()
    assert {"华丽社区3号楼2单元501室", "东王庄村前街9号", "东港豪庭小区12号楼1单元402室"} <= homes
    assert list(everyday.filter(address__full_text__in=homes).values_list("external_ref", flat=True)) == []


def test_everyday_matters_happen_where_their_kind_happens(loaded: Loaded) -> None:
    bozhen = Matter.objects.filter(external_ref__regex=r"^DEMO-bozhen-[0-9]{4}$").select_related(
        "address__community", "category"
    )
    land = [m for m in bozhen if m.category.code == "020505"]
    estate = [m for m in bozhen if m.category.code in {"0203", "020504", "050201"}]
    assert land and estate
    assert all(m.address and m.address.community and m.address.community.kind == "village" for m in land)
    assert all(m.address and m.address.room for m in estate)


def test_strangers_calls_form_no_repeat_group_at_a_home_and_no_mediation_proposal(loaded: Loaded) -> None:
    homes = StandardAddress.objects.filter(AT_A_HOME)
    at_homes = RepeatGroup.objects.filter(key_kind="same_address", members__matter__address__in=homes).distinct()
    assert [group.label for group in at_homes] == []
    proposals = MediationProposal.objects.all()
    assert [sorted(p.parties.values_list("name", flat=True)) for p in proposals] == [["刘某", "张某"]]


def test_the_hazard_of_building_17_was_handled_in_november_2024(loaded: Loaded) -> None:
    matter = Matter.objects.get(channel="device_alarm", registered_by__isnull=True, address__full_text="采五东区17号楼")
    events = list(matter.events.all())
    assert [e.to_stage for e in events] == [
        "registered", "accepted", "assigned", "in_progress", "resolved", "called_back", "archived",
    ]  # fmt: skip
    assert {(local(e.at).year, local(e.at).month) for e in events} == {(2024, 11)}
    assert matter.satisfaction == "satisfied" and matter.actions.filter(partner__name="采五东区物业").exists()
    assert not Matter.objects.overdue().filter(channel="device_alarm").exists()
