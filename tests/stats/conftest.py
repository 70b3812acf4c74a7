"""Matters placed at chosen times, closed the way the station closes them, for hand-computed figures."""

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest

from fengqiao.matters.domain.transitions import Step, transition
from fengqiao.matters.models import Matter, Stage
from fengqiao.staff.models import User
from fengqiao.stations.models import CommunityGrid, GridPopulation, Station
from fengqiao.stats.domain.figures import Scope
from tests.api.conftest import anonymous, api  # noqa: F401  (the API personas, for this package too)

SHANGHAI = ZoneInfo("Asia/Shanghai")
Record = Callable[..., Matter]


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def close(
    matter: Matter,
    chief: User,
    resolved_at: dt.datetime,
    outcome: str = "resolved",
    satisfaction: str | None = "satisfied",
) -> Matter:
    """Accepted, assigned to the chief, handled and resolved at `resolved_at`; called back the day after."""
    transition(matter.pk, chief, Step(to=Stage.ACCEPTED, at=matter.reported_at))
    transition(matter.pk, chief, Step(to=Stage.ASSIGNED, owner=chief.username, at=matter.reported_at))
    transition(matter.pk, chief, Step(to=Stage.IN_PROGRESS, at=matter.reported_at))
    matter = transition(matter.pk, chief, Step(to=Stage.RESOLVED, outcome=outcome, at=resolved_at))
    if satisfaction:
        later = resolved_at + dt.timedelta(days=1)
        matter = transition(matter.pk, chief, Step(to=Stage.CALLED_BACK, satisfaction=satisfaction, at=later))
    return matter


@pytest.fixture
def populated(station: Station, grid: CommunityGrid) -> CommunityGrid:
    """华丽一网格 with 5,000 residents in 2023 and 2024."""
    for year in (2023, 2024):
        GridPopulation.objects.create(grid=grid, year=year, residents=5000)
    return grid


@pytest.fixture
def scope(station: Station) -> Scope:
    return Scope((station.pk,))


@pytest.fixture
def record(make_matter: Callable[..., Matter], populated: CommunityGrid) -> Record:
    """A matter in 华丽一网格 (its address is a standard address of the grid) reported at `when`."""
    from fengqiao.stations.models import StandardAddress

    address = StandardAddress.objects.create(
        station=populated.station, community=populated.community, grid=populated, building="3", unit="2", room="501"
    )

    def _record(when: dt.datetime, category: str = "0604", kind: str = "help", channel: str = "call_110") -> Matter:
        return make_matter(reported_at=when, category=category, kind=kind, channel=channel, address=address.full_text)

    return _record
