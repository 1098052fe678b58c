from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from kitakyushu_pf.roles import ANALYST, SECRETARIAT, role_required


@role_required(ANALYST, SECRETARIAT)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "placeholder.html", {"title": _("Surveys")})
