"""Register (登记): the form, and the open matters at the same address or phone shown while typing."""

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fengqiao.lib.errors import DomainError
from fengqiao.matters.access import matters_for_user
from fengqiao.matters.domain.registration import register
from fengqiao.matters.models import Matter
from fengqiao.staff.models import User
from fengqiao.stations.models import Station
from fengqiao.web.forms import PartyFormSet, RegisterForm, show_domain_error
from fengqiao.web.permissions import AuthedRequest, police_required, station_of

# Shorter input matches half the station: "华丽" is a whole community.
MIN_ADDRESS_CHARS = 4
MIN_PHONE_DIGITS = 7
HINT_LIMIT = 10
# Where the domain's field names differ from the form's.
FIELD_ALIASES = {"id_number": "reporter_id_number", "parties": "reporter_name"}


@police_required
def register_matter(request: AuthedRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form, parties = RegisterForm(data), PartyFormSet(data, prefix="parties")
    # Both are validated (no short-circuit), so that every mistake shows at once.
    if data is not None and all([form.is_valid(), parties.is_valid()]):
        others = [party for party in (f.party() for f in parties) if party is not None]
        station = Station.objects.get(pk=station_of(request.user))
        try:
            matter = register(station, request.user, form.registration(others))
        except DomainError as error:
            show_domain_error(form, error, FIELD_ALIASES)
        else:
            messages.success(request, _("Matter %(reference)s registered.") % {"reference": matter.reference})
            return redirect("matter", matter.pk)
    status = 400 if data is not None else 200
    return render(request, "web/register.html", {"form": form, "parties": parties}, status=status)


@police_required
def register_hints(request: AuthedRequest) -> HttpResponse:
    address = request.GET.get("address", "").strip()
    phones = {value.strip() for key in request.GET if key.endswith("phone") for value in request.GET.getlist(key)}
    matters = similar_open_matters(request.user, address, phones)
    return render(request, "web/register.html#hints", {"hints": matters})


def similar_open_matters(user: User, address: str, phones: set[str]) -> list[Matter] | None:
    """Open matters of the user's station at this address text or with a party with one of these phones."""
    phones = {phone for phone in phones if len(phone) >= MIN_PHONE_DIGITS}
    match = Q(pk__in=[])
    if len(address) >= MIN_ADDRESS_CHARS:
        match |= Q(address_text__icontains=address) | Q(address__full_text__icontains=address)
    if phones:
        match |= Q(parties__person__phone__in=phones)
    if len(address) < MIN_ADDRESS_CHARS and not phones:
        return None
    found = matters_for_user(user).open().filter(match).distinct().select_related("address")
    return list(found.order_by("-reported_at")[:HINT_LIMIT])
