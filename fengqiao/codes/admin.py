from django.contrib import admin

from fengqiao.codes.models import Code


@admin.register(Code)
class CodeAdmin(admin.ModelAdmin[Code]):
    list_display = ["table", "code", "label_zh", "label_en", "parent", "active"]
    list_filter = ["table", "active"]
    search_fields = ["code", "label_zh", "label_en"]
    raw_id_fields = ["parent"]
