from django.contrib import admin

from fengqiao.stats.models import Kpi


@admin.register(Kpi)
class KpiAdmin(admin.ModelAdmin[Kpi]):
    # Kpi.clean() refuses a filter that cannot be counted; after a change, `fengqiao stats rebuild` is not needed:
    # the rollup keeps every dimension a filter can name, so new definitions apply at once.
    list_display = ["code", "label_zh", "label_en", "kind", "per_10k", "active", "sort"]
    list_editable = ["active", "sort"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "label_zh", "label_en"]
