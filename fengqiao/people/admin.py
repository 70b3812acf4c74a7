from django.contrib import admin

from fengqiao.people.models import Person, Reveal


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    # The admin lists masked values too; the reveal goes through the audited page.
    list_display = ["name", "masked_phone", "masked_id_number", "station"]
    list_filter = ["station"]
    search_fields = ["name"]
    exclude = ["phone", "id_number"]


@admin.register(Reveal)
class RevealAdmin(admin.ModelAdmin[Reveal]):
    list_display = ["at", "user", "person", "field", "reason"]
    list_filter = ["field"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
