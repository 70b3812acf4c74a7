"""`GET /api/v1/matters/{id}` shows the matter's repeat group; the list does not (and adds no query for it)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.analysis import test_repeats as shared
from tests.analysis.test_repeats import FLAT
from tests.api import conftest as api_conftest
from tests.api.conftest import ApiClient

_english, flat, call, dispute, api = shared._english, shared.flat, shared.call, shared.dispute, api_conftest.api


def test_a_matter_in_a_repeat_group_shows_it(api, officer, dispute) -> None:  # type: ignore[no-untyped-def]
    calls = [dispute(days) for days in (20, 10, 0)]

    shown = api(officer).get(f"/matters/{calls[-1].pk}").json()

    assert shown["repeat"] == {
        "group": calls[-1].repeat_memberships.get().group_id,
        "count": 3,
        "window_days": 30,
        "reasons": ["same_parties", "same_person", "same_phone", "same_address"],
        "matters": [m.pk for m in calls],
    }


def test_a_matter_without_repeats_shows_null(api, officer, call) -> None:  # type: ignore[no-untyped-def]
    single = call(0, address=FLAT)

    assert api(officer).get(f"/matters/{single.pk}").json()["repeat"] is None


def test_the_list_costs_the_same_queries_with_and_without_groups(api, officer, call) -> None:  # type: ignore[no-untyped-def]
    client: ApiClient = api(officer)
    for days in (5, 4):
        call(days, address=FLAT)

    def list_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get("/matters").json()["items"]) >= 2
        return len(queries)

    before = list_queries()
    for days in (3, 2, 1):
        call(days, address=FLAT)
    assert list_queries() == before
    assert "repeat" not in client.get("/matters").json()["items"][0]
