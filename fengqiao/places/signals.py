"""Dropping a station's cached index when what it is built from changes."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from fengqiao.places.index import invalidate
from fengqiao.places.models import StationArea
from fengqiao.stations.models import Community, StandardAddress, Station


@receiver([post_save, post_delete], sender=StandardAddress)
@receiver([post_save, post_delete], sender=Community)
@receiver([post_save, post_delete], sender=StationArea)
def _station_names_changed(sender: type, instance: StandardAddress | Community | StationArea, **kwargs: Any) -> None:
    invalidate(instance.station_id)


@receiver([post_save, post_delete], sender=Station)
def _station_changed(sender: type, instance: Station, **kwargs: Any) -> None:
    """Its area text may have changed; and a new station may reuse the id of a deleted one."""
    invalidate(instance.pk)
