from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "fengqiao.analysis"
    verbose_name = _("Analysis")

    def ready(self) -> None:
        from fengqiao.analysis.repeats import on_matter_registered
        from fengqiao.matters.signals import matter_registered

        # Repeat-call check inside the registration's transaction; the uid keeps a reload from connecting twice.
        matter_registered.connect(on_matter_registered, sender=None, dispatch_uid="analysis.repeats")
