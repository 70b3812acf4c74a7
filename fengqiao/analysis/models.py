"""Analysis records: the risk lexicon (rules as data) and the risk assessment of each matter; repeat-call groups,
their windows (data, edited in the admin) and the mediation proposals they lead to.

The logic lives in `fengqiao.analysis.risk`, `.repeats` and `.mediation_proposals`; these models only hold what
it reads and what it wrote.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

MAX_WEIGHT = 100
COOCCUR_SEPARATOR = "+"
ALTERNATIVE_SEPARATOR = "|"


class RiskCategory(models.TextChoices):
    VIOLENCE = "violence", _("Threat of violence")
    FRAUD = "fraud", _("Fraud")
    VULNERABLE = "vulnerable", _("Vulnerable person")
    SELF_HARM = "self_harm", _("Self-harm")


class RuleKind(models.TextChoices):
    WORD = "word", _("Word or phrase")
    REGEX = "regex", _("Regular expression")
    COOCCUR = "cooccur", _("Words together in one text")


class RiskLevel(models.TextChoices):
    NONE = "none", _("None")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


def cooccur_parts(pattern: str) -> list[list[str]]:
    """`投资+转账|汇款` → [["投资"], ["转账", "汇款"]]: every part must occur, any alternative of a part will do."""
    return [
        [word.strip() for word in part.split(ALTERNATIVE_SEPARATOR) if word.strip()]
        for part in pattern.split(COOCCUR_SEPARATOR)
    ]


def pattern_problem(kind: str, pattern: str) -> str | None:
    """Why this pattern cannot be used for this kind of rule, or None; shared by the admin and the file loader."""
    if not pattern.strip():
        return gettext("The pattern is empty.")
    if kind == RuleKind.REGEX:
        try:
            re.compile(pattern)
        except re.error as exc:
            return gettext("The regular expression is invalid: %(error)s.") % {"error": exc}
    elif kind == RuleKind.COOCCUR:
        parts = cooccur_parts(pattern)
        if len(parts) < 2 or not all(parts):
            return gettext("A co-occurrence pattern needs at least two words joined by “+”, such as 投资+转账.")
    elif kind == RuleKind.WORD and any(sep in pattern for sep in (COOCCUR_SEPARATOR, ALTERNATIVE_SEPARATOR)):
        return gettext("A word pattern cannot contain “+” or “|”; use a co-occurrence or regular-expression rule.")
    return None


class RiskRule(models.Model):
    """One line of the risk lexicon; stations edit these in the admin or reload them from a CSV file."""

    category = models.CharField(_("category"), max_length=16, choices=RiskCategory.choices)
    kind = models.CharField(_("kind"), max_length=8, choices=RuleKind.choices, default=RuleKind.WORD)
    pattern = models.CharField(_("pattern"), max_length=200)
    weight = models.PositiveSmallIntegerField(
        _("weight"), validators=[MinValueValidator(1), MaxValueValidator(MAX_WEIGHT)]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("risk rule")
        verbose_name_plural = _("risk rules")
        ordering = ["category", "-weight", "pattern"]
        constraints = [
            models.UniqueConstraint(fields=["category", "kind", "pattern"], name="analysis_riskrule_unique_pattern"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.pattern} ({self.weight})"

    def clean(self) -> None:
        problem = pattern_problem(self.kind, self.pattern)
        if problem is not None:
            raise ValidationError({"pattern": problem})


class RiskAssessment(models.Model):
    """The risk level of a matter's text as assessed at one moment with one version of the lexicon.

    A row per assessment (not a field on the matter) so that a re-assessment after a lexicon change keeps history.
    """

    matter = models.ForeignKey(
        "matters.Matter", on_delete=models.CASCADE, related_name="risk_assessments", verbose_name=_("matter")
    )
    level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    score = models.PositiveIntegerField(_("score"))
    explanations = models.JSONField(_("explanations"), default=list, blank=True)
    assessed_at = models.DateTimeField(_("assessed at"), default=timezone.now)
    lexicon_version = models.CharField(_("lexicon version"), max_length=16)

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["-assessed_at", "-id"]
        indexes = [models.Index(fields=["matter", "-assessed_at"], name="analysis_risk_matter_at")]

    def __str__(self) -> str:
        return f"{self.matter_id}: {self.level} ({self.score})"


# ---- repeat calls (重复警情) -------------------------------------------------------------------------------------

DEFAULT_WINDOW_DAYS = 30
DEFAULT_MIN_CALLS = 3
MAX_WINDOW_DAYS = 366


class RepeatReason(models.TextChoices):
    """Why two matters are linked; the order is the order of preference for a group's key."""

    SAME_PARTIES = "same_parties", _("Same pair of parties")
    SAME_PERSON = "same_person", _("Same person")
    SAME_PHONE = "same_phone", _("Same phone")
    SAME_ADDRESS = "same_address", _("Same address")


def validate_category_prefix(value: str) -> None:
    if value and not value.isdigit():
        raise ValidationError(_("A category prefix is made of digits, such as 0205."))


class RepeatWindow(models.Model):
    """How far back and how many calls make a repeat, per category prefix; the longest prefix wins.

    A row without a station applies to every station; a station's own row wins over it for the same prefix.
    An empty prefix applies to every category. Without any row the window is 30 days and the threshold 3 calls.
    """

    station = models.ForeignKey(
        "stations.Station",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="repeat_windows",
        verbose_name=_("station"),
        help_text=_("Leave empty for every station."),
    )
    category_prefix = models.CharField(
        _("category prefix"),
        max_length=16,
        blank=True,
        validators=[validate_category_prefix],
        help_text=_("A category code or the start of one: 0205 applies to 020501 and every other dispute."),
    )
    window_days = models.PositiveSmallIntegerField(
        _("window (days)"),
        default=DEFAULT_WINDOW_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_WINDOW_DAYS)],
    )
    min_calls = models.PositiveSmallIntegerField(
        _("calls that make a repeat"),
        default=DEFAULT_MIN_CALLS,
        validators=[MinValueValidator(2), MaxValueValidator(100)],
        help_text=_("Counting the new call."),
    )

    class Meta:
        verbose_name = _("repeat-call window")
        verbose_name_plural = _("repeat-call windows")
        ordering = ["station", "category_prefix"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "category_prefix"],
                condition=models.Q(station__isnull=False),
                name="analysis_repeatwindow_unique_station_prefix",
            ),
            models.UniqueConstraint(
                fields=["category_prefix"],
                condition=models.Q(station__isnull=True),
                name="analysis_repeatwindow_unique_global_prefix",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category_prefix or '*'}: {self.min_calls} / {self.window_days}d"


class RepeatGroup(models.Model):
    """Calls of one station sharing one key (an address, a phone, a person, a pair) within the window.

    One open group per key: a later call within the window of the group's last call joins it; a call after a
    quiet window starts the key's next episode.
    """

    station = models.ForeignKey(
        "stations.Station", on_delete=models.CASCADE, related_name="repeat_groups", verbose_name=_("station")
    )
    key_kind = models.CharField(_("linked by"), max_length=16, choices=RepeatReason.choices)
    # Address id, HMAC of the phone (never the number), person id, or "lower-higher" person ids of a pair.
    key_value = models.CharField(_("key"), max_length=64)
    episode = models.PositiveIntegerField(_("episode"), default=1)
    label = models.CharField(_("about"), max_length=255, help_text=_("Address, masked phone or names"))
    window_days = models.PositiveSmallIntegerField(_("window (days)"))
    count = models.PositiveIntegerField(_("calls"))
    first_at = models.DateTimeField(_("first call"))
    last_at = models.DateTimeField(_("last call"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("repeat group")
        verbose_name_plural = _("repeat groups")
        ordering = ["-last_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "key_kind", "key_value", "episode"], name="analysis_repeatgroup_unique_episode"
            )
        ]
        indexes = [models.Index(fields=["station", "-last_at"], name="analysis_repeat_station_last")]

    def __str__(self) -> str:
        return f"{self.get_key_kind_display()}: {self.label} ({self.count})"


class RepeatMembership(models.Model):
    group = models.ForeignKey(RepeatGroup, on_delete=models.CASCADE, related_name="members", verbose_name=_("group"))
    matter = models.ForeignKey(
        "matters.Matter", on_delete=models.CASCADE, related_name="repeat_memberships", verbose_name=_("matter")
    )
    reasons = models.JSONField(_("reasons"), default=list)  # RepeatReason values, in the order of RepeatReason
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)

    class Meta:
        verbose_name = _("repeat-group member")
        verbose_name_plural = _("repeat-group members")
        constraints = [models.UniqueConstraint(fields=["group", "matter"], name="analysis_repeatmember_unique")]

    def __str__(self) -> str:
        return f"{self.group_id}: {self.matter_id}"


class ProposalStage(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", pgettext_lazy("mediation proposal", "Accepted")
    DECLINED = "declined", _("Declined")
    OPENED = "opened", _("Mediation case opened")


class MediationProposal(models.Model):
    """A proposal to mediate a repeated dispute; the mediation app turns an accepted one into a case.

    Its stage is written only by `fengqiao.analysis.mediation_proposals.move_proposal`, one ProposalEvent a change.
    """

    station = models.ForeignKey(
        "stations.Station", on_delete=models.CASCADE, related_name="mediation_proposals", verbose_name=_("station")
    )
    group = models.OneToOneField(
        RepeatGroup, on_delete=models.CASCADE, related_name="proposal", verbose_name=_("repeat group")
    )
    matters = models.ManyToManyField("matters.Matter", related_name="mediation_proposals", verbose_name=_("matters"))
    parties = models.ManyToManyField("people.Person", related_name="mediation_proposals", verbose_name=_("parties"))
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    stage = models.CharField(
        _("stage"), max_length=16, choices=ProposalStage.choices, default=ProposalStage.PROPOSED, editable=False
    )
    stage_changed_at = models.DateTimeField(_("stage changed at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("mediation proposal")
        verbose_name_plural = _("mediation proposals")
        ordering = ["-proposed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.group.label}: {self.get_stage_display()}"


class ProposalEvent(models.Model):
    """One change of a proposal's stage; `from_stage` is empty for the proposal itself."""

    proposal = models.ForeignKey(
        MediationProposal, on_delete=models.CASCADE, related_name="events", verbose_name=_("proposal")
    )
    from_stage = models.CharField(_("from"), max_length=16, choices=ProposalStage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=16, choices=ProposalStage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("mediation proposal event")
        verbose_name_plural = _("mediation proposal events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.from_stage or '-'} → {self.to_stage}"
