"""Search finds two-character Chinese words in the user's own station, and nowhere else."""

from fengqiao.matters.domain.registration import Registration, register
from tests.web.conftest import queries_to_show, text_of


def test_searching_for_a_dispute_finds_the_matter_that_mentions_it(browse, make_matter, officer):  # type: ignore[no-untyped-def]
    dispute = make_matter(kind="dispute", description="东港豪庭楼上楼下装修纠纷", address="东港豪庭5号楼")
    make_matter(description="老李反映家中没水没电")

    page = text_of(browse(officer).get("/search/", {"q": "纠纷"}))

    assert "1 matter found." in page
    assert dispute.reference in page
    assert "东港豪庭楼上楼下装修纠纷" in page and "东港豪庭5号楼" in page
    assert "老李反映家中没水没电" not in page


def test_search_never_shows_another_stations_matters(browse, officer, other_station, other_chief):  # type: ignore[no-untyped-def]
    theirs = register(
        other_station, other_chief, Registration("dispute", "walk_in", "0604", "泊镇邻里纠纷", address="泊镇")
    )

    page = text_of(browse(officer).get("/search/", {"q": "纠纷"}))

    assert theirs.reference not in page
    assert "No matter contains these words." in page


def test_typing_in_the_search_box_returns_only_the_results(browse, make_matter, officer):  # type: ignore[no-untyped-def]
    dispute = make_matter(description="土地承包纠纷")

    response = browse(officer).get("/search/", {"q": "纠纷"}, HTTP_HX_REQUEST="true")

    assert dispute.reference in text_of(response)
    assert text_of(response).lstrip().startswith('<div id="results">')
    assert "<header" not in text_of(response)


def test_search_takes_as_many_queries_for_three_results_as_for_one(browse, make_matter, officer):  # type: ignore[no-untyped-def]
    client = browse(officer)
    make_matter(description="邻里纠纷一")
    one = queries_to_show(client, "/search/?q=纠纷")
    make_matter(description="邻里纠纷二")
    make_matter(description="邻里纠纷三")

    assert "3 matters found." in text_of(client.get("/search/?q=纠纷"))
    assert queries_to_show(client, "/search/?q=纠纷") == one
