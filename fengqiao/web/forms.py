"""Forms of the pages. They parse and shape input; the domain functions decide what is allowed.

Codes (kind, channel, category, priority, outcome, owner …) are offered as selects but checked by the domain,
so that there is one rule and one message for the pages and the API alike.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.forms import formset_factory
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fengqiao.codes.models import Code, CodeTable
from fengqiao.lib.errors import DomainError
from fengqiao.matters.access import matters_for_user
from fengqiao.matters.domain.actions import ActionInput
from fengqiao.matters.domain.registration import PartyInput, Registration
from fengqiao.matters.domain.transitions import Step
from fengqiao.matters.models import ActionKind, Channel, Kind, Matter, PartyRole, Priority, Satisfaction
from fengqiao.people.models import RevealField, validate_id_number
from fengqiao.staff.models import POLICE_ROLES, User
from fengqiao.stations.models import Partner
from fengqiao.web.permissions import station_of

Choices = Sequence[tuple[Any, Any]]
BLANK: list[tuple[str, str]] = [("", "---------")]


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's own date-time picker; Django parses its ISO value."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def select(choices: Choices) -> forms.Select:
    return forms.Select(choices=choices)


def hint_attrs() -> dict[str, str]:
    """While the address or a phone is typed, ask for the open matters at the same address or phone."""
    return {
        "hx-get": reverse("register_hints"),
        "hx-trigger": "keyup changed delay:400ms, change",
        # Only the address and the phones: never the CSRF token or the description in a GET's query string.
        "hx-include": "#register-form [name=address], #register-form input[name$=phone]",
        "hx-target": "#hints",
        "hx-swap": "outerHTML",
        "autocomplete": "off",
    }


def category_choices() -> list[tuple[str, Any]]:
    """Categories grouped under their top level (刑事类 → 盗窃 …), labels in the active language."""
    codes = list(Code.objects.active(CodeTable.CATEGORIES).order_by("sort"))
    groups: dict[str, list[tuple[str, str]]] = {}
    tops = {code.code: code.label for code in codes if code.parent_id is None}
    for code in codes:
        top = code.code[:2]
        groups.setdefault(tops.get(top, top), []).append((code.code, f"{code.code} {code.label}"))
    return BLANK + list(groups.items())


def outcome_choices() -> list[tuple[str, str]]:
    return BLANK + [(code.code, code.label) for code in Code.objects.active(CodeTable.OUTCOMES).order_by("sort")]


def owner_choices(station_id: int) -> list[tuple[str, str]]:
    staff = User.objects.filter(station_id=station_id, role__in=POLICE_ROLES, is_active=True).order_by("username")
    return [(user.username, f"{user} ({user.get_role_display()})") for user in staff]


def validate_not_future(value: dt.datetime | None) -> None:
    if value is not None and value > timezone.now() + dt.timedelta(minutes=5):
        raise forms.ValidationError(_("This time is in the future."))


class RegisterForm(forms.Form):
    kind = forms.CharField(label=_("Kind"), widget=select(BLANK + Kind.choices))
    channel = forms.CharField(label=_("Channel"), widget=select(BLANK + Channel.choices))
    category = forms.CharField(label=_("Category"))
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    address = forms.CharField(
        label=_("Place"), max_length=255, help_text=_("Address or place, as precise as the resident can say")
    )
    reporter_name = forms.CharField(label=_("Reporter's name"), max_length=64, required=False)
    reporter_phone = forms.CharField(label=_("Reporter's phone"), max_length=32, required=False)
    reporter_id_number = forms.CharField(
        label=_("Reporter's ID number"), max_length=18, required=False, validators=[validate_id_number]
    )
    priority = forms.CharField(
        label=_("Priority"), initial=Priority.NORMAL, required=False, widget=select(Priority.choices)
    )
    reported_at = forms.DateTimeField(
        label=_("Reported at"),
        required=False,
        widget=DateTimeLocalInput(),
        validators=[validate_not_future],
        help_text=_("Leave empty for now"),
    )
    due_at = forms.DateTimeField(
        label=_("Resolve by"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_("Only when the resident's situation sets the deadline"),
    )
    due_reason = forms.CharField(label=_("Why this deadline"), max_length=128, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].widget = select(category_choices())
        for name in ("address", "reporter_phone"):
            self.fields[name].widget.attrs.update(hint_attrs())

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if (data.get("reporter_phone") or data.get("reporter_id_number")) and not data.get("reporter_name"):
            self.add_error("reporter_name", _("Give the reporter's name with their phone or ID number."))
        if data.get("due_at") and not data.get("due_reason"):
            self.add_error("due_reason", _("Say why the matter must be resolved by this time."))
        return data

    def registration(self, parties: list[PartyInput]) -> Registration:
        data = self.cleaned_data
        reporter = []
        if data["reporter_name"]:
            reporter = [
                PartyInput(
                    data["reporter_name"], PartyRole.REPORTER, data["reporter_phone"], data["reporter_id_number"]
                )
            ]
        return Registration(
            kind=data["kind"],
            channel=data["channel"],
            category=data["category"],
            description=data["description"],
            address=data["address"],
            priority=data["priority"] or Priority.NORMAL,
            reported_at=data["reported_at"],
            due_at=data["due_at"],
            due_reason=data["due_reason"],
            parties=reporter + parties,
        )


class PartyForm(forms.Form):
    """One more person involved, beyond the reporter (the other side of a dispute, a victim …)."""

    name = forms.CharField(label=_("Name"), max_length=64, required=False)
    role = forms.CharField(label=_("Role"), initial=PartyRole.PARTY, required=False, widget=select(PartyRole.choices))
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False, validators=[validate_id_number])

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if (data.get("phone") or data.get("id_number")) and not data.get("name"):
            self.add_error("name", _("Give the name of this person."))
        return data

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs.update(hint_attrs())

    def party(self) -> PartyInput | None:
        data = self.cleaned_data
        if not data.get("name"):
            return None
        return PartyInput(data["name"], data["role"] or PartyRole.PARTY, data["phone"], data["id_number"])


PartyFormSet = formset_factory(PartyForm, extra=2, max_num=10)


@dataclass(frozen=True)
class StepChoices:
    """The selects of the step forms, read once per page rather than once per form."""

    owners: list[tuple[str, str]]
    outcomes: list[tuple[str, str]]

    @classmethod
    def for_user(cls, user: User) -> "StepChoices":
        return cls(owner_choices(station_of(user)), outcome_choices())


class StepForm(forms.Form):
    """One step of the loop. Which fields a step needs is the domain's rule; the page shows only those."""

    to = forms.CharField(widget=forms.HiddenInput)
    # The stage the user saw: when somebody else moved the matter meanwhile, the step is refused as a conflict.
    expected_stage = forms.CharField(widget=forms.HiddenInput)
    owner = forms.CharField(label=_("Owner"), required=False)
    outcome = forms.CharField(label=_("Outcome"), required=False)
    satisfaction = forms.CharField(
        label=_("Is the resident satisfied?"), required=False, widget=forms.RadioSelect(choices=Satisfaction.choices)
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
    into = forms.CharField(
        label=_("Merge into"), max_length=32, required=False, help_text=_("Reference or number of the other matter")
    )
    target = forms.CharField(label=_("Transfer to"), max_length=128, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, user: User, choices: "StepChoices", *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["owner"].widget = select(choices.owners)
        self.fields["outcome"].widget = select(choices.outcomes)

    def clean_into(self) -> int | None:
        value: str = self.cleaned_data["into"].strip()
        if not value:
            return None
        by_id = Q(pk=int(value)) if value.isdigit() else Q(pk__in=[])
        matter = matters_for_user(self.user).filter(Q(reference__iexact=value) | by_id).first()
        if matter is None:
            raise forms.ValidationError(_("There is no matter “%(value)s” in your station."), params={"value": value})
        return matter.pk

    def step(self) -> Step:
        data = self.cleaned_data
        return Step(
            to=data["to"],
            expected_stage=data["expected_stage"],
            note=data["note"],
            owner=data["owner"] or None,
            outcome=data["outcome"] or None,
            satisfaction=data["satisfaction"] or None,
            reason=data["reason"] or None,
            into=data["into"],
            target=data["target"] or None,
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [data] if data else []


class ActionForm(forms.Form):
    kind = forms.CharField(label=_("Kind"), initial=ActionKind.VISIT, widget=select(ActionKind.choices))
    note = forms.CharField(label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    occurred_at = forms.DateTimeField(
        label=_("When"), required=False, widget=DateTimeLocalInput(), validators=[validate_not_future]
    )
    partner = forms.TypedChoiceField(label=_("Partner"), required=False, coerce=int, empty_value=None)
    attachments = MultipleFileField(label=_("Files"), required=False, help_text=_("Photos, PDF, Word or Excel files"))

    def __init__(self, matter: Matter, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partners = Partner.objects.filter(station_id=matter.station_id).order_by("name")
        self.fields["partner"].choices = BLANK + [(str(p.pk), p.name) for p in partners]  # type: ignore[attr-defined]

    def action(self) -> ActionInput:
        data = self.cleaned_data
        return ActionInput(
            kind=data["kind"],
            note=data["note"],
            occurred_at=data["occurred_at"],
            partner_id=data["partner"],
            files=data["attachments"],
        )


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=RevealField.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why do you need it?"), max_length=255, required=False)


def show_domain_error(form: forms.Form, error: DomainError, aliases: dict[str, str] | None = None) -> None:
    """Put a refused operation's message next to the field at fault, or above the form."""
    field = (aliases or {}).get(error.field or "", error.field)
    form.add_error(field if field in form.fields else None, error.message)
