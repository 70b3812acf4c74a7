"""Registering a matter on the page: few required fields, refusals next to the field, hints while typing."""

from fengqiao.matters.models import Matter, Stage
from tests.web.conftest import text_of


def a_form(**overrides: str) -> dict[str, str]:
    data = {
        "kind": "dispute",
        "channel": "walk_in",
        "category": "0604",
        "description": "东港豪庭楼上装修，楼下刘某担心承重墙受损",
        "address": "东港豪庭5号楼2单元301室",
        "reporter_name": "刘某",
        "reporter_phone": "13912345678",
        "priority": "normal",
        "parties-TOTAL_FORMS": "2",
        "parties-INITIAL_FORMS": "0",
        "parties-0-name": "张某",
        "parties-0-role": "party",
        "parties-1-role": "party",
    }
    data.update(overrides)
    return data


def test_a_walk_in_dispute_is_registered_and_opens_on_its_matter_page(browse, officer):  # type: ignore[no-untyped-def]
    response = browse(officer).post("/register/", a_form(), follow=True)

    matter = Matter.objects.get()
    page = text_of(response)
    assert response.redirect_chain[-1][0] == f"/matters/{matter.pk}/"
    assert f"Matter {matter.reference} registered." in page
    assert matter.stage == Stage.REGISTERED and matter.registered_by == officer
    assert sorted((p.person.name, p.role) for p in matter.parties.all()) == [("刘某", "reporter"), ("张某", "party")]
    assert "139****5678" in page and "13912345678" not in page


def test_an_unknown_category_is_refused_next_to_the_category_and_nothing_is_written(browse, officer):  # type: ignore[no-untyped-def]
    response = browse(officer).post("/register/", a_form(category="0000"))

    category_field = text_of(response).split('for="id_category"', 1)[1].split("</div>", 1)[0]
    assert "“0000” is not a category code." in category_field
    assert "东港豪庭楼上装修，楼下刘某担心承重墙受损" in text_of(response)  # what was typed is kept
    assert Matter.objects.count() == 0


def test_a_wrong_id_number_is_refused_next_to_it(browse, officer):  # type: ignore[no-untyped-def]
    response = browse(officer).post("/register/", a_form(reporter_id_number="130181199001011235"))

    id_field = text_of(response).split('for="id_reporter_id_number"', 1)[1].split("</div>", 1)[0]
    assert "“130181199001011235” is not a valid 18-digit ID number." in id_field
    assert Matter.objects.count() == 0


def test_a_phone_without_a_name_asks_for_the_name(browse, officer):  # type: ignore[no-untyped-def]
    response = browse(officer).post("/register/", a_form(reporter_name=""))

    assert "Give the reporter&#x27;s name with their phone or ID number." in text_of(response)
    assert Matter.objects.count() == 0


def test_the_form_asks_for_at_most_six_things(browse, officer):  # type: ignore[no-untyped-def]
    page = text_of(browse(officer).get("/register/"))

    assert page.count('class="field required"') <= 6
    assert 'hx-get="/register/hints/"' in page and 'hx-trigger="keyup changed delay:400ms, change"' in page


def test_typing_an_address_shows_the_open_matters_at_that_address(  # type: ignore[no-untyped-def]
    browse, make_matter, chief, officer, walk_to_archived
):
    open_here = make_matter(address="华丽社区3号楼2单元501室", description="没水没电")
    closed_here = walk_to_archived(make_matter(address="华丽社区3号楼2单元502室", description="早已办结"))
    elsewhere = make_matter(address="采五东区1号楼", description="电动车进电梯")

    hints = text_of(browse(officer).get("/register/hints/", {"address": "华丽社区3号楼"}, HTTP_HX_REQUEST="true"))

    assert "Open matters at the same address or phone" in hints
    assert open_here.reference in hints
    assert closed_here.reference not in hints and elsewhere.reference not in hints


def test_typing_a_phone_shows_the_open_matters_of_that_person(browse, make_matter, officer):  # type: ignore[no-untyped-def]
    his = make_matter(address="别处", description="老李反映家中没水没电")  # the persona's phone is 13812345678

    hints = text_of(browse(officer).get("/register/hints/", {"parties-0-phone": "13812345678"}))
    nothing = text_of(browse(officer).get("/register/hints/", {"reporter_phone": "13900000000"}))

    assert his.reference in hints
    assert "No open matter at this address or phone." in nothing


def test_the_hints_never_show_another_stations_matters(browse, make_matter, other_chief):  # type: ignore[no-untyped-def]
    ours = make_matter(address="华丽社区3号楼2单元501室")

    hints = text_of(browse(other_chief).get("/register/hints/", {"address": "华丽社区3号楼"}))

    assert ours.reference not in hints
