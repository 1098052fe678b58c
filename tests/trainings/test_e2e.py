from datetime import time
from pathlib import Path
from typing import Any

import pytest

from trainings.models import Registration
from trainings.services import Applicant, registrations_create

from .factories import ProgrammeFactory, SessionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots-trainings")


def test_supporter_registers_for_three_lectures_one_full(page: Any, live_server: Any) -> None:
    programme = ProgrammeFactory(title="支援者向け研修会（試験）")
    first = SessionFactory(
        programme=programme, theme="孤独・孤立対策の現状", start=time(9), end=time(10)
    )
    full = SessionFactory(
        programme=programme, theme="ゲートキーパー研修", capacity=1, start=time(10), end=time(11)
    )
    third = SessionFactory(
        programme=programme, theme="伴走型支援とは何か", start=time(11), end=time(12)
    )
    registrations_create(
        session_ids=[full.pk], applicant=Applicant(name="先着 一人", email="first@example.jp")
    )

    page.goto(f"{live_server.url}/trainings/{programme.slug}/")
    assert page.get_by_text("残り75席").first.is_visible()
    assert page.get_by_text("キャンセル待ち").first.is_visible()
    page.get_by_role("link", name="受講を申し込む").click()
    for session in (first, full, third):
        page.locator(f"#s{session.pk}").check()
    page.locator("#id_name").fill("見本 花子")
    page.locator("#id_kana").fill("みほん はなこ")
    page.locator("#id_email").fill("hanako@example.jp")
    page.get_by_role("button", name="申し込む").click()
    page.wait_for_url("**/done/**")
    # The page says what was applied for and "see your mail"; the results are in the e-mail.
    assert page.locator(".registration-results li").count() == 3
    assert page.get_by_text("メールをご確認ください。").is_visible()
    assert page.locator('a[href*="/trainings/me/"]').count() == 0
    assert Registration.objects.filter(email="hanako@example.jp", state="waitlisted").count() == 1
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "result-1280.png"), full_page=True)
    assert Registration.objects.filter(email="hanako@example.jp", state="confirmed").count() == 2
    assert page.csp_violations == []
    assert page.js_errors == []


def test_secretariat_checks_people_in_from_a_phone(
    phone_page: Any, live_server: Any, django_user_model: Any
) -> None:
    # Transactional tests flush the groups the migrations made: make the role again.
    from django.contrib.auth.models import Group

    secretariat_user = django_user_model.objects.create_user(
        username="door", password="pw-for-tests-123", is_staff=True
    )
    secretariat_user.groups.add(Group.objects.get_or_create(name="secretariat")[0])
    session = SessionFactory(theme="孤独・孤立対策の現状")
    for i, (name, kana) in enumerate(
        [("見本 花子", "みほん はなこ"), ("試験 太郎", "しけん たろう")]
    ):
        registrations_create(
            session_ids=[session.pk],
            applicant=Applicant(name=name, kana=kana, email=f"c{i}@example.jp"),
        )
    phone_page.goto(f"{live_server.url}/accounts/login/?next=/trainings/checkin/{session.pk}/")
    phone_page.locator("#id_username").fill(secretariat_user.username)
    phone_page.locator("#id_password").fill("pw-for-tests-123")
    phone_page.locator("form button[type=submit], form input[type=submit]").last.click()
    phone_page.wait_for_url(f"**/trainings/checkin/{session.pk}/")
    phone_page.locator("#q").fill("みほん")
    phone_page.get_by_role("button", name="検索").click()
    phone_page.get_by_role("button", name="受付する").click()
    assert phone_page.get_by_text("見本 花子さんを受付しました。").is_visible()
    SHOTS.mkdir(exist_ok=True)
    phone_page.screenshot(path=str(SHOTS / "checkin-390.png"), full_page=True)
    assert Registration.objects.get(email="c0@example.jp").state == "attended"
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert phone_page.csp_violations == []
