"""In-app notifications. Written after commit only, so a rolled-back step never notifies anybody."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Verb(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned to you")
        ESCALATED = "escalated", _("Overdue, escalated")
        REOPENED = "reopened", _("Reopened after an unsatisfied callback")
        REGISTERED = "registered", _("New matter registered")
        RISK_HIGH = "risk_high", _("High risk sign in a new matter")
        REPEAT_CALLS = "repeat_calls", _("Repeat calls about the same place or people")
        RESIDENT_UNSATISFIED = "resident_unsatisfied", _("The resident is not satisfied with the resolution")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    matter = models.ForeignKey(
        "matters.Matter",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("matter"),
    )
    verb = models.CharField(_("what"), max_length=24, choices=Verb.choices)
    text = models.CharField(_("text"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.get_verb_display()}"
