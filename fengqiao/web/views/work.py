"""My work (我的工作): what the user owes, and what the station has not picked up yet; and notifications."""

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from fengqiao.matters.access import matters_for_user
from fengqiao.matters.models import MatterQuerySet, Stage
from fengqiao.mediation.access import is_partner_mediator
from fengqiao.notifications.models import Notification
from fengqiao.web.permissions import AuthedRequest

LIST_LIMIT = 100


def by_deadline(matters: MatterQuerySet) -> MatterQuerySet:
    # Earliest step deadline first puts the overdue on top and the due-soon next; no deadline goes last.
    return matters.order_by(F("step_due_at").asc(nulls_last=True), "reported_at")


@login_required
def my_work(request: AuthedRequest) -> HttpResponseBase:
    if is_partner_mediator(request.user):
        return redirect("mediation:cases")  # the partner portal: their cases, never the station's matters
    matters = matters_for_user(request.user).select_related("category", "address", "owner")
    context = {
        "mine": by_deadline(matters.open().filter(owner_id=request.user.pk))[:LIST_LIMIT],
        "to_accept": by_deadline(matters.filter(stage=Stage.REGISTERED))[:LIST_LIMIT],
        "to_assign": by_deadline(matters.filter(stage=Stage.ACCEPTED))[:LIST_LIMIT],
    }
    return render(request, "web/my_work.html", context)


@login_required
def notifications(request: AuthedRequest) -> HttpResponse:
    rows = request.user.notifications.select_related("matter")[:LIST_LIMIT]
    return render(request, "web/notifications.html", {"notifications": rows})


@login_required
@require_POST
def notifications_read(request: AuthedRequest) -> HttpResponse:
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notifications")
