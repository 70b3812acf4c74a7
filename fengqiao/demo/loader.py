"""`fengqiao demo`: the four units of the seed page, their stories and everyday matters, in one transaction."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from fengqiao.demo import history
from fengqiao.demo.devices import load_devices
from fengqiao.demo.mediation import load_mediation, village_stories
from fengqiao.demo.ordinary import FLAVOURS, ordinary_stories
from fengqiao.demo.script import Cast, play
from fengqiao.demo.stations import DEMO_USERNAMES, load_stations
from fengqiao.demo.stories import OTHER_HOMES, all_stories
from fengqiao.matters.models import OPEN_STAGES, MatterEvent, Stage
from fengqiao.notifications.models import Notification
from fengqiao.staff.models import User

# How far back a station has not yet read its notifications: older ones were read when they came.
UNREAD_FOR = dt.timedelta(days=3)


@dataclass(frozen=True)
class Summary:
    created: int  # matters loaded by this run
    present: int  # matters found from an earlier run


def load_demo(now: dt.datetime | None = None) -> Summary:
    """Load everything that is missing; all or nothing, so a failed run leaves no half-built station."""
    now = now or timezone.now()
    started = timezone.now()  # the notifications written from here on are this run's
    with transaction.atomic():
        load_stations()
        cast = Cast()
        told = all_stories(now) + village_stories(now)
        # Everyday matters stay away from the stories' homes: one at 刘某's flat would join his repeat group.
        homes = frozenset(story.registration.address for story in told) | OTHER_HOMES
        stories = told + [story for code in FLAVOURS for story in ordinary_stories(code, now, homes)]
        created = sum(1 for story in stories if play(story, cast) is not None)
        load_mediation(cast, now)  # after the stories: the cases follow their matters
        load_devices(cast)  # after the stories: the blockers' alarms sit beside the lift-alarm matters
        history.load_history(homes)  # 鹿城's Jan–Jul 2023/2024 background: the newspaper's figures
        # Queued last, so that it runs after the notifications the steps above queued for the commit.
        transaction.on_commit(lambda: settle_notifications(started, now))
    return Summary(created=created, present=len(stories) - created)


def settle_notifications(since: dt.datetime, now: dt.datetime) -> None:
    """The notifications of the replayed steps, as if each had come at its step's time, not at load time.

    The background history's are dropped: records of 2023–24 loaded for the newspaper's figures are nobody's news.
    The others are dated at their step and were read then, except those of open matters from the last few days,
    which is what a station has pending when the demo opens.
    """
    with transaction.atomic():
        produced = Notification.objects.filter(created_at__gte=since, matter__isnull=False)
        produced.filter(matter__external_ref__startswith=history.PREFIX).delete()
        notes = [(note, note.matter) for note in produced.select_related("matter", "recipient") if note.matter]
        moments = _step_moments({matter.pk for _note, matter in notes})
        for note, matter in notes:
            moment = moments.get((matter.pk, note.verb, note.recipient.username), matter.reported_at)
            note.created_at = moment
            if note.read_at is None and (matter.stage not in OPEN_STAGES or now - moment > UNREAD_FOR):
                note.read_at = moment
        Notification.objects.bulk_update([note for note, _matter in notes], ["created_at", "read_at"])


def _step_moments(matter_ids: set[int]) -> dict[tuple[int, str, str], dt.datetime]:
    """(matter, verb, recipient) → when the step that notifies happened: the latest assignment to the recipient,
    the latest reopening (told to the owner). Notices of a registration are dated at the report."""
    moments: dict[tuple[int, str, str], dt.datetime] = {}
    owners: dict[int, str] = {}
    events = MatterEvent.objects.filter(matter_id__in=matter_ids, to_stage__in=[Stage.ASSIGNED, Stage.IN_PROGRESS])
    for matter_id, to_stage, at, data in events.order_by("at", "pk").values_list("matter_id", "to_stage", "at", "data"):
        if to_stage == Stage.ASSIGNED:
            owners[matter_id] = data.get("owner", "")
            moments[(matter_id, Notification.Verb.ASSIGNED, owners[matter_id])] = at
        elif data.get("reopened"):
            moments[(matter_id, Notification.Verb.REOPENED, owners.get(matter_id, ""))] = at
    return moments


def demo_logins() -> list[User]:
    """The demo's users, station by station in the newspaper's order, chief first (the order of the specs)."""
    users = User.objects.filter(username__in=DEMO_USERNAMES).select_related("station")
    return sorted(users, key=lambda user: DEMO_USERNAMES.index(user.username))
