"""Helpers for the page tests: a browser-like client per persona, and moving matters the way the station would.

Pages are asked for in English (the source language): the assertions on labels then hold whatever the zh-hans
catalogue later says. Data values (references, descriptions, names) are asserted as they are.
"""

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fengqiao.matters.domain.transitions import Step, transition
from fengqiao.matters.models import Matter, Stage
from fengqiao.staff.models import User

Browse = Callable[[User], Client]


@pytest.fixture
def browse() -> Browse:
    """A logged-in client for a persona, asking for English pages."""

    def _as(user: User) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        return client

    return _as


def assign(matter: Matter, chief: User, owner: User, at: dt.datetime | None = None) -> Matter:
    """Accepted and assigned to `owner` at `at` (the start-handling deadline counts from then)."""
    transition(matter.pk, chief, Step(to=Stage.ACCEPTED, at=at))
    return transition(matter.pk, chief, Step(to=Stage.ASSIGNED, owner=owner.username, at=at))


def start(matter: Matter, owner: User) -> Matter:
    return transition(matter.pk, owner, Step(to=Stage.IN_PROGRESS))


def queries_to_show(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def text_of(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined, no-any-return]


@pytest.fixture
def walk_to_archived(chief: User, officer: User) -> Callable[[Matter], Matter]:
    def _walk(matter: Matter) -> Matter:
        assign(matter, chief, officer)
        for step in [
            Step(to=Stage.IN_PROGRESS),
            Step(to=Stage.RESOLVED, outcome="helped"),
            Step(to=Stage.CALLED_BACK, satisfaction="satisfied"),
        ]:
            transition(matter.pk, officer, step)
        return transition(matter.pk, chief, Step(to=Stage.ARCHIVED))

    return _walk
