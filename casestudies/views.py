from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kitakyushu_pf.roles import MEMBER, SECRETARIAT, role_required, user_has_role

from . import selectors
from .forms import CaseStudyForm, LibraryFilterForm, PathwayFormSet
from .models import CaseStudy, CaseStudyRead
from .services import casestudy_read_record, casestudy_save


@role_required(MEMBER, SECRETARIAT)
def casestudy_list(request: HttpRequest) -> HttpResponse:
    filters = LibraryFilterForm(request.GET or None)
    field = q = None
    if filters.is_valid():
        field = filters.cleaned_data["field"]
        q = filters.cleaned_data["q"]
    page = Paginator(selectors.casestudies_library(field=field, q=q or ""), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "casestudies/casestudy_list.html",
        {
            "filters": filters,
            "page_obj": page,
            "can_edit": user_has_role(request.user, SECRETARIAT),
        },
    )


@role_required(MEMBER, SECRETARIAT)
def casestudy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        case_study = selectors.casestudy_detail(pk)
    except CaseStudy.DoesNotExist as exc:
        raise Http404 from exc
    can_edit = user_has_role(request.user, SECRETARIAT)
    if not case_study.is_published and not can_edit:
        raise Http404
    casestudy_read_record(case_study=case_study, user=request.user)
    return render(
        request,
        "casestudies/casestudy_detail.html",
        {"case_study": case_study, "can_edit": can_edit},
    )


@role_required(SECRETARIAT)
@require_http_methods(["GET", "POST"])
def casestudy_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = None
    if pk is not None:
        instance = CaseStudy.objects.filter(pk=pk).first()
        if instance is None:
            raise Http404
    form = CaseStudyForm(request.POST or None, instance=instance)
    formset = PathwayFormSet(request.POST or None, instance=instance or CaseStudy())
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            case_study = casestudy_save(form=form, formset=formset, user=request.user)
            messages.success(request, _("The case study was saved."))
            return redirect(case_study)
        messages.error(request, _("Please correct the highlighted fields."))
    panels = list(getattr(form, "identifier_panels", []))
    for step_form in formset.forms:
        panels.extend(getattr(step_form, "identifier_panels", []))
    return render(
        request,
        "casestudies/casestudy_form.html",
        {"form": form, "formset": formset, "case_study": instance, "identifier_panels": panels},
    )


@role_required(SECRETARIAT)
def casestudy_reads(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The read log: who opened which case study, when (one case, or the whole library)."""
    case_study = None
    reads = CaseStudyRead.objects.select_related("case_study")
    if pk is not None:
        case_study = CaseStudy.objects.filter(pk=pk).first()
        if case_study is None:
            raise Http404
        reads = reads.filter(case_study=case_study)
    page = Paginator(reads.order_by("-opened_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "casestudies/casestudy_reads.html",
        {"case_study": case_study, "page_obj": page},
    )
