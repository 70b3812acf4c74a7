"""Every page asks for a login, and shows only the user's own station."""

import pytest

from tests.web.conftest import text_of


@pytest.mark.parametrize("url", ["/", "/search/?q=纠纷", "/register/", "/overview/", "/notifications/"])
def test_a_visitor_who_is_not_logged_in_is_sent_to_the_login_page(client, url):  # type: ignore[no-untyped-def]
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en", follow=True)

    assert response.redirect_chain[-1][0].startswith("/login/?next=")
    assert 'name="password"' in text_of(response)


def test_the_chief_logs_in_and_lands_on_my_work(client, chief):  # type: ignore[no-untyped-def]
    from tests.conftest import PASSWORD

    response = client.post(
        "/login/", {"username": "wangxiaojian", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en", follow=True
    )

    assert response.redirect_chain[-1][0] == "/"
    assert "My work" in text_of(response)
    assert "鹿城派出所" in text_of(response)


def test_a_matter_of_another_station_is_not_found(browse, matter, other_chief):  # type: ignore[no-untyped-def]
    response = browse(other_chief).get(f"/matters/{matter.pk}/")

    assert response.status_code == 404
    assert matter.description not in text_of(response)


def test_a_partner_mediator_finds_no_matter_page(browse, mediator, matter):  # type: ignore[no-untyped-def]
    response = browse(mediator).get(f"/matters/{matter.pk}/")

    # The partner portal shows their mediation cases only; out of scope is a 404, as for another station.
    assert response.status_code == 404
    assert matter.description not in text_of(response)


def test_the_header_offers_both_languages_and_switching_changes_the_page(browse, officer):  # type: ignore[no-untyped-def]
    client = browse(officer)

    page = text_of(client.get("/"))
    assert "简体中文" in page and "English" in page
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)

    assert response.redirect_chain[-1][0] == "/"
    assert '<html lang="en">' in text_of(response)
