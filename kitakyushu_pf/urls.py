import re

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views
from .ratelimits import ratelimit

admin.site.site_header = _("Tsunagaru PF administration")
admin.site.site_title = _("Tsunagaru PF")
admin.site.index_title = _("Secretariat back office")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    # The reset mail goes to a typed address: the shared abuse limits apply.
    path(
        "accounts/password_reset/",
        ratelimit("accounts.password_reset", address_field="email")(
            auth_views.PasswordResetView.as_view()
        ),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("members/", include("members.urls")),
    path("trainings/", include("trainings.urls")),
    path("casestudies/", include("casestudies.urls")),
    path("surveys/", include("surveys.urls")),
    path("handbook/", include("handbook.urls")),
    path("answer/", include("surveys.answer_urls")),
]

handler403 = "kitakyushu_pf.views.permission_denied"
handler404 = "kitakyushu_pf.views.page_not_found"
handler500 = "kitakyushu_pf.views.server_error"

if settings.MEDIA_URL.startswith("/"):
    # Media on the portal's own origin: always downloads (production uses a separate origin).
    from django.urls import re_path

    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$",
            views.media_download,
            name="media",
        )
    ]

if settings.PORTAL_FAULT_PROBES:
    from .test_hooks import probe_slow_query

    urlpatterns += [path("_probes/slow-query", probe_slow_query)]
