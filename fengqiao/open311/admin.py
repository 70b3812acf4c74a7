from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from fengqiao.open311.models import Open311ApiKey, new_key


@admin.register(Open311ApiKey)
class Open311ApiKeyAdmin(admin.ModelAdmin[Open311ApiKey]):
    """Keys are made here: the key is shown once, on saving a new one; revoke by unticking “active”."""

    list_display = ["name", "station", "active", "created_at", "last_used_at"]
    list_filter = ["station", "active"]
    list_select_related = ["station"]
    readonly_fields = ["created_at", "last_used_at"]

    def save_model(self, request: HttpRequest, obj: Open311ApiKey, form: Any, change: bool) -> None:
        if not change:
            key = new_key()
            obj.set_key(key)
            messages.warning(
                request,
                _("The API key for %(name)s is %(key)s — copy it now, it is not shown again.")
                % {"name": obj.name, "key": key},
            )
        super().save_model(request, obj, form, change)
