"""Item 8 of issue 11: from finding a window to knowing how to use the help."""

import re

import pytest
from django.urls import reverse

from handbook.demo import seed_demo
from handbook.schemes import schemes_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings) -> None:
    settings.HANDBOOK_USAGE_FLUSH_SECONDS = 3600
    seed_demo()


def test_every_explainer_names_its_sources_and_checked_date(client, demo) -> None:
    names = {s.name for s in schemes_all()}
    for required in ("生活保護", "児童扶養手当", "就学援助", "障害福祉サービスの利用"):
        assert required in names
    for s in schemes_all():
        html = client.get(reverse("handbook:scheme-detail", args=[s.slug])).content.decode()
        assert s.name in html
        assert "確認日" in html and "2026年12月1日" in html
        for src in s.sources:
            assert src.split(" ")[0] in html
        for heading in ("どんな制度か", "使える人", "持ち物", "北九州市での申請先"):
            assert heading in html
        # Facts not checked against a source carry the 「サンプル」 label.
        assert ("サンプル" in html) == s.has_unverified
        assert 'href="tel:' not in html.split("<article", 1)[1].split("</article>", 1)[0]


def test_explainers_are_linked_from_the_worries_they_belong_to(client, demo) -> None:
    html = client.get(reverse("handbook:category-detail", args=["money"])).content.decode()
    assert reverse("handbook:scheme-detail", args=["seikatsu-hogo"]) in html
    data = client.get(reverse("handbook:api-search"), {"q": "お金がなくて生活が苦しい"}).json()
    w = data["worries"][0]["id"]
    html = client.get(reverse("handbook:results"), {"w": w}).content.decode()
    assert reverse("handbook:scheme-detail", args=["jiritsu-soudan"]) in html
    listing = client.get(reverse("handbook:scheme-list")).content.decode()
    # Links to the explainers (the language switch links to the list itself).
    assert len(re.findall(r'href="/handbook/s/[a-z]', listing)) == len(schemes_all())


def test_unknown_scheme_is_404(client, demo) -> None:
    assert client.get(reverse("handbook:scheme-detail", args=["nope"])).status_code == 404
