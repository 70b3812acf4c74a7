"""Helpers for the loop's tests: walk a matter to any stage the way the station would."""

import importlib
from collections.abc import Callable, Iterator

import pytest
from django.apps import apps
from django.utils import translation

from fengqiao.codes.loader import load_defaults
from fengqiao.matters.domain.transitions import Step, transition
from fengqiao.matters.models import Matter, Stage
from fengqiao.staff.models import Role, User
from fengqiao.stations.models import Station
from tests.conftest import make_user

Walk = Callable[[Matter, str], Matter]


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in English, the source language, whatever the catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def reference_data(transactional_db: None) -> None:
    """Code tables and deadline policies, which a transactional test's flush removed after an earlier one.

    The same loaders as the data migrations, so that the rows are the ones a fresh database has.
    """
    load_defaults()
    importlib.import_module("fengqiao.matters.migrations.0003_default_sla_policies").install(apps, None)


@pytest.fixture
def second_officer(station: Station) -> User:
    return make_user("qian", station, Role.OFFICER, "钱民警")


@pytest.fixture
def walk(chief: User, officer: User, make_matter: Callable[..., Matter]) -> Walk:
    """Moves a registered matter to `stage` the usual way: the officer works it, the chief assigns and archives."""
    path: dict[str, list[tuple[User, Step]]] = {
        Stage.ACCEPTED: [(officer, Step(to=Stage.ACCEPTED))],
        Stage.ASSIGNED: [(chief, Step(to=Stage.ASSIGNED, owner=officer.username))],
        Stage.IN_PROGRESS: [(officer, Step(to=Stage.IN_PROGRESS))],
        Stage.RESOLVED: [(officer, Step(to=Stage.RESOLVED, outcome="helped"))],
        Stage.CALLED_BACK: [(officer, Step(to=Stage.CALLED_BACK, satisfaction="satisfied"))],
        Stage.ARCHIVED: [(chief, Step(to=Stage.ARCHIVED))],
    }
    loop = list(path)

    def _walk(matter: Matter, stage: str) -> Matter:
        if stage == Stage.REGISTERED:
            return matter
        if stage == Stage.REJECTED:
            return transition(matter.pk, officer, Step(to=stage, reason="Not a police matter"))
        if stage == Stage.TRANSFERRED:
            return transition(matter.pk, officer, Step(to=stage, target="鹿城镇司法所"))
        if stage == Stage.MERGED:
            return transition(matter.pk, officer, Step(to=stage, into=make_matter().pk))
        for target in loop[: loop.index(Stage(stage)) + 1]:
            for actor, step in path[target]:
                matter = transition(matter.pk, actor, step)
        return matter

    return _walk
