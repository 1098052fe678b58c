from django.contrib import admin

from .forms import CaseStudyForm, PathwayStepForm
from .models import CaseStudy, PathwayStep


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
    inlines = [PathwayStepInline]
