from django.contrib import admin

from .forms import CaseStudyForm, PathwayStepForm
from .models import CaseStudy, CaseStudyRead, PathwayStep


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
