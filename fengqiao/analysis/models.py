"""Analysis records: the risk lexicon (rules as data) and the risk assessment of each matter.

The scorer itself is `fengqiao.analysis.risk`; these models only hold what it reads and what it wrote.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
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
