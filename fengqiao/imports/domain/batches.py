"""Rows → batches → matters. A batch is written in ONE transaction together with the job's checkpoint.

So after a crash (even kill -9) the database holds whole batches and a `rows_done` that counts exactly the rows
they came from; the re-run skips those rows, and the (station, call number) check covers any overlap.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from fengqiao.analysis.repeats import checks_deferred
from fengqiao.imports.domain.columns import Header
from fengqiao.imports.domain.reading import Row, read_rows
from fengqiao.imports.domain.rows import Parsed, Problem, RowParser
from fengqiao.imports.models import ImportJob, ImportProblem, Severity
from fengqiao.lib.chinese import fold
from fengqiao.matters.domain.registration import Registration, register_batch
from fengqiao.matters.models import Matter
from fengqiao.people.models import Person
from fengqiao.places.proposals import AddressOutcome
from fengqiao.staff.models import User
from fengqiao.stations.models import Station
from fengqiao.stats import refresh

if TYPE_CHECKING:
    from fengqiao.imports.domain.pipeline import Prepared

BATCH_SIZE = 1000
Progress = Callable[[int], None]


@dataclass
class Counts:
    rows_done: int = 0
    rows_read: int = 0
    imported: int = 0
    skipped: int = 0
    rejected: int = 0
    warnings: int = 0

    def add(self, other: "Counts") -> None:
        for name in ("rows_read", "imported", "skipped", "rejected", "warnings"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.rows_done = other.rows_done


@dataclass
class Sorted:
    """A batch sorted out: what to register, and what to report."""

    new: list[Registration] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)

    def warn(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)
        self.counts.warnings += len(problems)


class Sink(Protocol):
    def write(self, batch: list[Parsed], rows_done: int) -> Counts: ...


def batched(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def import_rows(
    path: Path,
    header: Header,
    parser: RowParser,
    sink: Sink,
    *,
    skip: int = 0,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> Counts:
    """Feed the rows below the header, after the first `skip` of them, to the sink a batch at a time."""
    body = (row for row in read_rows(path) if row[0] > header.row)
    total = Counts(rows_done=skip)
    for chunk in batched(islice(body, skip, None), batch_size):
        parsed = [parser.parse(number, values) for number, values in chunk]
        total.add(sink.write(parsed, total.rows_done + len(chunk)))
        if progress is not None:
            progress(total.rows_done)
    return total


def import_prepared(
    batches: Iterable["Prepared"], sink: "CommitSink", *, skip: int = 0, progress: Progress | None = None
) -> Counts:
    """import_rows for batches a reading process prepared (pipeline.prepared_batches): the same checkpoints."""
    total = Counts(rows_done=skip)
    for batch in batches:
        total.add(sink.write(batch.parsed, total.rows_done + batch.rows, batch.resolved))
        if progress is not None:
            progress(total.rows_done)
    return total


def sort_batch(batch: list[Parsed], present: set[str], rows_done: int) -> Sorted:
    """New registrations (first of each call number not yet `present`), problems of rejected and new rows."""
    out = Sorted(counts=Counts(rows_done=rows_done))
    for parsed in batch:
        if parsed.blank:
            continue
        out.counts.rows_read += 1
        reg = parsed.registration
        if reg is None:
            out.counts.rejected += 1
            out.problems.extend(parsed.problems)
        elif reg.external_ref in present:
            out.counts.skipped += 1  # its warnings were reported when it was imported
        else:
            present.add(reg.external_ref)
            out.new.append(reg)
            out.problems.extend(parsed.problems)
            out.counts.warnings += sum(p.severity == Severity.WARNING for p in parsed.problems)
    out.counts.imported = len(out.new)
    return out


def present_call_numbers(station: Station, batch: list[Parsed]) -> set[str]:
    """The batch's call numbers the station already has: one query per batch."""
    refs = {p.registration.external_ref for p in batch if p.registration is not None}
    # The excluded empty call number lets SQLite use the partial unique index (station, call number) instead of
    # reading every matter of the station for each batch.
    present = Matter.objects.filter(station=station, external_ref__in=refs).exclude(external_ref="").order_by()
    return set(present.values_list("external_ref", flat=True))


class NameCheck:
    """A valid ID number already on record under another name: the person keeps the name on record (one person per
    ID number), the row's name is kept with the matter, and the row earns a warning — never a silent change of who
    called. Names are compared folded (張某 = 张某)."""

    def __init__(self, station: Station, parser: RowParser, *, remember: bool) -> None:
        self.station, self.parser = station, parser
        # A dry run writes nothing, so the names of earlier batches are remembered; a commit finds them recorded.
        self.remember = remember
        self.seen: dict[str, str] = {}

    def problems(self, batch: list[Parsed], new: list[Registration]) -> list[Problem]:
        fresh = {id(reg) for reg in new}
        rows = [(p.row, p.registration) for p in batch if p.registration is not None and id(p.registration) in fresh]
        numbers = {party.id_number for _row, reg in rows for party in reg.parties if party.id_number}
        if not numbers:
            return []
        on_record = dict(
            Person.objects.filter(station=self.station, id_number__in=numbers)
            .exclude(id_number="")  # lets SQLite use the partial unique index
            .values_list("id_number", "name")
        )
        seen = self.seen if self.remember else {}
        problems = []
        for row, reg in rows:
            for party in (party for party in reg.parties if party.id_number):
                known = on_record.get(party.id_number) or seen.setdefault(party.id_number, party.name)
                if fold(known.strip()) != fold(party.name.strip()):
                    problems.append(self._problem(row, reg, party.name, known))
        return problems

    def _problem(self, row: int, reg: Registration, name: str, known: str) -> Problem:
        reg.extra[self.parser.column("reporter_name")] = name
        text = gettext_noop(
            "This ID number is on record as %(name)s: the person keeps that name; the row's name is kept with "
            "the matter."
        )
        return Problem(row, self.parser.column("id_number"), text, name, Severity.WARNING, {"name": known})


class CommitSink:
    """Writes each batch, its problems and the job's checkpoint in one transaction.

    The statistics rollup is not recounted after each batch: the days the batch touched go into the checkpoint
    (`ImportJob.rollup_days`) and the job recounts them once at its end (`jobs.recount_rollup`).
    """

    def __init__(self, job: ImportJob, actor: User | None, parser: RowParser) -> None:
        self.job, self.actor = job, actor
        self.days: set[str] = set(job.rollup_days)
        self.names = NameCheck(job.station, parser, remember=False)

    def write(
        self, batch: list[Parsed], rows_done: int, resolved: Mapping[str, AddressOutcome] | None = None
    ) -> Counts:
        with transaction.atomic(), refresh.deferred() as marked:
            # Repeat-call checks run at the end of the batch, oldest call first: a ledger is not always in order.
            with checks_deferred():
                out = sort_batch(batch, present_call_numbers(self.job.station, batch), rows_done)
                out.warn(self.names.problems(batch, out.new))
                register_batch(self.job.station, self.actor, out.new, resolved)
                ImportProblem.objects.bulk_create(ImportProblem(job=self.job, **asdict(p)) for p in out.problems)
            self._checkpoint(out.counts, {day.isoformat() for _station, day in marked})
        return out.counts

    def _checkpoint(self, counts: Counts, days: set[str]) -> None:
        new_days = {"rollup_days": sorted(self.days | days)} if not days <= self.days else {}
        ImportJob.objects.filter(pk=self.job.pk).update(
            rows_done=counts.rows_done,
            rows_read=F("rows_read") + counts.rows_read,
            imported=F("imported") + counts.imported,
            skipped=F("skipped") + counts.skipped,
            rejected=F("rejected") + counts.rejected,
            warnings=F("warnings") + counts.warnings,
            heartbeat_at=timezone.now(),
            **new_days,
        )
        self.days |= days  # a batch that fails ends the run, so the set never holds a rolled-back batch's days


class DrySink:
    """Counts what a commit would do and keeps the problems; writes nothing to the database."""

    def __init__(self, station: Station, parser: RowParser) -> None:
        self.station = station
        self.problems: list[Problem] = []
        self.names = NameCheck(station, parser, remember=True)
        # Call numbers seen earlier in this file: nothing is written, so the database cannot tell.
        self.seen: set[str] = set()

    def write(self, batch: list[Parsed], rows_done: int) -> Counts:
        present = present_call_numbers(self.station, batch) | self.seen
        out = sort_batch(batch, present, rows_done)
        out.warn(self.names.problems(batch, out.new))
        self.seen.update(reg.external_ref for reg in out.new)
        self.problems.extend(out.problems)
        return out.counts
