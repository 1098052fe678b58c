import pytest

from casestudies.identifiers import identifiers_find


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("連絡先は093-582-2060です", "phone"),
        ("携帯 090-1234-5678 に電話", "phone"),
        ("０９０１２３４５６７８に連絡", "phone"),
        ("メールは taro.yamada@example.jp へ", "email"),
        ("〒803-0814 に住んでいる", "postal_code"),
        ("浅野三丁目に住む", "address"),
        ("小倉北区城内1番1号", "address"),
        ("12番地の家", "address"),
        ("山田 花子さんが相談に来た", "name"),
        ("山田花子様の件", "name"),
        ("ヤマダ ハナコさん", "name"),
    ],
)
def test_identifiers_are_found(text: str, kind: str) -> None:
    assert kind in {f.kind for f in identifiers_find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "70代の女性Aさんが、地域の見守りをきっかけに相談につながった。",
        "利用者さんと相談員さん、民生委員さんが話し合った。",
        "お母さんと息子さんの二人暮らし。",
        "2023年2月に3回面談した。",
        "国道3号線沿いのスーパーで会った。",
    ],
)
def test_ordinary_anonymised_text_passes(text: str) -> None:
    assert identifiers_find(text) == []
