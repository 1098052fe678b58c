from typing import Any

import pytest
from django.contrib.auth.models import Group

from kitakyushu_pf.roles import ANALYST, MEMBER, ROLES, SECRETARIAT, user_has_role


@pytest.mark.django_db
def test_the_three_groups_exist_after_migrate() -> None:
    assert set(Group.objects.filter(name__in=ROLES).values_list("name", flat=True)) == set(ROLES)


@pytest.mark.django_db
def test_secretariat_can_edit_organisations_and_members_can_only_view() -> None:
    secretariat = set(
        Group.objects.get(name=SECRETARIAT).permissions.values_list("codename", flat=True)
    )
    member = set(Group.objects.get(name=MEMBER).permissions.values_list("codename", flat=True))
    assert {"add_organisation", "change_organisation", "change_person"} <= secretariat
    assert "view_organisation" in member
    assert "change_organisation" not in member


@pytest.mark.django_db
def test_user_has_role(member_user: Any, analyst_user: Any, plain_user: Any) -> None:
    assert user_has_role(member_user, MEMBER)
    assert not user_has_role(member_user, ANALYST)
    assert user_has_role(analyst_user, ANALYST, SECRETARIAT)
    assert not user_has_role(plain_user, MEMBER, ANALYST, SECRETARIAT)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("plain", 403), ("member", 403), ("analyst", 200), ("secretariat", 200)],
)
def test_surveys_are_for_analysts_and_secretariat(
    client: Any, who: str, status: int, django_user_model: Any
) -> None:
    from tests.conftest import make_user

    roles = {"plain": (), "member": (MEMBER,), "analyst": (ANALYST,), "secretariat": (SECRETARIAT,)}
    if who != "anonymous":
        client.force_login(make_user(django_user_model, who, *roles[who]))
    response = client.get("/surveys/")
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_admin_is_staff_only(member_client: Any) -> None:
    response = member_client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
