"""Residents: one person per valid ID number, and every reveal of their data is a row with a reason."""

import re

import pytest

from fengqiao.lib.errors import DomainError
from fengqiao.people.domain import find_or_create_person, reveal
from fengqiao.people.models import Person, Reveal

LAO_LI_ID = "130181199001011232"
HIS_BROTHER_ID = "130181198703052210"


@pytest.fixture
def lao_li(station):  # type: ignore[no-untyped-def]
    return find_or_create_person(station, "老李", "13812345678", LAO_LI_ID)


def test_lao_li_is_shown_masked(lao_li):  # type: ignore[no-untyped-def]
    assert (lao_li.masked_phone, lao_li.masked_id_number) == ("138****5678", "1301**********1232")


def test_an_officer_reveals_the_phone_with_a_reason_and_the_reveal_is_recorded(officer, lao_li, matter):  # type: ignore[no-untyped-def]
    value = reveal(officer, lao_li, "phone", "  回访需要联系老李  ", matter_id=matter.pk)

    assert value == "13812345678"
    assert [(r.user, r.person, r.field, r.reason, r.matter) for r in Reveal.objects.all()] == [
        (officer, lao_li, "phone", "回访需要联系老李", matter)
    ]


def test_the_chief_reveals_the_id_number(chief, lao_li):  # type: ignore[no-untyped-def]
    assert reveal(chief, lao_li, "id_number", "核实身份") == LAO_LI_ID
    assert Reveal.objects.get().field == "id_number"


@pytest.mark.parametrize("persona", ["auxiliary", "other_chief", "mediator"])
def test_who_is_not_a_sworn_officer_of_the_station_may_not_reveal(persona, lao_li, request):  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as refused:
        reveal(request.getfixturevalue(persona), lao_li, "phone", "想看看")

    assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    assert refused.value.message == "You may not reveal personal data."
    assert not Reveal.objects.exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reveal_without_a_reason_is_refused(officer, lao_li, reason):  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as refused:
        reveal(officer, lao_li, "phone", reason)

    assert (refused.value.field, refused.value.message) == ("reason", "Give the reason for revealing this value.")
    assert not Reveal.objects.exists()


def test_only_the_phone_and_the_id_number_can_be_revealed(officer, lao_li):  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError, match=re.escape("“note” cannot be revealed.")):
        reveal(officer, lao_li, "note", "好奇")
    assert not Reveal.objects.exists()


def test_the_same_valid_id_number_is_the_same_person(station, lao_li):  # type: ignore[no-untyped-def]
    again = find_or_create_person(station, "李某", "", " " + LAO_LI_ID + " ")
    assert again == lao_li
    assert Person.objects.count() == 1


def test_a_lower_case_x_finds_the_same_person(station):  # type: ignore[no-untyped-def]
    upper = find_or_create_person(station, "王某", "", "11010519491231002X")
    assert find_or_create_person(station, "王某", "", "11010519491231002x") == upper


def test_two_different_valid_id_numbers_are_never_merged_even_with_the_same_name_and_phone(station, lao_li):  # type: ignore[no-untyped-def]
    brother = find_or_create_person(station, "老李", "13812345678", HIS_BROTHER_ID)
    assert brother != lao_li
    assert sorted(Person.objects.values_list("id_number", flat=True)) == sorted([LAO_LI_ID, HIS_BROTHER_ID])


def test_without_an_id_number_every_registration_is_a_new_person(station):  # type: ignore[no-untyped-def]
    first = find_or_create_person(station, "老李", "13812345678")
    second = find_or_create_person(station, "老李", "13812345678")
    assert first != second  # merging by phone is a human decision


def test_the_same_id_number_at_another_station_is_that_stations_own_record(station, other_station, lao_li):  # type: ignore[no-untyped-def]
    theirs = find_or_create_person(other_station, "老李", "", LAO_LI_ID)
    assert theirs != lao_li and theirs.station == other_station


def test_an_invalid_id_number_is_refused_by_value(station):  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as refused:
        find_or_create_person(station, "老李", "", "130181199001011233")
    assert (refused.value.field, refused.value.message) == (
        "id_number",
        "“130181199001011233” is not a valid 18-digit ID number.",
    )
    assert not Person.objects.exists()
