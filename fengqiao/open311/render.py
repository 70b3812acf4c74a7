"""Responses as GeoReport v2 writes them: the same data as JSON or as schemaless XML (the Spark convention).

A list becomes a root element with one child per item (`<services><service>…`), an object becomes a root
element with one child per key; nested lists take their singular child names from `CHILD_NAMES`. Keys whose
value is None are left out in both formats ("may not be returned").
"""

import datetime as dt
import json
from decimal import Decimal
from typing import Literal
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

Format = Literal["json", "xml"]
Value = str | int | float | bool | Decimal | None | list["Value"] | dict[str, "Value"]

CONTENT_TYPES: dict[str, str] = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
CHILD_NAMES = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'


class Open311Error(Exception):
    """A refusal in the spec's shape: `code` in the body, `status` in the HTTP header (400, 403 or 404)."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def w3c(value: dt.datetime) -> str:
    """`2024-08-01T09:30:00+08:00`: the station's zone, whole seconds, the offset always written."""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def respond(fmt: Format, root: str, item: str, data: Value, status: int = 200) -> HttpResponse:
    if fmt == "json":
        body = json.dumps(_pruned(data), ensure_ascii=False, default=_number)
    else:
        body = XML_DECLARATION + ET.tostring(_element(root, item, data), encoding="unicode")
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: Format, status: int, *descriptions: str) -> HttpResponse:
    rows: list[Value] = [{"code": status, "description": text} for text in descriptions]
    return respond(fmt, "errors", "error", rows, status=status)


def _pruned(data: Value) -> Value:
    if isinstance(data, dict):
        return {key: _pruned(value) for key, value in data.items() if value is not None}
    if isinstance(data, list):
        return [_pruned(value) for value in data]
    return data


def _number(value: object) -> float:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _element(name: str, item: str, data: Value) -> ET.Element:
    element = ET.Element(name)
    if isinstance(data, list):
        for value in data:
            element.append(_element(item, CHILD_NAMES.get(item, item), value))
    elif isinstance(data, dict):
        for key, value in data.items():
            if value is not None:
                element.append(_element(key, CHILD_NAMES.get(key, key), value))
    else:
        element.text = _text(data)
    return element


def _text(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
