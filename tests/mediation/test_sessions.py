"""Sessions: no double booking of a room or a mediator; a held session leaves minutes and who was there."""

from collections.abc import Iterator

import pytest
from django.utils import translation

from fengqiao.lib.errors import DomainError
from fengqiao.mediation.access import cases_for_user, get_case_for_user
from fengqiao.mediation.domain.sessions import Booking, Record, cancel_session, record_session, schedule_session
from fengqiao.mediation.models import Case, Room, Session, SessionStatus
from tests.mediation.conftest import at


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.mark.django_db
def test_a_room_cannot_be_booked_twice_for_overlapping_times(case: Case, second_case: Case, officer, outsider, room):
    schedule_session(case, officer, Booking(starts_at=at(1, 9), ends_at=at(1, 11), room=room.pk))
    with pytest.raises(DomainError) as error:
        schedule_session(second_case, outsider, Booking(starts_at=at(1, 10), ends_at=at(1, 12), room=room.pk))
    assert error.value.code == "clash" and error.value.field == "room"
    assert "东港社区调解室" in error.value.message and case.reference in error.value.message
    # Back to back is not a clash; another room at the same time is fine.
    schedule_session(second_case, outsider, Booking(starts_at=at(1, 11), ends_at=at(1, 12), room=room.pk))
    assert Session.objects.count() == 2


@pytest.mark.django_db
def test_a_mediator_cannot_be_in_two_sessions_at_once(case: Case, second_case: Case, officer, judge, room, other_room):
    second_case.mediators.add(judge)
    schedule_session(case, officer, Booking(starts_at=at(2, 14), ends_at=at(2, 16), room=room.pk))
    with pytest.raises(DomainError) as error:
        booking = Booking(starts_at=at(2, 15), ends_at=at(2, 17), room=other_room.pk, mediators=(judge.pk,))
        schedule_session(second_case, officer, booking)
    assert error.value.code == "clash" and "陈法官" in error.value.message
    assert Session.objects.count() == 1


@pytest.mark.django_db
def test_a_cancelled_session_frees_its_room(case: Case, second_case: Case, officer, outsider, room):
    session = schedule_session(case, officer, Booking(starts_at=at(3, 9), ends_at=at(3, 10), room=room.pk))
    with pytest.raises(DomainError, match="Say why"):
        cancel_session(session.pk, officer, " ")
    cancel_session(session.pk, officer, "张某出差")
    schedule_session(second_case, outsider, Booking(starts_at=at(3, 9), ends_at=at(3, 10), room=room.pk))


@pytest.mark.django_db
def test_bad_bookings_are_refused_with_the_field_named(case: Case, officer, outsider, room: Room):
    cases = [
        (Booking(starts_at=at(1, 11), ends_at=at(1, 9), room=room.pk), "ends_at"),
        (Booking(starts_at=at(1, 0), ends_at=at(1, 23), room=room.pk), "ends_at"),
        (Booking(starts_at=at(1, 9), ends_at=at(1, 10)), "room"),
        (Booking(starts_at=at(1, 9), ends_at=at(1, 10), room=room.pk, mediators=(outsider.pk,)), "mediators"),
    ]
    for booking, field in cases:
        with pytest.raises(DomainError) as error:
            schedule_session(case, officer, booking)
        assert error.value.field == field
    # Not on the case: as if it did not exist.
    with pytest.raises(DomainError) as error:
        schedule_session(case, outsider, Booking(starts_at=at(1, 9), ends_at=at(1, 10), place="刘某家中"))
    assert error.value.status == 404
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_recording_a_session(case: Case, officer, judge, liu, zhang, make_matter, room):
    future = schedule_session(case, officer, Booking(starts_at=at(5, 9), ends_at=at(5, 10), room=room.pk))
    record = Record(minutes="调解笔录", parties_present=(liu.pk,), mediators_present=(judge.pk,))
    with pytest.raises(DomainError, match="once it has begun"):
        record_session(future.pk, officer, record)
    past = schedule_session(case, officer, Booking(starts_at=at(-1, 9), ends_at=at(-1, 10), place="东港豪庭12号楼"))
    with pytest.raises(DomainError) as error:
        record_session(past.pk, officer, Record(minutes=" ", parties_present=(), mediators_present=(judge.pk,)))
    assert error.value.field == "minutes"
    stranger = make_matter().parties.get().person
    with pytest.raises(DomainError) as error:
        record_session(
            past.pk, officer, Record(minutes="m", parties_present=(stranger.pk,), mediators_present=(judge.pk,))
        )
    assert error.value.field == "parties_present"
    record_session(
        past.pk,
        judge,
        Record(minutes="双方同意共同加固", parties_present=(liu.pk, zhang.pk), mediators_present=(judge.pk,)),
    )
    past.refresh_from_db()
    assert past.status == SessionStatus.HELD and past.recorded_by == judge
    assert {p.name for p in past.parties_present.all()} == {"刘某", "张某"}
    with pytest.raises(DomainError) as error:
        record_session(past.pk, officer, record)
    assert error.value.status == 409


@pytest.mark.django_db
def test_partner_mediators_see_only_their_cases(
    case: Case, second_case: Case, mediator, outsider, officer, other_chief
):
    assert list(cases_for_user(mediator)) == [case]
    assert list(cases_for_user(outsider)) == [second_case]
    assert set(cases_for_user(officer)) == {case, second_case}
    assert not cases_for_user(other_chief).exists()
    from django.http import Http404

    with pytest.raises(Http404):
        get_case_for_user(mediator, second_case.pk)
    with pytest.raises(Http404):
        get_case_for_user(other_chief, case.pk)
    assert get_case_for_user(mediator, case.pk) == case
