"""Notifications: a count in the header, a list page, and marking them read."""

from fengqiao.matters.models import Stage
from tests.web.conftest import text_of


def test_an_officer_assigned_on_the_page_sees_the_notification(  # type: ignore[no-untyped-def]
    browse, matter, chief, officer, django_capture_on_commit_callbacks
):
    boss = browse(chief)
    boss.post(f"/matters/{matter.pk}/step/", {"to": "accepted", "expected_stage": Stage.REGISTERED})
    with django_capture_on_commit_callbacks(execute=True):
        boss.post(f"/matters/{matter.pk}/step/", {"to": "assigned", "expected_stage": Stage.ACCEPTED, "owner": "zhao"})
    client = browse(officer)

    header = text_of(client.get("/")).split("</header>", 1)[0]
    listing = text_of(client.get("/notifications/"))

    assert 'title="Unread">1</span>' in header
    assert "Assigned to you" in listing and matter.reference in listing


def test_marking_all_read_clears_the_count(browse, matter, officer):  # type: ignore[no-untyped-def]
    officer.notifications.create(matter=matter, verb="assigned")
    client = browse(officer)

    response = client.post("/notifications/read/", follow=True)

    assert 'title="Unread"' not in text_of(response).split("</header>", 1)[0]
    assert officer.notifications.filter(read_at__isnull=True).count() == 0
