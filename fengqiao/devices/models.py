"""Devices that raise matters by themselves: the e-bike blockers (电动自行车电梯阻止系统) in the lifts.

A blocker stops its lift when it sees an e-bike and posts the alarm, signed with its own secret, to
`POST /api/v1/devices/events`. Every alarm is a `DeviceEvent` row; alarms are counted from those rows, and a burst
of them in one building opens one hazard matter (see `fengqiao.devices.domain`).
"""

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Used when a station has set no threshold of its own: three alarms in one building within a day.
DEFAULT_ALARMS = 3
DEFAULT_WINDOW_HOURS = 24


def new_secret() -> str:
    """256 random bits, hex: easy to paste into a device's configuration."""
    return secrets.token_hex(32)


class Device(models.Model):
    """One blocker in one lift of one building.

    The secret is a device credential: the server needs it in the clear to check HMAC signatures, so it is
    stored as it is. Treat the table like a password file — admin access only, and rotate a secret (give the
    device a new one) when a device is lost or replaced.
    """

    station = models.ForeignKey(
        "stations.Station", on_delete=models.PROTECT, related_name="devices", verbose_name=_("station")
    )
    building = models.ForeignKey(
        "stations.StandardAddress",
        on_delete=models.PROTECT,
        related_name="devices",
        verbose_name=_("building"),
        help_text=_("The standard address of the whole building, without unit or room."),
    )
    lift = models.CharField(_("lift"), max_length=32, help_text=_("As written on the lift, e.g. 1号梯."))
    device_id = models.SlugField(
        _("device id"), max_length=64, unique=True, help_text=_("The public name the device sends with every event.")
    )
    secret = models.CharField(
        _("secret"), max_length=128, default=new_secret, help_text=_("Signing key configured in the device.")
    )
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Events of inactive devices are refused."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["device_id"]
        constraints = [models.UniqueConstraint(fields=["building", "lift"], name="device_unique_lift")]

    def __str__(self) -> str:
        return f"{self.device_id} ({self.building} {self.lift})"

    def clean(self) -> None:
        if self.building_id and self.station_id and self.building.station_id != self.station_id:
            raise ValidationError({"building": _("The building must be in the device's station.")})


class EventKind(models.TextChoices):
    EBIKE_DETECTED = "ebike_detected", _("E-bike detected")
    BLOCKER_FAULT = "blocker_fault", _("Blocker fault")
    BLOCKER_RESTORED = "blocker_restored", _("Blocker working again")


class DeviceEventQuerySet(models.QuerySet["DeviceEvent"]):
    def alarms(self) -> "DeviceEventQuerySet":
        """The events that count towards a hazard: an e-bike pushed into a lift."""
        return self.filter(kind=EventKind.EBIKE_DETECTED)


class DeviceEvent(models.Model):
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="events", verbose_name=_("device"))
    # Copied from the device when the event arrives: a blocker moved to another lift later must not carry its
    # past alarms to the new building.
    building = models.ForeignKey(
        "stations.StandardAddress",
        on_delete=models.PROTECT,
        related_name="device_events",
        verbose_name=_("building"),
    )
    event_id = models.CharField(_("event id"), max_length=64, help_text=_("Unique per device; repeats are ignored."))
    kind = models.CharField(_("kind"), max_length=24, choices=EventKind.choices)
    at = models.DateTimeField(_("happened at"), help_text=_("By the device's clock."))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    matter = models.ForeignKey(
        "matters.Matter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="device_events",
        verbose_name=_("matter"),
    )

    objects = DeviceEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("device event")
        verbose_name_plural = _("device events")
        ordering = ["at", "pk"]
        constraints = [models.UniqueConstraint(fields=["device", "event_id"], name="device_event_unique_id")]
        indexes = [models.Index(fields=["building", "at"], name="device_event_building_at")]

    def __str__(self) -> str:
        return f"{self.device.device_id} {self.event_id} {self.kind}"


class AlarmThreshold(models.Model):
    """A station's own threshold; stations without one use DEFAULT_ALARMS within DEFAULT_WINDOW_HOURS."""

    station = models.OneToOneField(
        "stations.Station", on_delete=models.CASCADE, related_name="alarm_threshold", verbose_name=_("station")
    )
    alarms = models.PositiveSmallIntegerField(
        _("alarms"),
        default=DEFAULT_ALARMS,
        validators=[MinValueValidator(1)],
        help_text=_("E-bike alarms in one building that open a hazard matter."),
    )
    window_hours = models.PositiveSmallIntegerField(
        _("within hours"),
        default=DEFAULT_WINDOW_HOURS,
        validators=[MinValueValidator(1)],
        help_text=_("The first and the last of those alarms are at most this many hours apart."),
    )

    class Meta:
        verbose_name = _("alarm threshold")
        verbose_name_plural = _("alarm thresholds")

    def __str__(self) -> str:
        return f"{self.station}: {self.alarms} / {self.window_hours} h"

    @property
    def window(self) -> dt.timedelta:
        return dt.timedelta(hours=self.window_hours)
