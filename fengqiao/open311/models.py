"""API keys of Open311 clients, and what a client sent beyond the report itself.

A key belongs to one station (its jurisdiction): a community app, a partner's hotline system. Only a digest of
the key is stored; the administrator sees the key once, when it is made.
"""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from fengqiao.api.models import token_digest

KEY_PREFIX = "fq311_"


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(24)


class Open311ApiKey(models.Model):
    station = models.ForeignKey(
        "stations.Station", on_delete=models.CASCADE, related_name="open311_keys", verbose_name=_("station")
    )
    name = models.CharField(_("client"), max_length=128, help_text=_("Who uses this key, e.g. the community app"))
    digest = models.CharField(_("SHA-256 of the key"), max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.station})"

    def set_key(self, key: str) -> None:
        self.digest = token_digest(key)

    @classmethod
    def find(cls, key: str) -> "Open311ApiKey | None":
        if not key:
            return None
        return cls.objects.select_related("station").filter(digest=token_digest(key), active=True).first()


class Open311Submission(models.Model):
    """The rest of a POSTed request. Personal data (e-mail, device, account) is kept, never put out by GET."""

    report = models.OneToOneField(
        "reports.Report", on_delete=models.CASCADE, related_name="open311", verbose_name=_("report")
    )
    api_key = models.ForeignKey(
        Open311ApiKey, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("API key")
    )
    email = models.CharField(_("e-mail"), max_length=254, blank=True)
    device_id = models.CharField(_("device"), max_length=128, blank=True)
    account_id = models.CharField(_("account"), max_length=128, blank=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("Open311 submission")
        verbose_name_plural = _("Open311 submissions")

    def __str__(self) -> str:
        return str(self.report)
