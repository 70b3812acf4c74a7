"""Killed at any moment (kill -9), an import resumes after its last committed batch: no duplicate, no half batch.

The import really runs in another process on the test database (a file on SQLite, the test database on
PostgreSQL), is killed without warning once some batches are committed, and is then run again.
"""

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Sum

from fengqiao.imports.models import ImportJob, JobStatus
from fengqiao.matters.models import Matter, MatterEvent
from fengqiao.people.models import Person
from fengqiao.stats.models import StatsRollup

ROWS = 4000
BATCH = 100


def a_big_ledger(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["警情编号", "报警时间", "报警人", "联系电话", "发生地址", "警情类别", "简要警情"])
        for i in range(ROWS):
            writer.writerow([f"K{i:06d}", f"2024/7/{1 + i % 28} {i % 24}:{i % 60:02d}", f"居民{i}", "",
                             f"华丽社区{i % 30}号楼", "其它求助", f"第{i}次求助"])  # fmt: skip
    return path


def database_env() -> dict[str, str]:
    """The environment under which `fengqiao` in a child process opens this test's database."""
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FENGQIAO_SQLITE")}
    env["FENGQIAO_DEBUG"] = "1"
    if connection.vendor == "sqlite":
        env["FENGQIAO_SQLITE"] = str(db["NAME"])
    else:
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        env["DATABASE_URL"] = f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    return env


def import_command(path: Path) -> list[str]:
    return [sys.executable, "-m", "fengqiao", "import_calls", str(path), "--station", "lucheng", "--commit",
            "--batch-size", str(BATCH)]  # fmt: skip


def wait_for_committed_rows(child: subprocess.Popen[bytes], at_least: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = ImportJob.objects.first()
        if job is not None and job.rows_done >= at_least:
            return
        assert child.poll() is None, child.stderr.read().decode()[-2000:] if child.stderr else ""
        time.sleep(0.02)
    raise AssertionError("the import committed nothing in time")


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_with_kill_9_resumes_after_its_last_batch(tmp_path, reference_data, station, run_import):  # type: ignore[no-untyped-def]
    path = a_big_ledger(tmp_path / "big.csv")
    child = subprocess.Popen(
        import_command(path), env=database_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_for_committed_rows(child, at_least=3 * BATCH)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()

    killed = ImportJob.objects.get()
    assert killed.status == JobStatus.RUNNING
    assert 0 < killed.rows_done < ROWS and killed.rows_done % BATCH == 0
    # Whole batches only: every committed row is a matter with its event, nothing of the batch being written.
    assert Matter.objects.count() == MatterEvent.objects.count() == killed.imported == killed.rows_done
    # The statistics of the committed batches are recounted at the end of the job: their days are kept for it.
    assert killed.rollup_days and StatsRollup.objects.count() == 0

    output = run_import(path, "--commit", "--batch-size", str(BATCH))

    assert f"Resuming import job #{killed.pk} after {killed.rows_done} rows." in output
    job = ImportJob.objects.get()
    assert (job.status, job.rows_done, job.rows_read, job.imported, job.skipped) == (
        JobStatus.DONE,
        ROWS,
        ROWS,
        ROWS,
        0,
    )
    assert Matter.objects.count() == Matter.objects.values("external_ref").distinct().count() == ROWS
    assert MatterEvent.objects.count() == Person.objects.count() == ROWS
    assert StatsRollup.objects.aggregate(n=Sum("matters"))["n"] == ROWS
    assert job.rollup_days == []


@pytest.mark.django_db(transaction=True)
def test_a_rerun_that_overlaps_committed_rows_adds_no_duplicate(tmp_path, reference_data, station, run_import):  # type: ignore[no-untyped-def]
    """Should a checkpoint lag behind its rows, the (station, call number) check still keeps every call once."""
    path = a_big_ledger(tmp_path / "big.csv")
    run_import(path, "--commit", "--batch-size", "1000")
    ImportJob.objects.update(status=JobStatus.RUNNING, rows_done=1000, rows_read=1000, imported=1000)

    output = run_import(path, "--commit", "--batch-size", "1000")

    assert "Rows read: 4000, imported: 1000, already present (skipped): 3000" in output
    assert Matter.objects.count() == ROWS
