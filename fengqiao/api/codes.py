"""Code tables: the values a client may send for kind, channel, category, stage … with their labels."""

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from fengqiao.api.schemas import ERRORS, CodeOut
from fengqiao.codes.models import Code, CodeTable
from fengqiao.lib.errors import DomainError
from fengqiao.matters.models import ActionKind, Channel, Kind, PartyRole, Priority, Satisfaction, Stage

router = Router(tags=["codes"])

# Fixed by the code (TextChoices); `categories` and `outcomes` are data (Code rows) that a station may replace.
CHOICES: dict[str, type[models.TextChoices]] = {
    "kinds": Kind,
    "channels": Channel,
    "priorities": Priority,
    "stages": Stage,
    "satisfaction": Satisfaction,
    "party_roles": PartyRole,
    "action_kinds": ActionKind,
}


@router.get("/{table}", response={200: list[CodeOut], **ERRORS}, summary="List a code table")
def list_codes(request: HttpRequest, table: str) -> list[CodeOut]:
    """Tables: kinds, channels, priorities, stages, satisfaction, party_roles, action_kinds, categories, outcomes.

    Labels follow the request's language (Accept-Language; Chinese by default).
    """
    if table in CHOICES:
        return [CodeOut(code=choice.value, label=str(choice.label)) for choice in CHOICES[table]]
    if table in CodeTable.values:
        rows = Code.objects.active(table).select_related("parent")
        return [CodeOut(code=row.code, label=row.label, parent=row.parent.code if row.parent else None) for row in rows]
    raise DomainError("not_found", _("There is no code table “%(table)s”.") % {"table": table}, "table", status=404)
