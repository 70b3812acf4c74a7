"""GET services and services/{code}: the public subset of the call categories, as the spec writes them."""

from django.test import Client

from fengqiao.stations.models import Station
from tests.open311.conftest import json_of, undeclared, valid, xml_of


def test_the_service_list_is_the_public_categories_in_json(client: Client, station: Station) -> None:
    services = valid(json_of(client.get("/open311/v2/services.json")), "Service")

    by_code = {row["service_code"]: row for row in services}
    assert by_code["0502"] == {
        "service_code": "0502",
        "service_name": "Fire hazard",
        "description": "Fire / Fire hazard",
        "metadata": False,
        "type": "realtime",
        "keywords": "消防隐患, Fire hazard",
        "group": "Fire",
    }
    assert {"0602", "0701", "0205"} <= set(by_code)
    assert "0101" not in by_code and "0801" not in by_code  # homicide, anti-fraud warnings: not for the public
    assert all(not undeclared(row, "Service") for row in services)


def test_the_service_list_in_xml_has_the_specs_elements(client: Client, station: Station) -> None:
    root = xml_of(client.get("/open311/v2/services.xml"))

    assert root.tag == "services"
    first = root.find("service")
    assert first is not None
    assert [child.tag for child in first] == [
        "service_code", "service_name", "description", "metadata", "type", "keywords", "group",
    ]  # fmt: skip
    assert first.findtext("metadata") == "false"
    assert {s.findtext("service_code") for s in root.findall("service")} >= {"0502", "0602"}


def test_labels_follow_the_clients_language(station: Station) -> None:
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    services = json_of(chinese.get("/open311/v2/services.json"))
    assert {"service_code": "0502", "service_name": "消防隐患"}.items() <= services[0].items()


def test_a_service_definition_has_an_empty_attribute_list(client: Client, station: Station) -> None:
    definition = valid(json_of(client.get("/open311/v2/services/0502.json")), "ServiceDefinition", many=False)
    assert definition == {"service_code": "0502", "attributes": []}

    root = xml_of(client.get("/open311/v2/services/0502.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "0502"
    attributes = root.find("attributes")
    assert attributes is not None and list(attributes) == []


def test_an_unknown_service_is_a_404_in_the_specs_error_shape(client: Client, station: Station) -> None:
    response = client.get("/open311/v2/services/0101.json")
    assert response.status_code == 404
    assert valid(json_of(response), "Error") == [
        {"code": 404, "description": "“0101” is not a service residents can report."}
    ]

    response = client.get("/open311/v2/services/nope.xml")
    assert response.status_code == 404
    root = xml_of(response)
    assert root.tag == "errors"
    assert [(e.findtext("code"), e.findtext("description")) for e in root.findall("error")] == [
        ("404", "“nope” is not a service residents can report.")
    ]


def test_jurisdiction_id_is_required_once_there_are_several_stations(
    client: Client, station: Station, other_station: Station
) -> None:
    missing = client.get("/open311/v2/services.json")
    assert missing.status_code == 400
    assert json_of(missing) == [
        {
            "code": 400,
            "description": "jurisdiction_id was not provided; this endpoint serves several stations: bozhen, lucheng.",
        }
    ]

    unknown = client.get("/open311/v2/services.json", {"jurisdiction_id": "atlantis"})
    assert unknown.status_code == 404
    assert json_of(unknown) == [{"code": 404, "description": "jurisdiction_id “atlantis” was not found."}]

    assert client.get("/open311/v2/services.json", {"jurisdiction_id": "lucheng"}).status_code == 200


def test_an_unknown_resource_or_format_is_a_404_in_shape(client: Client, station: Station) -> None:
    response = client.get("/open311/v2/services.csv")
    assert response.status_code == 404
    assert xml_of(response).findtext("error/code") == "404"
    assert json_of(client.get("/open311/v2/potholes.json"))[0]["code"] == 404


def test_a_wrong_method_is_a_400_in_shape(client: Client, station: Station) -> None:
    response = client.delete("/open311/v2/services.json")
    assert response.status_code == 400
    assert json_of(response) == [{"code": 400, "description": "This resource does not accept DELETE."}]


def test_discovery_names_the_endpoint_and_its_formats(client: Client, station: Station) -> None:
    discovery = json_of(client.get("/open311/v2/discovery.json"))
    assert discovery["contact"] == "鹿城派出所"
    assert discovery["endpoints"] == [
        {
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": "http://testserver/open311/v2/",
            "changeset": discovery["changeset"],
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }
    ]
    root = xml_of(client.get("/open311/v2/discovery.xml"))
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]
