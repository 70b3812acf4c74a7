"""`fengqiao knox` end to end: a real CSV file, a station's matters, and the messages for bad input."""

import datetime as dt
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from fengqiao.matters.domain.transitions import Step, transition
from fengqiao.staff.models import User
from fengqiao.stations.models import Station

DATA = Path(__file__).parent.parent / "data" / "knox"
BURGLARIES = DATA / "chicago_be_month1.csv"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted against their English msgids; the zh-hans wording belongs to the catalogue."""
    with translation.override("en"):
        yield


def knox(*arguments: str) -> str:
    out = io.StringIO()
    call_command("knox", *arguments, stdout=out)
    return out.getvalue()


def test_a_real_file_gives_the_tables_the_summary_and_a_json_file_with_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "burglary.json"

    printed = knox(str(BURGLARIES), "--seed", "20160101", "--simulations", "199", "--json", str(out))

    figures = json.loads(out.read_text(encoding="utf-8"))
    assert (figures["events"], figures["pairs"], figures["simulations"], figures["seed"]) == (
        970,
        469965,
        199,
        20160101,
    )
    assert figures["distance"] == "manhattan"
    assert [band["label"] for band in figures["space_bands"]] == [
        "[0, 1) m",
        "[1, 100) m",
        "[100, 200) m",
        "[200, 300) m",
        "[300, ∞) m",
    ]
    assert figures["space_bands"][-1] == {"from": 300.0, "to": None, "label": "[300, ∞) m"}
    assert figures["observed"][:2] == [[28, 5, 5, 2], [44, 13, 8, 4]]
    assert figures["p_value"][1][0] == 1 / 200  # no simulation reached 44 pairs within 100 m and 7 days
    assert figures["knox_ratio"][1][0] == pytest.approx(44 / figures["simulated_mean"][1][0])
    assert {"space": 1, "time": 0} in figures["significant"]
    percent = round((figures["knox_ratio"][1][0] - 1) * 100)
    assert f"Within 100 m, for up to 7 days, risk is {percent} % higher" in figures["summary"]["en"][1]
    assert f"100米以内、7天之内，风险高出{percent}%" in figures["summary"]["zh-hans"][1]
    assert "[1, 100) m" in printed
    assert f"Within 100 m, for up to 7 days, risk is {percent} % higher" in printed
    assert f"100米以内、7天之内，风险高出{percent}%" in printed
    assert "970" in printed and "20160101" in printed


@pytest.fixture
def burglaries_near_the_market(station: Station, officer: User, make_matter):  # type: ignore[no-untyped-def]
    """Three burglaries within 50 m around midnight of 1/2 March (Shanghai), a noise complaint among them."""

    def at(lat: str, lng: str, when: dt.datetime, category: str = "010401"):  # type: ignore[no-untyped-def]
        return make_matter(
            category=category,
            kind="case",
            description="入室盗窃",
            latitude=Decimal(lat),
            longitude=Decimal(lng),
            reported_at=when.replace(tzinfo=SHANGHAI),
        )

    at("28.000000", "120.650000", dt.datetime(2024, 3, 1, 23, 30))
    at("28.000200", "120.650000", dt.datetime(2024, 3, 2, 0, 30))  # 22 m north, the next local day
    at("28.000000", "120.650300", dt.datetime(2024, 3, 20, 9, 0))  # 29 m east
    at("28.000100", "120.650100", dt.datetime(2024, 3, 2, 10, 0), category="0203")  # noise, not a burglary
    make_matter(category="010401", description="没有坐标的盗窃")  # no coordinates: cannot be placed


def test_a_stations_matters_of_the_chosen_categories_are_the_events(burglaries_near_the_market, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "station.json"

    knox("--station", "lucheng", "--categories", "0104", "--space-bands", "0,1,100", "--time-bands", "0,1,7",
         "--distance", "euclidean", "--simulations", "9", "--seed", "1", "--json", str(out))  # fmt: skip

    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["events"] == 3
    # 23:30 and 00:30 local time are one day apart in Shanghai (both 1 March in UTC); 18 and 19 days to the third.
    assert figures["observed"] == [[0, 0, 0], [0, 1, 2], [0, 0, 0]]


def test_a_merged_matter_is_not_counted_again(
    burglaries_near_the_market, officer: User, make_matter, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    original = make_matter(category="010401", latitude=Decimal("28.0"), longitude=Decimal("120.65"))
    duplicate = make_matter(category="010401", latitude=Decimal("28.0"), longitude=Decimal("120.65"))
    transition(duplicate.pk, officer, Step(to="merged", into=original.pk))
    out = tmp_path / "merged.json"

    knox("--station", "lucheng", "--categories", "0104", "--simulations", "9", "--seed", "1", "--json", str(out))

    assert json.loads(out.read_text(encoding="utf-8"))["events"] == 4


def test_a_station_without_enough_located_matters_is_told_so(station: Station) -> None:
    with pytest.raises(CommandError) as refused:
        knox("--station", "lucheng", "--categories", "0104")

    assert str(refused.value) == "The station has 0 located matters; the test needs 2."


def test_an_unknown_station_is_named(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError) as refused:
        knox("--station", "nowhere")

    assert str(refused.value) == "There is no station with code “nowhere”."


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "events.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


HEADER = ": it needs a header row with x, y, date or lat, lng, date."
ONE_EVENT = "x,y,date\n0,0,2024-01-01\n"


@pytest.mark.parametrize(
    ("csv", "message"),
    [
        ("x,y,when\n0,0,2024-01-01\n", "The file has no column date" + HEADER),
        ("lat,date\n30,2024-01-01\n", "The file has no column lng" + HEADER),
        (ONE_EVENT + "5,5,2024-02-30\n", "Line 3: “2024-02-30” in column date is not an ISO date (YYYY-MM-DD)."),
        (ONE_EVENT + "5,五,2024-01-02\n", "Line 3: “五” in column y is not a number."),
        (ONE_EVENT + ",5,2024-01-02\n", "Line 3: “” in column x is not a number."),
        ("x,y,date\n0,nan,2024-01-01\n5,5,2024-01-02\n", "Line 2: “nan” in column y is not a number."),
        (
            "lat,lng,date\n91,120,2024-01-01\n30,120,2024-01-02\n",
            "Latitudes must lie within ±90 and longitudes within ±180 degrees.",
        ),
        (ONE_EVENT, "The file needs at least 2 events, it has 1."),
    ],
)
def test_a_bad_file_is_refused_with_a_message_naming_the_problem(tmp_path: Path, csv: str, message: str) -> None:
    with pytest.raises(CommandError) as refused:
        knox(write(tmp_path, csv))

    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--space-bands", "0,200,100"], "--space-bands must be strictly increasing."),
        (["--time-bands", "0,7,7"], "--time-bands must be strictly increasing."),
        (["--time-bands", "1,7"], "--time-bands must start at 0."),
        (["--simulations", "0"], "--simulations must be at least 1."),
        (["--station", "lucheng"], "Give either a FILE or --station CODE."),
        (["--categories", "0104"], "--categories applies to --station only."),
    ],
)
def test_bad_options_are_refused_with_a_message_naming_the_problem(arguments: list[str], message: str) -> None:
    with pytest.raises(CommandError) as refused:
        knox(str(BURGLARIES), *arguments)

    assert str(refused.value) == message


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as refused:
        knox(str(tmp_path / "absent.csv"))

    assert str(refused.value) == f"Cannot read {tmp_path / 'absent.csv'}: No such file or directory"


def test_on_the_command_line_bad_input_is_one_line_without_a_traceback(tmp_path: Path) -> None:
    bad = write(tmp_path, "x,y,date\n0,0,2024-01-01\n5,5,yesterday\n")
    environment = {**os.environ, "FENGQIAO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "fengqiao.settings"}

    run = subprocess.run(
        [sys.executable, "-m", "fengqiao", "knox", bad], capture_output=True, text=True, env=environment, check=False
    )

    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    # A separate process speaks the default language (zh-hans): the catalogue's wording, still one line.
    assert run.stderr.strip() == "CommandError: 第3行：date列中的“yesterday”不是ISO日期（YYYY-MM-DD）。"


def test_a_file_the_csv_reader_cannot_parse_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "x,y,date\n" + "1" * 200_000 + ",0,2024-01-01\n")

    with pytest.raises(CommandError) as refused:
        knox(path)

    assert str(refused.value) == f"{path} is not a CSV file: field larger than field limit (131072)"
