from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kitakyushu_pf.uploads import decode_text_upload
from trainings.importing import import_preview, registrations_import
from trainings.models import Registration
from trainings.services import Applicant, registrations_create

from .factories import ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db
HEADER = "受付番号,申込日時,氏名,ふりがな,メールアドレス,電話番号,所属,講座番号\r\n"


def csv_text(*rows: str) -> str:
    return HEADER + "".join(r + "\r\n" for r in rows)


@pytest.fixture
def programme() -> Any:
    programme = ProgrammeFactory()
    SessionFactory(programme=programme, number=1, capacity=2)
    SessionFactory(programme=programme, number=2, capacity=5)
    return programme


def test_preview_marks_new_duplicate_and_error_with_reasons(programme: Any) -> None:
    registrations_create(
        session_ids=[programme.sessions.get(number=1).pk],
        applicant=Applicant(name="既存", email="old@example.jp"),
    )
    rows = import_preview(
        programme=programme,
        text=csv_text(
            "A1,2023/01/04 09:00:00,見本 一郎,みほん いちろう,a@example.jp,,（サンプル）団体,1",
            "A2,2023/01/04 09:01:00,見本 二郎,,old@example.jp,,,1",
            "A3,2023/01/04 09:02:00,見本 一郎,,a@example.jp,,,1",
            "A4,2023/01/04 09:03:00,,,not-an-email,,,99",
            "A5,yesterday,見本 五郎,,e@example.jp,,,２",
        ),
    )
    assert [r.status for r in rows] == ["new", "duplicate", "duplicate", "error", "error"]
    assert "既に" in rows[1].reason
    assert "重複" in rows[2].reason
    assert (
        "氏名" in rows[3].reason and "メールアドレス" in rows[3].reason and "99" in rows[3].reason
    )
    assert "申込日時" in rows[4].reason and rows[4].session_number == 2  # 全角 digits accepted


def test_missing_columns_are_refused(programme: Any) -> None:
    with pytest.raises(ValidationError, match="講座番号"):
        import_preview(programme=programme, text="受付番号,申込日時,氏名,メールアドレス\r\n")


def test_cp932_and_utf8_bom_decode_identically() -> None:
    text = csv_text("A1,2023/01/04 09:00:00,髙橋 ①子,,a@example.jp,,㈱サンプル,1")
    assert decode_text_upload(text.encode("cp932"))[0] == text
    assert decode_text_upload(("\ufeff" + text).encode("utf-8"))[0] == text


def test_import_follows_capacity_and_arrival_order(programme: Any) -> None:
    result = registrations_import(
        programme=programme,
        text=csv_text(
            "A3,2023/01/04 09:03:00,見本 三郎,,c@example.jp,,,1",
            "A1,2023/01/04 09:01:00,見本 一郎,,a@example.jp,,,1",
            "A2,2023/01/04 09:02:00,見本 二郎,,b@example.jp,,,1",
        ),
    )
    assert (result.confirmed, result.waitlisted) == (2, 1)
    states = dict(Registration.objects.values_list("email", "state"))
    assert states == {
        "a@example.jp": "confirmed",
        "b@example.jp": "confirmed",
        "c@example.jp": "waitlisted",
    }
    assert Registration.objects.get(email="a@example.jp").source == "import"


def test_a_bad_file_changes_nothing(programme: Any) -> None:
    with pytest.raises(ValidationError):
        registrations_import(
            programme=programme,
            text=csv_text(
                "A1,2023/01/04 09:01:00,見本 一郎,,a@example.jp,,,1",
                "A2,2023/01/04 09:02:00,見本 二郎,,broken,,,1",
            ),
        )
    assert Registration.objects.count() == 0


def test_import_again_skips_what_was_imported(programme: Any) -> None:
    text = csv_text("A1,2023/01/04 09:01:00,見本 一郎,,a@example.jp,,,2")
    registrations_import(programme=programme, text=text)
    result = registrations_import(programme=programme, text=text)
    assert (result.confirmed, result.waitlisted, result.skipped) == (0, 0, 1)
    assert Registration.objects.count() == 1


def test_import_page_preview_then_confirm(secretariat_client: Any, programme: Any) -> None:
    url = reverse("trainings:programme-import", args=[programme.slug])
    data = csv_text("A1,2023/01/04 09:01:00,見本 一郎,,a@example.jp,,,1").encode("cp932")
    response = secretariat_client.post(url, {"file": SimpleUploadedFile("apply.csv", data)})
    assert response.status_code == 200
    assert 'data-status="new"' in response.content.decode()
    assert Registration.objects.count() == 0
    digest = response.context["digest"]
    response = secretariat_client.post(url, {"confirm": "1", "digest": digest})
    assert response.status_code == 302
    assert Registration.objects.count() == 1


def test_import_page_refuses_an_undecodable_file_with_the_decoders_message(
    secretariat_client: Any, programme: Any
) -> None:
    url = reverse("trainings:programme-import", args=[programme.slug])
    data = csv_text("A1,2023/01/04 09:01:00,見本 一郎,,a@example.jp,,,1").encode("utf-16")
    response = secretariat_client.post(url, {"file": SimpleUploadedFile("apply.csv", data)})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "UTF-16 のファイルには対応していません。Excel では「CSV UTF-8（コンマ区切り）」"
        "または「CSV（コンマ区切り）」で保存してください。"
    ]
    assert 'name="confirm"' not in response.content.decode()


def test_import_page_refuses_a_file_without_the_required_columns(
    secretariat_client: Any, programme: Any
) -> None:
    url = reverse("trainings:programme-import", args=[programme.slug])
    data = "受付番号,申込日時,氏名,メールアドレス\r\n".encode("cp932")
    response = secretariat_client.post(url, {"file": SimpleUploadedFile("apply.csv", data)})
    assert "講座番号" in response.context["form"].errors["file"][0]


def test_import_page_with_errors_offers_no_import(secretariat_client: Any, programme: Any) -> None:
    url = reverse("trainings:programme-import", args=[programme.slug])
    data = csv_text("A1,2023/01/04 09:01:00,,,bad,,,1").encode("utf-8")
    body = secretariat_client.post(
        url, {"file": SimpleUploadedFile("apply.csv", data)}
    ).content.decode()
    assert 'name="confirm"' not in body
    assert "何も取り込んでいません" in body
