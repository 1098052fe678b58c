from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command


def snapshot() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"auth", "kitakyushu_pf", "members", "trainings", "casestudies", "surveys", "handbook"}
        and model._meta.label not in {"auth.Permission"}
    }


@pytest.mark.django_db
def test_seed_demo_twice_leaves_the_same_data(capsys: Any) -> None:
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first
    assert first["auth.User"] >= 3
    assert "Demo data is ready." in capsys.readouterr().out


@pytest.mark.django_db
def test_demo_accounts_can_log_in_with_their_roles(client: Any) -> None:
    from kitakyushu_pf.demo import DEMO_PASSWORD

    call_command("seed_demo")
    response = client.post("/accounts/login/", {"username": "analyst", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get("/surveys/").status_code == 200
