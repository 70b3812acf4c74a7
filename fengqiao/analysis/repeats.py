"""Repeat calls (重复警情): calls of one station about the same place or people within a window.

At registration (the `matter_registered` signal) or after an import (`check_repeats_for`), a matter is compared with
the earlier matters of its station within the window of its category (RepeatWindow, longest prefix wins): the
same standard address, the same phone of a party, the same person, or the same pair of persons in any roles.

Keys are tried from the most specific (a pair) to the least (an address). For each key that links the matter:
- the key's open group (its last call within the window) gets the matter;
- else a group that already holds the linked calls gets it (one story, one group, however many reasons);
- else, at the threshold (3 calls counting this one), a new group for the key is formed with all of them.
A new group notifies the station's chiefs once; a dispute call records its group's mediation proposal or joins it.

The batch ranking of the same keys over a period is `fengqiao.analysis.repeat_ranking`, computed in SQL.
"""

import datetime as dt
import hashlib
import hmac
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fengqiao.analysis import mediation_proposals, sql
from fengqiao.analysis.models import (
    DEFAULT_MIN_CALLS,
    DEFAULT_WINDOW_DAYS,
    MediationProposal,
    RepeatGroup,
    RepeatMembership,
    RepeatReason,
    RepeatWindow,
)
from fengqiao.codes.models import Code
from fengqiao.lib.masking import mask_phone
from fengqiao.matters.models import Matter, Party, Stage
from fengqiao.notifications.domain import notify_after_commit
from fengqiao.notifications.models import Notification
from fengqiao.people.models import Person
from fengqiao.staff.models import Role, User

REASON_ORDER = list(RepeatReason)
# Set by checks_deferred(): registrations queue their matter here instead of being checked one by one.
_deferred: ContextVar[list[Matter] | None] = ContextVar("repeat_checks_deferred", default=None)


@dataclass(frozen=True)
class Window:
    days: int = DEFAULT_WINDOW_DAYS
    min_calls: int = DEFAULT_MIN_CALLS


@dataclass(frozen=True)
class Key:
    reason: RepeatReason
    value: str
    label: str  # what the group is about, for people: an address, a masked phone, names — never a full number


@dataclass
class Links:
    """The earlier matters in the window, per key of the new matter, and when each was reported."""

    by_key: dict[Key, set[int]] = field(default_factory=dict)
    reported: dict[int, dt.datetime] = field(default_factory=dict)

    def add(self, key: Key, matter_id: int, at: dt.datetime) -> None:
        self.by_key.setdefault(key, set()).add(matter_id)
        self.reported[matter_id] = at

    def reasons_of(self, matter_ids: set[int]) -> list[str]:
        """The reasons linking the new matter to any of these matters, in the order of RepeatReason."""
        found = {key.reason for key, ids in self.by_key.items() if ids & matter_ids}
        return [reason.value for reason in REASON_ORDER if reason in found]


# ---- windows ----------------------------------------------------------------------------------------------------


WindowRow = tuple[int | None, str, int, int]  # station id (None: every station), prefix, days, min calls


def window_rows(station_id: int) -> list[WindowRow]:
    return list(
        RepeatWindow.objects.filter(Q(station_id=station_id) | Q(station__isnull=True)).values_list(
            "station_id", "category_prefix", "window_days", "min_calls"
        )
    )


def window_for(category_code: str, rows: Sequence[WindowRow]) -> Window:
    """The longest matching category prefix wins; for the same prefix a station's own row wins over a global one."""
    matching = [row for row in rows if category_code.startswith(row[1])]
    if not matching:
        return Window()
    _station, _prefix, days, min_calls = max(matching, key=lambda row: (len(row[1]), row[0] is not None))
    return Window(days, min_calls)


# ---- keys and links ---------------------------------------------------------------------------------------------


def phone_key(phone: str) -> str:
    # Keyed, so that the group table never holds a number; a new SECRET_KEY only starts new episodes.
    return _phone_key(phone, settings.SECRET_KEY)


@lru_cache(maxsize=16384)
def _phone_key(phone: str, secret: str) -> str:
    """Memoised per secret: an HMAC per party of every imported call would cost more than finding its links."""
    return hmac.new(_hmac_key(secret), phone.encode(), hashlib.sha1).hexdigest()[:32]


@lru_cache(maxsize=2)
def _hmac_key(secret: str) -> bytes:
    """django.utils.crypto.salted_hmac's key, derived once per secret instead of once per phone (the same HMAC)."""
    return hashlib.sha1(b"fengqiao.analysis.repeats.phone" + secret.encode()).digest()


@dataclass(frozen=True)
class PartyRow:
    person_id: int
    name: str
    phone: str


def keys_of(matter: Matter, parties: Sequence[PartyRow]) -> list[Key]:
    """The matter's keys, most specific first: pairs, persons, phones, the address."""
    persons = {row.person_id: row for row in parties}
    keys = [
        Key(RepeatReason.SAME_PARTIES, f"{a}-{b}", f"{persons[a].name} & {persons[b].name}")
        for a, b in combinations(sorted(persons), 2)
    ]
    keys += [Key(RepeatReason.SAME_PERSON, str(pid), row.name) for pid, row in sorted(persons.items())]
    phones = sorted({row.phone for row in parties if row.phone})
    keys += [Key(RepeatReason.SAME_PHONE, phone_key(phone), mask_phone(phone)) for phone in phones]
    if matter.address_id is not None:
        keys.append(Key(RepeatReason.SAME_ADDRESS, str(matter.address_id), matter.place))
    return keys


# The lookups of the check run at every registration: plain SQL on the indexes (matter (address, reported_at),
# party (person), person (phone)), because building the equivalent ORM queries costs more than running them.
MATTER, PARTY, PERSON = Matter._meta.db_table, Party._meta.db_table, Person._meta.db_table
MEMBER, GROUP = RepeatMembership._meta.db_table, RepeatGroup._meta.db_table
PROPOSAL, USER = MediationProposal._meta.db_table, User._meta.db_table
CODE = Code._meta.db_table
# `+m.station_id`, `+pe.station_id`: the unary plus keeps SQLite from reading the station's index (all its matters
# or persons in the window) instead of the key's, when it has no statistics (no ANALYZE) to choose by.
IN_WINDOW = "m.reported_at >= %s AND m.reported_at <= %s AND +m.station_id = %s AND m.id <> %s AND m.stage <> %s"


def _party_rows(matter: Matter) -> list[PartyRow]:
    query = (
        f"SELECT p.person_id, pe.name, pe.phone FROM {PARTY} p JOIN {PERSON} pe ON pe.id = p.person_id"
        " WHERE p.matter_id = %s"
    )
    return [PartyRow(pid, name, phone.strip()) for pid, name, phone in sql.rows(query, [matter.pk])]


def _window_params(matter: Matter, window: Window) -> list[object]:
    """The matters of the station reported in the window up to this one, itself and merged duplicates excluded."""
    since = matter.reported_at - dt.timedelta(days=window.days)
    return [sql.db_datetime(since), sql.db_datetime(matter.reported_at), matter.station_id, matter.pk, Stage.MERGED]


def find_links(matter: Matter, parties: Sequence[PartyRow], keys: Sequence[Key], window: Window) -> Links:
    """At most three indexed queries: by address, by person ids, by phones."""
    links = Links()
    index = {(key.reason, key.value): key for key in keys}
    in_window = _window_params(matter, window)
    if matter.address_id is not None:
        address_key = index[(RepeatReason.SAME_ADDRESS, str(matter.address_id))]
        query = f"SELECT m.id, m.reported_at FROM {MATTER} m WHERE m.address_id = %s AND {IN_WINDOW}"
        for pk, at in sql.rows(query, [matter.address_id, *in_window]):
            links.add(address_key, pk, sql.from_db_datetime(at))
    person_ids = sorted({row.person_id for row in parties})
    if person_ids:
        _link_persons(links, person_ids, in_window, index)
    phones = sorted({row.phone for row in parties if row.phone})
    if phones:
        query = (
            f"SELECT p.matter_id, pe.phone, m.reported_at FROM {PERSON} pe JOIN {PARTY} p ON p.person_id = pe.id"
            f" JOIN {MATTER} m ON m.id = p.matter_id"
            f" WHERE pe.phone IN ({sql.placeholders(phones)}) AND +pe.station_id = %s AND {IN_WINDOW}"
        )
        for pk, phone, at in sql.rows(query, [*phones, matter.station_id, *in_window]):
            links.add(index[(RepeatReason.SAME_PHONE, phone_key(phone))], pk, sql.from_db_datetime(at))
    return links


def _link_persons(
    links: Links, person_ids: list[int], in_window: list[object], index: dict[tuple[RepeatReason, str], Key]
) -> None:
    """Same person, and same pair: two of the matter's persons on one earlier matter, in whatever roles."""
    query = (
        f"SELECT p.matter_id, p.person_id, m.reported_at FROM {PARTY} p JOIN {MATTER} m ON m.id = p.matter_id"
        f" WHERE p.person_id IN ({sql.placeholders(person_ids)}) AND {IN_WINDOW}"
    )
    persons_of: dict[int, set[int]] = defaultdict(set)
    for pk, person_id, at in sql.rows(query, [*person_ids, *in_window]):
        links.add(index[(RepeatReason.SAME_PERSON, str(person_id))], pk, sql.from_db_datetime(at))
        persons_of[pk].add(person_id)
    for pk, persons in persons_of.items():
        for a, b in combinations(sorted(persons), 2):
            links.add(index[(RepeatReason.SAME_PARTIES, f"{a}-{b}")], pk, links.reported[pk])


def _party_rows_of(matter_ids: Sequence[int]) -> dict[int, list[PartyRow]]:
    """_party_rows for many matters: one query per thousand."""
    found: dict[int, list[PartyRow]] = {pk: [] for pk in matter_ids}
    for chunk in _chunks(sorted(matter_ids)):
        query = (
            f"SELECT p.matter_id, p.person_id, pe.name, pe.phone FROM {PARTY} p JOIN {PERSON} pe ON pe.id = p.person_id"
            f" WHERE p.matter_id IN ({sql.placeholders(chunk)})"
        )
        for matter_id, pid, name, phone in sql.rows(query, chunk):
            found[matter_id].append(PartyRow(pid, name, phone.strip()))
    return found


def _chunks(values: Sequence[Any], size: int = 900) -> Iterator[list[Any]]:
    """Lists of at most `size` values: IN lists stay under every SQLite's parameter limit."""
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


Hit = tuple[int, dt.datetime]  # an earlier matter's id and when it was reported


@dataclass
class _BatchLinks:
    """The calls of a batch's keys within the union of its windows, read with one query per key kind."""

    by_address: dict[int, list[Hit]]
    by_person: dict[int, list[Hit]]
    by_phone: dict[str, list[Hit]]

    @classmethod
    def read(
        cls, keyed: Sequence[tuple[Matter, list[Key], Window]], parties: dict[int, list[PartyRow]]
    ) -> "_BatchLinks":
        first = keyed[0][0]
        since = min(matter.reported_at - dt.timedelta(days=window.days) for matter, _keys, window in keyed)
        until = max(matter.reported_at for matter, _keys, _window in keyed)
        span = [sql.db_datetime(since), sql.db_datetime(until), first.station_id, Stage.MERGED]
        addresses = sorted({matter.address_id for matter, _k, _w in keyed if matter.address_id is not None})
        persons = sorted({row.person_id for rows in parties.values() for row in rows})
        phones = sorted({row.phone for rows in parties.values() for row in rows if row.phone})
        return cls(
            _hits(
                f"SELECT m.address_id, m.id, m.reported_at FROM {MATTER} m WHERE m.address_id IN ({{}})",
                addresses,
                span,
            ),
            # CROSS JOIN: from the parties of these persons (a few rows) to their matters, never the other way round
            # from all the station's matters in the window (SQLite would otherwise pick the time index).
            _hits(
                f"SELECT p.person_id, m.id, m.reported_at FROM {PARTY} p CROSS JOIN {MATTER} m"
                " WHERE m.id = p.matter_id AND p.person_id IN ({})",
                persons,
                span,
            ),
            _hits(
                f"SELECT pe.phone, m.id, m.reported_at FROM {PERSON} pe CROSS JOIN {PARTY} p CROSS JOIN {MATTER} m"
                f" WHERE p.person_id = pe.id AND m.id = p.matter_id AND +pe.station_id = {int(first.station_id)}"
                " AND pe.phone IN ({})",
                phones,
                span,
            ),
        )

    def links_of(self, matter: Matter, parties: Sequence[PartyRow], keys: Sequence[Key], window: Window) -> Links:
        """find_links for one matter of the batch, from the rows read for all of them."""
        links = Links()
        index = {(key.reason, key.value): key for key in keys}
        since, until = matter.reported_at - dt.timedelta(days=window.days), matter.reported_at

        def within(hits: list[Hit]) -> Iterator[Hit]:
            return ((pk, at) for pk, at in hits if pk != matter.pk and since <= at <= until)

        if matter.address_id is not None:
            address_key = index[(RepeatReason.SAME_ADDRESS, str(matter.address_id))]
            for pk, at in within(self.by_address.get(matter.address_id, [])):
                links.add(address_key, pk, at)
        persons_of: dict[int, set[int]] = defaultdict(set)
        for person_id in sorted({row.person_id for row in parties}):
            for pk, at in within(self.by_person.get(person_id, [])):
                links.add(index[(RepeatReason.SAME_PERSON, str(person_id))], pk, at)
                persons_of[pk].add(person_id)
        for pk, persons in persons_of.items():
            for a, b in combinations(sorted(persons), 2):
                links.add(index[(RepeatReason.SAME_PARTIES, f"{a}-{b}")], pk, links.reported[pk])
        for phone in sorted({row.phone for row in parties if row.phone}):
            for pk, at in within(self.by_phone.get(phone, [])):
                links.add(index[(RepeatReason.SAME_PHONE, phone_key(phone))], pk, at)
        return links


def _hits(select: str, values: Sequence[Any], span: list[object]) -> dict[Any, list[Hit]]:
    """Rows (key value, matter id, reported at) of `select` for these values, in the span, merged ones left out."""
    found: dict[Any, list[Hit]] = defaultdict(list)
    for chunk in _chunks(values):
        query = (
            select.format(sql.placeholders(chunk))
            + " AND m.reported_at >= %s AND m.reported_at <= %s AND +m.station_id = %s AND m.stage <> %s"
        )
        for value, pk, at in sql.rows(query, [*chunk, *span]):
            found[value].append((pk, sql.from_db_datetime(at)))
    return found


# ---- groups -----------------------------------------------------------------------------------------------------


@dataclass
class Check:
    """One matter's check: what it is linked to and the groups it has joined so far."""

    matter: Matter
    window: Window
    links: Links
    dispute: bool
    # Open groups holding any of the linked matters, with those of them they hold; grows as groups are formed.
    known: dict[int, tuple[RepeatGroup, set[int]]] = field(default_factory=dict)
    joined: dict[int, RepeatGroup] = field(default_factory=dict)
    created: list[RepeatGroup] = field(default_factory=list)
    # The proposal (or None) of every known group, by group id.
    proposals: dict[int, MediationProposal | None] = field(default_factory=dict)
    person_ids: set[int] = field(default_factory=set)

    def open_group(self, key: Key) -> RepeatGroup | None:
        """The key's own open group. It holds a linked call (its last call is in the window), so it is known."""
        own = [
            group for group, _ in self.known.values() if (group.key_kind, group.key_value) == (key.reason, key.value)
        ]
        return max(own, key=lambda group: group.episode, default=None)

    def covering(self, found: set[int]) -> RepeatGroup | None:
        """A group already holding all these calls, preferring one this matter has joined."""
        holding = [group for group, members in self.known.values() if found <= members]
        return min(holding, key=lambda group: (group.pk not in self.joined, group.pk), default=None)


def on_matter_registered(sender: object, matter: Matter, **kwargs: object) -> None:
    """Receiver of `matter_registered`, inside the registration's transaction."""
    queue = _deferred.get()
    if queue is not None:
        queue.append(matter)
    else:
        check_repeats(matter)


@contextmanager
def checks_deferred() -> Iterator[None]:
    """Registrations inside only queue their check; on leaving (without an error) the queue is checked at once,
    oldest call first, by `check_repeats_for`. For importers whose batch is not in the order of the calls.
    """
    queue: list[Matter] = []
    token = _deferred.set(queue)
    try:
        yield
    finally:
        _deferred.reset(token)
    check_repeats_for(queue)


def check_repeats(matter: Matter, windows: Sequence[WindowRow] | None = None) -> list[RepeatGroup]:
    """Link a newly registered matter to its repeat groups, forming one at the threshold; the groups it is in.

    Runs inside the caller's transaction (registration's, or the importer's batch). Parties must be saved.
    """
    parties = _party_rows(matter)
    keys = keys_of(matter, parties)
    window = window_for(matter.category.code, window_rows(matter.station_id) if windows is None else windows)
    links = find_links(matter, parties, keys, window)
    return _place_linked(matter, parties, keys, window, links)


def _place_linked(
    matter: Matter, parties: Sequence[PartyRow], keys: Sequence[Key], window: Window, links: Links
) -> list[RepeatGroup]:
    if not links.reported:
        return []  # the common case: the lookups found nothing, and nothing else is read
    check = Check(matter, window, links, mediation_proposals.is_dispute(matter.kind, matter.category.code))
    check.person_ids = {row.person_id for row in parties}
    check.known = _open_groups_holding(check)
    for key in keys:
        _place(check, key)
    _after_forming(check)
    return list(check.joined.values())


def check_repeats_for(matters: Sequence[Matter]) -> int:
    """Check a batch of newly imported matters, oldest call first; call it once per batch, inside its transaction.

    Parties must be saved before. Each matter only looks back, so checking in the order of the calls finds the same
    groups as registering them one by one. Returns how many groups were formed or joined.

    Set-based: the batch's parties are read in one query and its links in one query per key kind (address, person,
    phone) for the whole batch, over the union of the matters' windows; each matter then keeps the rows inside its
    own window. Only the matters linked to something go on to the groups, one by one in the order of the calls, so
    that a group formed by an earlier call of the batch is joined by a later one.
    """
    ordered = sorted(matters, key=lambda matter: (matter.reported_at, matter.pk))
    total = 0
    with transaction.atomic():
        for station_id in sorted({matter.station_id for matter in ordered}):
            of_station = [matter for matter in ordered if matter.station_id == station_id]
            total += _check_station_batch(of_station, window_rows(station_id))
    return total


def _check_station_batch(matters: list[Matter], windows: Sequence[WindowRow]) -> int:
    parties = _party_rows_of([matter.pk for matter in matters])
    window_of: dict[int, Window] = {}  # by category id: a batch has a handful
    for matter in matters:
        if matter.category_id not in window_of:
            window_of[matter.category_id] = window_for(matter.category.code, windows)
    keyed = [(matter, keys_of(matter, parties[matter.pk]), window_of[matter.category_id]) for matter in matters]
    candidates = _BatchLinks.read(keyed, parties)
    total = 0
    for matter, keys, window in keyed:
        links = candidates.links_of(matter, parties[matter.pk], keys, window)
        total += len(_place_linked(matter, parties[matter.pk], keys, window, links))
    return total


GROUP_FIELDS = ["id", "station_id", "key_kind", "key_value", "episode", "label", "window_days", "count", "first_at"]
GROUP_FIELDS += ["last_at", "created_at"]


def _open_groups_holding(check: Check) -> dict[int, tuple[RepeatGroup, set[int]]]:
    """Open groups that hold any of the linked matters, with which of them they hold, and their proposals: one query."""
    linked = sorted(check.links.reported)
    since = check.matter.reported_at - dt.timedelta(days=check.window.days)
    columns = ", ".join(f"g.{name}" for name in GROUP_FIELDS)
    # From the memberships of the linked calls (a few rows), never from the station's open groups (thousands):
    # CROSS JOIN fixes that order in SQLite, whatever its statistics say. PostgreSQL plans it the same by itself.
    query = (
        f"SELECT mem.matter_id, pr.id, pr.stage, {columns} FROM {MEMBER} mem CROSS JOIN {GROUP} g"
        f" LEFT JOIN {PROPOSAL} pr ON pr.group_id = g.id"
        f" WHERE g.id = mem.group_id AND mem.matter_id IN ({sql.placeholders(linked)})"
        " AND g.station_id = %s AND g.last_at >= %s"
    )
    known: dict[int, tuple[RepeatGroup, set[int]]] = {}
    for matter_id, proposal_id, stage, *values in sql.rows(
        query, [*linked, check.matter.station_id, sql.db_datetime(since)]
    ):
        if values[0] not in known:
            group = RepeatGroup.from_db(connection.alias, GROUP_FIELDS, _group_values(values))
            known[group.pk] = (group, set())
            proposal = MediationProposal(pk=proposal_id, stage=stage, group=group) if proposal_id else None
            check.proposals[group.pk] = proposal
        known[values[0]][1].add(matter_id)
    return known


def _group_values(values: list[Any]) -> list[Any]:
    # Raw rows skip the backend's converters: the datetimes may come back as text.
    *head, first_at, last_at, created_at = values
    return [*head, sql.from_db_datetime(first_at), sql.from_db_datetime(last_at), sql.from_db_datetime(created_at)]


def _place(check: Check, key: Key) -> None:
    found = check.links.by_key.get(key, set())
    if not found:
        return
    own = check.open_group(key)
    if own is not None:
        _join(check, own)
        return
    if len(found) + 1 < check.window.min_calls:
        return
    # The linked calls already form a group (under another key): one story, one group.
    covering = check.covering(found)
    if covering is not None:
        _join(check, covering)
        return
    _form(check, key, found)


def _join(check: Check, group: RepeatGroup) -> None:
    if group.pk in check.joined:
        return
    matter = check.matter
    members = check.known[group.pk][1] if group.pk in check.known else _member_ids(group)
    reasons = json.dumps(check.links.reasons_of(members))
    now = sql.db_datetime(timezone.now())
    columns = ["group_id", "matter_id", "reasons", "joined_at"]
    if sql.insert_ignoring(MEMBER, columns, [[group.pk, matter.pk, reasons, now]], ["group_id", "matter_id"]):
        at = sql.db_datetime(matter.reported_at)
        sql.execute(
            f"UPDATE {GROUP} SET count = count + 1,"
            " first_at = CASE WHEN first_at > %s THEN %s ELSE first_at END,"
            " last_at = CASE WHEN last_at < %s THEN %s ELSE last_at END WHERE id = %s",
            [at, at, at, at, group.pk],
        )
        # The same change in memory, for the caller and the notice.
        group.count += 1
        group.first_at, group.last_at = min(group.first_at, matter.reported_at), max(group.last_at, matter.reported_at)
    check.joined[group.pk] = group


def _form(check: Check, key: Key, found: set[int]) -> None:
    matter, times = check.matter, check.links.reported
    query = f"SELECT MAX(episode) FROM {GROUP} WHERE station_id = %s AND key_kind = %s AND key_value = %s"
    episode = (sql.rows(query, [matter.station_id, key.reason.value, key.value])[0][0] or 0) + 1
    group = RepeatGroup(
        station_id=matter.station_id,
        key_kind=key.reason.value,
        key_value=key.value,
        episode=episode,
        label=key.label[:255],
        window_days=check.window.days,
        count=len(found) + 1,
        first_at=min(times[pk] for pk in found),
        last_at=max([matter.reported_at, *(times[pk] for pk in found)]),
        created_at=timezone.now(),
    )
    # A plain INSERT that yields nothing when a concurrent check formed this episode first (the unique episode):
    # no savepoint, no ORM on the path that sets the p95 of the check.
    columns = GROUP_FIELDS[1:]
    values = [getattr(group, name) for name in columns]
    inserted = sql.rows(
        f"INSERT INTO {GROUP} ({', '.join(columns)}) VALUES ({sql.placeholders(columns)})"
        " ON CONFLICT (station_id, key_kind, key_value, episode) DO NOTHING RETURNING id",
        [sql.db_datetime(v) if isinstance(v, dt.datetime) else v for v in values],
    )
    if not inserted:
        _join(
            check,
            RepeatGroup.objects.get(
                station_id=matter.station_id, key_kind=key.reason, key_value=key.value, episode=episode
            ),
        )
        return
    group.pk = inserted[0][0]
    group._state.adding = False
    now = sql.db_datetime(timezone.now())
    members = [[group.pk, pk, json.dumps(check.links.reasons_of({pk})), now] for pk in sorted(found)]
    members.append([group.pk, matter.pk, json.dumps(check.links.reasons_of(found)), now])
    sql.insert_ignoring(MEMBER, ["group_id", "matter_id", "reasons", "joined_at"], members, ["group_id", "matter_id"])
    check.joined[group.pk] = group
    check.known[group.pk] = (group, found | {matter.pk})
    check.created.append(group)


def _after_forming(check: Check) -> None:
    """Notify the chiefs once per new group; record or extend a mediation proposal for a dispute."""
    for group in check.created:
        _notify_chiefs(check, group)
    if not check.dispute:
        return
    for group in check.joined.values():
        _propose_mediation(check, group)


def _notify_chiefs(check: Check, group: RepeatGroup) -> None:
    reasons = ", ".join(str(RepeatReason(reason).label) for reason in check.links.reasons_of(check.known[group.pk][1]))
    text = _("%(count)d calls in %(days)d days about %(about)s (%(reasons)s)") % {
        "count": group.count,
        "days": group.window_days,
        "about": group.label,
        "reasons": reasons,
    }
    chiefs = sql.rows(
        f"SELECT id FROM {USER} WHERE station_id = %s AND role = %s AND is_active = %s",
        [group.station_id, Role.CHIEF, True],
    )
    for (chief_id,) in chiefs:
        notify_after_commit(chief_id, check.matter.pk, Notification.Verb.REPEAT_CALLS, text[:255])


def _disputes_among(matter_ids: set[int]) -> set[int]:
    rows = sql.rows(
        f"SELECT m.id, m.kind, c.code FROM {MATTER} m JOIN {CODE} c ON c.id = m.category_id"
        f" WHERE m.id IN ({sql.placeholders(sorted(matter_ids))})",
        sorted(matter_ids),
    )
    return {pk for pk, kind, code in rows if mediation_proposals.is_dispute(kind, code)}


def _member_ids(group: RepeatGroup) -> set[int]:
    return {pk for (pk,) in sql.rows(f"SELECT matter_id FROM {MEMBER} WHERE group_id = %s", [group.pk])}


def _propose_mediation(check: Check, group: RepeatGroup) -> None:
    if group.pk in check.proposals:
        proposal = check.proposals[group.pk]
    elif group in check.created:
        proposal = None
    else:  # joined after a concurrent check formed it
        proposal = mediation_proposals.proposal_of(group)
    if proposal is None:
        members = check.known[group.pk][1] if group in check.created else _member_ids(group)
        # Only the disputes: a place's group also holds its other calls (a fraud, a lost wallet), whose callers
        # are no party to the quarrel and must not be proposed for mediation with it.
        disputes = _disputes_among(members | {check.matter.pk})  # this call is one: never an empty proposal
        mediation_proposals.propose(group, sorted(disputes), at=check.matter.reported_at)
    else:
        mediation_proposals.add_matters(proposal, [check.matter.pk], group, check.person_ids)


# ---- what a matter shows ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberCall:
    matter_id: int
    reference: str
    reported_at: dt.datetime
    is_this: bool


@dataclass(frozen=True)
class RepeatView:
    """A matter's place in one repeat group: "3rd call in 30 days", why, and the other calls."""

    group: RepeatGroup
    reasons: list[str]
    members: list[MemberCall]
    ordinal: int  # calls of the group in the window up to this one, this one included
    proposal: MediationProposal | None

    @property
    def headline(self) -> str:
        values = {"ordinal": english_ordinal(self.ordinal), "n": self.ordinal, "days": self.group.window_days}
        return (
            ngettext("%(ordinal)s call in %(days)d day", "%(ordinal)s call in %(days)d days", self.group.window_days)
            % values
        )

    @property
    def reason_labels(self) -> list[str]:
        return [str(RepeatReason(reason).label) for reason in self.reasons]

    @property
    def matter_ids(self) -> list[int]:
        return [member.matter_id for member in self.members]


def english_ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th … 11th, 12th, 13th, 21st; other languages use %(n)s in their translation."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def repeat_views(matter: Matter) -> list[RepeatView]:
    """The groups of a matter, the largest first, in two queries."""
    memberships = list(
        RepeatMembership.objects.filter(matter_id=matter.pk)
        .select_related("group", "group__proposal")
        .order_by("-group__count", "-group__last_at", "-group_id")
    )
    if not memberships:
        return []
    calls: dict[int, list[MemberCall]] = defaultdict(list)
    rows = (
        RepeatMembership.objects.filter(group_id__in=[m.group_id for m in memberships])
        .order_by("matter__reported_at", "matter_id")
        .values_list("group_id", "matter_id", "matter__reference", "matter__reported_at")
    )
    for group_id, pk, reference, at in rows:
        calls[group_id].append(MemberCall(pk, reference or str(pk), at, pk == matter.pk))
    return [_view(matter, membership, calls[membership.group_id]) for membership in memberships]


def _view(matter: Matter, membership: RepeatMembership, members: list[MemberCall]) -> RepeatView:
    group = membership.group
    since = matter.reported_at - dt.timedelta(days=group.window_days)
    ordinal = sum(1 for call in members if since <= call.reported_at <= matter.reported_at)
    proposal = getattr(group, "proposal", None)  # the reverse one-to-one raises when there is none
    return RepeatView(group, list(membership.reasons), members, ordinal, proposal)
