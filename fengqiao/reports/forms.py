"""Forms of the resident pages. They shape input; `fengqiao.reports.domain` decides what is allowed."""

import re
import unicodedata
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fengqiao.matters.models import Satisfaction
from fengqiao.reports.domain.feedback import COMMENT_MAX_CHARS
from fengqiao.reports.domain.notes import NOTE_MAX_CHARS
from fengqiao.reports.domain.submission import ReportInput
from fengqiao.reports.services import offered_services
from fengqiao.stations.models import Station

DESCRIPTION_MAX_CHARS = 4000  # Open311's limit for a description, used for both channels


def category_choices() -> list[tuple[str, Any]]:
    """Services grouped under their top-level category (安全隐患, 群众求助 …), by label only."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for item in offered_services():
        groups.setdefault(item.group, []).append((item.code, item.category.label))
    return [("", _("Choose what it is about")), *groups.items()]


def grid_choices(station: Station) -> list[tuple[str, str]]:
    grids = station.grids.select_related("community").order_by("community__name", "name")
    return [(str(grid.pk), f"{grid.community.name} · {grid.name}") for grid in grids]


def normalize_phone(value: str) -> str:
    """Full-width digits, spaces, dashes, brackets and a +86 prefix are what people type; keep the digits."""
    value = re.sub(r"[\s\-()（）]", "", unicodedata.normalize("NFKC", value))
    return re.sub(r"^(\+86|0086)", "", value)


class ReportForm(forms.Form):
    category = forms.ChoiceField(label=_("What is it about?"))
    description = forms.CharField(
        label=_("What happened?"),
        max_length=DESCRIPTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What, since when, who is affected. Do not write other people's ID numbers."),
    )
    address = forms.CharField(
        label=_("Where?"),
        max_length=255,
        required=False,
        help_text=_("Address or place, e.g. 华丽社区3号楼2单元; or choose your grid, or add your location."),
    )
    grid = forms.TypedChoiceField(label=_("Your grid"), required=False, coerce=int, empty_value=None)
    latitude = forms.DecimalField(required=False, widget=forms.HiddenInput)
    longitude = forms.DecimalField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Your name (optional)"), max_length=64, required=False)
    phone = forms.CharField(
        label=_("Your phone (optional)"),
        max_length=32,
        required=False,
        help_text=_("Only if you want the station to call you back."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/heic,image/webp"}),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the station keeps my name, phone and photo to handle this report and to call me back. "
            "They are never published."
        ),
        required=False,
    )

    def __init__(self, station: Station, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()  # type: ignore[attr-defined]
        grids = grid_choices(station)
        self.fields["grid"].choices = [("", _("I don't know / not listed")), *grids]  # type: ignore[attr-defined]
        if not grids:
            del self.fields["grid"]

    def clean_phone(self) -> str:
        raw: str = self.cleaned_data["phone"]
        phone = normalize_phone(raw)
        if phone and not re.fullmatch(r"\d{7,12}", phone):
            raise forms.ValidationError(_("“%(value)s” is not a phone number."), params={"value": raw})
        return phone

    def report_input(self) -> ReportInput:
        data = self.cleaned_data
        return ReportInput(
            category=data["category"],
            description=data["description"],
            address=data["address"],
            grid_id=data.get("grid"),
            latitude=data["latitude"],
            longitude=data["longitude"],
            name=data["name"],
            phone=data["phone"],
            consent=data["consent"],
            photo=data["photo"] or None,
        )


class FeedbackForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("Is it solved to your satisfaction?"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Anything to add? (optional)"),
        max_length=COMMENT_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=32)


class PublicNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note for the resident"),
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "The resident who reported it reads this with their tracking code, and outside apps may show it: "
            "no names, no internal details."
        ),
    )
