"""Benchmark of repeat-call analysis with 1,000,000 matters: the registration-time check and the batch ranking.

A temporary SQLite database is created by `migrate` and filled with raw executemany inserts: one station, a year
of matters on 100,000 standard addresses, 400,000 persons (70 % with a phone), a second party on a quarter of the
matters, some frequent callers and feuding pairs. Then, in the same run:

- a warm-up: the last 30 days (the window) of the year are checked with `check_repeats_for`, as their registration
  would have been, so that the repeating keys have their groups and later calls join them, as in a running station;
- the check (`check_repeats`) of 2,000 new matters, each timed alone inside its transaction (the commit belongs
  to registration); its p95 against the target of 2 ms;
- the bare indexed lookup `SELECT id FROM matters_matter WHERE address_id=? AND reported_at>=?` for the same
  matters: the ratio says what the ORM, the three lookups and the group bookkeeping cost on top;
- the ranking of the whole year (`fengqiao.analysis.repeat_ranking.rank`) against the target of 15 s;
- with --explain, the query plans of the check's lookups.

    .venv/bin/python bench/repeats.py [--matters 1000000] [--checks 2000] [--explain] [--keep]
"""

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_DIR = tempfile.mkdtemp(prefix="fengqiao-bench-")
os.environ["FENGQIAO_SQLITE"] = str(Path(DB_DIR) / "repeats.sqlite3")
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fengqiao.settings")
os.environ.setdefault("FENGQIAO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# As in production: FENGQIAO_DEBUG is set only to get past the development-key guard; with DEBUG every query
# would also be logged in memory, which is not what a registration costs.
settings.DEBUG = False
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from fengqiao.analysis.models import RepeatGroup  # noqa: E402
from fengqiao.analysis.repeat_ranking import RankingQuery, rank  # noqa: E402
from fengqiao.analysis.repeats import check_repeats, check_repeats_for, window_rows  # noqa: E402
from fengqiao.codes.models import Code  # noqa: E402
from fengqiao.matters.models import Matter  # noqa: E402
from fengqiao.matters.search import indexed_in_bulk  # noqa: E402
from fengqiao.stations.models import Station  # noqa: E402

CHECK_TARGET_MS = 2.0
RANKING_TARGET_S = 15.0
YEAR_START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
DAYS = 365
ADDRESSES = 100_000
PERSONS = 400_000
CHUNK = 50_000


def stamp(moment: dt.datetime) -> str:
    """Django's SQLite format for an aware datetime: UTC, no offset."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def executemany(sql: str, rows: Iterator[tuple[object, ...]]) -> None:
    batch: list[tuple[object, ...]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) == CHUNK:
                cursor.executemany(sql, batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)


def insert_sql(table: str, columns: list[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"


class World:
    """The generated station; its random draws are seeded, so two runs measure the same data."""

    def __init__(self, matters: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.matters = matters
        self.station = Station.objects.create(code="bench", name="压测派出所")
        self.categories = list(
            Code.objects.filter(table="categories", parent__isnull=False).values_list("pk", flat=True)
        )
        self.dispute_category = Code.objects.get(table="categories", code="020501").pk
        self.matter_id = 0
        self.party_id = 0

    def addresses(self) -> None:
        columns = ["station_id", "estate", "building", "unit", "room", "remainder", "full_text"]
        rows = (
            (self.station.pk, "压测小区", str(i // 400), str(i // 100 % 4), str(i % 100), "", f"压测小区{i}号")
            for i in range(ADDRESSES)
        )
        executemany(insert_sql("stations_standardaddress", columns), rows)
        self.address_ids = list(
            Station.objects.get(pk=self.station.pk).addresses.order_by("pk").values_list("pk", flat=True)
        )

    def persons(self) -> None:
        columns = ["station_id", "name", "phone", "id_number", "note"]
        rng = self.rng
        rows = (
            (self.station.pk, f"居民{i}", f"1{rng.randrange(3, 9)}{i:09d}" if rng.random() < 0.7 else "", "", "")
            for i in range(PERSONS)
        )
        executemany(insert_sql("people_person", columns), rows)
        self.person_ids = list(self.station.persons.order_by("pk").values_list("pk", flat=True))
        # Frequent callers and feuding pairs: the repeats the analysis should find among the noise.
        self.frequent = self.person_ids[:2_000]
        self.pairs = [(self.person_ids[2_000 + 2 * i], self.person_ids[2_001 + 2 * i]) for i in range(1_000)]

    def address(self) -> int:
        # Skewed: a tenth of the addresses get half of the calls.
        pool = self.address_ids
        return pool[self.rng.randrange(len(pool) // 10)] if self.rng.random() < 0.5 else self.rng.choice(pool)

    def parties(self) -> list[tuple[int, str]]:
        rng = self.rng
        roll = rng.random()
        if roll < 0.03:
            a, b = rng.choice(self.pairs)
            return [(a, "reporter"), (b, "party")] if rng.random() < 0.5 else [(b, "reporter"), (a, "party")]
        reporter = rng.choice(self.frequent) if roll < 0.08 else rng.choice(self.person_ids)
        found = [(reporter, "reporter")]
        if rng.random() < 0.25:
            other = rng.choice(self.person_ids)
            if other != reporter:
                found.append((other, "party"))
        return found

    def matter_rows(
        self, count: int, start: dt.datetime, span_days: float
    ) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
        matters, parties = [], []
        for _ in range(count):
            self.matter_id += 1
            reported = stamp(start + dt.timedelta(days=self.rng.random() * span_days))
            dispute = self.rng.random() < 0.3
            category = self.categories[0] if not dispute else self.dispute_category
            matters.append(
                (
                    self.matter_id, self.station.pk, f"BENCH-{self.matter_id:07d}", "",
                    "dispute" if dispute else "help", "call_110", category, "normal", "压测",
                    self.address() if self.rng.random() < 0.85 else None, "",
                    reported, reported, "archived", reported, "", "", "", "{}", "",
                )
            )  # fmt: skip
            for person_id, role in self.parties():
                self.party_id += 1
                parties.append((self.party_id, self.matter_id, person_id, role))
        return matters, parties

    MATTER_COLUMNS = [
        "id", "station_id", "reference", "external_ref", "kind", "channel", "category_id", "priority", "description",
        "address_id", "address_text", "reported_at", "created_at", "stage", "stage_changed_at", "due_reason",
        "satisfaction", "transferred_to", "extra", "search_doc",
    ]  # fmt: skip

    def insert_matters(self, count: int, start: dt.datetime, span_days: float) -> list[int]:
        first = self.matter_id + 1
        for done in range(0, count, CHUNK):
            matters, parties = self.matter_rows(min(CHUNK, count - done), start, span_days)
            executemany(insert_sql("matters_matter", self.MATTER_COLUMNS), iter(matters))
            executemany(insert_sql("matters_party", ["id", "matter_id", "person_id", "role"]), iter(parties))
        return list(range(first, self.matter_id + 1))


def generate(world: World) -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous = OFF")
        cursor.execute("PRAGMA journal_mode = MEMORY")
    with transaction.atomic():
        world.addresses()
        world.persons()
        with indexed_in_bulk(1, world.matters):  # the search index once, not a trigger call per row
            world.insert_matters(world.matters, YEAR_START, DAYS)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[94]


def warm_up(world: World, days: int) -> tuple[int, float]:
    """Check the last days of the generated year as registration would have, so that their groups exist (steady
    state: later calls mostly join groups instead of forming them). Returns matters checked and seconds."""
    since = YEAR_START + dt.timedelta(days=DAYS - days)
    matters = list(Matter.objects.filter(reported_at__gte=since).select_related("category", "address"))
    started = time.perf_counter()
    check_repeats_for(matters)
    return len(matters), time.perf_counter() - started


def time_checks(world: World, count: int) -> tuple[list[float], int]:
    """Each new matter is inserted first (as registration does before it sends the signal), then checked alone."""
    end = YEAR_START + dt.timedelta(days=DAYS)
    ids = world.insert_matters(count, end, 1.0)
    windows = window_rows(world.station.pk)
    timings, groups = [], 0
    for matter in Matter.objects.filter(pk__in=ids).select_related("category", "address").order_by("reported_at"):
        with transaction.atomic():
            started = time.perf_counter()
            groups += len(check_repeats(matter, windows))
            timings.append((time.perf_counter() - started) * 1000)
    return timings, groups


def time_bare_lookups(world: World, count: int) -> list[float]:
    rows = list(
        Matter.objects.filter(address__isnull=False)
        .order_by("-reported_at")
        .values_list("address_id", "reported_at")[:count]
    )
    timings = []
    with connection.cursor() as cursor:
        for address_id, reported_at in rows:
            since = reported_at - dt.timedelta(days=30)
            started = time.perf_counter()
            cursor.execute(
                "SELECT id FROM matters_matter WHERE address_id = %s AND reported_at >= %s", [address_id, since]
            )
            cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def explain(world: World) -> None:
    """The plans of the check's three lookups, captured from one check."""
    from django.test.utils import CaptureQueriesContext

    matter = (
        Matter.objects.filter(address__isnull=False, parties__person__phone__gt="")
        .select_related("category", "address")
        .order_by("-reported_at")
        .first()
    )
    assert matter is not None
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        check_repeats(matter)
        transaction.set_rollback(True)
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            print(f"\n{float(query['time']) * 1000:.2f} ms: {sql[:400]} …")
            for row in cursor.fetchall():
                print("   ", row[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--matters", type=int, default=1_000_000)
    parser.add_argument("--checks", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--warm-up", type=int, default=30, help="days at the end of the year checked before timing")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database instead of deleting it")
    args = parser.parse_args()

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"database: {settings.DATABASES['default']['NAME']} (migrated in {time.perf_counter() - started:.1f} s)")
    world = World(args.matters, args.seed)
    seconds = generate(world)
    print(f"generated {args.matters:,} matters, {world.party_id:,} parties, {PERSONS:,} persons in {seconds:.1f} s")

    warmed, warm_s = warm_up(world, args.warm_up)
    print(
        f"warm-up: check_repeats_for() over the last {args.warm_up} days, {warmed:,} matters in {warm_s:.1f} s "
        f"({warmed / warm_s:,.0f} matters/s), {RepeatGroup.objects.count():,} groups"
    )
    groups_before = RepeatGroup.objects.count()
    checks, groups = time_checks(world, args.checks)
    formed = RepeatGroup.objects.count() - groups_before
    bare = time_bare_lookups(world, args.checks)
    check_p95, bare_p95 = p95(checks), p95(bare)
    print(
        f"registration-time check, {len(checks):,} new matters: median {statistics.median(checks):.2f} ms, "
        f"p95 {check_p95:.2f} ms (target ≤ {CHECK_TARGET_MS} ms) — {formed:,} groups formed, {groups - formed:,} joined"
    )
    print(
        f"bare indexed lookup (address_id, reported_at): median {statistics.median(bare):.3f} ms, "
        f"p95 {bare_p95:.3f} ms; check / bare at p95 = {check_p95 / bare_p95:.1f}×"
    )

    query = RankingQuery(world.station.pk, YEAR_START, YEAR_START + dt.timedelta(days=DAYS + 2), 30, 3)
    started = time.perf_counter()
    ranked = rank(query)
    ranking_s = time.perf_counter() - started
    kinds = {kind: sum(1 for row in ranked if row.kind == kind) for kind in {row.kind for row in ranked}}
    print(
        f"batch ranking of {world.matter_id:,} matters over the year: {ranking_s:.1f} s (target ≤ {RANKING_TARGET_S} s)"
        f" — {len(ranked):,} keys: " + ", ".join(f"{kind.value} {n:,}" for kind, n in sorted(kinds.items()))
    )
    print(f"ranking / one bare lookup = {ranking_s * 1000 / statistics.median(bare):,.0f}×")
    if args.explain:
        explain(world)
    ok = check_p95 <= CHECK_TARGET_MS and ranking_s <= RANKING_TARGET_S
    print("PASS" if ok else "OVER TARGET")
    connection.close()
    if not args.keep:
        shutil.rmtree(DB_DIR)


if __name__ == "__main__":
    main()
