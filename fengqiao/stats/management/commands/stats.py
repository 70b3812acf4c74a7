"""`fengqiao stats rebuild [--station CODE]`, `fengqiao stats load-kpis`, `fengqiao stats summary …`."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from fengqiao.lib.errors import DomainError
from fengqiao.stations.models import Station
from fengqiao.stats.domain import display
from fengqiao.stats.domain.figures import Scope, summary
from fengqiao.stats.domain.periods import local_day, parse_compare, requested_period
from fengqiao.stats.domain.rollup import each_station, rebuild_days
from fengqiao.stats.kpis import KpiFileError, load_kpis


class Command(BaseCommand):
    help = "Statistics: rebuild the rollup from the records, reload the KPI definitions, print a summary."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rebuild = sub.add_parser("rebuild", help="Recount the rollup from matters and their events.")
        rebuild.add_argument("--station", action="append", help="Station code (repeat for several); all by default.")
        sub.add_parser("load-kpis", help="Load fengqiao/stats/data/kpis.json into the KPI table.")
        show = sub.add_parser("summary", help="Print the KPI figures of a station for a period.")
        show.add_argument("--station", required=True)
        show.add_argument("--from", dest="start")
        show.add_argument("--to", dest="end")
        show.add_argument("--period", help="2024-07, 2024-Q3, 2024 or ytd")
        show.add_argument("--compare", default="yoy", choices=["yoy", "mom"])

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "rebuild":
            self._rebuild(options["station"])
        elif action == "load-kpis":
            try:
                self.stdout.write(f"Loaded {load_kpis()} KPI definitions.")
            except KpiFileError as error:
                raise CommandError(str(error)) from error
        else:
            self._summary(options)

    def _stations(self, codes: list[str] | None) -> list[Station]:
        stations = Station.objects.order_by("code")
        if not codes:
            return list(stations)
        found = {s.code: s for s in stations.filter(code__in=codes)}
        missing = [code for code in codes if code not in found]
        if missing:
            raise CommandError(f"No station with the code {', '.join(missing)}.")
        return [found[code] for code in codes]

    def _rebuild(self, codes: list[str] | None) -> None:
        code_of = {station.pk: station.code for station in self._stations(codes)}

        def recount(station_id: int) -> int:
            rows = rebuild_days(station_id)
            self.stdout.write(f"{code_of[station_id]}: {rows} rollup rows")
            return rows

        # Every station (no --station): also decides which median histograms are kept, as `rebuild()` does.
        each_station(list(code_of) if codes else None, recount)

    def _summary(self, options: dict[str, Any]) -> None:
        station = self._stations([options["station"]])[0]
        try:
            period = requested_period(options["period"], options["start"], options["end"], local_day(timezone.now()))
            compare = parse_compare(options["compare"])
        except DomainError as error:
            raise CommandError(f"--{error.field}: {error.message}") from error
        self.stdout.write(f"{station.name} {period} ({compare.value}: {period.previous(compare)})")
        for figure in summary(Scope((station.pk,)), period, compare):
            kpi = figure.kpi
            line = (
                f"{kpi.label_zh:　<12} {display.value(kpi, figure.value):>8} {display.value(kpi, figure.previous):>8} "
                f"{display.change(figure.change_pct):>8}"
            )
            if kpi.per_10k:
                line += f"  per 10k {display.per_10k(figure.per_10k)} ({display.change(figure.per_10k_change_pct, 2)})"
            self.stdout.write(line)
