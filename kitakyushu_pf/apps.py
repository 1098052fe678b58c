from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "kitakyushu_pf"
    verbose_name = _("Portal")
