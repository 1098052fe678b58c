import logging
from typing import Any

import pytest
from django.urls import reverse

from members.models import CouncilMeeting, Organisation, Person

from .conftest import World

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "member_a", "member_b", "secretariat", "analyst")


def _expect(expected: dict[str, int], response: Any, role: str) -> None:
    code = expected[role]
    assert response.status_code == code, (role, response.status_code)
    if code == 302 and role == "anonymous":
        assert reverse("login") in response["Location"]


PUBLIC = dict.fromkeys(ROLES, 200)
MEMBERS_ONLY = {**dict.fromkeys(ROLES, 200), "anonymous": 302, "analyst": 403}
OWN_ORG_A = {
    "anonymous": 302, "member_a": 200, "member_b": 403, "secretariat": 200, "analyst": 403,
}  # fmt: skip
SECRETARIAT_ONLY = {**dict.fromkeys(ROLES, 403), "anonymous": 302, "secretariat": 200}


def _pages(w: World) -> list[tuple[str, dict[str, int]]]:
    meeting = CouncilMeeting.objects.get()
    return [
        (reverse("members:organisation-list"), PUBLIC),
        (reverse("members:application-create"), PUBLIC),
        (reverse("members:application-done"), PUBLIC),
        (reverse("members:person-directory"), MEMBERS_ONLY),
        (reverse("members:person-directory") + "?field=housing", MEMBERS_ONLY),
        (reverse("members:organisation-onboarding"), MEMBERS_ONLY),
        (reverse("members:meeting-list"), MEMBERS_ONLY),
        (reverse("members:meeting-detail", args=[meeting.pk]), MEMBERS_ONLY),
        (reverse("members:organisation-detail", args=[w.org_a.pk]), MEMBERS_ONLY),
        (reverse("members:organisation-detail", args=[w.org_b.pk]), MEMBERS_ONLY),
        (reverse("members:organisation-edit", args=[w.org_a.pk]), OWN_ORG_A),
        (reverse("members:person-create", args=[w.org_a.pk]), OWN_ORG_A),
        (reverse("members:person-edit", args=[w.org_a.pk, w.person_a.pk]), OWN_ORG_A),
        (reverse("members:organisation-stale"), SECRETARIAT_ONLY),
    ]


def test_permission_matrix_for_every_page(world: World) -> None:
    for url, expected in _pages(world):
        for role in ROLES:
            _expect(expected, world.clients[role].get(url), role)


def test_admin_only_for_the_secretariat(world: World) -> None:
    for model in ("organisation", "person", "councilmeeting", "membershipapplication"):
        url = reverse(f"admin:members_{model}_changelist")
        assert world.clients["secretariat"].get(url).status_code == 200
        for role in ("anonymous", "member_a", "analyst"):
            response = world.clients[role].get(url)
            assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_edits_of_organisation_a_by_every_role(world: World) -> None:
    url = reverse("members:organisation-edit", args=[world.org_a.pk])
    data = {"kana": "ダンタイエー", "description": "新しい説明", "phone": "093-000-1111"}
    expected = {"anonymous": 302, "member_b": 403, "analyst": 403, "member_a": 302,
                "secretariat": 302}  # fmt: skip
    for role in ("anonymous", "member_b", "analyst"):
        _expect(expected, world.clients[role].post(url, data), role)
        world.org_a.refresh_from_db()
        assert world.org_a.description == "テスト用の団体"
    for role in ("member_a", "secretariat"):
        data["description"] = f"{role}が更新"
        response = world.clients[role].post(url, data)
        assert response.status_code == 302
        world.org_a.refresh_from_db()
        assert world.org_a.description == f"{role}が更新"


def test_person_edits_by_every_role(world: World) -> None:
    create = reverse("members:person-create", args=[world.org_a.pk])
    edit = reverse("members:person-edit", args=[world.org_a.pk, world.hidden_a.pk])
    delete = reverse("members:person-delete", args=[world.org_a.pk, world.hidden_a.pk])
    new = {"name": "新人 さん", "kana": "シンジン", "role": "相談員", "listed_by_name": "on"}
    for role in ("anonymous", "member_b", "analyst"):
        assert world.clients[role].post(create, new).status_code in (302, 403)
        assert world.clients[role].post(edit, {**new, "name": "乗っ取り"}).status_code in (302, 403)
        assert world.clients[role].post(delete).status_code in (302, 403)
        assert world.clients[role].post(create, new).status_code == (
            302 if role == "anonymous" else 403
        )
    assert not Person.objects.filter(name__in=["新人 さん", "乗っ取り"]).exists()
    assert Person.objects.filter(pk=world.hidden_a.pk).exists()

    a = world.clients["member_a"]
    assert a.post(create, new).status_code == 302
    assert Person.objects.filter(organisation=world.org_a, name="新人 さん").exists()
    assert a.post(edit, {**new, "name": "改名 さん"}).status_code == 302
    world.hidden_a.refresh_from_db()
    assert world.hidden_a.name == "改名 さん"
    assert a.post(delete).status_code == 302
    assert not Person.objects.filter(pk=world.hidden_a.pk).exists()


def test_person_of_another_organisation_is_not_found_under_mine(world: World) -> None:
    url = reverse("members:person-edit", args=[world.org_a.pk, world.person_b.pk])
    assert world.clients["member_a"].get(url).status_code == 404
    assert world.clients["member_a"].post(url, {"name": "x"}).status_code == 404
    world.person_b.refresh_from_db()
    assert world.person_b.name == "別府 一"


def test_denied_edit_is_logged(world: World, caplog: Any) -> None:
    url = reverse("members:organisation-edit", args=[world.org_a.pk])
    with caplog.at_level(logging.WARNING, logger="kitakyushu_pf.security"):
        assert world.clients["member_b"].get(url).status_code == 403
    records = [r for r in caplog.records if r.name == "kitakyushu_pf.security"]
    assert len(records) == 1 and str(world.org_a.pk) in records[0].getMessage()


def test_directory_answers_housing_for_a_released_prisoner_by_name(world: World) -> None:
    client = world.clients["member_b"]
    html = client.get(reverse("members:organisation-list")).content.decode()
    chip = reverse("members:person-directory") + "?field=reentry"
    assert f'href="{chip}"' in html  # click 1 from the member list
    html = client.get(chip).content.decode()
    assert "住田 明" in html and "出所した人の住まい探し" in html
    assert world.person_a.email in html and world.person_a.phone in html
    assert world.org_a.get_absolute_url() in html  # click 2 opens the organisation


def test_directory_by_field_shows_non_consenting_people_by_role_only(world: World) -> None:
    html = (
        world.clients["member_a"]
        .get(reverse("members:person-directory") + "?field=housing")
        .content.decode()
    )
    assert "事務局長" in html
    assert "秘密" not in html and "ヒミツ" not in html
    assert "hidden@example.jp" not in html and "080-9999-0000" not in html
    assert world.org_a.phone in html  # reach them through the organisation


def test_directory_by_kana_in_hiragana_or_katakana(world: World) -> None:
    url = reverse("members:person-directory")
    client = world.clients["member_a"]
    for q in ("すみだ", "スミダ", "ｽﾐﾀﾞ"):
        html = client.get(url, {"q": q}).content.decode()
        assert "住田 明" in html, q
        assert "別府 一" not in html
    # A non-consenting person cannot be found by their name.
    html = client.get(url, {"q": "ヒミツ"}).content.decode()
    assert "事務局長" not in html
    assert "0" in html
    # ... but by what they can be asked about.
    assert "事務局長" in client.get(url, {"q": "会計"}).content.decode()


def test_organisation_page_shows_people_with_consent_respected(world: World) -> None:
    html = world.clients["member_b"].get(world.org_a.get_absolute_url()).content.decode()
    assert "住田 明" in html and world.person_a.email in html
    assert "事務局長" in html and "秘密" not in html and "hidden@example.jp" not in html
    assert reverse("members:organisation-edit", args=[world.org_a.pk]) not in html
    own = world.clients["member_a"].get(world.org_a.get_absolute_url()).content.decode()
    assert reverse("members:organisation-edit", args=[world.org_a.pk]) in own


def test_public_pages_show_no_person_contact_details(world: World, client: Any) -> None:
    for url in (
        reverse("members:organisation-list"),
        reverse("members:application-create"),
        reverse("members:application-done"),
        "/",
    ):
        html = client.get(url).content.decode()
        for person in Person.objects.all():
            assert person.email not in html, (url, person.email)
            assert person.phone not in html, (url, person.phone)
            assert person.name not in html
    html = client.get(reverse("members:organisation-list")).content.decode()
    assert "団体A" in html and world.org_a.phone in html


def test_public_list_hides_applicants_and_former_members(world: World, client: Any) -> None:
    Organisation.objects.filter(pk=world.org_b.pk).update(status=Organisation.Status.FORMER)
    html = client.get(reverse("members:organisation-list")).content.decode()
    assert "団体A" in html and "団体B" not in html


def test_onboarding_lists_every_member_with_people_and_marks_new_ones(world: World) -> None:
    from django.utils import timezone

    Organisation.objects.filter(pk=world.org_b.pk).update(joined_on=timezone.localdate())
    html = (
        world.clients["member_a"].get(reverse("members:organisation-onboarding")).content.decode()
    )
    assert html.index("団体B") < html.index("団体A")  # newest first
    assert html.count("新メンバー") == 1
    assert "住田 明" in html and "別府 一" in html and "秘密" not in html


def test_pages_render_in_japanese(world: World) -> None:
    html = world.clients["member_a"].get(reverse("members:person-directory")).content.decode()
    assert "誰に聞く" in html
    html = world.clients["anonymous"].get(reverse("members:organisation-list")).content.decode()
    assert "加入を申し込む" in html


@pytest.mark.parametrize("extra", [0, 10])
def test_query_counts_are_pinned(world: World, extra: int, django_assert_num_queries: Any) -> None:
    from .factories import OrganisationFactory, PersonFactory

    for _ in range(extra):
        PersonFactory(organisation=OrganisationFactory(), fields=list(world.person_a.fields.all()))
    anon, member = world.clients["anonymous"], world.clients["member_a"]
    with django_assert_num_queries(3):
        anon.get(reverse("members:organisation-list"))
    # user, role check, navbar groups, the member's own organisation + the page's own queries
    with django_assert_num_queries(8):
        member.get(reverse("members:person-directory") + "?field=housing")
    # + recently joined organisations and people
    with django_assert_num_queries(11):
        member.get(reverse("members:organisation-onboarding"))
    with django_assert_num_queries(9):
        member.get(reverse("members:organisation-list"))
