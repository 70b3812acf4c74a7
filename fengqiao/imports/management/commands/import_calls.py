"""`fengqiao import_calls FILE --station CODE [--dry-run | --commit] [--map 列名=field …]`: import a 110 export.

A dry run (the default) reads the whole file and says what a commit would do, writing only the error report.
`--commit` imports in batches; killed, the same command on the same file resumes after the last batch.
"""

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from fengqiao.imports.domain import jobs, reports
from fengqiao.imports.domain.batches import BATCH_SIZE, Counts
from fengqiao.imports.domain.columns import FIELDS, IGNORE, Header
from fengqiao.imports.models import ImportJob, JobStatus
from fengqiao.lib.errors import DomainError
from fengqiao.matters.models import Channel
from fengqiao.staff.models import User
from fengqiao.stations.models import Station


class Command(BaseCommand):
    help = "Import calls from a 110 export or a station ledger (.xlsx, .xls, .csv); a dry run unless --commit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--station", required=True, help="code of the station the calls belong to")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--dry-run", action="store_true", help="report what would be done (the default)")
        mode.add_argument("--commit", action="store_true", help="write the matters")
        parser.add_argument(
            "--map", action="append", default=[], metavar="COLUMN=FIELD", help=f"fields: {', '.join(FIELDS)}"
        )
        parser.add_argument("--channel", default=Channel.CALL_110, choices=Channel.values)
        parser.add_argument("--user", help="username recorded as the registering officer")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="rows per transaction")
        parser.add_argument("--report-dir", type=Path, help="where the error report goes (default: next to FILE)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        station = _station(options["station"])
        report_dir = options["report_dir"] or path.resolve().parent
        try:
            header = jobs.prepare(path, _overrides(options["map"]))
        except DomainError as error:
            raise CommandError(f"{path}: {error.message}") from error
        self._describe(header)
        if options["commit"]:
            job = self._commit(path, station, header, options, report_dir)
            self._summary(_counts_of(job), job.report_xlsx, job.report_csv)
            if job.status == JobStatus.FAILED:
                raise CommandError(job.message)
        else:
            self._dry_run(path, station, header, options["channel"], report_dir)

    def _commit(self, path: Path, station: Station, header: Header, options: dict[str, Any], out: Path) -> ImportJob:
        job = jobs.resumable_job(station, jobs.sha256_of(path), header)
        if job is not None:
            self.stdout.write(
                _("Resuming import job #%(job)d after %(rows)d rows.") % {"job": job.pk, "rows": job.rows_done}
            )
        else:
            user = _user(options["user"], station)
            job = jobs.create_job(
                station, user, path.resolve(), path.name, header, JobStatus.RUNNING, options["channel"]
            )
        with _progress_bar(job.rows_total, job.rows_done) as progress:
            return jobs.run_job(job, progress, out, options["batch_size"])

    def _dry_run(self, path: Path, station: Station, header: Header, channel: str, out: Path) -> None:
        total = jobs.data_rows(path, header)
        with _progress_bar(total, 0) as progress:
            result = jobs.dry_run(path, station, header, channel, progress)
        paths = ("", "")
        if result.problems:
            stem = out / f"{path.stem}-dry-run-errors"
            xlsx = reports.write_xlsx(result.problems, stem.with_suffix(".xlsx"))
            paths = (str(xlsx), str(reports.write_csv(result.problems, stem.with_suffix(".csv"))))
        self._summary(result.counts, *paths)
        self.stdout.write(_("Dry run: nothing was written. Run again with --commit to import."))

    def _describe(self, header: Header) -> None:
        self.stdout.write(_("Header in row %(row)d:") % {"row": header.row})
        for name, field in zip(header.names, header.mapping, strict=True):
            if field != IGNORE:
                self.stdout.write(f"  {name} → {FIELDS[field]}")

    def _summary(self, counts: Counts, xlsx: str, csv: str) -> None:
        self.stdout.write(
            _(
                "Rows read: %(read)d, imported: %(imported)d, already present (skipped): %(skipped)d, "
                "rejected: %(rejected)d, warnings: %(warnings)d."
            )
            % {
                "read": counts.rows_read,
                "imported": counts.imported,
                "skipped": counts.skipped,
                "rejected": counts.rejected,
                "warnings": counts.warnings,
            }
        )
        if xlsx:
            self.stdout.write(_("Error report: %(xlsx)s and %(csv)s") % {"xlsx": xlsx, "csv": csv})


class _progress_bar:
    """A tqdm bar on stderr, fed with the absolute number of rows done."""

    def __init__(self, total: int | None, done: int) -> None:
        self.bar = tqdm(total=total, initial=done, unit=" rows", file=sys.stderr, mininterval=0.5, dynamic_ncols=True)

    def __enter__(self) -> Callable[[int], None]:
        return self.update

    def update(self, done: int) -> None:
        self.bar.update(done - self.bar.n)

    def __exit__(self, *exc: object) -> None:
        self.bar.close()


def _counts_of(job: ImportJob) -> Counts:
    return Counts(job.rows_done, job.rows_read, job.imported, job.skipped, job.rejected, job.warnings)


def _station(code: str) -> Station:
    station = Station.objects.filter(code=code).first()
    if station is None:
        raise CommandError(_("No station has the code “%(code)s”.") % {"code": code})
    return station


def _user(username: str | None, station: Station) -> User | None:
    if username is None:
        return None
    user = User.objects.filter(username=username, station=station).first()
    if user is None:
        raise CommandError(_("No user “%(name)s” at this station.") % {"name": username})
    return user


def _overrides(pairs: list[str]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        name, sep, field = pair.partition("=")
        if not sep or not name.strip():
            raise CommandError(_("--map: “%(pair)s” is not COLUMN=FIELD.") % {"pair": pair})
        overrides[name.strip()] = field.strip()
    return overrides
