"""A URLconf with guarded views, used by the denial-logging and 503 tests."""

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.generic import TemplateView

from kitakyushu_pf.roles import ANALYST, RoleRequiredMixin, role_required


@role_required(ANALYST)
def analyst_only(request: HttpRequest) -> HttpResponse:
    return HttpResponse("secret figures")


class AnalystOnlyView(RoleRequiredMixin, TemplateView):
    required_roles = (ANALYST,)
    template_name = "home.html"


def raises_denied(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def returns_forbidden(request: HttpRequest) -> HttpResponse:
    return HttpResponseForbidden("no")


def database_gone(request: HttpRequest) -> HttpResponse:
    raise OperationalError("server closed the connection unexpectedly")


@cache_control(max_age=300, private=True)
def explicitly_cached(request: HttpRequest) -> HttpResponse:
    return HttpResponse("cached on purpose")


def counts_users(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth.models import User

    return HttpResponse(str(User.objects.count()))


def writes_session(request: HttpRequest) -> HttpResponse:
    request.session["touched"] = True
    return HttpResponse("ok")


urlpatterns = [
    path("guarded/", analyst_only),
    path("guarded-cbv/", AnalystOnlyView.as_view()),
    path("denied/", raises_denied),
    path("forbidden/", returns_forbidden),
    path("db-gone/", database_gone),
    path("session/", writes_session),
    path("cached/", explicitly_cached),
    path("count/", counts_users),
    path("", include("kitakyushu_pf.urls")),
]

handler403 = "kitakyushu_pf.views.permission_denied"
handler500 = "kitakyushu_pf.views.server_error"
