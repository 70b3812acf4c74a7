"""A resident on their phone: an anonymous browser asking for English pages (the source strings), and a few
ways of sending a report. The rate-limit counter lives in the cache, which is emptied around every test."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fengqiao.reports.models import Report
from fengqiao.stations.models import Station

# The PNG signature and an IHDR chunk: enough for the type to be sniffed from the content.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"

Send = Callable[..., Any]


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def resident() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def a_report(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "category": "0502",
        "description": "楼道里堆满了电动车，有人在楼道充电",
        "address": "华丽社区3号楼2单元",
        "phone": "",
        "consent": "",
    }
    values.update(overrides)
    return values


def a_photo(name: str = "photo.png", content: bytes = PNG, size: int | None = None) -> SimpleUploadedFile:
    if size is not None:
        content = content + b"\0" * (size - len(content))
    return SimpleUploadedFile(name, content, content_type="image/png")


@pytest.fixture
def send(resident: Client, station: Station) -> Send:
    """POST the report form of the station as the resident; follow the redirect to the status page."""

    def _send(client: Client | None = None, **overrides: object) -> Any:
        return (client or resident).post(f"/report/{station.code}/", a_report(**overrides), follow=True)

    return _send


def only_report() -> Report:
    return Report.objects.select_related("matter").get()


def text_of(response: Any) -> str:
    return str(response.content.decode())
