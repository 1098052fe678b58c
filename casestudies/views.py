from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from kitakyushu_pf.roles import MEMBER, SECRETARIAT, role_required


@role_required(MEMBER, SECRETARIAT)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "placeholder.html", {"title": _("Case studies")})
