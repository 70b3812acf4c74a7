"""An Open311 client from PyPI reads our services and requests: `georeport` 0.3.1 against the live server."""

from typing import Any

import pytest
from georeport import GeoReport

from fengqiao.codes.loader import load_defaults
from tests.open311.conftest import Report_, matter_of


def one_or_more(rows: Any) -> list[Any]:
    """xmltodict reads a lone `<request>` as an object, not a list: the client's quirk, not the answer's."""
    return rows if isinstance(rows, list) else [rows]


@pytest.fixture
def codes(transactional_db: None) -> None:
    """The flush between transactional tests removes the code tables that a data migration loaded."""
    load_defaults()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_the_georeport_client_reads_services_and_requests(
    live_server: object, codes: None, report: Report_, output_format: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    first, second = matter_of(report()), matter_of(report(category="0602", description="丢了一个黑色书包"))
    client = GeoReport(f"{live_server.url}/open311/v2/", output_format=output_format)  # type: ignore[attr-defined]

    services = client.get_service_list()
    assert {"service_code": "0502", "service_name": "消防隐患"}.items() <= services[0].items()
    assert client.get_service_definition("0502")["service_code"] == "0502"

    requests = client.get_service_requests()
    assert {row["service_request_id"] for row in requests} == {first.reference, second.reference}
    (lost,) = one_or_more(client.get_service_requests(service_code="0602"))
    assert (lost["service_request_id"], lost["service_name"]) == (second.reference, "物品遗失")
    single = client.get_service_request(first.reference)
    assert (single["service_request_id"], single["status"], single["service_code"]) == (
        first.reference,
        "open",
        "0502",
    )
