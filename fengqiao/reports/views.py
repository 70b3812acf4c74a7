"""Resident pages (no login): report, track, give feedback; and the officers' side of the same rows."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fengqiao.lib.errors import DomainError
from fengqiao.matters.access import get_matter_for_user, matters_for_user
from fengqiao.reports import ratelimit
from fengqiao.reports.domain.feedback import give_feedback, open_resolution
from fengqiao.reports.domain.notes import add_public_note
from fengqiao.reports.domain.status import milestones, public_stage
from fengqiao.reports.domain.submission import normalize_code, submit
from fengqiao.reports.forms import FeedbackForm, PublicNoteForm, ReportForm, TrackForm
from fengqiao.reports.models import CODE_ALPHABET, CODE_LENGTH, Feedback, PublicNote, Report, ReportPhoto
from fengqiao.stations.models import Station
from fengqiao.web.forms import show_domain_error
from fengqiao.web.permissions import AuthedRequest, police_required, station_of

FEEDBACK_LIST_LIMIT = 100


def not_found(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "reports/not_found.html", {"message": message, "track": TrackForm()}, status=404)


def start(request: HttpRequest) -> HttpResponse:
    """One station: straight to its form. Several: the resident picks theirs (a QR code per station skips this)."""
    stations = list(Station.objects.order_by("code"))
    if len(stations) == 1:
        return redirect("report_form", stations[0].code)
    return render(request, "reports/choose_station.html", {"stations": stations, "track": TrackForm()})


def report_form(request: HttpRequest, station_code: str) -> HttpResponse:
    station = Station.objects.filter(code=station_code).first()
    if station is None:
        return not_found(request, _("There is no police station “%(code)s”.") % {"code": station_code})
    limit = ratelimit.Limit.from_settings()
    ip = ratelimit.client_ip(request)
    if request.method != "POST":
        return _render_form(request, station, ReportForm(station))
    form = ReportForm(station, request.POST, request.FILES)
    if ratelimit.is_limited(ip, limit):
        form.is_valid()  # keeps what the resident typed on the page
        message = _(
            "You have sent %(count)d reports from this network in the last %(minutes)d minutes. "
            "Please wait a while before sending another. In an emergency call 110."
        ) % {"count": limit.count, "minutes": limit.minutes}
        return _render_form(request, station, form, limited=message, status=429)
    if form.is_valid():
        try:
            report = submit(station, form.report_input())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            ratelimit.count(ip, limit)
            messages.success(request, _("Thank you. Your report has been registered."))
            return redirect("report_status", report.code)
    return _render_form(request, station, form, status=400)


def _render_form(
    request: HttpRequest, station: Station, form: ReportForm, limited: str = "", status: int = 200
) -> HttpResponse:
    context = {"station": station, "form": form, "limited": limited}
    return render(request, "reports/report.html", context, status=status)


def track(request: HttpRequest) -> HttpResponse:
    """The resident types their code; the status page has it in its address, so it can be bookmarked."""
    form = TrackForm(request.GET or None)
    if form.is_valid():
        return redirect("report_status", normalize_code(form.cleaned_data["code"]))
    return render(request, "reports/track.html", {"track": form})


def status(request: HttpRequest, code: str) -> HttpResponse:
    report = _report_by_code(code)
    if report is None:
        return not_found(
            request, _("No report has the tracking code “%(code)s”. Check the code and try again.") % {"code": code}
        )
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and (form.is_valid() or open_resolution(report) is None):
        return _take_feedback(request, report, form)
    return render(request, "reports/status.html", _status_context(report, form), status=400 if form.errors else 200)


def _take_feedback(request: HttpRequest, report: Report, form: FeedbackForm) -> HttpResponse:
    try:
        give_feedback(report, form.cleaned_data.get("satisfaction", ""), form.cleaned_data.get("comment", ""))
    except DomainError as error:
        # Not rateable now (not resolved, already answered, reopened meanwhile): the page says where things stand.
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you for your feedback."))
    return redirect("report_status", report.code)


def _report_by_code(code: str) -> Report | None:
    code = normalize_code(code)
    if len(code) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in code):
        return None
    return Report.objects.select_related("matter__category", "matter__merged_into").filter(code=code).first()


def _status_context(report: Report, form: FeedbackForm) -> dict[str, object]:
    matter = report.matter
    target = matter.merged_into
    return {
        "report": report,
        "matter": matter,
        "stage": public_stage(matter.stage),
        "merged_stage": public_stage(target.stage) if target is not None else None,
        "milestones": milestones(matter),
        "notes": PublicNote.objects.filter(matter=matter).order_by("-created_at", "-id"),
        "feedback_given": report.feedback.all(),
        "feedback_form": form if open_resolution(report) is not None else None,
    }


@police_required
def feedback_list(request: AuthedRequest) -> HttpResponse:
    """What residents said online about the station's resolutions, newest first."""
    rows = (
        Feedback.objects.filter(report__matter__station_id=station_of(request.user))
        .select_related("report__matter__category", "report__matter__owner")
        .order_by("-created_at")[:FEEDBACK_LIST_LIMIT]
    )
    return render(request, "reports/feedback_list.html", {"rows": rows})


@police_required
def photo(request: AuthedRequest, photo_id: int) -> FileResponse:
    row = ReportPhoto.objects.filter(pk=photo_id, report__matter__in=matters_for_user(request.user)).first()
    if row is None:
        raise Http404("No such photo")
    return FileResponse(row.file.open("rb"), content_type=row.content_type, filename=row.original_name)


@police_required
@require_POST
def public_note(request: AuthedRequest, matter_id: int) -> HttpResponse:
    matter = get_matter_for_user(request.user, matter_id)
    form = PublicNoteForm(request.POST)
    if form.is_valid():
        try:
            add_public_note(matter, request.user, form.cleaned_data["text"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The note is now shown to the resident."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("matter", matter.pk)
