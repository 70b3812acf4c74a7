from django.contrib import admin

from fengqiao.analysis.models import (
    MediationProposal,
    ProposalEvent,
    RepeatGroup,
    RepeatMembership,
    RepeatWindow,
    RiskAssessment,
    RiskRule,
)


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


@admin.register(RepeatWindow)
class RepeatWindowAdmin(admin.ModelAdmin[RepeatWindow]):
    # Data, not code: the longest category prefix wins, a station's own row over a global one (docs/repeats.md).
    list_display = ["category_prefix", "station", "window_days", "min_calls"]
    list_editable = ["window_days", "min_calls"]
    list_filter = ["station"]


class ReadOnly:
    """Records written by the repeat-call check and the proposal transition: looked at, never edited here."""

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


class MembershipInline(ReadOnly, admin.TabularInline[RepeatMembership, RepeatGroup]):
    model = RepeatMembership
    raw_id_fields = ["matter"]
    extra = 0
    can_delete = False


@admin.register(RepeatGroup)
class RepeatGroupAdmin(ReadOnly, admin.ModelAdmin[RepeatGroup]):
    list_display = ["label", "key_kind", "station", "count", "window_days", "first_at", "last_at"]
    list_filter = ["station", "key_kind"]
    inlines = [MembershipInline]


class ProposalEventInline(ReadOnly, admin.TabularInline[ProposalEvent, MediationProposal]):
    model = ProposalEvent
    extra = 0
    can_delete = False


@admin.register(MediationProposal)
class MediationProposalAdmin(ReadOnly, admin.ModelAdmin[MediationProposal]):
    # The stage moves only through mediation_proposals.move_proposal(), which writes the event rows.
    list_display = ["group", "station", "stage", "proposed_at", "stage_changed_at"]
    list_filter = ["station", "stage"]
    raw_id_fields = ["matters", "parties"]
    inlines = [ProposalEventInline]
