from django.contrib import admin

from fengqiao.devices.models import AlarmThreshold, Device, DeviceEvent


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin[Device]):
    """The secret is shown here so that it can be typed into the device; admin access is a credential holder's."""

    list_display = ["device_id", "station", "building", "lift", "is_active", "created_at"]
    list_filter = ["station", "is_active"]
    search_fields = ["device_id", "building__full_text", "lift"]
    raw_id_fields = ["building"]


@admin.register(DeviceEvent)
class DeviceEventAdmin(admin.ModelAdmin[DeviceEvent]):
    """Read-only: events are what the devices said, written only by the events endpoint."""

    list_display = ["at", "device", "building", "kind", "event_id", "matter", "received_at"]
    list_filter = ["kind", "device__station"]
    search_fields = ["device__device_id", "event_id", "building__full_text"]
    date_hierarchy = "at"
    list_select_related = ["device__building", "building", "matter"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(AlarmThreshold)
class AlarmThresholdAdmin(admin.ModelAdmin[AlarmThreshold]):
    list_display = ["station", "alarms", "window_hours"]
