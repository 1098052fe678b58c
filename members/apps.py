from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Council members")

    def ready(self) -> None:
        from . import (
            retention,  # noqa: F401  (registers the retention rule of applications)
            signals,  # noqa: F401
        )
