"""Follow-up actions (处置/走访) on a matter, with their attachments.

Files are checked before anything is written (size, type sniffed from the content, not the name), stored
outside the database under a content-addressed path, and the row keeps the SHA-256 so that a document can be
shown to be the one that was filed. An action on a closed matter is refused: reopen it first.
"""

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.lib.errors import DomainError
from fengqiao.matters.models import OPEN_STAGES, ActionKind, Attachment, FollowUpAction, Matter
from fengqiao.matters.search import refresh_search_doc
from fengqiao.staff.models import User
from fengqiao.stations.models import Partner

# Sniffed MIME type → what stations file: scans and photos, PDFs, Word and Excel documents.
ALLOWED_TYPES = {
    "image/jpeg",
    "image/png",
    "image/heic",
    "image/webp",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/msword",
    "application/vnd.ms-excel",
}
# Office files are ZIP or OLE containers; filetype names the container, the extension names the document.
_CONTAINER_EXTENSIONS = {
    "application/zip": {
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    },
    "application/x-ole-storage": {".doc": "application/msword", ".xls": "application/vnd.ms-excel"},
}


@dataclass(frozen=True)
class ActionInput:
    kind: str
    note: str
    occurred_at: dt.datetime | None = None
    partner_id: int | None = None
    files: Sequence[UploadedFile] = field(default_factory=tuple)


def add_action(matter: Matter, actor: User, action: ActionInput) -> FollowUpAction:
    """Record one follow-up action and its attachments, all or nothing."""
    _check(matter, actor, action)
    checked = [(upload, *inspect_upload(upload)) for upload in action.files]
    stored: list[str] = []
    try:
        with transaction.atomic():
            _lock_open(matter)
            row = FollowUpAction.objects.create(
                matter=matter,
                kind=action.kind,
                actor=actor,
                note=action.note.strip(),
                occurred_at=action.occurred_at or timezone.now(),
                partner_id=action.partner_id,
            )
            for upload, content_type, digest in checked:
                attachment = Attachment(
                    action=row,
                    original_name=upload.name or "file",
                    content_type=content_type,
                    size=upload.size or 0,
                    sha256=digest,
                    uploaded_by=actor,
                )
                attachment.file.save(upload.name or "file", upload, save=False)
                stored.append(attachment.file.name or "")
                attachment.save()
            refresh_search_doc(matter)  # what was done is searchable too (断水断电, 低保 …)
    except BaseException:
        _forget_files(stored)
        raise
    return row


def _forget_files(names: list[str]) -> None:
    """Files are written before their rows: when the rows never commit, no file may stay behind unowned. A file
    another attachment already holds (the same content, content-addressed) is kept."""
    storage = Attachment.file.field.storage
    for name in filter(None, names):
        if not Attachment.objects.filter(file=name).exists():
            storage.delete(name)


def _check(matter: Matter, actor: User, action: ActionInput) -> None:
    if actor.station_id != matter.station_id or not actor.is_police:
        raise DomainError("forbidden", _("You may not record actions on this matter."), status=403)
    if not matter.is_open:
        raise _closed()
    if action.kind not in ActionKind.values:
        raise DomainError("invalid", _("“%(value)s” is not a kind of action.") % {"value": action.kind}, "kind")
    if not action.note.strip():
        raise DomainError("required", _("Say what was done."), "note")
    if action.partner_id and not Partner.objects.filter(pk=action.partner_id, station_id=matter.station_id).exists():
        raise DomainError("invalid", _("That partner does not work with this station."), "partner")


def _lock_open(matter: Matter) -> None:
    """Re-read the stage under the row lock: the matter may have been closed since the caller loaded it."""
    stage = Matter.objects.select_for_update().filter(pk=matter.pk).values_list("stage", flat=True).get()
    if stage not in OPEN_STAGES:
        raise _closed()


def _closed() -> DomainError:
    return DomainError("closed", _("This matter is closed; reopen it before recording actions."), status=409)


def inspect_upload(upload: UploadedFile) -> tuple[str, str]:
    """The sniffed content type and the SHA-256 of an upload, or a DomainError naming the file."""
    name = upload.name or "file"
    if (upload.size or 0) > settings.ATTACHMENT_MAX_BYTES:
        raise DomainError(
            "too_large",
            _("“%(name)s” is larger than %(limit)d MB.")
            % {"name": name, "limit": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)},
            "files",
            status=400,
        )
    if not upload.size:
        raise DomainError("empty", _("“%(name)s” is empty.") % {"name": name}, "files")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    content_type = _content_type(upload, name)
    if content_type not in ALLOWED_TYPES:
        raise DomainError(
            "bad_type", _("“%(name)s” is not a photo, PDF, Word or Excel file.") % {"name": name}, "files"
        )
    return content_type, digest.hexdigest()


def _content_type(upload: UploadedFile, name: str) -> str:
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None:
        return ""
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return _CONTAINER_EXTENSIONS.get(kind.mime, {}).get(extension, kind.mime)
