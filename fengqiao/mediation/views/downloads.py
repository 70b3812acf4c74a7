"""The agreement (人民调解协议书) and a held session's minutes (调解笔录) as DOCX or PDF, for whoever sees the case."""

from collections.abc import Callable

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from fengqiao.mediation.access import get_case_for_user
from fengqiao.mediation.documents import agreement_docx, agreement_pdf, minutes_docx, minutes_pdf
from fengqiao.mediation.models import Agreement, Case, Session, SessionStatus
from fengqiao.mediation.views import mediation_required
from fengqiao.web.permissions import AuthedRequest

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
AGREEMENT: dict[str, Callable[[Case], bytes]] = {"docx": agreement_docx, "pdf": agreement_pdf}
MINUTES: dict[str, Callable[[Session], bytes]] = {"docx": minutes_docx, "pdf": minutes_pdf}


def attachment(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@mediation_required
def agreement_document(request: AuthedRequest, case_id: int, fmt: str) -> HttpResponse:
    case = get_case_for_user(request.user, case_id)
    if fmt not in AGREEMENT or not Agreement.objects.filter(case=case).exists():
        raise Http404("No such agreement document")
    return attachment(AGREEMENT[fmt](case), fmt, f"{case.reference}-agreement")


@mediation_required
def minutes_document(request: AuthedRequest, case_id: int, session_id: int, fmt: str) -> HttpResponse:
    case = get_case_for_user(request.user, case_id)
    session = get_object_or_404(case.sessions.filter(status=SessionStatus.HELD), pk=session_id)
    if fmt not in MINUTES:
        raise Http404("No such minutes document")
    return attachment(MINUTES[fmt](session), fmt, f"{case.reference}-minutes-{session.pk}")
