"""The council's everyday pages: log-ins, windows, news and polls, meetings, members' events and
the secretariat's 「今日の確認」."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from handbook.models import Service, WrongEntryReport
from kitakyushu_pf.roles import MEMBER, SECRETARIAT, role_required, user_has_role
from trainings.models import Programme, Registration, Session
from trainings.services import RegistrationBusy

from . import events, invitations, meetings, news, selectors, windows
from .forms import (
    EventForm,
    InvitationAcceptForm,
    InviteColleagueForm,
    MySettingsForm,
    PhoneVerifyForm,
    QuestionForm,
    WindowDecisionForm,
    WindowForm,
)
from .models import (
    CouncilMeeting,
    Invitation,
    MembershipApplication,
    NewsAttachment,
    NewsQuestion,
    Organisation,
    Person,
    WindowProposal,
)

members_only = role_required(MEMBER, SECRETARIAT)
secretariat_only = role_required(SECRETARIAT)


def _my_person(request: HttpRequest) -> Person | None:
    if not request.user.is_authenticated:
        return None
    return Person.objects.filter(user=request.user).select_related("organisation").first()


def _organisation_for_editing(request: HttpRequest, pk: int) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=pk, status=Organisation.Status.MEMBER)
    if not selectors.organisation_editable_by(user=request.user, organisation=organisation):
        raise PermissionDenied
    return organisation


def _errors(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


# --- After log-in ------------------------------------------------------------------------------


def after_login(request: HttpRequest) -> HttpResponse:
    """The secretariat lands on 「今日の確認」, a member on their own organisation."""
    if user_has_role(request.user, SECRETARIAT):
        return redirect("members:today")
    person = _my_person(request)
    if person is not None and user_has_role(request.user, MEMBER):
        return redirect(person.organisation.get_absolute_url())
    return redirect("home")


# --- Invitations -------------------------------------------------------------------------------


@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitations.invitation_find(token=token)
    if invitation is None:
        return render(request, "members/invitation_invalid.html", status=404)
    form = InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.invitation_accept(
                token=token, password=form.cleaned_data["password1"]
            )
        except ValidationError as exc:
            form.add_error("password1", exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your password is set. Welcome!"))
            return redirect(invitation.person.organisation.get_absolute_url())
    response = render(
        request, "members/invitation_accept.html", {"form": form, "invitation": invitation}
    )
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_POST
@members_only
def invite_colleague(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation_for_editing(request, pk)
    form = InviteColleagueForm(request.POST, organisation=organisation)
    if form.is_valid():
        try:
            invitations.invitation_create(
                person=form.cleaned_data["person"], invited_by=request.user
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("The invitation was sent."))
    else:
        messages.error(request, _("Please choose a colleague with an e-mail address."))
    return redirect(organisation.get_absolute_url())


@secretariat_only
def invitation_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        invitation = get_object_or_404(Invitation, pk=request.POST.get("invitation"))
        try:
            if request.POST.get("action") == "revoke":
                invitations.invitation_revoke(invitation=invitation)
                messages.success(request, _("The invitation was revoked."))
            else:
                invitations.invitation_resend(invitation=invitation)
                messages.success(request, _("The invitation was sent again."))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        return redirect("members:invitation-list")
    recent = Invitation.objects.select_related("person__organisation").order_by("-created_at")[:50]
    return render(
        request,
        "members/invitation_list.html",
        {"pending": invitations.invitations_pending(), "recent": recent},
    )


# --- Windows -----------------------------------------------------------------------------------


@members_only
def window_list(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation_for_editing(request, pk)
    proposals = organisation.window_proposals.select_related("service").order_by("-proposed_at")[
        :30
    ]
    return render(
        request,
        "members/window_list.html",
        {
            "organisation": organisation,
            "windows": windows.windows_of(organisation),
            "proposals": proposals,
        },
    )


def _window_form_initial(service: Service) -> dict[str, Any]:
    initial = {k: getattr(service, k) for k in windows.WINDOW_FIELDS if k != "ward"}
    initial["ward"] = service.ward_id
    pending = service.proposals.filter(state=WindowProposal.State.PENDING).first()
    if pending is not None:
        initial.update(pending.data)
    return initial


@members_only
def window_edit(request: HttpRequest, pk: int, service_pk: int | None = None) -> HttpResponse:
    organisation = _organisation_for_editing(request, pk)
    service = (
        get_object_or_404(Service, pk=service_pk, provider=organisation) if service_pk else None
    )
    initial = _window_form_initial(service) if service else {"languages": "日本語"}
    form = WindowForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = windows.window_propose(
                organisation=organisation, service=service, data=form.cleaned_data, by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if proposal is None:
                messages.info(request, _("Nothing changed."))
            else:
                messages.success(
                    request,
                    _("Saved. The change is published once the secretariat has checked it."),
                )
            return redirect("members:window-list", pk=organisation.pk)
    return render(
        request,
        "members/window_form.html",
        {"form": form, "organisation": organisation, "service": service},
    )


def window_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        service = windows.window_token_read(token=token)
    except signing.BadSignature:
        return render(request, "members/freshness_invalid.html", status=400)
    if request.method == "POST":
        windows.window_confirm(service=service)
        messages.success(request, _("Thank you: the window's information is confirmed."))
        return redirect("members:window-confirm", token=token)
    return render(request, "members/window_confirm.html", {"service": service})


@secretariat_only
def window_review(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        proposal = get_object_or_404(WindowProposal, pk=request.POST.get("proposal"))
        form = WindowDecisionForm(request.POST)
        form.is_valid()
        reason = form.cleaned_data.get("reason", "")
        try:
            if request.POST.get("action") == "decline":
                windows.window_decline(proposal=proposal, reviewer=request.user, reason=reason)
                messages.success(request, _("The change was declined."))
            else:
                windows.window_approve(proposal=proposal, reviewer=request.user, reason=reason)
                messages.success(request, _("The change is published."))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        return redirect("members:window-review")
    items = [(p, windows.window_diff(p)) for p in windows.proposals_pending()]
    return render(
        request,
        "members/window_review.html",
        {"items": items, "form": WindowDecisionForm()},
    )


@secretariat_only
def window_checks(request: HttpRequest) -> HttpResponse:
    """Unverified numbers (check against a source) and stale windows."""
    if request.method == "POST":
        service = get_object_or_404(Service, pk=request.POST.get("service"))
        form = PhoneVerifyForm(request.POST)
        if form.is_valid():
            try:
                windows.phone_verify(
                    service=service, source_url=form.cleaned_data["source_url"], by=request.user
                )
            except ValidationError as exc:
                messages.error(request, _errors(exc))
            else:
                messages.success(request, _("The number is marked as verified."))
        else:
            messages.error(request, _("Please say where you checked the number."))
        return redirect("members:window-checks")
    return render(
        request,
        "members/window_checks.html",
        {
            "unverified": windows.services_unverified(),
            "stale": windows.windows_stale(),
            "days": windows._window_days(),
            "form": PhoneVerifyForm(),
        },
    )


# --- News and polls ----------------------------------------------------------------------------


@members_only
def news_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "members/news_list.html",
        {"posts": news.news_published()[:30], "polls": news.polls_for_members()[:10]},
    )


@members_only
def news_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(news.news_published(), pk=pk)
    person = _my_person(request)
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        if person is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                news.question_ask(post=post, person=person, text=form.cleaned_data["text"])
            except ValidationError as exc:
                form.add_error("text", exc)
            else:
                messages.success(request, _("Your question was sent to the secretariat."))
                return redirect(post.get_absolute_url())
    mine = post.questions.filter(person=person) if person else []
    return render(
        request,
        "members/news_detail.html",
        {"post": post, "form": form, "person": person, "my_questions": mine},
    )


@members_only
def news_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(
        NewsAttachment.objects.filter(post__in=news.news_published()), pk=pk
    )
    name = (attachment.file.name or "").rsplit("/", 1)[-1]
    response: Any = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=name)
    return response


@members_only
def poll_detail(request: HttpRequest, pk: int) -> HttpResponse:
    poll = get_object_or_404(news.polls_for_members(), pk=pk)
    person = _my_person(request)
    if request.method == "POST":
        if person is None:
            raise PermissionDenied
        try:
            news.poll_vote(
                poll=poll,
                person=person,
                choice_id=int(request.POST.get("choice") or 0),
                comment=request.POST.get("comment", ""),
            )
        except (ValidationError, ValueError) as exc:
            messages.error(request, _errors(exc) if isinstance(exc, ValidationError) else "")
        else:
            messages.success(request, _("Thank you for your answer."))
        return redirect(poll.get_absolute_url())
    voted = person is not None and poll.votes.filter(person=person).exists()
    return render(
        request,
        "members/poll_detail.html",
        {
            "poll": poll,
            "voted": voted,
            "can_vote": person is not None and poll.is_open and not voted,
            "results": news.poll_results(poll),
            "comments": news.poll_comments(poll),
            "total": poll.votes.count(),
        },
    )


@members_only
def my_settings(request: HttpRequest) -> HttpResponse:
    person = _my_person(request)
    if person is None:
        raise Http404
    form = MySettingsForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("members:my-settings")
    return render(request, "members/my_settings.html", {"form": form, "person": person})


# --- Meetings ----------------------------------------------------------------------------------


@members_only
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        meeting = selectors.meeting_for_members(pk=pk)
    except CouncilMeeting.DoesNotExist as exc:
        raise Http404 from exc
    is_secretariat = user_has_role(request.user, SECRETARIAT)
    person = _my_person(request)
    steering = meeting.kind == CouncilMeeting.Kind.STEERING
    if steering and not is_secretariat and not meetings.can_answer(meeting=meeting, person=person):
        raise PermissionDenied
    my_rsvp = meeting.rsvps.filter(person=person).first() if person else None
    return render(
        request,
        "members/meeting_detail.html",
        {
            "meeting": meeting,
            "is_secretariat": is_secretariat,
            "can_answer": meetings.can_answer(meeting=meeting, person=person)
            and meeting.held_on >= timezone.localdate(),
            "my_rsvp": my_rsvp,
            "answers": meeting.rsvps.select_related("person__organisation")
            if is_secretariat
            else [],
            "show_minutes": meeting.minutes_published or is_secretariat,
            "invitees": meetings.invitees(meeting) if is_secretariat else [],
        },
    )


@require_POST
@members_only
def meeting_rsvp(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(CouncilMeeting, pk=pk)
    person = _my_person(request)
    if person is None:
        raise PermissionDenied
    try:
        meetings.rsvp_answer(meeting=meeting, person=person, answer=request.POST.get("answer", ""))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Your answer was saved."))
    return redirect(meeting.get_absolute_url())


@require_POST
@secretariat_only
def meeting_manage(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(CouncilMeeting, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "notice":
            n = meetings.meeting_notice_send(meeting=meeting)
            messages.success(request, _("The notice was e-mailed to %(n)d people.") % {"n": n})
        elif action == "checkin":
            person = get_object_or_404(Person, pk=request.POST.get("person"))
            meetings.meeting_check_in(meeting=meeting, person=person)
            messages.success(request, _("%(name)s is checked in.") % {"name": person.name})
        elif action == "attendance":
            n = meetings.attendance_from_rsvp(meeting=meeting)
            messages.success(request, _("Attendance recorded for %(n)d people.") % {"n": n})
        elif action == "minutes":
            meetings.minutes_publish(meeting=meeting)
            messages.success(request, _("The minutes are published to the members."))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect(meeting.get_absolute_url())


# --- Members' events ---------------------------------------------------------------------------


@members_only
def event_list(request: HttpRequest) -> HttpResponse:
    person = _my_person(request)
    return render(
        request,
        "members/event_list.html",
        {
            "events": events.events_for_members(),
            "my_organisation": person.organisation if person else None,
        },
    )


@members_only
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug, organiser__isnull=False)
    is_secretariat = user_has_role(request.user, SECRETARIAT)
    person = _my_person(request)
    own = person is not None and person.organisation_id == programme.organiser_id
    if programme.approval != events.APPROVED and not (is_secretariat or own):
        raise Http404
    if request.method == "POST":
        if person is None:
            raise PermissionDenied
        try:
            made = events.event_register(programme=programme, person=person)
        except RegistrationBusy:
            messages.error(request, _("Many people are registering right now; please try again."))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            if any(r.state == "waitlisted" for r in made):
                messages.info(request, _("The event is full: you are on the waiting list."))
            else:
                messages.success(
                    request, _("You are registered. A confirmation e-mail is on its way.")
                )
        return redirect("members:event-detail", slug=slug)
    sessions = list(programme.sessions.all())
    return render(
        request,
        "members/event_detail.html",
        {
            "programme": programme,
            "sessions": sessions,
            "registration": events.event_registration_of(programme=programme, person=person)
            if person
            else None,
            "can_register": person is not None and programme.approval == events.APPROVED,
            "own": own,
            # The organiser (and the secretariat) see who registered, to prepare the event.
            "registrations": Registration.objects.filter(session__programme=programme)
            .select_related("organisation")
            .exclude(state="cancelled")
            .order_by("state", "created_at")
            if own or is_secretariat
            else [],
        },
    )


@members_only
def event_propose(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation_for_editing(request, pk)
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = events.event_propose(organisation=organisation, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Saved. The event is listed once the secretariat has approved it.")
            )
            return redirect("members:event-detail", slug=programme.slug)
    return render(
        request,
        "members/event_form.html",
        {"form": form, "organisation": organisation, "own_events": events.events_of(organisation)},
    )


@require_POST
@secretariat_only
def event_decide(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug, organiser__isnull=False)
    try:
        if request.POST.get("action") == "decline":
            events.event_decline(programme=programme, reason=request.POST.get("reason", ""))
            messages.success(request, _("The event was declined."))
        else:
            events.event_approve(programme=programme)
            messages.success(request, _("The event is approved and listed."))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("members:today")


# --- 今日の確認 ---------------------------------------------------------------------------------


@secretariat_only
def today(request: HttpRequest) -> HttpResponse:
    day = timezone.localdate()
    return render(
        request,
        "members/today.html",
        {
            "day": day,
            "applications": MembershipApplication.objects.filter(
                status__in=MembershipApplication.OPEN_STATUSES
            ).order_by("submitted_at"),
            "invitations": invitations.invitations_pending()[:20],
            "stale_organisations": selectors.organisations_stale()[:20],
            "stale_windows": windows.windows_stale()[:20],
            "proposals": windows.proposals_pending(),
            "unverified": windows.services_unverified()[:20],
            "reports": WrongEntryReport.objects.filter(is_resolved=False).select_related("service")[
                :20
            ],
            "sessions": Session.objects.filter(date=day).select_related("programme"),
            "meetings": meetings.meetings_today(today=day),
            "events": events.events_proposed(),
            "questions": NewsQuestion.objects.filter(is_answered=False).select_related(
                "person__organisation", "post"
            )[:20],
        },
    )
