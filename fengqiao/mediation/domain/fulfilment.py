"""After the agreement: the signed scan attached back to the case, and the fulfilment visits (履行回访)."""

import datetime as dt

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.lib.errors import DomainError
from fengqiao.matters.domain.actions import inspect_upload
from fengqiao.mediation.access import may_work
from fengqiao.mediation.models import Agreement, Case, CaseStage, FulfilmentVisit
from fengqiao.staff.models import User

SCAN_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})


def attach_signed_scan(case: Case, actor: User, upload: UploadedFile) -> Agreement:
    """Keep the signed agreement (a PDF or a photo) on the case; a signed agreement cannot be replaced."""
    if not may_work(case, actor):
        raise DomainError("not_found", _("No such mediation case."), status=404)
    content_type, _digest = inspect_upload(upload)
    if content_type not in SCAN_TYPES:
        raise DomainError("bad_type", _("The signed agreement must be a PDF, JPEG or PNG file."), "file")
    stored: list[str] = []
    try:
        with transaction.atomic():
            agreement = Agreement.objects.select_for_update().filter(case=case).first()
            if agreement is None:
                raise DomainError("invalid", _("There is no agreement to sign yet."), "file")
            if agreement.is_signed:
                raise DomainError("conflict", _("The signed agreement is already attached."), "file", status=409)
            agreement.signed_scan.save(upload.name or "agreement", upload, save=False)
            stored.append(agreement.signed_scan.name or "")
            agreement.signed_uploaded_by, agreement.signed_uploaded_at = actor, timezone.now()
            agreement.save(update_fields=["signed_scan", "signed_uploaded_by", "signed_uploaded_at"])
    except BaseException:
        # The file is written before its row; a row that never commits must not leave an unowned scan behind.
        for name in filter(None, stored):
            Agreement.signed_scan.field.storage.delete(name)
        raise
    return agreement


def record_visit(
    visit_id: int, actor: User, *, fulfilled: bool | None, note: str, at: dt.datetime | None = None
) -> FulfilmentVisit:
    """Record a fulfilment visit: whether the parties keep the agreement, and what was seen."""
    with transaction.atomic():
        visit = FulfilmentVisit.objects.select_for_update().select_related("case").filter(pk=visit_id).first()
        if visit is None or not may_work(visit.case, actor):
            raise DomainError("not_found", _("No such fulfilment visit."), status=404)
        if visit.case.stage != CaseStage.FULFILMENT_CHECK:
            raise DomainError("invalid", _("Visits are recorded while the case is under fulfilment check."), "visit")
        if visit.done_at is not None:
            raise DomainError("conflict", _("This visit is already recorded."), "visit", status=409)
        if fulfilled is None:
            raise DomainError("required", _("Say whether the agreement is being kept."), "fulfilled")
        if not note.strip():
            raise DomainError("required", _("Write what the visit found."), "note")
        visit.done_at, visit.done_by = at or timezone.now(), actor
        visit.fulfilled, visit.note = fulfilled, note.strip()
        visit.save(update_fields=["done_at", "done_by", "fulfilled", "note"])
    return visit
