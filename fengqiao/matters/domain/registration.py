"""Registration (登记): the first event of every matter, whatever the channel."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Field, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.analysis.models import RiskAssessment, RiskLevel
from fengqiao.analysis.risk import Assessment, active_rules, assess, compile_lexicon, specs_of, store_assessment
from fengqiao.codes.models import Code, CodeTable
from fengqiao.lib import idnumber
from fengqiao.lib.errors import DomainError
from fengqiao.lib.textsearch import document
from fengqiao.matters.domain import deadlines
from fengqiao.matters.models import Channel, Kind, Matter, MatterEvent, Party, PartyRole, Priority, SlaPolicy, Stage
from fengqiao.matters.search import refresh_search_doc
from fengqiao.matters.signals import matter_registered
from fengqiao.notifications.domain import notify_after_commit
from fengqiao.notifications.models import Notification
from fengqiao.people.domain import find_or_create_person
from fengqiao.people.models import Person
from fengqiao.staff.models import Role, User
from fengqiao.stations.models import StandardAddress, Station


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
    extra: dict[str, Any] = field(default_factory=dict)  # columns of an imported ledger without a field


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
            extra=reg.extra,
        )
        _link_standard_address(matter)
        matter.due_at = reg.due_at or deadlines.resolve_deadline(matter)
        matter.step_due_at = deadlines.step_due(matter, Stage.REGISTERED, matter.reported_at)
        matter.save()
        matter.reference = f"{station.code.upper()}-{matter.reported_at:%Y}-{matter.pk:06d}"
        matter.save(update_fields=["reference"])
        for party in reg.parties:
            _add_party(matter, party)
        _registration_event(matter, actor, reg).save()
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


def register_batch(station: Station, actor: User | None, regs: Sequence[Registration]) -> list[Matter]:
    """Many registrations at once, each with register()'s result: reference, deadlines, parties, registration
    event, search document, risk assessment (and the chief's notice of a high one) and the matter_registered
    signal — in a handful of queries per batch instead of a dozen per matter.

    The matters' ids are reserved first, so that the reference and the search document (which contains the
    reference) go in with the INSERT itself: no second pass over the rows.
    """
    if not regs:
        return []
    batch = _Batch(station, actor, _categories_of(regs), {(p.kind, p.priority): p for p in SlaPolicy.objects.all()})
    lexicon = compile_lexicon(specs_of(active_rules()))
    risks = [lexicon.assess(reg.description) for reg in regs]
    with transaction.atomic():
        batch.addresses = _standard_addresses(station, regs)
        ids = _next_ids(Matter, len(regs))
        people = _people_of(station, regs)
        matters = [batch.matter(reg, pk, risk) for reg, pk, risk in zip(regs, ids, risks, strict=True)]
        _fill_search_docs(matters, people)
        _insert(matters)
        _insert(_batch_parties(matters, people))
        _insert([_registration_event(m, actor, reg) for m, reg in zip(matters, regs, strict=True)])
        _record_risks(station, matters, risks)
        for matter in matters:
            matter_registered.send(sender=Matter, matter=matter)
    return matters


@dataclass
class _Batch:
    station: Station
    actor: User | None
    categories: dict[str, Code]
    policies: dict[tuple[str, str], SlaPolicy]
    addresses: dict[str, StandardAddress] = field(default_factory=dict)

    def matter(self, reg: Registration, pk: int, risk: Assessment) -> Matter:
        """register()'s matter, built in memory with its id, reference and deadlines."""
        reported_at = reg.reported_at or timezone.now()
        matter = Matter(
            pk=pk,
            station=self.station,
            kind=reg.kind,
            channel=reg.channel,
            category=self.categories[reg.category],
            priority=_raised_priority(reg.priority, risk),
            description=reg.description.strip(),
            address_text=reg.address.strip(),
            reported_at=reported_at,
            registered_by=self.actor,
            latitude=reg.latitude,
            longitude=reg.longitude,
            external_ref=reg.external_ref.strip(),
            due_reason=reg.due_reason.strip(),
            team_id=reg.team_id,
            extra=reg.extra,
            reference=f"{self.station.code.upper()}-{reported_at:%Y}-{pk:06d}",
        )
        address = self.addresses.get(matter.address_text)
        if address is not None:
            matter.address, matter.grid_id = address, address.grid_id
            matter.latitude = matter.latitude or address.latitude
            matter.longitude = matter.longitude or address.longitude
        # deadlines.resolve_deadline and step_due(REGISTERED), with the policies read once per batch.
        policy = self.policies.get((matter.kind, matter.priority), deadlines.FALLBACK)
        matter.due_at = reg.due_at or reported_at + dt.timedelta(minutes=policy.resolve_minutes)
        matter.step_due_at = reported_at + dt.timedelta(minutes=policy.accept_minutes)
        return matter


def _fill_search_docs(matters: list[Matter], people: list[list[tuple[Person, str]]]) -> None:
    """refresh_search_doc's document, computed before the insert."""
    for matter, persons in zip(matters, people, strict=True):
        names = [person.name for person, _role in persons]
        matter.search_doc = document(
            matter.description, matter.place, matter.reference or "", matter.external_ref, *names
        )


def _record_risks(station: Station, matters: list[Matter], risks: list[Assessment]) -> None:
    """_record_risk for the batch: an assessment row per matter, the chiefs told of each high one."""
    now = timezone.now()
    _insert(
        [
            RiskAssessment(
                matter=matter,
                level=risk.level,
                score=risk.score,
                explanations=risk.explanations,
                assessed_at=now,
                lexicon_version=risk.lexicon_version,
            )
            for matter, risk in zip(matters, risks, strict=True)
        ]
    )
    high = [(matter, risk) for matter, risk in zip(matters, risks, strict=True) if risk.level == RiskLevel.HIGH]
    if not high:
        return
    chiefs = list(User.objects.filter(station=station, role=Role.CHIEF, is_active=True).values_list("pk", flat=True))
    for matter, risk in high:
        sign = next(hit for hit in risk.hits if hit.counted)
        for chief in chiefs:
            notify_after_commit(chief, matter.pk, Notification.Verb.RISK_HIGH, sign.describe())


def _categories_of(regs: Sequence[Registration]) -> dict[str, Code]:
    wanted = {reg.category for reg in regs}
    found = {code.code: code for code in Code.objects.active(CodeTable.CATEGORIES).filter(code__in=wanted)}
    for reg in regs:
        if reg.category in found:
            _validate_fields(reg)
        else:
            _validate(reg)  # raises the same error register() would
    return found


def _validate_fields(reg: Registration) -> None:
    """register()'s checks without its category query (the batch looked all categories up at once)."""
    if reg.kind not in Kind.values or reg.channel not in Channel.values or reg.priority not in Priority.values:
        _validate(reg)
    if not reg.description.strip() or any(p.role not in PartyRole.values or not p.name.strip() for p in reg.parties):
        _validate(reg)
    for party in reg.parties:
        if party.id_number and not idnumber.is_valid(party.id_number):
            raise DomainError(
                "invalid", _("“%(value)s” is not a valid 18-digit ID number.") % {"value": party.id_number}, "id_number"
            )


def _standard_addresses(station: Station, regs: Sequence[Registration]) -> dict[str, StandardAddress]:
    texts = {reg.address.strip() for reg in regs if reg.address.strip()}
    if not texts:
        return {}
    return {a.full_text: a for a in station.addresses.filter(full_text__in=texts)}


def _next_ids(model: type[Model], count: int) -> list[int]:
    """`count` fresh ids for rows of `model`, reserved in the open transaction."""
    if not count:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)", [count]
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the transaction holds the write lock from its start (IMMEDIATE), so nobody else can take
        # these ids before the insert; AUTOINCREMENT never reuses an id, hence sqlite_sequence as well as max(id).
        cursor.execute(
            f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"coalesce((SELECT max(id) FROM {table}), 0))",
            [table],
        )
        last = int(cursor.fetchone()[0])
    return list(range(last + 1, last + count + 1))


# Field types whose Python value (str or int) is already what the database driver takes.
_PLAIN_TYPES = frozenset(
    {"CharField", "TextField", "SlugField", "IntegerField", "PositiveIntegerField", "BigIntegerField", "ForeignKey"}
    | {"AutoField", "BigAutoField"}
)


def _insert(objs: Sequence[Model]) -> None:
    """INSERT rows with one executemany, values prepared by the fields as save() would.

    bulk_create compiles a multi-row statement field by field and splits it at SQLite's parameter limit; for
    thousands of rows that costs several times the insert itself. Rows are inserted without an id when the
    first object has none (the database assigns them).
    """
    if not objs:
        return
    meta = objs[0]._meta
    fields = [f for f in meta.concrete_fields if not (f.primary_key and objs[0].pk is None)]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"INSERT INTO {meta.db_table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    prepare = [(f, f.get_internal_type() not in _PLAIN_TYPES) for f in fields]
    # pre_save as save() calls it: it fills auto_now_add times.
    params: list[list[Any]] = [[_db_value(f, f.pre_save(obj, True), convert) for f, convert in prepare] for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _db_value(field: Field[Any, Any], value: Any, convert: bool) -> Any:
    return field.get_db_prep_save(value, connection) if convert and value is not None else value


def _people_of(station: Station, regs: Sequence[Registration]) -> list[list[tuple[Person, str]]]:
    """find_or_create_person for every party of the batch: one person per valid ID number, new ones otherwise.

    A person first seen in this batch takes the name and phone of the first party that names them, as the
    first register() would have.
    """
    numbers = {idnumber.normalize(p.id_number) for reg in regs for p in reg.parties if p.id_number}
    by_id = {p.id_number: p for p in Person.objects.filter(station=station, id_number__in=numbers)} if numbers else {}
    fresh: list[Person] = []
    people: list[list[tuple[Person, str]]] = []
    for reg in regs:
        persons = []
        for party in reg.parties:
            number = idnumber.normalize(party.id_number) if party.id_number else ""
            person = by_id.get(number) if number else None
            if person is None:
                person = Person(station=station, name=party.name.strip(), phone=party.phone.strip(), id_number=number)
                fresh.append(person)
                if number:
                    by_id[number] = person
            persons.append((person, party.role))
        people.append(persons)
    for person, pk in zip(fresh, _next_ids(Person, len(fresh)), strict=True):
        person.pk = pk
    _insert(fresh)
    return people


def _batch_parties(matters: list[Matter], people: list[list[tuple[Person, str]]]) -> list[Party]:
    parties: dict[tuple[int, int, str], Party] = {}
    for matter, persons in zip(matters, people, strict=True):
        for person, role in persons:
            parties.setdefault((matter.pk, person.pk, role), Party(matter=matter, person=person, role=role))
    return list(parties.values())


def _registration_event(matter: Matter, actor: User | None, reg: Registration) -> MatterEvent:
    """The first event of every matter (from no stage to registered), for one matter or a batch."""
    return MatterEvent(
        matter=matter,
        from_stage="",
        to_stage=Stage.REGISTERED,
        actor=actor,
        at=matter.reported_at,
        note=reg.note.strip(),
        data={"channel": reg.channel},
    )
