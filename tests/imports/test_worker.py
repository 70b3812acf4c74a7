"""The worker claims queued jobs once each, takes over jobs whose worker died, and leaves drafts alone."""

import datetime as dt
from pathlib import Path

from django.utils import timezone

from fengqiao.imports.domain import jobs
from fengqiao.imports.domain.columns import Header
from fengqiao.imports.models import ImportJob, JobStatus
from tests.imports.conftest import DATA


def a_job(station, status: str, heartbeat: dt.datetime | None = None) -> ImportJob:  # type: ignore[no-untyped-def]
    header = jobs.prepare(DATA / "calls_gbk.csv")
    job = jobs.create_job(station, None, DATA / "calls_gbk.csv", "calls_gbk.csv", header, status)
    if heartbeat is not None:
        ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=heartbeat)
    return job


def test_queued_jobs_are_claimed_oldest_first_and_only_once(station):  # type: ignore[no-untyped-def]
    first, second = a_job(station, JobStatus.QUEUED), a_job(station, JobStatus.QUEUED)

    claimed = [jobs.claim_next(), jobs.claim_next(), jobs.claim_next()]

    assert [job.pk if job else None for job in claimed] == [first.pk, second.pk, None]
    assert set(ImportJob.objects.values_list("status", flat=True)) == {JobStatus.RUNNING}


def test_a_running_job_is_taken_over_only_when_its_heartbeat_is_stale(station):  # type: ignore[no-untyped-def]
    now = timezone.now()
    a_job(station, JobStatus.RUNNING, heartbeat=now - dt.timedelta(minutes=1))
    stale = a_job(station, JobStatus.RUNNING, heartbeat=now - jobs.STALE_AFTER - dt.timedelta(seconds=1))
    a_job(station, JobStatus.DRAFT)

    assert jobs.claim_next(now) == stale
    assert jobs.claim_next(now) is None


def test_a_claim_made_on_an_outdated_reading_fails(station):  # type: ignore[no-untyped-def]
    """Two workers read the same queued job; the first claim changes it, so the second UPDATE matches nothing."""
    job = a_job(station, JobStatus.QUEUED)
    seen = ImportJob.objects.values_list("status", "heartbeat_at").get(pk=job.pk)
    assert jobs.claim_next() == job

    assert ImportJob.objects.filter(pk=job.pk, status=seen[0], heartbeat_at=seen[1]).update(status="x") == 0


def test_a_job_whose_file_has_gone_fails_with_a_message(station, tmp_path):  # type: ignore[no-untyped-def]
    header: Header = jobs.prepare(DATA / "calls_gbk.csv")
    path = Path(tmp_path / "gone.csv")
    path.write_bytes((DATA / "calls_gbk.csv").read_bytes())
    job = jobs.create_job(station, None, path, "gone.csv", header, JobStatus.QUEUED)
    path.unlink()

    done = jobs.run_job(jobs.claim_next())  # type: ignore[arg-type]

    assert done.status == JobStatus.FAILED and done.pk == job.pk
    assert done.message.startswith("The file cannot be read:")
