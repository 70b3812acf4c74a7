"""`fengqiao repeats`: the ranking of a period as CSV or XLSX, computed in SQL, with personal data masked."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook

from fengqiao.matters.domain.registration import PartyInput
from fengqiao.staff.models import User
from fengqiao.stations.models import Station
from tests.analysis import test_repeats as shared
from tests.analysis.test_repeats import FLAT, LIU, ZHANG, a_call, caller

_english, flat, call = shared._english, shared.flat, shared.call

HEADER = [
    "Rank",
    "Linked by",
    "Place or people",
    "Calls in the period",
    "Most calls within 30 days",
    "First call",
    "Last call",
]


@pytest.fixture
def busy_station(call, other_station: Station, other_chief: User) -> None:  # type: ignore[no-untyped-def]
    """刘某 and 张某 call four times from the flat; 王某 calls three times far apart; another station has a repeat."""
    for days in (40, 28, 19, 10):
        call(days, address=FLAT, parties=[LIU, ZHANG])
    for days in (100, 60, 20):
        call(days, parties=[caller("王某", "13812345678")])
    for days in (3, 2, 1):
        a_call(other_station, other_chief, days, parties=[PartyInput("赵某", "reporter", "13999999999")])


def today() -> str:
    return timezone.localdate().isoformat()


def since(days: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days)).isoformat()


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("repeats", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_csv_ranks_the_pair_persons_and_flat_with_masked_data(busy_station: None) -> None:
    rows = list(csv.reader(io.StringIO(run("--station", "lucheng", "--since", since(120)))))

    assert rows[0] == HEADER
    ranked = [(row[1], row[2], row[3], row[4]) for row in rows[1:]]
    assert ranked == [
        ("Same pair of parties", "刘某 159****1265 1309**********2150 & 张某 188****5402 1309**********1374", "4", "4"),
        ("Same person", "刘某 159****1265 1309**********2150", "4", "4"),
        ("Same person", "张某 188****5402 1309**********1374", "4", "4"),
        ("Same address", FLAT, "4", "4"),
    ]
    # 刘某's and 张某's phones belong to one person record each: their person rows say it all.
    text = "\n".join(",".join(row) for row in rows)
    for secret in ("15903171265", "130981197506022150", "13812345678", "13999999999"):
        assert secret not in text


def wang_rows(*args: str) -> list[tuple[str, str]]:
    """王某 gives no ID number: three person records, one phone — the phone is what repeats."""
    rows = list(csv.reader(io.StringIO(run("--station", "lucheng", "--since", since(120), *args))))
    return [(row[3], row[4]) for row in rows if row[2] == "138****5678 (王某)"]


def test_a_longer_window_or_a_lower_minimum_find_more(busy_station: None) -> None:
    # 王某 called 100, 60 and 20 days ago: 40 days apart each.
    assert wang_rows() == []
    assert wang_rows("--window", "90") == [("3", "3")]
    assert wang_rows("--window", "45", "--min", "2") == [("3", "2")]
    assert run("--station", "lucheng", "--since", since(120), "--window", "45").splitlines()[0].split(",")[4] == (
        "Most calls within 45 days"
    )


def test_the_period_limits_what_is_counted(busy_station: None) -> None:
    rows = list(csv.reader(io.StringIO(run("--station", "lucheng", "--since", since(30), "--until", today()))))

    assert {row[3] for row in rows[1:]} == {"3"}  # the call 40 days ago is before the period


def test_the_xlsx_sheet_reads_back_with_the_same_rows(busy_station: None, tmp_path: Path) -> None:
    output = tmp_path / "repeats.xlsx"
    call_command(
        "repeats", "--station", "lucheng", "--since", since(120), "--format", "xlsx", "--output", str(output),
        stdout=io.StringIO(), stderr=io.StringIO(),
    )  # fmt: skip

    sheet = load_workbook(output).active
    assert sheet is not None
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == HEADER
    assert values[1][:5] == [
        1,
        "Same pair of parties",
        "刘某 159****1265 1309**********2150 & 张某 188****5402 1309**********1374",
        4,
        4,
    ]
    assert len(values) == 5
    assert "15903171265" not in str(values)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--station", "nowhere", "--since", "2024-01-01"], "No station has the code “nowhere”."),
        (["--station", "lucheng", "--since", "31/07/2024"], "“31/07/2024” is not a date; write it as 2024-07-31."),
        (["--station", "lucheng", "--since", "2024-02-01", "--until", "2024-01-01"], "must come after its start"),
        (["--station", "lucheng", "--since", "2024-01-01", "--window", "0"], "--window: The window must be 1 to"),
        (["--station", "lucheng", "--since", "2024-01-01", "--min", "1"], "--min: The minimum must be 2 to 100"),
        (["--station", "lucheng", "--since", "2024-01-01", "--format", "xlsx"], "An XLSX sheet needs --output FILE."),
    ],
)
def test_bad_input_is_named(station: Station, args: list[str], message: str) -> None:
    with pytest.raises(CommandError) as refused:
        run(*args)

    assert message in str(refused.value)
