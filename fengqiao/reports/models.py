"""Resident reports (群众网上报警/求助): the online half of 线上+线下.

A report is a matter registered on the `public_web` channel; the rows here are what the matter itself does not
hold: the resident's tracking code, their photo, the feedback they give once it is resolved, and the notes the
station writes for them. Everything in `PublicNote` is public by definition; nothing internal is ever shown.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fengqiao.matters.models import Satisfaction

# Unambiguous on a phone screen and read aloud: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


class Source(models.TextChoices):
    WEB = "web", _("Report form")
    OPEN311 = "open311", _("Open311 client")


class Report(models.Model):
    matter = models.OneToOneField(
        "matters.Matter", on_delete=models.CASCADE, related_name="public_report", verbose_name=_("matter")
    )
    code = models.CharField(_("tracking code"), max_length=CODE_LENGTH, unique=True)
    source = models.CharField(_("sent through"), max_length=16, choices=Source.choices, default=Source.WEB)
    # When the resident agreed that their phone, name or photo is kept; NULL when they gave none.
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("resident report")
        verbose_name_plural = _("resident reports")

    def __str__(self) -> str:
        return self.code


def photo_path(instance: "ReportPhoto", filename: str) -> str:
    # Content-addressed like the matters' attachments: the resident's file name never reaches the disk.
    return f"reports/{instance.report.matter.station_id}/{instance.sha256[:2]}/{instance.sha256}"


class ReportPhoto(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos", verbose_name=_("report"))
    file = models.FileField(_("file"), upload_to=photo_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=96)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")

    def __str__(self) -> str:
        return self.original_name


class Feedback(models.Model):
    """The resident's own answer to a resolution (网上回访评价); one per resolution, so a reopened and again
    resolved matter can be rated again. It does not move the matter: the officer's callback step does."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("report"))
    resolution = models.ForeignKey(
        "matters.MatterEvent", on_delete=models.CASCADE, related_name="+", verbose_name=_("resolution")
    )
    satisfaction = models.CharField(_("satisfaction"), max_length=24, choices=Satisfaction.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("given at"), auto_now_add=True)

    class Meta:
        verbose_name = _("resident feedback")
        verbose_name_plural = _("resident feedback")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["resolution"], name="feedback_once_per_resolution")]

    def __str__(self) -> str:
        return f"{self.report} {self.satisfaction}"


class PublicNote(models.Model):
    """A note the station writes for the resident: shown on the status page and as Open311 `status_notes`."""

    matter = models.ForeignKey(
        "matters.Matter", on_delete=models.CASCADE, related_name="public_notes", verbose_name=_("matter")
    )
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("public note")
        verbose_name_plural = _("public notes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]
