"""The API's one strict input layer and its output shapes.

Inputs refuse unknown fields (a typo such as `ownr` must not pass silently) and naive datetimes; codes
(kind, channel, stage …) stay plain strings here because the domain functions validate them with messages that
name the value. Outputs carry each code next to its label in the request's language.
"""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AwareDatetime, ConfigDict, Field, field_validator

from fengqiao.lib import idnumber
from fengqiao.matters.domain.actions import ActionInput
from fengqiao.matters.domain.registration import PartyInput, Registration
from fengqiao.matters.domain.transitions import Step
from fengqiao.matters.models import PartyRole, Priority

# Clocks of phones and desktops drift; a report "from the future" by less than this is taken as now.
CLOCK_SKEW = dt.timedelta(minutes=5)


def not_in_future(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value > timezone.now() + CLOCK_SKEW:
        raise ValueError(_("This time is in the future."))
    return value


class Input(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# ---- errors ----------------------------------------------------------------------------------------------------


class ErrorBody(Schema):
    code: str
    message: str
    field: str | None = None


class ErrorOut(Schema):
    error: ErrorBody


ERRORS: dict[int, type[Schema]] = {status: ErrorOut for status in (400, 401, 403, 404, 409)}


# ---- auth --------------------------------------------------------------------------------------------------------


class TokenIn(Input):
    username: str = Field(max_length=150)
    password: str = Field(max_length=128)


class TokenOut(Schema):
    token: str = Field(description="Send as `Authorization: Bearer <token>`.")
    expires_at: dt.datetime


# ---- codes -------------------------------------------------------------------------------------------------------


class CodeOut(Schema):
    code: str
    label: str
    parent: str | None = Field(default=None, description="Parent code (categories nest: 01 → 0101 → 010101).")


# ---- matters: input ------------------------------------------------------------------------------------------


class PartyIn(Input):
    name: str = Field(min_length=1, max_length=64)
    role: str = Field(default=PartyRole.REPORTER, description="Code from GET /api/v1/codes/party_roles.")
    phone: str = Field(default="", max_length=32)
    id_number: str = Field(default="", description="18-digit resident ID number (GB 11643).")

    @field_validator("id_number")
    @classmethod
    def _valid_id_number(cls, value: str) -> str:
        value = idnumber.normalize(value)
        if value and not idnumber.is_valid(value):
            raise ValueError(_("This is not a valid 18-digit ID number."))
        return value

    def to_input(self) -> PartyInput:
        return PartyInput(name=self.name, role=self.role, phone=self.phone, id_number=self.id_number)


class MatterIn(Input):
    kind: str = Field(description="Code from GET /api/v1/codes/kinds.")
    channel: str = Field(description="Code from GET /api/v1/codes/channels.")
    category: str = Field(description="Code from GET /api/v1/codes/categories.")
    description: str = Field(max_length=10_000)
    address: str = Field(max_length=255, description="Where it happened; a matching standard address is linked.")
    priority: str = Field(default=Priority.NORMAL, description="Code from GET /api/v1/codes/priorities.")
    reported_at: AwareDatetime | None = None
    parties: list[PartyIn] = Field(default_factory=list, max_length=50)
    latitude: Decimal | None = Field(default=None, ge=-90, le=90, decimal_places=6)
    longitude: Decimal | None = Field(default=None, ge=-180, le=180, decimal_places=6)
    due_at: AwareDatetime | None = Field(
        default=None, description="Resolve by; set when the resident's situation sets it."
    )
    due_reason: str = Field(default="", max_length=128)
    note: str = Field(default="", max_length=10_000)

    _reported_not_in_future = field_validator("reported_at")(not_in_future)

    def to_registration(self) -> Registration:
        return Registration(
            kind=self.kind,
            channel=self.channel,
            category=self.category,
            description=self.description,
            address=self.address,
            priority=self.priority,
            reported_at=self.reported_at,
            parties=[party.to_input() for party in self.parties],
            latitude=self.latitude,
            longitude=self.longitude,
            due_at=self.due_at,
            due_reason=self.due_reason,
            note=self.note,
        )


class TransitionIn(Input):
    to: str = Field(description="Target stage, a code from GET /api/v1/codes/stages.")
    owner: str | None = Field(default=None, max_length=150, description="Username of the new owner, to assign.")
    outcome: str | None = Field(
        default=None, max_length=16, description="Code from GET /api/v1/codes/outcomes, to resolve."
    )
    satisfaction: str | None = Field(
        default=None, description="Code from GET /api/v1/codes/satisfaction, to call back."
    )
    reason: str | None = Field(default=None, max_length=1000, description="Why, to reject.")
    into: int | None = Field(default=None, description="Id of the matter to merge into.")
    target: str | None = Field(default=None, max_length=128, description="Station or agency, to transfer.")
    note: str = Field(default="", max_length=10_000)
    expected_stage: str | None = Field(default=None, description="The stage you saw; if it has changed you get a 409.")

    def to_step(self) -> Step:
        return Step(
            to=self.to,
            note=self.note,
            owner=self.owner,
            outcome=self.outcome,
            satisfaction=self.satisfaction,
            reason=self.reason,
            into=self.into,
            target=self.target,
            expected_stage=self.expected_stage,
        )


class ActionIn(Input):
    kind: str = Field(description="Code from GET /api/v1/codes/action_kinds.")
    note: str = Field(max_length=10_000)
    occurred_at: AwareDatetime | None = None
    partner: int | None = Field(default=None, description="Id of a partner organisation of the station.")

    _occurred_not_in_future = field_validator("occurred_at")(not_in_future)

    def to_input(self, files: Sequence[UploadedFile]) -> ActionInput:
        return ActionInput(
            kind=self.kind, note=self.note, occurred_at=self.occurred_at, partner_id=self.partner, files=files
        )


class RevealIn(Input):
    field: str = Field(description="`phone` or `id_number`.")
    reason: str = Field(max_length=255)
    matter: int | None = Field(default=None, description="The matter the value is needed for.")


class RevealOut(Schema):
    value: str


# ---- matters: output -------------------------------------------------------------------------------------------


class PersonRef(Schema):
    username: str
    name: str


class PartyOut(Schema):
    person_id: int = Field(description="Use with POST /api/v1/persons/{id}/reveal.")
    name: str
    role: str
    role_label: str
    phone: str = Field(description="Masked, e.g. 138****5678.")
    id_number: str = Field(description="Masked, e.g. 1301**********1234.")


class EventOut(Schema):
    # Ninja validates responses from attributes, which are named `from_stage`; clients see the alias.
    model_config = ConfigDict(populate_by_name=True)

    from_stage: str = Field(alias="from", description="Empty for the registration itself.")
    to: str
    actor: PersonRef | None
    at: dt.datetime
    note: str


class AttachmentOut(Schema):
    name: str
    size: int
    sha256: str
    content_type: str


class ActionOut(Schema):
    id: int
    kind: str
    kind_label: str
    note: str
    actor: PersonRef
    partner: str | None = Field(description="Name of the partner organisation involved.")
    occurred_at: dt.datetime
    attachments: list[AttachmentOut]


class StepOut(Schema):
    code: str
    label: str


class MatterSummaryOut(Schema):
    id: int
    reference: str
    stage: str
    stage_label: str
    kind: str
    kind_label: str
    category: str
    category_label: str
    priority: str
    priority_label: str
    description: str
    place: str
    owner: PersonRef | None
    reported_at: dt.datetime
    step_due_at: dt.datetime | None = Field(description="When the next step is owed.")
    due_at: dt.datetime | None = Field(description="When the matter must be resolved.")
    overdue: bool


class RepeatOut(Schema):
    group: int = Field(description="The repeat group's id.")
    count: int = Field(description="Calls in the group.")
    window_days: int
    reasons: list[str] = Field(description="same_address, same_phone, same_person or same_parties.")
    matters: list[int] = Field(description="Ids of the group's matters, oldest call first.")


class MatterOut(MatterSummaryOut):
    channel: str
    channel_label: str
    latitude: float | None
    longitude: float | None
    due_reason: str
    outcome: str | None
    outcome_label: str | None
    satisfaction: str | None
    satisfaction_label: str | None
    merged_into: int | None
    transferred_to: str
    parties: list[PartyOut]
    events: list[EventOut]
    actions: list[ActionOut]
    allowed_steps: list[StepOut] = Field(description="The steps you may take now.")
    repeat: RepeatOut | None = Field(default=None, description="The largest repeat-call group of the matter.")


class MatterFilter(Schema):
    # Lenient on purpose: unknown query parameters (cache busters, tracking) are ignored, not refused.
    model_config = ConfigDict(str_strip_whitespace=True)

    stage: str | None = Field(default=None, description="Only matters in this stage.")
    overdue: bool | None = Field(default=None, description="true: only overdue; false: only not overdue.")
    q: str | None = Field(default=None, max_length=200, description="Words in description, place or party names.")
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0)


class MatterPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[MatterSummaryOut]
