"""Benchmark of the ledger import: rows/s, peak memory, and the ratio to a raw sqlite3.executemany.

Generates a 110-export CSV of --rows rows (mixed time formats, full-width digits, phones with spaces, a few
invalid values), imports it with `fengqiao import_calls --commit` in a child process into a fresh SQLite
database in a temporary directory, and reads the child's wall time and peak RSS. The baseline, in the same run:
the same rows, normalised by the importer's own parser beforehand (not timed), read back from a CSV and
inserted with `sqlite3.executemany` in batches of the same size, one commit per batch, into one table with the
same unique (station, call number) and (station, reported time) indexes, on the same pragmas.

    .venv/bin/python bench/import_calls.py --rows 100000
"""

import argparse
import csv
import datetime as dt
import os
import random
import resource
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET = {"seconds per million": 60.0, "rss_mb": 300.0, "ratio": 3.0}

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "建国"]
PLACES = ["华丽社区", "东港豪庭小区", "中山东路", "鹿城镇政府街", "泊镇商贸城", "临港工业园"]
CATEGORIES = [
    "邻里纠纷",
    "家庭纠纷",
    "0104",
    "入室盗窃",
    "電信詐騙",
    "交通事故",
    "其它求助",
    "噪声扰民",
    "预警指令",
    "050201",
]
EVENTS = ["反映楼上漏水", "称电动车被盗", "与邻居因停车发生口角", "接到自称客服电话要求转账", "家中老人走失",
          "路口两车刮蹭", "深夜装修噪声扰民", "楼道内电动车充电", "钱包遗失请求帮助", "夫妻吵架请求调解"]  # fmt: skip
HEADER = [
    "警情编号",
    "报警时间",
    "报警人",
    "联系电话",
    "身份证号",
    "发生地址",
    "警情类别",
    "简要警情",
    "处警单位",
    "经度",
    "纬度",
]


def id_number(rng: random.Random) -> str:
    from fengqiao.lib.idnumber import check_char

    body = f"130181{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return body + check_char(body)


def when(i: int, count: int) -> str:
    """The i-th of `count` calls spread over 2024 in order, as a 110 export lists them, in one of four forms."""
    at = dt.datetime(2024, 1, 1) + dt.timedelta(minutes=i * 366 * 24 * 60 // count)
    forms = [
        f"{at.year}/{at.month}/{at.day} {at.hour}:{at.minute:02d}",
        f"{at:%Y-%m-%d %H:%M}:00",
        f"{at.year}年{at.month}月{at.day}日{at.hour}时{at.minute:02d}分",
        f"{at:%Y%m%d%H%M}00",
    ]
    return forms[i % 4]


def fake_rows(count: int, seed: int = 7) -> Iterator[list[str]]:
    rng = random.Random(seed)
    for i in range(count):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        phone = f"1{rng.randint(3, 9)}{rng.randint(0, 999999999):09d}"
        phone = f"{phone[:3]} {phone[3:7]} {phone[7:]}" if i % 3 == 0 else phone
        place = f"{rng.choice(PLACES)}{rng.randint(1, 30)}号楼{rng.randint(1, 4)}单元{rng.randint(101, 1802)}室"
        yield [
            f"J130181202407{i:09d}",
            when(i, count),
            name,
            phone if i % 97 else "12345",  # about 1% invalid phones: warnings, not rejections
            id_number(rng) if i % 5 == 0 else "",
            place.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"}) if i % 10 == 0 else place,
            rng.choice(CATEGORIES),
            f"{name}{rng.choice(EVENTS)}",
            "鹿城派出所",
            f"{115.2 + rng.random() / 10:.6f}",
            f"{37.9 + rng.random() / 10:.6f}",
        ]


def write_csv(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["鹿城派出所 2024年7月 接警记录"])  # a title above the header, as exports have
        writer.writerow(HEADER)
        writer.writerows(fake_rows(count))


def setup_django(db: Path) -> None:
    os.environ.update(FENGQIAO_SQLITE=str(db), FENGQIAO_DEBUG="1", DJANGO_SETTINGS_MODULE="fengqiao.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from fengqiao.stations.models import Station

    call_command("migrate", verbosity=0)
    Station.objects.create(code="lucheng", name="鹿城派出所")


def run_import(source: Path, env: dict[str, str], repeats: bool) -> tuple[float, float, list[str]]:
    """Wall seconds, peak RSS in MB of the child, and its summary and SQL time lines."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(source), *([] if repeats else ["--no-repeats"])],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    lines = done.stdout.splitlines()
    summary = next(line for line in lines if "imported" in line or "导入" in line)
    return seconds, rss_mb, [summary, *(line for line in lines if line.startswith("sql"))]


def child(source: Path, repeats: bool) -> None:
    """The import itself, in the child process: `fengqiao import_calls --commit`, optionally without repeats."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if not repeats:
        from fengqiao.matters.signals import matter_registered

        matter_registered.disconnect(dispatch_uid="analysis.repeats")
    sql = SqlClock()
    with connection.execute_wrapper(sql):
        call_command("import_calls", str(source), "--station", "lucheng", "--commit")
    print(f"sql: {sql.seconds:.1f} s in {sql.statements:,} statements (the database executing them, in the writer)")
    print(f"sql by kind: {sql.top()}")


class SqlClock:
    """A database execute wrapper: the time the writing process spends inside the database, by statement kind."""

    def __init__(self) -> None:
        self.seconds, self.statements = 0.0, 0
        self.by_kind: Counter[str] = Counter()

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - start
            self.seconds += spent
            self.statements += 1
            self.by_kind[statement_kind(sql)] += spent

    def top(self, count: int = 8) -> str:
        return "; ".join(f"{kind} {seconds:.1f} s" for kind, seconds in self.by_kind.most_common(count))


def statement_kind(sql: str) -> str:
    """`INSERT matters_matter`, `SELECT people_person` …: the verb and the first table the statement names."""
    words = sql.replace('"', " ").replace("(", " ").split()
    verb = words[0].upper() if words else "?"
    table = next((w for w in words[1:] if "_" in w and w.islower() and w.replace("_", "").isalnum()), "")
    return f"{verb} {table}".strip()


def normalised_file(source: Path, target: Path) -> int:
    """The rows as the importer's parser normalises them, written to a CSV (not timed)."""
    from fengqiao.imports.domain import jobs
    from fengqiao.imports.domain.categories import Categories
    from fengqiao.imports.domain.reading import read_rows
    from fengqiao.imports.domain.rows import RowParser

    header = jobs.prepare(source)
    parser = RowParser(header, Categories())
    count = 0
    with target.open("w", newline="") as handle:
        writer = csv.writer(handle)
        for number, values in read_rows(source):
            if number <= header.row:
                continue
            reg = parser.parse(number, values).registration
            if reg is None:
                continue
            party = reg.parties[0] if reg.parties else None
            writer.writerow(
                [
                    *(reg.external_ref, reg.reported_at.isoformat() if reg.reported_at else "", reg.kind),
                    *(reg.category, reg.description, reg.address, reg.latitude, reg.longitude),
                    *((party.name, party.phone, party.id_number) if party else ("", "", "")),
                    repr(reg.extra),
                ]
            )
            count += 1
    return count


BASELINE_SCHEMA = [
    "CREATE TABLE calls (id INTEGER PRIMARY KEY AUTOINCREMENT, station_id INTEGER NOT NULL, external_ref TEXT, "
    "reported_at TEXT, kind TEXT, category TEXT, description TEXT, address TEXT, latitude TEXT, longitude TEXT, "
    "name TEXT, phone TEXT, id_number TEXT, extra TEXT)",
    "CREATE UNIQUE INDEX calls_ref ON calls (station_id, external_ref) WHERE external_ref != ''",
    "CREATE INDEX calls_reported ON calls (station_id, reported_at)",
]


def run_baseline(rows_file: Path, db: Path, batch: int) -> float:
    connection = sqlite3.connect(db, isolation_level=None)
    connection.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")
    for statement in BASELINE_SCHEMA:
        connection.execute(statement)
    insert = "INSERT INTO calls VALUES (NULL, 1, " + ", ".join("?" * 12) + ")"
    start = time.perf_counter()
    with rows_file.open(newline="") as handle:
        reader = csv.reader(handle)
        while chunk := [row for _, row in zip(range(batch), reader, strict=False)]:
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany(insert, chunk)
            connection.execute("COMMIT")
    seconds = time.perf_counter() - start
    connection.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--no-repeats", action="store_true", help="without the repeat-call check (analysis) at each registration"
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, repeats=not args.no_repeats)
    work = Path(tempfile.mkdtemp(prefix="fengqiao-import-calls-bench-"))
    source, db = work / "calls.csv", work / "fengqiao.sqlite3"
    started = time.perf_counter()
    write_csv(source, args.rows)
    print(
        f"generated {args.rows:,} rows ({source.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s"
    )
    setup_django(db)
    # The import runs as in production: without DEBUG, which logs every query, hence with a secret key of its own.
    env = {**os.environ, "FENGQIAO_SQLITE": str(db), "SECRET_KEY": secrets.token_urlsafe(50)}
    env.pop("FENGQIAO_DEBUG", None)
    seconds, rss_mb, summary = run_import(source, env, repeats=not args.no_repeats)
    print("\n".join(summary))
    rate = args.rows / seconds
    print(f"import:   {args.rows:,} rows in {seconds:.1f} s = {rate:,.0f} rows/s; peak RSS {rss_mb:.0f} MB", flush=True)
    from fengqiao.imports.domain.batches import BATCH_SIZE

    count = normalised_file(source, work / "normalised.csv")
    baseline = run_baseline(work / "normalised.csv", work / "baseline.sqlite3", BATCH_SIZE)
    report(args.rows, seconds, rss_mb, baseline, count)
    if not args.keep:
        for path in sorted(work.iterdir()):
            path.unlink()
        work.rmdir()
    else:
        print(f"kept {work}")


def report(rows: int, seconds: float, rss_mb: float, baseline: float, count: int) -> None:
    ratio = seconds / baseline
    per_million = seconds * 1_000_000 / rows
    print(f"baseline: {count:,} rows in {baseline:.1f} s = {count / baseline:,.0f} rows/s (sqlite3.executemany)")
    print(f"ratio:    {ratio:.2f}")
    verdicts = [
        ("time per 1M rows", per_million, TARGET["seconds per million"], "s"),
        ("peak RSS", rss_mb, TARGET["rss_mb"], "MB"),
        ("ratio", ratio, TARGET["ratio"], ""),
    ]
    for name, value, limit, unit in verdicts:
        print(
            f"  {name:<17} {value:8.1f} {unit:<2} target ≤ {limit:g} {unit}: {'met' if value <= limit else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
