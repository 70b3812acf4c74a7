"""An API client per persona: `api(chief).get("/matters/1")` sends the persona's bearer token."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from fengqiao.staff.models import User
from tests.conftest import PASSWORD

PREFIX = "/api/v1"


class ApiClient:
    def __init__(self, token: str | None) -> None:
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {token}") if token else Client()

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(PREFIX + path, params)

    def post(self, path: str, body: object) -> Any:
        return self.client.post(PREFIX + path, json.dumps(body), content_type="application/json")

    def post_raw(self, path: str, data: Any, content_type: str) -> Any:
        return self.client.post(PREFIX + path, data, content_type=content_type)

    def post_form(self, path: str, data: dict[str, Any]) -> Any:
        return self.client.post(PREFIX + path, data)  # multipart, as a browser sends files


def token_for(user: User, password: str = PASSWORD) -> str:
    response = ApiClient(None).post("/auth/token", {"username": user.username, "password": password})
    assert response.status_code == 200, response.content
    token: str = response.json()["token"]
    return token


@pytest.fixture
def api() -> Callable[[User], ApiClient]:
    return lambda user: ApiClient(token_for(user))


@pytest.fixture
def anonymous() -> ApiClient:
    return ApiClient(None)


def error_of(response: Any) -> dict[str, Any]:
    """The body of an error response, after checking it has the one error shape and nothing else."""
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "field"}, body
    error: dict[str, Any] = body["error"]
    return error
