"""The import pages: upload → preview with the mapping editable → confirm → progress → summary and report."""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fengqiao.imports.access import get_job_for_user, jobs_for_user, may_import
from fengqiao.imports.domain import jobs
from fengqiao.imports.domain.categories import Categories
from fengqiao.imports.domain.columns import Header, check_mapping
from fengqiao.imports.domain.rows import Parsed, RowParser
from fengqiao.imports.forms import MappingForm, UploadForm
from fengqiao.imports.models import ImportJob, JobStatus
from fengqiao.lib.errors import DomainError
from fengqiao.stations.models import Station
from fengqiao.web.permissions import AuthedRequest, forbidden, station_of

PROBLEMS_SHOWN = 50


def _refuse(request: AuthedRequest) -> HttpResponse:
    return forbidden(request, _("Only the chief and the officers of a station import its ledgers."))


@login_required
@require_http_methods(["GET", "POST"])
def imports_home(request: AuthedRequest) -> HttpResponse:
    if not may_import(request.user):
        return _refuse(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = _start(request, form.cleaned_data["file"], form.cleaned_data["channel"], form)
        if job is not None:
            return redirect("imports:job", job.pk)
    recent = jobs_for_user(request.user).select_related("created_by")[:20]
    status = 400 if form.errors else 200
    return render(request, "imports/home.html", {"form": form, "jobs": recent}, status=status)


def _start(request: AuthedRequest, upload: UploadedFile, channel: str, form: UploadForm) -> ImportJob | None:
    """Keep the upload and make a draft job, or tell on the form why the file cannot be imported."""
    station = Station.objects.get(pk=station_of(request.user))
    path = _store(upload, station)
    try:
        header = jobs.prepare(path)
    except DomainError as error:
        path.unlink(missing_ok=True)
        form.add_error("file", error.message)
        return None
    name = upload.name or path.name
    return jobs.create_job(station, request.user, path, name, header, JobStatus.DRAFT, channel)


def _store(upload: UploadedFile, station: Station) -> Path:
    # A fresh name: the original one is kept on the job, never used as a path.
    folder = Path(settings.MEDIA_ROOT) / "imports" / str(station.pk)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}{Path(upload.name or '').suffix.lower()[:8]}"
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return path


@login_required
@require_http_methods(["GET", "POST"])
def job_page(request: AuthedRequest, job_id: int) -> HttpResponse:
    if not may_import(request.user):
        return _refuse(request)
    job = get_job_for_user(request.user, job_id)
    if job.status != JobStatus.DRAFT:
        return render(request, "imports/job.html", _progress_context(job))
    form = MappingForm(job.headers, job.mapping, request.POST or None)
    if request.method == "POST" and form.is_valid():
        job.mapping = form.mapping()
        job.save(update_fields=["mapping"])
        try:
            check_mapping(job.mapping)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if "confirm" in request.POST:
                ImportJob.objects.filter(pk=job.pk, status=JobStatus.DRAFT).update(status=JobStatus.QUEUED)
                messages.success(request, _("The import is queued; this page shows its progress."))
                return redirect("imports:job", job.pk)
    status = 400 if form.errors else 200
    return render(request, "imports/preview.html", {"job": job, "form": form, "rows": _preview(job)}, status=status)


def _preview(job: ImportJob) -> list[Parsed]:
    parser = RowParser(Header(job.header_row, job.headers, job.mapping), Categories(), job.channel)
    return [parser.parse(number, values) for number, values in jobs.preview(job)]


@login_required
def job_progress(request: AuthedRequest, job_id: int) -> HttpResponse:
    """The progress block alone, polled by HTMX while the job runs (and a full page without HTMX)."""
    if not may_import(request.user):
        return _refuse(request)
    job = get_job_for_user(request.user, job_id)
    template = "imports/job.html#progress" if request.htmx else "imports/job.html"
    return render(request, template, _progress_context(job))


def _progress_context(job: ImportJob) -> dict[str, object]:
    problems = job.problems.all()[:PROBLEMS_SHOWN] if job.is_finished else []
    return {
        "job": job,
        "problems": problems,
        "more_problems": job.is_finished and job.problems.count() > PROBLEMS_SHOWN,
    }


@login_required
def job_report(request: AuthedRequest, job_id: int, fmt: str) -> HttpResponseBase:
    if not may_import(request.user):
        return _refuse(request)
    job = get_job_for_user(request.user, job_id)
    stored = {"xlsx": job.report_xlsx, "csv": job.report_csv}.get(fmt, "")
    if not stored or not Path(stored).is_file():
        raise Http404
    name = f"{Path(job.original_name).stem}-errors.{fmt}"
    return FileResponse(Path(stored).open("rb"), as_attachment=True, filename=name)
