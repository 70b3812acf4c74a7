from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodesConfig(AppConfig):
    name = "fengqiao.codes"
    verbose_name = _("Code tables")
