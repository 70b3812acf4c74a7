from django.urls import path

from fengqiao.stats import views

app_name = "stats"

urlpatterns = [
    path("", views.stats_dashboard, name="dashboard"),
    path("matters/", views.kpi_matters_list, name="matters"),
    path("report/", views.report_download, name="report"),
]
