from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MattersConfig(AppConfig):
    name = "fengqiao.matters"
    verbose_name = _("Matters")

    def ready(self) -> None:
        from fengqiao.matters.search import ensure_index

        post_migrate.connect(ensure_index, sender=self)
