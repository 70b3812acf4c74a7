from django.contrib import admin

from fengqiao.mediation.models import Case, CaseEvent, Room


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin[Room]):
    # The "N" of 1+8+N are a station's own data: rooms and contact points are kept here.
    list_display = ["name", "kind", "station", "community", "opening_hours"]
    list_filter = ["station", "kind"]
    search_fields = ["name", "address"]
    filter_horizontal = ["people"]


class CaseEventInline(admin.TabularInline[CaseEvent, Case]):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ["from_stage", "to_stage", "actor", "at", "note", "data"]

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin[Case]):
    # Cases move only through move_case(); the admin shows them and their events, and edits nothing of the loop.
    list_display = ["reference", "station", "stage", "lead", "room", "opened_at"]
    list_filter = ["station", "stage"]
    search_fields = ["reference"]
    readonly_fields = ["reference", "stage", "stage_changed_at", "referred_to", "dispute", "proposal", "opened_by"]
    inlines = [CaseEventInline]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
