"""Code tables, the OpenAPI document and the offline docs page."""

import json
import re

import pytest

from fengqiao.codes.models import Code
from tests.api.conftest import error_of


def test_kinds_are_listed_with_english_labels_on_request(api, chief):  # type: ignore[no-untyped-def]
    response = api(chief).client.get("/api/v1/codes/kinds", HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()[:2] == [
        {"code": "help", "label": "Help request", "parent": None},
        {
            "code": "dispute",
            "label": "Dispute",
            "parent": None,
        },
    ]


@pytest.mark.parametrize(
    ("table", "code"),
    [
        ("channels", "call_110"),
        ("priorities", "urgent"),
        ("stages", "called_back"),
        ("satisfaction", "basically_satisfied"),
        ("party_roles", "victim"),
        ("action_kinds", "inquiry_record"),
        ("outcomes", "helped"),
    ],
)
def test_every_code_table_lists_its_codes(api, chief, table: str, code: str):  # type: ignore[no-untyped-def]
    rows = api(chief).get(f"/codes/{table}").json()

    assert code in [row["code"] for row in rows]
    assert all(row["label"] for row in rows)


def test_categories_carry_their_parent_and_chinese_labels_by_default(api, chief):  # type: ignore[no-untyped-def]
    rows = {row["code"]: row for row in api(chief).get("/codes/categories").json()}

    assert rows["01"] == {"code": "01", "label": "刑事类", "parent": None}
    assert rows["0101"] == {"code": "0101", "label": "杀人", "parent": "01"}


def test_categories_in_english(api, chief):  # type: ignore[no-untyped-def]
    response = api(chief).client.get("/api/v1/codes/categories", HTTP_ACCEPT_LANGUAGE="en")

    assert {"code": "01", "label": "Criminal", "parent": None} in response.json()


def test_retired_categories_are_not_offered(api, chief):  # type: ignore[no-untyped-def]
    Code.objects.filter(table="categories", code="0101").update(active=False)

    assert "0101" not in [row["code"] for row in api(chief).get("/codes/categories").json()]


def test_an_unknown_code_table_is_a_404_in_the_error_shape(api, chief):  # type: ignore[no-untyped-def]
    response = api(chief).get("/codes/colours")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert error_of(response)["field"] == "table"


def test_an_unknown_api_path_is_a_404_in_the_error_shape(anonymous):  # type: ignore[no-untyped-def]
    response = anonymous.get("/matterz")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_the_openapi_document_lists_every_path(anonymous):  # type: ignore[no-untyped-def]
    response = anonymous.client.get("/api/v1/openapi.json")

    document = json.loads(response.content)
    assert set(document["paths"]) == {
        "/api/v1/auth/token",
        "/api/v1/matters",
        "/api/v1/matters/{matter_id}",
        "/api/v1/matters/{matter_id}/transitions",
        "/api/v1/matters/{matter_id}/actions",
        "/api/v1/persons/{person_id}/reveal",
        "/api/v1/codes/{table}",
        "/api/v1/devices/events",
        "/api/v1/devices/alarms",
        "/api/v1/analysis/hotspots",
        "/api/v1/stats/summary",
        "/api/v1/mediations",
        "/api/v1/mediations/stats",
        "/api/v1/mediations/{case_id}",
        "/api/v1/mediations/{case_id}/transitions",
        "/api/v1/mediations/{case_id}/sessions",
        "/api/v1/mediations/sessions/{session_id}/record",
        "/api/v1/mediations/sessions/{session_id}/cancel",
        "/api/v1/mediations/visits/{visit_id}",
        "/api/v1/mediations/{case_id}/signed-scan",
        "/api/v1/mediations/{case_id}/agreement.docx",
        "/api/v1/mediations/{case_id}/agreement.pdf",
    }
    action_body = document["paths"]["/api/v1/matters/{matter_id}/actions"]["post"]["requestBody"]["content"]
    assert set(action_body) == {"application/json", "multipart/form-data"}
    assert "from" in document["components"]["schemas"]["EventOut"]["properties"]


def test_the_docs_page_loads_nothing_from_the_internet(anonymous):  # type: ignore[no-untyped-def]
    page = anonymous.client.get("/api/v1/docs").content.decode()

    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert "/static/ninja/swagger-ui-bundle.js" in sources
    assert not [source for source in sources if "://" in source or source.startswith("//")]
    # Swagger UI would otherwise load a badge from validator.swagger.io.
    assert '"validatorUrl": null' in page


def test_an_unexpected_failure_is_logged_and_answered_in_the_error_shape(api, chief, monkeypatch, caplog):  # type: ignore[no-untyped-def]
    def broken(*args: object) -> None:
        raise RuntimeError("index missing")

    monkeypatch.setattr("fengqiao.api.matters.search", broken)

    response = api(chief).get("/matters", q="纠纷")

    assert response.status_code == 500
    assert error_of(response)["code"] == "server_error"
    assert "index missing" not in response.content.decode()
    assert "index missing" in caplog.text


def test_a_wrong_method_is_a_405_in_the_error_shape(api, chief, matter):  # type: ignore[no-untyped-def]
    response = api(chief).client.delete(f"/api/v1/matters/{matter.pk}")

    assert (response.status_code, response["Allow"]) == (405, "GET")
    assert error_of(response)["code"] == "method_not_allowed"
