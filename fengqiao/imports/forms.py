"""The upload form and the mapping form (one select per column of the header row)."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fengqiao.imports.domain.columns import FIELDS
from fengqiao.matters.models import Channel

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Ledger file"), help_text=_(".xlsx, .xls or .csv (UTF-8 or GBK)"))
    channel = forms.ChoiceField(label=_("Where the calls came from"), choices=Channel.choices, initial=Channel.CALL_110)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 200 MB; import it with the command instead."))
        return upload


class MappingForm(forms.Form):
    def __init__(self, names: Sequence[str], mapping: Sequence[str], data: Any = None) -> None:
        super().__init__(data)
        self.names = list(names)
        choices = [(key, label) for key, label in FIELDS.items()]
        for index, (name, field) in enumerate(zip(names, mapping, strict=True)):
            self.fields[f"col{index}"] = forms.ChoiceField(
                label=name or f"#{index + 1}", choices=choices, initial=field
            )

    def mapping(self) -> list[str]:
        return [self.cleaned_data[f"col{index}"] for index in range(len(self.names))]
