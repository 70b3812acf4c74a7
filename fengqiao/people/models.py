"""Residents and parties, and the audit of every reveal of their personal data."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fengqiao.lib import idnumber
from fengqiao.lib.masking import mask_id_number, mask_phone


def validate_id_number(value: str) -> None:
    if value and not idnumber.is_valid(value):
        raise ValidationError(_("“%(value)s” is not a valid 18-digit ID number."), params={"value": value})


class Person(models.Model):
    station = models.ForeignKey(
        "stations.Station", on_delete=models.CASCADE, related_name="persons", verbose_name=_("station")
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=64)
    phone = models.CharField(_("phone"), max_length=32, blank=True, db_index=True)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True, validators=[validate_id_number])
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            models.UniqueConstraint(
                fields=["station", "id_number"], condition=~Q(id_number=""), name="person_unique_id_number"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class RevealField(models.TextChoices):
    PHONE = "phone", _("phone")
    ID_NUMBER = "id_number", _("ID number")


class Reveal(models.Model):
    """One look at an unmasked value: who, whose, which field, why, when."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("user"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="reveals", verbose_name=_("person"))
    field = models.CharField(_("field"), max_length=16, choices=RevealField.choices)
    reason = models.CharField(_("reason"), max_length=255)
    matter = models.ForeignKey(
        "matters.Matter", null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("matter")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reveal record")
        verbose_name_plural = _("reveal records")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} {self.field} {self.person} {self.at:%Y-%m-%d %H:%M}"
