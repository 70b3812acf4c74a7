from django.contrib import admin

from fengqiao.analysis.models import RiskAssessment, RiskRule


@admin.register(RiskRule)
class RiskRuleAdmin(admin.ModelAdmin[RiskRule]):
    # Weights and on/off are edited in the list; RiskRule.clean() refuses an invalid regex or co-occurrence pattern.
    list_display = ["pattern", "category", "kind", "weight", "active", "note", "updated_at"]
    list_editable = ["weight", "active"]
    list_filter = ["category", "kind", "active"]
    search_fields = ["pattern", "note"]
    readonly_fields = ["updated_at"]


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(admin.ModelAdmin[RiskAssessment]):
    # Assessments are records of what the scorer said at the time; nobody edits them.
    list_display = ["matter", "level", "score", "assessed_at", "lexicon_version"]
    list_filter = ["level"]
    raw_id_fields = ["matter"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
