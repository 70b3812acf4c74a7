"""`fengqiao report --station CODE --month 2024-07 --format xlsx|pdf [--output FILE]`: the monthly report."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fengqiao.stations.models import Station
from fengqiao.stats.monthly import REPORT_FORMATS, month_of, monthly_report, render_report


class Command(BaseCommand):
    help = "Write a station's monthly statistics report (Chinese) as XLSX or PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--station", required=True, help="Station code, e.g. lucheng")
        parser.add_argument("--month", required=True, help="The month, e.g. 2024-07")
        parser.add_argument("--format", default="xlsx", choices=REPORT_FORMATS)
        parser.add_argument("--output", help="File to write; <station>-<month>.<format> in the current folder")

    def handle(self, *args: Any, **options: Any) -> None:
        station = Station.objects.filter(code=options["station"]).first()
        if station is None:
            raise CommandError(f"No station with the code {options['station']}.")
        try:
            month = month_of(options["month"])
        except ValueError as error:
            raise CommandError(f"--month: {error}") from error
        content, _type, name = render_report(monthly_report(station, month), options["format"])
        target = Path(options["output"] or name)
        target.write_bytes(content)
        if options["verbosity"]:
            self.stdout.write(f"Wrote {target} ({len(content):,} bytes).")
