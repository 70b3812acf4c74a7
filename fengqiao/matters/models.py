"""The matter (事项) and everything that happens to it.

The stage field is written by one function only: `fengqiao.matters.domain.transitions.transition`. Every
change of stage is a `MatterEvent` row, every piece of work a `FollowUpAction` row; timelines, durations,
overdue flags and statistics are computed from those rows.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    HELP = "help", _("Help request")
    DISPUTE = "dispute", _("Dispute")
    HAZARD = "hazard", _("Hazard")
    FRAUD_WARNING = "fraud_warning", _("Fraud warning")
    LOST_PROPERTY = "lost_property", _("Lost property")
    MISSING_PERSON = "missing_person", _("Missing person")
    TRAFFIC = "traffic", _("Traffic")
    HOUSEHOLD = "household", _("Household registration")
    CASE = "case", _("Criminal or administrative case")


class Channel(models.TextChoices):
    CALL_110 = "call_110", _("110 transfer")
    WALK_IN = "walk_in", _("Walk-in")
    PHONE = "phone", _("Phone")
    COMMUNITY_GROUP = "community_group", _("Community group")
    PATROL = "patrol", _("Patrol")
    VIDEO_PATROL = "video_patrol", _("Video patrol")
    DEVICE_ALARM = "device_alarm", _("Device alarm")
    ANTI_FRAUD = "anti_fraud", _("Anti-fraud centre")
    PARTNER = "partner", _("Partner referral")
    PUBLIC_WEB = "public_web", _("Public web")


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class Stage(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ACCEPTED = "accepted", _("Accepted")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CALLED_BACK = "called_back", _("Called back")
    ARCHIVED = "archived", _("Archived")
    REJECTED = "rejected", _("Rejected")
    MERGED = "merged", _("Merged")
    TRANSFERRED = "transferred", _("Transferred")


# Stages in which somebody still owes the matter a step.
OPEN_STAGES = frozenset(
    {Stage.REGISTERED, Stage.ACCEPTED, Stage.ASSIGNED, Stage.IN_PROGRESS, Stage.RESOLVED, Stage.CALLED_BACK}
)
CLOSED_STAGES = frozenset(set(Stage) - OPEN_STAGES)


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class PartyRole(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    PARTY = "party", _("Party")
    VICTIM = "victim", _("Victim")
    SUSPECT = "suspect", _("Suspect")
    RELATIVE = "relative", _("Relative")


class MatterQuerySet(models.QuerySet["Matter"]):
    def open(self) -> "MatterQuerySet":
        return self.filter(stage__in=OPEN_STAGES)

    def overdue(self, now: dt.datetime | None = None) -> "MatterQuerySet":
        return self.open().filter(step_due_at__lt=now or timezone.now())

    def not_overdue(self, now: dt.datetime | None = None) -> "MatterQuerySet":
        return self.filter(
            Q(step_due_at__isnull=True) | Q(step_due_at__gte=now or timezone.now()) | ~Q(stage__in=OPEN_STAGES)
        )


class Matter(models.Model):
    station = models.ForeignKey(
        "stations.Station", on_delete=models.PROTECT, related_name="matters", verbose_name=_("station")
    )
    # NULL until the row has its id; unique once set.
    reference = models.CharField(_("reference"), max_length=32, unique=True, null=True, editable=False)  # noqa: DJ001
    external_ref = models.CharField(
        _("call number"), max_length=64, blank=True, help_text=_("Number in the 110 system or the source ledger")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=24, choices=Channel.choices)
    category = models.ForeignKey(
        "codes.Code",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"table": "categories"},
        verbose_name=_("category"),
    )
    priority = models.CharField(_("priority"), max_length=12, choices=Priority.choices, default=Priority.NORMAL)
    description = models.TextField(_("description"))

    address = models.ForeignKey(
        "stations.StandardAddress",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matters",
        verbose_name=_("standard address"),
    )
    address_text = models.CharField(_("place"), max_length=255, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    grid = models.ForeignKey(
        "stations.CommunityGrid",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="matters",
        verbose_name=_("grid"),
    )

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_matters",
        verbose_name=_("owner"),
    )
    team = models.ForeignKey(
        "stations.PolicePost",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="matters",
        verbose_name=_("team"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered by"),
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # Written only by the transition function; derived from the last event, kept here to index and list.
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.REGISTERED, editable=False)
    stage_changed_at = models.DateTimeField(_("stage changed at"), default=timezone.now, editable=False)
    step_due_at = models.DateTimeField(_("current step due"), null=True, blank=True, editable=False)
    due_at = models.DateTimeField(_("resolve by"), null=True, blank=True)
    due_reason = models.CharField(
        _("why this deadline"),
        max_length=128,
        blank=True,
        help_text=_("When the deadline is set by the resident's situation, not by the policy"),
    )
    outcome = models.ForeignKey(
        "codes.Code",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"table": "outcomes"},
        verbose_name=_("outcome"),
        editable=False,
    )
    satisfaction = models.CharField(
        _("satisfaction"), max_length=24, choices=Satisfaction.choices, blank=True, editable=False
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_matters",
        verbose_name=_("merged into"),
        editable=False,
    )
    transferred_to = models.CharField(_("transferred to"), max_length=128, blank=True, editable=False)

    extra = models.JSONField(_("extra fields"), default=dict, blank=True)
    search_doc = models.TextField(editable=False, default="")

    objects = MatterQuerySet.as_manager()

    class Meta:
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        ordering = ["-reported_at"]
        indexes = [
            models.Index(fields=["station", "stage", "step_due_at"], name="matter_station_stage_due"),
            models.Index(fields=["owner", "stage", "step_due_at"], name="matter_owner_stage_due"),
            models.Index(fields=["station", "reported_at"], name="matter_station_reported"),
            models.Index(fields=["address", "reported_at"], name="matter_address_reported"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "external_ref"], condition=~Q(external_ref=""), name="matter_unique_call_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference or self.pk} {self.description[:24]}"

    @property
    def place(self) -> str:
        return self.address.full_text if self.address else self.address_text

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return self.is_open and self.step_due_at is not None and self.step_due_at < (now or timezone.now())


class Party(models.Model):
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="parties", verbose_name=_("matter"))
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="parties", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=16, choices=PartyRole.choices)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [models.UniqueConstraint(fields=["matter", "person", "role"], name="party_unique_role")]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class MatterEvent(models.Model):
    """One change of stage. `from_stage` is empty for the registration itself."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="events", verbose_name=_("matter"))
    from_stage = models.CharField(_("from"), max_length=16, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=16, choices=Stage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    # What the step carried: owner, outcome, satisfaction, reason, target … (codes and usernames only).
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("matter event")
        verbose_name_plural = _("matter events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["to_stage", "at"], name="event_stage_at")]

    def __str__(self) -> str:
        return f"{self.matter_id}: {self.from_stage or '-'} → {self.to_stage}"


class ActionKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    PHONE_CALL = "phone_call", _("Phone call")
    COORDINATION = "coordination", _("Coordination with a partner")
    INQUIRY_RECORD = "inquiry_record", _("Inquiry record")
    DOCUMENT = "document", _("Document")
    NOTE = "note", _("Note")


class FollowUpAction(models.Model):
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="actions", verbose_name=_("matter"))
    kind = models.CharField(_("kind"), max_length=16, choices=ActionKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    partner = models.ForeignKey(
        "stations.Partner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
        verbose_name=_("partner"),
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("what was done"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Content-addressed below the station: the original name lives in the row, never in the path.
    return f"attachments/{instance.action.matter.station_id}/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    action = models.ForeignKey(
        FollowUpAction, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("action")
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=96)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class SlaPolicy(models.Model):
    """How long each step may take for a kind × priority; minutes, so that urgent steps can be short."""

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    priority = models.CharField(_("priority"), max_length=12, choices=Priority.choices)
    accept_minutes = models.PositiveIntegerField(_("accept within (minutes)"))
    assign_minutes = models.PositiveIntegerField(_("assign within (minutes)"))
    start_minutes = models.PositiveIntegerField(_("start handling within (minutes)"))
    resolve_minutes = models.PositiveIntegerField(_("resolve within (minutes, from the report)"))
    callback_minutes = models.PositiveIntegerField(_("call back within (minutes)"))
    archive_minutes = models.PositiveIntegerField(_("archive within (minutes)"))

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        constraints = [models.UniqueConstraint(fields=["kind", "priority"], name="sla_unique_kind_priority")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} / {self.get_priority_display()}"


class Escalation(models.Model):
    """督办: an overdue step reported to the chief. Unique per step and deadline, so the worker may rerun."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="escalations", verbose_name=_("matter"))
    stage = models.CharField(_("overdue in stage"), max_length=16, choices=Stage.choices)
    due_at = models.DateTimeField(_("was due"))
    escalated_at = models.DateTimeField(_("escalated at"), default=timezone.now)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("escalated to"),
    )

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [models.UniqueConstraint(fields=["matter", "stage", "due_at"], name="escalation_once_per_step")]

    def __str__(self) -> str:
        return f"{self.matter_id} {self.stage} {self.due_at:%Y-%m-%d %H:%M}"
