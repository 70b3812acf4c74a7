"""`fengqiao escalate [--now ISO]`: the overdue worker (督办). Run it every few minutes; safe to run twice."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from fengqiao.matters.domain.escalation import escalate_overdue


class Command(BaseCommand):
    # Command help stays untranslated, as in Django's own commands (argparse wants plain str).
    help = "Escalate overdue matters to their station chief (once per overdue step)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            help="Treat this ISO 8601 time as now (e.g. 2024-07-07T14:00+08:00); default: the clock.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = escalate_overdue(_parse_now(options["now"]))
        self.stdout.write(_("Escalated %(count)d overdue matter(s).") % {"count": count})


def _parse_now(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise CommandError(
            _("--now: “%(value)s” is not an ISO 8601 date and time, e.g. 2024-07-07T14:00+08:00.") % {"value": value}
        )
    # A time without an offset is local station time, as people read it on the wall clock.
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
