"""Code tables (categories, outcomes, …) as data: loaded from files a station can replace, never hard-coded."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class CodeTable(models.TextChoices):
    CATEGORIES = "categories", _("110 call categories")
    OUTCOMES = "outcomes", _("Outcomes")
    DISPUTE_TYPES = "dispute_types", _("Dispute types")
    # The "8" of 1+8+N: the partner forces a station brings into mediation.
    MEDIATION_FORCES = "mediation_forces", _("Mediation partner forces")


class CodeQuerySet(models.QuerySet["Code"]):
    def active(self, table: str) -> "CodeQuerySet":
        return self.filter(table=table, active=True)


class Code(models.Model):
    """One entry of a code table; categories nest by code prefix (01 → 0101 → 010101)."""

    table = models.CharField(_("table"), max_length=32, choices=CodeTable.choices)
    code = models.CharField(_("code"), max_length=16)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent")
    )
    label_zh = models.CharField(_("Chinese label"), max_length=64)
    label_en = models.CharField(_("English label"), max_length=96, blank=True)
    sort = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    objects = CodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("code")
        verbose_name_plural = _("codes")
        ordering = ["table", "sort", "code"]
        constraints = [models.UniqueConstraint(fields=["table", "code"], name="code_unique_per_table")]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        if (get_language() or "").startswith("en") and self.label_en:
            return self.label_en
        return self.label_zh
