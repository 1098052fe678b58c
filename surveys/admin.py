from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import AuditLog, Dataset, DatasetFile, Instrument, NationalFigure, ReportJob, Variable
from .services import report_request


class VariableInline(admin.TabularInline):
    model = Variable
    extra = 0
    fields = ("position", "name", "question", "type", "required", "codes")
    readonly_fields = fields
    can_delete = False


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "survey", "wave", "updated_at")
    search_fields = ("slug", "name")
    list_filter = ("survey",)
    readonly_fields = ("spec",)
    inlines = [VariableInline]


@admin.register(Variable)
class VariableAdmin(admin.ModelAdmin):
    list_display = ("instrument", "position", "name", "type", "required")
    search_fields = ("name", "question")
    list_filter = ("instrument", "type")


@admin.register(NationalFigure)
class NationalFigureAdmin(admin.ModelAdmin):
    list_display = ("survey", "wave", "indicator", "breakdown", "group", "answer", "pct",
                    "base_n", "status")  # fmt: skip
    search_fields = ("indicator", "group", "answer", "source")
    list_filter = ("survey", "wave", "indicator", "status")


class DatasetFileInline(admin.TabularInline):
    model = DatasetFile
    extra = 0
    fields = ("original_name", "status_label", "n_rows", "problem_count", "created_at", "job")
    readonly_fields = fields
    can_delete = False

    @admin.display(description=_("status"))
    def status_label(self, obj: DatasetFile) -> str:
        return obj.status_label


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ("title", "instrument", "status", "n_respondents", "retain_until", "created_at")
    search_fields = ("title",)
    list_filter = ("instrument", "status", "is_synthetic")
    readonly_fields = ("status", "n_respondents", "microdata_file", "purged_at", "created_by")
    inlines = [DatasetFileInline]
    actions = ["rebuild_reports"]

    @admin.action(description=_("Rebuild the internal report"))
    def rebuild_reports(self, request: HttpRequest, queryset) -> None:  # type: ignore[no-untyped-def]
        for dataset in queryset.filter(status=Dataset.Status.LOADED):
            report_request(dataset=dataset, mode=ReportJob.Mode.INTERNAL)
        messages.info(request, _("The rebuild was requested."))


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    """The build itself (status, attempts, errors) is the portal's background job (`job`)."""

    list_display = ("dataset", "mode", "job", "threshold")
    list_filter = ("job__status", "mode")
    search_fields = ("dataset__title",)
    list_select_related = ("dataset", "job")
    exclude = ("result",)
    readonly_fields = ("dataset", "mode", "threshold", "job")


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Append-only: nobody edits or deletes audit rows through the admin."""

    list_display = ("created_at", "username", "dataset_title", "action", "format", "mode",
                    "client_ip")  # fmt: skip
    list_filter = ("action", "format", "mode")
    search_fields = ("username", "dataset_title")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
