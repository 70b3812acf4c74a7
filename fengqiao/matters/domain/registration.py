"""Registration (登记): the first event of every matter, whatever the channel."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.analysis.models import RiskLevel
from fengqiao.analysis.risk import Assessment, assess, store_assessment
from fengqiao.codes.models import Code, CodeTable
from fengqiao.lib.errors import DomainError
from fengqiao.matters.domain import deadlines
from fengqiao.matters.models import Channel, Kind, Matter, MatterEvent, Party, PartyRole, Priority, Stage
from fengqiao.matters.search import refresh_search_doc
from fengqiao.matters.signals import matter_registered
from fengqiao.notifications.domain import notify_after_commit
from fengqiao.notifications.models import Notification
from fengqiao.people.domain import find_or_create_person
from fengqiao.staff.models import Role, User
from fengqiao.stations.models import Station


@dataclass(frozen=True)
class PartyInput:
    name: str
    role: str = PartyRole.REPORTER
    phone: str = ""
    id_number: str = ""


@dataclass(frozen=True)
class Registration:
    kind: str
    channel: str
    category: str  # category code
    description: str
    address: str = ""  # free text; a standard address is linked when it matches exactly
    priority: str = Priority.NORMAL
    reported_at: dt.datetime | None = None
    parties: list[PartyInput] = field(default_factory=list)
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    due_at: dt.datetime | None = None
    due_reason: str = ""
    external_ref: str = ""
    note: str = ""
    team_id: int | None = None  # the police post that took the matter in (walk-ins)


def register(station: Station, actor: User | None, reg: Registration) -> Matter:
    """Create a matter in stage `registered` with its parties and first event, atomically."""
    category = _validate(reg)
    risk = assess(reg.description)  # before the deadlines, which depend on the priority a high risk raises
    with transaction.atomic():
        matter = Matter(
            station=station,
            kind=reg.kind,
            channel=reg.channel,
            category=category,
            priority=_raised_priority(reg.priority, risk),
            description=reg.description.strip(),
            address_text=reg.address.strip(),
            reported_at=reg.reported_at or timezone.now(),
            registered_by=actor,
            latitude=reg.latitude,
            longitude=reg.longitude,
            external_ref=reg.external_ref.strip(),
            due_reason=reg.due_reason.strip(),
            team_id=reg.team_id,
        )
        _link_standard_address(matter)
        matter.due_at = reg.due_at or deadlines.resolve_deadline(matter)
        matter.step_due_at = deadlines.step_due(matter, Stage.REGISTERED, matter.reported_at)
        matter.save()
        matter.reference = f"{station.code.upper()}-{matter.reported_at:%Y}-{matter.pk:06d}"
        matter.save(update_fields=["reference"])
        for party in reg.parties:
            _add_party(matter, party)
        MatterEvent.objects.create(
            matter=matter,
            from_stage="",
            to_stage=Stage.REGISTERED,
            actor=actor,
            at=matter.reported_at,
            note=reg.note.strip(),
            data={"channel": reg.channel},
        )
        refresh_search_doc(matter)
        _record_risk(matter, risk)
        # Receivers (repeat-call analysis …) write in this transaction: a matter is never half-analysed.
        matter_registered.send(sender=Matter, matter=matter)
    return matter


def _raised_priority(priority: str, risk: Assessment) -> str:
    """A high risk sign makes a normal or low matter high; urgent stays urgent."""
    if risk.level == RiskLevel.HIGH and priority in (Priority.NORMAL, Priority.LOW):
        return Priority.HIGH
    return priority


def _record_risk(matter: Matter, risk: Assessment) -> None:
    store_assessment(matter, risk)
    if risk.level != RiskLevel.HIGH:
        return
    sign = next(hit for hit in risk.hits if hit.counted)
    chiefs = User.objects.filter(station=matter.station, role=Role.CHIEF, is_active=True)
    for chief in chiefs:
        notify_after_commit(chief.pk, matter.pk, Notification.Verb.RISK_HIGH, sign.describe())


def _add_party(matter: Matter, party: PartyInput) -> Party:
    person = find_or_create_person(matter.station, party.name, party.phone, party.id_number)
    obj, _created = Party.objects.get_or_create(matter=matter, person=person, role=party.role)
    return obj


def _validate(reg: Registration) -> Code:
    if reg.kind not in Kind.values:
        raise DomainError("invalid", _("“%(value)s” is not a kind of matter.") % {"value": reg.kind}, "kind")
    if reg.channel not in Channel.values:
        raise DomainError("invalid", _("“%(value)s” is not a channel.") % {"value": reg.channel}, "channel")
    if reg.priority not in Priority.values:
        raise DomainError("invalid", _("“%(value)s” is not a priority.") % {"value": reg.priority}, "priority")
    if not reg.description.strip():
        raise DomainError("required", _("Describe the matter."), "description")
    for party in reg.parties:
        if party.role not in PartyRole.values:
            raise DomainError("invalid", _("“%(value)s” is not a party role.") % {"value": party.role}, "parties")
        if not party.name.strip():
            raise DomainError("required", _("Every party needs a name."), "parties")
    category = Code.objects.active(CodeTable.CATEGORIES).filter(code=reg.category).first()
    if category is None:
        raise DomainError("invalid", _("“%(value)s” is not a category code.") % {"value": reg.category}, "category")
    return category


def _link_standard_address(matter: Matter) -> None:
    """Exact match on the station's standard addresses; fuzzy parsing belongs to intake."""
    if not matter.address_text:
        return
    address = matter.station.addresses.filter(full_text=matter.address_text).first()
    if address is not None:
        matter.address = address
        matter.grid_id = address.grid_id
        matter.latitude = matter.latitude or address.latitude
        matter.longitude = matter.longitude or address.longitude
