from django.contrib import admin

from fengqiao.stations import models


@admin.register(models.Station)
class StationAdmin(admin.ModelAdmin[models.Station]):
    list_display = ["code", "name", "branch"]


@admin.register(models.CommunityGrid)
class CommunityGridAdmin(admin.ModelAdmin[models.CommunityGrid]):
    list_display = ["code", "name", "station", "police_grid", "community"]
    list_filter = ["station"]


@admin.register(models.StandardAddress)
class StandardAddressAdmin(admin.ModelAdmin[models.StandardAddress]):
    list_display = ["full_text", "station", "grid"]
    list_filter = ["station"]
    search_fields = ["full_text"]


for model in (
    models.Branch,
    models.PolicePost,
    models.Community,
    models.PoliceGrid,
    models.GridPopulation,
    models.Partner,
):
    admin.site.register(model)
