"""Find obvious personal identifiers in free text before a case study is saved."""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

KANJI = r"[\u4e00-\u9fff々〆ヶ]"
KATAKANA = r"[ァ-ヺー]"
# Words that end in a role, not a name: 利用者さん, 相談員さん, 民生委員さん, 園長さん …
ROLE_ENDINGS = (
    *"者員長生師士親母父族人様妻夫娘孫",
    "息子",
    "女子",
    "男子",
)

PATTERNS: list[tuple[str, re.Pattern[str], object]] = [
    (
        "email",
        re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
        _("an e-mail address"),
    ),
    (
        "phone",
        re.compile(r"(?<!\d)0\d{1,4}[-(（)）\s]?\d{1,4}[-)）\s]?\d{3,4}(?!\d)"),
        _("a phone number"),
    ),
    ("postal_code", re.compile(r"〒\s*\d{3}-?\d{4}|〒"), _("a postal code")),
    (
        "address",
        re.compile(r"(?:\d+|[一二三四五六七八九十]+)丁目|番地|\d+番\d*号?|\d+号(?![線館機車])"),
        _("a postal address"),
    ),
]
NAME_PATTERNS = [
    re.compile(rf"({KANJI}{{1,4}}[ 　]{KANJI}{{1,4}})(様|さん)"),
    re.compile(rf"({KANJI}{{3,6}})(様|さん)"),
    re.compile(rf"({KATAKANA}{{2,}}[ 　・]{KATAKANA}{{2,}})(様|さん)"),
]


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str
    label: object


def identifiers_find(text: str) -> list[Finding]:
    normalised = unicodedata.normalize("NFKC", text or "")
    findings: list[Finding] = []
    for kind, pattern, label in PATTERNS:
        for match in pattern.finditer(normalised):
            findings.append(Finding(kind, match.group(0), label))
    for pattern in NAME_PATTERNS:
        for match in pattern.finditer(normalised):
            name = match.group(1)
            if name.replace(" ", "").replace("　", "").endswith(ROLE_ENDINGS):
                continue
            if any(f.kind == "name" and name in f.text for f in findings):
                continue
            findings.append(Finding("name", match.group(0), _("a full name")))
    return findings
