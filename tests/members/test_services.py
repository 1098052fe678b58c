from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kitakyushu_pf.models import OutboxEmail
from members import services
from members.models import FieldOfSupport, MembershipApplication, Organisation, Person

from .conftest import World, deliver_outbox
from .factories import MembershipApplicationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

FORM = {
    "organisation_name": "NPO法人つなぐテスト",
    "organisation_kana": "ツナグテスト",
    "legal_form": "NPO法人",
    "kind": "npo",
    "description": "出所者の住まいと仕事の支援",
    "phone": "",
    "website": "https://tsunagu.example.jp/",
    "motivation": "他の団体と名前で知り合いたい",
    "contact_name": "申込 次郎",
    "contact_kana": "モウシコミ ジロウ",
    "contact_role": "代表理事",
    "contact_email": "jiro@example.jp",
    "contact_phone": "080-1234-5678",
    "contact_listed_by_name": "on",
    "consent_privacy": "on",
}


def _form_data() -> dict[str, Any]:
    fields = list(
        FieldOfSupport.objects.filter(slug__in=["housing", "reentry"]).values_list("pk", flat=True)
    )
    return {**FORM, "fields": [str(pk) for pk in fields]}


def test_application_approved_in_the_admin_appears_in_directory_and_onboarding(
    secretariat_user: Any,
    member_user: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.test import Client

    client, secretariat_client, member_client = Client(), Client(), Client()
    secretariat_client.force_login(secretariat_user)
    member_client.force_login(member_user)
    data = _form_data()
    # 1. The form shows a confirmation page first; nothing is stored yet.
    response = client.post(reverse("members:application-create"), data)
    assert response.status_code == 200
    assert "members/application_confirm.html" in [t.name for t in response.templates]
    assert "申込内容の確認" in response.content.decode()
    assert not MembershipApplication.objects.exists()
    # 2. Sending it stores the application and acknowledges it by e-mail.
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("members:application-create"), {**data, "action": "submit"})
    assert response.status_code == 302
    assert response["Location"] == reverse("members:application-done")
    application = MembershipApplication.objects.get()
    assert application.status == MembershipApplication.Status.SUBMITTED
    assert set(application.fields.values_list("slug", flat=True)) == {"housing", "reentry"}
    assert len(callbacks) == 1  # the e-mail task is dispatched after commit
    assert deliver_outbox() == 1
    assert [m.to for m in mailoutbox] == [["jiro@example.jp"]]
    assert "受け付けました" in mailoutbox[0].subject

    # 3. The secretariat approves it with the admin action.
    changelist = reverse("admin:members_membershipapplication_changelist")
    with django_capture_on_commit_callbacks() as callbacks:
        response = secretariat_client.post(
            changelist, {"action": "approve", "_selected_action": [application.pk]}
        )
    assert response.status_code == 302
    assert len(callbacks) == 1
    assert deliver_outbox() == 1
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.APPROVED
    organisation = application.organisation
    assert organisation is not None and organisation.status == Organisation.Status.MEMBER
    assert organisation.joined_on is not None
    person = organisation.people.get()
    assert (person.name, person.email, person.is_contact) == ("申込 次郎", "jiro@example.jp", True)
    assert len(mailoutbox) == 2 and mailoutbox[1].to == ["jiro@example.jp"]
    assert "ようこそ" in mailoutbox[1].subject
    assert "NPO法人つなぐテスト" in mailoutbox[1].body

    # 4. Members find the new organisation and its person.
    html = member_client.get(
        reverse("members:person-directory") + "?field=reentry"
    ).content.decode()
    assert "申込 次郎" in html and "NPO法人つなぐテスト" in html
    html = member_client.get(reverse("members:organisation-onboarding")).content.decode()
    assert "NPO法人つなぐテスト" in html and "新メンバー" in html
    assert (
        "NPO法人つなぐテスト" in client.get(reverse("members:organisation-list")).content.decode()
    )


def test_validation_error_keeps_every_field_typed_and_is_in_japanese(client: Any) -> None:
    data = _form_data()
    data["contact_email"] = "not-an-email"
    del data["consent_privacy"]
    response = client.post(reverse("members:application-create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "有効なメールアドレスを入力してください。" in html
    assert "同意にチェックを入れてください" in html
    for key, value in FORM.items():
        if key in {"kind", "contact_listed_by_name", "consent_privacy", "contact_email"}:
            continue
        assert f'value="{value}"' in html or f"{value}</textarea>" in html, key
    assert 'value="not-an-email"' in html
    form = response.context["form"]
    assert form["kind"].value() == "npo"
    assert form["contact_listed_by_name"].value() is True
    assert sorted(form["fields"].value()) == sorted(data["fields"])
    assert html.count("checked") >= 3  # two fields of support and the consent to be listed
    assert not MembershipApplication.objects.exists()


def test_back_from_the_confirmation_page_keeps_everything(client: Any) -> None:
    data = _form_data()
    response = client.post(reverse("members:application-create"), {**data, "action": "back"})
    html = response.content.decode()
    assert "members/application_form.html" in [t.name for t in response.templates]
    assert 'value="申込 次郎"' in html and "他の団体と名前で知り合いたい</textarea>" in html


def test_missing_fields_give_japanese_errors(client: Any) -> None:
    html = client.post(reverse("members:application-create"), {}).content.decode()
    assert "このフィールドは必須です。" in html
    assert "支援分野を1つ以上選んでください。" in html


def test_decline_needs_a_reason_and_tells_the_applicant(
    secretariat_user: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    application = MembershipApplicationFactory()
    with pytest.raises(ValidationError):
        services.application_decline(application=application, reviewer=secretariat_user, reason=" ")
    with django_capture_on_commit_callbacks() as callbacks:
        services.application_decline(
            application=application, reviewer=secretariat_user, reason="活動地域が市外のため"
        )
    assert len(callbacks) == 1
    deliver_outbox()
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.DECLINED
    assert application.reviewer == secretariat_user
    assert "活動地域が市外のため" in mailoutbox[-1].body
    assert not Organisation.objects.filter(name=application.organisation_name).exists()


def test_decline_action_in_the_admin_asks_for_reasons(
    secretariat_client: Any, mailoutbox: list[Any]
) -> None:
    application = MembershipApplicationFactory()
    url = reverse("admin:members_membershipapplication_changelist")
    response = secretariat_client.post(
        url, {"action": "decline", "_selected_action": [application.pk]}
    )
    assert response.status_code == 200 and "理由" in response.content.decode()
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.SUBMITTED
    response = secretariat_client.post(
        url,
        {"action": "decline", "_selected_action": [application.pk], "apply": "1",
         "reason": "定員のため"},
    )  # fmt: skip
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.DECLINED
    assert application.decision_reason == "定員のため"


def test_a_decided_application_cannot_be_decided_again(secretariat_user: Any) -> None:
    application = MembershipApplicationFactory()
    services.application_review_start(application=application, reviewer=secretariat_user)
    services.application_approve(application=application, reviewer=secretariat_user)
    with pytest.raises(ValidationError):
        services.application_approve(application=application, reviewer=secretariat_user)
    with pytest.raises(ValidationError):
        services.application_decline(application=application, reviewer=secretariat_user, reason="x")
    assert Organisation.objects.filter(name=application.organisation_name).count() == 1
    assert OutboxEmail.objects.filter(key__startswith="members:application-approved:").count() == 1


def test_approval_refuses_a_duplicate_name_and_changes_nothing(secretariat_user: Any) -> None:
    OrganisationFactory(name="NPO法人同名")
    application = MembershipApplicationFactory(organisation_name="NPO法人同名")
    with pytest.raises(ValidationError):
        services.application_approve(application=application, reviewer=secretariat_user)
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.SUBMITTED
    assert Person.objects.count() == 0


def _export_rows(client: Any, action: str) -> str:
    url = reverse("admin:members_organisation_changelist")
    pks = list(Organisation.objects.values_list("pk", flat=True))
    response = client.post(url, {"action": action, "_selected_action": pks})
    assert response.status_code == 200
    return response


def test_csv_export_respects_consent(world: World) -> None:
    response = _export_rows(world.clients["secretariat"], "export_csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "住田 明" in text and world.person_a.email in text and world.person_a.phone in text
    assert "事務局長" in text
    assert "秘密" not in text and "hidden@example.jp" not in text and "080-9999-0000" not in text
    assert "団体A" in text and "団体B" in text


def test_xlsx_export_respects_consent(world: World) -> None:
    import io

    from openpyxl import load_workbook

    response = _export_rows(world.clients["secretariat"], "export_xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
    assert "住田 明" in cells and world.person_a.email in cells
    assert "事務局長" in cells
    assert not {"秘密 花子", "hidden@example.jp", "080-9999-0000"} & cells


def test_members_cannot_use_the_admin_export(world: World) -> None:
    url = reverse("admin:members_organisation_changelist")
    response = world.clients["member_a"].post(
        url, {"action": "export_csv", "_selected_action": [world.org_a.pk]}
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- The secretariat's decisions (applications and window changes alike) ---------------------


def _window_proposal() -> Any:
    from members.models import WindowProposal

    return WindowProposal.objects.create(
        organisation=OrganisationFactory(), data={"name": "夜の居場所", "languages": "日本語"}
    )


def _decide(kind: str, item: Any, *, approve: bool, reviewer: Any, reason: str) -> Any:
    from members import windows

    if kind == "application":
        verb = services.application_approve if approve else services.application_decline
        verb(application=item, reviewer=reviewer, reason=reason)
    else:
        verb = windows.window_approve if approve else windows.window_decline
        verb(proposal=item, reviewer=reviewer, reason=reason)
    item.refresh_from_db()
    return item


MAKERS = {"application": MembershipApplicationFactory, "window": _window_proposal}


@pytest.mark.parametrize("kind", MAKERS)
@pytest.mark.parametrize("approve", [True, False])
def test_a_decision_records_who_when_and_the_reasons(
    kind: str, approve: bool, secretariat_user: Any
) -> None:
    item = _decide(
        kind, MAKERS[kind](), approve=approve, reviewer=secretariat_user, reason="  理由です  "
    )
    decided = item.status if kind == "application" else item.state
    assert decided == ("approved" if approve else "declined")
    assert item.reviewer == secretariat_user and item.reviewed_at is not None
    assert item.decision_reason == "理由です"


@pytest.mark.parametrize("kind", MAKERS)
def test_declining_without_reasons_is_refused_and_changes_nothing(
    kind: str, secretariat_user: Any
) -> None:
    item = MAKERS[kind]()
    with pytest.raises(ValidationError) as refused:
        _decide(kind, item, approve=False, reviewer=secretariat_user, reason="  ")
    assert list(refused.value.message_dict) == ["decision_reason"]
    item.refresh_from_db()
    assert item.reviewed_at is None and item.reviewer is None


@pytest.mark.parametrize("kind", MAKERS)
def test_a_decided_request_cannot_be_decided_again(kind: str, secretariat_user: Any) -> None:
    item = _decide(kind, MAKERS[kind](), approve=False, reviewer=secretariat_user, reason="市外")
    with pytest.raises(ValidationError, match="すでに決定済み"):
        _decide(kind, item, approve=True, reviewer=secretariat_user, reason="")


def test_application_mail_to_a_typed_address_quotes_the_typed_names_short(
    mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    """A stranger applies with someone else's address and writes the text of the mail into the
    name fields: the city's text comes first; the names only below, quoted and shortened."""
    from django.test import Client

    evil_name = "ご本人確認のため https://evil.example/login へ" + "あ" * 60
    evil_org = "【重要】口座の確認が必要です https://evil.example/ " + "い" * 150
    data = {
        **_form_data(),
        "contact_name": evil_name,
        "organisation_name": evil_org,
        "contact_email": "victim@example.jp",
        "action": "submit",
    }
    stranger = Client(REMOTE_ADDR="198.51.100.20")
    with django_capture_on_commit_callbacks(execute=True):
        assert stranger.post(reverse("members:application-create"), data).status_code == 302
    deliver_outbox()
    (message,) = [m for m in mailoutbox if "victim@example.jp" in m.to]
    assert message.body.startswith("このメールは")
    assert "「ご本人確認のため" in message.body and "「【重要】口座の確認" in message.body
    assert "あ" * 40 not in message.body and "い" * 40 not in message.body
