from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "placeholder.html", {"title": _("Worries handbook")})
