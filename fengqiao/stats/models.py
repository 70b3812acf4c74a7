"""Statistics: KPI definitions (data, edited in the admin) and the rollups the figures are read from.

The rollups are derived data: `fengqiao.stats.domain.rollup` writes them from matters and their event rows,
after every commit and on `fengqiao stats rebuild`; nothing else does, and deleting them loses nothing.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class KpiKind(models.TextChoices):
    COUNT = "count", _("Count of matters")
    RATE = "rate", _("Rate (per cent)")
    MEDIAN_HOURS = "median_hours", _("Median hours")


class Measure(models.TextChoices):
    """What a rollup row counts; the numerator and denominator of a rate name one of these."""

    MATTERS = "matters", _("Matters reported")
    OVERDUE = "overdue", _("Matters overdue")
    CALLBACKS = "callbacks", _("Callbacks")
    SATISFIED = "satisfied", _("Satisfied callbacks")


# Keys of a KPI filter: every given key must hold (AND); the values of one key are alternatives (OR).
FILTER_KEYS = frozenset(
    {
        "categories",
        "exclude_categories",
        "channels",
        "exclude_channels",
        "kinds",
        "exclude_kinds",
        "outcomes",
        "exclude_outcomes",
    }
)


class Kpi(models.Model):
    """One published figure and the rule that counts it (口径), loaded from data/kpis.json."""

    code = models.SlugField(_("code"), unique=True)
    label_zh = models.CharField(_("Chinese label"), max_length=64)
    label_en = models.CharField(_("English label"), max_length=96)
    kind = models.CharField(_("kind"), max_length=16, choices=KpiKind.choices)
    filter = models.JSONField(
        _("which matters"),
        default=dict,
        blank=True,
        help_text=_("Category code prefixes, channels, kinds and outcome codes to include or exclude."),
    )
    numerator = models.JSONField(_("numerator"), default=dict, blank=True, help_text=_("Rates only"))
    denominator = models.JSONField(_("denominator"), default=dict, blank=True, help_text=_("Rates only"))
    per_10k = models.BooleanField(_("per 10,000 residents"), default=False)
    definition = models.TextField(_("definition"), blank=True, help_text=_("The rule in words, printed in reports"))
    sort = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label_zh}"

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "").startswith("en") else self.label_zh

    def clean(self) -> None:
        errors = kpi_errors(self.kind, self.filter, self.numerator, self.denominator)
        if errors:
            raise ValidationError(errors)


def kpi_errors(kind: str, filter: Any, numerator: Any, denominator: Any) -> list[str]:
    """What is wrong with a KPI definition, in words; empty when it can be counted."""
    errors = _filter_errors(filter, "filter")
    if kind == KpiKind.RATE:
        for name, part in (("numerator", numerator), ("denominator", denominator)):
            if not isinstance(part, dict) or part.get("measure") not in Measure.values:
                errors.append(f"{name}: give a measure, one of {', '.join(Measure.values)}")
            else:
                errors += _filter_errors(part.get("filter", {}), f"{name}.filter")
    elif kind == KpiKind.MEDIAN_HOURS:
        if isinstance(filter, dict) and ({"outcomes", "exclude_outcomes"} & set(filter)):
            errors.append("filter: the time to resolve cannot be filtered by outcome")
    elif kind != KpiKind.COUNT:
        errors.append(f"kind: {kind!r} is not one of {', '.join(KpiKind.values)}")
    return errors


def _filter_errors(filter: Any, where: str) -> list[str]:
    if not isinstance(filter, dict):
        return [f"{where}: give an object"]
    errors = [f"{where}: unknown key {key!r}" for key in filter if key not in FILTER_KEYS]
    for key, values in filter.items():
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            errors.append(f"{where}.{key}: give a list of codes")
    return errors


class RollupDimensions(models.Model):
    """What every rollup row is counted by; the concrete tables add the day or the month."""

    station = models.ForeignKey("stations.Station", on_delete=models.CASCADE, related_name="+")
    grid = models.ForeignKey("stations.CommunityGrid", null=True, on_delete=models.SET_NULL, related_name="+")
    category = models.CharField(max_length=16)
    channel = models.CharField(max_length=24)
    kind = models.CharField(max_length=24)

    class Meta:
        abstract = True


# What a summary reads besides the key: the covering indexes include them.
COUNT_COLUMNS = ["grid", "category", "channel", "kind", "outcome", "matters", "overdue", "callbacks", "satisfied"]
TIME_COLUMNS = ["grid", "category", "channel", "kind", "hours", "matters"]


class RollupCounts(RollupDimensions):
    outcome = models.CharField(max_length=32, blank=True)  # the current outcome code; empty while unresolved
    matters = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    callbacks = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class StatsRollup(RollupCounts):
    """Matters of one station reported on one local day, counted per grid × category × channel × kind × outcome.

    Measures belong to the matters' reporting day (a cohort): a callback given in August to a matter reported
    in July counts for July. So a change to a matter touches one day's rows only, which keeps refreshing cheap.
    """

    day = models.DateField()

    class Meta:
        verbose_name = _("statistics rollup row")
        verbose_name_plural = _("statistics rollup")
        # Covering (PostgreSQL; SQLite ignores `include`): the ragged ends of a period are an index-only scan.
        indexes = [models.Index(fields=["station", "day"], include=COUNT_COLUMNS, name="stats_rollup_station_day_c")]

    def __str__(self) -> str:
        return f"{self.station_id} {self.day} {self.category} {self.matters}"


class StatsRollupMonth(RollupCounts):
    """The day rows of a calendar month added up: whole months of a period are read from here."""

    month = models.DateField()  # the first of the month

    class Meta:
        verbose_name = _("monthly statistics rollup row")
        verbose_name_plural = _("monthly statistics rollup")
        indexes = [
            models.Index(fields=["station", "month"], include=COUNT_COLUMNS, name="stats_rollup_station_month_c")
        ]

    def __str__(self) -> str:
        return f"{self.station_id} {self.month:%Y-%m} {self.category} {self.matters}"


class ResolveTimeCounts(RollupDimensions):
    hours = models.PositiveIntegerField()
    matters = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class StatsResolveTime(ResolveTimeCounts):
    """How many matters reported on a day took `hours` whole hours from the report to their first resolution."""

    day = models.DateField()

    class Meta:
        verbose_name = _("time-to-resolve rollup row")
        verbose_name_plural = _("time-to-resolve rollup")
        indexes = [models.Index(fields=["station", "day"], include=TIME_COLUMNS, name="stats_resolve_station_day_c")]

    def __str__(self) -> str:
        return f"{self.station_id} {self.day} {self.hours}h × {self.matters}"


class StatsResolveTimeMonth(ResolveTimeCounts):
    month = models.DateField()

    class Meta:
        verbose_name = _("monthly time-to-resolve rollup row")
        verbose_name_plural = _("monthly time-to-resolve rollup")
        indexes = [models.Index(fields=["station", "month"], name="stats_resolve_station_month")]

    def __str__(self) -> str:
        return f"{self.station_id} {self.month:%Y-%m} {self.hours}h × {self.matters}"


class StatsRollupStation(models.Model):
    """The monthly rows of a station added up over its grids: a station's summary reads whole months from here.

    Only the columns a KPI filter can name are kept (no grid), so an edited definition still applies at once,
    with a few hundred rows a station-month instead of the grid table's thousands.
    """

    station = models.ForeignKey("stations.Station", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    category = models.CharField(max_length=16)
    channel = models.CharField(max_length=24)
    kind = models.CharField(max_length=24)
    outcome = models.CharField(max_length=32, blank=True)
    matters = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    callbacks = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("station statistics rollup row")
        verbose_name_plural = _("station statistics rollup")
        # Covering (PostgreSQL): a summary is an index-only scan. SQLite ignores `include`.
        indexes = [
            models.Index(
                fields=["station", "month"],
                include=COUNT_COLUMNS[1:],
                name="stats_station_month",
            )
        ]

    def __str__(self) -> str:
        return f"{self.station_id} {self.month:%Y-%m} {self.category} {self.matters}"


class StatsStationToDate(models.Model):
    """A station's month to date: on each day, its month's rows from the 1st up to and including that day, added up
    over the grids. Written for every day from the month's first matter to the month's end.

    A ragged end of a period, days a to b of one month, is then the rows of day b less those of day a − 1: two
    days read whatever its length, where the daily grid table gives every grid row of every day (a county reads
    twenty stations). The columns are those of `StatsRollupStation`, so an edited KPI filter still applies at once.
    """

    station = models.ForeignKey("stations.Station", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    category = models.CharField(max_length=16)
    channel = models.CharField(max_length=24)
    kind = models.CharField(max_length=24)
    outcome = models.CharField(max_length=32, blank=True)
    matters = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    callbacks = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("station month-to-date statistics row")
        verbose_name_plural = _("station month-to-date statistics")
        indexes = [models.Index(fields=["station", "day"], include=COUNT_COLUMNS[1:], name="stats_station_to_date")]

    def __str__(self) -> str:
        return f"{self.station_id} to {self.day} {self.category} {self.matters}"


class StatsMedianFilter(models.Model):
    """The filter of a median KPI whose monthly histograms are kept, already filtered, in `StatsMedianMonth`.

    A time histogram keyed by every filter column does not compress (nearly one row per resolved matter), so the
    median of a station's whole months is read from one histogram per filter instead. `fengqiao stats rebuild`
    keeps one for each active median KPI and marks it ready when every station is counted; until then (an edited
    filter) the summary reads the fine histogram, so the figure is right at once, only slower.
    """

    key = models.CharField(max_length=40, unique=True)  # sha1 of the filter's canonical JSON
    filter = models.JSONField(default=dict)
    ready = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("median filter")
        verbose_name_plural = _("median filters")

    def __str__(self) -> str:
        return f"{self.key[:8]} {self.filter}"


class StatsMedianMonth(models.Model):
    """How many matters of a station reported in a month, matching one median filter, took `hours` whole hours."""

    station = models.ForeignKey("stations.Station", on_delete=models.CASCADE, related_name="+")
    filter = models.ForeignKey(StatsMedianFilter, on_delete=models.CASCADE, related_name="months")
    month = models.DateField()
    hours = models.PositiveIntegerField()
    matters = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("monthly median histogram row")
        verbose_name_plural = _("monthly median histogram")
        indexes = [
            models.Index(fields=["station", "filter", "month"], include=["hours", "matters"], name="stats_median_month")
        ]

    def __str__(self) -> str:
        return f"{self.station_id} {self.month:%Y-%m} {self.hours}h × {self.matters}"


class StatsMedianToDate(models.Model):
    """How many matters of a station reported from the 1st of the day's month up to and including the day, matching
    one median filter, took `hours` whole hours: the month-to-date twin of `StatsMedianMonth`, for ragged ends."""

    station = models.ForeignKey("stations.Station", on_delete=models.CASCADE, related_name="+")
    filter = models.ForeignKey(StatsMedianFilter, on_delete=models.CASCADE, related_name="to_date")
    day = models.DateField()
    hours = models.PositiveIntegerField()
    matters = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("month-to-date median histogram row")
        verbose_name_plural = _("month-to-date median histogram")
        indexes = [
            models.Index(fields=["station", "filter", "day"], include=["hours", "matters"], name="stats_median_to_date")
        ]

    def __str__(self) -> str:
        return f"{self.station_id} to {self.day} {self.hours}h × {self.matters}"
