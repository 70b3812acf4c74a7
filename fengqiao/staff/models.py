"""Staff: everyone who logs in, with one station and one role."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CHIEF = "chief", _("Station chief")
    OFFICER = "officer", _("Officer")
    AUXILIARY = "auxiliary", _("Auxiliary officer")
    GRID_WORKER = "grid_worker", _("Grid worker")
    MEDIATOR = "mediator", _("Partner mediator")
    VOLUNTEER = "volunteer", _("Volunteer")


# Roles that work matters of their station: see and move them through the loop.
POLICE_ROLES = frozenset({Role.CHIEF, Role.OFFICER, Role.AUXILIARY})
# Sworn officers and their chief: they may reject, merge, transfer and reveal personal data. Any police role
# may own a matter (an auxiliary only by taking it themselves).
SWORN_ROLES = frozenset({Role.CHIEF, Role.OFFICER})


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    station = models.ForeignKey(
        "stations.Station",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("station"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.OFFICER)
    partner = models.ForeignKey(
        "stations.Partner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        verbose_name=_("partner organisation"),
    )
    post = models.ForeignKey(
        "stations.PolicePost",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
        verbose_name=_("police post"),
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_police(self) -> bool:
        return self.station_id is not None and self.role in POLICE_ROLES

    @property
    def is_chief(self) -> bool:
        return self.station_id is not None and self.role == Role.CHIEF

    @property
    def is_sworn(self) -> bool:
        return self.station_id is not None and self.role in SWORN_ROLES
