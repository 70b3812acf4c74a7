"""Benchmark of the statistics: N synthetic matters over 5 years and 20 stations on PostgreSQL.

A scratch database is created (and dropped at the end unless --keep), migrated, and filled straight in SQL with
generate_series — matters, their registration / resolution / callback events and a few escalations; then the
rollup is built by the app's own rebuild code. In the same run:

- p95 of `summary()` (every KPI, one station, a random month / quarter / year / year-to-date / custom period of the
  five years, with yoy or mom) against the target of 100 ms; and the same for a county (all 20 stations);
- the time of the same figures computed directly from the raw rows (`raw_value`) for the same periods.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/stats.py [--matters 5000000]
        [--stations 20] [--queries 200] [--raw-queries 10] [--db NAME] [--keep | --reuse]
        [--rebuild all|months|to-date|none] [--generate-only]

Generating 5 M matters takes a quarter of an hour on two cores and rebuilding their rollup half an hour, so
`--reuse` keeps the database between runs: it is generated only when it does not hold the asked number of matters
yet, then migrated, and `--rebuild months` recounts only the tables derived from the daily rollup (for a change to
the monthly tables or the summary), `--rebuild to-date` only the months to date (the migration that adds them
fills them too), `--rebuild none` nothing.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--matters", type=int, default=5_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--raw-queries", type=int, default=10)
    parser.add_argument("--stations", type=int, default=20, help="the same density: 250,000 matters each")
    parser.add_argument("--db", default="fengqiao_bench_stats", help="name of the scratch database")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database at the end")
    parser.add_argument("--reuse", action="store_true", help="reuse (and keep) the scratch database if it is there")
    parser.add_argument("--rebuild", choices=["all", "months", "to-date", "none"], default="all")
    parser.add_argument("--generate-only", action="store_true")
    return parser.parse_args()


ARGS = arguments()
SCRATCH = ARGS.db
ADMIN_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
os.environ["DATABASE_URL"] = urlunparse(urlparse(ADMIN_URL)._replace(path=f"/{SCRATCH}"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fengqiao.settings")
os.environ.setdefault("FENGQIAO_DEBUG", "1")

import psycopg  # noqa: E402


def admin(sql: str) -> list[tuple[object, ...]]:
    with psycopg.connect(urlunparse(urlparse(ADMIN_URL)._replace(path="/postgres")), autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else []


if not (ARGS.reuse and admin(f"SELECT 1 FROM pg_database WHERE datname = '{SCRATCH}'")):
    admin(f"DROP DATABASE IF EXISTS {SCRATCH}")
    admin(f"CREATE DATABASE {SCRATCH}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from fengqiao.api.models import ApiToken, token_digest  # noqa: E402
from fengqiao.matters.models import Matter  # noqa: E402
from fengqiao.staff.models import User  # noqa: E402
from fengqiao.stations.models import Community, CommunityGrid, GridPopulation, PoliceGrid, Station  # noqa: E402
from fengqiao.stats.domain.figures import Scope, summary  # noqa: E402
from fengqiao.stats.domain.periods import Compare, Period, add_months, month_end  # noqa: E402
from fengqiao.stats.domain.raw import raw_value  # noqa: E402
from fengqiao.stats.domain.rollup import rebuild, rebuild_days, rebuild_months, rebuild_to_date  # noqa: E402
from fengqiao.stats.models import (  # noqa: E402
    Kpi,
    StatsMedianMonth,
    StatsMedianToDate,
    StatsResolveTime,
    StatsRollup,
    StatsRollupStation,
    StatsStationToDate,
)

TARGET_MS = 100.0
GRIDS, YEARS = 7, (2020, 2021, 2022, 2023, 2024)
FIRST = dt.date(2020, 1, 1)
# category, kind, weight: a station's mix of calls, cases, disputes, warnings and invalid calls.
SORTS = [
    ("0604", "help", 14), ("0699", "help", 10), ("0602", "lost_property", 8), ("0603", "help", 5),
    ("020501", "dispute", 10), ("020502", "dispute", 5), ("0203", "dispute", 6), ("0201", "case", 5),
    ("0204", "case", 2), ("010401", "case", 3), ("010499", "case", 4), ("010501", "case", 2), ("010502", "case", 2),
    ("0102", "case", 1), ("0801", "fraud_warning", 3), ("0401", "traffic", 6), ("050201", "hazard", 3),
    ("9901", "help", 11),
]  # fmt: skip
CHANNELS = ["call_110"] * 6 + ["phone"] * 2 + ["walk_in", "patrol", "community_group", "anti_fraud"]


def setup_places(count: int) -> list[Station]:
    stations = []
    for index in range(1, count + 1):
        station = Station.objects.create(code=f"s{index:02d}", name=f"第{index}派出所")
        community = Community.objects.create(station=station, name=f"社区{index}")
        police = PoliceGrid.objects.create(station=station, code="PG", name="警格")
        for grid_index in range(1, GRIDS + 1):
            grid = CommunityGrid.objects.create(
                station=station,
                police_grid=police,
                community=community,
                code=f"G{grid_index}",
                name=f"网格{grid_index}",
            )
            GridPopulation.objects.bulk_create(
                GridPopulation(grid=grid, year=year, residents=2000 + 100 * grid_index) for year in YEARS
            )
        stations.append(station)
    return stations


def generate(matters: int, stations: int) -> None:
    """Matters, events and escalations in SQL; a weighted sort and a channel per matter, 90 % resolved."""
    sorts = ",".join(f"({i}, '{code}', '{kind}', {weight})" for i, (code, kind, weight) in enumerate(SORTS))
    channels = ",".join(f"({i}, '{c}')" for i, c in enumerate(CHANNELS))
    days = (dt.date(2024, 12, 31) - FIRST).days + 1
    with connection.cursor() as cur:
        cur.execute(
            f"CREATE TEMP TABLE sorts(i int, code text, kind text, weight int) ; INSERT INTO sorts VALUES {sorts}"
        )
        cur.execute(
            "CREATE TEMP TABLE picks AS SELECT s.i, c.id AS category_id, s.kind, "
            "sum(s.weight) OVER (ORDER BY s.i) - s.weight AS lo, sum(s.weight) OVER (ORDER BY s.i) AS hi "
            "FROM sorts s JOIN codes_code c ON c.table = 'categories' AND c.code = s.code"
        )
        cur.execute(f"CREATE TEMP TABLE chans(i int, channel text); INSERT INTO chans VALUES {channels}")
        cur.execute("SELECT max(hi) FROM picks")
        total_weight = cur.fetchone()[0]
        cur.execute("CREATE TEMP TABLE outs AS SELECT code, id FROM codes_code WHERE \"table\" = 'outcomes'")
        cur.execute(
            f"""
            INSERT INTO matters_matter (station_id, external_ref, kind, channel, category_id, priority, description,
                address_text, grid_id, reported_at, created_at, stage, stage_changed_at, due_at, due_reason,
                satisfaction, transferred_to, extra, search_doc, outcome_id)
            SELECT st.id, '', p.kind, ch.channel, p.category_id, 'normal', 'bench', '', g.id, r.at, r.at,
                CASE WHEN r.resolved THEN 'archived' ELSE 'in_progress' END, r.at, r.at + interval '7 days', '',
                CASE WHEN r.resolved THEN 'satisfied' ELSE '' END, '', '{{}}', '',
                CASE WHEN NOT r.resolved THEN NULL
                     WHEN p.kind = 'case' THEN (SELECT id FROM outs WHERE code='case_opened')
                     WHEN p.kind = 'dispute' THEN (SELECT id FROM outs WHERE code='resolved')
                     ELSE (SELECT id FROM outs WHERE code='helped') END
            FROM (
                SELECT n, floor(random() * {stations})::int AS s, floor(random() * {GRIDS})::int AS gi,
                    floor(random() * {total_weight})::int AS w, floor(random() * {len(CHANNELS)})::int AS c,
                    timestamptz '{FIRST.isoformat()} 00:00+08' + random() * interval '{days} days' AS at,
                    random() < 0.9 AS resolved
                FROM generate_series(1, %s) n
            ) r
            JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM stations_station) st ON st.k = r.s
            JOIN (SELECT id, station_id, row_number() OVER (PARTITION BY station_id ORDER BY id) - 1 AS k
                  FROM stations_communitygrid) g ON g.station_id = st.id AND g.k = r.gi
            JOIN picks p ON r.w >= p.lo AND r.w < p.hi
            JOIN chans ch ON ch.i = r.c
            """,
            [matters],
        )
        cur.execute(
            "INSERT INTO matters_matterevent (matter_id, from_stage, to_stage, at, note, data) "
            "SELECT id, '', 'registered', reported_at, '', '{}' FROM matters_matter"
        )
        cur.execute(
            "INSERT INTO matters_matterevent (matter_id, from_stage, to_stage, at, note, data) "
            "SELECT id, 'in_progress', 'resolved', reported_at + random() * interval '10 days', '', '{}' "
            "FROM matters_matter WHERE outcome_id IS NOT NULL"
        )
        cur.execute(
            "INSERT INTO matters_matterevent (matter_id, from_stage, to_stage, at, note, data) "
            "SELECT id, 'resolved', 'called_back', reported_at + interval '11 days', '', "
            'CASE WHEN random() < 0.95 THEN \'{"satisfaction": "satisfied"}\' '
            'ELSE \'{"satisfaction": "unsatisfied"}\' END::jsonb '
            "FROM matters_matter WHERE outcome_id IS NOT NULL AND random() < 0.8"
        )
        cur.execute(
            "INSERT INTO matters_escalation (matter_id, stage, due_at, escalated_at) "
            "SELECT id, 'registered', reported_at, reported_at FROM matters_matter WHERE random() < 0.03"
        )
        cur.execute("ANALYZE")


def random_period(rng: random.Random) -> Period:
    year = rng.choice(YEARS[1:])
    kind = rng.choice(["month", "quarter", "year", "ytd", "custom"])
    if kind == "month":
        start = dt.date(year, rng.randrange(1, 13), 1)
        return Period(start, month_end(start))
    if kind == "quarter":
        start = dt.date(year, 3 * rng.randrange(4) + 1, 1)
        return Period(start, month_end(add_months(start, 2)))
    if kind == "year":
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))
    if kind == "ytd":
        return Period(dt.date(year, 1, 1), dt.date(year, rng.randrange(1, 13), 1))
    start = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(300))
    return Period(start, start + dt.timedelta(days=rng.randrange(1, 65)))


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def timed(work: object) -> float:
    start = time.perf_counter()
    work()  # type: ignore[operator]
    return (time.perf_counter() - start) * 1000


def prepare(args: argparse.Namespace) -> list[Station]:
    """Migrate; generate the places and matters unless a reused database holds them already."""
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - start:.0f} s")
    stations = list(Station.objects.order_by("code"))
    if args.reuse and len(stations) == args.stations and Matter.objects.count() == args.matters:
        print(f"reusing {args.matters:,} matters in {args.stations} stations of {SCRATCH}")
        return stations
    if stations:
        sys.exit(f"{SCRATCH} holds other data: drop it or give another --db")
    stations = setup_places(args.stations)
    start = time.perf_counter()
    generate(args.matters, args.stations)
    print(f"generated {args.matters:,} matters with their events in {time.perf_counter() - start:.0f} s")
    return stations


def build(mode: str) -> None:
    start = time.perf_counter()
    if mode == "all":
        rebuild()
    elif mode == "months":
        rebuild_months()
    elif mode == "to-date":
        rebuild_to_date()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")  # index-only scans need the visibility map, as autovacuum keeps it
    print(
        f"rollup ({mode}) rebuilt in {time.perf_counter() - start:.0f} s: {StatsRollup.objects.count():,} count "
        f"and {StatsResolveTime.objects.count():,} time-histogram day rows, "
        f"{StatsRollupStation.objects.count():,} station-month count rows, "
        f"{StatsMedianMonth.objects.count():,} station-month median rows, "
        f"{StatsStationToDate.objects.count():,} month-to-date count and "
        f"{StatsMedianToDate.objects.count():,} month-to-date median rows"
    )


def api_client() -> Client:
    """A test client holding a bearer token of a staff user (who may ask for any station)."""
    user, _created = User.objects.get_or_create(username="bench-stats", defaults={"is_staff": True})
    token = "bench-stats-token"
    ApiToken.objects.update_or_create(
        digest=token_digest(token), defaults={"user": user, "expires_at": timezone.now() + dt.timedelta(days=1)}
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")


def api_get(client: Client, station: Station, period: Period, compare: Compare) -> None:
    params = {"station": station.code, "from": period.start, "to": period.end, "compare": compare.value}
    response = client.get("/api/v1/stats/summary", params)
    assert response.status_code == 200, response.content


def main(args: argparse.Namespace) -> None:
    try:
        stations = prepare(args)
        if args.generate_only:
            return
        build(args.rebuild)
        print(f"load average before the queries: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        kpis = list(Kpi.objects.filter(active=True))
        rng = random.Random(6)
        asks = [(rng.choice(stations), random_period(rng), rng.choice(list(Compare))) for _ in range(args.queries)]
        one = [timed(lambda s=s, p=p, c=c: summary(Scope((s.pk,)), p, c, kpis)) for s, p, c in asks]
        client = api_client()
        api = [timed(lambda s=s, p=p, c=c: api_get(client, s, p, c)) for s, p, c in asks]
        county_scope = Scope(tuple(s.pk for s in stations))
        county = [timed(lambda p=p, c=c: summary(county_scope, p, c, kpis)) for _s, p, c in asks[: args.queries // 4]]
        # What a commit costs afterwards: the recount of one (station, day), its month and its month to date.
        recounts = [timed(lambda s=s, p=p: rebuild_days(s.pk, [p.start])) for s, p, _c in asks[:20]]
        raw = [
            timed(lambda s=s, p=p, c=c: [raw_value(k, Scope((s.pk,)), q) for k in kpis for q in (p, p.previous(c))])
            for s, p, c in asks[: args.raw_queries]
        ]
        verdict = "OK" if p95(one) <= TARGET_MS else "OVER"
        print(f"summary, one station: p95 {p95(one):.1f} ms, median {statistics.median(one):.1f} ms "
              f"over {len(one)} periods (target {TARGET_MS:.0f} ms: {verdict})")  # fmt: skip
        print(f"summary API (GET /api/v1/stats/summary through Django's test client), one station: "
              f"p95 {p95(api):.1f} ms, median {statistics.median(api):.1f} ms")  # fmt: skip
        county_median = statistics.median(county)
        print(f"summary, county of {args.stations}: p95 {p95(county):.1f} ms, median {county_median:.1f} ms")
        print(f"recount of one station-day (after a commit): median {statistics.median(recounts):.0f} ms, "
              f"max {max(recounts):.0f} ms over {len(recounts)} days")  # fmt: skip
        print(f"same figures from the raw rows, one station: median {statistics.median(raw):.0f} ms, "
              f"max {max(raw):.0f} ms over {len(raw)} periods")  # fmt: skip
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        connections.close_all()
        if not (args.keep or args.reuse):
            admin(f"DROP DATABASE IF EXISTS {SCRATCH}")


if __name__ == "__main__":
    main(ARGS)
