from django.urls import URLPattern, URLResolver

app_name = "mediation_figures"
urlpatterns: list[URLPattern | URLResolver] = []
