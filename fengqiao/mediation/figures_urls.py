from django.urls import URLPattern, URLResolver, path

from fengqiao.mediation import views_figures

app_name = "mediation_figures"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views_figures.figures, name="figures"),
]
