from django.urls import URLPattern, URLResolver, path

from fengqiao.devices import views

app_name = "devices"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.buildings, name="buildings"),
    path("building/<int:building_id>/", views.building, name="building"),
]
