"""The reading process of a committed import: it prepares the batches, the parent writes them (pipeline.py)."""

import csv
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from fengqiao.imports.domain import jobs, pipeline
from fengqiao.imports.domain.categories import Categories
from fengqiao.imports.domain.rows import RowParser
from fengqiao.imports.models import ImportJob
from fengqiao.lib.errors import DomainError
from fengqiao.places import index as places_index
from tests.imports.test_resume import database_env, import_command, wait_for_committed_rows

pytestmark = pytest.mark.django_db


def a_ledger(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["警情编号", "报警时间", "报警人", "发生地址", "简要警情"])
        writer.writerows([f"P{i:05d}", f"2024/7/{1 + i % 28} 8:00", f"居民{i}", f"华丽社区{i % 7}号楼", "求助"]
                         for i in range(rows))  # fmt: skip
    return path


def batches_of(path: Path, station: Any, batch_size: int) -> Any:
    header = jobs.prepare(path)
    return pipeline.prepared_batches(
        path, header, RowParser(header, Categories()), station, skip=0, batch_size=batch_size
    )


def test_the_batches_come_parsed_with_their_addresses_resolved(tmp_path, reference_data, station):  # type: ignore[no-untyped-def]
    path = a_ledger(tmp_path / "calls.csv", 250)
    with batches_of(path, station, 100) as batches:
        prepared = list(batches)
    assert [b.rows for b in prepared] == [100, 100, 50]
    assert [p.registration.external_ref for b in prepared for p in b.parsed][-1] == "P00249"  # type: ignore[union-attr]
    assert sorted(prepared[0].resolved) == [f"华丽社区{i}号楼" for i in range(7)]
    # None of them is a standard address of the station: each comes with its proposal and search tokens made.
    outcome = prepared[0].resolved["华丽社区3号楼"]
    assert outcome.address_id is None and outcome.tokens == ("华丽", "丽社", "社区", "3", "号楼")
    assert outcome.proposal is not None and outcome.proposal[:3] == (station.pk, "华丽社区3号楼", "华丽社区3号楼")
    assert all(r.proposal is not None for r in prepared[0].resolved.values())


def test_resolutions_made_with_an_index_the_parent_dropped_are_not_used(tmp_path, reference_data, station):  # type: ignore[no-untyped-def]
    path = a_ledger(tmp_path / "calls.csv", 1000)
    with batches_of(path, station, 50) as batches:
        first = next(batches)
        places_index.invalidate(station.pk)  # as when a standard address of the station is saved
        after = next(batches)
        rest = list(batches)
    assert first.resolved and after.resolved == {}  # made before the child had the new index
    assert rest[-1].resolved and rest[-1].generation == 1  # the child got the parent's new index
    assert sum(b.rows for b in [first, after, *rest]) == 1000


def test_a_refused_file_in_the_reading_process_is_refused_in_the_parent(tmp_path, reference_data, station):  # type: ignore[no-untyped-def]
    path = a_ledger(tmp_path / "calls.csv", 300)
    header = jobs.prepare(path)
    parser = RowParser(header, Categories())

    def refuse(number: int, values: Any) -> Any:
        raise DomainError("bad_file", "The file is damaged after row 3.")

    parser.parse = refuse  # type: ignore[method-assign]
    with pytest.raises(DomainError, match="damaged after row 3"):
        with pipeline.prepared_batches(path, header, parser, station, skip=0, batch_size=100) as batches:
            list(batches)


def processes_running(path: Path) -> list[int]:
    """The processes (the import and its reading process) whose command line names the file."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and str(path).encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.django_db(transaction=True)
def test_the_reading_process_of_a_killed_import_exits(tmp_path, reference_data, station):  # type: ignore[no-untyped-def]
    path = a_ledger(tmp_path / "calls.csv", 4000)
    child = subprocess.Popen(
        import_command(path), env=database_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_for_committed_rows(child, at_least=100)
        assert len(processes_running(path)) == 2
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    deadline = time.monotonic() + 10
    while processes_running(path) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_running(path) == []
    assert ImportJob.objects.get().rows_done % 100 == 0
