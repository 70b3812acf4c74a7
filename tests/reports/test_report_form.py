"""A resident reports on their phone, without logging in, and the report reaches the officers' queue."""

from decimal import Decimal

import pytest
from django.test import Client

from fengqiao.lib.errors import DomainError
from fengqiao.matters.access import matters_for_user
from fengqiao.matters.models import Channel, Matter, Stage
from fengqiao.reports.domain.submission import ReportInput, submit
from fengqiao.reports.models import CODE_ALPHABET, Report, ReportPhoto
from fengqiao.staff.models import User
from fengqiao.stations.models import Community, CommunityGrid, PoliceGrid, Station
from tests.reports.conftest import PNG, Send, a_photo, a_report, only_report, text_of


def test_a_residents_report_arrives_in_the_stations_registered_queue(
    resident: Client, send: Send, station: Station, officer: User
) -> None:
    start = resident.get("/report/", follow=True)
    assert start.redirect_chain == [("/report/lucheng/", 302)]

    page = send(phone="138 1234-5678", consent="on")

    report = only_report()
    assert page.redirect_chain == [(f"/report/status/{report.code}", 302)]
    assert report.code in text_of(page)
    assert "Thank you. Your report has been registered." in text_of(page)
    queue = matters_for_user(officer).filter(stage=Stage.REGISTERED)
    assert list(queue) == [report.matter]
    matter = queue.get()
    assert (matter.channel, matter.registered_by, matter.external_ref) == (Channel.PUBLIC_WEB, None, report.code)
    assert matter.category.code == "0502"
    assert matter.kind == "hazard"
    assert matter.events.get().actor is None
    assert [(p.role, p.person.phone) for p in matter.parties.select_related("person")] == [("reporter", "13812345678")]

    officer_client = Client(HTTP_ACCEPT_LANGUAGE="en")
    officer_client.force_login(officer)
    assert matter.reference in text_of(officer_client.get("/"))


def test_the_tracking_code_is_eight_unambiguous_characters_and_unique(send: Send) -> None:
    for _ in range(3):
        send()
    codes = list(Report.objects.values_list("code", flat=True))
    assert len(set(codes)) == 3
    assert all(len(code) == 8 and set(code) <= set(CODE_ALPHABET) for code in codes)
    assert not set("01OIL") & set("".join(codes))


def test_the_form_offers_the_public_categories_by_label_and_no_staff_navigation(
    resident: Client, station: Station, grid: CommunityGrid
) -> None:
    page = text_of(resident.get("/report/lucheng/"))

    assert "Fire hazard" in page
    assert "Lost property" in page
    assert "Homicide" not in page  # crimes in progress are for 110
    assert '<option value="0502">Fire hazard</option>' in page  # by label; the code is only the value
    assert "华丽社区 · 华丽一网格" in page
    assert "call 110" in page
    assert "My work" not in page and "Log out" not in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert '<script src="/static/reports/locate.js"' in page


def test_several_stations_let_the_resident_choose_and_a_qr_code_link_names_one(
    resident: Client, station: Station, other_station: Station
) -> None:
    page = text_of(resident.get("/report/"))
    assert "鹿城派出所" in page and "泊镇派出所" in page

    assert "泊镇派出所" in text_of(resident.get("/report/bozhen/"))
    missing = resident.get("/report/nowhere/")
    assert missing.status_code == 404
    assert "There is no police station “nowhere”." in text_of(missing)


def test_a_grid_and_the_phones_location_are_enough_to_say_where(send: Send, grid: CommunityGrid, officer: User) -> None:
    send(address="", grid=str(grid.pk), latitude="37.9462123456", longitude="115.2185")

    matter = only_report().matter
    assert matter.grid == grid
    assert matter.address_text == "华丽社区 华丽一网格"
    assert (matter.latitude, matter.longitude) == (Decimal("37.946212"), Decimal("115.218500"))


def test_a_grid_of_another_station_is_refused(station: Station, grid: CommunityGrid, other_station: Station) -> None:
    community = Community.objects.create(station=other_station, name="东港社区")
    police_grid = PoliceGrid.objects.create(station=other_station, code="PG9", name="东港警格")
    foreign = CommunityGrid.objects.create(
        station=other_station, police_grid=police_grid, community=community, code="G9", name="东港一网格"
    )
    with pytest.raises(DomainError) as refused:
        submit(station, ReportInput(category="0502", description="楼道堆物", grid_id=foreign.pk))
    assert (refused.value.field, refused.value.message) == ("grid", "That grid does not belong to this station.")
    assert not Matter.objects.exists()


def test_without_any_place_the_form_asks_where(send: Send) -> None:
    page = send(address="")

    assert page.status_code == 400
    assert "Tell us where: an address or place, your grid, or your phone&#x27;s location." in text_of(page)
    assert "楼道里堆满了电动车" in text_of(page)  # what the resident typed is kept
    assert not Matter.objects.exists()


def test_a_phone_without_consent_is_refused_and_nothing_is_written(send: Send) -> None:
    page = send(phone="13812345678")

    assert page.status_code == 400
    assert "Agree that the station keeps your name, phone or photo, or leave them out." in text_of(page)
    assert not Matter.objects.exists()
    assert not Report.objects.exists()


def test_a_photo_without_consent_is_refused(send: Send) -> None:
    page = send(photo=a_photo())
    assert "Agree that the station keeps your name, phone or photo" in text_of(page)
    assert not Matter.objects.exists()


def test_a_report_without_personal_data_needs_no_consent(send: Send) -> None:
    send()
    report = only_report()
    assert report.consent_at is None
    assert not report.matter.parties.exists()


def test_a_wrong_phone_number_is_named(send: Send) -> None:
    page = send(phone="call me", consent="on")
    assert "“call me” is not a phone number." in text_of(page)
    assert not Matter.objects.exists()


def test_a_photo_is_kept_outside_the_database_with_its_sha256(
    send: Send, settings: object, officer: User, other_chief: User
) -> None:
    import hashlib

    send(photo=a_photo("楼道.png"), consent="on")

    photo = ReportPhoto.objects.get()
    assert photo.sha256 == hashlib.sha256(PNG).hexdigest()
    assert photo.content_type == "image/png"
    assert photo.file.name == f"reports/{photo.report.matter.station_id}/{photo.sha256[:2]}/{photo.sha256}"
    assert photo.original_name == "楼道.png"
    assert only_report().consent_at is not None

    officer_client = Client()
    officer_client.force_login(officer)
    download = officer_client.get(f"/report/photos/{photo.pk}/")
    assert b"".join(download.streaming_content) == PNG  # type: ignore[attr-defined]
    stranger = Client(HTTP_ACCEPT_LANGUAGE="en")
    stranger.force_login(other_chief)
    assert stranger.get(f"/report/photos/{photo.pk}/").status_code == 404


def test_a_file_that_is_not_a_photo_is_refused_whatever_its_name(send: Send) -> None:
    page = send(photo=a_photo("evil.jpg", b"#!/bin/sh\nrm -rf /\n" * 10), consent="on")

    assert page.status_code == 400
    assert "“evil.jpg” is not a photo; send a JPEG, PNG, HEIC or WebP image." in text_of(page)
    assert not Matter.objects.exists()


def test_a_pdf_is_a_document_not_a_photo(send: Send) -> None:
    page = send(photo=a_photo("scan.png", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"0" * 100), consent="on")
    assert "“scan.png” is not a photo" in text_of(page)
    assert not Matter.objects.exists()


def test_an_oversized_photo_is_refused_with_the_limit(send: Send, settings: object) -> None:
    settings.REPORT_PHOTO_MAX_BYTES = 1024 * 1024  # type: ignore[attr-defined]
    page = send(photo=a_photo(size=1024 * 1024 + 1), consent="on")

    assert page.status_code == 400
    assert "The photo “photo.png” is larger than 1 MB." in text_of(page)
    assert not Matter.objects.exists()
    assert not ReportPhoto.objects.exists()


def test_the_rate_limit_stops_a_flood_with_a_clear_message(send: Send, resident: Client, settings: object) -> None:
    settings.REPORT_RATE_LIMIT = 2  # type: ignore[attr-defined]
    send()
    send()

    page = send(description="第三次报警")

    assert page.status_code == 429
    assert "You have sent 2 reports from this network in the last 60 minutes." in text_of(page)
    assert "第三次报警" in text_of(page)
    assert Matter.objects.count() == 2
    neighbour = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="10.0.0.9")
    send(client=neighbour)
    assert Matter.objects.count() == 3


def test_refused_reports_do_not_count_against_the_limit(send: Send, settings: object) -> None:
    settings.REPORT_RATE_LIMIT = 1  # type: ignore[attr-defined]
    send(address="")
    send(phone="13812345678")
    assert send().status_code == 200
    assert Matter.objects.count() == 1


def test_behind_a_trusted_proxy_the_forwarded_address_is_limited(station: Station, settings: object) -> None:
    settings.REPORT_RATE_LIMIT = 1  # type: ignore[attr-defined]
    settings.REPORT_TRUSTED_PROXIES = 1  # type: ignore[attr-defined]
    first = Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_X_FORWARDED_FOR="203.0.113.5")
    second = Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_X_FORWARDED_FOR="203.0.113.6")
    for client in (first, second):
        client.post("/report/lucheng/", a_report())
    assert first.post("/report/lucheng/", a_report()).status_code == 429
    assert Matter.objects.count() == 2


def test_a_post_without_the_csrf_token_is_refused(station: Station) -> None:
    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    response = browser.post("/report/lucheng/", a_report())
    assert response.status_code == 403
    assert b"CSRF" in response.content
    assert not Matter.objects.exists()


@pytest.mark.parametrize("category", ["0101", "0801", "nonsense"])
def test_categories_outside_the_public_list_are_refused(send: Send, category: str) -> None:
    page = send(category=category)
    assert page.status_code == 400
    assert "Select a valid choice." in text_of(page)
    assert not Matter.objects.exists()
