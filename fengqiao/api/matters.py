"""Matters: register, list, read, move along the loop, record follow-up actions.

Every lookup goes through `matters_for_user` / `get_matter_for_user`, so another station's matter is the same
404 as one that does not exist; every write goes through the domain functions, which validate and refuse.
"""

import json
from typing import Any

import pydantic
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status

from fengqiao.api.auth import current_user
from fengqiao.api.errors import body_errors
from fengqiao.api.presenters import SUMMARY_RELATED, action_out, load_details, matter_detail, matter_summary
from fengqiao.api.schemas import (
    ERRORS,
    ActionIn,
    ActionOut,
    MatterFilter,
    MatterIn,
    MatterOut,
    MatterPage,
    TransitionIn,
)
from fengqiao.lib.errors import DomainError
from fengqiao.matters.access import get_matter_for_user, matters_for_user
from fengqiao.matters.domain.actions import add_action
from fengqiao.matters.domain.registration import register
from fengqiao.matters.domain.transitions import transition
from fengqiao.matters.models import FollowUpAction, MatterQuerySet, Stage
from fengqiao.matters.search import search

router = Router(tags=["matters"])

# Operations returning a matter use `by_alias=True`: events say "from", which Python cannot name a field.

_ACTION_SCHEMA = ActionIn.model_json_schema()
_FILES = {"type": "array", "items": {"type": "string", "format": "binary"}, "description": "Attachments."}
# Documented by hand: the view reads either body itself, which ninja cannot describe.
_ACTION_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": _ACTION_SCHEMA},
            "multipart/form-data": {
                "schema": {**_ACTION_SCHEMA, "properties": {**_ACTION_SCHEMA["properties"], "files": _FILES}}
            },
        },
    }
}


@router.post("", response={201: MatterOut, **ERRORS}, summary="Register a matter", by_alias=True)
def create_matter(request: HttpRequest, payload: MatterIn) -> Status[MatterOut]:
    user = current_user(request)
    if not user.is_police or user.station is None:
        raise DomainError("forbidden", _("Only police staff may register matters."), status=403)
    matter = register(user.station, user, payload.to_registration())
    return Status(201, _detail(request, matter.pk))


@router.get("", response={200: MatterPage, **ERRORS}, summary="List matters")
def list_matters(request: HttpRequest, filters: Query[MatterFilter]) -> MatterPage:
    matters = _filtered(matters_for_user(current_user(request)), filters)
    page = matters.select_related(*SUMMARY_RELATED)[filters.offset : filters.offset + filters.limit]
    now = timezone.now()
    return MatterPage(
        count=matters.count(),
        limit=filters.limit,
        offset=filters.offset,
        items=[matter_summary(matter, now) for matter in page],
    )


@router.get("/{matter_id}", response={200: MatterOut, **ERRORS}, summary="Read a matter", by_alias=True)
def read_matter(request: HttpRequest, matter_id: int) -> MatterOut:
    return _detail(request, matter_id)


@router.post("/{matter_id}/transitions", response={200: MatterOut, **ERRORS}, summary="Take a step", by_alias=True)
def take_step(request: HttpRequest, matter_id: int, payload: TransitionIn) -> MatterOut:
    """Move the matter to `to`; the body carries what that step needs (owner, outcome, satisfaction …)."""
    user = current_user(request)
    matter = get_matter_for_user(user, matter_id)
    transition(matter.pk, user, payload.to_step())
    return _detail(request, matter.pk)


@router.post(
    "/{matter_id}/actions",
    response={201: ActionOut, **ERRORS},
    summary="Record a follow-up action",
    openapi_extra=_ACTION_BODY,
)
def create_action(request: HttpRequest, matter_id: int) -> Status[ActionOut]:
    """JSON, or multipart/form-data with the same fields and any number of `files` (the attachments)."""
    user = current_user(request)
    matter = get_matter_for_user(user, matter_id)
    payload, files = _action_payload(request)
    action = add_action(matter, user, payload.to_input(files))
    loaded = FollowUpAction.objects.select_related("actor", "partner").prefetch_related("attachments").get(pk=action.pk)
    return Status(201, action_out(loaded))


def _detail(request: HttpRequest, matter_id: int) -> MatterOut:
    user = current_user(request)
    return matter_detail(user, load_details(get_matter_for_user(user, matter_id)))


def _filtered(matters: MatterQuerySet, filters: MatterFilter) -> MatterQuerySet:
    if filters.stage:
        if filters.stage not in Stage.values:
            raise DomainError("invalid", _("“%(value)s” is not a stage.") % {"value": filters.stage}, "stage")
        matters = matters.filter(stage=filters.stage)
    if filters.overdue is not None:
        matters = matters.overdue() if filters.overdue else matters.not_overdue()
    if filters.q:
        matters = search(matters, filters.q)
    return matters.order_by("-reported_at", "-id")


def _action_payload(request: HttpRequest) -> tuple[ActionIn, list[UploadedFile]]:
    """The action's fields and files from a JSON or a multipart body; pydantic errors reach the error handler."""
    if request.content_type == "multipart/form-data":
        try:
            # Empty form fields mean "not given", as a JSON body would omit them.
            fields = {key: value for key, value in request.POST.items() if value != ""}
            files = request.FILES.getlist("files")
        except MultiPartParserError:
            raise DomainError("malformed", _("The form data could not be read.")) from None
        return _validated_action(fields), files
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise DomainError("malformed", _("The request body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise DomainError("malformed", _("The request body must be a JSON object."))
    return _validated_action(data), []


def _validated_action(data: dict[str, Any]) -> ActionIn:
    try:
        return ActionIn.model_validate(data)
    except pydantic.ValidationError as exc:
        raise body_errors(exc) from None
