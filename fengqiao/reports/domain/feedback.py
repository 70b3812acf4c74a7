"""The resident's feedback on a resolution (网上评价), given on the status page with the tracking code.

It is a row, not a step: the closed loop's callback (回访) is an officer's step, taken by `transition()` with a
police actor. The feedback is shown to the officers on the matter, who take it as the resident's answer when they
record the callback (or call the resident when it says 不满意: the owner, or the chiefs, are notified).
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fengqiao.lib.errors import DomainError
from fengqiao.matters.models import Matter, MatterEvent, Satisfaction, Stage
from fengqiao.notifications.domain import notify_after_commit
from fengqiao.notifications.models import Notification
from fengqiao.reports.models import Feedback, Report
from fengqiao.staff.models import Role, User

# Once resolved the resident may answer, also after the officer's callback or the archiving.
RATEABLE_STAGES = frozenset({Stage.RESOLVED, Stage.CALLED_BACK, Stage.ARCHIVED})
COMMENT_MAX_CHARS = 500
TEXT_MAX = Notification._meta.get_field("text").max_length or 255


def open_resolution(report: Report) -> MatterEvent | None:
    """The resolution the resident may still rate, or None (not resolved, or already rated)."""
    if report.matter.stage not in RATEABLE_STAGES:
        return None
    resolution = MatterEvent.objects.filter(matter_id=report.matter_id, to_stage=Stage.RESOLVED).last()
    if resolution is None or Feedback.objects.filter(resolution=resolution).exists():
        return None
    return resolution


def give_feedback(report: Report, satisfaction: str, comment: str) -> Feedback:
    resolution = open_resolution(report)
    if resolution is None:
        raise _not_rateable(report)
    if satisfaction not in Satisfaction.values:
        raise DomainError("invalid", _("Choose how satisfied you are."), "satisfaction")
    if len(comment) > COMMENT_MAX_CHARS:
        raise DomainError("invalid", _("Use at most %(count)d characters.") % {"count": COMMENT_MAX_CHARS}, "comment")
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                report=report, resolution=resolution, satisfaction=satisfaction, comment=comment.strip()
            )
            if satisfaction == Satisfaction.UNSATISFIED:
                _tell_the_station(report.matter, feedback.comment)
            return feedback
    except IntegrityError:
        # Two submits of the same form at once: the first one counts.
        raise _not_rateable(report) from None


def _not_rateable(report: Report) -> DomainError:
    if report.matter.stage in RATEABLE_STAGES:
        return DomainError(
            "already_rated", _("Your feedback on this resolution has already been recorded."), status=409
        )
    return DomainError(
        "not_resolved", _("You can tell us whether it is solved once the station has resolved it."), status=409
    )


def _tell_the_station(matter: Matter, comment: str) -> None:
    """不满意 must reach somebody who acts on it: the matter's owner, or the station's chiefs when it has none."""
    chiefs = User.objects.filter(station_id=matter.station_id, role=Role.CHIEF, is_active=True)
    recipients = [matter.owner_id] if matter.owner_id else list(chiefs.values_list("pk", flat=True))
    text = f"{matter}: {comment}" if comment else str(matter)
    for recipient in recipients:
        notify_after_commit(recipient, matter.pk, Notification.Verb.RESIDENT_UNSATISFIED, text[:TEXT_MAX])
