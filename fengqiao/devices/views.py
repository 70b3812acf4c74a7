"""The blockers' pages (电动自行车电梯阻止系统): the campaign per building, and one building's alarms and matters.

For the station's chief and officers; every row is scoped to the user's station (`fengqiao.devices.access`).
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.devices import campaign
from fengqiao.devices.access import buildings_for_user, get_building_for_user, may_see_devices
from fengqiao.matters.access import matters_for_user
from fengqiao.web.permissions import AuthedRequest, forbidden, police_required


def _refuse(request: AuthedRequest) -> HttpResponse:
    return forbidden(request, _("The device pages are for the station's chief and officers."))


@police_required
def buildings(request: AuthedRequest) -> HttpResponse:
    if not may_see_devices(request.user):
        return _refuse(request)
    rows = campaign.building_rows(buildings_for_user(request.user), matters_for_user(request.user), timezone.now())
    estates = campaign.estates(rows)
    chosen = request.GET.get("estate", "")
    if chosen in estates:
        rows = [row for row in rows if row.estate == chosen]
    else:
        chosen = ""  # an estate the station does not have shows them all
    context = {
        "rows": rows,
        "totals": campaign.Totals.of(rows),
        "estates": estates if len(estates) > 1 else [],
        "chosen": chosen,
    }
    return render(request, "devices/buildings.html", context)


@police_required
def building(request: AuthedRequest, building_id: int) -> HttpResponse:
    if not may_see_devices(request.user):
        return _refuse(request)
    place = get_building_for_user(request.user, building_id)
    context = {
        "building": place,
        # The secrets are credentials (see models.Device): never loaded for a page.
        "devices": place.devices.defer("secret").order_by("lift", "device_id"),
        "days": campaign.alarms_per_day(place, timezone.localdate()),
        "matters": campaign.building_matters(matters_for_user(request.user), place),
        "events": campaign.latest_events(place),
    }
    return render(request, "devices/building.html", context)
