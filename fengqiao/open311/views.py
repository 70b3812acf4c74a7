"""Open311 GeoReport v2 at /open311/v2/, plus mySociety's `servicerequestupdates` extension.

Every answer is in the format the URL asks for (`.json` or `.xml`); every refusal is the spec's error list with
400 (bad request), 403 (missing or wrong api_key) or 404 (no such jurisdiction, service, request or token).
Only matters that residents reported (on the web form or through Open311) are published.
"""

import datetime as dt
import logging
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import wraps

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from fengqiao.lib.errors import DomainError
from fengqiao.matters.models import Matter, MatterEvent, MatterQuerySet
from fengqiao.open311 import serializers
from fengqiao.open311.models import Open311ApiKey, Open311Submission
from fengqiao.open311.render import Format, Open311Error, Value, errors, respond
from fengqiao.reports.domain.status import closed_stages
from fengqiao.reports.domain.submission import ReportInput, normalize_code, submit
from fengqiao.reports.forms import DESCRIPTION_MAX_CHARS, normalize_phone
from fengqiao.reports.models import PublicNote, Report, Source
from fengqiao.reports.services import offered, offered_services
from fengqiao.stations.models import Station

logger = logging.getLogger(__name__)

# The spec's default and largest window, and its cap on one answer.
MAX_SPAN = dt.timedelta(days=90)
MAX_RESULTS = 1000
DISCOVERY_CHANGESET = "2024-08-01T00:00:00+08:00"  # bump when the endpoints or services change shape

View = Callable[..., HttpResponse]


def open311(*methods: str) -> Callable[[View], View]:
    """Answer every refusal, and anything unexpected, in the spec's error shape: never a 500 page."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, fmt: Format, **kwargs: str) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise Open311Error(400, _("This resource does not accept %(method)s.") % {"method": request.method})
                return view(request, fmt, **kwargs)
            except Open311Error as error:
                return errors(fmt, error.status, error.description)
            except DomainError as error:
                return errors(fmt, error.status if error.status in (403, 404) else 400, error.message)
            except Exception:
                logger.exception("Open311 request failed: %s", request.path)
                return errors(fmt, 400, _("General service error; please tell the station."))

        return wrapper

    return decorator


def param(request: HttpRequest, name: str) -> str:
    """A parameter from the form body (POST) or the query string; empty means absent, as the spec says."""
    return str(request.POST.get(name) or request.GET.get(name) or "").strip()


def jurisdiction(request: HttpRequest, default: Station | None = None) -> Station:
    """The station named by jurisdiction_id; required only while the endpoint serves more than one."""
    code = param(request, "jurisdiction_id")
    if code:
        station = Station.objects.filter(code=code).first()
        if station is None:
            raise Open311Error(404, _("jurisdiction_id “%(id)s” was not found.") % {"id": code})
        return station
    if default is not None:
        return default
    stations = list(Station.objects.order_by("code")[:2])
    if len(stations) == 1:
        return stations[0]
    if not stations:
        raise Open311Error(404, _("This endpoint serves no jurisdiction yet."))
    raise Open311Error(
        400,
        _("jurisdiction_id was not provided; this endpoint serves several stations: %(codes)s.")
        % {"codes": ", ".join(Station.objects.order_by("code").values_list("code", flat=True))},
    )


def published(station: Station) -> MatterQuerySet:
    """Matters residents reported; everything else the station handles stays off the public interface."""
    return Matter.objects.filter(station=station, public_report__isnull=False).select_related(
        "category", "station", "address", "grid__community"
    )


@open311("GET")
def discovery(request: HttpRequest, fmt: Format) -> HttpResponse:
    names = list(Station.objects.order_by("code").values_list("name", flat=True))
    url = request.build_absolute_uri("/open311/v2/")
    return respond(fmt, "discovery", "discovery", serializers.discovery(names, url, DISCOVERY_CHANGESET))


@open311("GET")
def services(request: HttpRequest, fmt: Format) -> HttpResponse:
    jurisdiction(request)
    rows: list[Value] = [serializers.service(item) for item in offered_services()]
    return respond(fmt, "services", "service", rows)


@open311("GET")
def service_definition(request: HttpRequest, fmt: Format, code: str) -> HttpResponse:
    jurisdiction(request)
    return respond(fmt, "service_definition", "attribute", serializers.service_definition(offered(code)))


@csrf_exempt  # a form POST from an API client, authenticated by its api_key, not by a browser session
@open311("GET", "POST")
def requests(request: HttpRequest, fmt: Format) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    station = jurisdiction(request)
    matters = list(_filtered(request, published(station)).order_by("-reported_at", "-id")[:MAX_RESULTS])
    return respond(fmt, "service_requests", "request", _requests(matters))


@open311("GET")
def single_request(request: HttpRequest, fmt: Format, request_id: str) -> HttpResponse:
    station = jurisdiction(request)
    matter = published(station).filter(reference__iexact=request_id).first()
    if matter is None:
        raise Open311Error(404, _("service_request_id “%(id)s” was not found.") % {"id": request_id})
    return respond(fmt, "service_requests", "request", _requests([matter]))


@open311("GET")
def token(request: HttpRequest, fmt: Format, token: str) -> HttpResponse:
    station = jurisdiction(request)
    code = normalize_code(token)
    report = Report.objects.select_related("matter").filter(code=code, matter__station=station).first()
    if report is None:
        raise Open311Error(404, _("token “%(token)s” was not found.") % {"token": token})
    return respond(fmt, "service_requests", "request", [serializers.token(report.matter, report.code)])


@open311("GET")
def updates(request: HttpRequest, fmt: Format) -> HttpResponse:
    """Each change of stage after registration is an update; its words are the public ones."""
    station = jurisdiction(request)
    start, end = _window(request)
    events = (
        MatterEvent.objects.filter(matter__in=published(station), at__gte=start, at__lte=end)
        .exclude(from_stage="")
        .select_related("matter")
        .order_by("at", "id")[:MAX_RESULTS]
    )
    rows: list[Value] = [serializers.update(event, event.matter.reference or "") for event in events]
    return respond(fmt, "service_request_updates", "request_update", rows)


def _requests(matters: list[Matter]) -> list[Value]:
    latest: dict[int, PublicNote] = {}
    for note in PublicNote.objects.filter(matter__in=matters).order_by("created_at", "id"):
        latest[note.matter_id] = note
    return [serializers.service_request(matter, latest.get(matter.pk)) for matter in matters]


def _filtered(request: HttpRequest, matters: MatterQuerySet) -> MatterQuerySet:
    ids = _list(param(request, "service_request_id"))
    if ids:
        return matters.filter(reference__in=[value.upper() for value in ids])  # overrides all other arguments
    codes = _list(param(request, "service_code"))
    if codes:
        matters = matters.filter(category__code__in=codes)
    statuses = set(_list(param(request, "status")))
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status must be open, closed or both (comma separated)."))
    if statuses == {"open"}:
        matters = matters.exclude(stage__in=closed_stages())
    elif statuses == {"closed"}:
        matters = matters.filter(stage__in=closed_stages())
    start, end = _window(request)
    return matters.filter(reported_at__gte=start, reported_at__lte=end)


def _list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _window(request: HttpRequest) -> tuple[dt.datetime, dt.datetime]:
    """start_date and end_date, by default the last 90 days; a wider window is refused as the spec says."""
    end = _datetime(request, "end_date") or timezone.now()
    start = _datetime(request, "start_date") or end - MAX_SPAN
    if start > end:
        raise Open311Error(400, _("start_date is after end_date."))
    if end - start > MAX_SPAN:
        raise Open311Error(400, _("start_date and end_date may not span more than 90 days."))
    return start, end


def _datetime(request: HttpRequest, name: str) -> dt.datetime | None:
    value = param(request, name)
    if not value:
        return None
    # An unencoded "+08:00" in a query string arrives as " 08:00".
    value = re.sub(r"(T[\d:.]+) (\d\d:?\d\d)$", r"\1+\2", value)
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise Open311Error(
            400,
            _("%(name)s “%(value)s” is not a W3C date-time such as 2010-01-01T00:00:00Z.")
            % {"name": name, "value": value},
        ) from None
    if parsed.tzinfo is None:
        raise Open311Error(400, _("%(name)s needs a time zone, such as Z or +08:00.") % {"name": name})
    return parsed


def _create(request: HttpRequest, fmt: Format) -> HttpResponse:
    key = Open311ApiKey.find(param(request, "api_key"))
    if key is None:
        raise Open311Error(403, _("api_key is missing or not valid; ask the station for one."))
    station = jurisdiction(request, default=key.station)
    if station.pk != key.station_id:
        raise Open311Error(403, _("This api_key is not valid for jurisdiction_id “%(id)s”.") % {"id": station.code})
    data, extra = _posted(request, station)
    with transaction.atomic():
        report = submit(station, data)
        Open311Submission.objects.create(report=report, api_key=key, **extra)
    Open311ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    status_url = request.build_absolute_uri(serializers.status_path(report.code))
    return respond(fmt, "service_requests", "request", [serializers.created(report.matter, report.code, status_url)])


def _posted(request: HttpRequest, station: Station) -> tuple[ReportInput, dict[str, str]]:
    """The POSTed fields as a report; personal data beyond name and phone goes to the submission row."""
    code = param(request, "service_code")
    if not code:
        raise Open311Error(400, _("service_code was not provided."))
    description = param(request, "description")
    if len(description) > DESCRIPTION_MAX_CHARS:
        raise Open311Error(400, _("description is longer than 4,000 characters."))
    latitude, longitude = _coordinates(request)
    address = param(request, "address_string") or _standard_address(request, station)
    if latitude is None and not address:
        raise Open311Error(400, _("Give the location: lat and long, address_string or address_id."))
    phone = normalize_phone(param(request, "phone"))
    if phone and not re.fullmatch(r"\d{7,12}", phone):
        raise Open311Error(400, _("phone “%(value)s” is not a phone number.") % {"value": param(request, "phone")})
    data = ReportInput(
        category=code,
        description=description,
        address=address,
        latitude=latitude,
        longitude=longitude,
        name=_name(param(request, "first_name"), param(request, "last_name")),
        phone=phone,
        # The client holds the key under the station's terms, which make it ask its users for consent.
        consent=True,
        source=Source.OPEN311,
    )
    return data, _extra(request)


def _coordinates(request: HttpRequest) -> tuple[Decimal | None, Decimal | None]:
    lat, long = param(request, "lat"), param(request, "long")
    if not lat and not long:
        return None, None
    if not lat or not long:
        raise Open311Error(400, _("lat and long must be sent together."))
    try:
        return Decimal(lat), Decimal(long)
    except InvalidOperation:
        raise Open311Error(400, _("lat and long must be numbers (WGS84 degrees).")) from None


def _standard_address(request: HttpRequest, station: Station) -> str:
    address_id = param(request, "address_id")
    if not address_id:
        return ""
    address = station.addresses.filter(pk=int(address_id)).first() if address_id.isdigit() else None
    if address is None:
        raise Open311Error(400, _("address_id “%(id)s” is not an address of this station.") % {"id": address_id})
    return address.full_text


def _name(first: str, last: str) -> str:
    # Chinese names are written family name first and without a space: 王 + 晓建 = 王晓建.
    if first and last and all("\u4e00" <= char <= "\u9fff" for char in first + last):
        return last + first
    return " ".join(part for part in (first, last) if part)


def _extra(request: HttpRequest) -> dict[str, str]:
    email, media_url = param(request, "email"), param(request, "media_url")
    try:
        if email:
            validate_email(email)
        if media_url:
            URLValidator()(media_url)
    except ValidationError:
        raise Open311Error(400, _("email or media_url is not valid.")) from None
    return {
        "email": email[:254],
        "device_id": param(request, "device_id")[:128],
        "account_id": param(request, "account_id")[:128],
        "media_url": media_url[:500],
    }


def unknown(request: HttpRequest) -> HttpResponse:
    fmt: Format = "json" if request.path.endswith(".json") else "xml"
    return errors(fmt, 404, _("There is no such Open311 resource: %(path)s") % {"path": request.path})
