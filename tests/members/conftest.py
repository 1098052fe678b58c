from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from kitakyushu_pf.roles import ANALYST, MEMBER, SECRETARIAT
from members.models import FieldOfSupport, Organisation, Person
from tests.conftest import make_user

from .factories import CouncilMeetingFactory, OrganisationFactory, PersonFactory


def deliver_outbox() -> int:
    """Send what the outbox holds, as the periodic relay does.

    The e-mail task itself is dispatched on commit, which never comes inside a test transaction;
    the relay sends the same rows through the same code without a broker.
    """
    from kitakyushu_pf.tasks import outbox_relay

    return outbox_relay(older_than_seconds=0)


@dataclass
class World:
    org_a: Organisation
    org_b: Organisation
    person_a: Person
    person_b: Person
    hidden_a: Person
    clients: dict[str, Client]


@pytest.fixture
def world(db: Any, django_user_model: Any) -> World:
    housing = FieldOfSupport.objects.get(slug="housing")
    reentry = FieldOfSupport.objects.get(slug="reentry")
    org_a = OrganisationFactory(name="団体A", kana="ダンタイエー")
    org_b = OrganisationFactory(name="団体B", kana="ダンタイビー")
    user_a = make_user(django_user_model, "member_a", MEMBER)
    user_b = make_user(django_user_model, "member_b", MEMBER)
    person_a = PersonFactory(
        organisation=org_a, user=user_a, name="住田 明", kana="スミダ アキラ",
        ask_me_about="出所した人の住まい探し", fields=[housing, reentry], is_contact=True,
    )  # fmt: skip
    hidden_a = PersonFactory(
        organisation=org_a, name="秘密 花子", kana="ヒミツ ハナコ", role="事務局長",
        listed_by_name=False, email="hidden@example.jp", phone="080-9999-0000",
        ask_me_about="会計", fields=[housing],
    )  # fmt: skip
    person_b = PersonFactory(organisation=org_b, user=user_b, name="別府 一", kana="ベップ ハジメ")
    CouncilMeetingFactory()
    clients: dict[str, Client] = {"anonymous": Client()}
    for key, user in {
        "member_a": user_a,
        "member_b": user_b,
        "secretariat": make_user(django_user_model, "sec", SECRETARIAT, is_staff=True),
        "analyst": make_user(django_user_model, "ana", ANALYST),
    }.items():
        client = Client()
        client.force_login(user)
        clients[key] = client
    return World(org_a, org_b, person_a, person_b, hidden_a, clients)
