"""Mediation figures (调解统计) of a station for a period, counted from the rows: case events, cases, parties, matters.

- Every count is of cases whose *event* falls in the period: opened (the opening event), agreed, partly agreed,
  failed, referred, declined. A case that was partly agreed and then referred counts under both.
- Success rate = agreed ÷ (agreed + partly agreed + failed) of the period. Declined cases never entered
  mediation, and a referral follows an outcome already counted, so neither is in the denominator.
- Days to agreement: from the proposal (the repeat-call proposal's `proposed_at` when the case came from one,
  else the case's opening) to the agreed or partly agreed event; the median of the period's agreements.
- Did it hold? For each case agreed in the period: is there a matter of the station, reported after the agreement
  and within 90 days of it, that has a party of the case? The share of agreements without one "held"; agreements
  younger than 90 days without a repeat call are also reported as still being watched.
- Breakdowns by dispute type, by room (no room: its own row), and by partner (invited partners and the partner
  organisations of the case's mediators; a case with two partners counts under each).

A fixed number of queries, whatever the number of cases; see docs/mediation.md "Figures".
"""

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from fengqiao.analysis.hotspots import Period, period
from fengqiao.analysis.knox import STATION_ZONE
from fengqiao.matters.models import Party, Stage
from fengqiao.mediation.models import Case, CaseEvent, CaseStage, DisputeParty
from fengqiao.staff.models import User
from fengqiao.stations.models import Station

HOLD_DAYS = 90
DAY = 86_400.0
OUTCOMES = (CaseStage.AGREED, CaseStage.PARTLY_AGREED, CaseStage.FAILED)
COUNTED = (CaseStage.PROPOSED, *OUTCOMES, CaseStage.REFERRED, CaseStage.DECLINED)


@dataclass(frozen=True)
class CaseFacts:
    """What the figures need of one case: its keys, when its proposal was made, and its events in the period."""

    case_id: int
    dispute_type: tuple[str, str]  # code, label
    room: tuple[str, str]
    partners: tuple[tuple[str, str], ...]
    proposed_at: dt.datetime
    reached: dict[str, dt.datetime]  # stage → when, for the period's events


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    opened: int
    agreed: int
    partly_agreed: int
    failed: int
    referred: int
    declined: int
    outcomes: int  # agreed + partly agreed + failed: the success rate's denominator
    success_pct: float | None
    median_days_to_agreement: float | None


@dataclass(frozen=True)
class Holding:
    agreements: int
    with_repeat_call: int
    watching: int  # held so far, but the 90 days are not over
    held_pct: float | None  # of the agreements decided: broken by a call, or 90 days over
    window_days: int = HOLD_DAYS


@dataclass(frozen=True)
class MediationFigures:
    period: Period
    total: Row
    by_type: list[Row]
    by_room: list[Row]
    by_partner: list[Row]
    holding: Holding

    @property
    def totals(self) -> list[Row]:
        """The station's row as a table of one (the page draws every table alike)."""
        return [self.total]


def mediation_figures(station_id: int, span: Period, now: dt.datetime) -> MediationFigures:
    start, end = _bounds(span)
    cases = _case_facts(station_id, start, end)
    return MediationFigures(
        period=span,
        total=row_of("station", Station.objects.values_list("name", flat=True).get(pk=station_id), cases),
        by_type=_grouped(cases, lambda case: [case.dispute_type]),
        by_room=_grouped(cases, lambda case: [case.room]),
        by_partner=_grouped(cases, lambda case: list(case.partners)),
        holding=_holding(station_id, cases, now),
    )


def row_of(key: str, label: str, cases: Iterable[CaseFacts]) -> Row:
    counts: dict[str, int] = defaultdict(int)
    days: list[float] = []
    for case in cases:
        for stage, at in case.reached.items():
            counts[stage] += 1
            if stage in (CaseStage.AGREED, CaseStage.PARTLY_AGREED):
                days.append((at - case.proposed_at).total_seconds() / DAY)
    outcomes = sum(counts[stage] for stage in OUTCOMES)
    return Row(
        key=key,
        label=label,
        opened=counts[CaseStage.PROPOSED],
        agreed=counts[CaseStage.AGREED],
        partly_agreed=counts[CaseStage.PARTLY_AGREED],
        failed=counts[CaseStage.FAILED],
        referred=counts[CaseStage.REFERRED],
        declined=counts[CaseStage.DECLINED],
        outcomes=outcomes,
        success_pct=round(100 * counts[CaseStage.AGREED] / outcomes, 1) if outcomes else None,
        median_days_to_agreement=round(statistics.median(days), 1) if days else None,
    )


def _bounds(span: Period) -> tuple[dt.datetime, dt.datetime]:
    """The period's local days as aware instants: from its first midnight to the midnight after its last day."""
    start = dt.datetime.combine(span.start, dt.time(), tzinfo=STATION_ZONE)
    return start, dt.datetime.combine(span.end + dt.timedelta(days=1), dt.time(), tzinfo=STATION_ZONE)


def _case_facts(station_id: int, start: dt.datetime, end: dt.datetime) -> list[CaseFacts]:
    """The station's cases with at least one counted event in the period (three queries)."""
    events = CaseEvent.objects.filter(
        case__station_id=station_id, at__gte=start, at__lt=end, to_stage__in=COUNTED
    ).exclude(Q(to_stage=CaseStage.PROPOSED) & ~Q(from_stage=""))
    reached: dict[int, dict[str, dt.datetime]] = defaultdict(dict)
    for case_id, stage, at in events.order_by("at", "id").values_list("case_id", "to_stage", "at"):
        reached[case_id].setdefault(stage, at)
    cases = Case.objects.filter(pk__in=reached).select_related("dispute__dispute_type", "room", "proposal")
    partners = _partners_of(list(reached))
    return [
        CaseFacts(
            case_id=case.pk,
            dispute_type=(case.dispute.dispute_type.code, case.dispute.dispute_type.label),
            room=(str(case.room_id), case.room.name) if case.room else ("", _("No room")),
            partners=tuple(sorted(partners.get(case.pk, set()), key=lambda p: p[1])) or (("", _("No partner")),),
            proposed_at=case.proposal.proposed_at if case.proposal else case.opened_at,
            reached=reached[case.pk],
        )
        for case in cases.order_by("pk")
    ]


def _partners_of(case_ids: list[int]) -> dict[int, set[tuple[str, str]]]:
    """Invited partners and the partner organisations of the mediators, per case."""
    result: dict[int, set[tuple[str, str]]] = defaultdict(set)
    invited = Case.partners.through.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "partner_id", "partner__name"
    )
    via_mediators = Case.mediators.through.objects.filter(
        case_id__in=case_ids, user__partner__isnull=False
    ).values_list("case_id", "user__partner_id", "user__partner__name")
    for case_id, partner_id, name in [*invited, *via_mediators]:
        result[case_id].add((str(partner_id), name))
    return result


def _grouped(cases: list[CaseFacts], keys: Callable[[CaseFacts], list[tuple[str, str]]]) -> list[Row]:
    groups: dict[tuple[str, str], list[CaseFacts]] = defaultdict(list)
    for case in cases:
        for key in keys(case):
            groups[key].append(case)
    rows = [row_of(key, label, members) for (key, label), members in groups.items()]
    # Most work first; the "no room"/"no partner" row (empty key) last among equals.
    return sorted(rows, key=lambda row: (-row.opened - row.outcomes, row.key == "", row.label))


def _holding(station_id: int, cases: list[CaseFacts], now: dt.datetime) -> Holding:
    agreed = {case.case_id: case.reached[CaseStage.AGREED] for case in cases if CaseStage.AGREED in case.reached}
    if not agreed:
        return Holding(agreements=0, with_repeat_call=0, watching=0, held_pct=None)
    window = dt.timedelta(days=HOLD_DAYS)
    persons: dict[int, set[int]] = defaultdict(set)
    for case_id, person_id in DisputeParty.objects.filter(dispute__case__in=list(agreed)).values_list(
        "dispute__case", "person_id"
    ):
        persons[person_id].add(case_id)
    calls = (
        Party.objects.filter(
            person_id__in=list(persons),
            matter__station_id=station_id,
            matter__reported_at__gt=min(agreed.values()),
            matter__reported_at__lte=max(agreed.values()) + window,
        )
        .exclude(matter__stage=Stage.MERGED)  # a duplicate record of a call, not a call of its own
        .values_list("person_id", "matter__reported_at")
    )
    repeated: set[int] = set()
    for person_id, reported_at in calls:
        for case_id in persons[person_id]:
            if agreed[case_id] < reported_at <= agreed[case_id] + window:
                repeated.add(case_id)
    watching = sum(1 for case_id, at in agreed.items() if case_id not in repeated and at + window > now)
    # Only the agreements whose 90 days are over, or that a new call already broke, have an answer yet.
    decided = len(agreed) - watching
    return Holding(
        agreements=len(agreed),
        with_repeat_call=len(repeated),
        watching=watching,
        held_pct=round(100 * (decided - len(repeated)) / decided, 1) if decided else None,
    )


def period_of(start: dt.date | None, end: dt.date | None, today: dt.date) -> Period:
    """The period asked for; by default the year so far (mediation is slow: a month shows too little)."""
    last = end or today
    return period(start or last.replace(month=1, day=1), last)


def may_see_figures(user: User) -> bool:
    """The station's police: the figures look at the station's matters, which partner mediators never see."""
    return user.is_active and user.is_police
