"""督办: overdue steps reported to the station's chief, once per step.

`fengqiao escalate` runs `escalate_overdue()` every few minutes. A step is identified by (matter, stage, due
time); the unique constraint on `Escalation` makes a rerun — or a second worker running at the same moment —
add nothing. A matter that has moved on since it was read is skipped: its old step is no longer owed.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from fengqiao.matters.models import Escalation, Matter
from fengqiao.notifications.domain import notify_after_commit
from fengqiao.notifications.models import Notification
from fengqiao.staff.models import Role, User


def escalate_overdue(now: dt.datetime | None = None) -> int:
    """Escalate every open matter whose current step was due before `now`; returns how many were new."""
    now = now or timezone.now()
    overdue = Matter.objects.overdue(now).order_by("step_due_at", "pk").values_list("pk", flat=True)
    return sum(1 for matter_id in list(overdue) if _escalate(matter_id, now))


def _escalate(matter_id: int, now: dt.datetime) -> bool:
    """One matter in its own transaction, so that one failure never undoes the others' escalations."""
    try:
        with transaction.atomic():
            # Lock the row as `transition()` does, so the step cannot change between the check and the insert.
            matter = Matter.objects.select_for_update().get(pk=matter_id)
            if not matter.is_overdue(now) or matter.step_due_at is None:
                return False
            chiefs = _chiefs(matter)
            _escalation, created = Escalation.objects.get_or_create(
                matter=matter,
                stage=matter.stage,
                due_at=matter.step_due_at,
                defaults={"escalated_at": now, "escalated_to": chiefs[0] if chiefs else None},
            )
            if created:
                for chief in chiefs:
                    notify_after_commit(chief.pk, matter.pk, Notification.Verb.ESCALATED, str(matter))
            return created
    except IntegrityError:
        # Another worker inserted the same step between our check and our insert: it is escalated, not by us.
        return False


def _chiefs(matter: Matter) -> list[User]:
    return list(User.objects.filter(station_id=matter.station_id, role=Role.CHIEF, is_active=True).order_by("pk"))
