"""Tokens: traded for a username and password, stored only as a digest, required on every other call."""

import datetime as dt
import json

from django.test import Client
from django.utils import timezone

from fengqiao.api.models import ApiToken, token_digest
from tests.api.conftest import ApiClient, error_of, token_for
from tests.conftest import PASSWORD


def test_a_token_opens_the_api_and_only_its_digest_is_stored(chief):  # type: ignore[no-untyped-def]
    token = token_for(chief)

    stored = ApiToken.objects.get(user=chief)
    assert stored.digest == token_digest(token) != token
    assert stored.expires_at > timezone.now() + dt.timedelta(days=29)
    assert ApiClient(token).get("/codes/kinds").status_code == 200


def test_a_wrong_password_gets_no_token(anonymous, chief):  # type: ignore[no-untyped-def]
    response = anonymous.post("/auth/token", {"username": "wangxiaojian", "password": "guess"})

    assert response.status_code == 401
    assert error_of(response)["code"] == "bad_credentials"
    assert ApiToken.objects.count() == 0


def test_a_disabled_account_gets_no_token(anonymous, chief):  # type: ignore[no-untyped-def]
    chief.is_active = False
    chief.save()

    response = anonymous.post("/auth/token", {"username": "wangxiaojian", "password": PASSWORD})

    assert (response.status_code, error_of(response)["code"]) == (401, "bad_credentials")


def test_a_token_request_without_a_password_names_the_field(anonymous, chief):  # type: ignore[no-untyped-def]
    error = error_of(anonymous.post("/auth/token", {"username": "wangxiaojian"}))

    assert (error["code"], error["field"]) == ("required", "password")


def test_without_a_token_the_api_answers_401(anonymous, matter):  # type: ignore[no-untyped-def]
    response = anonymous.get(f"/matters/{matter.pk}")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert error_of(response)["code"] == "unauthenticated"


def test_a_made_up_token_is_refused(matter):  # type: ignore[no-untyped-def]
    response = ApiClient("not-a-real-token").post("/matters", {"kind": "help"})

    assert (response.status_code, error_of(response)["code"]) == (401, "unauthenticated")


def test_an_expired_token_is_refused(chief):  # type: ignore[no-untyped-def]
    token = token_for(chief)
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    assert ApiClient(token).get("/matters").status_code == 401


def test_a_token_stops_working_when_its_user_is_disabled(chief):  # type: ignore[no-untyped-def]
    token = token_for(chief)
    chief.is_active = False
    chief.save()

    assert ApiClient(token).get("/matters").status_code == 401


def test_token_clients_need_no_csrf_cookie(chief, matter):  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {token_for(chief)}")

    response = client.post(
        f"/api/v1/matters/{matter.pk}/transitions", json.dumps({"to": "accepted"}), content_type="application/json"
    )

    assert response.json()["stage"] == "accepted"
