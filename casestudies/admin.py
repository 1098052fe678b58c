from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from .forms import CaseStudyForm, PathwayStepForm
from .models import CaseStudy, CaseStudyRead, PathwayStep
from .services import confirmations_add, confirmations_collect


class PathwayStepInline(admin.TabularInline):
    model = PathwayStep
    form = PathwayStepForm
    extra = 1


@admin.register(CaseStudy)
class CaseStudyAdmin(admin.ModelAdmin):
    form = CaseStudyForm
    list_display = ("title", "session", "presenting_organisation", "is_published", "created_at")
    list_filter = ("is_published", "fields", "is_sample")
    search_fields = ("title", "summary", "lessons")
    filter_horizontal = ("fields",)
    readonly_fields = ("identifier_confirmations",)
    inlines = [PathwayStepInline]
    # admin/casestudies/casestudy/change_form.html shows the flagged words with a checkbox each,
    # as the site's form does: the identifier check refuses them until rewritten or confirmed.

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> HttpResponse:
        panels = list(getattr(context["adminform"].form, "identifier_panels", []))
        for inline in context.get("inline_admin_formsets", []):
            for step_form in inline.formset.forms:
                panels.extend(getattr(step_form, "identifier_panels", []))
        context["identifier_panels"] = panels
        return super().render_change_form(request, context, *args, **kwargs)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        confirmed = confirmations_collect(form=form, formsets=formsets)
        if confirmations_add(case_study=form.instance, confirmed=confirmed, user=request.user):
            form.instance.save(update_fields=["identifier_confirmations"])


@admin.register(CaseStudyRead)
class CaseStudyReadAdmin(admin.ModelAdmin):
    """The read log is written by the portal only: nobody edits or adds entries by hand."""

    list_display = ("opened_at", "reader_label", "case_study")
    list_filter = ("case_study",)
    search_fields = ("reader_label", "case_study__title")
    date_hierarchy = "opened_at"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
