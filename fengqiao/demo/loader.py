"""`fengqiao demo`: the four units of the seed page, their stories and everyday matters, in one transaction."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from fengqiao.demo.devices import load_devices
from fengqiao.demo.history import load_history
from fengqiao.demo.mediation import load_mediation, village_stories
from fengqiao.demo.ordinary import FLAVOURS, ordinary_stories
from fengqiao.demo.script import Cast, play
from fengqiao.demo.stations import DEMO_USERNAMES, load_stations
from fengqiao.demo.stories import all_stories
from fengqiao.matters.models import OPEN_STAGES
from fengqiao.notifications.models import Notification
from fengqiao.staff.models import User


@dataclass(frozen=True)
class Summary:
    created: int  # matters loaded by this run
    present: int  # matters found from an earlier run


def load_demo(now: dt.datetime | None = None) -> Summary:
    """Load everything that is missing; all or nothing, so a failed run leaves no half-built station."""
    now = now or timezone.now()
    with transaction.atomic():
        load_stations()
        cast = Cast()
        told = all_stories(now) + village_stories(now)
        # Everyday matters stay away from the stories' homes: one at 刘某's flat would join his repeat group.
        homes = frozenset(story.registration.address for story in told)
        stories = told + [story for code in FLAVOURS for story in ordinary_stories(code, now, homes)]
        created = sum(1 for story in stories if play(story, cast) is not None)
        load_mediation(cast, now)  # after the stories: the cases follow their matters
        load_devices()  # after the stories: the blockers' alarms sit beside the lift-alarm matters
        load_history()  # 鹿城's Jan–Jul 2023/2024 background: the newspaper's figures (fengqiao/demo/history.py)
    _mark_history_read()
    return Summary(created=created, present=len(stories) - created)


def _mark_history_read() -> None:
    """Assignments replayed for matters closed long ago are history, not news: nobody should find them unread."""
    Notification.objects.filter(
        read_at__isnull=True, matter__external_ref__startswith="DEMO-", recipient__username__in=DEMO_USERNAMES
    ).exclude(matter__stage__in=OPEN_STAGES).update(read_at=F("created_at"))


def demo_logins() -> list[User]:
    """The demo's users, station by station in the newspaper's order, chief first (the order of the specs)."""
    users = User.objects.filter(username__in=DEMO_USERNAMES).select_related("station")
    return sorted(users, key=lambda user: DEMO_USERNAMES.index(user.username))
