from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "fengqiao.api"
