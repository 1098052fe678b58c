import pytest
from django.utils import translation

from kitakyushu_pf.uploads import UndecodableUpload, decode_text_upload

TEXT = "受付番号,氏名\n1,髙橋 ①㈱～\n"


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("cp932"), "cp932"),
    ],
)
def test_utf8_bom_and_cp932_decode_to_the_same_text(raw: bytes, encoding: str) -> None:
    assert decode_text_upload(raw) == (TEXT, encoding)


def test_utf16_is_refused_with_advice() -> None:
    with translation.override("ja"), pytest.raises(UndecodableUpload, match="UTF-16"):
        decode_text_upload(TEXT.encode("utf-16"))


def test_a_truncated_multibyte_character_is_refused_naming_the_line() -> None:
    raw = "a,b\n1,2\n3,髙".encode("cp932")[:-1]
    with translation.override("ja"), pytest.raises(UndecodableUpload, match="3行目"):
        decode_text_upload(raw)
