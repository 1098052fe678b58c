"""One test per finding of the trainings review: links, abuse, enumeration, time, paperwork."""

import csv
import io
import re
from datetime import time, timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kitakyushu_pf import ratelimits
from kitakyushu_pf.models import OutboxEmail
from kitakyushu_pf.retention import retention_run
from trainings import links
from trainings.models import AccessLink, QuestionnaireAnswer, Registration, Session
from trainings.services import (
    Applicant,
    questionnaire_answer_submit,
    registration_cancel,
    registration_check_in,
    registrations_create,
)

from .factories import ProgrammeFactory, SessionFactory, default_answers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_fallback(monkeypatch: Any) -> None:
    ratelimits.fallback.clear()
    monkeypatch.setattr(ratelimits, "_cache_down_until", 0.0)


def place(session: Session, email: str = "p@example.jp", name: str = "見本 花子") -> Registration:
    return registrations_create(
        session_ids=[session.pk],
        applicant=Applicant(name=name, email=email),
        enforce_cutoff=False,  # some tests place people in lectures already held
    )[0]


def me_link_of(registration: Registration) -> AccessLink:
    return links.me_link_ensure(email=registration.email, programme=registration.session.programme)


def mails_to(address: str) -> list[Any]:
    return [m for m in mail.outbox if address in m.to]


def post_register(client: Client, session: Session, email: str, **extra: Any) -> Any:
    data = {"sessions": [session.pk], "name": "見本 次郎", "email": email}
    return client.post(
        reverse("trainings:programme-register", args=[session.programme.slug]), data, **extra
    )


# --- 1. Links: random, hashed, expiring, revocable -------------------------------------------


def test_link_is_stored_only_as_a_hash_and_carries_no_address() -> None:
    registration = place(SessionFactory(), email="someone@example.jp")
    link = me_link_of(registration)
    token = links.link_token(link)
    assert len(token) == 43 and "someone" not in token
    row = AccessLink.objects.get(pk=link.pk)
    assert token not in (row.nonce, row.token_hash)
    assert links.link_find(token, AccessLink.Purpose.ME) == row


def test_link_ends_30_days_after_the_last_session(client: Client) -> None:
    session = SessionFactory(date=timezone.localdate() + timedelta(days=5))
    registration = place(session)
    link = me_link_of(registration)
    assert link.expires_at == session.ends_at + timedelta(days=30)
    url = reverse("trainings:me", args=[links.link_token(link)])
    assert client.get(url).status_code == 200
    AccessLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(url).status_code == 404


def test_link_dies_when_every_place_is_cancelled_and_the_cut_off_passed(client: Client) -> None:
    session = SessionFactory()
    registration = place(session)
    link = me_link_of(registration)
    registration_cancel(registration_id=registration.pk)
    link = me_link_of(registration)  # recomputed after the cancellation
    assert link.expires_at == session.cutoff_at  # long enough to undo, not longer
    Session.objects.filter(pk=session.pk).update(date=timezone.localdate() - timedelta(days=1))
    link = me_link_of(registration)
    assert not link.is_usable()
    url = reverse("trainings:me", args=[links.link_token(link)])
    assert client.get(url).status_code == 404


def test_resend_rotates_the_link_and_answers_the_same_for_any_address(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    registration = place(SessionFactory(), email="owner@example.jp")
    old = links.link_token(me_link_of(registration))
    mail.outbox.clear()
    url = reverse("trainings:link-resend")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": "owner@example.jp"})
        unknown = client.post(url, {"email": "nobody@example.jp"})

    def without_csrf(response: Any) -> str:
        return re.sub(r'value="[^"]*"', "", response.content.decode())

    assert without_csrf(known) == without_csrf(unknown)
    assert mails_to("nobody@example.jp") == []
    (sent,) = mails_to("owner@example.jp")
    new = re.search(r"/trainings/me/([^/\s]+)/", sent.body).group(1)  # type: ignore[union-attr]
    assert new != old
    assert client.get(reverse("trainings:me", args=[old])).status_code == 404
    assert client.get(reverse("trainings:me", args=[new])).status_code == 200


def test_questionnaire_link_ends_60_days_after_the_session(client: Client) -> None:
    registration = place(SessionFactory())
    link = links.questionnaire_link_ensure(registration=registration)
    assert link.expires_at == registration.session.ends_at + timedelta(days=60)
    url = reverse("trainings:questionnaire", args=[links.link_token(link)])
    assert client.get(url).status_code == 200
    AccessLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())
    assert client.get(url).status_code == 404


def test_secretariat_can_revoke_a_link(client: Client) -> None:
    registration = place(SessionFactory())
    link = me_link_of(registration)
    url = reverse("trainings:me", args=[links.link_token(link)])
    links.link_revoke(link)
    assert client.get(url).status_code == 404


# --- 2. Abuse limits ---------------------------------------------------------------------------


def test_one_address_is_limited_per_day_with_a_japanese_429(settings: Any) -> None:
    settings.PORTAL_RATELIMIT_REGISTER_PER_ADDRESS_DAY = 3
    programme = ProgrammeFactory()
    sessions = [SessionFactory(programme=programme, start=time(9 + i)) for i in range(5)]
    answers = [
        post_register(Client(REMOTE_ADDR=f"10.0.0.{i}"), s, "target@example.jp")
        for i, s in enumerate(sessions)
    ]
    assert [a.status_code for a in answers] == [302, 302, 302, 429, 429]
    assert "送信回数が多すぎます" in answers[-1].content.decode()
    assert answers[-1]["Retry-After"]


def test_one_ip_is_limited_per_hour_but_a_rush_of_distinct_people_is_not(
    settings: Any,
) -> None:
    settings.PORTAL_RATELIMIT_REGISTER_PER_IP_HOUR = 20
    session = SessionFactory(capacity=100)
    office = Client(REMOTE_ADDR="192.0.2.10")
    statuses = [
        post_register(office, session, f"staff{i}@example.jp").status_code for i in range(22)
    ]
    assert statuses == [302] * 20 + [429] * 2
    rush = [
        post_register(Client(REMOTE_ADDR=f"198.51.100.{i}"), session, f"p{i}@example.jp")
        for i in range(60)
    ]
    assert {r.status_code for r in rush} == {302}


# The same mailbox written so that it looks like another address: the mail system delivers a
# full-width letter or a soft hyphen in the domain to the plain domain (IDNA).
SAME_MAILBOX = [
    "victim@ｅxample.jp",
    "victim@exam\u00adple.jp",
    "victim@ＥＸＡＭＰＬＥ.jp",
    "Victim@Example.JP",
    "victim@e\u00adxample.jp",
]


def test_a_mailbox_spelled_differently_is_still_one_address(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The stranger types the victim's address in forms the mail system delivers to the same
    mailbox: no second place in the victim's session, and the per-address limit still holds."""
    settings.PORTAL_RATELIMIT_REGISTER_PER_ADDRESS_DAY = 3
    programme = ProgrammeFactory()
    sessions = [SessionFactory(programme=programme, start=time(9 + i)) for i in range(5)]
    victim = Client(REMOTE_ADDR="203.0.113.5")
    assert post_register(victim, sessions[0], "victim@example.jp").status_code == 302
    mail.outbox.clear()
    stranger_answers = []
    with django_capture_on_commit_callbacks(execute=True):
        targets = [sessions[0], *sessions[:4]]
        for i, (session, address) in enumerate(zip(targets, SAME_MAILBOX, strict=True)):
            stranger = Client(REMOTE_ADDR=f"198.51.100.{i + 1}")
            stranger_answers.append(post_register(stranger, session, address).status_code)
    # One place per mailbox in the victim's session, whatever the spelling.
    assert Registration.objects.filter(session=sessions[0]).count() == 1
    # The victim's mailbox is counted as one address: 1 (victim) + 2 more, then 429.
    assert stranger_answers == [302, 302, 429, 429, 429]
    assert {r.email for r in Registration.objects.all()} == {"victim@example.jp"}


def test_limits_still_count_in_the_process_when_the_cache_is_down(
    settings: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(ratelimits, "get_usage", lambda *a, **k: None)  # what a dead cache gives
    settings.PORTAL_RATELIMIT_REGISTER_PER_ADDRESS_DAY = 2
    programme = ProgrammeFactory()
    sessions = [SessionFactory(programme=programme, start=time(9 + i)) for i in range(3)]
    statuses = [
        post_register(Client(REMOTE_ADDR=f"10.1.0.{i}"), s, "t@example.jp").status_code
        for i, s in enumerate(sessions)
    ]
    assert statuses == [302, 302, 429]


def test_fallback_table_is_bounded() -> None:
    table = ratelimits._Fallback(max_keys=100)
    for i in range(1000):
        table.hit(f"k{i}", 60)
    assert len(table.counts) == 100


def test_resend_membership_application_and_password_reset_are_limited() -> None:
    resend = [
        Client(REMOTE_ADDR=f"10.2.0.{i}").post(
            reverse("trainings:link-resend"), {"email": "v@example.jp"}
        )
        for i in range(4)
    ]
    assert [r.status_code for r in resend] == [200, 200, 200, 429]
    reset = [
        Client(REMOTE_ADDR=f"10.3.0.{i}").post(
            "/accounts/password_reset/", {"email": "v@example.jp"}
        )
        for i in range(4)
    ]
    assert [r.status_code for r in reset][-1] == 429
    application = [
        Client(REMOTE_ADDR=f"10.4.0.{i}").post(
            reverse("members:application-create"),
            {"action": "submit", "contact_email": "v@example.jp"},
        )
        for i in range(4)
    ]
    assert application[-1].status_code == 429
    assert all(r.status_code != 429 for r in application[:3])


def test_every_mail_opens_with_the_citys_text_and_quotes_typed_text_short(
    django_capture_on_commit_callbacks: Any,
) -> None:
    evil = "ご本人確認のため https://evil.example/ へ" + "あ" * 60
    with django_capture_on_commit_callbacks(execute=True):
        place(SessionFactory(), email="v@example.jp", name=evil)
    (message,) = mails_to("v@example.jp")
    assert message.body.startswith("このメールは")
    first_lines = message.body.split("\n\n", 1)[0]
    assert "evil.example" not in first_lines
    assert "「ご本人確認のため" in message.body and "あ" * 50 not in message.body


# --- 3. No enumeration -------------------------------------------------------------------------


def test_known_address_gets_the_same_answer_and_the_owner_one_notice_a_day(
    django_capture_on_commit_callbacks: Any,
) -> None:
    session = SessionFactory()
    place(session, email="owner@example.jp")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(3):
            response = post_register(Client(REMOTE_ADDR=f"10.5.0.{i}"), session, "owner@example.jp")
            assert response.status_code == 302
    notices = mails_to("owner@example.jp")
    assert len(notices) == 1 and "再度の申込" in notices[0].subject


# --- 4. Time-aware cancelling and promotion ----------------------------------------------------


def test_no_cancel_no_promotion_no_mail_once_the_session_started(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.core.exceptions import ValidationError

    session = SessionFactory(capacity=1)
    first = place(session, email="a@example.jp")
    waiting = place(session, email="b@example.jp")
    past = timezone.localdate() - timedelta(days=1)
    Session.objects.filter(pk=session.pk).update(date=past)
    mail.outbox.clear()
    with pytest.raises(ValidationError):
        registration_cancel(registration_id=first.pk)
    # The secretariat may still cancel, but nobody moves up and nobody is mailed "繰り上げ".
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration_id=first.pk, by_secretariat=True)
    waiting.refresh_from_db()
    assert waiting.state == "waitlisted"
    assert not any("繰り上げ" in m.subject or "空き" in m.subject for m in mail.outbox)


def test_no_new_place_in_a_session_that_has_started(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The window is still open for later lectures; yesterday's is neither offered nor taken,
    and nobody is mailed 「受講が確定しました」 for a lecture that is over."""
    programme = ProgrammeFactory()
    yesterday = timezone.localdate() - timedelta(days=1)
    past = SessionFactory(programme=programme, date=yesterday, start=time(9), end=time(10))
    later = SessionFactory(programme=programme, start=time(13), end=time(14))
    url = reverse("trainings:programme-register", args=[programme.slug])
    form = Client().get(url).content.decode()
    offered = set(re.findall(r'name="sessions" value="(\d+)"', form))
    assert offered == {str(later.pk)}
    with django_capture_on_commit_callbacks(execute=True):
        response = post_register(Client(REMOTE_ADDR="198.51.100.3"), past, "late@example.jp")
    assert response.status_code == 200
    assert "オンラインでは変更できません" in response.content.decode()
    assert not Registration.objects.filter(session=past).exists()
    assert not mails_to("late@example.jp")
    # Together with a later lecture: all or nothing, as for every other rule.
    response = Client(REMOTE_ADDR="198.51.100.4").post(
        url, {"sessions": [past.pk, later.pk], "name": "見本 次郎", "email": "both@example.jp"}
    )
    assert response.status_code == 200
    assert not Registration.objects.filter(email="both@example.jp").exists()


def test_cut_off_minutes_before_the_start_is_per_programme() -> None:
    from django.core.exceptions import ValidationError

    soon = timezone.localtime() + timedelta(minutes=30)
    programme = ProgrammeFactory(cancel_cutoff_minutes=60)
    session = SessionFactory(
        programme=programme, date=soon.date(), start=soon.time().replace(microsecond=0),
        end=time(23, 59),
    )  # fmt: skip
    registration = place(session)
    with pytest.raises(ValidationError):
        registration_cancel(registration_id=registration.pk)


def test_waiting_number_is_the_rank_among_those_still_waiting(client: Client) -> None:
    session = SessionFactory(capacity=1)
    place(session, email="a@example.jp")
    waiting = [place(session, email=f"w{i}@example.jp") for i in range(8)]
    for r in waiting[:1]:
        registration_cancel(registration_id=r.pk)
    last = waiting[-1]
    page = client.get(reverse("trainings:me", args=[links.link_token(me_link_of(last))]))
    assert "キャンセル待ち（7番目）" in page.content.decode()


# --- 5. The request does not write mails ---------------------------------------------------------


def test_registration_only_reserves_the_mail_the_worker_writes_it(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        registration = place(SessionFactory())
    row = OutboxEmail.objects.get(key=f"trainings:confirmed:{registration.pk}")
    assert row.body == "" and row.attachments == []  # nothing rendered inside the request
    for callback in callbacks:
        callback()
    row.refresh_from_db()
    assert row.sent_at and row.body.startswith("このメールは")
    assert {a["filename"] for a in row.attachments} == {"invite.ics", "checkin-qr.png"}


def test_online_session_mail_gives_the_meeting_link_not_venue_or_qr(
    django_capture_on_commit_callbacks: Any,
) -> None:
    session = SessionFactory(format="online", online_url="https://meet.example.jp/r/1")
    with django_capture_on_commit_callbacks(execute=True):
        place(session, email="o@example.jp")
    (message,) = mails_to("o@example.jp")
    assert "https://meet.example.jp/r/1" in message.body
    assert "浅野三丁目" not in message.body and "QR" not in message.body
    assert [name for name, _c, _m in message.attachments] == ["invite.ics"]


def test_mail_is_in_the_language_the_person_registered_in(
    django_capture_on_commit_callbacks: Any,
) -> None:
    session = SessionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        registrations_create(
            session_ids=[session.pk],
            applicant=Applicant(name="Jane Doe", email="en@example.jp", language="en"),
        )
    (message,) = mails_to("en@example.jp")
    assert "Your place is confirmed" in message.body


# --- 6. After the lecture ----------------------------------------------------------------------


def test_certificate_pdf_from_the_persons_page_and_in_bulk(
    client: Client, secretariat_client: Client
) -> None:
    session = SessionFactory(theme="傾聴の基本")
    registration = place(session, name="加藤 花子")
    registration_check_in(registration_id=registration.pk)
    token = links.link_token(me_link_of(registration))
    page = client.get(reverse("trainings:me", args=[token])).content.decode()
    url = reverse("trainings:certificate", args=[token, registration.pk])
    assert url in page
    pdf = client.get(url)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "加藤 花子" in text and "傾聴の基本" in text and "受 講 証 明 書" in text
    bulk = secretariat_client.get(
        reverse("trainings:programme-certificates", args=[session.programme.slug])
    )
    assert len(PdfReader(io.BytesIO(bulk.content)).pages) == 1
    # A stranger's link cannot print it.
    other = place(SessionFactory(programme=session.programme), email="x@example.jp")
    stranger = links.link_token(me_link_of(other))
    assert (
        client.get(reverse("trainings:certificate", args=[stranger, registration.pk])).status_code
        == 404
    )


def test_questionnaire_answers_export_csv_and_xlsx_without_the_person(
    secretariat_client: Client,
) -> None:
    registration = place(SessionFactory(theme="講義X"), name="秘密 太郎")
    questionnaire_answer_submit(
        registration_id=registration.pk,
        answers=default_answers(registration.session.programme, 5, 4, comment="とても良かった"),
    )
    slug = registration.session.programme.slug
    body = secretariat_client.get(reverse("trainings:questionnaire-export", args=[slug, "csv"]))
    rows = list(csv.reader(io.StringIO(body.content.decode("utf-8-sig"))))
    assert rows[1][1] == "講義X" and rows[1][3] == "5" and rows[1][7] == "とても良かった"
    assert "秘密" not in body.content.decode("utf-8-sig")
    xlsx = secretariat_client.get(reverse("trainings:questionnaire-export", args=[slug, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(2, 4).value == 5


# --- 7. Door and phone ---------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["カトウ", "ｶﾄｳ", "かとう", "加藤"])
def test_kana_search_folds_katakana_half_width_and_reads_kanji(
    secretariat_client: Client, query: str
) -> None:
    session = SessionFactory()
    registrations_create(
        session_ids=[session.pk], applicant=Applicant(name="加藤 一郎", email="k@example.jp")
    )
    registrations_create(
        session_ids=[session.pk],
        applicant=Applicant(name="山下 花", kana="やました はな", email="y@example.jp"),
    )
    url = reverse("trainings:checkin", args=[session.pk])
    body = secretariat_client.get(url, {"q": query}).content.decode()
    assert "加藤 一郎" in body and "山下 花" not in body
    assert "山下 花" in secretariat_client.get(url, {"q": "ヤマシタ"}).content.decode()


def test_checkin_counter_and_undo_of_a_mis_tap(secretariat_client: Client) -> None:
    session = SessionFactory(capacity=40)
    registration = place(session)
    url = reverse("trainings:checkin", args=[session.pk])
    secretariat_client.post(url, {"registration": registration.pk})
    assert "受付済み 1 / 40" in secretariat_client.get(url).content.decode()
    secretariat_client.post(url, {"registration": registration.pk, "action": "undo"})
    registration.refresh_from_db()
    assert registration.state == "confirmed"
    assert "受付済み 0 / 40" in secretariat_client.get(url).content.decode()


def test_walk_in_on_a_full_session_keeps_the_name_and_offers_the_waiting_list(
    secretariat_client: Client,
) -> None:
    session = SessionFactory(capacity=1)
    place(session)
    url = reverse("trainings:checkin", args=[session.pk])
    response = secretariat_client.post(url, {"walk_in": "1", "name": "飛込 三郎"})
    body = response.content.decode()
    assert 'value="飛込 三郎"' in body and 'value="waitlist"' in body
    secretariat_client.post(url, {"walk_in": "waitlist", "name": "飛込 三郎"})
    assert session.registrations.get(name="飛込 三郎").state == "waitlisted"


def test_counts_page_and_exports_agree_on_no_shows(secretariat_client: Client) -> None:
    session = SessionFactory(date=timezone.localdate() - timedelta(days=3), capacity=5)
    place_raw(session, "came@example.jp", "attended")
    place_raw(session, "absent@example.jp", "confirmed")
    slug = session.programme.slug
    manage = secretariat_client.get(reverse("trainings:programme-manage", args=[slug]))
    counts = manage.context["counts"].sessions[0]
    assert (counts.attended, counts.no_shows, counts.confirmed) == (1, 1, 0)
    body = secretariat_client.get(reverse("trainings:programme-attendees", args=[slug, "csv"]))
    states = [row[4] for row in csv.reader(io.StringIO(body.content.decode("utf-8-sig")))][1:]
    assert sorted(states) == sorted(["出席", "欠席"])


def place_raw(session: Session, email: str, state: str) -> Registration:
    from .factories import RegistrationFactory

    return RegistrationFactory(session=session, email=email, state=state)


def test_programme_xlsx_has_one_sheet_per_lecture(secretariat_client: Client) -> None:
    programme = ProgrammeFactory()
    SessionFactory(programme=programme, number=1, theme="孤独・孤立の現状", start=time(9))
    SessionFactory(programme=programme, number=2, theme="傾聴の基本", start=time(11))
    body = secretariat_client.get(
        reverse("trainings:programme-attendees", args=[programme.slug, "xlsx"])
    )
    assert load_workbook(io.BytesIO(body.content)).sheetnames == [
        "1 孤独・孤立の現状",
        "2 傾聴の基本",
    ]


def test_finished_programme_shows_no_seats_or_waiting_list(client: Client) -> None:
    session = SessionFactory(date=timezone.localdate() - timedelta(days=2), capacity=3)
    body = client.get(session.programme.get_absolute_url()).content.decode()
    assert "残り" not in body and "キャンセル待ち" not in body


def test_me_page_shows_the_qr_code_and_links_back_to_the_programme(client: Client) -> None:
    registration = place(SessionFactory())
    page = client.get(reverse("trainings:me", args=[links.link_token(me_link_of(registration))]))
    body = page.content.decode()
    assert 'src="data:image/svg+xml' in body
    assert registration.session.programme.get_absolute_url() in body


def test_unpublished_programme_is_hidden_from_the_staff_analyst(
    client: Client, analyst_user: Any, secretariat_client: Client
) -> None:
    programme = ProgrammeFactory(is_published=False)
    analyst_user.is_staff = True
    analyst_user.save()
    analyst = Client()
    analyst.force_login(analyst_user)
    assert analyst.get(programme.get_absolute_url()).status_code == 404
    assert secretariat_client.get(programme.get_absolute_url()).status_code == 200


# --- 8. Retention ------------------------------------------------------------------------------


def test_retention_anonymises_old_registrations_keeps_counts_and_answers(
    django_capture_on_commit_callbacks: Any,
) -> None:
    old = SessionFactory(date=timezone.localdate() - timedelta(days=400))
    recent = SessionFactory(date=timezone.localdate() - timedelta(days=10))
    with django_capture_on_commit_callbacks(execute=True):
        gone = place(old, email="old@example.jp", name="古い 人")
        kept = place(recent, email="new@example.jp")
    registration_check_in(registration_id=gone.pk)
    questionnaire_answer_submit(
        registration_id=gone.pk, answers=default_answers(gone.session.programme, 4, 5, "参加しない")
    )
    me_link_of(gone)
    assert retention_run()["trainings.registration"] == 1
    gone.refresh_from_db()
    assert (gone.name, gone.email, gone.state) == ("", "", "attended")
    assert QuestionnaireAnswer.objects.filter(registration=gone).exists()
    assert not AccessLink.objects.filter(email="old@example.jp").exists()
    row = OutboxEmail.objects.get(key=f"trainings:confirmed:{gone.pk}")
    assert row.to == [] and "古い" not in row.body
    kept.refresh_from_db()
    assert kept.email == "new@example.jp"
    assert retention_run()["trainings.registration"] == 0  # idempotent
