"""Issue 16: log-ins on approval, windows kept by their organisations, news and polls, meetings
with RSVP, members' events and the secretariat's 「今日の確認」."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from handbook.models import Service
from kitakyushu_pf.models import OutboxEmail
from members import invitations, meetings, news, windows
from members.models import (
    CouncilMeeting,
    Invitation,
    MeetingRsvp,
    MembershipApplication,
    NewsPost,
    Organisation,
    Person,
    Poll,
    PollChoice,
    WindowProposal,
)
from members.services import application_approve
from tests.handbook.factories import ServiceFactory, WorryFactory

from .conftest import World
from .factories import CouncilMeetingFactory, MembershipApplicationFactory, PersonFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-pass-phrase-2026"


def _can_log_in(username: str, password: str) -> bool:
    """Through the log-in page, as a person would."""
    client = Client()
    client.post(reverse("login"), {"username": username, "password": password})
    return "_auth_user_id" in client.session


def _link(email: OutboxEmail, name: str) -> str:
    match = re.search(r"https?://[^\s]+/members/" + name + r"/[^\s]+/", email.body)
    assert match, email.body
    return "/" + match.group(0).split("/", 3)[3]


# --- 1. Invitations ----------------------------------------------------------------------------


def test_approved_applicant_sets_a_password_from_the_mail_and_logs_in_as_member(
    world: World,
) -> None:
    application = MembershipApplicationFactory(contact_email="hanako@example.jp")
    application_approve(application=application, reviewer=None)
    mail = OutboxEmail.objects.get(key__startswith="members:application-approved:")
    link = _link(mail, "invitation")
    assert "7" in mail.body  # valid 7 days
    # Only the hash of the token is stored.
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert not Invitation.objects.filter(token_hash=token).exists()

    browser = Client()
    page = browser.get(link)
    assert "パスワードの設定" in page.content.decode()
    response = browser.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    person = Person.objects.get(email="hanako@example.jp")
    assert response.status_code == 302
    assert response["Location"] == person.organisation.get_absolute_url()
    assert person.user is not None and person.user.groups.filter(name="member").exists()

    assert _can_log_in("hanako@example.jp", PASSWORD)
    # Single use: the link is dead now.
    assert Client().get(link).status_code == 404
    again = Client().post(link, {"password1": "x" + PASSWORD, "password2": "x" + PASSWORD})
    assert again.status_code == 404
    assert _can_log_in("hanako@example.jp", PASSWORD)


def test_an_expired_revoked_or_resent_link_no_longer_works(world: World) -> None:
    token = invitations.invitation_create(person=world.hidden_a)
    invitation = Invitation.objects.get(person=world.hidden_a)
    link = reverse("members:invitation-accept", args=[token])
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    assert Client().get(link).status_code == 404

    new_token = invitations.invitation_resend(invitation=invitation)
    assert Client().get(link).status_code == 404  # the first mail's link is retired
    new_link = reverse("members:invitation-accept", args=[new_token])
    assert Client().get(new_link).status_code == 200
    assert OutboxEmail.objects.filter(key__startswith="members:invitation:").count() == 2

    invitations.invitation_revoke(invitation=invitation)
    assert Client().get(new_link).status_code == 404


def test_secretariat_sees_resends_and_revokes_pending_invitations(world: World) -> None:
    invitations.invitation_create(person=world.hidden_a)
    invitation = Invitation.objects.get()
    sec = world.clients["secretariat"]
    html = sec.get(reverse("members:invitation-list")).content.decode()
    assert "hidden@example.jp" in html
    sec.post(reverse("members:invitation-list"), {"invitation": invitation.pk, "action": "resend"})
    invitation.refresh_from_db()
    assert invitation.sent_count == 2
    sec.post(reverse("members:invitation-list"), {"invitation": invitation.pk, "action": "revoke"})
    assert not invitations.invitations_pending().exists()
    assert world.clients["member_a"].get(reverse("members:invitation-list")).status_code == 403


def test_a_member_invites_a_colleague_but_not_into_another_organisation(world: World) -> None:
    url = reverse("members:invite-colleague", args=[world.org_a.pk])
    world.clients["member_b"].post(url, {"person": world.hidden_a.pk})
    assert not Invitation.objects.exists()
    world.clients["member_a"].post(url, {"person": world.hidden_a.pk})
    invitation = Invitation.objects.get()
    assert invitation.person == world.hidden_a and invitation.email == "hidden@example.jp"
    assert OutboxEmail.objects.get(key__startswith="members:invitation:").to == [
        "hidden@example.jp"
    ]


def test_a_removed_person_cannot_log_in_any_more(world: World) -> None:
    colleague_user = get_user_model().objects.create_user("colleague", password=PASSWORD)
    colleague_user.groups.add(Group.objects.get(name="member"))
    colleague = PersonFactory(organisation=world.org_a, user=colleague_user)
    assert _can_log_in("colleague", PASSWORD)
    signed_in = Client()
    signed_in.post(reverse("login"), {"username": "colleague", "password": PASSWORD})
    directory = reverse("members:person-directory")
    assert signed_in.get(directory).status_code == 200
    url = reverse("members:person-delete", args=[world.org_a.pk, colleague.pk])
    world.clients["member_a"].post(url)
    assert not Person.objects.filter(pk=colleague.pk).exists()
    assert not _can_log_in("colleague", PASSWORD)
    # A session opened before the removal ends too.
    assert signed_in.get(directory).status_code == 302


def test_a_former_organisation_loses_its_log_ins_and_leaves_members_pages(world: World) -> None:
    world.person_b.user.set_password(PASSWORD)
    world.person_b.user.save()
    world.org_b.status = Organisation.Status.FORMER
    world.org_b.save()
    assert not _can_log_in("member_b", PASSWORD)
    member = world.clients["member_a"]
    assert (
        member.get(reverse("members:organisation-detail", args=[world.org_b.pk])).status_code == 404
    )
    html = member.get(reverse("members:person-directory") + "?q=別府").content.decode()
    assert "別府 一" not in html
    meeting = CouncilMeetingFactory()
    meeting.people.add(world.person_b)
    html = member.get(meeting.get_absolute_url()).content.decode()
    assert "別府 一" not in html


# --- 2. Windows --------------------------------------------------------------------------------


@pytest.fixture
def window(world: World) -> Service:
    worry = WorryFactory(text="住まいがない")
    return ServiceFactory(
        name="住まいの相談窓口", provider=world.org_a, phone="093-111-2222",
        phone_status=Service.PhoneStatus.VERIFIED, source_url="https://example.jp/src",
        worries=[worry], hours_note="平日 9時～17時",
    )  # fmt: skip


def _public(window: Service) -> str:
    worry = window.worries.get()
    return Client().get(reverse("handbook:results"), {"w": worry.pk}).content.decode()


def test_a_member_edits_a_window_and_it_is_public_only_after_approval(
    world: World, window: Service
) -> None:
    url = reverse("members:window-edit", args=[world.org_a.pk, window.pk])
    form = world.clients["member_a"].get(url)
    assert form.status_code == 200
    data = {
        "name": "住まいの相談窓口", "phone": "０９３－３３３－４４４４",
        "hours_note": "平日 10時～18時", "languages": "日本語",
    }  # fmt: skip
    response = world.clients["member_a"].post(url, data, follow=True)
    assert "事務局が確認してから公開されます" in response.content.decode()
    assert "10時～18時" not in _public(window)
    assert "9時～17時" in _public(window)

    review = world.clients["secretariat"].get(reverse("members:window-review")).content.decode()
    assert "093-111-2222" in review and "093-333-4444" in review  # old and new, half-width
    assert "平日 10時～18時" in review and "未確認になります" in review
    proposal = WindowProposal.objects.get()
    world.clients["secretariat"].post(
        reverse("members:window-review"), {"proposal": proposal.pk, "action": "approve"}
    )
    window.refresh_from_db()
    assert window.hours_note == "平日 10時～18時" and window.phone == "093-333-4444"
    assert window.phone_status == Service.PhoneStatus.UNVERIFIED
    html = _public(window)
    assert "10時～18時" in html
    assert 'href="tel:0933334444"' not in html  # unverified numbers get no call button
    last = window.history.first()
    assert last.history_user.username == "sec"

    # The secretariat checks the number against a source: now residents can call it.
    world.clients["secretariat"].post(
        reverse("members:window-checks"),
        {"service": window.pk, "source_url": "https://example.jp/new"},
    )
    assert 'href="tel:0933334444"' in _public(window)


def test_another_organisation_cannot_see_or_change_the_windows(
    world: World, window: Service
) -> None:
    stranger = world.clients["member_b"]
    assert stranger.get(reverse("members:window-list", args=[world.org_a.pk])).status_code == 403
    url = reverse("members:window-edit", args=[world.org_a.pk, window.pk])
    assert stranger.post(url, {"name": "乗っ取り", "languages": "日本語"}).status_code == 403
    assert not WindowProposal.objects.exists()
    own = stranger.get(reverse("members:window-edit", args=[world.org_b.pk, window.pk]))
    assert own.status_code == 404


def test_a_new_window_waits_for_the_secretariat(world: World) -> None:
    url = reverse("members:window-create", args=[world.org_a.pk])
    world.clients["member_a"].post(
        url, {"name": "夜の居場所", "phone": "093-555-6666", "languages": "日本語"}
    )
    assert not Service.objects.filter(name="夜の居場所").exists()
    proposal = WindowProposal.objects.get()
    service = windows.window_approve(proposal=proposal, reviewer=None)
    assert service.provider == world.org_a
    assert service.phone_status == Service.PhoneStatus.UNVERIFIED


def test_the_public_card_links_to_the_organisation_and_shows_the_check_date(
    world: World, window: Service
) -> None:
    html = _public(window)
    assert f'/members/#org-{world.org_a.pk}"' in html
    assert "情報の確認日" in html
    page = Client().get(reverse("members:organisation-list")).content.decode()
    assert f'id="org-{world.org_a.pk}"' in page


def test_stale_windows_get_a_confirm_or_correct_link(world: World, window: Service) -> None:
    Service.objects.filter(pk=window.pk).update(last_checked=timezone.localdate() - timedelta(400))
    assert windows.window_reminders_send() == 1
    assert windows.window_reminders_send() == 0  # once per stale period
    mail = OutboxEmail.objects.get(key__startswith="members:window-freshness:")
    assert mail.to == [world.person_a.email]
    link = _link(mail, "windows/confirm")
    assert window in windows.windows_stale()
    checks = world.clients["secretariat"].get(reverse("members:window-checks")).content.decode()
    assert "住まいの相談窓口" in checks
    Client().post(link)
    window.refresh_from_db()
    assert window.last_checked == timezone.localdate()
    assert Client().get(link[:-3] + "xx/").status_code == 400


# --- 3. News and polls -------------------------------------------------------------------------


def test_news_page_digest_with_opt_out_and_questions(world: World) -> None:
    post = NewsPost.objects.create(title="市の新しい制度", body="本文", published_at=timezone.now())
    NewsPost.objects.create(title="下書き", body="まだ")
    html = world.clients["member_a"].get(reverse("members:news-list")).content.decode()
    assert "市の新しい制度" in html and "下書き" not in html
    assert world.clients["anonymous"].get(post.get_absolute_url()).status_code == 302

    Person.objects.filter(pk=world.person_b.pk).update(news_digest=False)
    assert news.news_digest_send() == 1
    assert news.news_digest_send() == 0
    digest = OutboxEmail.objects.get(key__startswith="members:news-digest:")
    assert digest.to == [world.person_a.email] and "市の新しい制度" in digest.body

    world.clients["member_a"].post(post.get_absolute_url(), {"text": "対象は誰ですか"})
    assert post.questions.get().person == world.person_a


def test_a_poll_takes_one_answer_per_person_and_members_see_the_results(world: World) -> None:
    poll = Poll.objects.create(
        question="次の研修のテーマは", closes_at=timezone.now() + timedelta(7)
    )
    yes = PollChoice.objects.create(poll=poll, text="住まい")
    PollChoice.objects.create(poll=poll, text="就労")
    url = poll.get_absolute_url()
    world.clients["member_a"].post(url, {"choice": yes.pk, "comment": "ぜひ"})
    world.clients["member_a"].post(url, {"choice": yes.pk})
    assert poll.votes.count() == 1
    html = world.clients["member_b"].get(url).content.decode()
    assert "結果（回答1件）" in html and "ぜひ" in html


# --- 4. Meetings -------------------------------------------------------------------------------


def test_meeting_notice_rsvp_reminder_check_in_and_minutes(world: World) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    meeting = CouncilMeeting.objects.create(
        held_on=tomorrow, title="第5回 協議会", agenda="議題：居場所づくり", minutes="決まったこと"
    )
    assert meetings.meeting_notice_send(meeting=meeting) == 2  # both people with a log-in
    notice = OutboxEmail.objects.filter(key__startswith="members:meeting-notice:").first()
    assert "議題：居場所づくり" in notice.body

    member = world.clients["member_a"]
    member.post(reverse("members:meeting-rsvp", args=[meeting.pk]), {"answer": "online"})
    world.clients["member_b"].post(
        reverse("members:meeting-rsvp", args=[meeting.pk]), {"answer": "absent"}
    )
    assert MeetingRsvp.objects.get(person=world.person_a).answer == "online"
    assert "決まったこと" not in member.get(meeting.get_absolute_url()).content.decode()

    assert meetings.meeting_reminders_send(today=timezone.localdate()) == 1
    assert meetings.meeting_reminders_send(today=timezone.localdate()) == 0

    world.clients["secretariat"].post(
        reverse("members:meeting-manage", args=[meeting.pk]),
        {"action": "checkin", "person": world.person_b.pk},
    )
    meetings.attendance_from_rsvp(meeting=meeting)
    assert set(meeting.people.all()) == {world.person_a, world.person_b}

    world.clients["secretariat"].post(
        reverse("members:meeting-manage", args=[meeting.pk]), {"action": "minutes"}
    )
    assert "決まったこと" in member.get(meeting.get_absolute_url()).content.decode()


def test_the_steering_committee_has_its_own_member_list(world: World) -> None:
    Person.objects.filter(pk=world.person_a.pk).update(on_steering_committee=True)
    meeting = CouncilMeetingFactory(
        held_on=timezone.localdate() + timedelta(days=3), kind=CouncilMeeting.Kind.STEERING
    )
    assert list(meetings.invitees(meeting)) == [world.person_a]
    assert world.clients["member_b"].get(meeting.get_absolute_url()).status_code == 403
    assert world.clients["member_a"].get(meeting.get_absolute_url()).status_code == 200
    listing = world.clients["member_b"].get(reverse("members:meeting-list")).content.decode()
    assert meeting.title not in listing


# --- 5. Members' events ------------------------------------------------------------------------


def _propose(client: Client, org: Organisation, **extra: Any) -> Any:
    day = timezone.localdate() + timedelta(days=10)
    data = {
        "title": "みんなの食卓会", "venue": "小倉北区の公民館", "day": day.isoformat(),
        "start": "10:00", "end": "12:00", "capacity": 1, **extra,
    }  # fmt: skip
    return client.post(reverse("members:event-propose", args=[org.pk]), data)


def test_a_members_event_is_listed_only_after_approval_and_uses_the_waiting_list(
    world: World,
) -> None:
    from trainings.models import Programme

    _propose(world.clients["member_a"], world.org_a, open_to_public="on")
    programme = Programme.objects.get(organiser=world.org_a)
    listing = reverse("members:event-list")
    assert "みんなの食卓会" not in world.clients["member_b"].get(listing).content.decode()
    assert (
        "みんなの食卓会" not in Client().get(reverse("trainings:programme-list")).content.decode()
    )
    assert (
        world.clients["member_b"]
        .get(reverse("members:event-detail", args=[programme.slug]))
        .status_code
        == 404
    )

    today = world.clients["secretariat"].get(reverse("members:today")).content.decode()
    assert "みんなの食卓会" in today
    world.clients["secretariat"].post(
        reverse("members:event-decide", args=[programme.slug]), {"action": "approve"}
    )
    assert "みんなの食卓会" in world.clients["member_b"].get(listing).content.decode()
    assert "みんなの食卓会" in Client().get(reverse("trainings:programme-list")).content.decode()

    detail = reverse("members:event-detail", args=[programme.slug])
    world.clients["member_b"].post(detail)
    world.clients["member_a"].post(detail)
    states = dict(programme.sessions.get().registrations.values_list("email", "state"))
    assert states == {world.person_b.email: "confirmed", world.person_a.email: "waitlisted"}
    # The organiser sees who is coming; another member does not.
    assert "別府 一" in world.clients["member_a"].get(detail).content.decode()
    assert "住田 明" not in world.clients["member_b"].get(detail).content.decode()


def test_a_members_only_event_stays_off_the_public_page(world: World) -> None:
    from trainings.models import Programme

    _propose(world.clients["member_a"], world.org_a)
    programme = Programme.objects.get(organiser=world.org_a)
    world.clients["secretariat"].post(
        reverse("members:event-decide", args=[programme.slug]), {"action": "approve"}
    )
    assert (
        "みんなの食卓会" not in Client().get(reverse("trainings:programme-list")).content.decode()
    )
    assert Client().get(programme.get_absolute_url()).status_code == 404


# --- 6. Onboarding -----------------------------------------------------------------------------


def test_onboarding_shows_who_joined_recently_by_name_when_they_consented(world: World) -> None:
    Organisation.objects.filter(pk=world.org_b.pk).update(joined_on=timezone.localdate())
    html = (
        world.clients["member_a"].get(reverse("members:organisation-onboarding")).content.decode()
    )
    recent = html[html.index("最近加わった団体") : html.index("新しく加わった人") + 500]
    assert "団体B" in recent and "別府 一" in recent and "秘密" not in recent


# --- 7. Today's checks, admin, pickers and roles ---------------------------------------------


def test_secretariat_lands_on_todays_checks_and_a_member_on_their_organisation(
    world: World, window: Service
) -> None:
    MembershipApplicationFactory(organisation_name="NPO法人あたらしい")
    Service.objects.filter(pk=window.pk).update(phone_status=Service.PhoneStatus.UNVERIFIED)
    after = reverse("members:after-login")
    assert world.clients["secretariat"].get(after)["Location"] == reverse("members:today")
    assert world.clients["member_a"].get(after)["Location"] == world.org_a.get_absolute_url()
    html = world.clients["secretariat"].get(reverse("members:today")).content.decode()
    assert "NPO法人あたらしい" in html and "住まいの相談窓口" in html
    assert reverse("handbook:staff-dashboard") in html
    assert world.clients["member_a"].get(reverse("members:today")).status_code == 403


def test_the_application_page_has_approve_and_decline_buttons(world: World) -> None:
    application = MembershipApplicationFactory()
    sec = world.clients["secretariat"]
    html = sec.get(
        reverse("admin:members_membershipapplication_change", args=[application.pk])
    ).content.decode()
    assert "承認する（団体を登録し、ログイン設定のリンクを送る）" in html
    assert "お断りするときは必須" in html
    decide = reverse("admin:members_membershipapplication_decide", args=[application.pk])
    sec.post(decide, {"decision": "decline", "decision_reason": ""})
    application.refresh_from_db()
    assert application.is_open  # no reasons, no decline
    sec.post(decide, {"decision": "approve"})
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.APPROVED
    assert world.clients["member_a"].post(decide, {"decision": "approve"}).status_code == 302


def test_people_in_pickers_show_their_organisation(world: World) -> None:
    twin = PersonFactory(organisation=world.org_b, role="相談員", listed_by_name=False)
    hidden = PersonFactory(organisation=world.org_a, role="相談員", listed_by_name=False)
    assert str(twin) != str(hidden)
    assert str(twin) == "相談員（団体B）"


def test_home_and_navigation_follow_the_role(world: World) -> None:
    html = world.clients["member_a"].get(reverse("home")).content.decode()
    assert "自分の団体" in html and world.org_a.get_absolute_url() in html
    assert f'href="{reverse("surveys:dataset-list")}"' not in html  # no door to the datasets
    html = world.clients["secretariat"].get(reverse("home")).content.decode()
    assert reverse("members:today") in html


# --- 8. Japanese input -------------------------------------------------------------------------


def test_full_width_phone_is_stored_half_width_and_saving_says_so(world: World) -> None:
    url = reverse("members:person-edit", args=[world.org_a.pk, world.person_a.pk])
    data = {
        "name": "住田 明", "kana": "スミダ アキラ", "role": "相談員", "email": "a@example.jp",
        "phone": "０９３－５８２－２４３０", "listed_by_name": "on",
    }  # fmt: skip
    response = world.clients["member_a"].post(url, data, follow=True)
    assert "保存しました" in response.content.decode()
    world.person_a.refresh_from_db()
    assert world.person_a.phone == "093-582-2430"


def test_event_dates_typed_full_width_are_understood(world: World) -> None:
    from trainings.models import Programme

    day = timezone.localdate() + timedelta(days=30)
    wide = f"{day:%Y/%m/%d}".translate(str.maketrans("0123456789/", "０１２３４５６７８９／"))
    _propose(world.clients["member_a"], world.org_a, day=wide)
    assert Programme.objects.get(organiser=world.org_a).sessions.get().date == day


def test_the_handbook_usage_csv_shows_worry_texts(world: World) -> None:
    from handbook.models import UsageDaily

    worry = WorryFactory(text="眠れない日が続く")
    UsageDaily.objects.create(
        date=timezone.localdate(), kind=UsageDaily.Kind.WORRY_TICKED, key=str(worry.pk), count=3
    )
    csv = world.clients["secretariat"].get(reverse("handbook:staff-usage-csv")).content.decode()
    assert "眠れない日が続く" in csv
    assert f",{worry.pk}," not in csv


def test_the_secretariat_answers_a_question_and_the_member_is_mailed(world: World) -> None:
    post = NewsPost.objects.create(title="制度", body="本文", published_at=timezone.now())
    question = news.question_ask(post=post, person=world.person_a, text="対象は？")
    url = reverse("admin:members_newsquestion_change", args=[question.pk])
    world.clients["secretariat"].post(url, {"answer": "市内の方です。"})
    mail = OutboxEmail.objects.get(key=f"members:question-answered:{question.pk}")
    assert mail.to == [world.person_a.email] and "市内の方です。" in mail.body
    html = world.clients["member_a"].get(post.get_absolute_url()).content.decode()
    assert "市内の方です。" in html


def test_a_full_width_number_typed_in_the_admin_is_dialled_half_width(world: World) -> None:
    worry = WorryFactory(text="ひとりで不安")
    ServiceFactory(
        name="夜間の相談", phone="０９３－１１１－２２２２",
        phone_status=Service.PhoneStatus.VERIFIED, source_url="https://example.jp/src",
        worries=[worry],
    )  # fmt: skip
    html = Client().get(reverse("handbook:results"), {"w": worry.pk}).content.decode()
    assert 'href="tel:0931112222"' in html
