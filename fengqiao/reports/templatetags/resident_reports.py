"""`{% resident_report_panel matter %}`: the online report's rows on the officers' matter page."""

from typing import Any

from django import template

from fengqiao.matters.models import Matter
from fengqiao.reports.forms import PublicNoteForm
from fengqiao.reports.models import PublicNote, Report

register = template.Library()


@register.inclusion_tag("reports/includes/panel.html", takes_context=True)
def resident_report_panel(context: template.Context, matter: Matter) -> dict[str, Any]:
    report = Report.objects.filter(matter=matter).first()
    if report is None:
        return {"report": None}
    user = context.get("user")
    return {
        "report": report,
        "matter": matter,
        "photos": report.photos.all(),
        "feedback": report.feedback.all(),
        "notes": PublicNote.objects.filter(matter=matter),
        "note_form": PublicNoteForm(),
        "can_write": bool(user is not None and getattr(user, "is_police", False)),
        "csrf_token": context.get("csrf_token"),
    }
