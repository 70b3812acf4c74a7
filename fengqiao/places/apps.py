from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "fengqiao.places"
    verbose_name = _("Places")

    def ready(self) -> None:
        from fengqiao.places import signals  # noqa: F401  (connects the cache invalidation)
