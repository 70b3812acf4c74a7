"""`fengqiao work [--once]`: the background worker. Claims queued import jobs (and ones whose worker died) and
runs them; `--once` runs what is waiting and exits. Plain database rows, no broker: start one or more of these
next to the web server.
"""

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from fengqiao.imports.domain import jobs

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run queued background jobs (ledger imports); with --once, run what is waiting and exit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="exit when no job is waiting")
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between looks for work")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            ran = self.run_waiting()
            if options["once"]:
                self.stdout.write(_("Ran %(count)d job(s).") % {"count": ran})
                return
            if not ran:
                time.sleep(options["interval"])

    def run_waiting(self) -> int:
        ran = 0
        while (job := jobs.claim_next()) is not None:
            ran += 1
            try:
                jobs.run_job(job)
            except Exception:  # one broken job must not stop the worker; the job says what happened
                logger.exception("Import job %s failed", job.pk)
                jobs.fail(job, _("The import stopped on an unexpected error; the administrator has the details."))
        return ran
