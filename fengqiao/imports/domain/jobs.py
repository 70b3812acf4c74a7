"""Import jobs: prepare a file, run or resume its job, claim queued jobs for the worker, dry-run without writing.

A job is a plain row: the page creates it as a draft, confirming queues it, `fengqiao work` claims and runs it;
`fengqiao import-calls --commit` runs it in-process. A job left `running` by a killed process is resumed by the
next run of the same file (the command) or, once its heartbeat is stale, by the worker.
"""

import datetime as dt
import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from fengqiao.imports.domain import pipeline, reports
from fengqiao.imports.domain.batches import (
    BATCH_SIZE,
    CommitSink,
    Counts,
    DrySink,
    Progress,
    import_prepared,
    import_rows,
)
from fengqiao.imports.domain.categories import Categories
from fengqiao.imports.domain.columns import Header, apply_overrides, check_mapping, find_header
from fengqiao.imports.domain.reading import Row, estimate_rows, read_rows
from fengqiao.imports.domain.rows import Problem, RowParser
from fengqiao.imports.models import UNFINISHED, ImportJob, JobStatus
from fengqiao.lib.errors import DomainError
from fengqiao.matters.models import Channel
from fengqiao.staff.models import User
from fengqiao.stations.models import Station
from fengqiao.stats import refresh

logger = logging.getLogger(__name__)
# A running job whose last batch committed longer ago than this has lost its worker (killed, machine restarted).
STALE_AFTER = dt.timedelta(minutes=10)
PREVIEW_ROWS = 10


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def prepare(path: Path, overrides: dict[str, str] | None = None) -> Header:
    """The header row and its mapping (with the overrides), checked; a clear DomainError for a bad file."""
    header = apply_overrides(find_header(read_rows(path)), overrides or {})
    check_mapping(header.mapping)
    return header


def header_of(job: ImportJob) -> Header:
    return Header(job.header_row, list(job.headers), list(job.mapping))


def create_job(
    station: Station,
    user: User | None,
    path: Path,
    original_name: str,
    header: Header,
    status: str,
    channel: str = Channel.CALL_110,
) -> ImportJob:
    return ImportJob.objects.create(
        channel=channel,
        station=station,
        created_by=user,
        file_path=str(path),
        original_name=original_name,
        sha256=sha256_of(path),
        headers=header.names,
        mapping=header.mapping,
        header_row=header.row,
        status=status,
        rows_total=data_rows(path, header),
    )


def data_rows(path: Path, header: Header) -> int | None:
    estimate = estimate_rows(path)
    return max(estimate - header.row, 0) if estimate is not None else None


def resumable_job(station: Station, sha256: str, header: Header) -> ImportJob | None:
    """The unfinished job of the same file with the same mapping, if an earlier run was interrupted."""
    jobs = ImportJob.objects.filter(station=station, sha256=sha256, status__in=UNFINISHED, mapping=header.mapping)
    return jobs.order_by("-created_at", "-id").first()


def preview(job: ImportJob) -> list[Row]:
    """The first rows below the header, as the page shows them before the import is confirmed."""
    body = (row for row in read_rows(Path(job.file_path)) if row[0] > job.header_row)
    return list(islice((row for row in body if any(v not in (None, "") for v in row[1])), PREVIEW_ROWS))


def run_job(
    job: ImportJob, progress: Progress | None = None, report_dir: Path | None = None, batch_size: int = BATCH_SIZE
) -> ImportJob:
    """Run (or resume, after `rows_done`) a job to its end; a bad file fails the job with a message."""
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat_at=timezone.now())
    job.refresh_from_db()
    header = header_of(job)
    try:
        parser = RowParser(header, Categories(), job.channel)
        sink = CommitSink(job, job.created_by, parser)
        # A child reads, parses and resolves the addresses of the next batches while this process writes.
        with pipeline.prepared_batches(
            Path(job.file_path), header, parser, job.station, skip=job.rows_done, batch_size=batch_size
        ) as batches:
            import_prepared(batches, sink, skip=job.rows_done, progress=progress)
    except DomainError as error:
        return fail(job, error.message)
    return _finish(job, report_dir or default_report_dir(job))


def recount_rollup(job: ImportJob) -> None:
    """Recount the statistics of the days the job's batches touched, once (the batches only noted them)."""
    job.refresh_from_db(fields=["rollup_days"])
    if job.rollup_days:
        refresh.recount((job.station_id, dt.date.fromisoformat(day)) for day in job.rollup_days)
        ImportJob.objects.filter(pk=job.pk).update(rollup_days=[])
        job.rollup_days = []


def fail(job: ImportJob, message: str) -> ImportJob:
    recount_rollup(job)  # the batches committed before the bad row are in the database: count them
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, message=message, finished_at=timezone.now())
    job.refresh_from_db()
    return job


def _finish(job: ImportJob, report_dir: Path) -> ImportJob:
    recount_rollup(job)
    job.refresh_from_db()
    if job.problems.exists():
        report_dir.mkdir(parents=True, exist_ok=True)
        stem = f"{Path(job.original_name).stem}-{job.pk}-errors"
        job.report_xlsx = str(reports.write_xlsx(stored_problems(job), report_dir / f"{stem}.xlsx"))
        job.report_csv = str(reports.write_csv(stored_problems(job), report_dir / f"{stem}.csv"))
    job.status, job.finished_at = JobStatus.DONE, timezone.now()
    job.save(update_fields=["report_xlsx", "report_csv", "status", "finished_at"])
    return job


def stored_problems(job: ImportJob) -> Iterator[Problem]:
    fields = ("row", "column", "problem", "value", "severity", "params")
    for values in job.problems.order_by("row", "id").values_list(*fields).iterator(chunk_size=2000):
        yield Problem(*values)


def default_report_dir(job: ImportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / str(job.station_id) / str(job.pk)


def claim_next(now: dt.datetime | None = None) -> ImportJob | None:
    """Take the oldest queued job (or a running one whose worker died) for this worker.

    The claim is a conditional UPDATE on the status and heartbeat read a moment before: of two workers that
    read the same job, one updates one row and the other none. That works alike on SQLite (which has no
    SKIP LOCKED) and PostgreSQL, where the second UPDATE waits for the first and then finds the row changed.
    """
    now = now or timezone.now()
    claimable = Q(status=JobStatus.QUEUED) | Q(status=JobStatus.RUNNING, heartbeat_at__lt=now - STALE_AFTER)
    candidates = ImportJob.objects.filter(claimable).order_by("created_at", "id")
    for pk, status, beat in candidates.values_list("pk", "status", "heartbeat_at")[:10]:
        taken = ImportJob.objects.filter(pk=pk, status=status, heartbeat_at=beat)
        if taken.update(status=JobStatus.RUNNING, heartbeat_at=now):
            return ImportJob.objects.select_related("station", "created_by").get(pk=pk)
    return None


@dataclass
class DryRun:
    counts: Counts
    problems: list[Problem]


def dry_run(
    path: Path, station: Station, header: Header, channel: str = Channel.CALL_110, progress: Progress | None = None
) -> DryRun:
    """What a commit would do, without writing a row."""
    parser = RowParser(header, Categories(), channel)
    sink = DrySink(station, parser)
    counts = import_rows(path, header, parser, sink, progress=progress)
    return DryRun(counts, sink.problems)
