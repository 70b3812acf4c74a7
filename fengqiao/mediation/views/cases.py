"""The list of cases, the rooms (the "N"), and the case page with its stage steps."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.db.models import Min, Prefetch, Q
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fengqiao.lib.errors import DomainError
from fengqiao.mediation.access import cases_for_user, get_case_for_user, is_partner_mediator, may_work
from fengqiao.mediation.domain.cases import allowed_steps, may_move, move_case
from fengqiao.mediation.domain.sessions import SCHEDULING_STAGES
from fengqiao.mediation.forms import (
    CancelForm,
    CaseFilterForm,
    CaseStepForm,
    RecordForm,
    ScanForm,
    ScheduleForm,
    VisitForm,
    show_error,
)
from fengqiao.mediation.models import (
    Agreement,
    Case,
    CaseEvent,
    CaseStage,
    DisputeParty,
    FulfilmentVisit,
    Referral,
    Room,
    Session,
    SessionStatus,
)
from fengqiao.mediation.views import mediation_required
from fengqiao.staff.models import User
from fengqiao.web.permissions import AuthedRequest

LIST_LIMIT = 200
F = TypeVar("F", bound=forms.Form)

STEP_LABELS = {
    CaseStage.ACCEPTED: gettext_lazy("Both parties consent"),
    CaseStage.DECLINED: gettext_lazy("A party declines"),
    CaseStage.AGREED: gettext_lazy("Record the agreement"),
    CaseStage.PARTLY_AGREED: gettext_lazy("Record a partial agreement"),
    CaseStage.FAILED: gettext_lazy("Mediation failed"),
    CaseStage.REFERRED: gettext_lazy("Refer"),
    CaseStage.FULFILMENT_CHECK: gettext_lazy("Start the fulfilment check"),
    CaseStage.CLOSED: gettext_lazy("Close the case"),
}


@mediation_required
def case_list(request: AuthedRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    stage = form.cleaned_data["stage"] if form.is_bound and form.is_valid() else ""
    cases = listed_cases(request.user, stage)
    context = {"form": form, "cases": cases[:LIST_LIMIT], "partner": is_partner_mediator(request.user)}
    return render(request, "mediation/cases.html", context, status=200 if not form.errors else 400)


def listed_cases(user: User, stage: str) -> "list[Case]":
    """The user's cases with their dispute, parties, lead and next session: four queries however many cases."""
    upcoming = Q(sessions__status=SessionStatus.SCHEDULED, sessions__starts_at__gte=timezone.now())
    sides = DisputeParty.objects.select_related("person")
    cases = (
        cases_for_user(user)
        .select_related("dispute__dispute_type", "lead")
        .prefetch_related(Prefetch("dispute__sides", queryset=sides))
        .annotate(next_session=Min("sessions__starts_at", filter=upcoming))
    )
    if stage:
        cases = cases.filter(stage=stage)
    return list(cases[:LIST_LIMIT])


@mediation_required
def rooms(request: AuthedRequest) -> HttpResponse:
    rows = (
        Room.objects.filter(station_id=request.user.station_id or 0)
        .select_related("community")
        .prefetch_related(Prefetch("people", queryset=User.objects.select_related("partner").order_by("full_name")))
    )
    return render(request, "mediation/rooms.html", {"rooms": rows})


# The case page --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepView:
    stage: str
    label: str
    form: CaseStepForm
    failed: bool = False


@dataclass(frozen=True)
class SessionView:
    session: Session
    record: RecordForm | None = None
    cancel: CancelForm | None = None
    failed: bool = False


@dataclass(frozen=True)
class VisitView:
    visit: FulfilmentVisit
    form: VisitForm | None = None
    failed: bool = False


@dataclass(frozen=True)
class Entry:
    """One line of the case's timeline."""

    at: dt.datetime
    title: str
    actor: User
    note: str
    stage: str
    details: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Failed:
    """A form that came back refused, shown in place of the fresh one with its key ("schedule", "record:3" …)."""

    key: str
    form: forms.Form


def kept(failed: Failed | None, key: str, fresh: Callable[[], F]) -> F:
    if failed is not None and failed.key == key:
        return failed.form  # type: ignore[return-value]
    return fresh()


def step_form(case: Case, stage: str, data: QueryDict | None = None) -> CaseStepForm:
    initial = {"to": stage, "expected_stage": case.stage, "facts": case.dispute.facts, "visit_days": "7, 30"}
    # One form per step on the page: distinct ids keep each label pointing at its own input.
    return CaseStepForm(data, initial=initial, auto_id=f"id_{stage}_%s")


def step_views(user: User, case: Case, failed: Failed | None) -> list[StepView]:
    return [
        StepView(
            stage,
            str(STEP_LABELS[stage]),
            kept(failed, f"step:{stage}", lambda stage=stage: step_form(case, stage)),  # type: ignore[misc]
            failed is not None and failed.key == f"step:{stage}",
        )
        for stage in allowed_steps(case)
        if may_move(user, case, stage)
    ]


def timeline(case: Case) -> list[Entry]:
    return [
        Entry(event.at, str(CaseStage(event.to_stage).label), event.actor, event.note, event.to_stage, details(event))
        for event in case.events.select_related("actor")
    ]


def details(event: CaseEvent) -> list[str]:
    found: list[str] = []
    if referral := event.data.get("referral"):
        label = Referral(referral).label if referral in Referral.values else referral
        found.append(_("Referred to: %(to)s") % {"to": label})
    if visits := event.data.get("visits"):
        found.append(_("Visits due: %(dates)s") % {"dates": ", ".join(str(day) for day in visits)})
    return found


def session_views(case: Case, can_work: bool, failed: Failed | None) -> list[SessionView]:
    sessions = case.sessions.select_related("room", "recorded_by").prefetch_related(
        "mediators", "parties_present", "mediators_present"
    )
    parties = [side.person for side in case.dispute.sides.select_related("person")]
    views = []
    for session in sessions:
        if not can_work or session.status != SessionStatus.SCHEDULED:
            views.append(SessionView(session))
            continue
        mediators = list(session.mediators.all())
        record = kept(failed, f"record:{session.pk}", lambda s=session, m=mediators: RecordForm(s, parties, m))  # type: ignore[misc]
        cancel = kept(failed, f"cancel:{session.pk}", lambda s=session: CancelForm(s))  # type: ignore[misc]
        is_failed = failed is not None and failed.key in (f"record:{session.pk}", f"cancel:{session.pk}")
        views.append(SessionView(session, record, cancel, is_failed))
    return views


def visit_views(case: Case, can_work: bool, failed: Failed | None) -> list[VisitView]:
    open_for_visits = can_work and case.stage == CaseStage.FULFILMENT_CHECK
    return [
        VisitView(
            visit,
            kept(failed, f"visit:{visit.pk}", lambda v=visit: VisitForm(v.pk)) if pending else None,  # type: ignore[misc]
            failed is not None and failed.key == f"visit:{visit.pk}",
        )
        for visit in case.visits.select_related("done_by")
        for pending in [open_for_visits and visit.done_at is None]
    ]


def render_case(
    request: AuthedRequest, case: Case, *, failed: Failed | None = None, error: str = "", status: int = 200
) -> HttpResponse:
    user = request.user
    can_work = may_work(case, user)
    mediators = list(case.mediators.select_related("partner").order_by("role", "full_name"))
    agreement = Agreement.objects.filter(case=case).first()
    context = {
        "case": case,
        "dispute": case.dispute,
        "partner": is_partner_mediator(user),
        "sides": list(case.dispute.sides.select_related("person")),
        "mediators": mediators,
        "partners": list(case.partners.select_related("force").order_by("name")),
        "steps": step_views(user, case, failed),
        "timeline": timeline(case),
        "sessions": session_views(case, can_work, failed),
        "schedule_form": kept(failed, "schedule", lambda: ScheduleForm(case, mediators))
        if can_work and case.stage in SCHEDULING_STAGES
        else None,
        "agreement": agreement,
        "scan_form": kept(failed, "scan", ScanForm) if can_work and agreement and not agreement.is_signed else None,
        "visits": visit_views(case, can_work, failed),
        "error": error,
    }
    return render(request, "mediation/case.html", context, status=status)


def refused(
    request: AuthedRequest, case: Case, failed: Failed, error: DomainError, aliases: dict[str, str] | None = None
) -> HttpResponse:
    """The case page again, with the refused form kept and the domain's message next to the field at fault."""
    if error.status == 404:
        raise Http404(error.message)
    show_error(failed.form, error, aliases)
    fresh = get_case_for_user(request.user, case.pk)
    # A conflict means the page was stale: show the case as it is now, with fresh step forms.
    kept_form = None if error.code == "conflict" and failed.key.startswith("step:") else failed
    return render_case(request, fresh, failed=kept_form, error=error.message, status=error.status)


@mediation_required
def case_page(request: AuthedRequest, case_id: int) -> HttpResponse:
    return render_case(request, get_case_for_user(request.user, case_id))


@mediation_required
@require_POST
def case_step(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, case_id)
    to = request.POST.get("to", "")
    form = step_form(case, to, request.POST)
    failed = Failed(f"step:{to}", form)
    if not form.is_valid():
        return render_case(request, case, failed=failed, error=_("The step was not taken."), status=400)
    try:
        moved = move_case(case.pk, request.user, form.step())
    except DomainError as error:
        return refused(request, case, failed, error, {"to": ""})
    messages.success(request, _("The case is now “%(stage)s”.") % {"stage": CaseStage(moved.stage).label})
    return redirect("mediation:case", case.pk)
