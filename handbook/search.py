"""Free-text Japanese matching of a resident's words against the worries.

A character-bigram index: text is NFKC-normalised (全角/半角), katakana folded to hiragana, and a
small table maps kanji/kana variants to one spelling, so 「お金ない」「おかねが無い」「ｵｶﾈがない」
all meet 「お金がなくて生活が苦しい」. Bigrams make the match independent of word order and of
particles. Pure functions: the index is built from plain tuples, no database access here.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

# Variant → one spelling. Applied after NFKC and katakana folding, longest first.
VARIANTS: dict[str, str] = {
    "お金": "おかね",
    "御金": "おかね",
    "無い": "ない",
    "無く": "なく",
    "辞め": "やめ",
    "止め": "やめ",
    "子供": "こども",
    "子ども": "こども",
    "息子": "むすこ",
    "娘": "むすめ",
    "仕事": "しごと",
    "引きこもり": "ひきこもり",
    "引き籠もり": "ひきこもり",
    "引き篭もり": "ひきこもり",
    "引きこも": "ひきこも",
    "苛め": "いじめ",
    "虐め": "いじめ",
    "寂しい": "さびしい",
    "淋しい": "さびしい",
    "さみしい": "さびしい",
    "寂し": "さびし",
    "辛い": "つらい",
    "辛く": "つらく",
    "一人": "ひとり",
    "独り": "ひとり",
    "ご飯": "ごはん",
    "御飯": "ごはん",
    "眠れ": "ねむれ",
    "睡眠": "ねむれ",
    "家賃": "やちん",
    "借金": "しゃっきん",
    "旦那": "おっと",
    "夫": "おっと",
    "主人": "おっと",
    "殴ら": "なぐら",
    "殴る": "なぐる",
    "叩か": "たたか",
    "叩く": "たたく",
    "怖い": "こわい",
    "恐い": "こわい",
    "分から": "わから",
    "判ら": "わから",
    "解ら": "わから",
    "居場所": "いばしょ",
    "友達": "ともだち",
    "友だち": "ともだち",
    "話し相手": "はなしあいて",
    "介護": "かいご",
    "認知症": "にんちしょう",
    "ぼけ": "にんちしょう",
    "障害": "しょうがい",
    "障碍": "しょうがい",
    "障がい": "しょうがい",
    "出てこない": "でてこない",
    "出て来ない": "でてこない",
    "出られない": "でられない",
    "生き": "いき",
    "死に": "しに",
    "消え": "きえ",
    "疲れ": "つかれ",
    "学校": "がっこう",
    "行けない": "いけない",
    "行きたくない": "いきたくない",
    "住む": "すむ",
    "住め": "すめ",
    "住ま": "すま",
    "家": "いえ",
    "追い出": "おいだ",
    "食べ物": "たべもの",
    "食べる": "たべる",
    "食べ": "たべ",
    "親": "おや",
    "貧乏": "びんぼう",
    "生活保護": "せいかつほご",
    "外国": "がいこく",
    "日本語": "にほんご",
    "病気": "びょうき",
    "怪我": "けが",
}

CRISIS_TERMS: tuple[str, ...] = (
    "しにたい",
    "しにたく",
    "しのう",
    "しんだほうが",
    "しんでしまいたい",
    "きえたい",
    "きえてしまいたい",
    "いなくなりたい",
    "自殺",
    "じさつ",
    "自死",
    "いきていたくない",
    "いきるのがつらい",
    "いきるのにつかれ",
    "いきていけない",
    "りすか",
    "自傷",
    "とびおり",
    "飛び降り",
    "首をつ",
    "暴力",
    "虐待",
    "ぎゃくたい",
    "なぐら",
    "なぐる",
    "けられ",
    "蹴られ",
    "dv",
    "れいぷ",
    "性暴力",
    "性被害",
    "ころされ",
    "殺され",
    "ころしたい",
    "殺したい",
)

_VARIANT_KEYS = sorted(VARIANTS, key=len, reverse=True)
_VARIANT_RE = re.compile("|".join(re.escape(k) for k in _VARIANT_KEYS))
_DROP_RE = re.compile(r"[\s、。，．,.!?！？・「」『』（）()\[\]【】〜~ー―‐\-…:：;；/／]+")
_SPLIT_RE = re.compile(r"[,、，\n]+")


def _kata_to_hira(text: str) -> str:
    return "".join(chr(ord(ch) - 0x60) if "ァ" <= ch <= "ヶ" else ch for ch in text)


def normalise(text: str) -> str:
    """NFKC (全角/半角), lower case, katakana → hiragana, one spelling per variant, no marks."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _kata_to_hira(text)
    text = _VARIANT_RE.sub(lambda m: VARIANTS[m.group(0)], text)
    return _DROP_RE.sub("", text)


def bigrams(text: str) -> set[str]:
    if len(text) < 2:
        return {text} if text else set()
    return {text[i : i + 2] for i in range(len(text) - 1)}


def split_terms(text: str) -> list[str]:
    return [t.strip() for t in _SPLIT_RE.split(text or "") if t.strip()]


def is_crisis_text(text: str) -> bool:
    norm = normalise(text)
    return any(term in norm for term in CRISIS_TERMS)


@dataclass(frozen=True)
class IndexedWorry:
    id: int
    text: str
    category: str
    is_crisis: bool
    phrases: tuple[tuple[str, frozenset[str], float], ...] = field(default=())


@dataclass(frozen=True)
class Hit:
    id: int
    text: str
    category: str
    is_crisis: bool
    score: float


@dataclass
class Index:
    worries: list[IndexedWorry]
    idf: dict[str, float]


def build_index(
    rows: Iterable[tuple[int, str, str, str, str, bool]],
) -> Index:
    """rows: (id, text, category name, keywords, synonyms, is_crisis)."""
    index = []
    for worry_id, text, category, keywords, synonyms, is_crisis in rows:
        phrases: list[tuple[str, frozenset[str], float]] = []
        # The worry's own words weigh most, then synonyms, keywords and the category name.
        for raw, weight in (
            [(text, 1.0)]
            + [(s, 0.95) for s in split_terms(synonyms)]
            + [(k, 0.9) for k in split_terms(keywords)]
            + [(category, 0.4)]
        ):
            norm = normalise(raw)
            if norm:
                phrases.append((norm, frozenset(bigrams(norm)), weight))
        index.append(IndexedWorry(worry_id, text, category, is_crisis, tuple(phrases)))
    # Bigrams found in many worries (「たい」「して」) say little: weigh them down.
    df: dict[str, int] = {}
    for worry in index:
        for gram in set().union(*(p[1] for p in worry.phrases)) if worry.phrases else ():
            df[gram] = df.get(gram, 0) + 1
    n = max(len(index), 1)
    idf = {gram: math.log(1 + n / count) for gram, count in df.items()}
    return Index(index, idf)


def _phrase_score(
    query: str, qgrams: set[str], phrase: str, pgrams: frozenset[str], idf: dict[str, float]
) -> float:
    if not qgrams or not pgrams:
        return 0.0
    if len(phrase) >= 2 and phrase in query:
        # A whole keyword inside the query (「もう死にたい」 ⊃ 「しにたい」): strong evidence,
        # stronger for longer keywords.
        return 1.0 + min(len(phrase), 8) / 16
    common = qgrams & pgrams
    if not common:
        return 0.0
    default = max(idf.values(), default=1.0)
    w_common = sum(idf.get(g, default) for g in common)
    w_query = sum(idf.get(g, default) for g in qgrams)
    w_phrase = sum(idf.get(g, default) for g in pgrams)
    # Weighted Dice coefficient, tilted towards covering the query's words.
    coverage = w_common / w_query
    dice = 2 * w_common / (w_query + w_phrase)
    return 0.65 * coverage + 0.35 * dice


def search(index: Index, text: str, *, limit: int = 10) -> list[Hit]:
    query = normalise(text)
    if not query:
        return []
    qgrams = bigrams(query)
    hits = []
    for worry in index.worries:
        scores = sorted(
            (
                _phrase_score(query, qgrams, phrase, pgrams, index.idf) * weight
                for phrase, pgrams, weight in worry.phrases
            ),
            reverse=True,
        )
        if not scores or scores[0] <= 0:
            continue
        # Best phrase, plus a little for a second phrase that agrees.
        score = scores[0] + (0.15 * scores[1] if len(scores) > 1 else 0.0)
        if score >= MIN_SCORE:
            hits.append(Hit(worry.id, worry.text, worry.category, worry.is_crisis, round(score, 3)))
    hits.sort(key=lambda h: (-h.score, h.id))
    if hits:
        # Keep only the worries in the same league as the best one.
        floor = hits[0].score * RELATIVE_FLOOR
        hits = [h for h in hits if h.score >= floor]
    return hits[:limit]


MIN_SCORE = 0.3
RELATIVE_FLOOR = 0.4
