from django.contrib import admin

from fengqiao.matters.models import Escalation, Matter, MatterEvent, SlaPolicy


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin[SlaPolicy]):
    list_display = [
        "kind",
        "priority",
        "accept_minutes",
        "assign_minutes",
        "start_minutes",
        "resolve_minutes",
        "callback_minutes",
        "archive_minutes",
    ]
    list_filter = ["kind", "priority"]
    list_editable = [
        "accept_minutes",
        "assign_minutes",
        "start_minutes",
        "resolve_minutes",
        "callback_minutes",
        "archive_minutes",
    ]


class EventInline(admin.TabularInline[MatterEvent, Matter]):
    model = MatterEvent
    extra = 0
    can_delete = False
    readonly_fields = ["from_stage", "to_stage", "actor", "at", "note", "data"]

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Matter)
class MatterAdmin(admin.ModelAdmin[Matter]):
    """Read-mostly: stages move only through the transition function, never by editing a row here."""

    list_display = ["reference", "station", "kind", "stage", "owner", "reported_at"]
    list_filter = ["station", "stage", "kind", "channel"]
    search_fields = ["reference", "external_ref"]
    readonly_fields = ["stage", "stage_changed_at", "step_due_at", "outcome", "satisfaction"]
    raw_id_fields = ["address", "owner", "registered_by", "category", "grid", "team"]
    inlines = [EventInline]


admin.site.register(Escalation)
