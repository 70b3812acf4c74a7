"""Addresses proposed as new standard addresses: recorded once, accepted into a StandardAddress, or rejected."""

import json
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.lib.errors import DomainError
from fengqiao.lib.textsearch import cut
from fengqiao.places.index import StandardFields, standard_fields
from fengqiao.places.models import ProposalStatus, StandardAddressProposal
from fengqiao.places.resolution import AddressResolution
from fengqiao.staff.models import User
from fengqiao.stations.models import CommunityGrid, StandardAddress

KEY_LENGTH = 255


def propose_address(resolution: AddressResolution) -> StandardAddressProposal | None:
    """The pending proposal for an unmatched address, created the first time the address is seen."""
    if not resolution.needs_review:
        return None
    key, text, document = _draft(resolution)
    proposal, _created = StandardAddressProposal.objects.get_or_create(
        station=resolution.station,
        key=key,
        status=ProposalStatus.PENDING,
        defaults={"text": text, "parsed": document},
    )
    return proposal


ProposalRow = tuple[int, str, str, str]  # station id, key, text, the parsed document as JSON


class AddressOutcome(NamedTuple):
    """What registering a batch needs of one address resolution: plain values, cheap to send between processes
    (a tuple: unpickling a frozen dataclass costs several times more).

    An import's reading process resolves each distinct address text of a batch and sends these, so that the
    writing process neither unpickles the parse nor builds the proposal's document (≈ 60 µs an address).
    """

    text: str
    address_id: int | None
    # The search tokens of the text when no standard address matched it (a matched one is searched by the
    # standard address's own text, read with it).
    tokens: tuple[str, ...]
    proposal: ProposalRow | None  # an unmatched address to propose for review


def outcome_of(resolution: AddressResolution) -> AddressOutcome:
    if resolution.address_id is not None:
        return AddressOutcome(resolution.text, resolution.address_id, (), None)
    proposal = _row(resolution) if resolution.needs_review else None
    return AddressOutcome(resolution.text, None, cut(resolution.text), proposal)


def propose_outcomes(outcomes: Iterable[AddressOutcome]) -> int:
    """propose_address for a batch (an import), from its outcomes (`outcome_of`, made by the import's reading
    process): one insert; addresses already pending are left as they are.

    Returns how many distinct addresses of the batch are pending review.
    """
    rows: dict[tuple[int, str], ProposalRow] = {}
    for outcome in outcomes:
        if outcome.proposal is not None:
            rows.setdefault(outcome.proposal[:2], outcome.proposal)
    _insert_pending(list(rows.values()))
    return len(rows)


def _insert_pending(rows: list[ProposalRow]) -> None:
    """bulk_create(ignore_conflicts=True) as one executemany: for an import's thousand unknown addresses a batch,
    building bulk_create's statement cost more than parsing them. Conflicts are the pending ones already there."""
    if not rows:
        return
    meta = StandardAddressProposal._meta
    created_at = meta.get_field("created_at")
    now = created_at.get_db_prep_save(timezone.now(), connection)
    columns = ", ".join(connection.ops.quote_name(c) for c in ("station_id", "key", "text", "parsed", "status"))
    document = "%s::jsonb" if connection.vendor == "postgresql" else "%s"  # the JSON comes as text
    sql = (
        f"INSERT INTO {meta.db_table} ({columns}, created_at, reason) VALUES (%s, %s, %s, {document}, %s, %s, '')"
        " ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*row, ProposalStatus.PENDING, now) for row in rows])


def _row(resolution: AddressResolution) -> ProposalRow:
    key, text, document = _draft(resolution)
    # Unescaped: the document is mostly Chinese, and \uXXXX would double its size on disk. Both databases read
    # it as the same JSON value the field would have written.
    return (resolution.station.pk, key, text, json.dumps(document, ensure_ascii=False))


def _draft(resolution: AddressResolution) -> tuple[str, str, dict[str, Any]]:
    """The proposal's key, text and parsed document. Plain values, no model object: an import drafts one per
    unknown address, and Model.__init__ with asdict cost more than the parse."""
    parsed = resolution.parsed
    standard = dict(vars(standard_fields(parsed)))  # asdict without its deep copy: every field is a str, int or None
    document = {**parsed.to_dict(), "standard": standard, "confidence": resolution.confidence}
    return parsed.normalized[:KEY_LENGTH], resolution.text[:KEY_LENGTH], document


def accept_proposal(proposal_id: int, actor: User) -> StandardAddress:
    """Create the standard address the proposal describes (or link the one that exists by now) and close it."""
    with transaction.atomic():
        proposal = _pending_for(proposal_id, actor)
        fields = StandardFields(**proposal.parsed["standard"])
        address = _standard_address(proposal, fields)
        proposal.address = address
        _decide(proposal, actor, ProposalStatus.ACCEPTED, "", ["address"])
    return address


def reject_proposal(proposal_id: int, actor: User, reason: str) -> StandardAddressProposal:
    if not reason.strip():
        raise DomainError("required", _("Give the reason for rejecting this address."), "reason")
    with transaction.atomic():
        proposal = _pending_for(proposal_id, actor)
        _decide(proposal, actor, ProposalStatus.REJECTED, reason.strip(), [])
    return proposal


def may_review(actor: User, proposal: StandardAddressProposal) -> bool:
    """Standard addresses are police records (一标三实): a sworn officer of the station decides."""
    return actor.is_active and actor.is_sworn and actor.station_id == proposal.station_id


def _pending_for(proposal_id: int, actor: User) -> StandardAddressProposal:
    proposal = StandardAddressProposal.objects.select_for_update().filter(pk=proposal_id).first()
    if proposal is None or actor.station_id != proposal.station_id:
        raise DomainError("not_found", _("No such proposed address."), status=404)
    if not may_review(actor, proposal):
        raise DomainError(
            "forbidden", _("Only a sworn officer of the station decides on standard addresses."), status=403
        )
    if proposal.status != ProposalStatus.PENDING:
        raise DomainError(
            "conflict",
            _("This address was already %(status)s.") % {"status": proposal.get_status_display().lower()},
            status=409,
        )
    return proposal


def _decide(proposal: StandardAddressProposal, actor: User, status: str, reason: str, fields: list[str]) -> None:
    proposal.status, proposal.decided_by, proposal.decided_at, proposal.reason = status, actor, timezone.now(), reason
    proposal.save(update_fields=["status", "decided_by", "decided_at", "reason", *fields])


def _standard_address(proposal: StandardAddressProposal, fields: StandardFields) -> StandardAddress:
    community = proposal.station.communities.filter(pk=fields.community_id).first() if fields.community_id else None
    address = StandardAddress(
        station=proposal.station,
        community=community,
        estate=fields.estate,
        building=fields.building,
        unit=fields.unit,
        room=fields.room,
        remainder=fields.remainder,
    )
    _check_lengths(address)
    existing = StandardAddress.objects.filter(station=proposal.station, full_text=address.compose()).first()
    if existing is not None:
        return existing
    address.grid = _grid_of(address)
    address.save()
    return address


def _check_lengths(address: StandardAddress) -> None:
    for name in ("estate", "building", "unit", "room", "remainder"):
        field = StandardAddress._meta.get_field(name)
        assert isinstance(field, models.CharField) and field.max_length is not None
        if len(getattr(address, name)) > field.max_length:
            raise DomainError(
                "invalid",
                _("The %(field)s of this address is longer than %(limit)d characters.")
                % {"field": field.verbose_name, "limit": field.max_length},
                name,
            )


def _grid_of(address: StandardAddress) -> CommunityGrid | None:
    """The one grid of the building's other addresses, else of the community's; None when they differ."""
    if address.community is None:
        return None
    siblings = StandardAddress.objects.filter(station=address.station, community=address.community).exclude(grid=None)
    groups = [siblings.filter(building=address.building)] if address.building else []
    for group in [*groups, siblings]:
        grids = set(group.values_list("grid_id", flat=True))
        if len(grids) == 1:
            return CommunityGrid.objects.filter(pk=grids.pop()).first()
    return None
