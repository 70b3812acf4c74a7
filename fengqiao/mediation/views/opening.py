"""Opening a case (立案调解) from a dispute matter or from a repeat-call mediation proposal: a sworn officer's step."""

from collections.abc import Mapping

from django.contrib import messages
from django.http import Http404
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fengqiao.analysis.models import MediationProposal
from fengqiao.lib.errors import DomainError
from fengqiao.matters.access import get_matter_for_user
from fengqiao.matters.models import Matter
from fengqiao.mediation.domain.cases import open_case
from fengqiao.mediation.forms import OpenCaseForm
from fengqiao.mediation.models import Case
from fengqiao.people.models import Person
from fengqiao.web.permissions import AuthedRequest, forbidden, police_required, station_of


def existing_case(matter: Matter) -> Case | None:
    return Case.objects.filter(dispute__matter=matter).first()


@police_required
def open_from_matter(request: AuthedRequest, matter_id: int) -> HttpResponseBase:
    matter = get_matter_for_user(request.user, matter_id)
    if (case := existing_case(matter)) is not None:
        return redirect("mediation:case", case.pk)
    persons = unique([party.person for party in matter.parties.select_related("person").order_by("id")])
    source = {"matter": matter, "title": matter.reference, "description": matter.description}
    return open_page(request, persons, source, matter.description, matter_id=matter.pk)


@police_required
def open_from_proposal(request: AuthedRequest, proposal_id: int) -> HttpResponseBase:
    proposal = (
        MediationProposal.objects.filter(station_id=station_of(request.user), pk=proposal_id)
        .select_related("group")
        .first()
    )
    if proposal is None:
        raise Http404("No such mediation proposal")
    if (case := Case.objects.filter(proposal=proposal).first()) is not None:
        return redirect("mediation:case", case.pk)
    persons = list(proposal.parties.order_by("id"))
    calls = list(proposal.matters.order_by("reported_at", "id"))
    source = {"proposal": proposal, "title": proposal.group.label, "calls": calls}
    facts = calls[-1].description if calls else ""
    return open_page(request, persons, source, facts, proposal_id=proposal.pk)


def open_page(
    request: AuthedRequest,
    persons: list[Person],
    source: Mapping[str, object],
    facts: str,
    *,
    matter_id: int | None = None,
    proposal_id: int | None = None,
) -> HttpResponseBase:
    if not request.user.is_sworn:
        return forbidden(request, _("Only the station's officers may open a mediation case."))
    station_id = station_of(request.user)
    me = request.user.pk
    initial = {"lead": me, "mediators": [me], "facts": facts}
    form = OpenCaseForm(station_id, persons, request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                case = open_case(request.user, form.opening(), matter_id=matter_id, proposal_id=proposal_id)
            except DomainError as error:
                if error.status == 404:
                    raise Http404(error.message) from error
                form.show_error(error)
                status = error.status
            else:
                messages.success(request, _("Mediation case %(reference)s opened.") % {"reference": case.reference})
                return redirect("mediation:case", case.pk)
    context = {"form": form, "source": source, "error": _("The case was not opened.") if form.errors else ""}
    if form.side_errors:
        context["error"] = form.side_errors[0]
    return render(request, "mediation/open.html", context, status=status)


def unique(persons: list[Person]) -> list[Person]:
    """A person can be on a matter twice (reporter and party); they stand on one side only."""
    seen: dict[int, Person] = {}
    for person in persons:
        seen.setdefault(person.pk, person)
    return list(seen.values())
