"""The mediation API's input and output shapes, in the style of `fengqiao.api.schemas`.

Inputs refuse unknown fields and naive datetimes; stages, sides, dispute types and referrals stay plain strings
because the domain functions validate them with messages that name the value. Outputs carry each code next to
its label, and personal data masked.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import AwareDatetime, ConfigDict, Field

from fengqiao.api.schemas import Input, PersonRef, StepOut
from fengqiao.mediation.domain.cases import CaseStep, Opening
from fengqiao.mediation.domain.sessions import Booking, Record

# ---- input ---------------------------------------------------------------------------------------------------


class SideIn(Input):
    person: int = Field(description="Id of a person of the station (a party of the matter).")
    side: str = Field(description="`a` (甲方) or `b` (乙方).")


class CaseIn(Input):
    matter: int | None = Field(default=None, description="Id of an open dispute matter; or give `proposal`.")
    proposal: int | None = Field(default=None, description="Id of a repeat-call mediation proposal.")
    dispute_type: str = Field(description="Code from GET /api/v1/codes/dispute_types.")
    sides: list[SideIn] = Field(max_length=50)
    lead: int = Field(description="User id of the lead; always one of the mediators.")
    mediators: list[int] = Field(default_factory=list, max_length=50, description="User ids of the mediators.")
    partners: list[int] = Field(default_factory=list, max_length=50, description="Ids of partners invited.")
    room: int | None = Field(default=None, description="Id of a mediation room or contact point.")
    amount: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    risk_level: str = Field(default="low", description="low, medium or high.")
    facts: str = Field(default="", max_length=10_000)
    note: str = Field(default="", max_length=10_000)

    def to_opening(self) -> Opening:
        return Opening(
            dispute_type=self.dispute_type,
            sides={side.person: side.side for side in self.sides},
            lead=self.lead,
            mediators=tuple(self.mediators),
            partners=tuple(self.partners),
            room=self.room,
            amount=self.amount,
            risk_level=self.risk_level,
            facts=self.facts,
            note=self.note,
        )


class CaseStepIn(Input):
    to: str = Field(description="Target stage: accepted, declined, agreed, partly_agreed, failed, referred, …")
    note: str = Field(default="", max_length=10_000, description="Why, to decline, fail or close a failed case.")
    consent: bool = Field(default=False, description="To accept: both parties have consented.")
    facts: str = Field(default="", max_length=10_000, description="To agree: the facts (default: the dispute's).")
    terms: str = Field(default="", max_length=10_000, description="To agree: the agreed terms.")
    fulfilment: str = Field(default="", max_length=10_000, description="To agree: how and when they are fulfilled.")
    fulfil_by: dt.date | None = None
    unresolved: str = Field(default="", max_length=10_000, description="To agree partly: what remains open.")
    referral: str = Field(default="", description="To refer: court_pre_litigation, arbitration, litigation, …")
    visit_days: list[int] = Field(
        default_factory=list, max_length=12, description="To check fulfilment: visits due this many days later."
    )
    expected_stage: str | None = Field(default=None, description="The stage you saw; if it has changed you get a 409.")

    def to_step(self) -> CaseStep:
        return CaseStep(
            to=self.to,
            note=self.note,
            consent=self.consent,
            facts=self.facts,
            terms=self.terms,
            fulfilment=self.fulfilment,
            fulfil_by=self.fulfil_by,
            unresolved=self.unresolved,
            referral=self.referral,
            visit_days=tuple(self.visit_days),
            expected_stage=self.expected_stage,
        )


class SessionIn(Input):
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    room: int | None = Field(default=None, description="Id of a mediation room; or say where in `place`.")
    place: str = Field(default="", max_length=160)
    mediators: list[int] = Field(default_factory=list, max_length=50, description="Default: all of the case's.")

    def to_booking(self) -> Booking:
        return Booking(
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            room=self.room,
            place=self.place,
            mediators=tuple(self.mediators),
        )


class RecordIn(Input):
    minutes: str = Field(max_length=50_000, description="调解笔录.")
    parties_present: list[int] = Field(default_factory=list, max_length=50, description="Person ids.")
    mediators_present: list[int] = Field(default_factory=list, max_length=50, description="User ids.")
    next_date: dt.date | None = None

    def to_record(self) -> Record:
        return Record(
            minutes=self.minutes,
            parties_present=tuple(self.parties_present),
            mediators_present=tuple(self.mediators_present),
            next_date=self.next_date,
        )


class CancelIn(Input):
    reason: str = Field(max_length=255)


class VisitIn(Input):
    fulfilled: bool | None = Field(default=None, description="Is the agreement being kept?")
    note: str = Field(default="", max_length=10_000, description="What the visit found.")


class CaseFilter(Schema):
    # Lenient on purpose, like the matters' filter: unknown query parameters are ignored.
    model_config = ConfigDict(str_strip_whitespace=True)

    stage: str | None = Field(default=None, description="Only cases in this stage.")
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0)


class StatsQuery(Schema):
    # Dates stay text here so that a bad one gets our message naming the parameter, not pydantic's.
    model_config = ConfigDict(populate_by_name=True, str_strip_whitespace=True)

    start: str | None = Field(None, alias="from", description="First day, YYYY-MM-DD; default 1 January.")
    end: str | None = Field(None, alias="to", description="Last day (included), YYYY-MM-DD; default today.")


# ---- output --------------------------------------------------------------------------------------------------


class CodeLabel(Schema):
    code: str
    label: str


class MatterRef(Schema):
    id: int
    reference: str


class RoomOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str


class PartnerOut(Schema):
    id: int
    name: str
    force: CodeLabel | None = Field(description="Which of the eight partner forces it belongs to.")


class SideOut(Schema):
    person_id: int
    name: str
    side: str
    side_label: str
    phone: str = Field(description="Masked, e.g. 139****1111.")
    id_number: str = Field(description="Masked, e.g. 1309**********1234.")


class DisputeOut(Schema):
    type: CodeLabel
    amount: Decimal | None
    risk_level: str
    risk_label: str
    facts: str


class CaseEventOut(Schema):
    model_config = ConfigDict(populate_by_name=True)

    from_stage: str = Field(alias="from", description="Empty for the opening.")
    to: str
    actor: PersonRef | None
    at: dt.datetime
    note: str
    data: dict[str, Any]


class SessionOut(Schema):
    id: int
    status: str
    status_label: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    room: RoomOut | None
    place: str
    mediators: list[PersonRef]
    parties_present: list[str] = Field(description="Names of the parties present.")
    mediators_present: list[PersonRef]
    minutes: str
    next_date: dt.date | None
    cancel_reason: str


class AgreementOut(Schema):
    facts: str
    terms: str
    fulfilment: str
    fulfil_by: dt.date | None
    partial: bool
    unresolved: str
    agreed_at: dt.datetime
    signed: bool = Field(description="Whether the signed scan is attached.")
    signed_uploaded_at: dt.datetime | None


class VisitOut(Schema):
    id: int
    due_on: dt.date
    done_at: dt.datetime | None
    done_by: PersonRef | None
    fulfilled: bool | None
    note: str


class CaseSummaryOut(Schema):
    id: int
    reference: str
    stage: str
    stage_label: str
    dispute_type: CodeLabel
    lead: PersonRef
    room: str | None
    opened_at: dt.datetime
    stage_changed_at: dt.datetime


class CaseOut(CaseSummaryOut):
    matter: MatterRef
    proposal: int | None = Field(description="Id of the repeat-call proposal the case came from.")
    referred_to: str | None
    referred_to_label: str | None
    dispute: DisputeOut
    sides: list[SideOut]
    mediators: list[PersonRef]
    partners: list[PartnerOut]
    room_detail: RoomOut | None
    allowed_steps: list[StepOut] = Field(description="The steps you may take now.")
    events: list[CaseEventOut]
    sessions: list[SessionOut]
    agreement: AgreementOut | None
    visits: list[VisitOut]


class CasePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CaseSummaryOut]


class PeriodOut(Schema):
    model_config = ConfigDict(populate_by_name=True)

    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to", description="Included.")


class FigureRowOut(Schema):
    key: str = Field(description="Dispute type code, room id or partner id; empty for “no room”/“no partner”.")
    label: str
    opened: int
    agreed: int
    partly_agreed: int
    failed: int
    referred: int
    declined: int
    outcomes: int = Field(description="Agreed + partly agreed + failed: the success rate's denominator.")
    success_pct: float | None = Field(description="Agreed ÷ outcomes, in per cent; null without an outcome.")
    median_days_to_agreement: float | None = Field(
        description="From the proposal (or the case's opening) to the agreement, median over the period."
    )


class HoldingOut(Schema):
    agreements: int = Field(description="Cases agreed in the period.")
    with_repeat_call: int = Field(description="… with a matter about a party of the case within the window.")
    watching: int = Field(description="… without one so far, but the window is not over yet.")
    held_pct: float | None = Field(description="Agreements without a repeat call, in per cent.")
    window_days: int


class StatsOut(Schema):
    period: PeriodOut
    total: FigureRowOut
    by_type: list[FigureRowOut]
    by_room: list[FigureRowOut]
    by_partner: list[FigureRowOut]
    holding: HoldingOut
