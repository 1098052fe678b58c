from typing import Any

import pytest
from django.urls import reverse

from casestudies.models import CaseStudy
from members.models import FieldOfSupport

from .factories import CaseStudyFactory

pytestmark = pytest.mark.django_db


def urls(case_study: CaseStudy) -> dict[str, list[str]]:
    return {
        "members": [
            reverse("casestudies:casestudy-list"),
            reverse("casestudies:casestudy-detail", args=[case_study.pk]),
        ],
        "secretariat": [
            reverse("casestudies:casestudy-create"),
            reverse("casestudies:casestudy-edit", args=[case_study.pk]),
        ],
    }


def test_anonymous_is_sent_to_login(client: Any) -> None:
    for group in urls(CaseStudyFactory()).values():
        for url in group:
            response = client.get(url)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_analyst_is_forbidden(analyst_client: Any) -> None:
    for group in urls(CaseStudyFactory()).values():
        for url in group:
            assert analyst_client.get(url).status_code == 403


def test_member_reads_but_cannot_edit(member_client: Any) -> None:
    all_urls = urls(CaseStudyFactory())
    for url in all_urls["members"]:
        assert member_client.get(url).status_code == 200
    for url in all_urls["secretariat"]:
        assert member_client.get(url).status_code == 403


def test_secretariat_can_do_everything(secretariat_client: Any) -> None:
    for group in urls(CaseStudyFactory()).values():
        for url in group:
            assert secretariat_client.get(url).status_code == 200


def test_library_filters_by_field_with_pinned_queries(
    member_client: Any, django_assert_max_num_queries: Any
) -> None:
    elderly = FieldOfSupport.objects.get(slug="elderly-care")
    for i in range(6):
        cs = CaseStudyFactory(title=f"高齢 {i}")
        cs.fields.add(elderly)
    CaseStudyFactory(title="子ども 1").fields.add(FieldOfSupport.objects.get(slug="children-youth"))
    CaseStudyFactory(title="非公開", is_published=False)
    with django_assert_max_num_queries(12):
        response = member_client.get(
            reverse("casestudies:casestudy-list"), {"field": "elderly-care"}
        )
    titles = [cs.title for cs in response.context["page_obj"]]
    assert len(titles) == 6 and all(t.startswith("高齢") for t in titles)
    all_titles = [
        cs.title
        for cs in member_client.get(reverse("casestudies:casestudy-list")).context["page_obj"]
    ]
    assert "非公開" not in all_titles and "子ども 1" in all_titles


def _form(summary: str) -> dict[str, Any]:
    return {
        "title": "事例",
        "summary": summary,
        "presenter": "副理事長",
        "is_published": "on",
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        "steps-0-order": "1",
        "steps-0-organisation_name": "地域包括支援センター",
        "steps-0-what_they_did": "介護保険サービスにつないだ",
    }


def test_form_refuses_identifiers_with_japanese_messages(secretariat_client: Any) -> None:
    url = reverse("casestudies:casestudy-create")
    response = secretariat_client.post(
        url, _form("山田 花子さん（093-582-2060、浅野三丁目）の事例")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "電話番号のようです" in body
    assert "個人の氏名のようです" in body
    assert "住所のようです" in body
    assert CaseStudy.objects.count() == 0


def test_form_saves_anonymised_case_with_pathway(secretariat_client: Any) -> None:
    url = reverse("casestudies:casestudy-create")
    response = secretariat_client.post(url, _form("80代の男性Aさんが妻を介護していた事例。"))
    assert response.status_code == 302
    case_study = CaseStudy.objects.get()
    assert case_study.steps.get().organisation_label == "地域包括支援センター"


def test_pathway_step_text_is_checked_too(secretariat_client: Any) -> None:
    data = _form("80代の男性Aさんの事例。")
    data["steps-0-what_they_did"] = "担当 taro@example.jp が対応"
    response = secretariat_client.post(reverse("casestudies:casestudy-create"), data)
    assert response.status_code == 200
    assert CaseStudy.objects.count() == 0
