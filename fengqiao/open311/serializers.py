"""Matters as Open311 sees them: services, service requests, updates — public words and public detail only.

Nothing personal leaves here: no party, no phone, no e-mail, no officer, no internal note, no tracking code
(it is the resident's key to give feedback). Matters whose service has no public detail (disputes, help, crime
reports …) go out without their description and with no place finer than the community grid.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from fengqiao.matters.models import Matter, MatterEvent
from fengqiao.open311.render import Value, w3c
from fengqiao.reports.domain.status import is_closed, public_stage
from fengqiao.reports.models import PublicNote
from fengqiao.reports.services import Offered, service_of
from fengqiao.stations.models import Station


def status_of(stage: str) -> str:
    return "closed" if is_closed(stage) else "open"


def service_notice() -> str:
    return _("Not for emergencies: call 110. The station registers every report and an officer follows it up.")


def service(item: Offered) -> dict[str, Value]:
    labels = [item.category.label_zh, item.category.label_en]
    return {
        "service_code": item.code,
        "service_name": item.category.label,
        "description": f"{item.group} / {item.category.label}" if item.group else item.category.label,
        "metadata": False,
        "type": "realtime",
        "keywords": ", ".join(label for label in labels if label),
        "group": item.group,
    }


def service_definition(item: Offered) -> dict[str, Value]:
    return {"service_code": item.code, "attributes": []}


def service_request(matter: Matter, note: PublicNote | None) -> dict[str, Value]:
    detail = _public_detail(matter)
    updated = max(matter.stage_changed_at, note.created_at) if note is not None else matter.stage_changed_at
    closed = is_closed(matter.stage)
    return {
        "service_request_id": matter.reference,
        "status": status_of(matter.stage),
        "status_notes": note.text if note is not None else None,
        "service_name": matter.category.label,
        "service_code": matter.category.code,
        "description": matter.description if detail else None,
        "agency_responsible": matter.station.name,
        "service_notice": service_notice(),
        "requested_datetime": w3c(matter.reported_at),
        "updated_datetime": w3c(updated),
        "expected_datetime": w3c(matter.due_at) if matter.due_at is not None and not closed else None,
        "address": _address(matter, detail),
        "lat": matter.latitude if detail else None,
        "long": matter.longitude if detail else None,
    }


def created(matter: Matter, code: str, status_url: str) -> dict[str, Value]:
    """POST's answer: realtime, so the id and no token; the notice tells the resident's tracking code."""
    notice = _("Tracking code %(code)s: the resident can follow the report and answer at %(url)s") % {
        "code": code,
        "url": status_url,
    }
    return {"service_request_id": matter.reference, "service_notice": notice}


def token(matter: Matter, code: str) -> dict[str, Value]:
    return {"service_request_id": matter.reference, "token": code}


def update(event: MatterEvent, reference: str) -> dict[str, Value]:
    words = public_stage(event.to_stage)
    return {
        "update_id": str(event.pk),
        "service_request_id": reference,
        "status": status_of(event.to_stage),
        "updated_datetime": w3c(event.at),
        "description": f"{words.label}: {words.explanation}",
    }


def discovery(station_names: list[str], endpoint_url: str, changeset: str) -> dict[str, Value]:
    return {
        "changeset": changeset,
        "contact": "; ".join(station_names),
        "key_service": _("API keys are issued by the station's administrator."),
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": endpoint_url,
                "changeset": changeset,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def status_path(code: str) -> str:
    return reverse("report_status", args=[code])


def _public_detail(matter: Matter) -> bool:
    service_def = service_of(matter.category.code)
    return service_def is not None and service_def.public_detail


def _address(matter: Matter, detail: bool) -> str | None:
    if detail:
        return matter.place or None
    if matter.grid is not None:
        return f"{matter.grid.community.name} · {matter.grid.name}"
    return None


def station_names(stations: list[Station]) -> list[str]:
    return [station.name for station in stations]
