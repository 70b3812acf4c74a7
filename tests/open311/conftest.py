"""An Open311 client's view of the station: anonymous GETs, POSTs with an API key, answers checked against the
published GeoReport v2 definitions (see schemas/georeport_v2.json for where they come from)."""

import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from django.test import Client

from fengqiao.matters.models import Matter
from fengqiao.open311.models import Open311ApiKey
from fengqiao.reports.domain.submission import ReportInput, submit
from fengqiao.reports.models import Report
from fengqiao.stations.models import Station

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "georeport_v2.json").read_text())
# W3C date-time with seconds and a zone, e.g. 2024-08-01T09:30:00+08:00 or …Z.
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
KEY = "fq311_test-key-of-the-community-app"


def valid(data: Any, definition: str, many: bool = True) -> Any:
    """`data` checked against a definition (an array of them when `many`); returns it for chaining."""
    item = {"$ref": f"#/definitions/{definition}"}
    schema = {"definitions": SCHEMA["definitions"], **({"type": "array", "items": item} if many else item)}
    jsonschema.Draft4Validator(schema).validate(data)
    return data


def undeclared(row: dict[str, Any], definition: str) -> set[str]:
    """Keys the published definition does not know: a response should have none."""
    return set(row) - set(SCHEMA["definitions"][definition]["properties"])


def xml_of(response: Any) -> ET.Element:
    body = response.content.decode()
    assert body.startswith('<?xml version="1.0" encoding="utf-8"?>')
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return ET.fromstring(body.split("\n", 1)[1])


def json_of(response: Any) -> Any:
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


@pytest.fixture
def client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def api_key(station: Station) -> Open311ApiKey:
    row = Open311ApiKey(station=station, name="华丽社区小程序")
    row.set_key(KEY)
    row.save()
    return row


Report_ = Callable[..., Report]


@pytest.fixture
def report(station: Station) -> Report_:
    """A resident's report as the web form makes it (defaults: a fire hazard with a place and a phone)."""

    def _report(**overrides: Any) -> Report:
        values: dict[str, Any] = {
            "category": "0502",
            "description": "楼道里有人给电动车充电",
            "address": "华丽社区3号楼",
            "latitude": Decimal("37.946212"),
            "longitude": Decimal("115.218500"),
            "name": "李某",
            "phone": "13812345678",
            "consent": True,
        }
        values.update(overrides)
        return submit(station, ReportInput(**values))

    return _report


def matter_of(report: Report) -> Matter:
    return Matter.objects.get(pk=report.matter_id)
