"""Mediation (调解) under "1+8+N": a dispute, its case, the sessions, the agreement and the fulfilment visits.

A case's stage is written by one function only: `fengqiao.mediation.domain.cases.move_case`. Every change of
stage is a `CaseEvent` row; sessions, the agreement, its signed scan and the fulfilment visits are rows of their
own, so the figures (`fengqiao.mediation.figures`) are computed from rows, never from counters.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Side(models.TextChoices):
    # 甲方 / 乙方 as the agreement prints them.
    A = "a", _("Party A")
    B = "b", _("Party B")


class Dispute(models.Model):
    """纠纷 details of a dispute matter: its type, the amount involved, the risk, and who stands on which side."""

    matter = models.OneToOneField(
        "matters.Matter", on_delete=models.CASCADE, related_name="dispute", verbose_name=_("matter")
    )
    dispute_type = models.ForeignKey(
        "codes.Code",
        on_delete=models.PROTECT,
        limit_choices_to={"table": "dispute_types"},
        related_name="+",
        verbose_name=_("dispute type"),
    )
    amount = models.DecimalField(_("amount involved (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    risk_level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.LOW)
    facts = models.TextField(_("facts of the dispute"), blank=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")

    def __str__(self) -> str:
        return f"{self.matter_id}: {self.dispute_type_id}"


class DisputeParty(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="sides", verbose_name=_("dispute"))
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="dispute_sides", verbose_name=_("person")
    )
    side = models.CharField(_("side"), max_length=1, choices=Side.choices)

    class Meta:
        verbose_name = _("party to the dispute")
        verbose_name_plural = _("parties to the dispute")
        ordering = ["side", "id"]
        constraints = [models.UniqueConstraint(fields=["dispute", "person"], name="dispute_party_once")]

    def __str__(self) -> str:
        return f"{self.side}: {self.person_id}"


class Room(models.Model):
    """One of the "N": a mediation room or contact point in a village or community, with its people and hours."""

    class Kind(models.TextChoices):
        ROOM = "room", _("Mediation room")
        CONTACT_POINT = "contact_point", _("Contact point")

    station = models.ForeignKey(
        "stations.Station", on_delete=models.CASCADE, related_name="mediation_rooms", verbose_name=_("station")
    )
    name = models.CharField(_("name"), max_length=96)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.ROOM)
    community = models.ForeignKey(
        "stations.Community",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mediation_rooms",
        verbose_name=_("community or village"),
    )
    address = models.CharField(_("address"), max_length=160, blank=True)
    opening_hours = models.CharField(_("opening times"), max_length=160, blank=True)
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="mediation_rooms", verbose_name=_("people")
    )

    class Meta:
        verbose_name = _("mediation room")
        verbose_name_plural = _("mediation rooms")
        ordering = ["station", "name"]
        constraints = [models.UniqueConstraint(fields=["station", "name"], name="room_unique_name")]

    def __str__(self) -> str:
        return self.name


class CaseStage(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("mediation case", "Proposed to the parties")
    ACCEPTED = "accepted", pgettext_lazy("mediation case", "Accepted by the parties")
    DECLINED = "declined", pgettext_lazy("mediation case", "Declined")
    AGREED = "agreed", pgettext_lazy("mediation case", "Agreed")
    PARTLY_AGREED = "partly_agreed", pgettext_lazy("mediation case", "Partly agreed")
    FAILED = "failed", pgettext_lazy("mediation case", "Failed")
    REFERRED = "referred", pgettext_lazy("mediation case", "Referred")
    FULFILMENT_CHECK = "fulfilment_check", pgettext_lazy("mediation case", "Fulfilment check")
    CLOSED = "closed", pgettext_lazy("mediation case", "Closed")


# Stages in which somebody still owes the case a step.
OPEN_CASE_STAGES = frozenset(
    {
        CaseStage.PROPOSED,
        CaseStage.ACCEPTED,
        CaseStage.AGREED,
        CaseStage.PARTLY_AGREED,
        CaseStage.FAILED,
        CaseStage.REFERRED,
        CaseStage.FULFILMENT_CHECK,
    }
)


class Referral(models.TextChoices):
    COURT_PRE_LITIGATION = "court_pre_litigation", _("Pre-litigation court mediation")
    ARBITRATION = "arbitration", _("Arbitration")
    LITIGATION = "litigation", _("Litigation")
    ADMINISTRATIVE = "administrative", _("Administrative body")


class Case(models.Model):
    """调解案件: one dispute being mediated, with its lead, mediators, invited partners and room."""

    station = models.ForeignKey(
        "stations.Station", on_delete=models.CASCADE, related_name="mediation_cases", verbose_name=_("station")
    )
    reference = models.CharField(_("reference"), max_length=32, unique=True, null=True, editable=False)  # noqa: DJ001
    dispute = models.OneToOneField(Dispute, on_delete=models.PROTECT, related_name="case", verbose_name=_("dispute"))
    proposal = models.OneToOneField(
        "analysis.MediationProposal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case",
        verbose_name=_("repeat-call proposal"),
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_mediations", verbose_name=_("lead")
    )
    mediators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="mediation_cases", verbose_name=_("mediators")
    )
    partners = models.ManyToManyField(
        "stations.Partner", blank=True, related_name="mediation_cases", verbose_name=_("partners invited")
    )
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.PROTECT, related_name="cases", verbose_name=_("room")
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    stage = models.CharField(
        _("stage"), max_length=16, choices=CaseStage.choices, default=CaseStage.PROPOSED, editable=False
    )
    stage_changed_at = models.DateTimeField(_("stage changed at"), default=timezone.now, editable=False)
    referred_to = models.CharField(
        _("referred to"), max_length=24, choices=Referral.choices, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("mediation case")
        verbose_name_plural = _("mediation cases")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["station", "stage"], name="case_station_stage")]

    def __str__(self) -> str:
        return self.reference or f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_CASE_STAGES


class CaseEvent(models.Model):
    """One change of a case's stage; `from_stage` is empty for the opening. `data` keeps what the step carried."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("case"))
    from_stage = models.CharField(_("from"), max_length=16, choices=CaseStage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=16, choices=CaseStage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("mediation case event")
        verbose_name_plural = _("mediation case events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_stage or '-'} → {self.to_stage}"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", pgettext_lazy("mediation session", "Cancelled")


class Session(models.Model):
    """A mediation session (调解会): scheduled, then held with minutes (调解笔录), or cancelled."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("case"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("room")
    )
    place = models.CharField(_("place"), max_length=160, blank=True)  # when not in a room: on site, at home …
    mediators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="mediation_sessions", verbose_name=_("mediators")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED, editable=False
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("scheduled by")
    )
    scheduled_at = models.DateTimeField(_("scheduled at"), default=timezone.now)
    # Filled when the session is held:
    parties_present = models.ManyToManyField(
        "people.Person", blank=True, related_name="mediation_sessions", verbose_name=_("parties present")
    )
    mediators_present = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("mediators present")
    )
    minutes = models.TextField(_("minutes"), blank=True)
    next_date = models.DateField(_("next session"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    cancel_reason = models.CharField(_("why cancelled"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["room", "starts_at"], name="session_room_start")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.starts_at:%Y-%m-%d %H:%M}"


class Agreement(models.Model):
    """人民调解协议书: the terms agreed, how and when they are fulfilled; frozen once the signed scan is attached."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="agreement", verbose_name=_("case"))
    facts = models.TextField(_("facts of the dispute"))
    terms = models.TextField(_("agreed terms"))
    fulfilment = models.TextField(_("how and when they are fulfilled"))
    fulfil_by = models.DateField(_("fulfil by"), null=True, blank=True)
    partial = models.BooleanField(_("partial agreement"), default=False)
    unresolved = models.TextField(_("what remains unresolved"), blank=True)
    agreed_at = models.DateTimeField(_("agreed at"), default=timezone.now)
    signed_scan = models.FileField(_("signed scan"), upload_to="mediation/%Y/%m/", max_length=255, blank=True)
    signed_uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed scan uploaded by"),
    )
    signed_uploaded_at = models.DateTimeField(_("signed scan uploaded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mediation agreement")
        verbose_name_plural = _("mediation agreements")

    def __str__(self) -> str:
        return f"{self.case_id}"

    @property
    def is_signed(self) -> bool:
        return bool(self.signed_scan)


class FulfilmentVisit(models.Model):
    """回访: a follow-up visit to check that the agreement holds, due at a set interval after it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="visits", verbose_name=_("case"))
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    fulfilled = models.BooleanField(_("agreement kept"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("fulfilment visit")
        verbose_name_plural = _("fulfilment visits")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.due_on}"
