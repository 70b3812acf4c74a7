"""Whose figures a user may see: police see their own station; staff users (is_staff) any station or branch.

A branch-level role (a county chief) does not exist yet; until it does, the county view is for staff users.
A station out of scope answers like one that does not exist (404), as for matters.
"""

from django.utils.translation import gettext as _

from fengqiao.lib.errors import DomainError
from fengqiao.staff.models import User
from fengqiao.stations.models import CommunityGrid, Station


def may_see_stats(user: User) -> bool:
    return user.is_active and (user.is_staff or user.is_police)


def may_see_dashboard(user: User) -> bool:
    return user.is_active and (user.is_staff or user.is_chief)


def is_county_viewer(user: User) -> bool:
    return user.is_active and user.is_staff


def stations_for(user: User, station: str | None = None, branch: str | None = None) -> list[Station]:
    """The stations a request names (`a,b` or a branch code), checked against the user's scope."""
    if not may_see_stats(user):
        raise DomainError("forbidden", _("Statistics are for the station's police."), status=403)
    codes = [code.strip() for code in (station or "").split(",") if code.strip()]
    if branch and branch.strip():
        return _branch(user, branch.strip())
    if not codes:
        if user.station_id is None:
            raise DomainError("required", _("Name a station or a branch."), "station")
        return [Station.objects.get(pk=user.station_id)]
    visible = Station.objects.filter(code__in=codes)
    if not is_county_viewer(user):
        visible = visible.filter(pk=user.station_id or 0)  # police always have a station (may_see_stats)
    found = {s.code: s for s in visible.order_by("code")}
    for code in codes:
        if code not in found:
            raise DomainError("not_found", _("There is no station “%(code)s”.") % {"code": code}, "station", 404)
    return list(found.values())


def _branch(user: User, code: str) -> list[Station]:
    stations = list(Station.objects.filter(branch__code=code).order_by("code")) if is_county_viewer(user) else []
    if not stations:
        raise DomainError("not_found", _("There is no branch “%(code)s”.") % {"code": code}, "branch", 404)
    return stations


def grid_of(stations: list[Station], code: str | None) -> CommunityGrid | None:
    """A community grid of one of the stations, by its code; None when no code is given."""
    if not code or not code.strip():
        return None
    grid = CommunityGrid.objects.filter(station__in=stations, code=code.strip()).first()
    if grid is None:
        raise DomainError("not_found", _("There is no grid “%(code)s”.") % {"code": code}, "grid", 404)
    return grid
