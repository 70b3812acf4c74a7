"""Repeat calls (重复警情): registration links a call to earlier calls of its station about the same place or people.

The helpers at the top are shared by the other test_repeats_* modules.
"""

import datetime as dt
from collections.abc import Callable, Iterator, Sequence

import pytest
from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac

from fengqiao.analysis.models import (
    MediationProposal,
    RepeatGroup,
    RepeatMembership,
    RepeatWindow,
)
from fengqiao.analysis.repeats import check_repeats_for, checks_deferred, english_ordinal, phone_key, repeat_views
from fengqiao.matters.domain.registration import PartyInput, Registration, register, register_batch
from fengqiao.matters.models import Matter
from fengqiao.notifications.models import Notification
from fengqiao.staff.models import User
from fengqiao.stations.models import StandardAddress, Station

FLAT = "东港豪庭小区12号楼1单元302室"
LIU = PartyInput("刘某", "reporter", "15903171265", "130981197506022150")
ZHANG = PartyInput("张某", "party", "18831795402", "130981198611201374")
NOW = timezone.now()

Call = Callable[..., Matter]


def a_call(
    station: Station,
    by: User,
    days_ago: float = 0,
    *,
    address: str = "",
    parties: Sequence[PartyInput] = (),
    kind: str = "help",
    category: str = "0604",
    description: str = "群众报警求助",
) -> Matter:
    registration = Registration(
        kind=kind,
        channel="call_110",
        category=category,
        description=description,
        address=address,
        reported_at=NOW - dt.timedelta(days=days_ago),
        parties=list(parties),
    )
    return register(station, by, registration)


def a_dispute(station: Station, by: User, days_ago: float = 0, **changes: object) -> Matter:
    values: dict[str, object] = {
        "kind": "dispute",
        "category": "020501",
        "address": FLAT,
        "parties": [LIU, ZHANG],
        "description": "楼上装修敲墙，上下楼邻居争吵",
    }
    values.update(changes)
    return a_call(station, by, days_ago, **values)  # type: ignore[arg-type]


def caller(name: str, phone: str = "", id_number: str = "") -> PartyInput:
    return PartyInput(name, "reporter", phone, id_number)


def repeat_notices(chief: User) -> list[Notification]:
    return list(Notification.objects.filter(recipient=chief, verb=Notification.Verb.REPEAT_CALLS))


@pytest.fixture
def flat(station: Station) -> StandardAddress:
    return StandardAddress.objects.create(station=station, estate="东港豪庭小区", building="12", unit="1", room="302")


@pytest.fixture
def call(station: Station, officer: User, flat: StandardAddress) -> Call:
    """A call to 鹿城 registered by the community officer, `days_ago` days ago."""
    return lambda days_ago=0, **changes: a_call(station, officer, days_ago, **changes)


@pytest.fixture
def dispute(station: Station, officer: User, flat: StandardAddress) -> Call:
    return lambda days_ago=0, **changes: a_dispute(station, officer, days_ago, **changes)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # Headlines and notices are asserted against the English msgids, whatever the catalogue says.
    with translation.override("en"):
        yield


def the_group(matter: Matter) -> RepeatGroup:
    return RepeatGroup.objects.get(members__matter=matter)


# ---- the threshold ----------------------------------------------------------------------------------------------


def test_two_calls_about_one_flat_are_not_yet_a_repeat(call, chief) -> None:  # type: ignore[no-untyped-def]
    call(10, address=FLAT)
    second = call(0, address=FLAT)

    assert repeat_views(second) == []
    assert RepeatGroup.objects.count() == 0
    assert repeat_notices(chief) == []


def test_the_third_call_forms_a_group_and_the_chief_hears_of_it_once(  # type: ignore[no-untyped-def]
    django_capture_on_commit_callbacks, call, chief, flat
):
    first, second = call(20, address=FLAT), call(10, address=FLAT)

    with django_capture_on_commit_callbacks(execute=True):
        third = call(0, address=FLAT)

    group = the_group(third)
    assert (group.key_kind, group.key_value, group.label) == ("same_address", str(flat.pk), FLAT)
    assert (group.count, group.window_days, group.first_at, group.last_at) == (
        3,
        30,
        first.reported_at,
        third.reported_at,
    )
    assert sorted(group.members.values_list("matter_id", flat=True)) == [first.pk, second.pk, third.pk]
    view = repeat_views(third)[0]
    assert (view.headline, view.reasons, view.matter_ids) == (
        "3rd call in 30 days",
        ["same_address"],
        [first.pk, second.pk, third.pk],
    )
    [notice] = repeat_notices(chief)
    assert notice.matter_id == third.pk
    assert notice.text == f"3 calls in 30 days about {FLAT} (Same address)"


def test_a_fourth_call_joins_the_group_without_a_second_notice(  # type: ignore[no-untyped-def]
    django_capture_on_commit_callbacks, call, chief
):
    with django_capture_on_commit_callbacks(execute=True):
        calls = [call(days, address=FLAT) for days in (20, 10, 5)]
    with django_capture_on_commit_callbacks(execute=True):
        fourth = call(0, address=FLAT)

    group = the_group(fourth)
    assert RepeatGroup.objects.count() == 1
    assert (group.count, group.last_at) == (4, fourth.reported_at)
    assert repeat_views(fourth)[0].headline == "4th call in 30 days"
    assert repeat_views(calls[0])[0].headline == "1st call in 30 days"
    assert len(repeat_notices(chief)) == 1


def test_a_call_after_a_quiet_window_starts_the_next_episode_of_the_key(  # type: ignore[no-untyped-def]
    django_capture_on_commit_callbacks, call, chief
):
    with django_capture_on_commit_callbacks(execute=True):
        old = [call(days, address=FLAT) for days in (100, 95, 90)]
        call(40, address=FLAT)  # 50 days after the group's last call: the old episode is closed
        newer = [call(days, address=FLAT) for days in (20, 15)]

    groups = list(RepeatGroup.objects.order_by("episode").values_list("episode", "count"))
    assert groups == [(1, 3), (2, 3)]
    assert the_group(old[0]) != the_group(newer[-1])
    assert len(repeat_notices(chief)) == 2


# ---- the reasons --------------------------------------------------------------------------------------------------


def test_the_same_phone_links_callers_recorded_as_different_persons(call) -> None:  # type: ignore[no-untyped-def]
    calls = [
        call(days, parties=[caller(name, "13812345678")]) for days, name in [(9, "王某"), (5, "王女士"), (1, "王")]
    ]

    group = the_group(calls[-1])
    assert (group.key_kind, group.label) == ("same_phone", "138****5678")
    assert "13812345678" not in group.key_value
    assert repeat_views(calls[-1])[0].reasons == ["same_phone"]


def test_the_same_person_by_id_number_links_calls_from_different_places(call) -> None:  # type: ignore[no-untyped-def]
    places = [(9, "华丽社区1号楼"), (5, "华丽社区警务室"), (1, "")]
    calls = [call(days, address=place, parties=[caller("老李", "", "130181196803153116")]) for days, place in places]

    group = the_group(calls[-1])
    assert (group.key_kind, group.label, group.count) == ("same_person", "老李", 3)
    assert repeat_views(calls[-1])[0].reasons == ["same_person"]


def test_the_same_pair_in_either_roles_is_one_group_with_every_reason(call, flat) -> None:  # type: ignore[no-untyped-def]
    call(20, address=FLAT, parties=[LIU, ZHANG])
    call(10, address=FLAT, parties=[PartyInput("张某", "reporter", ZHANG.phone, ZHANG.id_number), LIU])
    third = call(0, address=FLAT, parties=[LIU, ZHANG])

    group = the_group(third)
    assert RepeatGroup.objects.count() == 1  # not one per key: the pair, each person, each phone, the flat
    assert (group.key_kind, group.label) == ("same_parties", "刘某 & 张某")
    assert repeat_views(third)[0].reasons == ["same_parties", "same_person", "same_phone", "same_address"]


def test_a_pair_is_found_without_an_address_and_a_third_person_does_not_break_it(call) -> None:  # type: ignore[no-untyped-def]
    call(20, parties=[LIU, ZHANG])
    call(10, parties=[LIU, ZHANG, caller("物业经理", "13700000000")])
    third = call(0, parties=[ZHANG, LIU])

    assert the_group(third).key_kind == "same_parties"
    assert the_group(third).count == 3


def test_calls_linked_by_different_keys_do_not_add_up(call) -> None:  # type: ignore[no-untyped-def]
    call(10, address=FLAT)
    call(5, parties=[caller("王某", "13812345678")])
    third = call(0, address=FLAT, parties=[caller("王某", "13812345678")])

    assert repeat_views(third) == []  # one earlier call per key: below the threshold for each


def test_a_call_linked_to_a_group_by_another_key_joins_that_group(call) -> None:  # type: ignore[no-untyped-def]
    first = call(20, address=FLAT, parties=[LIU, ZHANG])
    call(10, address=FLAT, parties=[LIU, ZHANG])
    call(5, address=FLAT, parties=[LIU, ZHANG])
    # 刘某 alone, by phone, from elsewhere: the calls it is linked with already form the pair's group.
    alone = call(0, parties=[LIU])

    assert RepeatGroup.objects.count() == 1
    assert the_group(alone) == the_group(first)
    assert repeat_views(alone)[0].reasons == ["same_person", "same_phone"]


# ---- the window and the station -----------------------------------------------------------------------------------


def test_a_call_thirty_one_days_earlier_is_outside_the_window(call) -> None:  # type: ignore[no-untyped-def]
    call(31, address=FLAT)
    call(10, address=FLAT)
    third = call(0, address=FLAT)

    assert repeat_views(third) == []


def test_a_call_exactly_thirty_days_earlier_is_inside_the_window(call) -> None:  # type: ignore[no-untyped-def]
    call(30, address=FLAT)
    call(10, address=FLAT)
    third = call(0, address=FLAT)

    assert the_group(third).count == 3


def test_later_calls_do_not_count_for_an_earlier_one(call) -> None:  # type: ignore[no-untyped-def]
    call(0, address=FLAT)
    call(1, address=FLAT)
    earlier = call(2, address=FLAT)  # registered last, but reported first: it looks back only

    assert repeat_views(earlier) == []


def test_another_stations_calls_never_join(  # type: ignore[no-untyped-def]
    call, other_station, other_chief
):
    for days in (20, 10):
        a_call(other_station, other_chief, days, parties=[LIU])
    mine = call(0, parties=[LIU])

    assert repeat_views(mine) == []
    later = a_call(other_station, other_chief, 0, parties=[LIU])
    assert the_group(later).station == other_station
    assert the_group(later).count == 3


def test_a_merged_duplicate_is_not_another_call(call, chief) -> None:  # type: ignore[no-untyped-def]
    call(20, address=FLAT)
    duplicate = call(10, address=FLAT)
    Matter.objects.filter(pk=duplicate.pk).update(stage="merged")
    third = call(0, address=FLAT)

    assert repeat_views(third) == []


def test_the_window_of_a_category_is_data_and_the_longest_prefix_wins(  # type: ignore[no-untyped-def]
    dispute, station
):
    RepeatWindow.objects.create(category_prefix="", window_days=5, min_calls=3)
    RepeatWindow.objects.create(category_prefix="0205", window_days=60, min_calls=3)
    RepeatWindow.objects.create(station=station, category_prefix="020501", window_days=90, min_calls=2)

    dispute(80)
    second = dispute(0)

    group = the_group(second)
    assert (group.count, group.window_days) == (2, 90)
    assert repeat_views(second)[0].headline == "2nd call in 90 days"


def test_a_global_window_applies_where_the_station_has_none(call) -> None:  # type: ignore[no-untyped-def]
    RepeatWindow.objects.create(category_prefix="06", window_days=7, min_calls=3)

    call(10, address=FLAT)
    call(5, address=FLAT)
    third = call(0, address=FLAT)

    assert repeat_views(third) == []  # 10 days back is outside 7 days for 0604


# ---- mediation proposals -------------------------------------------------------------------------------------------


def test_a_repeated_dispute_records_a_mediation_proposal_with_its_calls_and_parties(dispute) -> None:  # type: ignore[no-untyped-def]
    calls = [dispute(days) for days in (20, 10, 0)]

    proposal = MediationProposal.objects.get()
    assert proposal.group == the_group(calls[-1])
    assert (proposal.stage, proposal.proposed_at) == ("proposed", calls[-1].reported_at)
    assert sorted(proposal.matters.values_list("pk", flat=True)) == [m.pk for m in calls]
    assert sorted(proposal.parties.values_list("name", flat=True)) == ["刘某", "张某"]
    assert list(proposal.events.values_list("from_stage", "to_stage")) == [("", "proposed")]


def test_a_later_call_of_the_dispute_is_added_to_the_same_proposal(dispute) -> None:  # type: ignore[no-untyped-def]
    calls = [dispute(days) for days in (20, 10, 5, 0)]

    proposal = MediationProposal.objects.get()
    assert proposal.matters.count() == 4
    assert repeat_views(calls[-1])[0].proposal == proposal


def test_a_places_other_calls_are_left_out_of_the_mediation_proposal(call, dispute) -> None:  # type: ignore[no-untyped-def]
    fraud = call(25, address=FLAT, kind="fraud_warning", category="0104", parties=[caller("何某", "13700000001")])
    quarrel = [dispute(days, parties=[LIU, ZHANG]) for days in (20, 0)]

    proposal = MediationProposal.objects.get()
    assert fraud.pk in set(the_group(quarrel[-1]).members.values_list("matter_id", flat=True))  # the place's group
    assert sorted(proposal.matters.values_list("pk", flat=True)) == [m.pk for m in quarrel]
    assert sorted(proposal.parties.values_list("name", flat=True)) == ["刘某", "张某"]


def test_a_category_under_0205_is_a_dispute_whatever_the_kind(dispute) -> None:  # type: ignore[no-untyped-def]
    for days in (20, 10, 0):
        dispute(days, kind="help", category="020504")

    assert MediationProposal.objects.count() == 1


def test_repeated_calls_that_are_no_dispute_record_no_proposal(call) -> None:  # type: ignore[no-untyped-def]
    for days in (20, 10, 0):
        call(days, address=FLAT)

    assert RepeatGroup.objects.count() == 1
    assert MediationProposal.objects.count() == 0


# ---- batches, rollbacks -----------------------------------------------------------------------------------------


def test_a_batch_checked_at_once_finds_the_group_in_the_order_of_the_calls(  # type: ignore[no-untyped-def]
    call, chief, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), checks_deferred():
        # A ledger in no particular order: the newest call comes first.
        newest, oldest, middle = call(0, address=FLAT), call(20, address=FLAT), call(10, address=FLAT)
        assert RepeatGroup.objects.count() == 0  # deferred until the batch is complete

    view = repeat_views(newest)[0]
    assert (view.headline, view.matter_ids) == ("3rd call in 30 days", [oldest.pk, middle.pk, newest.pk])
    assert len(repeat_notices(chief)) == 1


def test_a_batch_checked_set_based_finds_the_groups_of_registering_the_calls_one_by_one(  # type: ignore[no-untyped-def]
    station, other_station, officer, django_capture_on_commit_callbacks
):
    """Calls linked by a phone, an ID number, a pair and a flat, some of them to calls of the same batch."""
    for where in (station, other_station):
        StandardAddress.objects.create(station=where, estate="东港豪庭小区", building="12", unit="1", room="302")
    wang, wang_again = caller("王某", "13912345678"), caller("老王", "13912345678")
    calls = [
        (40, FLAT, [LIU, ZHANG]), (25, "", [wang]), (24, FLAT, [ZHANG, LIU]), (20, "", [wang_again]),
        (12, "华丽社区1号楼", [LIU]), (10, "", [wang]), (5, FLAT, [caller("赵某")]), (1, FLAT, [LIU, ZHANG]),
    ]  # fmt: skip
    registrations = [
        Registration(kind="dispute", channel="call_110", category="020501", description="邻里纠纷", address=address,
                     reported_at=NOW - dt.timedelta(days=days), parties=parties)
        for days, address, parties in calls
    ]  # fmt: skip
    officer_there = User.objects.create(username="bozhen-officer", station=other_station, role="officer")

    for registration in registrations:
        register(station, officer, registration)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic(), checks_deferred():
        register_batch(other_station, officer_there, list(reversed(registrations)))

    def groups(where: Station) -> list[tuple[str, int, str, list[str]]]:
        found = RepeatGroup.objects.filter(station=where).order_by("first_at", "key_kind")
        return [
            (
                g.key_kind,
                g.count,
                g.label,
                sorted(m.matter.description + m.matter.address_text for m in g.members.all()),
            )
            for g in found
        ]

    assert groups(other_station) == groups(station) != []
    assert MediationProposal.objects.filter(group__station=other_station).count() == (
        MediationProposal.objects.filter(group__station=station).count()
    )


def test_checking_a_batch_again_changes_nothing(call) -> None:  # type: ignore[no-untyped-def]
    calls = [call(days, address=FLAT) for days in (20, 10, 0)]

    check_repeats_for(calls)

    assert RepeatGroup.objects.get().count == 3
    assert RepeatMembership.objects.count() == 3


def test_a_registration_rolled_back_leaves_no_group_and_no_notice(  # type: ignore[no-untyped-def]
    call, chief, django_capture_on_commit_callbacks
):
    call(20, address=FLAT)
    call(10, address=FLAT)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        call(0, address=FLAT)
        raise RuntimeError("the import failed further on")

    assert RepeatGroup.objects.count() == 0
    assert repeat_notices(chief) == []


def test_ordinals_read_as_english() -> None:
    assert [english_ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th",
    ]  # fmt: skip


def test_the_phone_key_is_django_salted_hmac_so_earlier_groups_keep_their_keys(settings) -> None:  # type: ignore[no-untyped-def]
    def django_key(phone: str, secret: str) -> str:
        return salted_hmac("fengqiao.analysis.repeats.phone", phone, secret=secret).hexdigest()[:32]

    settings.SECRET_KEY = "s3cret"
    for phone in ["13812345678", "0311-87654321", ""]:
        assert phone_key(phone) == django_key(phone, "s3cret")
    settings.SECRET_KEY = "other"  # a new secret starts new keys
    assert phone_key("13812345678") == django_key("13812345678", "other") != django_key("13812345678", "s3cret")
