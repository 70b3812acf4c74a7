from django.urls import URLPattern, URLResolver, path

from fengqiao.imports import views

app_name = "imports"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.imports_home, name="home"),
    path("<int:job_id>/", views.job_page, name="job"),
    path("<int:job_id>/progress/", views.job_progress, name="progress"),
    path("<int:job_id>/report.<str:fmt>", views.job_report, name="report"),
]
