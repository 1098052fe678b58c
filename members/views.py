from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitakyushu_pf.ratelimits import ratelimit
from kitakyushu_pf.roles import MEMBER, SECRETARIAT, role_required, user_has_role

from . import selectors, services
from .forms import ApplicationForm, DirectorySearchForm, OrganisationForm, PersonForm
from .models import FieldOfSupport, Organisation, Person

members_only = role_required(MEMBER, SECRETARIAT)
DIRECTORY_PAGE_SIZE = 30


def _organisation_for_editing(request: HttpRequest, pk: int) -> Organisation:
    """The organisation, when the user may edit it; 403 otherwise (logged by the middleware)."""
    organisation = get_object_or_404(Organisation, pk=pk)
    if not selectors.organisation_editable_by(user=request.user, organisation=organisation):
        raise PermissionDenied
    return organisation


def _person_of(organisation: Organisation, person_pk: int) -> Person:
    return get_object_or_404(Person, pk=person_pk, organisation=organisation)


# --- Public ------------------------------------------------------------------------------------


def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = list(selectors.organisations_public())
    is_member = user_has_role(request.user, MEMBER, SECRETARIAT)
    context = {
        "npos": [o for o in organisations if o.kind != Organisation.Kind.CITY],
        "city": [o for o in organisations if o.kind == Organisation.Kind.CITY],
        "is_member": is_member,
    }
    if is_member:
        context["field_list"] = FieldOfSupport.objects.all()
        context["my_organisation"] = selectors.organisation_of_user(user=request.user)
    return render(request, "members/organisation_list.html", context)


@ratelimit(
    "members.application",
    address_field="contact_email",
    when=lambda request: request.POST.get("action") == "submit",
)
def application_create(request: HttpRequest) -> HttpResponse:
    """Form → confirmation page → submitted. A validation error keeps everything typed."""
    if request.method != "POST":
        return render(request, "members/application_form.html", {"form": ApplicationForm()})
    form = ApplicationForm(request.POST)
    action = request.POST.get("action", "confirm")
    if action == "back" or not form.is_valid():
        return render(request, "members/application_form.html", {"form": form})
    if action != "submit":
        return render(request, "members/application_confirm.html", {"form": form})
    data = form.cleaned_data
    try:
        services.application_submit(data=data, fields=data["fields"], wards=data["wards"])
    except ValidationError as exc:
        form.add_error(None, exc)
        return render(request, "members/application_form.html", {"form": form})
    return redirect("members:application-done")


def application_done(request: HttpRequest) -> HttpResponse:
    return render(request, "members/application_done.html")


def freshness_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        organisation = services.freshness_token_read(token=token)
    except signing.BadSignature:
        return render(request, "members/freshness_invalid.html", status=400)
    if request.method == "POST":
        services.organisation_confirm(organisation=organisation)
        messages.success(request, _("Thank you: your listing is confirmed."))
        return redirect("members:freshness-confirm", token=token)
    organisation = selectors.organisation_for_members(pk=organisation.pk)
    return render(request, "members/freshness_confirm.html", {"organisation": organisation})


# --- Members only ------------------------------------------------------------------------------


@members_only
def directory(request: HttpRequest) -> HttpResponse:
    field_list = list(selectors.fields_with_people_counts())
    form = DirectorySearchForm(
        request.GET or None, field_choices=[(f.slug, f.name) for f in field_list]
    )
    field = q = ""
    if form.is_valid():
        field, q = form.cleaned_data["field"], form.cleaned_data["q"]
    searched = bool(field or q)
    page = None
    if searched:
        people = selectors.people_directory(field=field, q=q)
        page = Paginator(people, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "members/person_directory.html",
        {
            "form": form,
            "field_list": field_list,
            "current_field": field,
            "q": q,
            "searched": searched,
            "page_obj": page,
        },
    )


@members_only
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        organisation = selectors.organisation_for_members(pk=pk)
    except Organisation.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "members/organisation_detail.html",
        {
            "organisation": organisation,
            "can_edit": selectors.organisation_editable_by(
                user=request.user, organisation=organisation
            ),
            "is_new": selectors.organisation_is_new(organisation),
            "invitable": [p for p in organisation.people.all() if p.user_id is None and p.email],
        },
    )


@members_only
def onboarding(request: HttpRequest) -> HttpResponse:
    organisations = list(selectors.organisations_with_people())
    cutoff = selectors.new_member_cutoff()
    for org in organisations:
        org.is_new = org.joined_on is not None and org.joined_on >= cutoff  # type: ignore[attr-defined]
    return render(
        request,
        "members/organisation_onboarding.html",
        {
            "recent_organisations": list(selectors.organisations_joined_recently()),
            "recent_people": list(selectors.people_joined_recently()),
            "organisations": organisations,
            "new_count": len([o for o in organisations if o.is_new]),  # type: ignore[attr-defined]
            "cutoff": cutoff,
        },
    )


@members_only
def meeting_list(request: HttpRequest) -> HttpResponse:
    from .models import CouncilMeeting

    meetings = selectors.meetings_for_members()
    if not user_has_role(request.user, SECRETARIAT):
        person = Person.objects.filter(user_id=request.user.pk or 0).first()
        if person is None or not person.on_steering_committee:
            # The 幹事会 has its own member list.
            meetings = meetings.exclude(kind=CouncilMeeting.Kind.STEERING)
    return render(request, "members/meeting_list.html", {"meetings": meetings})


@members_only
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation_for_editing(request, pk)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.organisation_update(
                organisation=organisation, data=data, fields=data["fields"], wards=data["wards"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your organisation's listing was saved."))
            return redirect(organisation.get_absolute_url())
    return render(
        request,
        "members/organisation_edit.html",
        {"form": form, "organisation": organisation},
    )


@members_only
def person_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation_for_editing(request, pk)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.person_create(organisation=organisation, data=data, fields=data["fields"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The person was added."))
            return redirect(organisation.get_absolute_url())
    return render(
        request,
        "members/person_form.html",
        {"form": form, "organisation": organisation, "person": None},
    )


@members_only
def person_edit(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    organisation = _organisation_for_editing(request, pk)
    person = _person_of(organisation, person_pk)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.person_update(person=person, data=data, fields=data["fields"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The person was saved."))
            return redirect(organisation.get_absolute_url())
    return render(
        request,
        "members/person_form.html",
        {"form": form, "organisation": organisation, "person": person},
    )


@require_POST
@members_only
def person_delete(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    organisation = _organisation_for_editing(request, pk)
    person = _person_of(organisation, person_pk)
    try:
        services.person_delete(person=person, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The person was removed from the listing."))
    return redirect(organisation.get_absolute_url())


# --- Secretariat -------------------------------------------------------------------------------


@role_required(SECRETARIAT)
def stale_list(request: HttpRequest) -> HttpResponse:
    organisations = list(selectors.organisations_stale())
    return render(
        request,
        "members/organisation_stale.html",
        {
            "organisations": organisations,
            "days": selectors._freshness_days(),
            "admin_url": reverse("admin:members_organisation_changelist") + "?freshness=stale",
        },
    )
