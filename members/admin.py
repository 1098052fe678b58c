from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kitakyushu_pf.admin import HTTPS_URLS
from kitakyushu_pf.exports import csv_response, xlsx_response

from . import selectors, services
from .forms import DeclineForm
from .models import (
    CouncilMeeting,
    FieldOfSupport,
    Invitation,
    MeetingRsvp,
    MembershipApplication,
    NewsAttachment,
    NewsPost,
    NewsQuestion,
    Organisation,
    Person,
    Poll,
    PollChoice,
    Ward,
    WindowProposal,
)


@admin.register(FieldOfSupport)
class FieldOfSupportAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    search_fields = ["name", "slug"]
    list_filter = ()


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    search_fields = ["name"]
    list_filter = ()


class FreshnessFilter(admin.SimpleListFilter):
    title = _("freshness")
    parameter_name = "freshness"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("stale", _("Not confirmed recently")), ("fresh", _("Confirmed recently"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        cutoff = timezone.now() - timedelta(days=settings.MEMBERS_FRESHNESS_DAYS)
        if self.value() == "stale":
            return queryset.filter(last_confirmed_at__lt=cutoff)
        if self.value() == "fresh":
            return queryset.filter(last_confirmed_at__gte=cutoff)
        return queryset


class PersonInline(admin.StackedInline):
    model = Person
    extra = 0
    fields = [
        ("name", "kana", "role"),
        "ask_me_about",
        "fields",
        ("email", "phone"),
        ("listed_by_name", "is_contact"),
        ("news_digest", "on_steering_committee"),
        ("user", "last_confirmed_at"),
    ]
    filter_horizontal = ["fields"]
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = [
        "name",
        "kind",
        "status",
        "joined_on",
        "people_count",
        "is_sample",
        "last_confirmed_at",
    ]
    list_filter = ["kind", "status", "fields", "wards", FreshnessFilter, "is_sample"]
    search_fields = ["name", "kana", "description", "people__name", "people__kana"]
    filter_horizontal = ["fields", "wards"]
    date_hierarchy = "joined_on"
    inlines = [PersonInline]
    actions = ["export_csv", "export_xlsx", "confirm_listing"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organisation]:
        return super().get_queryset(request).annotate(_people_count=Count("people"))

    @admin.display(description=_("people"), ordering="_people_count")
    def people_count(self, obj: Organisation) -> int:
        return obj._people_count  # type: ignore[attr-defined]

    def _export(self, queryset: QuerySet[Organisation]) -> tuple[list[str], list[Any]]:
        organisations = selectors.organisations_for_export(queryset)
        return selectors.member_list_header(), selectors.member_list_rows(organisations)

    @admin.action(description=_("Export the member list (CSV)"), permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> HttpResponse:
        header, rows = self._export(queryset)
        return csv_response(f"members-{timezone.localdate():%Y%m%d}.csv", header, rows)

    @admin.action(description=_("Export the member list (Excel)"), permissions=["view"])
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> HttpResponse:
        header, rows = self._export(queryset)
        return xlsx_response(
            f"members-{timezone.localdate():%Y%m%d}.xlsx", [(str(_("Members")), header, rows)]
        )

    @admin.action(description=_("Mark the listing as confirmed"), permissions=["change"])
    def confirm_listing(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        for organisation in queryset:
            services.organisation_confirm(organisation=organisation)
        self.message_user(request, _("%(n)d listings confirmed.") % {"n": queryset.count()})


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "organisation",
        "role",
        "listed_by_name",
        "is_contact",
        "on_steering_committee",
        "user",
    ]
    list_filter = [
        "listed_by_name",
        "is_contact",
        "on_steering_committee",
        "fields",
        "organisation__kind",
    ]
    search_fields = ["name", "kana", "role", "ask_me_about", "organisation__name"]
    autocomplete_fields = ["organisation", "user"]
    filter_horizontal = ["fields"]
    list_select_related = ["organisation", "user"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Person]:
        # Pickers (autocomplete) label each person with their organisation.
        return super().get_queryset(request).select_related("organisation")


class MeetingRsvpInline(admin.TabularInline):
    model = MeetingRsvp
    extra = 0
    fields = ["person", "answer", "answered_at", "checked_in_at"]
    autocomplete_fields = ["person"]


@admin.register(CouncilMeeting)
class CouncilMeetingAdmin(admin.ModelAdmin):
    inlines = [MeetingRsvpInline]
    list_display = ["held_on", "title", "kind", "organisation_count", "people_count", "is_sample"]
    list_filter = ["kind", "is_sample"]
    search_fields = ["title", "agenda", "minutes"]
    date_hierarchy = "held_on"
    filter_horizontal = ["organisations", "people"]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "people":
            # Each choice shows the person's organisation (two 「相談員」 told apart).
            kwargs["queryset"] = Person.objects.select_related("organisation")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet[CouncilMeeting]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                _organisation_count=Count("organisations", distinct=True),
                _people_count=Count("people", distinct=True),
            )
        )

    @admin.display(description=_("organisations attending"), ordering="_organisation_count")
    def organisation_count(self, obj: CouncilMeeting) -> int:
        return obj._organisation_count  # type: ignore[attr-defined]

    @admin.display(description=_("people attending"), ordering="_people_count")
    def people_count(self, obj: CouncilMeeting) -> int:
        return obj._people_count  # type: ignore[attr-defined]


@admin.register(MembershipApplication)
class MembershipApplicationAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = [
        "organisation_name",
        "kind",
        "contact_name",
        "status",
        "submitted_at",
        "reviewer",
        "organisation",
    ]
    list_filter = ["status", "kind", "fields", "is_sample"]
    search_fields = ["organisation_name", "organisation_kana", "contact_name", "contact_email"]
    readonly_fields = [
        "status",
        "reviewer",
        "reviewed_at",
        "decision_reason",
        "organisation",
        "submitted_at",
    ]
    filter_horizontal = ["fields", "wards"]
    list_select_related = ["reviewer", "organisation"]
    actions = ["start_review", "approve", "decline"]
    change_form_template = "admin/members/application_change_form.html"

    def get_urls(self) -> list[Any]:
        from django.urls import path

        return [
            path(
                "<int:pk>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="members_membershipapplication_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The approve / decline buttons of one application's own page."""
        from django.shortcuts import get_object_or_404, redirect

        application = get_object_or_404(MembershipApplication, pk=pk)
        if request.method != "POST" or not self.has_change_permission(request, application):
            raise PermissionDenied
        reason = request.POST.get("decision_reason", "").strip()
        try:
            if request.POST.get("decision") == "approve":
                services.application_approve(
                    application=application, reviewer=request.user, reason=reason
                )
                self.message_user(
                    request,
                    _("Approved: the organisation is a member and the contact got a log-in link."),
                    messages.SUCCESS,
                )
            else:
                services.application_decline(
                    application=application, reviewer=request.user, reason=reason
                )
                self.message_user(request, _("The application was declined."), messages.SUCCESS)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        return redirect("admin:members_membershipapplication_change", pk)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        application = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "decide_url": reverse("admin:members_membershipapplication_decide", args=[object_id])
            if application is not None and application.is_open
            else "",
            "reason_help": MembershipApplication._meta.get_field("decision_reason").help_text,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _run(
        self, request: HttpRequest, queryset: QuerySet[MembershipApplication], call: Any
    ) -> int:
        done = 0
        for application in queryset:
            try:
                call(application)
            except ValidationError as exc:
                self.message_user(
                    request, f"{application}: {' '.join(exc.messages)}", messages.ERROR
                )
            else:
                done += 1
        return done

    @admin.action(description=_("Start reviewing"), permissions=["change"])
    def start_review(self, request: HttpRequest, queryset: QuerySet[MembershipApplication]) -> None:
        done = self._run(
            request,
            queryset,
            lambda a: services.application_review_start(application=a, reviewer=request.user),
        )
        if done:
            self.message_user(request, _("%(n)d applications are under review.") % {"n": done})

    @admin.action(
        description=_("Approve: create the organisation and e-mail the applicant"),
        permissions=["change"],
    )
    def approve(self, request: HttpRequest, queryset: QuerySet[MembershipApplication]) -> None:
        done = self._run(
            request,
            queryset,
            lambda a: services.application_approve(application=a, reviewer=request.user),
        )
        if done:
            self.message_user(
                request,
                _("%(n)d applications approved; the organisations are now members.") % {"n": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("Decline (asks for the reasons)"), permissions=["change"])
    def decline(
        self, request: HttpRequest, queryset: QuerySet[MembershipApplication]
    ) -> HttpResponse | None:
        form = DeclineForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            done = self._run(
                request,
                queryset,
                lambda a: services.application_decline(
                    application=a, reviewer=request.user, reason=reason
                ),
            )
            if done:
                self.message_user(request, _("%(n)d applications declined.") % {"n": done})
            return None
        return TemplateResponse(
            request,
            "admin/members/application_decline.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Decline applications"),
                "applications": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "person",
        "created_at",
        "expires_at",
        "sent_count",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["accepted_at", "revoked_at"]
    search_fields = ["email", "person__name", "person__organisation__name"]
    readonly_fields = [
        "person", "email", "invited_by", "created_at", "expires_at", "sent_count",
        "accepted_at", "revoked_at",
    ]  # fmt: skip
    list_select_related = ["person__organisation"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(WindowProposal)
class WindowProposalAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organisation", "state", "proposed_at", "reviewer"]
    list_filter = ["state"]
    readonly_fields = [
        "organisation",
        "service",
        "data",
        "proposed_by",
        "proposed_at",
        "reviewer",
        "reviewed_at",
    ]
    list_select_related = ["organisation", "reviewer"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class NewsAttachmentInline(admin.TabularInline):
    model = NewsAttachment
    extra = 1


@admin.register(NewsPost)
class NewsPostAdmin(admin.ModelAdmin):
    list_display = ["title", "published_at", "digest_sent_at"]
    search_fields = ["title", "body"]
    inlines = [NewsAttachmentInline]
    exclude = ["author"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)


@admin.register(NewsQuestion)
class NewsQuestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "person", "post", "asked_at", "is_answered"]
    list_filter = ["is_answered"]
    readonly_fields = ["post", "person", "text", "asked_at", "is_answered"]
    list_select_related = ["person__organisation", "post"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from .news import question_answer

        if obj.answer.strip() and "answer" in form.changed_data:
            question_answer(question=obj, answer=obj.answer)
        else:
            super().save_model(request, obj, form, change)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class PollChoiceInline(admin.TabularInline):
    model = PollChoice
    extra = 3


@admin.register(Poll)
class PollAdmin(admin.ModelAdmin):
    list_display = ["question", "opens_at", "closes_at"]
    inlines = [PollChoiceInline]
