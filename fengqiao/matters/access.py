"""Scoped access: every lookup of a matter on behalf of a user goes through here.

Police roles (chief, officer, auxiliary) see their own station's matters; other roles see none here (partner
mediators see their mediation cases through the mediation app). Out of scope answers 404, never 403, so that
the existence of another station's matter is not disclosed.
"""

from django.http import Http404

from fengqiao.matters.models import Matter, MatterQuerySet
from fengqiao.staff.models import User


def matters_for_user(user: User) -> MatterQuerySet:
    if not user.is_authenticated or not user.is_active or not user.is_police or user.station_id is None:
        return Matter.objects.none()
    return Matter.objects.filter(station_id=user.station_id)


def get_matter_for_user(user: User, matter_id: int | str) -> Matter:
    try:
        return (
            matters_for_user(user)
            .select_related("station", "category", "address", "grid", "owner", "team", "outcome", "merged_into")
            .get(pk=int(matter_id))
        )
    except (Matter.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such matter") from exc
