"""A matter's history as a script, replayed through the domain functions only.

A `Story` is a registration followed by moves (stage changes) and acts (follow-up actions), each with its real
time. `play()` registers the matter and replays the script with `transition()` and `add_action()`, so that the
demo's matters have exactly the rows a station's real work would have left. A story is keyed by its
`external_ref`: when a matter with that reference exists, it is left alone, which makes the demo idempotent.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from fengqiao.demo.papers import Paper
from fengqiao.matters.domain.actions import ActionInput, add_action
from fengqiao.matters.domain.registration import Registration, register
from fengqiao.matters.domain.transitions import Step, transition
from fengqiao.matters.models import Matter, Stage
from fengqiao.staff.models import User
from fengqiao.stations.models import Partner, Station

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """An aware datetime on the stations' clock."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def days_before(now: dt.datetime, days: int, hour: int, minute: int = 0) -> dt.datetime:
    """`days` local days before `now` (negative: after), at a local time."""
    day = now.astimezone(SHANGHAI).date() - dt.timedelta(days=days)
    return at(day.year, day.month, day.day, hour, minute)


@dataclass(frozen=True)
class Move:
    """A stage change taken by `by` (a username)."""

    by: str
    step: Step


@dataclass(frozen=True)
class Act:
    """A follow-up action recorded by `by`, optionally with a partner of the station (by name) and documents."""

    by: str
    kind: str
    note: str
    at: dt.datetime
    partner: str = ""
    files: tuple[Paper, ...] = ()


@dataclass(frozen=True)
class Story:
    ref: str  # stable external reference, e.g. DEMO-laoli
    station: str  # station code
    registered_by: str
    registration: Registration
    script: tuple[Move | Act, ...] = field(default_factory=tuple)


def accept(by: str, when: dt.datetime, note: str = "") -> Move:
    return Move(by, Step(to=Stage.ACCEPTED, at=when, note=note))


def assign(by: str, when: dt.datetime, owner: str, note: str = "") -> Move:
    return Move(by, Step(to=Stage.ASSIGNED, at=when, owner=owner, note=note))


def start(by: str, when: dt.datetime, note: str = "") -> Move:
    return Move(by, Step(to=Stage.IN_PROGRESS, at=when, note=note))


def resolve(by: str, when: dt.datetime, outcome: str, note: str = "") -> Move:
    return Move(by, Step(to=Stage.RESOLVED, at=when, outcome=outcome, note=note))


def call_back(by: str, when: dt.datetime, satisfaction: str, note: str = "") -> Move:
    return Move(by, Step(to=Stage.CALLED_BACK, at=when, satisfaction=satisfaction, note=note))


def archive(by: str, when: dt.datetime, note: str = "") -> Move:
    return Move(by, Step(to=Stage.ARCHIVED, at=when, note=note))


def reject(by: str, when: dt.datetime, reason: str) -> Move:
    return Move(by, Step(to=Stage.REJECTED, at=when, reason=reason))


def transfer(by: str, when: dt.datetime, target: str, note: str = "") -> Move:
    return Move(by, Step(to=Stage.TRANSFERRED, at=when, target=target, note=note))


class Cast:
    """The demo's users and partners, looked up once per run."""

    def __init__(self) -> None:
        self.users = {user.username: user for user in User.objects.select_related("station")}
        self.stations = {station.code: station for station in Station.objects.all()}
        self.partners = {(p.station_id, p.name): p.pk for p in Partner.objects.all()}

    def partner_id(self, station_id: int, name: str) -> int | None:
        if not name:
            return None
        return self.partners[(station_id, name)]


def play(story: Story, cast: Cast) -> Matter | None:
    """Register the story's matter and replay its script; None when it was loaded before."""
    station = cast.stations[story.station]
    if Matter.objects.filter(station=station, external_ref=story.ref).exists():
        return None
    registration = replace(story.registration, external_ref=story.ref)
    return replay(register(station, cast.users[story.registered_by], registration), story.script, cast)


def replay(matter: Matter, script: Sequence[Move | Act], cast: Cast) -> Matter:
    """Take the script's steps and record its actions on a registered matter; returns the matter as it ends."""
    for item in script:
        if isinstance(item, Move):
            matter = transition(matter.pk, cast.users[item.by], item.step)
        else:
            files = [paper.upload() for paper in item.files]
            action = ActionInput(item.kind, item.note, item.at, cast.partner_id(matter.station_id, item.partner), files)
            add_action(matter, cast.users[item.by], action)
    return matter
