from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "fengqiao.stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from fengqiao.stats import receivers  # noqa: F401  (keeps the rollup up to date after each commit)
