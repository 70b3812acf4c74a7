"""Who a name, phone and ID number may be: the same ID is certain, the same phone and a similar name a candidate."""

import pytest

from fengqiao.people.domain import find_or_create_person
from fengqiao.people.models import Person
from fengqiao.people.resolution import candidates, name_similarity, normalize_phone
from fengqiao.stations.models import Station

LAO_LI_ID = "130181199001011232"
HIS_BROTHER_ID = "130181198703052210"
PHONE = "13812345678"


def shown(found: list) -> list[tuple[str, float, list[str], bool]]:  # type: ignore[type-arg]
    return [(c.person.name, c.score, c.reasons, c.certain) for c in found]


def test_the_same_valid_id_number_is_the_same_person_for_certain(station: Station) -> None:
    li_ming = find_or_create_person(station, "李明", PHONE, LAO_LI_ID)

    found = candidates(station, "李某", "", f" {LAO_LI_ID} ")

    assert [(c.person, c.certain, c.score) for c in found] == [(li_ming, True, 1.0)]
    assert found[0].reasons == ["Same ID number."]
    assert find_or_create_person(station, "李某", "", LAO_LI_ID) == li_ming


def test_lao_li_with_li_mings_phone_is_a_candidate_to_confirm(station: Station) -> None:
    find_or_create_person(station, "李明", PHONE)

    assert shown(candidates(station, "老李", "+86 138-1234-5678")) == [
        ("李明", 0.9, ["Same phone.", "“老李” and “李明” fit the surname 李."], False)
    ]


def test_lao_li_and_li_mou_are_the_same_surname_written_informally(station: Station) -> None:
    find_or_create_person(station, "李某", PHONE)

    assert shown(candidates(station, "老李", PHONE))[0][2] == ["Same phone.", "“老李” and “李某” fit the surname 李."]


@pytest.mark.parametrize(("written", "recorded"), [("善伟", "单伟"), ("增小红", "曾小红"), ("谢东", "解东")])
def test_surnames_with_other_readings_read_alike(station: Station, written: str, recorded: str) -> None:
    """单 is read shàn, 曾 zēng, 解 xiè as surnames: typed by sound, they come out as 善, 增, 谢."""
    find_or_create_person(station, recorded, PHONE)

    assert shown(candidates(station, written, PHONE)) == [
        (recorded, 0.95, ["Same phone.", f"“{written}” and “{recorded}” read alike."], False)
    ]


def test_a_different_name_on_the_same_phone_is_not_a_candidate(station: Station) -> None:
    """A family shares one phone: 李明's wife 王芳 is not 李明."""
    find_or_create_person(station, "李明", PHONE)

    assert candidates(station, "王芳", PHONE) == []


def test_two_different_valid_id_numbers_are_never_the_same_person(station: Station) -> None:
    find_or_create_person(station, "李明", PHONE, LAO_LI_ID)

    assert candidates(station, "李明", PHONE, HIS_BROTHER_ID) == []
    brother = find_or_create_person(station, "李明", PHONE, HIS_BROTHER_ID)
    assert Person.objects.filter(station=station).count() == 2 and brother.id_number == HIS_BROTHER_ID


def test_a_person_without_id_number_on_the_same_phone_is_still_a_candidate_for_one_with(station: Station) -> None:
    find_or_create_person(station, "李明", PHONE)

    assert shown(candidates(station, "李明", PHONE, LAO_LI_ID)) == [("李明", 1.0, ["Same phone.", "Same name."], False)]


def test_the_same_id_number_comes_first_then_the_same_phone(station: Station) -> None:
    find_or_create_person(station, "李明", PHONE)
    certain = find_or_create_person(station, "李明", "13900001111", LAO_LI_ID)

    found = candidates(station, "李明", PHONE, LAO_LI_ID)

    assert [(c.person.phone, c.certain) for c in found] == [(certain.phone, True), (PHONE, False)]


def test_persons_of_another_station_are_never_candidates(station: Station, other_station: Station) -> None:
    find_or_create_person(other_station, "李明", PHONE, LAO_LI_ID)

    assert candidates(station, "李明", PHONE, LAO_LI_ID) == []


def test_a_typo_in_the_given_name_is_a_weaker_candidate(station: Station) -> None:
    find_or_create_person(station, "李明", PHONE)

    (candidate,) = candidates(station, "李敏", PHONE)
    assert 0.75 < candidate.score < 0.9
    assert candidate.reasons == ["Same phone.", "“李敏” and “李明” are spelt alike."]


@pytest.mark.parametrize(
    ("phone", "digits"),
    [
        ("+86 138-1234-5678", PHONE),
        ("008613812345678", PHONE),
        ("１３８１２３４５６７８", PHONE),
        ("110", ""),
        ("", ""),
    ],
)
def test_phones_are_compared_by_their_digits(phone: str, digits: str) -> None:
    assert normalize_phone(phone) == digits


def test_traditional_characters_are_the_same_name() -> None:
    assert name_similarity("陳立軍", "陈立军") == (1.0, ["Same name."])
