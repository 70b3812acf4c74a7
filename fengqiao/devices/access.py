"""Who may see the blockers' pages, and the scoped lookup of their buildings.

The chief and the officers of a station (as for imports and analysis) see the buildings of their own station that
have a blocker; another station's building answers 404, like a building that does not exist.
"""

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from fengqiao.devices.models import Device
from fengqiao.staff.models import User
from fengqiao.stations.models import StandardAddress


def may_see_devices(user: User) -> bool:
    return user.is_active and user.is_sworn


def buildings_for_user(user: User) -> QuerySet[StandardAddress]:
    """The user's station's buildings with at least one blocker (active or retired)."""
    if not may_see_devices(user) or user.station_id is None:
        return StandardAddress.objects.none()
    # Exists, not a join: one row per building, whatever its number of blockers.
    equipped = Device.objects.filter(station_id=user.station_id, building=OuterRef("pk"))
    return StandardAddress.objects.filter(Exists(equipped), station_id=user.station_id)


def get_building_for_user(user: User, building_id: int) -> StandardAddress:
    building = buildings_for_user(user).filter(pk=building_id).first()
    if building is None:
        raise Http404("No such building with blockers")
    return building
