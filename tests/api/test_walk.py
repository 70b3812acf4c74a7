"""The closed loop over the API: 王晓建 walks a matter to the archive; 刘强 of another station sees nothing."""

from typing import Any

import pytest

from fengqiao.matters.models import Matter, MatterEvent, Stage
from tests.api.conftest import error_of

NEW_MATTER = {
    "kind": "help",
    "channel": "walk_in",
    "category": "0604",
    "description": "老李反映家中没水没电",
    "address": "华丽社区3号楼2单元501室",
    "parties": [{"name": "老李", "role": "reporter", "phone": "13812345678"}],
}

WALK: list[dict[str, Any]] = [
    {"to": "accepted", "note": "所长当天受理"},
    {"to": "assigned", "owner": "zhao"},
    {"to": "in_progress"},
    {"to": "resolved", "outcome": "helped", "note": "协调供水供电恢复"},
    {"to": "called_back", "satisfaction": "satisfied"},
    {"to": "archived"},
]


@pytest.fixture
def chief_api(api, chief, officer):  # type: ignore[no-untyped-def]
    return api(chief)


def test_the_chief_registers_a_matter_and_walks_it_to_the_archive(chief_api):  # type: ignore[no-untyped-def]
    created = chief_api.post("/matters", NEW_MATTER)
    assert created.status_code == 201
    matter_id = created.json()["id"]
    assert created.json()["stage"] == "registered"

    for step in WALK:
        response = chief_api.post(f"/matters/{matter_id}/transitions", step)
        assert response.json()["stage"] == step["to"], response.json()

    shown = chief_api.get(f"/matters/{matter_id}").json()
    assert shown["stage"] == "archived"
    assert shown["owner"] == {"username": "zhao", "name": "赵民警"}
    assert shown["outcome"] == "helped"
    assert shown["satisfaction"] == "satisfied"
    assert shown["allowed_steps"] == []
    assert [(e["from"], e["to"], e["actor"]["username"]) for e in shown["events"]] == [
        ("", "registered", "wangxiaojian"),
        ("registered", "accepted", "wangxiaojian"),
        ("accepted", "assigned", "wangxiaojian"),
        ("assigned", "in_progress", "wangxiaojian"),
        ("in_progress", "resolved", "wangxiaojian"),
        ("resolved", "called_back", "wangxiaojian"),
        ("called_back", "archived", "wangxiaojian"),
    ]
    assert shown["events"][1]["note"] == "所长当天受理"
    assert [e["at"] for e in shown["events"]] == sorted(e["at"] for e in shown["events"])


def test_every_step_of_the_walk_is_a_404_for_the_chief_of_another_station(api, chief, officer, other_chief):  # type: ignore[no-untyped-def]
    chief_api, outsider = api(chief), api(other_chief)
    matter_id = chief_api.post("/matters", NEW_MATTER).json()["id"]
    nonexistent = outsider.get("/matters/999999")

    assert outsider.get(f"/matters/{matter_id}").json() == nonexistent.json()
    for step in WALK:
        refused = outsider.post(f"/matters/{matter_id}/transitions", step)
        assert refused.status_code == 404
        assert refused.json() == nonexistent.json()
        assert error_of(refused)["code"] == "not_found"
        chief_api.post(f"/matters/{matter_id}/transitions", step)
        assert Matter.objects.get(pk=matter_id).stage == step["to"]

    assert MatterEvent.objects.filter(matter_id=matter_id, actor=other_chief).count() == 0
    assert outsider.get("/matters").json()["count"] == 0


def test_an_unsatisfied_callback_reopens_the_matter(api, chief, matter):  # type: ignore[no-untyped-def]
    chief_api = api(chief)
    for step in WALK[:4]:
        chief_api.post(f"/matters/{matter.pk}/transitions", step)

    reopened = chief_api.post(f"/matters/{matter.pk}/transitions", {"to": "called_back", "satisfaction": "unsatisfied"})

    body = reopened.json()
    assert body["stage"] == Stage.IN_PROGRESS
    assert body["outcome"] is None
    assert body["satisfaction"] == "unsatisfied"
    assert [(e["from"], e["to"]) for e in body["events"][-2:]] == [
        ("resolved", "called_back"),
        ("called_back", "in_progress"),
    ]
