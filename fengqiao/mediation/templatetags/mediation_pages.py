"""The mediation panel of the matter page: a dispute's case, or the button to open one.

`{% load mediation_pages %}{% mediation_panel matter user %}` shows nothing for a matter that is not a dispute.
"""

from typing import Any

from django import template

from fengqiao.analysis.mediation_proposals import is_dispute
from fengqiao.matters.models import OPEN_STAGES, Matter
from fengqiao.mediation.models import Case
from fengqiao.staff.models import User

register = template.Library()


@register.inclusion_tag("mediation/includes/matter_panel.html")
def mediation_panel(matter: Matter, user: User) -> dict[str, Any]:
    if not is_dispute(matter.kind, matter.category.code if matter.category else ""):
        return {"shown": False}
    case = Case.objects.filter(dispute__matter=matter).only("pk", "reference", "stage").first()
    may_open = case is None and user.is_sworn and matter.stage in OPEN_STAGES
    return {"shown": case is not None or may_open, "case": case, "matter": matter, "may_open": may_open}


@register.simple_tag
def case_of_proposal(proposal_id: int) -> Case | None:
    """The case a repeat-call proposal became, if any (asked only for proposals in stage `opened`)."""
    return Case.objects.filter(proposal_id=proposal_id).only("pk", "reference").first()
