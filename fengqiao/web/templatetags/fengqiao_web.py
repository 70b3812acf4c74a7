"""Small template helpers of the pages."""

import datetime as dt

from django import template
from django.utils import timezone

from fengqiao.matters.models import Matter
from fengqiao.notifications.models import Notification

register = template.Library()

DUE_SOON = dt.timedelta(hours=24)


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> int:
    user = context["request"].user
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


@register.filter
def due_state(matter: Matter) -> str:
    """The badge next to a matter: "overdue", "due_soon" (within a day) or none."""
    if not matter.is_open or matter.step_due_at is None:
        return ""
    now = timezone.now()
    if matter.step_due_at < now:
        return "overdue"
    return "due_soon" if matter.step_due_at < now + DUE_SOON else ""
