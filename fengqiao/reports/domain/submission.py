"""A resident's report becomes a `registered` matter on the `public_web` channel, with a tracking code.

Everything is checked before anything is written; the matter, the report row and the photo are written in one
transaction. Registration is the matters domain's own `register()`, with no actor: nobody at the station has
touched the matter yet, and the officers find it in their registered queue like any other.
"""

import re
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.lib.errors import DomainError
from fengqiao.matters.domain.actions import inspect_upload
from fengqiao.matters.domain.registration import PartyInput, Registration, register
from fengqiao.matters.models import Channel, Matter, PartyRole
from fengqiao.reports.models import CODE_ALPHABET, CODE_LENGTH, Report, ReportPhoto, Source
from fengqiao.reports.services import offered
from fengqiao.stations.models import CommunityGrid, Station

DEFAULT_PHOTO_MAX_BYTES = 10 * 1024 * 1024
_COORDINATE_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class ReportInput:
    category: str
    description: str
    address: str = ""
    grid_id: int | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    name: str = ""
    phone: str = ""
    consent: bool = False
    photo: UploadedFile | None = None
    source: str = Source.WEB


@dataclass(frozen=True)
class CheckedPhoto:
    upload: UploadedFile
    content_type: str
    sha256: str


def submit(station: Station, data: ReportInput) -> Report:
    """Register the report as a matter and return its tracking row; a DomainError names the field at fault."""
    service = offered(data.category).service
    grid = _grid(station, data.grid_id)
    _check_place(data, grid)
    _check_consent(data)
    photo = check_photo(data.photo) if data.photo is not None else None
    with transaction.atomic():
        code = new_code()
        matter = register(station, None, _registration(data, service.kind, grid, code))
        if grid is not None:
            # Registration links a grid only through a standard address; the resident chose one directly.
            Matter.objects.filter(pk=matter.pk).update(grid=grid)
        report = Report.objects.create(
            matter=matter, code=code, source=data.source, consent_at=timezone.now() if data.consent else None
        )
        if photo is not None:
            _store_photo(report, photo)
    return report


def new_code() -> str:
    """A fresh tracking code: 31^8 ≈ 8.5 × 10^11 codes, so guessing one is hopeless and collisions rare."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Report.objects.filter(code=code).exists():
            return code


def normalize_code(value: str) -> str:
    """What a resident types or reads out: lower case, spaces and dashes are forgiven."""
    return re.sub(r"[\s\-]", "", value).upper()


def check_photo(upload: UploadedFile) -> CheckedPhoto:
    """Size and type (sniffed from the content) before anything is written; the matters' checks, photos only."""
    limit = int(getattr(settings, "REPORT_PHOTO_MAX_BYTES", DEFAULT_PHOTO_MAX_BYTES))
    name = upload.name or "photo"
    if (upload.size or 0) > limit:
        raise DomainError(
            "too_large",
            _("The photo “%(name)s” is larger than %(limit)d MB.") % {"name": name, "limit": limit // (1024 * 1024)},
            "photo",
        )
    try:
        content_type, digest = inspect_upload(upload)
    except DomainError as error:
        photo_error = (
            _not_a_photo(name) if error.code == "bad_type" else DomainError(error.code, error.message, "photo")
        )
        raise photo_error from error
    if not content_type.startswith("image/"):
        raise _not_a_photo(name)  # a PDF or an Office file is fine on a matter, not as a resident's photo
    return CheckedPhoto(upload, content_type, digest)


def _not_a_photo(name: str) -> DomainError:
    return DomainError(
        "bad_type", _("“%(name)s” is not a photo; send a JPEG, PNG, HEIC or WebP image.") % {"name": name}, "photo"
    )


def has_personal_data(data: ReportInput) -> bool:
    return bool(data.phone.strip() or data.name.strip() or data.photo is not None)


def _check_consent(data: ReportInput) -> None:
    if has_personal_data(data) and not data.consent:
        raise DomainError(
            "consent_required",
            _("Agree that the station keeps your name, phone or photo, or leave them out."),
            "consent",
        )


def _check_place(data: ReportInput, grid: CommunityGrid | None) -> None:
    if (data.latitude is None) != (data.longitude is None):
        raise DomainError("invalid", _("Give both latitude and longitude, or neither."), "latitude")
    if data.latitude is not None and not Decimal(-90) <= data.latitude <= Decimal(90):
        raise DomainError("invalid", _("Latitude must lie between -90 and 90."), "latitude")
    if data.longitude is not None and not Decimal(-180) <= data.longitude <= Decimal(180):
        raise DomainError("invalid", _("Longitude must lie between -180 and 180."), "longitude")
    if not data.address.strip() and grid is None and data.latitude is None:
        raise DomainError(
            "required", _("Tell us where: an address or place, your grid, or your phone's location."), "address"
        )


def _grid(station: Station, grid_id: int | None) -> CommunityGrid | None:
    if grid_id is None:
        return None
    grid = CommunityGrid.objects.select_related("community").filter(pk=grid_id, station=station).first()
    if grid is None:
        raise DomainError("invalid", _("That grid does not belong to this station."), "grid")
    return grid


def _registration(data: ReportInput, kind: str, grid: CommunityGrid | None, code: str) -> Registration:
    address = data.address.strip() or (f"{grid.community.name} {grid.name}" if grid is not None else "")
    return Registration(
        kind=kind,
        channel=Channel.PUBLIC_WEB,
        category=data.category,
        description=data.description,
        address=address,
        parties=_reporter(data),
        latitude=_coordinate(data.latitude),
        longitude=_coordinate(data.longitude),
        # The tracking code as the matter's source number: officers find the matter by it when a resident calls.
        external_ref=code,
    )


def _reporter(data: ReportInput) -> list[PartyInput]:
    if not (data.name.strip() or data.phone.strip()):
        return []
    name = data.name.strip() or _("Resident (online report)")
    return [PartyInput(name=name, role=PartyRole.REPORTER, phone=data.phone.strip())]


def _coordinate(value: Decimal | None) -> Decimal | None:
    return value.quantize(_COORDINATE_PLACES) if value is not None else None


def _store_photo(report: Report, photo: CheckedPhoto) -> ReportPhoto:
    upload = photo.upload
    row = ReportPhoto(
        report=report,
        original_name=(upload.name or "photo")[:255],
        content_type=photo.content_type,
        size=upload.size or 0,
        sha256=photo.sha256,
    )
    row.file.save(upload.name or "photo", upload, save=False)
    row.save()
    return row
