"""The matter page (事项): fields, parties, timeline, deadlines, next steps, follow-up actions; and its posts."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fengqiao.lib.errors import DomainError
from fengqiao.matters.access import get_matter_for_user
from fengqiao.matters.domain.actions import add_action
from fengqiao.matters.domain.transitions import allowed_steps, may_take, transition
from fengqiao.matters.models import Attachment, Matter, Party, Stage
from fengqiao.people.domain import may_reveal, reveal
from fengqiao.people.models import RevealField
from fengqiao.staff.models import User
from fengqiao.web.forms import ActionForm, RevealForm, StepChoices, StepForm, show_domain_error
from fengqiao.web.permissions import AuthedRequest, police_required
from fengqiao.web.timeline import timeline

STEP_LABELS = {
    Stage.ACCEPTED: gettext_lazy("Accept"),
    Stage.ASSIGNED: gettext_lazy("Assign"),
    Stage.IN_PROGRESS: gettext_lazy("Start handling"),
    Stage.RESOLVED: gettext_lazy("Resolve"),
    Stage.CALLED_BACK: gettext_lazy("Record the callback"),
    Stage.ARCHIVED: gettext_lazy("Archive"),
    Stage.REJECTED: gettext_lazy("Reject"),
    Stage.MERGED: gettext_lazy("Merge"),
    Stage.TRANSFERRED: gettext_lazy("Transfer"),
}


@dataclass(frozen=True)
class StepButton:
    stage: str
    label: str
    form: StepForm
    failed: bool = False


@dataclass(frozen=True)
class Secret:
    """A masked value of a party, with whether this user may reveal it."""

    party: Party
    field: str
    label: str
    masked: str
    can_reveal: bool


def step_label(matter: Matter, to: Stage) -> str:
    if to == Stage.IN_PROGRESS and matter.stage in (Stage.RESOLVED, Stage.CALLED_BACK):
        return _("Reopen")
    if to == Stage.ASSIGNED and matter.stage != Stage.ACCEPTED:
        return _("Reassign")
    return str(STEP_LABELS[to])


def step_form(user: User, choices: StepChoices, matter: Matter, to: str, data: object = None) -> StepForm:
    initial = {"to": to, "expected_stage": matter.stage, "owner": user.username}
    # One form per step on the page: distinct ids keep the labels pointing at their own inputs.
    return StepForm(user, choices, data, initial=initial, auto_id=f"id_{to}_%s")


def step_buttons(user: User, matter: Matter, failed: StepForm | None) -> list[StepButton]:
    choices = StepChoices.for_user(user)
    failed_to = failed.data.get("to") if failed is not None else None
    return [
        StepButton(stage, step_label(matter, stage), failed, True)
        if failed is not None and stage == failed_to
        else StepButton(stage, step_label(matter, stage), step_form(user, choices, matter, stage))
        for stage in allowed_steps(matter)
        if may_take(user, matter, stage)
    ]


def secrets(user: User, party: Party) -> list[Secret]:
    person, allowed = party.person, may_reveal(user, party.person)
    values = [
        (RevealField.PHONE, person.phone, person.masked_phone),
        (RevealField.ID_NUMBER, person.id_number, person.masked_id_number),
    ]
    return [Secret(party, field, str(field.label), masked, allowed) for field, value, masked in values if value]


def render_matter(
    request: AuthedRequest,
    matter: Matter,
    *,
    failed: StepForm | None = None,
    action_form: ActionForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    parties = list(matter.parties.select_related("person"))
    context = {
        "matter": matter,
        "parties": [(party, secrets(request.user, party)) for party in parties],
        "timeline": timeline(matter),
        "steps": step_buttons(request.user, matter, failed),
        "action_form": action_form or ActionForm(matter, auto_id="id_action_%s"),
        "error": error,
    }
    return render(request, "web/matter.html", context, status=status)


@police_required
def matter_page(request: AuthedRequest, matter_id: int) -> HttpResponse:
    return render_matter(request, get_matter_for_user(request.user, matter_id))


@police_required
@require_POST
def matter_step(request: AuthedRequest, matter_id: int) -> HttpResponse:
    matter = get_matter_for_user(request.user, matter_id)
    to = request.POST.get("to", "")
    form = step_form(request.user, StepChoices.for_user(request.user), matter, to, request.POST)
    if not form.is_valid():
        return render_matter(request, matter, failed=form, error=_("The step was not taken."), status=400)
    try:
        moved = transition(matter.pk, request.user, form.step())
    except DomainError as error:
        # A conflict means the page was stale: show the matter as it is now, with fresh forms.
        if error.code != "conflict":
            show_domain_error(form, error, {"to": ""})
        fresh = get_matter_for_user(request.user, matter.pk)
        failed = None if error.code == "conflict" else form
        return render_matter(request, fresh, failed=failed, error=error.message, status=error.status)
    messages.success(request, _("The matter is now “%(stage)s”.") % {"stage": Stage(moved.stage).label})
    return redirect("matter", matter.pk)


@police_required
@require_POST
def matter_action(request: AuthedRequest, matter_id: int) -> HttpResponse:
    matter = get_matter_for_user(request.user, matter_id)
    form = ActionForm(matter, request.POST, request.FILES, auto_id="id_action_%s")
    if form.is_valid():
        try:
            add_action(matter, request.user, form.action())
        except DomainError as error:
            show_domain_error(form, error, {"files": "attachments"})
        else:
            messages.success(request, _("The action is recorded."))
            return redirect("matter", matter.pk)
    return render_matter(request, matter, action_form=form, error=_("The action was not recorded."), status=400)


@police_required
@require_POST
def reveal_value(request: AuthedRequest, matter_id: int, party_id: int) -> HttpResponse:
    matter = get_matter_for_user(request.user, matter_id)
    party = get_object_or_404(matter.parties.select_related("person"), pk=party_id)
    form = RevealForm(request.POST)
    value = ""
    if form.is_valid():
        try:
            field, reason = form.cleaned_data["field"], form.cleaned_data["reason"]
            value = reveal(request.user, party.person, field, reason, matter.pk)
        except DomainError as error:
            show_domain_error(form, error)
    shown = [secret for secret in secrets(request.user, party) if secret.field == form.data.get("field")]
    context = {"matter": matter, "secret": shown[0] if shown else None, "value": value, "reveal_form": form}
    if request.htmx:
        # htmx swaps only 2xx answers; a refusal comes back as the form with its message.
        return render(request, "web/matter.html#reveal", context)
    return render(request, "web/reveal.html", context, status=200 if value else 400)


@police_required
def attachment(request: AuthedRequest, matter_id: int, attachment_id: int) -> FileResponse:
    """Streams a file only to those who may see its matter; files are never served from a public URL."""
    matter = get_matter_for_user(request.user, matter_id)
    row = get_object_or_404(Attachment.objects.filter(action__matter=matter), pk=attachment_id)
    try:
        handle = row.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file of this attachment is missing.")) from exc
    return FileResponse(handle, as_attachment=True, filename=row.original_name, content_type=row.content_type)
