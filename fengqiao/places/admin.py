from django.contrib import admin

from fengqiao.places.models import StandardAddressProposal, StationArea


@admin.register(StationArea)
class StationAreaAdmin(admin.ModelAdmin[StationArea]):
    list_display = ["station", "code", "name"]
    list_filter = ["station"]


@admin.register(StandardAddressProposal)
class StandardAddressProposalAdmin(admin.ModelAdmin[StandardAddressProposal]):
    # Decisions go through places.proposals (accept creates the standard address); the admin only shows them.
    list_display = ["created_at", "station", "text", "status", "decided_by"]
    list_filter = ["station", "status"]
    search_fields = ["text"]
    readonly_fields = ["station", "text", "key", "parsed", "status", "decided_by", "decided_at", "reason", "address"]
