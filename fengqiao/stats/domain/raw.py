"""The same figures computed directly from the matters and their event rows, without the rollup.

Used to check the rollup (tests, benchmark) and to list the matters behind a figure (the dashboard's
click-through): what a figure counts is exactly what `kpi_matters` returns.
"""

import statistics

from django.db.models import Exists, OuterRef, QuerySet

from fengqiao.matters.models import Matter, MatterEvent, Stage
from fengqiao.stats.domain.figures import Scope, Value, rate
from fengqiao.stats.domain.filters import MATTER, filter_q
from fengqiao.stats.domain.periods import Period
from fengqiao.stats.domain.rollup import SATISFIED, annotated, overdue_q, resolution, whole_hours
from fengqiao.stats.models import Kpi, KpiKind, Measure


def matters_in(scope: Scope, period: Period, matters: QuerySet[Matter] | None = None) -> QuerySet[Matter]:
    start, end = period.bounds()
    found = (matters if matters is not None else Matter.objects.all()).filter(
        station_id__in=scope.station_ids, reported_at__gte=start, reported_at__lt=end
    )
    return found.filter(grid_id=scope.grid_id) if scope.grid_id is not None else found


def kpi_matters(kpi: Kpi, matters: QuerySet[Matter]) -> QuerySet[Matter]:
    """The matters a figure counts: a count's matters, a rate's numerator (the overdue ones, the satisfied …)."""
    found = matters.filter(filter_q(kpi.filter, MATTER))
    if kpi.kind != KpiKind.RATE:
        return found
    return measured(kpi.numerator["measure"], found.filter(filter_q(kpi.numerator.get("filter", {}), MATTER)))


def measured(measure: str, matters: QuerySet[Matter]) -> QuerySet[Matter]:
    if measure == Measure.OVERDUE:
        return Matter.objects.filter(pk__in=annotated(matters).filter(overdue_q()).values("pk"))
    if measure in (Measure.CALLBACKS, Measure.SATISFIED):
        answers = MatterEvent.objects.filter(matter=OuterRef("pk"), to_stage=Stage.CALLED_BACK)
        if measure == Measure.SATISFIED:
            answers = answers.filter(data__satisfaction__in=SATISFIED)
        return matters.filter(Exists(answers))
    return matters


def raw_value(kpi: Kpi, scope: Scope, period: Period) -> Value:
    matters = matters_in(scope, period).filter(filter_q(kpi.filter, MATTER))
    if kpi.kind == KpiKind.COUNT:
        return float(matters.count())
    if kpi.kind == KpiKind.RATE:
        return rate(_count(kpi.numerator, matters), _count(kpi.denominator, matters))
    times = matters.values("reported_at", resolved=resolution(first=True))
    hours = [
        whole_hours(row["reported_at"], row["resolved"])
        for row in times
        if row["resolved"] is not None and row["resolved"] >= row["reported_at"]
    ]
    return float(statistics.median(hours)) if hours else None


def _count(part: dict[str, object], matters: QuerySet[Matter]) -> int:
    spec = part.get("filter", {})
    chosen = matters.filter(filter_q(spec if isinstance(spec, dict) else {}, MATTER))
    measure = part["measure"]
    if measure == Measure.MATTERS:
        return chosen.count()
    if measure == Measure.OVERDUE:
        return annotated(chosen).filter(overdue_q()).count()
    answers = MatterEvent.objects.filter(matter__in=chosen.values("pk"), to_stage=Stage.CALLED_BACK)
    if measure == Measure.SATISFIED:
        answers = answers.filter(data__satisfaction__in=SATISFIED)
    return answers.count()
