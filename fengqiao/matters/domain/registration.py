"""Registration (登记): the first event of every matter, whatever the channel."""

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Field, Model
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.analysis.models import RiskAssessment, RiskLevel
from fengqiao.analysis.risk import Assessment, active_rules, assess, compile_lexicon, specs_of, store_assessment
from fengqiao.codes.models import Code, CodeTable
from fengqiao.lib import idnumber
from fengqiao.lib.errors import DomainError
from fengqiao.matters.domain import deadlines
from fengqiao.matters.models import Channel, Kind, Matter, MatterEvent, Party, PartyRole, Priority, SlaPolicy, Stage
from fengqiao.matters.search import indexed_in_bulk, matter_document, refresh_search_doc
from fengqiao.matters.signals import matter_registered
from fengqiao.notifications.domain import notify_after_commit
from fengqiao.notifications.models import Notification
from fengqiao.people.domain import find_or_create_person
from fengqiao.people.models import Person
from fengqiao.places.proposals import AddressOutcome, outcome_of, propose_address, propose_outcomes
from fengqiao.places.resolution import resolve_address
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
        MatterEvent.objects.create(**_registration_event_fields(matter, actor, reg))
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


# TextChoices' .values builds a new list at every call: a batch checks these once per row.
_KINDS, _CHANNELS = frozenset(Kind.values), frozenset(Channel.values)
_PRIORITIES, _ROLES = frozenset(Priority.values), frozenset(PartyRole.values)


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
    """The station's standard address the text resolves to (the exact text, else by its parts: 12栋 = 12号楼); an
    address the station does not have is proposed as a new one for review (docs/places.md)."""
    if not matter.address_text:
        return
    resolution = resolve_address(matter.station, matter.address_text)
    address = resolution.address
    if address is None:
        propose_address(resolution)
        return
    _use_address(matter, address)


def _use_address(matter: Matter, address: StandardAddress) -> None:
    matter.address = address
    matter.grid_id = address.grid_id
    matter.latitude = matter.latitude or address.latitude
    matter.longitude = matter.longitude or address.longitude


def register_batch(
    station: Station,
    actor: User | None,
    regs: Sequence[Registration],
    resolved: Mapping[str, AddressOutcome] | None = None,
) -> list[Matter]:
    """Many registrations at once, each with register()'s result: reference, deadlines, standard address,
    parties, registration event, search document, risk assessment (and the chief's notice of a high one) and the
    matter_registered signal — set-based: a handful of queries and one executemany per table for the batch.

    The matters' ids are reserved first, so that the reference and the search document (which contains the
    reference) go in with the INSERT itself: no second pass over the rows. What real exports repeat is computed
    once per distinct value: the risk of a description (memoised by the lexicon), the tokens of a text (by
    textsearch), the resolution of an address text (per batch; `resolved` holds those already made, by the
    import's reading process, keyed by the stripped text, with the proposals and search tokens of the unmatched).
    """
    if not regs:
        return []
    batch = _Batch(station, actor, _categories_of(regs), {(p.kind, p.priority): p for p in SlaPolicy.objects.all()})
    lexicon = compile_lexicon(specs_of(active_rules()))
    risks = [lexicon.assess(reg.description) for reg in regs]
    with transaction.atomic():
        batch.addresses, batch.places = _standard_addresses(station, regs, resolved or {})
        ids = _next_ids(Matter, len(regs))
        people = _people_of(station, regs)
        matters = [
            batch.matter(reg, pk, risk, persons)
            for reg, pk, risk, persons in zip(regs, ids, risks, people, strict=True)
        ]
        with indexed_in_bulk(ids[0], ids[-1]):
            _insert(matters)
        _insert_rows(Party, ["matter_id", "person_id", "role"], _party_rows(matters, people))
        events = [_registration_event_fields(m, actor, reg) for m, reg in zip(matters, regs, strict=True)]
        _insert_rows(MatterEvent, list(events[0]), [list(fields.values()) for fields in events])
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
    alias: str = field(default_factory=lambda: connection.alias)
    addresses: dict[str, StandardAddress] = field(default_factory=dict)
    places: dict[str, tuple[str, ...]] = field(default_factory=dict)  # search tokens of the unmatched texts
    now: dt.datetime = field(default_factory=timezone.now)

    def matter(self, reg: Registration, pk: int, risk: Assessment, persons: list[tuple[Person, str]]) -> Matter:
        """register()'s matter, built in memory with its id, reference, deadlines and search document.

        Built from its fields' values in order (Model's fast path, without keyword handling), as a row read from
        the database would be: a batch builds a thousand of them.
        """
        reported_at = reg.reported_at or self.now
        address_text = reg.address.strip()
        address = self.addresses.get(address_text)
        priority = _raised_priority(reg.priority, risk)
        # deadlines.resolve_deadline and step_due(REGISTERED), with the policies read once per batch.
        policy = self.policies.get((reg.kind, priority), deadlines.FALLBACK)
        reference = f"{self.station.code.upper()}-{reported_at:%Y}-{pk:06d}"
        external_ref = reg.external_ref.strip()
        description = reg.description.strip()
        place = address.full_text if address is not None else self.places.get(address_text, address_text)
        names = [person.name for person, _role in persons]
        values = {
            "id": pk,
            "station_id": self.station.pk,
            "reference": reference,
            "external_ref": external_ref,
            "kind": reg.kind,
            "channel": reg.channel,
            "category_id": self.categories[reg.category].pk,
            "priority": priority,
            "description": description,
            "address_id": address.pk if address is not None else None,
            "address_text": address_text,
            "latitude": reg.latitude or (address.latitude if address is not None else None),
            "longitude": reg.longitude or (address.longitude if address is not None else None),
            "grid_id": address.grid_id if address is not None else None,
            "owner_id": None,
            "team_id": reg.team_id,
            "registered_by_id": self.actor.pk if self.actor is not None else None,
            "reported_at": reported_at,
            "created_at": self.now,
            "stage": Stage.REGISTERED,
            "stage_changed_at": self.now,
            "step_due_at": reported_at + dt.timedelta(minutes=policy.accept_minutes),
            "due_at": reg.due_at or reported_at + dt.timedelta(minutes=policy.resolve_minutes),
            "due_reason": reg.due_reason.strip(),
            "outcome_id": None,
            "satisfaction": "",
            "merged_into_id": None,
            "transferred_to": "",
            "extra": reg.extra,
        }
        matter = _built(Matter, values, self.alias)
        # The related objects the receivers and callers use, without a query each.
        Matter.station.field.set_cached_value(matter, self.station)
        Matter.category.field.set_cached_value(matter, self.categories[reg.category])
        Matter.address.field.set_cached_value(matter, address)
        matter.search_doc = matter_document(matter, place, names)
        return matter


_M = TypeVar("_M", bound=Model)


def _built(model: type[_M], values: dict[str, Any], alias: str) -> _M:
    """A model object holding `values` (every concrete field, by attname), as if read from the database.

    Model.__init__ sets each field through its descriptor and sends pre_init/post_init (no receivers for these
    models): for a batch's thousands of matters and persons that cost more than their INSERT. A new object has
    no cached relations for the descriptors to clear, so the values go straight into its __dict__. `alias` is
    the connection's, read once by the caller (each read goes through a thread-local).
    """
    obj = model.__new__(model)
    obj.__dict__.update(values)
    obj._state = state = ModelState()
    state.adding, state.db = False, alias
    return obj


def _record_risks(station: Station, matters: list[Matter], risks: list[Assessment]) -> None:
    """_record_risk for the batch: an assessment row per matter, the chiefs told of each high one."""
    now = timezone.now()
    explained: dict[int, str] = {}  # one JSON text per distinct assessment: identical descriptions share theirs
    rows = []
    for matter, risk in zip(matters, risks, strict=True):
        if id(risk) not in explained:
            explained[id(risk)] = json.dumps(risk.explanations, ensure_ascii=False)
        rows.append([matter.pk, risk.level, risk.score, explained[id(risk)], now, risk.lexicon_version])
    columns = ["matter_id", "level", "score", "explanations", "assessed_at", "lexicon_version"]
    _insert_rows(RiskAssessment, columns, rows, ready={"explanations"})
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
    if reg.kind not in _KINDS or reg.channel not in _CHANNELS or reg.priority not in _PRIORITIES:
        _validate(reg)
    if not reg.description.strip() or any(p.role not in _ROLES or not p.name.strip() for p in reg.parties):
        _validate(reg)
    for party in reg.parties:
        if party.id_number and not idnumber.is_valid(party.id_number):
            raise DomainError(
                "invalid", _("“%(value)s” is not a valid 18-digit ID number.") % {"value": party.id_number}, "id_number"
            )


def _standard_addresses(
    station: Station, regs: Sequence[Registration], resolved: Mapping[str, AddressOutcome]
) -> tuple[dict[str, StandardAddress], dict[str, tuple[str, ...]]]:
    """_link_standard_address for a batch: each distinct text resolved once, the matched addresses read in one
    query, the unmatched proposed for review in one insert. Keyed by the stripped text: the matched addresses,
    and the search tokens of the unmatched texts."""
    texts = {reg.address.strip() for reg in regs} - {""}
    outcomes = [resolved.get(text) or outcome_of(resolve_address(station, text)) for text in sorted(texts)]
    propose_outcomes(outcomes)
    ids = {outcome.address_id for outcome in outcomes if outcome.address_id is not None}
    found = StandardAddress.objects.in_bulk(ids) if ids else {}
    addresses = {o.text: found[o.address_id] for o in outcomes if o.address_id is not None and o.address_id in found}
    return addresses, {o.text: o.tokens for o in outcomes if o.address_id is None}


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
    """INSERT model objects with one executemany, all their concrete fields, ids included."""
    if objs:
        columns = [f.attname for f in objs[0]._meta.concrete_fields]
        _insert_rows(type(objs[0]), columns, ([obj.__dict__[name] for name in columns] for obj in objs))


def _insert_rows(
    model: type[Model], columns: list[str], rows: Iterable[list[Any]], ready: frozenset[str] | set[str] = frozenset()
) -> None:
    """INSERT plain rows (values of the fields named by attname, in that order) with one executemany.

    bulk_create builds model objects, compiles a multi-row statement field by field and splits it at SQLite's
    parameter limit; for thousands of rows that costs several times the insert itself. Here only the values the
    driver cannot take as they are (datetimes, JSON; not the columns named `ready`) are converted, and each
    distinct datetime once (a batch shares its `now`). Fields not named take no value: the caller names every
    column without a database default.
    """
    fields_by_name = {f.attname: f for f in model._meta.concrete_fields}
    fields = [fields_by_name[name] for name in columns]
    converters = [(i, _converter(f)) for i, f in enumerate(fields) if f.attname not in ready]
    convert = [(i, c) for i, c in converters if c is not None]
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(connection.ops.quote_name(f.column) for f in fields)})"
        f" VALUES ({', '.join(['%s'] * len(fields))})"
    )
    params = []
    for row in rows:
        for i, to_db in convert:
            if row[i] is not None:
                row[i] = to_db(row[i])
        params.append(row)
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)


def _converter(field: Field[Any, Any]) -> Callable[[Any], Any] | None:
    """How a value of the field becomes the driver's, as get_db_prep_save would; None when it needs nothing."""
    kind = field.get_internal_type()
    if kind in _PLAIN_TYPES or kind == "DecimalField":  # both backends take a Decimal as it is
        return None
    if kind == "DateTimeField" and connection.vendor == "sqlite" and settings.USE_TZ:
        # Django's SQLite adapter in short (make_naive in the connection's zone, then str): a third of the time.
        zone, texts = connection.timezone, dict[dt.datetime, Any]()

        def to_sqlite(value: dt.datetime) -> Any:
            # Once per distinct instant: a batch's rows share `now`, and its events repeat the reported times.
            if value not in texts:
                texts[value] = str(value.astimezone(zone).replace(tzinfo=None)) if value.tzinfo else value
            return texts[value]

        return to_sqlite
    if kind == "JSONField" and connection.vendor == "sqlite" and field.encoder is None:  # type: ignore[attr-defined]
        return json.dumps  # what Django's SQLite backend stores (adapt_json_value), without its three calls a value
    return lambda value: field.get_db_prep_save(value, connection)


def _people_of(station: Station, regs: Sequence[Registration]) -> list[list[tuple[Person, str]]]:
    """find_or_create_person for every party of the batch: one person per valid ID number, new ones otherwise.

    A person first seen in this batch takes the name and phone of the first party that names them, as the
    first register() would have.
    """
    numbers = {idnumber.normalize(p.id_number) for reg in regs for p in reg.parties if p.id_number}
    # Without an empty ID excluded, SQLite cannot use the partial unique index and reads every person of the station.
    known = Person.objects.filter(station=station, id_number__in=numbers).exclude(id_number="") if numbers else []
    by_id = {p.id_number: p for p in known}
    fresh: list[Person] = []
    alias = connection.alias
    people: list[list[tuple[Person, str]]] = []
    for reg in regs:
        persons = []
        for party in reg.parties:
            number = idnumber.normalize(party.id_number) if party.id_number else ""
            person = by_id.get(number) if number else None
            if person is None:
                person = _built(Person, _person_values(station, party.name, party.phone, number), alias)
                fresh.append(person)
                if number:
                    by_id[number] = person
            persons.append((person, party.role))
        people.append(persons)
    for person, pk in zip(fresh, _next_ids(Person, len(fresh)), strict=True):
        person.pk = pk
    _insert(fresh)
    return people


def _person_values(station: Station, name: str, phone: str, number: str) -> dict[str, Any]:
    """A new person's fields (its id is reserved later), as find_or_create_person would create it."""
    return {"id": None, "station_id": station.pk, "name": name.strip(), "phone": phone.strip(),
            "id_number": number, "note": ""}  # fmt: skip


def _party_rows(matters: list[Matter], people: list[list[tuple[Person, str]]]) -> list[list[Any]]:
    """(matter, person, role) once each, as register()'s get_or_create leaves them."""
    parties: dict[tuple[int, int, str], None] = {}
    for matter, persons in zip(matters, people, strict=True):
        for person, role in persons:
            parties.setdefault((matter.pk, person.pk, role), None)
    return [list(key) for key in parties]


def _registration_event_fields(matter: Matter, actor: User | None, reg: Registration) -> dict[str, Any]:
    """The first event of every matter (from no stage to registered), for one matter or a batch."""
    return {
        "matter_id": matter.pk,
        "from_stage": "",
        "to_stage": Stage.REGISTERED,
        "actor_id": actor.pk if actor is not None else None,
        "at": matter.reported_at,
        "note": reg.note.strip(),
        "data": {"channel": reg.channel},
    }
