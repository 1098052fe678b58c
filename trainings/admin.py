from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import Textarea
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from kitakyushu_pf.admin import HTTPS_URLS

from .links import link_revoke
from .models import (
    AccessLink,
    Programme,
    Question,
    QuestionnaireAnswer,
    QuestionnaireAnswerItem,
    Registration,
    Session,
)
from .services import (
    questionnaire_questions_ensure,
    registration_cancel,
    registration_check_in,
    session_capacity_set,
)


class SessionInline(admin.TabularInline):
    formfield_overrides = HTTPS_URLS
    model = Session
    extra = 0
    fields = ("number", "date", "start", "end", "theme", "format", "capacity", "confirmed_count")
    readonly_fields = ("confirmed_count",)
    show_change_link = True

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Capacity changes of existing sessions go through the session page (promotes people).
        return ("confirmed_count", "capacity") if obj else ("confirmed_count",)


class QuestionInline(admin.TabularInline):
    """The programme's questionnaire: edit, add or reorder questions (today's five to start)."""

    model = Question
    extra = 0
    fields = ("order", "kind", "label", "heading", "choices", "required")
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 3, "cols": 24})}}


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "application_opens_on",
        "application_closes_on",
        "confirmation_hold_hours",
        "is_published",
    )
    list_filter = ("is_published", "is_sample")
    search_fields = ("title", "description", "venue")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [SessionInline, QuestionInline]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        # The default five appear in the question list, ready to be edited.
        programme = Programme.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        if request.method == "GET" and programme is not None:
            questionnaire_questions_ensure(programme=programme)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        questionnaire_questions_ensure(programme=form.instance)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ("theme", "programme", "date", "start", "format", "capacity", "confirmed_count")
    list_filter = ("programme", "format", "date")
    search_fields = ("theme", "lecturers")
    readonly_fields = ("confirmed_count",)

    def save_model(self, request: HttpRequest, obj: Session, form: Any, change: bool) -> None:
        if not change or "capacity" not in form.changed_data:
            super().save_model(request, obj, form, change)
            return
        new_capacity = obj.capacity
        obj.capacity = form.initial["capacity"]
        obj.confirmed_count = Session.objects.values_list("confirmed_count", flat=True).get(
            pk=obj.pk
        )
        fields = [f for f in form.changed_data if f != "capacity"]
        if fields:
            obj.save(update_fields=fields)
        try:
            promoted = session_capacity_set(session_id=obj.pk, capacity=new_capacity)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return
        obj.capacity = new_capacity
        if promoted:
            self.message_user(
                request,
                _("%(n)s people were moved up from the waiting list and e-mailed.")
                % {"n": len(promoted)},
                messages.SUCCESS,
            )


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ("name", "kana", "email", "session", "state", "position", "source", "created_at")
    list_filter = ("state", "source", "session__programme", "session")
    search_fields = ("name", "kana", "email", "organisation_name", "external_id")
    list_select_related = ("session",)
    readonly_fields = (
        "state",
        "position",
        "created_at",
        "promoted_at",
        "cancelled_at",
        "attended_at",
        "hold_expires_at",
        "confirmed_by_email_at",
    )
    actions = ["cancel_places", "check_in"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # New places go through the register form, the import or the check-in page (capacity).
        return False

    @admin.action(description=_("Cancel the selected places (promotes the waiting list)"))
    def cancel_places(self, request: HttpRequest, queryset: Any) -> None:
        done = 0
        for pk in queryset.values_list("pk", flat=True):
            try:
                registration_cancel(registration_id=pk, by_secretariat=True)
                done += 1
            except ValidationError:
                continue
        self.message_user(request, _("%(n)s places cancelled.") % {"n": done})

    @admin.action(description=_("Mark the selected people as attended"))
    def check_in(self, request: HttpRequest, queryset: Any) -> None:
        done = 0
        for pk in queryset.values_list("pk", flat=True):
            try:
                registration_check_in(registration_id=pk)
                done += 1
            except ValidationError:
                continue
        self.message_user(request, _("%(n)s people checked in.") % {"n": done})


class QuestionnaireAnswerItemInline(admin.TabularInline):
    model = QuestionnaireAnswerItem
    extra = 0
    fields = ("question", "number", "text")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(QuestionnaireAnswer)
class QuestionnaireAnswerAdmin(admin.ModelAdmin):
    """Answers come from the questionnaire link only: shown, never written here."""

    list_display = ("registration", "answered_at")
    list_filter = ("registration__session__programme", "registration__session")
    search_fields = ("items__text",)
    raw_id_fields = ("registration",)
    readonly_fields = ("registration", "answered_at")
    inlines = [QuestionnaireAnswerItemInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("label", "programme", "order", "kind", "required")
    list_filter = ("kind", "programme")
    search_fields = ("label", "heading", "choices")


@admin.register(QuestionnaireAnswerItem)
class QuestionnaireAnswerItemAdmin(admin.ModelAdmin):
    list_display = ("question", "number", "text", "answer")
    list_filter = ("question__programme", "question__kind")
    search_fields = ("text", "question__label")
    readonly_fields = ("answer", "question", "number", "text")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(AccessLink)
class AccessLinkAdmin(admin.ModelAdmin):
    """Personal links: who and until when, never the token (only its hash is stored)."""

    list_display = ("purpose", "programme", "email", "expires_at", "revoked_at")
    list_filter = ("purpose", "programme")
    search_fields = ("email",)
    readonly_fields = ("purpose", "programme", "email", "registration", "expires_at", "created_at")
    fields = (*readonly_fields, "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Revoke the selected links"))
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        count = 0
        for link in queryset.filter(revoked_at__isnull=True):
            link_revoke(link)
            count += 1
        self.message_user(request, _("%(n)s links revoked.") % {"n": count})
