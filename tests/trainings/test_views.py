import csv
import io
import re
from datetime import time, timedelta
from typing import Any

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kitakyushu_pf.exports import DANGEROUS_PREFIXES
from trainings import links
from trainings.models import QuestionnaireAnswer, Registration, Session
from trainings.services import Applicant, questionnaire_answer_submit, registrations_create

from .factories import ProgrammeFactory, SessionFactory, default_answers

pytestmark = pytest.mark.django_db


def register(session: Session, i: int, **extra: Any) -> Registration:
    applicant = Applicant(
        name=f"見本 花子{i}", kana=f"みほん はなこ{i}", email=f"p{i}@example.jp", **extra
    )
    return registrations_create(session_ids=[session.pk], applicant=applicant)[0]


def me_token_make(*, email: str, programme: Any = None) -> str:
    """The token of the person's mailed link (as the worker writes it into the e-mail)."""
    registration = Registration.objects.filter(email=email).select_related("session").first()
    programme = programme or registration.session.programme  # type: ignore[union-attr]
    return links.link_token(links.me_link_ensure(email=email, programme=programme))


def questionnaire_token_make(*, registration_id: int) -> str:
    registration = Registration.objects.select_related("session__programme").get(pk=registration_id)
    return links.link_token(links.questionnaire_link_ensure(registration=registration))


def form_data(*sessions: Session, email: str = "new@example.jp") -> dict[str, Any]:
    return {
        "sessions": [s.pk for s in sessions],
        "name": "見本 次郎",
        "kana": "みほん じろう",
        "email": email,
    }


# --- Public pages ----------------------------------------------------------------------------


def test_programme_list_shows_upcoming_with_pinned_queries(
    client: Any, django_assert_num_queries: Any
) -> None:
    for _ in range(3):
        SessionFactory(programme=ProgrammeFactory())
    with django_assert_num_queries(2):  # upcoming, past
        response = client.get(reverse("trainings:programme-list"))
    assert response.status_code == 200
    assert response.content.decode().count("支援者向け研修会") >= 3


def test_programme_page_shows_seats_left_and_waiting_list(
    client: Any, django_assert_num_queries: Any
) -> None:
    programme = ProgrammeFactory()
    open_session = SessionFactory(programme=programme, capacity=10, start=time(9), end=time(10))
    full = SessionFactory(programme=programme, capacity=1, start=time(11), end=time(12))
    register(open_session, 1)
    register(full, 2)
    register(full, 3)
    with django_assert_num_queries(2):  # programme, sessions with waiting counts
        response = client.get(programme.get_absolute_url())
    body = response.content.decode()
    assert "残り9席" in body
    assert "キャンセル待ち" in body
    assert "キャンセル待ち1名" in body


def test_unpublished_programme_is_not_found(client: Any) -> None:
    programme = ProgrammeFactory(is_published=False)
    assert client.get(programme.get_absolute_url()).status_code == 404


def test_register_form_registers_several_sessions_and_result_says_see_your_mail(
    client: Any,
) -> None:
    programme = ProgrammeFactory()
    a = SessionFactory(programme=programme, capacity=5, start=time(9), end=time(10))
    b = SessionFactory(programme=programme, capacity=1, start=time(10), end=time(11))
    register(b, 9)
    response = client.post(
        reverse("trainings:programme-register", args=[programme.slug]), form_data(a, b)
    )
    assert response.status_code == 302
    result = client.get(response["Location"])
    assert result["Cache-Control"].startswith("max-age=0") or "no-cache" in result["Cache-Control"]
    body = result.content.decode()
    assert a.theme in body and b.theme in body
    assert "メールをご確認ください" in body
    assert "/trainings/me/" not in body
    states = dict(
        Registration.objects.filter(email="new@example.jp").values_list("session", "state")
    )
    assert states == {a.pk: "confirmed", b.pk: "waitlisted"}


def test_register_form_refuses_overlaps_with_a_clear_message(client: Any) -> None:
    programme = ProgrammeFactory()
    a = SessionFactory(programme=programme, start=time(9), end=time(10, 30), theme="講義A")
    b = SessionFactory(programme=programme, start=time(10), end=time(11), theme="講義B")
    response = client.post(
        reverse("trainings:programme-register", args=[programme.slug]), form_data(a, b)
    )
    assert response.status_code == 200
    assert "「講義A」と「講義B」は時間が重なっています" in response.content.decode()
    assert Registration.objects.count() == 0


def test_same_email_twice_gives_the_same_answer_as_a_new_one_and_keeps_one_place(
    client: Any,
) -> None:
    session = SessionFactory()
    register(session, 1)
    url = reverse("trainings:programme-register", args=[session.programme.slug])
    known = client.post(url, form_data(session, email="p1@example.jp"))
    unknown = client.post(url, form_data(session, email="nobody@example.jp"))
    assert known.status_code == unknown.status_code == 302

    def page(response: Any) -> str:  # without the per-request CSRF token and signed link
        html = client.get(response["Location"]).content.decode()
        return re.sub(r'(value|href)="[^"]*"', "", html)

    known_page, unknown_page = page(known), page(unknown)
    assert known_page == unknown_page
    assert "既に申し込まれています" not in known_page
    assert session.registrations.filter(email="p1@example.jp").count() == 1


@pytest.mark.parametrize(
    ("opens", "closes", "text"), [(2, 9, "申込受付は"), (-9, -2, "終了しました")]
)
def test_register_form_outside_the_window_says_why_it_is_closed(
    client: Any, opens: int, closes: int, text: str
) -> None:
    today = timezone.localdate()
    programme = ProgrammeFactory(
        application_opens_on=today + timedelta(days=opens),
        application_closes_on=today + timedelta(days=closes),
    )
    session = SessionFactory(programme=programme)
    url = reverse("trainings:programme-register", args=[programme.slug])
    body = client.get(url).content.decode()
    assert "現在は申込を受け付けていません" in body and text in body
    client.post(url, form_data(session))
    assert Registration.objects.count() == 0


def test_me_page_lists_places_and_cancels_with_promotion(client: Any) -> None:
    session = SessionFactory(capacity=1)
    mine = register(session, 1)
    waiting = register(session, 2)
    url = reverse("trainings:me", args=[me_token_make(email="p1@example.jp")])
    response = client.get(url)
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert session.theme in response.content.decode()
    # The first press only asks; nothing changes until it is confirmed.
    ask = client.post(url, {"registration": mine.pk, "action": "cancel"})
    assert ask.status_code == 200 and "キャンセルしますか" in ask.content.decode()
    mine.refresh_from_db()
    assert mine.state == "confirmed"
    done = client.post(url, {"registration": mine.pk, "action": "cancel", "confirm": "1"})
    assert done.status_code == 302
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.state == "cancelled" and waiting.state == "confirmed"
    # Undo before the start: the seat went to the next person, so back on the waiting list.
    client.post(url, {"registration": mine.pk, "action": "restore"})
    mine.refresh_from_db()
    assert mine.state == "waitlisted"


def test_me_page_cannot_cancel_someone_elses_place(client: Any) -> None:
    session = SessionFactory()
    register(session, 1)
    other = register(session, 2)
    url = reverse("trainings:me", args=[me_token_make(email="p1@example.jp")])
    data = {"registration": other.pk, "action": "cancel", "confirm": "1"}
    assert client.post(url, data).status_code == 404
    other.refresh_from_db()
    assert other.state == "confirmed"


def test_tampered_me_link_is_refused(client: Any) -> None:
    register(SessionFactory(), 1)
    token = me_token_make(email="p1@example.jp")
    forged = signing.dumps("p2@example.jp", salt="wrong", compress=True)
    for bad in (token[:-3] + "xyz", forged, "p1@example.jp"):
        response = client.get(reverse("trainings:me", args=[bad]))
        assert response.status_code == 404
        assert "このリンクは無効です" in response.content.decode()


def test_tampered_result_link_is_not_found(client: Any) -> None:
    programme = ProgrammeFactory()
    url = reverse("trainings:registration-result", args=[programme.slug, "abc:def"])
    assert client.get(url).status_code == 404


def test_questionnaire_form_accepts_one_answer(client: Any) -> None:
    registration = register(SessionFactory(), 1)
    url = reverse(
        "trainings:questionnaire", args=[questionnaire_token_make(registration_id=registration.pk)]
    )
    answers = default_answers(registration.session.programme, 5, 4, "参加したい", "事例", "")
    data = {f"q{pk}": value for pk, value in answers.items()}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 200
    assert QuestionnaireAnswer.objects.count() == 1
    assert client.get(reverse("trainings:questionnaire", args=["1:bad"])).status_code == 404


# --- Secretariat pages: permissions for every URL --------------------------------------------


def secretariat_urls(session: Session) -> list[str]:
    slug = session.programme.slug
    registration = register(session, 77)
    return [
        reverse("trainings:checkin", args=[session.pk]),
        reverse("trainings:checkin-scan", args=[session.pk, registration.checkin_token]),
        reverse("trainings:session-attendees", args=[session.pk, "csv"]),
        reverse("trainings:session-attendees", args=[session.pk, "xlsx"]),
        reverse("trainings:programme-attendees", args=[slug, "csv"]),
        reverse("trainings:programme-attendees", args=[slug, "xlsx"]),
        reverse("trainings:programme-manage", args=[slug]),
        reverse("trainings:programme-import", args=[slug]),
        reverse("trainings:questionnaire-summary", args=[slug]),
        reverse("trainings:questionnaire-session-summary", args=[slug, session.pk]),
    ]


def test_secretariat_pages_redirect_anonymous_to_login(client: Any) -> None:
    for url in secretariat_urls(SessionFactory()):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("role_client", ["member_client", "analyst_client"])
def test_secretariat_pages_forbid_other_roles(request: Any, role_client: str) -> None:
    client = request.getfixturevalue(role_client)
    for url in secretariat_urls(SessionFactory()):
        assert client.get(url).status_code == 403, url


def test_secretariat_pages_open_for_the_secretariat(secretariat_client: Any) -> None:
    for url in secretariat_urls(SessionFactory()):
        assert secretariat_client.get(url).status_code == 200, url


def test_public_pages_open_for_anyone(client: Any) -> None:
    session = SessionFactory()
    register(session, 1)
    for url in (
        reverse("trainings:programme-list"),
        reverse("trainings:programme-detail", args=[session.programme.slug]),
        reverse("trainings:programme-register", args=[session.programme.slug]),
        reverse("trainings:me", args=[me_token_make(email="p1@example.jp")]),
    ):
        assert client.get(url).status_code == 200, url


# --- Check-in --------------------------------------------------------------------------------


def test_checkin_search_by_kana_and_mark_attended(secretariat_client: Any) -> None:
    session = SessionFactory()
    target = register(session, 1)
    register(session, 2)
    url = reverse("trainings:checkin", args=[session.pk])
    body = secretariat_client.get(url, {"q": "はなこ1"}).content.decode()
    assert "見本 花子1" in body and "見本 花子2" not in body
    secretariat_client.post(url, {"registration": target.pk})
    target.refresh_from_db()
    assert target.state == "attended"


def test_checkin_qr_link_marks_attended(secretariat_client: Any) -> None:
    session = SessionFactory()
    target = register(session, 1)
    url = reverse("trainings:checkin-scan", args=[session.pk, target.checkin_token])
    assert "見本 花子1" in secretariat_client.get(url).content.decode()
    assert secretariat_client.post(url).status_code == 302
    target.refresh_from_db()
    assert target.state == "attended"


def test_checkin_walk_in_is_added_and_attended(secretariat_client: Any) -> None:
    session = SessionFactory(capacity=3)
    url = reverse("trainings:checkin", args=[session.pk])
    secretariat_client.post(url, {"walk_in": "1", "name": "飛込 太郎", "kana": "とびこみ たろう"})
    assert session.registrations.get().state == "attended"


def test_checkin_list_query_count_is_pinned(
    secretariat_client: Any, django_assert_max_num_queries: Any
) -> None:
    session = SessionFactory()
    for i in range(15):
        register(session, i, organisation_name="（サンプル）団体")
    with django_assert_max_num_queries(10):
        assert (
            secretariat_client.get(reverse("trainings:checkin", args=[session.pk])).status_code
            == 200
        )


# --- Exports ---------------------------------------------------------------------------------

EVIL = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def _evil_session() -> Session:
    session = SessionFactory(theme="=cmd|' /C calc'!A0")
    for i, evil in enumerate(EVIL):
        registrations_create(
            session_ids=[session.pk],
            applicant=Applicant(
                name=evil, kana=evil, email=f"e{i}@example.jp", phone=evil, organisation_name=evil
            ),
        )
    return session


def _assert_neutralised(rows: list[list[Any]]) -> None:
    for row in rows:
        for cell in row:
            if isinstance(cell, str):
                assert not cell.startswith(DANGEROUS_PREFIXES), repr(cell)


def test_attendee_csv_has_bom_and_every_cell_is_neutralised(secretariat_client: Any) -> None:
    session = _evil_session()
    for url in (
        reverse("trainings:session-attendees", args=[session.pk, "csv"]),
        reverse("trainings:programme-attendees", args=[session.programme.slug, "csv"]),
    ):
        response = secretariat_client.get(url)
        assert response["Content-Type"].startswith("text/csv")
        assert response.content.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][0] == "講座番号"
        assert len(rows) == 1 + len(EVIL)
        _assert_neutralised(rows)
        assert any(cell == '\'=HYPERLINK("http://x")' for row in rows for cell in row)
        # Real numbers stay numbers (講座番号).
        assert rows[1][0] == str(session.number)


def test_attendee_xlsx_every_cell_is_text_not_formula(secretariat_client: Any) -> None:
    session = _evil_session()
    for url in (
        reverse("trainings:session-attendees", args=[session.pk, "xlsx"]),
        reverse("trainings:programme-attendees", args=[session.programme.slug, "xlsx"]),
    ):
        response = secretariat_client.get(url)
        workbook = load_workbook(io.BytesIO(response.content))
        rows = [list(r) for ws in workbook.worksheets for r in ws.iter_rows(values_only=True)]
        assert len(rows) == 1 + len(EVIL)
        _assert_neutralised(rows)
        for ws in workbook.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f"
        assert isinstance(rows[1][0], int)


def test_attendee_xlsx_dates_are_excel_dates_and_sheets_are_named_by_lecture(
    secretariat_client: Any,
) -> None:
    programme = ProgrammeFactory()
    theme = "ひきこもり支援：家族と本人に寄り添う/つながり続ける関わり方の基本"
    first = SessionFactory(programme=programme, number=1, theme=theme, start=time(9))
    SessionFactory(programme=programme, number=2, theme=theme, start=time(11))
    registration = register(first, 1)
    book = load_workbook(
        io.BytesIO(
            secretariat_client.get(
                reverse("trainings:programme-attendees", args=[programme.slug, "xlsx"])
            ).content
        )
    )
    names = book.sheetnames
    assert len(names) == 2 and names[0] != names[1]
    assert all(len(n) <= 31 and "/" not in n and ":" not in n for n in names)
    assert names[0].startswith("1 ひきこもり支援") and names[1].startswith("2 ひきこもり支援")
    header = [c.value for c in book[names[0]][1]]
    day = book[names[0]].cell(2, header.index("日付") + 1)
    registered = book[names[0]].cell(2, header.index("申込日時") + 1)
    assert day.is_date and day.value.date() == first.date
    local = timezone.localtime(registration.created_at).replace(tzinfo=None, microsecond=0)
    assert registered.is_date and registered.value == local
    one = load_workbook(
        io.BytesIO(
            secretariat_client.get(
                reverse("trainings:session-attendees", args=[first.pk, "xlsx"])
            ).content
        )
    )
    assert one.sheetnames == [names[0]]
    # CSV keeps ISO text.
    body = secretariat_client.get(
        reverse("trainings:session-attendees", args=[first.pk, "csv"])
    ).content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(body)))[1][1] == first.date.isoformat()


def test_unknown_export_format_is_not_found(secretariat_client: Any) -> None:
    session = SessionFactory()
    assert (
        secretariat_client.get(f"/trainings/session/{session.pk}/attendees.pdf").status_code == 404
    )


# --- Counts and questionnaire summary --------------------------------------------------------


def test_programme_counts_page(secretariat_client: Any) -> None:
    session = SessionFactory(capacity=1)
    register(session, 1)
    register(session, 2)
    body = secretariat_client.get(
        reverse("trainings:programme-manage", args=[session.programme.slug])
    ).content.decode()
    assert "所属別" in body and "活動分野別" in body


def test_questionnaire_summary_shows_means_and_chart_data(secretariat_client: Any) -> None:
    session = SessionFactory()
    for i, (s, u) in enumerate([(5, 4), (3, 2)]):
        registration = register(session, i)
        questionnaire_answer_submit(
            registration_id=registration.pk,
            answers=default_answers(session.programme, s, u, "参加したい"),
        )
    response = secretariat_client.get(
        reverse(
            "trainings:questionnaire-session-summary", args=[session.programme.slug, session.pk]
        )
    )
    body = response.content.decode()
    satisfaction, usefulness, *_others = response.context["summary"].questions
    assert (satisfaction.mean, usefulness.mean) == (4, 3)
    assert 'id="questionnaire-data"' in body
    assert "questionnaire_chart.js" in body
    assert "<script>" not in body


@pytest.mark.django_db(transaction=True)
def test_supporter_flow_mail_with_calendar_cancel_from_link_promotes_and_mails(
    client: Any, mailoutbox: list[Any]
) -> None:
    """Done-when: register, get the mail with the .ics, cancel from its link, next one is mailed."""
    import re

    session = SessionFactory(capacity=1)
    url = reverse("trainings:programme-register", args=[session.programme.slug])
    client.post(url, form_data(session, email="first@example.jp"))
    client.post(url, form_data(session, email="second@example.jp"))
    confirmation = next(m for m in mailoutbox if m.to == ["first@example.jp"])
    assert "受講が確定しました" in confirmation.subject
    assert any(name == "invite.ics" for name, _c, _m in confirmation.attachments)
    link = re.search(r"https?://\S+/trainings/me/\S+/", confirmation.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    mine = Registration.objects.get(email="first@example.jp")
    data = {"registration": mine.pk, "action": "cancel", "confirm": "1"}
    assert client.post("/" + path, data).status_code == 302
    promoted = [m for m in mailoutbox if m.to == ["second@example.jp"] and "繰り上げ" in m.subject]
    assert len(promoted) == 1
    assert Registration.objects.get(email="second@example.jp").state == "confirmed"
    cancelled = [
        m for m in mailoutbox if m.to == ["first@example.jp"] and "キャンセル" in m.subject
    ]
    assert len(cancelled) == 1


@pytest.mark.django_db(transaction=True)
def test_registration_succeeds_while_the_broker_is_down_and_mail_follows(
    client: Any, mailoutbox: list[Any]
) -> None:
    """Redis down: the supporter still gets their place; the e-mail waits in the outbox."""
    from unittest import mock

    from kombu.exceptions import OperationalError

    from kitakyushu_pf.models import OutboxEmail
    from kitakyushu_pf.tasks import outbox_relay

    programme = ProgrammeFactory()
    session = SessionFactory(programme=programme, capacity=5)
    with mock.patch(
        "kitakyushu_pf.tasks.outbox_send.delay", side_effect=OperationalError("broker down")
    ):
        response = client.post(
            reverse("trainings:programme-register", args=[programme.slug]), form_data(session)
        )
    assert response.status_code == 302
    assert Registration.objects.get(email="new@example.jp").state == "confirmed"
    assert mailoutbox == []
    assert OutboxEmail.objects.filter(sent_at__isnull=True).count() == 1
    outbox_relay(older_than_seconds=0)  # the broker is back: the periodic relay sends it
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["new@example.jp"]
