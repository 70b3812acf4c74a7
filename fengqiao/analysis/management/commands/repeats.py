"""`fengqiao repeats`: the station's repeat addresses, persons, phones and pairs over a period (docs/repeats.md)."""

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.analysis.repeat_export import FORMATS, export
from fengqiao.analysis.repeat_ranking import RankingQuery, period, rank
from fengqiao.lib.errors import DomainError
from fengqiao.stations.models import Station


def day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(_("“%(value)s” is not a date; write it as 2024-07-31.") % {"value": text}) from None


class Command(BaseCommand):
    help = "Rank the repeat addresses, persons, phones and pairs of parties of a station over a period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--station", required=True, help="station code, such as bozhen")
        parser.add_argument("--since", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--until", help="last day, YYYY-MM-DD (default: today)")
        parser.add_argument("--window", type=int, default=30, help="days within which calls count together")
        parser.add_argument("--min", type=int, default=3, help="calls within the window that make a repeat")
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("--output", type=Path, help="write to this file (required for xlsx); default stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        station = Station.objects.filter(code=options["station"]).first()
        if station is None:
            raise CommandError(_("No station has the code “%(code)s”.") % {"code": options["station"]})
        output: Path | None = options["output"]
        if options["format"] == "xlsx" and output is None:
            raise CommandError(_("An XLSX sheet needs --output FILE."))
        until = day(options["until"]) if options["until"] else timezone.localdate()
        since, end = period(day(options["since"]), until)
        query = RankingQuery(station.pk, since, end, options["window"], options["min"])
        try:
            ranked = rank(query)
        except DomainError as error:
            raise CommandError(f"--{error.field}: {error.message}" if error.field else error.message) from None
        data = export(ranked, query.window_days, options["format"])
        if output is None:
            self.stdout.write(data.decode("utf-8-sig"), ending="")
            return
        output.write_bytes(data)
        self.stderr.write(_("%(count)d repeat keys written to %(file)s") % {"count": len(ranked), "file": output})
