from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("fengqiao.api.urls")),
    path("open311/v2/", include("fengqiao.open311.urls")),
    path("report/", include("fengqiao.reports.urls")),
    path("imports/", include("fengqiao.imports.urls")),
    path("devices/", include("fengqiao.devices.urls")),
    path("analysis/", include("fengqiao.analysis.urls")),
    path("stats/", include("fengqiao.stats.urls")),
    path("mediation/figures/", include("fengqiao.mediation.figures_urls")),
    path("mediation/", include("fengqiao.mediation.urls")),
    path("", include("fengqiao.web.urls")),
]
