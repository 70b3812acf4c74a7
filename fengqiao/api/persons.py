"""Persons: revealing a masked phone or ID number, with a reason that is written down."""

from django.http import Http404, HttpRequest
from ninja import Router

from fengqiao.api.auth import current_user
from fengqiao.api.schemas import ERRORS, RevealIn, RevealOut
from fengqiao.matters.access import get_matter_for_user
from fengqiao.people.domain import reveal
from fengqiao.people.models import Person
from fengqiao.staff.models import User

router = Router(tags=["persons"])


@router.post("/{person_id}/reveal", response={200: RevealOut, **ERRORS}, summary="Reveal a masked value")
def reveal_value(request: HttpRequest, person_id: int, payload: RevealIn) -> RevealOut:
    """The unmasked `phone` or `id_number`; every call writes who looked, at what and why."""
    user = current_user(request)
    person = person_for_user(user, person_id)
    matter_id = get_matter_for_user(user, payload.matter).pk if payload.matter is not None else None
    return RevealOut(value=reveal(user, person, payload.field, payload.reason, matter_id))


def person_for_user(user: User, person_id: int) -> Person:
    """Persons of the user's own station; anyone else's is a 404, like a person who does not exist."""
    person = Person.objects.filter(pk=person_id, station_id=user.station_id).first() if user.station_id else None
    if person is None:
        raise Http404("No such person")
    return person
