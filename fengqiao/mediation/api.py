"""Mediation cases in the JSON API, mounted at /api/v1/mediations/.

Every lookup goes through `cases_for_user` / `get_case_for_user`: a partner mediator sees only the cases they are a
mediator on, and anything else is the same 404 as a case that does not exist. Every write is one domain function
(`open_case`, `move_case`, `schedule_session`, `record_session`, `cancel_session`, `record_visit`,
`attach_signed_scan`), which validates and refuses with a `DomainError` that becomes the API's one error shape.
"""

from typing import Any

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from fengqiao.analysis.hotspots import parse_day
from fengqiao.api.auth import current_user
from fengqiao.api.presenters import person_ref
from fengqiao.api.schemas import ERRORS, PersonRef, StepOut
from fengqiao.lib.errors import DomainError
from fengqiao.mediation.access import cases_for_user, get_case_for_user
from fengqiao.mediation.api_schemas import (
    AgreementOut,
    CancelIn,
    CaseEventOut,
    CaseFilter,
    CaseIn,
    CaseOut,
    CasePage,
    CaseStepIn,
    CaseSummaryOut,
    CodeLabel,
    DisputeOut,
    FigureRowOut,
    HoldingOut,
    MatterRef,
    PartnerOut,
    PeriodOut,
    RecordIn,
    RoomOut,
    SessionIn,
    SessionOut,
    SideOut,
    StatsOut,
    StatsQuery,
    VisitIn,
    VisitOut,
)
from fengqiao.mediation.domain.cases import allowed_steps, may_move, move_case, open_case
from fengqiao.mediation.domain.fulfilment import attach_signed_scan, record_visit
from fengqiao.mediation.domain.sessions import cancel_session, record_session, schedule_session
from fengqiao.mediation.figures import Row, may_see_figures, mediation_figures, period_of
from fengqiao.mediation.models import (
    Agreement,
    Case,
    CaseEvent,
    CaseStage,
    DisputeParty,
    FulfilmentVisit,
    Room,
    Session,
)
from fengqiao.staff.models import User
from fengqiao.stations.models import Partner

router = Router(tags=["mediations"])

SUMMARY_RELATED = ("dispute__dispute_type", "lead", "room")
DETAIL_PREFETCH = (
    Prefetch("dispute__sides", queryset=DisputeParty.objects.select_related("person")),
    "mediators",
    "partners__force",
    Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
    Prefetch(
        "sessions",
        queryset=Session.objects.select_related("room").prefetch_related(
            "mediators", "parties_present", "mediators_present"
        ),
    ),
    Prefetch("visits", queryset=FulfilmentVisit.objects.select_related("done_by")),
)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Operations returning a case use `by_alias=True`: events say "from", which Python cannot name a field.


@router.get("", response={200: CasePage, **ERRORS}, summary="List mediation cases")
def list_cases(request: HttpRequest, filters: Query[CaseFilter]) -> CasePage:
    cases = _filtered(cases_for_user(current_user(request)), filters)
    page = cases.select_related(*SUMMARY_RELATED)[filters.offset : filters.offset + filters.limit]
    return CasePage(
        count=cases.count(), limit=filters.limit, offset=filters.offset, items=[case_summary(c) for c in page]
    )


@router.post("", response={201: CaseOut, **ERRORS}, summary="Open a mediation case", by_alias=True)
def create_case(request: HttpRequest, payload: CaseIn) -> Status[CaseOut]:
    """From an open dispute matter (`matter`) or a repeat-call mediation proposal (`proposal`); sworn officers."""
    user = current_user(request)
    case = open_case(user, payload.to_opening(), matter_id=payload.matter, proposal_id=payload.proposal)
    return Status(201, _detail(user, case.pk))


@router.get("/stats", response={200: StatsOut, **ERRORS}, summary="Mediation figures of the station", by_alias=True)
def stats(request: HttpRequest, query: Query[StatsQuery]) -> StatsOut:
    """Per period (default: this year so far): cases opened and their outcomes, success rate, days to agreement,
    by dispute type, room and partner, and whether the agreements held (see docs/mediation.md "Figures")."""
    user = current_user(request)
    if not may_see_figures(user):
        raise DomainError("forbidden", _("The mediation figures are for the station's police."), status=403)
    assert user.station_id is not None  # police always have a station
    start = parse_day(query.start, "from") if query.start else None
    end = parse_day(query.end, "to") if query.end else None
    now = timezone.now()
    figures = mediation_figures(user.station_id, period_of(start, end, timezone.localdate(now)), now)
    return StatsOut(
        period=PeriodOut.model_validate({"from": figures.period.start, "to": figures.period.end}),
        total=_row_out(figures.total),
        by_type=[_row_out(row) for row in figures.by_type],
        by_room=[_row_out(row) for row in figures.by_room],
        by_partner=[_row_out(row) for row in figures.by_partner],
        holding=HoldingOut(**figures.holding.__dict__),
    )


@router.get("/{case_id}", response={200: CaseOut, **ERRORS}, summary="Read a mediation case", by_alias=True)
def read_case(request: HttpRequest, case_id: int) -> CaseOut:
    return _detail(current_user(request), case_id)


@router.post("/{case_id}/transitions", response={200: CaseOut, **ERRORS}, summary="Move a case a stage", by_alias=True)
def take_step(request: HttpRequest, case_id: int, payload: CaseStepIn) -> CaseOut:
    """Move the case to `to`; the body carries what that step needs (consent, the agreement's text, referral …)."""
    user = current_user(request)
    case = get_case_for_user(user, case_id)
    move_case(case.pk, user, payload.to_step())
    return _detail(user, case.pk)


@router.post("/{case_id}/sessions", response={201: SessionOut, **ERRORS}, summary="Schedule a session")
def create_session(request: HttpRequest, case_id: int, payload: SessionIn) -> Status[SessionOut]:
    """A clash with another session of the same room or mediator is a 409 naming it."""
    user = current_user(request)
    session = schedule_session(get_case_for_user(user, case_id), user, payload.to_booking())
    return Status(201, _session(session.pk))


@router.post("/sessions/{session_id}/record", response={200: SessionOut, **ERRORS}, summary="Record a held session")
def record(request: HttpRequest, session_id: int, payload: RecordIn) -> SessionOut:
    session = record_session(session_id, current_user(request), payload.to_record())
    return _session(session.pk)


@router.post("/sessions/{session_id}/cancel", response={200: SessionOut, **ERRORS}, summary="Cancel a session")
def cancel(request: HttpRequest, session_id: int, payload: CancelIn) -> SessionOut:
    session = cancel_session(session_id, current_user(request), payload.reason)
    return _session(session.pk)


@router.post("/visits/{visit_id}", response={200: VisitOut, **ERRORS}, summary="Record a fulfilment visit")
def visit(request: HttpRequest, visit_id: int, payload: VisitIn) -> VisitOut:
    done = record_visit(visit_id, current_user(request), fulfilled=payload.fulfilled, note=payload.note)
    return visit_out(FulfilmentVisit.objects.select_related("done_by").get(pk=done.pk))


@router.post("/{case_id}/signed-scan", response={201: AgreementOut, **ERRORS}, summary="Attach the signed agreement")
def signed_scan(request: HttpRequest, case_id: int, file: File[UploadedFile]) -> Status[AgreementOut]:
    """multipart/form-data with `file`: the signed 人民调解协议书 as PDF, JPEG or PNG; once, then it is frozen."""
    user = current_user(request)
    agreement = attach_signed_scan(get_case_for_user(user, case_id), user, file)
    return Status(201, agreement_out(agreement))


@router.get("/{case_id}/agreement.docx", response={200: None, **ERRORS}, summary="The agreement as Word")
def agreement_docx(request: HttpRequest, case_id: int) -> HttpResponse:
    from fengqiao.mediation import documents  # python-docx loads only when asked for

    case = _with_agreement(current_user(request), case_id)
    return _download(documents.agreement_docx(case), DOCX, f"{case.reference}.docx")


@router.get("/{case_id}/agreement.pdf", response={200: None, **ERRORS}, summary="The agreement as PDF")
def agreement_pdf(request: HttpRequest, case_id: int) -> HttpResponse:
    from fengqiao.mediation import documents  # fpdf2 and the font load only when asked for

    case = _with_agreement(current_user(request), case_id)
    return _download(documents.agreement_pdf(case), "application/pdf", f"{case.reference}.pdf")


# ---- helpers -------------------------------------------------------------------------------------------------


def _filtered(cases: QuerySet[Case], filters: CaseFilter) -> QuerySet[Case]:
    if filters.stage:
        if filters.stage not in CaseStage.values:
            raise DomainError(
                "invalid", _("“%(value)s” is not a stage of a mediation case.") % {"value": filters.stage}, "stage"
            )
        cases = cases.filter(stage=filters.stage)
    return cases.order_by("-opened_at", "-id")


def _detail(user: User, case_id: int) -> CaseOut:
    case = get_case_for_user(user, case_id)
    prefetch_related_objects([case], *DETAIL_PREFETCH)
    return case_detail(user, case)


def _session(session_id: int) -> SessionOut:
    loaded = (
        Session.objects.select_related("room")
        .prefetch_related("mediators", "parties_present", "mediators_present")
        .get(pk=session_id)
    )
    return session_out(loaded)


def _with_agreement(user: User, case_id: int) -> Case:
    case = get_case_for_user(user, case_id)
    if not Agreement.objects.filter(case=case).exists():
        raise DomainError("not_found", _("This case has no agreement yet."), status=404)
    return case


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _row_out(row: Row) -> FigureRowOut:
    return FigureRowOut(**row.__dict__)


# ---- presenters ----------------------------------------------------------------------------------------------


def _ref(user: User) -> PersonRef:
    return PersonRef(username=user.username, name=str(user))


def case_summary(case: Case) -> CaseSummaryOut:
    return CaseSummaryOut(**_summary_fields(case))


def _summary_fields(case: Case) -> dict[str, Any]:
    dispute_type = case.dispute.dispute_type
    return {
        "id": case.pk,
        "reference": case.reference or "",
        "stage": case.stage,
        "stage_label": case.get_stage_display(),
        "dispute_type": CodeLabel(code=dispute_type.code, label=dispute_type.label),
        "lead": _ref(case.lead),
        "room": case.room.name if case.room else None,
        "opened_at": case.opened_at,
        "stage_changed_at": case.stage_changed_at,
    }


def case_detail(viewer: User, case: Case) -> CaseOut:
    dispute = case.dispute
    agreement = Agreement.objects.filter(case=case).first()
    return CaseOut(
        **_summary_fields(case),
        matter=MatterRef(id=dispute.matter_id, reference=dispute.matter.reference or ""),
        proposal=case.proposal_id,
        referred_to=case.referred_to or None,
        referred_to_label=case.get_referred_to_display() if case.referred_to else None,
        dispute=DisputeOut(
            type=CodeLabel(code=dispute.dispute_type.code, label=dispute.dispute_type.label),
            amount=dispute.amount,
            risk_level=dispute.risk_level,
            risk_label=dispute.get_risk_level_display(),
            facts=dispute.facts,
        ),
        sides=[side_out(side) for side in dispute.sides.all()],
        mediators=[_ref(user) for user in sorted(case.mediators.all(), key=lambda u: u.pk)],
        partners=[partner_out(partner) for partner in sorted(case.partners.all(), key=lambda p: p.pk)],
        room_detail=room_out(case.room),
        allowed_steps=[
            StepOut(code=stage.value, label=str(stage.label))
            for stage in allowed_steps(case)
            if may_move(viewer, case, stage)
        ],
        events=[event_out(event) for event in case.events.all()],
        sessions=[session_out(session) for session in case.sessions.all()],
        agreement=agreement_out(agreement) if agreement else None,
        visits=[visit_out(v) for v in case.visits.all()],
    )


def side_out(side: DisputeParty) -> SideOut:
    person = side.person
    return SideOut(
        person_id=person.pk,
        name=person.name,
        side=side.side,
        side_label=side.get_side_display(),
        phone=person.masked_phone,
        id_number=person.masked_id_number,
    )


def partner_out(partner: Partner) -> PartnerOut:
    force = CodeLabel(code=partner.force.code, label=partner.force.label) if partner.force else None
    return PartnerOut(id=partner.pk, name=partner.name, force=force)


def room_out(room: Room | None) -> RoomOut | None:
    if room is None:
        return None
    return RoomOut(id=room.pk, name=room.name, kind=room.kind, kind_label=room.get_kind_display())


def event_out(event: CaseEvent) -> CaseEventOut:
    # Built from a dict because the field is called by its alias, "from".
    return CaseEventOut.model_validate(
        {
            "from": event.from_stage,
            "to": event.to_stage,
            "actor": person_ref(event.actor),
            "at": event.at,
            "note": event.note,
            "data": event.data or {},
        }
    )


def session_out(session: Session) -> SessionOut:
    return SessionOut(
        id=session.pk,
        status=session.status,
        status_label=session.get_status_display(),
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        room=room_out(session.room),
        place=session.place,
        mediators=[_ref(u) for u in sorted(session.mediators.all(), key=lambda u: u.pk)],
        parties_present=[p.name for p in sorted(session.parties_present.all(), key=lambda p: p.pk)],
        mediators_present=[_ref(u) for u in sorted(session.mediators_present.all(), key=lambda u: u.pk)],
        minutes=session.minutes,
        next_date=session.next_date,
        cancel_reason=session.cancel_reason,
    )


def agreement_out(agreement: Agreement) -> AgreementOut:
    return AgreementOut(
        facts=agreement.facts,
        terms=agreement.terms,
        fulfilment=agreement.fulfilment,
        fulfil_by=agreement.fulfil_by,
        partial=agreement.partial,
        unresolved=agreement.unresolved,
        agreed_at=agreement.agreed_at,
        signed=agreement.is_signed,
        signed_uploaded_at=agreement.signed_uploaded_at,
    )


def visit_out(visit: FulfilmentVisit) -> VisitOut:
    return VisitOut(
        id=visit.pk,
        due_on=visit.due_on,
        done_at=visit.done_at,
        done_by=person_ref(visit.done_by),
        fulfilled=visit.fulfilled,
        note=visit.note,
    )
