from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "kitakyushu_pf"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from . import portal_retention  # noqa: F401  (registers the portal's retention rules)
