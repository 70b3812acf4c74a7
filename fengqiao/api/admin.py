from django.contrib import admin

from fengqiao.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Lets an administrator see who holds tokens and revoke one by deleting it."""

    list_display = ["user", "created_at", "expires_at"]
    list_select_related = ["user"]
    readonly_fields = ["user", "created_at", "expires_at"]

    def has_add_permission(self, request: object) -> bool:
        return False  # tokens come from POST /api/v1/auth/token, never typed in
