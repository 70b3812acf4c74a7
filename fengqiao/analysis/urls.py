from django.urls import URLPattern, URLResolver, path

from fengqiao.analysis import views, views_knox, views_repeats

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="analysis"),
    path("hotspots/", views.hotspots, name="analysis_hotspots"),
    path("knox/", views_knox.knox, name="analysis_knox"),
    path("risk/", views.risk, name="analysis_risk"),
    path("repeats/", views_repeats.repeats, name="analysis_repeats"),
]
