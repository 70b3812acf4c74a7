"""Search finds two-character Chinese words in descriptions, places and party names, on both databases."""

import pytest

from fengqiao.matters.access import matters_for_user
from fengqiao.matters.domain.registration import PartyInput, register
from fengqiao.matters.models import Matter
from fengqiao.matters.search import refresh_search_doc, search
from tests.conftest import a_registration


@pytest.fixture
def matters(make_matter):  # type: ignore[no-untyped-def]
    return {
        "upstairs": make_matter(
            kind="dispute",
            description="楼上装修，楼下担心承重墙受损，双方多次报警，矛盾纠纷升级",
            address="东港豪庭小区5号楼",
            parties=[PartyInput(name="刘某", role="party"), PartyInput(name="张某", role="party")],
        ),
        "water": make_matter(
            description="家中没水没电，新房主断了水电",
            address="华丽社区3号楼2单元501室",
            parties=[PartyInput(name="老李", phone="13812345678")],
        ),
        "ebikes": make_matter(
            kind="hazard", description="居民把电动自行车推进电梯充电", address="采五东区12号楼", parties=[]
        ),
    }


def found(query: str) -> set[str]:
    descriptions = {m.pk: m.description for m in search(Matter.objects.all(), query)}
    return set(descriptions.values())


def test_a_two_character_word_is_found_in_the_description(matters):  # type: ignore[no-untyped-def]
    assert found("纠纷") == {matters["upstairs"].description}


def test_a_party_is_found_by_name(matters):  # type: ignore[no-untyped-def]
    assert found("老李") == {matters["water"].description}


def test_a_place_is_found_in_the_address(matters):  # type: ignore[no-untyped-def]
    assert found("东港豪庭") == {matters["upstairs"].description}
    assert found("采五东区") == {matters["ebikes"].description}


def test_traditional_characters_find_simplified_text(matters):  # type: ignore[no-untyped-def]
    assert found("矛盾糾紛") == {matters["upstairs"].description}


def test_a_single_character_is_enough(matters):  # type: ignore[no-untyped-def]
    assert found("梯") == {matters["ebikes"].description}
    assert found("李") == {matters["water"].description}


def test_every_word_of_the_query_must_be_present(matters):  # type: ignore[no-untyped-def]
    assert found("纠纷 东港") == {matters["upstairs"].description}
    assert found("纠纷 老李") == set()


def test_an_absent_word_finds_nothing(matters):  # type: ignore[no-untyped-def]
    assert found("盗窃") == set()
    assert found("   ") == set()


def test_search_stays_within_the_users_station(matters, other_chief, other_station, chief):  # type: ignore[no-untyped-def]
    register(other_station, other_chief, a_registration(description="泊镇的邻里纠纷"))

    assert [m.description for m in search(matters_for_user(other_chief), "纠纷")] == ["泊镇的邻里纠纷"]
    assert [m.description for m in search(matters_for_user(chief), "纠纷")] == [matters["upstairs"].description]


def test_after_the_description_changes_the_new_words_are_found_and_the_old_are_not(matters):  # type: ignore[no-untyped-def]
    water = matters["water"]
    water.description = "水电已经恢复，老李申请低保"
    water.save(update_fields=["description"])
    refresh_search_doc(water)

    assert found("低保") == {"水电已经恢复，老李申请低保"}
    assert found("没电") == set()
    assert found("老李") == {"水电已经恢复，老李申请低保"}


def test_a_matter_is_found_by_its_category_in_either_language(make_matter):  # type: ignore[no-untyped-def]
    lost = make_matter(kind="help", category="060101", description="孩子在码头附近不见了", parties=[])
    make_matter(kind="help", description="钱包遗失", parties=[])
    label_zh, label_en = lost.category.label_zh, lost.category.label_en

    assert label_zh and found(label_zh) == {lost.description}
    assert found(label_en.split()[0]) >= {lost.description}


def test_what_was_done_is_found_once_the_action_is_recorded(matters, officer):  # type: ignore[no-untyped-def]
    from fengqiao.matters.domain.actions import ActionInput, add_action

    assert found("供电公司") == set()
    add_action(matters["water"], officer, ActionInput(kind="coordination", note="协调供电公司，恢复断水断电"))

    assert found("供电公司") == found("断水断电") == {matters["water"].description}


def test_the_upgrade_indexes_the_categories_and_actions_of_matters_already_there(matters, officer):  # type: ignore[no-untyped-def]
    import importlib

    from django.apps import apps

    from fengqiao.matters.domain.actions import ActionInput, add_action

    add_action(matters["water"], officer, ActionInput(kind="note", note="申请低保"))
    Matter.objects.update(search_doc="")  # as the rows of an older version, before the upgrade
    upgrade = importlib.import_module("fengqiao.matters.migrations.0004_search_doc_categories_and_actions")

    upgrade.reindex(apps, None)

    assert found("低保") == found("老李") == {matters["water"].description}
    upgraded = {m.pk: m.search_doc for m in Matter.objects.all()}
    for matter in Matter.objects.all():
        refresh_search_doc(matter)  # the document a new matter gets
    assert upgraded == {m.pk: m.search_doc for m in Matter.objects.all()}
