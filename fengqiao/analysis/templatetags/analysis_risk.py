"""The risk panel of the matter page and the risk signs of an assessment, as the pages show them.

`{% load analysis_risk %}{% risk_panel matter %}` shows the latest assessment's level and each sign: the phrase
as written, the rule's category and weight, and why a sign does not count (negated, inside a stronger sign).
"""

from dataclasses import dataclass
from typing import Any

from django import template
from django.utils.translation import gettext as _

from fengqiao.analysis.models import RiskAssessment, RiskCategory, RuleKind
from fengqiao.analysis.risk import latest_assessment
from fengqiao.matters.models import Matter

register = template.Library()


@dataclass(frozen=True)
class Sign:
    phrase: str
    category: str
    category_label: str
    pattern: str
    rule: str  # the rule in words staff can read; empty for a regular expression (the pattern is its title)
    weight: int
    counted: bool
    why_not: str  # empty when the sign counts


@register.inclusion_tag("analysis/includes/risk_panel.html")
def risk_panel(matter: Matter) -> dict[str, Any]:
    assessment = latest_assessment(matter.pk)
    return {"assessment": assessment, "signs": signs_of(assessment) if assessment else []}


@register.filter
def signs_of(assessment: RiskAssessment) -> list[Sign]:
    """The explanations stored with the assessment, signs that count first (heaviest first)."""
    signs = [_sign(item) for item in assessment.explanations or [] if isinstance(item, dict)]
    return sorted(signs, key=lambda sign: (not sign.counted, -sign.weight))


@register.filter
def counted_signs(assessment: RiskAssessment) -> list[Sign]:
    return [sign for sign in signs_of(assessment) if sign.counted]


def _sign(item: dict[str, Any]) -> Sign:
    category = str(item.get("category", ""))
    negated, subsumed = bool(item.get("negated")), bool(item.get("subsumed"))
    why_not = _("negated") if negated else _("part of a stronger sign") if subsumed else ""
    pattern = str(item.get("pattern", ""))
    return Sign(
        phrase=str(item.get("phrase", "")),
        category=category,
        category_label=str(RiskCategory(category).label) if category in RiskCategory.values else category,
        pattern=pattern,
        rule=readable_rule(str(item.get("kind", "")), pattern),
        weight=int(item.get("weight") or 0),
        counted=bool(item.get("counted", not (negated or subsumed))),
        why_not=why_not,
    )


def readable_rule(kind: str, pattern: str) -> str:
    """A word rule as its word, words-together as `投资/理财 + 转账/汇款`; a regular expression is not shown
    to staff (its pattern stays in the stored explanation for whoever maintains the lexicon)."""
    if kind == RuleKind.REGEX:
        return ""
    if kind == RuleKind.COOCCUR:
        return " + ".join(part.replace("|", "/") for part in pattern.split("+"))
    return pattern
