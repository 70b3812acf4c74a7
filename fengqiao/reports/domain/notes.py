"""Notes the station writes for the resident: public by definition, so only police of the station write them."""

from django.utils.translation import gettext as _

from fengqiao.lib.errors import DomainError
from fengqiao.matters.models import Matter
from fengqiao.reports.models import PublicNote
from fengqiao.staff.models import User

NOTE_MAX_CHARS = 1000


def add_public_note(matter: Matter, author: User, text: str) -> PublicNote:
    if not author.is_police or author.station_id != matter.station_id:
        raise DomainError("forbidden", _("You may not write to the resident about this matter."), status=403)
    if not hasattr(matter, "public_report"):
        raise DomainError("invalid", _("This matter was not reported online."), status=400)
    text = text.strip()
    if not text:
        raise DomainError("required", _("Write the note for the resident."), "text")
    if len(text) > NOTE_MAX_CHARS:
        raise DomainError("invalid", _("Use at most %(count)d characters.") % {"count": NOTE_MAX_CHARS}, "text")
    return PublicNote.objects.create(matter=matter, author=author, text=text)
