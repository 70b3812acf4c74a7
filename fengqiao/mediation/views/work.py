"""The mediation's own work on the case page: sessions, minutes, the signed scan and the fulfilment visits.

Each post goes to one domain function; a refusal comes back as the case page with the form kept and the message
next to the field at fault (a room or mediator clash next to the room or the mediators).
"""

import datetime as dt

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fengqiao.lib.errors import DomainError
from fengqiao.mediation.access import get_case_for_user
from fengqiao.mediation.domain.fulfilment import attach_signed_scan, record_visit
from fengqiao.mediation.domain.sessions import cancel_session, record_session, schedule_session
from fengqiao.mediation.forms import CancelForm, RecordForm, ScanForm, ScheduleForm, VisitForm
from fengqiao.mediation.models import Agreement, Case, Session
from fengqiao.mediation.views import mediation_required
from fengqiao.mediation.views.cases import Failed, refused, render_case
from fengqiao.web.permissions import AuthedRequest


def not_done(request: AuthedRequest, case: Case, failed: Failed, message: str) -> HttpResponse:
    return render_case(request, case, failed=failed, error=message, status=400)


def scoped_session(case: Case, session_id: int) -> Session:
    return get_object_or_404(case.sessions.all(), pk=session_id)


@mediation_required
@require_POST
def schedule(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, case_id)
    form = ScheduleForm(case, list(case.mediators.select_related("partner")), request.POST)
    failed = Failed("schedule", form)
    if not form.is_valid():
        return not_done(request, case, failed, _("The session was not scheduled."))
    try:
        session = schedule_session(case, request.user, form.booking())
    except DomainError as error:
        return refused(request, case, failed, error)
    messages.success(request, _("The session is scheduled for %(at)s.") % {"at": _local(session.starts_at)})
    return redirect("mediation:case", case.pk)


@mediation_required
@require_POST
def record(request: AuthedRequest, case_id: int, session_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, case_id)
    session = scoped_session(case, session_id)
    parties = [side.person for side in case.dispute.sides.select_related("person")]
    form = RecordForm(session, parties, list(session.mediators.select_related("partner")), request.POST)
    failed = Failed(f"record:{session.pk}", form)
    if not form.is_valid():
        return not_done(request, case, failed, _("The session was not recorded."))
    try:
        record_session(session.pk, request.user, form.record())
    except DomainError as error:
        return refused(request, case, failed, error)
    messages.success(request, _("The session is recorded as held."))
    return redirect("mediation:case", case.pk)


@mediation_required
@require_POST
def cancel(request: AuthedRequest, case_id: int, session_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, case_id)
    session = scoped_session(case, session_id)
    form = CancelForm(session, request.POST)
    failed = Failed(f"cancel:{session.pk}", form)
    if not form.is_valid():
        return not_done(request, case, failed, _("The session was not cancelled."))
    try:
        cancel_session(session.pk, request.user, form.cleaned_data["reason"])
    except DomainError as error:
        return refused(request, case, failed, error)
    messages.success(request, _("The session is cancelled."))
    return redirect("mediation:case", case.pk)


@mediation_required
def signed_scan(request: AuthedRequest, case_id: int) -> HttpResponseBase:
    """GET: the signed agreement, streamed only to those who see the case. POST: attach it (once)."""
    case = get_case_for_user(request.user, case_id)
    if request.method == "POST":
        return attach_scan(request, case)
    agreement = Agreement.objects.filter(case=case).first()
    if agreement is None or not agreement.is_signed:
        raise Http404(_("No signed agreement is attached."))
    try:
        handle = agreement.signed_scan.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file of the signed agreement is missing.")) from exc
    name = f"{case.reference}-signed{_suffix(agreement.signed_scan.name or '')}"
    return FileResponse(handle, as_attachment=True, filename=name)


def attach_scan(request: AuthedRequest, case: Case) -> HttpResponse:
    form = ScanForm(request.POST, request.FILES)
    failed = Failed("scan", form)
    if not form.is_valid():
        return not_done(request, case, failed, _("The signed agreement was not attached."))
    try:
        attach_signed_scan(case, request.user, form.cleaned_data["file"])
    except DomainError as error:
        return refused(request, case, failed, error, {"files": "file"})
    messages.success(request, _("The signed agreement is attached."))
    return redirect("mediation:case", case.pk)


@mediation_required
@require_POST
def visit(request: AuthedRequest, case_id: int, visit_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, case_id)
    row = get_object_or_404(case.visits.all(), pk=visit_id)
    form = VisitForm(row.pk, request.POST)
    failed = Failed(f"visit:{row.pk}", form)
    if not form.is_valid():
        return not_done(request, case, failed, _("The visit was not recorded."))
    try:
        data = form.cleaned_data
        record_visit(row.pk, request.user, fulfilled=data["fulfilled"], note=data["note"])
    except DomainError as error:
        return refused(request, case, failed, error, {"visit": ""})
    messages.success(request, _("The visit is recorded."))
    return redirect("mediation:case", case.pk)


def _local(value: dt.datetime) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:] if dot > name.rfind("/") else ""
