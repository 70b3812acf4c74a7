"""Phones and ID numbers are masked in every answer; revealing one takes a reason and leaves a record."""

from fengqiao.matters.domain.registration import PartyInput, register
from fengqiao.people.models import Person, Reveal
from tests.api.conftest import error_of
from tests.conftest import a_registration

ID_NUMBER = "11010519491231002X"


def lao_li(make_matter):  # type: ignore[no-untyped-def]
    return make_matter(parties=[PartyInput(name="老李", phone="13812345678", id_number=ID_NUMBER)])


def test_a_matter_shows_its_parties_masked(api, chief, make_matter):  # type: ignore[no-untyped-def]
    matter = lao_li(make_matter)

    body = api(chief).get(f"/matters/{matter.pk}")

    party = body.json()["parties"][0]
    assert (party["name"], party["phone"], party["id_number"]) == ("老李", "138****5678", "1101**********002X")
    assert "13812345678" not in body.content.decode()
    assert ID_NUMBER not in body.content.decode()


def test_an_officer_reveals_a_phone_with_a_reason_and_it_is_recorded(api, officer, make_matter):  # type: ignore[no-untyped-def]
    matter = lao_li(make_matter)
    person = Person.objects.get(name="老李")

    response = api(officer).post(
        f"/persons/{person.pk}/reveal", {"field": "phone", "reason": "回访需要联系老李", "matter": matter.pk}
    )

    assert response.json() == {"value": "13812345678"}
    reveal = Reveal.objects.get()
    assert (reveal.user, reveal.person, reveal.field, reveal.reason, reveal.matter) == (
        officer,
        person,
        "phone",
        "回访需要联系老李",
        matter,
    )


def test_an_id_number_is_revealed_too(api, chief, make_matter):  # type: ignore[no-untyped-def]
    person = lao_li(make_matter).parties.get().person

    response = api(chief).post(f"/persons/{person.pk}/reveal", {"field": "id_number", "reason": "核对身份"})

    assert response.json() == {"value": ID_NUMBER}
    assert Reveal.objects.filter(field="id_number", matter=None).count() == 1


def test_a_reveal_without_a_reason_is_refused_and_not_recorded(api, chief, make_matter):  # type: ignore[no-untyped-def]
    person = lao_li(make_matter).parties.get().person

    response = api(chief).post(f"/persons/{person.pk}/reveal", {"field": "phone", "reason": "  "})

    assert (response.status_code, error_of(response)["field"]) == (400, "reason")
    assert Reveal.objects.count() == 0


def test_an_auxiliary_may_not_reveal(api, auxiliary, make_matter):  # type: ignore[no-untyped-def]
    person = lao_li(make_matter).parties.get().person

    response = api(auxiliary).post(f"/persons/{person.pk}/reveal", {"field": "phone", "reason": "想看看"})

    assert (response.status_code, error_of(response)["code"]) == (403, "forbidden")
    assert Reveal.objects.count() == 0


def test_another_stations_person_is_not_found(api, other_chief, make_matter):  # type: ignore[no-untyped-def]
    person = lao_li(make_matter).parties.get().person
    client = api(other_chief)

    response = client.post(f"/persons/{person.pk}/reveal", {"field": "phone", "reason": "查询"})

    assert response.status_code == 404
    assert response.json() == client.post("/persons/999999/reveal", {"field": "phone", "reason": "查询"}).json()
    assert Reveal.objects.count() == 0


def test_a_reveal_for_another_stations_matter_is_not_found(api, chief, other_chief, make_matter, other_station):  # type: ignore[no-untyped-def]
    theirs = register(other_station, other_chief, a_registration())
    person = lao_li(make_matter).parties.get().person

    response = api(chief).post(f"/persons/{person.pk}/reveal", {"field": "phone", "reason": "x", "matter": theirs.pk})

    assert response.status_code == 404
    assert Reveal.objects.count() == 0
