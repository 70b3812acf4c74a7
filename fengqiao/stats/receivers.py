"""Keeps the rollup up to date: every saved matter or escalation marks its (station, reporting day) for a
recount, which runs once after the transaction commits.

Matters are saved by registration and by every step of `transition()` (it saves the stage), so no stage signal
is needed. `register_batch()` saves with bulk_create, which sends no signal: batch callers mark the days
themselves (`fengqiao.stats.refresh.mark_matters`) or run `fengqiao stats rebuild`.
"""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from fengqiao.matters.models import Escalation, Matter
from fengqiao.matters.signals import matter_registered
from fengqiao.stats.refresh import mark


@receiver(matter_registered)
def _registered(sender: type, matter: Matter, **kwargs: Any) -> None:
    mark(matter.station_id, matter.reported_at)


@receiver(post_save, sender=Matter)
@receiver(post_delete, sender=Matter)
def _matter_changed(sender: type, instance: Matter, **kwargs: Any) -> None:
    mark(instance.station_id, instance.reported_at)


@receiver(post_save, sender=Escalation)
def _escalated(sender: type, instance: Escalation, **kwargs: Any) -> None:
    station_id, reported_at = Matter.objects.filter(pk=instance.matter_id).values_list("station_id", "reported_at")[0]
    mark(station_id, reported_at)
