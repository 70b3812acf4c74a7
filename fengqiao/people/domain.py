"""Finding people and revealing their personal data."""

from django.db import transaction
from django.utils.translation import gettext as _

from fengqiao.lib import idnumber
from fengqiao.lib.errors import DomainError
from fengqiao.people.models import Person, Reveal, RevealField
from fengqiao.staff.models import User
from fengqiao.stations.models import Station


def find_or_create_person(station: Station, name: str, phone: str = "", id_number: str = "") -> Person:
    """Same valid ID number → same person. Otherwise a new person; merging by phone is a human decision."""
    id_number = idnumber.normalize(id_number) if id_number else ""
    if id_number and not idnumber.is_valid(id_number):
        raise DomainError(
            "invalid", _("“%(value)s” is not a valid 18-digit ID number.") % {"value": id_number}, "id_number"
        )
    if id_number:
        person, _created = Person.objects.get_or_create(
            station=station, id_number=id_number, defaults={"name": name.strip(), "phone": phone.strip()}
        )
        return person
    return Person.objects.create(station=station, name=name.strip(), phone=phone.strip())


def may_reveal(user: User, person: Person) -> bool:
    return user.is_active and user.is_sworn and user.station_id == person.station_id


def reveal(user: User, person: Person, field: str, reason: str, matter_id: int | None = None) -> str:
    """The unmasked value, after writing who looked and why."""
    if field not in RevealField.values:
        raise DomainError("invalid", _("“%(value)s” cannot be revealed.") % {"value": field}, "field")
    if not may_reveal(user, person):
        raise DomainError("forbidden", _("You may not reveal personal data."), status=403)
    if not reason.strip():
        raise DomainError("required", _("Give the reason for revealing this value."), "reason")
    with transaction.atomic():
        Reveal.objects.create(user=user, person=person, field=field, reason=reason.strip(), matter_id=matter_id)
    return str(getattr(person, field))
