"""A station's area as statistics divisions, and addresses proposed for review as new standard addresses."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

division_code = RegexValidator(
    r"^(?:[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})$",
    _("A division code has 2, 4, 6, 9 or 12 digits."),
)


class StationArea(models.Model):
    """One division a station answers for (a county, a township or street, a village), by its statistics code.

    A station's area is the set of its rows; with none, it is read from the free text Station.area.
    """

    station = models.ForeignKey(
        "stations.Station", on_delete=models.CASCADE, related_name="area_divisions", verbose_name=_("station")
    )
    code = models.CharField(_("division code"), max_length=12, validators=[division_code])
    name = models.CharField(_("name"), max_length=64)

    class Meta:
        verbose_name = _("division of a station's area")
        verbose_name_plural = _("divisions of a station's area")
        ordering = ["station", "code"]
        constraints = [models.UniqueConstraint(fields=["station", "code"], name="station_area_unique_code")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", pgettext_lazy("address proposal", "Accepted")
    REJECTED = "rejected", pgettext_lazy("address proposal", "Rejected")


class StandardAddressProposal(models.Model):
    """An address text that matched no standard address, parsed, waiting for someone to accept or reject it."""

    station = models.ForeignKey(
        "stations.Station", on_delete=models.CASCADE, related_name="address_proposals", verbose_name=_("station")
    )
    text = models.CharField(_("address as written"), max_length=255)
    key = models.CharField(_("address as compared"), max_length=255, editable=False)
    parsed = models.JSONField(_("parsed components"), default=dict)
    status = models.CharField(
        _("status"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PENDING, db_index=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    address = models.ForeignKey(
        "stations.StandardAddress",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
        verbose_name=_("standard address"),
    )

    class Meta:
        verbose_name = _("proposed standard address")
        verbose_name_plural = _("proposed standard addresses")
        ordering = ["-created_at"]
        constraints = [
            # One pending proposal per address: the same unknown address arriving a hundred times, spaced or
            # full-width or not, is one review.
            models.UniqueConstraint(
                fields=["station", "key"], condition=models.Q(status="pending"), name="proposal_unique_pending_key"
            )
        ]

    def __str__(self) -> str:
        return self.text
