"""Dates and taxonomy labels follow the reader's language, not the data's: on pages and in
e-mails."""

import re
from datetime import date, datetime, time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

BASE_DIR = Path(__file__).resolve().parents[2]
WEDNESDAY = date(2027, 1, 20)
WEDNESDAY_AFTERNOON = datetime(2027, 1, 20, 14, 5, tzinfo=ZoneInfo("Asia/Tokyo"))


def render(source: str, **context: Any) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("style", "ja", "en"),
    [
        ("day", "1月20日", "Jan 20"),
        ("day_weekday", "1月20日(水)", "Wed, Jan 20"),
        ("date_weekday", "2027年1月20日(水)", "Wed, Jan 20, 2027"),
        ("date", "2027年1月20日", "Jan 20, 2027"),
        ("month", "2027年1月", "January 2027"),
        ("datetime", "2027年1月20日 14:05", "Jan 20, 2027, 14:05"),
        ("time", "14:05", "14:05"),
    ],
)
def test_local_date_speaks_the_readers_language(style: str, ja: str, en: str) -> None:
    source = "{{ d|local_date:'" + style + "' }}"  # a built-in filter: no {% load %}
    value = WEDNESDAY_AFTERNOON if style in ("datetime", "time") else WEDNESDAY
    with translation.override("ja"):
        assert render(source, d=value) == ja
    with translation.override("en"):
        assert render(source, d=value) == en


def test_a_time_of_day_takes_the_time_style() -> None:
    with translation.override("en"):
        assert render("{{ t|local_date:'time' }}", t=time(9, 30)) == "09:30"


@pytest.mark.parametrize(
    ("source", "ja", "en"),
    [
        ("{% local_range a b 'day' %}", "1月20日〜1月21日", "Jan 20 – Jan 21"),
        ("{% local_range a a 'day' %}", "1月20日", "Jan 20"),
        (
            "{% local_when a start end %}",
            "2027年1月20日(水) 14:00〜16:00",
            "Wed, Jan 20, 2027, 14:00 – 16:00",
        ),
        ("{% local_when a start %}", "2027年1月20日(水) 14:00", "Wed, Jan 20, 2027, 14:00"),
        ("{% local_when a None None 'date' %}", "2027年1月20日", "Jan 20, 2027"),
    ],
)
def test_spans_and_moments_speak_the_readers_language(source: str, ja: str, en: str) -> None:
    context = {"a": WEDNESDAY, "b": date(2027, 1, 21), "start": time(14), "end": time(16)}
    with translation.override("ja"):
        assert render(source, **context) == ja
    with translation.override("en"):
        assert render(source, **context) == en


# A template writes a date with local_date (or local_range / local_when), never a format of its
# own; only a bare clock time ("H:i") reads the same in every language. The audit log keeps its
# UTC timestamps to the second, as a log.
NEUTRAL_FORMATS = {'"H:i"'}
OWN_FORMAT_ALLOWED = {Path("surveys/templates/surveys/audit_log.html")}


def test_no_template_writes_a_date_in_a_format_of_its_own() -> None:
    offenders = []
    for path in sorted(BASE_DIR.glob("*/templates/**/*")):
        if path.suffix not in (".html", ".txt") or path.relative_to(BASE_DIR) in OWN_FORMAT_ALLOWED:
            continue
        text = path.read_text(encoding="utf-8")
        formats = set(re.findall(r"\|date:(\"[^\"]*\"|'[^']*')", text)) - NEUTRAL_FORMATS
        if formats or "月j日" in text or '"Y年n月' in text or "}}〜{{" in text:
            offenders.append(f"{path.relative_to(BASE_DIR)}: {sorted(formats)}")
    assert offenders == []


@pytest.mark.django_db
def test_english_programme_pages_have_no_japanese_dates(client: Client) -> None:
    from tests.trainings.factories import SessionFactory

    session = SessionFactory(date=WEDNESDAY)
    client.cookies["django_language"] = "en"
    detail = client.get(reverse("trainings:programme-detail", args=[session.programme.slug]))
    html = detail.content.decode()
    assert "Wed, Jan 20" in html
    assert "1月20日" not in html and "(Wed)" not in html
    listing = client.get(reverse("trainings:programme-list")).content.decode()
    assert "月" not in listing.split("<main", 1)[-1].split(session.programme.title)[-1][:200]


@pytest.mark.django_db
def test_fields_and_wards_are_labelled_in_the_readers_language() -> None:
    from members.models import FieldOfSupport, Ward

    housing = FieldOfSupport.objects.get(slug="housing")
    moji = Ward.objects.get(code="moji")
    with translation.override("ja"):
        assert (str(housing), moji.label) == ("居住", "門司区")
    with translation.override("en"):
        assert (str(housing), moji.label) == ("Housing", "Moji Ward")


@pytest.mark.django_db
def test_the_public_member_list_labels_fields_in_english(client: Client) -> None:
    from members.models import FieldOfSupport, Ward
    from tests.members.factories import OrganisationFactory

    organisation = OrganisationFactory()
    organisation.fields.set(FieldOfSupport.objects.filter(slug="housing"))
    organisation.wards.set(Ward.objects.filter(code="moji"))
    client.cookies["django_language"] = "en"
    html = client.get(reverse("members:organisation-list")).content.decode()
    assert "Housing" in html and "Moji Ward" in html
    assert "居住" not in html and "門司区" not in html


# --- E-mails ----------------------------------------------------------------------------------


def _registration(language: str) -> Any:
    from tests.trainings.factories import RegistrationFactory, SessionFactory

    session = SessionFactory(date=WEDNESDAY, start=time(14), end=time(16))
    return RegistrationFactory(session=session, language=language, email=f"{language}@example.jp")


TRAININGS_KINDS = (
    "confirmed", "waitlisted", "promoted", "cancelled", "reminder", "questionnaire", "attempt"
)  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("kind", TRAININGS_KINDS)
@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("ja", "日時: 2027年1月20日(水) 14:00〜16:00"),
        ("en", "Date: Wed, Jan 20, 2027, 14:00 – 16:00"),
    ],
)
def test_training_mails_date_the_session_in_the_recipients_language(
    kind: str, language: str, line: str
) -> None:
    from kitakyushu_pf.models import OutboxEmail
    from kitakyushu_pf.services import email_key
    from trainings.services import registration_mail_render

    registration = _registration(language)
    email = OutboxEmail(key=email_key("trainings", kind, registration.pk), to=[registration.email])
    rendered = registration_mail_render(email)
    assert rendered is not None
    assert line in rendered.body.splitlines()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "text"),
    [("ja", "（2027年2月19日まで有効）"), ("en", "(valid until Feb 19, 2027)")],
)
def test_the_links_mail_dates_the_links_in_the_recipients_language(
    language: str, text: str, settings: Any
) -> None:
    from kitakyushu_pf.models import OutboxEmail
    from kitakyushu_pf.services import email_key
    from trainings import links
    from trainings.services import registration_mail_render

    settings.TRAININGS_ME_LINK_DAYS = 30
    registration = _registration(language)
    links.me_link_ensure(email=registration.email, programme=registration.session.programme)
    email = OutboxEmail(key=email_key("trainings", "links", "1"), to=[registration.email])
    rendered = registration_mail_render(email)
    assert rendered is not None
    assert text in rendered.body


MEMBERS_MAILS = {
    "members/email/meeting_notice.txt": {
        "ja": "日時： 2027年1月20日(水) 14:00",
        "en": "Date: Wed, Jan 20, 2027, 14:00",
    },
    "members/email/meeting_reminder.txt": {
        "ja": "日時： 2027年1月20日(水) 14:00",
        "en": "Date: Wed, Jan 20, 2027, 14:00",
    },
    "members/email/freshness_reminder.txt": {
        "ja": "2027年1月20日 に確認されたのが最後です",
        "en": "was last confirmed on Jan 20, 2027.",
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("template", MEMBERS_MAILS)
@pytest.mark.parametrize("language", ["ja", "en"])
def test_member_mails_date_in_the_recipients_language(template: str, language: str) -> None:
    from kitakyushu_pf.services import email_render
    from tests.members.factories import CouncilMeetingFactory, OrganisationFactory, PersonFactory

    organisation = OrganisationFactory(last_confirmed_at=WEDNESDAY_AFTERNOON)
    context = {
        "meeting": CouncilMeetingFactory(held_on=WEDNESDAY, starts_at=time(14), place="AIM"),
        "person": PersonFactory(organisation=organisation),
        "organisation": organisation,
        "link": "https://tsunagaru.example.jp/x/",
    }
    _subject, body = email_render(
        template=template, context=context, subject="s", language=language
    )
    assert MEMBERS_MAILS[template][language] in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "text"),
    [("ja", "申込受付は2027年1月20日からです。"), ("en", "Applications open on Jan 20, 2027.")],
)
def test_the_application_window_message_dates_in_the_readers_language(
    language: str, text: str
) -> None:
    from tests.trainings.factories import ProgrammeFactory
    from trainings.services import window_error

    programme = ProgrammeFactory(application_opens_on=WEDNESDAY, application_closes_on=WEDNESDAY)
    with translation.override(language):
        error = window_error(programme)
        assert error is not None and error.messages == [text]


# --- Every page -------------------------------------------------------------------------------

JAPANESE_DATE = re.compile(
    r"\d{1,2}月\d{1,2}日|\d{4}年\d{1,2}月|日\((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\)"
)
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# The Japanese wave dash between two times or two English dates (not in 「16〜19歳」, content).
WAVE_DASH_IN_A_SPAN = re.compile(r"(?:\d:\d\d|[A-Z][a-z]{2}\.? \d{1,2}(?:, \d{4})?) ?〜")
# Pages whose dates are quoted as written: the sources of the handbook's schemes and of the
# national figures (data, not the portal's own dates), and the audit log's UTC timestamps.
QUOTED_DATES = ("/handbook/s/", "/surveys/national/", "/surveys/audit/")


class _VisibleText(HTMLParser):
    HIDDEN = {"script", "style", "textarea", "code", "pre"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.hidden += tag in self.HIDDEN

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in self.HIDDEN and self.hidden > 0

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def date_offences(text: str, language: str) -> list[str]:
    patterns = [JAPANESE_DATE, WAVE_DASH_IN_A_SPAN] if language == "en" else [ISO_DATE]
    return [
        text[max(0, m.start() - 30) : m.end() + 15]
        for pattern in patterns
        for m in pattern.finditer(text)
    ]


@pytest.mark.django_db
def test_every_page_dates_in_the_readers_language(django_user_model: Any) -> None:
    """English pages have no Japanese date (「1月20日」, 「(Wed)」 after 日, 「14:00〜」);
    Japanese pages no ISO date. The pages are those of the access tables, for every role."""
    from tests.access import OK, ROLES
    from tests.conftest import make_user
    from tests.portal.test_access_matrix import _setup_values, access_table

    entries = sorted(access_table().items())
    values = {table: _setup_values(table) for table in {t for _r, (t, _e) in entries}}
    offences: list[str] = []
    seen: set[str] = set()
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            user = make_user(
                django_user_model, f"dates-{role}", role, is_staff=role == "secretariat"
            )
            client.force_login(user)
        for _route, (table, entry) in entries:
            url = entry.url.format(**values[table])
            if entry.method != "GET" or entry.data or getattr(entry, role) != OK or url in seen:
                continue
            seen.add(url)
            if url.startswith(QUOTED_DATES):
                continue
            for language in ("ja", "en"):
                client.cookies["django_language"] = language
                if url.startswith("/handbook/"):
                    # The handbook takes its language from the URL only (?lang=), never a cookie.
                    url_in = f"{url}{'&' if '?' in url else '?'}lang={language}"
                else:
                    url_in = url
                response = client.get(url_in)
                if "text/html" not in response.get("Content-Type", ""):
                    continue
                text = visible_text(response.content.decode())
                offences += [f"{language} {url}: …{o}…" for o in date_offences(text, language)]
    assert len(seen) >= 50
    assert offences == []
