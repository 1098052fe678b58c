import re
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
            reverse("casestudies:casestudy-reads"),
            reverse("casestudies:casestudy-reads-one", args=[case_study.pk]),
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


def test_title_is_checked_and_flagged_spans_are_highlighted(secretariat_client: Any) -> None:
    data = _form("80代の男性Aさんの事例。")
    data["title"] = "田中さん（72歳）の事例"
    response = secretariat_client.post(reverse("casestudies:casestudy-create"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<mark class="identifier">田中さん</mark>' in body
    assert '<mark class="identifier">72歳</mark>' in body
    assert "個人を特定しうる情報が見つかりました" in body
    assert CaseStudy.objects.count() == 0


def test_author_must_confirm_each_flagged_span_to_keep_it(secretariat_client: Any) -> None:
    url = reverse("casestudies:casestudy-create")
    data = _form("森さんの畑で作業を手伝った。40歳の男性Bさん。")
    first = secretariat_client.post(url, data)
    tokens = [s.token for p in first.context["identifier_panels"] for s in p.spans]
    assert [t.split(":", 2)[2] for t in tokens] == ["森さん", "40歳"]

    # Confirming only one of the two is not enough: nothing is saved.
    partly = secretariat_client.post(url, {**data, "confirm_identifier": [tokens[0]]})
    assert partly.status_code == 200 and CaseStudy.objects.count() == 0
    assert "40歳" in partly.content.decode()

    both = secretariat_client.post(url, {**data, "confirm_identifier": tokens})
    assert both.status_code == 302
    case_study = CaseStudy.objects.get()
    kept = [(c["field"], c["text"], c["by"]) for c in case_study.identifier_confirmations]
    assert kept == [("summary", "森さん", "sec"), ("summary", "40歳", "sec")]


def test_a_confirmation_for_other_text_does_not_let_a_new_identifier_through(
    secretariat_client: Any,
) -> None:
    data = _form("090-1234-5678 に電話した。")
    data["confirm_identifier"] = ["summary:phone:093-000-0000"]
    response = secretariat_client.post(reverse("casestudies:casestudy-create"), data)
    assert response.status_code == 200 and CaseStudy.objects.count() == 0


def test_every_opening_is_logged_and_only_the_secretariat_sees_the_log(
    member_client: Any, client: Any, secretariat_user: Any
) -> None:
    case_study = CaseStudyFactory(title="見守りの事例")
    detail = reverse("casestudies:casestudy-detail", args=[case_study.pk])
    assert member_client.get(detail).status_code == 200
    assert member_client.get(detail).status_code == 200
    reads = reverse("casestudies:casestudy-reads-one", args=[case_study.pk])
    assert member_client.get(reads).status_code == 403

    client.force_login(secretariat_user)
    response = client.get(reads)
    rows = list(response.context["page_obj"])
    assert len(rows) == 2
    assert rows[0].user.username == "mem"
    assert "見守りの事例" in response.content.decode()


def test_read_log_is_purged_after_its_retention_period(settings: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from casestudies.models import CaseStudyRead
    from kitakyushu_pf.retention import retention_run

    settings.CASESTUDIES_READ_LOG_DAYS = 730
    case_study = CaseStudyFactory()
    old = CaseStudyRead.objects.create(case_study=case_study, reader_label="古い閲覧")
    CaseStudyRead.objects.create(case_study=case_study, reader_label="新しい閲覧")
    CaseStudyRead.objects.filter(pk=old.pk).update(opened_at=timezone.now() - timedelta(days=731))
    assert retention_run()["casestudies.read_log"] == 1
    assert list(CaseStudyRead.objects.values_list("reader_label", flat=True)) == ["新しい閲覧"]


def test_the_admin_shows_the_flagged_words_and_records_each_confirmation(
    secretariat_client: Any,
) -> None:
    """The admin form refuses identifiers like the site's form, so it must also offer the
    checkbox its message speaks of, and record who confirmed what."""
    url = reverse("admin:casestudies_casestudy_add")
    data = _form("森さんの畑で作業を手伝った。")
    data["steps-0-what_they_did"] = "40歳の男性Bさんを介護保険サービスにつないだ"
    first = secretariat_client.post(url, data)
    assert first.status_code == 200 and CaseStudy.objects.count() == 0
    body = first.content.decode()
    tokens = re.findall(r'name="confirm_identifier" value="([^"]+)"', body)
    assert [t.split(":", 2)[2] for t in tokens] == ["森さん", "40歳"]
    assert '<mark class="identifier">森さん</mark>' in body

    saved = secretariat_client.post(url, {**data, "confirm_identifier": tokens})
    assert saved.status_code == 302
    case_study = CaseStudy.objects.get()
    kept = [(c["field"], c["text"], c["by"]) for c in case_study.identifier_confirmations]
    assert kept == [("summary", "森さん", "sec"), ("steps-0-what_they_did", "40歳", "sec")]
