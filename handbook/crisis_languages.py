"""Crisis words in the languages of Kitakyushu's foreign residents (English, 简体中文, 한국어,
Tiếng Việt): a resident who types 「I want to die」 gets the crisis lines first, as with 死にたい.

Japanese is understood by handbook/crisis.py through the shared analyser; this module only adds
fixed phrases of the other languages, matched after NFKC and lower-casing (Vietnamese also with
its tone marks removed, as it is often typed). The phrases are about oneself being in danger —
wanting to die, suicide, self-harm, being hit, sexual violence — never single everyday words
(lonely, money), so ordinary worries do not flag.
"""

from __future__ import annotations

import re
import unicodedata

# (kind, phrases per language); the kind's Japanese wording is searched in the catalogue so the
# resident sees the same crisis worries and lines as someone typing it in Japanese.
JAPANESE = {
    "ideation": "死にたい",
    "self_harm": "自分を傷つけてしまう",
    "violence": "暴力をふるわれている",
    "sexual": "性暴力の被害にあった",
}
PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "ideation": {
        "en": ("want to die", "wanna die", "kill myself", "killing myself", "suicide", "suicidal",
               "end my life", "take my own life", "take my life",
               # not being able to go on, ending it all (no word for death)
               "can't go on living", "cannot go on living", "end it all", "end it tonight",
               "going to end it", "gonna end it",
               # a life not worth it, everyone better off (typed with or without apostrophes)
               "no reason to live", "nothing to live for", "not worth living", "better off dead",
               "better off without me", "nobody would miss me", "no one would miss me",
               "nobody will miss me", "no one will miss me",
               # wanting to vanish (消えたい)
               "want to disappear", "wanna disappear", "want to vanish", "want to just disappear"),
        "zh": ("想死", "自杀", "不想活", "轻生", "活不下去", "不想再活", "活不了了"),
        "ko": ("죽고 싶", "죽고싶", "자살", "살고 싶지 않", "살기 싫", "살 수가 없어"),
        "vi": ("muốn chết", "tự tử", "tự sát", "không muốn sống", "sống không nổi",
               "không thiết sống"),
    },
    "self_harm": {
        "en": ("hurt myself", "self-harm", "self harm", "cut myself"),
        "zh": ("割腕", "自残"),
        "ko": ("자해",),
        "vi": ("tự làm hại",),
    },
    "violence": {
        "en": ("hits me", "beats me", "hit me", "domestic violence", "abusing me", "abuses me"),
        "zh": ("家暴", "家庭暴力", "打我", "被打"),
        "ko": ("때려요", "때린다", "때려", "맞았어", "가정폭력"),
        "vi": ("bạo lực gia đình", "bị đánh", "đánh tôi"),
    },
    "sexual": {
        "en": ("raped", "sexual assault", "sexually assaulted", "touched me", "groped me"),
        "zh": ("性侵", "强奸"),
        "ko": ("성폭력", "성폭행"),
        "vi": ("hiếp dâm", "xâm hại tình dục"),
    },
}  # fmt: skip


def _plain(text: str) -> str:
    """NFKC, lower case, one space, no apostrophes (dont and don't are typed alike)."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = re.sub(r"[\'’‘`]", "", text)
    return re.sub(r"\s+", " ", text).strip()


# Not wanting to live, said of life itself (not "don't want to live alone / with my parents").
_EN_NOT_LIVE = re.compile(
    r"\b(?:dont|do not|doesnt|no longer) (?:want|wanna) (?:to )?(?:live|be alive)"
    r"(?! (?:alone|with|in|here|there|near|by|together|on|at|like that|far))\b"
)


def _no_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_PLAIN_PHRASES = {
    kind: tuple(_plain(p) for phrases in by.values() for p in phrases)
    for kind, by in PHRASES.items()
}
_VI_PLAIN = {kind: tuple(_no_marks(p) for p in by["vi"]) for kind, by in PHRASES.items()}


def crisis_kind_foreign(text: str) -> str | None:
    """The crisis kind of a text in English, Chinese, Korean or Vietnamese, or None."""
    plain = _plain(text)
    if not plain:
        return None
    for kind, by_language in _PLAIN_PHRASES.items():
        if any(p in plain for p in by_language):
            return kind
    if _EN_NOT_LIVE.search(plain):
        return "ideation"
    # Vietnamese typed without tone marks ("toi muon chet").
    bare = _no_marks(plain)
    for kind, phrases in _VI_PLAIN.items():
        if any(re.search(rf"(?<![a-z]){re.escape(p)}(?![a-z])", bare) for p in phrases):
            return kind
    return None


def is_crisis_foreign(text: str) -> bool:
    return crisis_kind_foreign(text) is not None
