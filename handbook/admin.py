from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from kitakyushu_pf.admin import HTTPS_URLS
from kitakyushu_pf.exports import csv_response

from . import selectors, services
from .forms import ServiceImportForm
from .languages import LANGUAGES, NATIVE_NAMES, SOURCE, field_suffix
from .models import Category, Channel, OpeningHours, Service, UsageDaily, Worry, WrongEntryReport

CHECK_FIELDS = {f"checked_{field_suffix(code)}": code for code in LANGUAGES if code != SOURCE}


class TranslationChecksForm(forms.ModelForm):  # type: ignore[type-arg]
    """Per language, the date a person checked the translation (empty: not checked, so readers
    see the Japanese text)."""

    checked_easy = forms.DateField(required=False)
    checked_en = forms.DateField(required=False)
    checked_zh_hans = forms.DateField(required=False)
    checked_ko = forms.DateField(required=False)
    checked_vi = forms.DateField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The model's own fields (name, text …) are the Japanese source whatever the language of
        # the admin: read and written as Japanese (django-modeltranslation would otherwise bind
        # them to the admin user's language); the other languages have their own fields.
        with translation.override(SOURCE):
            super().__init__(*args, **kwargs)
        meta = (self.instance.translation_meta or {}) if self.instance else {}
        for name, code in CHECK_FIELDS.items():
            field = self.fields[name]
            field.label = _("Checked by a person on (%(language)s)") % {
                "language": NATIVE_NAMES[code]
            }
            field.widget = forms.DateInput(attrs={"type": "date"})
            field.initial = (meta.get(code) or {}).get("checked_on")

    def _post_clean(self) -> None:
        with translation.override(SOURCE):
            super()._post_clean()  # type: ignore[misc]

    def save(self, commit: bool = True) -> Any:
        meta = dict(self.instance.translation_meta or {})
        for name, code in CHECK_FIELDS.items():
            entry = dict(meta.get(code) or {})
            day = self.cleaned_data.get(name)
            if day:
                entry["checked_on"] = day.isoformat()
            else:
                entry.pop("checked_on", None)
            meta[code] = entry
        self.instance.translation_meta = meta
        return super().save(commit)


def translation_fieldset(fields: tuple[str, ...]) -> tuple[Any, dict[str, Any]]:
    columns = [f"{f}_{field_suffix(code)}" for code in LANGUAGES if code != SOURCE for f in fields]
    return (
        _("Translations and ruby"),
        {"fields": [*columns, *CHECK_FIELDS, "ruby_readings"], "classes": ["collapse"]},
    )


class ContentAdminMixin:
    """Saves go through the handbook services, which retire the cached pages."""

    formfield_overrides = HTTPS_URLS
    form: Any = TranslationChecksForm

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.content_object_save(obj=obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        services.content_changed()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.content_object_delete(obj=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        services.content_changed()


@admin.register(Category)
class CategoryAdmin(ContentAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    search_fields = ["name", "slug"]
    list_filter = ["order"]
    prepopulated_fields = {"slug": ["name"]}

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [*super().get_fields(request, obj), *CHECK_FIELDS]


@admin.register(Worry)
class WorryAdmin(ContentAdminMixin, admin.ModelAdmin):
    list_display = ["text", "category", "is_crisis", "is_active", "service_count", "preview_link"]
    list_filter = ["category", "is_crisis", "is_active"]
    search_fields = ["text", "keywords", "synonyms"]
    list_select_related = ["category"]
    # The loader (handbook_load_catalogue) finds a worry by its key: not editable here.
    readonly_fields = ["key"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [*super().get_fields(request, obj), *CHECK_FIELDS]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Worry]:
        from django.db.models import Count

        return super().get_queryset(request).annotate(n_services=Count("services"))

    @admin.display(description=_("number of services"), ordering="n_services")
    def service_count(self, obj: Worry) -> int:
        return obj.n_services  # type: ignore[attr-defined]

    @admin.display(description=_("preview"))
    def preview_link(self, obj: Worry) -> str:
        return format_html(
            '<a href="{}?w={}" target="_blank" rel="noopener">{}</a>',
            reverse("handbook:results"),
            obj.pk,
            _("Preview"),
        )


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 1


class PhoneStatusFilter(admin.SimpleListFilter):
    title = _("phone to check")
    parameter_name = "phone_check"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("unverified", _("Unverified or missing number"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Service]) -> QuerySet[Service]:
        if self.value() == "unverified":
            return queryset.filter(pk__in=selectors.services_without_phone().values("pk"))
        return queryset


@admin.register(Service)
class ServiceAdmin(ContentAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "name",
        "provider",
        "phone",
        "phone_status",
        "ward",
        "is_crisis_line",
        "is_sample",
        "is_active",
        "last_checked",
    ]
    list_filter = [
        PhoneStatusFilter,
        "phone_status",
        "is_crisis_line",
        "is_sample",
        "is_active",
        "ward",
    ]
    search_fields = ["name", "description", "phone", "target", "provider__name"]
    list_select_related = ["provider", "ward"]
    autocomplete_fields = ["worries"]
    inlines = [OpeningHoursInline]
    actions = ["mark_checked_today"]
    change_list_template = "admin/handbook/service/change_list.html"
    fieldsets = [
        (None, {"fields": ["name", "provider", "description", "what_to_expect", "worries"]}),
        translation_fieldset(
            ("name", "description", "target", "what_to_expect", "hours_note", "cost")
        ),
        (
            _("Contacts"),
            {
                "fields": [
                    "phone",
                    "phone_status",
                    "chat",
                    "email",
                    "web_url",
                    "in_person",
                    "address",
                    "ward",
                ]
            },
        ),
        (
            _("Hours"),
            {
                "fields": [
                    "is_24h",
                    "closed_on_holidays",
                    "closed_new_year",
                    "hours_note",
                    "holiday_notes",
                ]
            },
        ),
        (
            _("Eligibility"),
            {
                "fields": [
                    "target",
                    "age_min",
                    "age_max",
                    "gender",
                    "residents_only",
                    "cost",
                    "anonymous_ok",
                    "languages",
                ]
            },
        ),
        (_("Crisis"), {"fields": ["is_crisis_line", "crisis_order"]}),
        (
            _("Provenance"),
            {"fields": ["source_key", "source_url", "last_checked", "is_sample", "is_active"]},
        ),
    ]

    def get_urls(self) -> list[Any]:
        own = [
            path(
                "check/", self.admin_site.admin_view(self.check_view), name="handbook_service_check"
            ),
            path(
                "export-csv/",
                self.admin_site.admin_view(self.export_view),
                name="handbook_service_export",
            ),
            path(
                "import-csv/",
                self.admin_site.admin_view(self.import_view),
                name="handbook_service_import",
            ),
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="handbook_service_preview",
            ),
        ]
        return own + super().get_urls()

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "preview_url": reverse("admin:handbook_service_preview", args=[object_id]),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Mark as checked today"))
    def mark_checked_today(self, request: HttpRequest, queryset: QuerySet[Service]) -> None:
        n = queryset.update(last_checked=timezone.localdate())
        services.content_changed()
        self.message_user(request, _("%(n)d services marked as checked today.") % {"n": n})

    def check_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            return redirect("admin:index")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Handbook content check"),
            "no_phone": selectors.services_without_phone(),
            "no_hours": selectors.services_without_hours(),
            "dead_ends": selectors.worries_without_service(),
            "internal_notes": selectors.services_with_internal_notes(),
            "multilingual_hidden": selectors.multilingual_hidden(),
            "reports": WrongEntryReport.objects.filter(is_resolved=False).select_related("service"),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/handbook/service/check.html", context)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            return redirect("admin:index")
        qs = (
            Service.objects.select_related("provider", "ward")
            .prefetch_related("hours", "worries")
            .order_by("pk")
        )
        return csv_response(
            f"handbook-services-{timezone.localdate():%Y%m%d}.csv",
            services.CSV_HEADER,
            services.service_csv_rows(qs),
        )

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request) or not self.has_add_permission(request):
            return redirect("admin:index")
        form = ServiceImportForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            result = services.services_import_csv(data=form.cleaned_data["file"].read())
            if result.ok:
                self.message_user(
                    request,
                    _("Imported: %(created)d new, %(updated)d updated.")
                    % {"created": result.created, "updated": result.updated},
                    messages.SUCCESS,
                )
                return redirect("admin:handbook_service_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import services from CSV"),
            "form": form,
            "result": result,
            "header": ",".join(services.CSV_HEADER),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/handbook/service/import.html", context)

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The service card exactly as residents see it, built from the saved data."""
        if not self.has_view_permission(request):
            return redirect("admin:index")
        get_object_or_404(Service, pk=pk)
        snap = selectors.snapshot_build(None)
        if pk not in snap.services:
            self.message_user(
                request, _("This service is hidden: residents do not see it."), messages.WARNING
            )
            return redirect("admin:handbook_service_change", pk)
        ranking = selectors.services_rank(
            snapshot=snap, worry_ids=list(snap.services[pk].worry_ids)
        )
        row = next(
            (r for r in [*ranking.crisis_lines, *ranking.services] if r.service.id == pk),
            selectors.RankedService(snap.services[pk], 0, None, 0, 0),
        )
        context = {
            "r": row,
            "general_line": (selectors.GENERAL_LINE_NAME, selectors.GENERAL_LINE_PHONE),
            "quick_exit_url": settings.HANDBOOK_QUICK_EXIT_URL,
            "service_pk": pk,
        }
        return TemplateResponse(request, "handbook/service_preview.html", context)


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "qr_preview", "downloads"]
    search_fields = ["code", "name"]
    list_filter = ["code"]

    def get_urls(self) -> list[Any]:
        own = [
            path(
                "<int:pk>/qr.<str:kind>",
                self.admin_site.admin_view(self.qr_view),
                name="handbook_channel_qr",
            ),
        ]
        return own + super().get_urls()

    @admin.display(description=_("QR code"))
    def qr_preview(self, obj: Channel) -> str:
        return format_html(
            '<img src="{}" alt="QR {}" width="96" height="96">',
            reverse("admin:handbook_channel_qr", args=[obj.pk, "svg"]),
            obj.code,
        )

    @admin.display(description=_("download"))
    def downloads(self, obj: Channel) -> str:
        return format_html(
            '<a href="{}?download=1">SVG</a> · <a href="{}?download=1">PNG</a>',
            reverse("admin:handbook_channel_qr", args=[obj.pk, "svg"]),
            reverse("admin:handbook_channel_qr", args=[obj.pk, "png"]),
        )

    def qr_view(self, request: HttpRequest, pk: int, kind: str) -> HttpResponse:
        if kind not in {"svg", "png"} or not self.has_view_permission(request):
            return HttpResponse(status=404)
        channel = get_object_or_404(Channel, pk=pk)
        content = services.channel_qr(channel=channel, base_url=settings.PORTAL_BASE_URL, kind=kind)
        response = HttpResponse(
            content, content_type="image/svg+xml" if kind == "svg" else "image/png"
        )
        if request.GET.get("download"):
            response["Content-Disposition"] = (
                f'attachment; filename="handbook-qr-{channel.code}.{kind}"'
            )
        return response


@admin.register(WrongEntryReport)
class WrongEntryReportAdmin(admin.ModelAdmin):
    list_display = ["service", "reason", "received_on", "is_resolved"]
    list_filter = ["is_resolved", "reason", "received_on"]
    search_fields = ["service__name", "message"]
    list_select_related = ["service"]
    list_editable = ["is_resolved"]


@admin.register(UsageDaily)
class UsageDailyAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "key", "count"]
    list_filter = ["kind", "date"]
    search_fields = ["key"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
