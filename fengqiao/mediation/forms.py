"""Forms of the mediation pages. They parse and shape input; `fengqiao.mediation.domain` decides what is allowed.

Choices (dispute types, mediators, rooms …) are offered as selects but checked again by the domain, so the pages
and the API refuse with the same rule and the same message. A refused operation comes back as a `DomainError`
whose `field` names the input at fault; `show_error` puts its message next to that input.
"""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fengqiao.codes.models import Code, CodeTable
from fengqiao.lib.errors import DomainError
from fengqiao.mediation.domain.cases import CaseStep, Opening
from fengqiao.mediation.domain.sessions import Booking, Record
from fengqiao.mediation.models import Case, CaseStage, Referral, RiskLevel, Room, Session, Side
from fengqiao.people.models import Person
from fengqiao.staff.models import POLICE_ROLES, Role, User
from fengqiao.stations.models import Partner
from fengqiao.web.forms import BLANK, DateTimeLocalInput

NOT_A_PARTY = ""


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def show_error(form: forms.Form, error: DomainError, aliases: dict[str, str] | None = None) -> None:
    """Put a refused operation's message next to the field at fault, or above the form when none is."""
    name = (aliases or {}).get(error.field or "", error.field)
    form.add_error(name if name in form.fields else None, error.message)


def staff_label(user: User) -> str:
    organisation = user.partner.name if user.partner_id and user.partner else user.get_role_display()
    return f"{user} ({organisation})"


def mediator_choices(station_id: int) -> list[tuple[int, str]]:
    """The station's police and partner mediators: those who may mediate its cases."""
    staff = (
        User.objects.filter(station_id=station_id, is_active=True, role__in=[*POLICE_ROLES, Role.MEDIATOR])
        .select_related("partner")
        .order_by("role", "full_name", "username")
    )
    return [(user.pk, staff_label(user)) for user in staff]


def room_choices(station_id: int) -> list[tuple[Any, str]]:
    rooms = Room.objects.filter(station_id=station_id).order_by("name")
    return [("", "---------"), *[(room.pk, f"{room.name} ({room.get_kind_display()})") for room in rooms]]


class CaseFilterForm(forms.Form):
    """A GET form: the list of cases in one stage, or all of them."""

    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[*BLANK, *CaseStage.choices])


class OpenCaseForm(forms.Form):
    """Open a mediation case: the dispute's details, who stands on which side, who mediates where.

    One `side_<person id>` field per person of the matter or proposal: side A, side B or not a party.
    """

    dispute_type = forms.ChoiceField(label=_("Dispute type"))
    amount = forms.DecimalField(
        label=_("Amount involved (yuan)"), required=False, max_digits=14, decimal_places=2, min_value=0
    )
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices, initial=RiskLevel.LOW)
    facts = forms.CharField(
        label=_("Facts of the dispute"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Leave empty to take the matter's description"),
    )
    lead = forms.TypedChoiceField(label=_("Lead"), coerce=int)
    mediators = forms.TypedMultipleChoiceField(
        label=_("Mediators"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    partners = forms.TypedMultipleChoiceField(
        label=_("Partners invited"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    room = forms.TypedChoiceField(label=_("Mediation room"), coerce=int, required=False, empty_value=None)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, station_id: int, persons: list[Person], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.persons = persons
        self.side_errors: list[str] = []
        types = Code.objects.active(CodeTable.DISPUTE_TYPES).order_by("sort")
        self.fields["dispute_type"].choices = BLANK + [(code.code, code.label) for code in types]  # type: ignore[attr-defined]
        staff = mediator_choices(station_id)
        self.fields["lead"].choices = staff  # type: ignore[attr-defined]
        self.fields["mediators"].choices = staff  # type: ignore[attr-defined]
        partners = Partner.objects.filter(station_id=station_id).order_by("name")
        self.fields["partners"].choices = [(p.pk, p.name) for p in partners]  # type: ignore[attr-defined]
        self.fields["room"].choices = room_choices(station_id)  # type: ignore[attr-defined]
        for index, person in enumerate(persons):
            self.fields[self.side_name(person)] = forms.ChoiceField(
                label=person.name,
                required=False,
                initial=Side.A if index == 0 else Side.B,
                choices=[(Side.A.value, Side.A.label), (Side.B.value, Side.B.label), (NOT_A_PARTY, _("Not a party"))],
                widget=forms.RadioSelect,
            )

    @staticmethod
    def side_name(person: Person) -> str:
        return f"side_{person.pk}"

    def side_fields(self) -> list[forms.BoundField]:
        return [self[self.side_name(person)] for person in self.persons]

    def show_error(self, error: DomainError) -> None:
        if error.field == "sides":
            self.side_errors.append(error.message)
        else:
            show_error(self, error, {"risk": "risk_level", "matter": "", "proposal": ""})

    def opening(self) -> Opening:
        data = self.cleaned_data
        sides = {person.pk: data[self.side_name(person)] for person in self.persons}
        return Opening(
            dispute_type=data["dispute_type"],
            sides={pk: side for pk, side in sides.items() if side != NOT_A_PARTY},
            lead=data["lead"],
            mediators=tuple(data["mediators"]),
            partners=tuple(data["partners"]),
            room=data["room"],
            amount=data["amount"],
            risk_level=data["risk_level"],
            facts=data["facts"],
            note=data["note"],
        )


class CaseStepForm(forms.Form):
    """One step of a case. Which fields a step needs is the domain's rule; the page shows only those."""

    to = forms.CharField(widget=forms.HiddenInput)
    # The stage the user saw: when somebody else moved the case meanwhile, the step is refused as a conflict.
    expected_stage = forms.CharField(widget=forms.HiddenInput)
    consent = forms.BooleanField(label=_("Both parties consent to mediation"), required=False)
    facts = forms.CharField(label=_("Facts of the dispute"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    terms = forms.CharField(label=_("Agreed terms"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    fulfilment = forms.CharField(
        label=_("How and when they are fulfilled"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    fulfil_by = forms.DateField(label=_("Fulfil by"), required=False, widget=DateInput())
    unresolved = forms.CharField(
        label=_("What remains unresolved"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    referral = forms.ChoiceField(label=_("Referred to"), required=False, choices=[*BLANK, *Referral.choices])
    visit_days = forms.CharField(
        label=_("Visits after (days)"),
        required=False,
        max_length=64,
        help_text=_("Days from today, separated by commas; leave empty for the station's default"),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_visit_days(self) -> tuple[int, ...]:
        text: str = self.cleaned_data["visit_days"].replace("，", ",")
        parts = [part.strip() for part in text.split(",") if part.strip()]
        if not all(part.isdigit() for part in parts):
            raise forms.ValidationError(_("Write whole numbers of days, such as 7, 30."))
        return tuple(int(part) for part in parts)

    def step(self) -> CaseStep:
        data = self.cleaned_data
        return CaseStep(
            to=data["to"],
            expected_stage=data["expected_stage"],
            note=data["note"],
            consent=data["consent"],
            facts=data["facts"],
            terms=data["terms"],
            fulfilment=data["fulfilment"],
            fulfil_by=data["fulfil_by"],
            unresolved=data["unresolved"],
            referral=data["referral"],
            visit_days=data["visit_days"],
        )


def user_choices(users: Iterable[User]) -> list[tuple[int, str]]:
    return [(user.pk, staff_label(user)) for user in users]


class ScheduleForm(forms.Form):
    """Book a session in a room or at a named place, with some or all of the case's mediators."""

    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeLocalInput())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeLocalInput())
    room = forms.TypedChoiceField(label=_("Mediation room"), coerce=int, required=False, empty_value=None)
    place = forms.CharField(
        label=_("Or another place"), required=False, max_length=160, help_text=_("On site, at a party's home …")
    )
    mediators = forms.TypedMultipleChoiceField(
        label=_("Mediators"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, case: Case, mediators: list[User], *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_schedule_%s")
        kwargs.setdefault("initial", {"room": case.room_id, "mediators": [user.pk for user in mediators]})
        super().__init__(*args, **kwargs)
        self.fields["room"].choices = room_choices(case.station_id)  # type: ignore[attr-defined]
        self.fields["mediators"].choices = user_choices(mediators)  # type: ignore[attr-defined]

    def booking(self) -> Booking:
        data = self.cleaned_data
        return Booking(
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            room=data["room"],
            place=data["place"],
            mediators=tuple(data["mediators"]),
        )


class RecordForm(forms.Form):
    """A held session: the minutes (调解笔录), who was present, and the next date if another session is needed."""

    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    parties_present = forms.TypedMultipleChoiceField(
        label=_("Parties present"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    mediators_present = forms.TypedMultipleChoiceField(
        label=_("Mediators present"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    next_date = forms.DateField(label=_("Next session"), required=False, widget=DateInput())

    def __init__(
        self, session: Session, parties: list[Person], mediators: list[User], *args: Any, **kwargs: Any
    ) -> None:
        kwargs.setdefault("auto_id", f"id_record_{session.pk}_%s")
        super().__init__(*args, **kwargs)
        self.fields["parties_present"].choices = [(person.pk, person.name) for person in parties]  # type: ignore[attr-defined]
        self.fields["mediators_present"].choices = user_choices(mediators)  # type: ignore[attr-defined]

    def record(self) -> Record:
        data = self.cleaned_data
        return Record(
            minutes=data["minutes"],
            parties_present=tuple(data["parties_present"]),
            mediators_present=tuple(data["mediators_present"]),
            next_date=data["next_date"],
        )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why is it cancelled?"), required=False, max_length=255)

    def __init__(self, session: Session, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_cancel_{session.pk}_%s")
        super().__init__(*args, **kwargs)


class ScanForm(forms.Form):
    file = forms.FileField(label=_("Signed agreement"), help_text=_("A PDF, JPEG or PNG of the signed paper"))


class VisitForm(forms.Form):
    """A fulfilment visit (履行回访): is the agreement kept, and what was seen."""

    fulfilled = forms.TypedChoiceField(
        label=_("Is the agreement being kept?"),
        required=False,
        coerce=lambda value: value == "yes",
        empty_value=None,
        choices=[("yes", _("Yes, it is kept")), ("no", _("No, it is broken"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("What the visit found"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, visit_id: int, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_visit_{visit_id}_%s")
        super().__init__(*args, **kwargs)
