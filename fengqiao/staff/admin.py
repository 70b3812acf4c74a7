from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from fengqiao.staff.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    list_display = ["username", "full_name", "station", "role", "is_active"]
    list_filter = ["station", "role", "is_active"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        ("Fengqiao", {"fields": ("full_name", "station", "role", "post", "partner")}),
    )
