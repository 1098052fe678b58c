"""Free-text Japanese matching of a resident's words against the worries.

How a query is understood (every worry text, keyword and synonym goes through the same steps once,
when the index is built):

1. **Analysis** with the portal's one Japanese analyser (``kitakyushu_pf.japanese``, SudachiPy):
   each morpheme gives its normalised form (子ども/子供 → 子供, 叩い → 叩く, 払えん → 払う + ない),
   and the whole text its reading in hiragana (借金が返せない → しゃっきんがかえせない). Net slang
   that hides 死 is spelt out first (``spell_out``: 4にたい, タヒる), and 北九州弁 forms the
   dictionary misreads are read as standard ones (生きとる → 生きてる).
2. **Terms**: the normalised content words, with negation, passive and desire attached to the word
   they follow (払う~ない, 叩く~れる, 死ぬ~たい), so 「払えない」「払えん」 meet and 「叩かれる」 is
   not 「叩く」.
3. **Concepts** from the thesaurus (handbook/data/thesaurus.yaml): a text that contains any entry of
   a group carries the group, so 「金欠」 meets 「お金がなくて生活が苦しい」 and 「しんどい」 meets
   「つらい」.
4. **Reading n-grams** (trigrams and bigrams of the reading) as the fallback for hiragana-only
   input, typos and words the dictionary lacks.
5. **Who and what** (handbook/understanding.py): someone else as the subject, the one who hits or
   the one who is hit, a death that happened rather than a wish to die, figures of speech
   (死ぬほど眠い) — these move specific worries up or down.

Crisis detection is its own component (handbook/crisis.py). Pure functions: the index is built
from plain tuples, no database access here.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from kitakyushu_pf import japanese

from . import crisis, understanding

THESAURUS_PATH = Path(__file__).resolve().parent / "data" / "thesaurus.yaml"

_DROP_RE = re.compile(r"[\s、。，．,.!?！？・「」『』（）()\[\]【】〜~ー―‐\-…:：;；/／]+")
_SPLIT_RE = re.compile(r"[,、，\n]+")
_HALF_WIDTH_KANA = re.compile(r"[\uff66-\uff9f]")
_KATAKANA_ONLY = re.compile(r"[\u30a0-\u30ff\s、。!?！？]+")
_NEGATIONS = {"ない", "無い", "ず", "ぬ", "ん"}
_ATTACHED = {"れる": "れる", "られる": "れる", "たい": "たい"}
# Words that carry nothing on their own in a worry (「〜けん」「〜ちゃ」 of 北九州弁 are particles).
_STOP = {
    "為る",
    "居る",
    "有る",
    "成る",
    "事",
    "物",
    "もう",
    "まじ",
    "けん",
    "ちゃ",
    "よ",
    "ね",
    "の",
}
# Degree words between a noun and its verb (お金が全然ない) carry nothing either.
_STOP |= {
    "全然",
    "全く",
    "本当",
    "とても",
    "凄い",
    "凄く",
    "大分",
    "余り",
    "超",
    "めっちゃ",
    "結構",
}


def normalise(text: str) -> str:
    """NFKC (全角/半角), lower case, katakana → hiragana, no spaces or marks.

    This is the cache key of a query (views): two queries with the same normalised form get the
    same answer. No dictionary needed.
    """
    return _DROP_RE.sub("", japanese.fold(text))


def split_terms(text: str) -> list[str]:
    return [t.strip() for t in _SPLIT_RE.split(text or "") if t.strip()]


def bigrams(text: str) -> set[str]:
    if len(text) < 2:
        return {text} if text else set()
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _trigrams(text: str) -> set[str]:
    return {text[i : i + 3] for i in range(len(text) - 2)}


@dataclass(frozen=True)
class Analysis:
    """A text as the search sees it."""

    folded: str
    reading: str
    lemmas: tuple[str, ...]
    terms: frozenset[str]
    concepts: frozenset[str]
    grams: frozenset[str]
    tokens: tuple[japanese.Token, ...] = field(repr=False, default=())
    # Words that a thesaurus entry of several words accounts for (底をつく, 家の前で待つ).
    covered: frozenset[str] = frozenset()

    @property
    def features(self) -> frozenset[str]:
        return self.terms | self.concepts

    @property
    def query_features(self) -> frozenset[str]:
        """As a query: a phrase found in the thesaurus counts once, as its group, not again word
        by word (its words would dilute the query's weight)."""
        terms = {t for t in self.terms if t.split("~")[0] not in self.covered}
        return frozenset(terms) | self.concepts


# Net slang that hides 死 (so that filters and onlookers do not see it), spelt out before the text
# is analysed: 4ね / 4にたい, 氏ね, タヒ (死 split in two: タヒる is 死ぬ), 〇にたい, ジサツ. Only
# before the endings of 死ぬ, so 4ねんせい, 田中氏に and ○にする are left as they are.
_DEATH_ENDINGS = (
    r"(?=にたい|にてぇ|にて[えー]|にそう|ね(?![んばえ])|のう|ぬ(?!け)|んで|んだ|んじゃ)"
)
_SLANG = (
    (re.compile(r"(?<![0-9０-９])[4４]" + _DEATH_ENDINGS), "死"),
    (re.compile(r"氏" + _DEATH_ENDINGS), "死"),
    (re.compile(r"[〇○◯●]" + _DEATH_ENDINGS), "死"),
    (re.compile(r"タヒ[りリ](?=たい|そう|ます)"), "死に"),
    (re.compile(r"タヒ[るル]"), "死ぬ"),
    (re.compile(r"タヒ(?=[にねのぬん])"), "死"),
    (re.compile(r"ジサツ|じさつ(?=した|する|しよ|未遂)"), "自殺"),
    # 北九州弁 〜とらん (〜ていない) after a verb stem, which the dictionary cuts as と + らん in a
    # longer sentence (ご飯をもらえとらんみたいで)
    (re.compile(r"(?<=[えけせてねへめれげべぺいきしちにひみりぎじびぴ])とらん"), "ていない"),
)


def spell_out(text: str) -> str:
    """``text`` (NFKC, lower case) with net slang for 死 spelt out (4にたい → 死にたい) and a
    北九州弁 negative the dictionary cuts badly spelt in standard Japanese."""
    for pattern, replacement in _SLANG:
        text = pattern.sub(replacement, text)
    return text


# 北九州弁 progressive and resultative forms: 生きとる, 考えよる, 死んどる, 怒鳴られよった. The
# dictionary reads the とる/よる as an auxiliary of its own; the search and the crisis reading see
# the standard contracted form てる/でる (生きてる), in lemmas and in the reading.
_ASPECT = {"とる", "よる"}


def dialect_aspect(token: japanese.Token) -> str | None:
    """The standard spelling of a 北九州弁 〜とる/〜よる auxiliary (とる → てる, どった → でた), or
    None for any other morpheme."""
    if token.pos[0] != "助動詞" or token.normalized not in _ASPECT:
        return None
    surface = token.surface
    head = "で" if surface.startswith("ど") else "て"
    rest = surface[1:]
    return head + {"っ": "", "ん": "る", "": "る"}.get(rest, rest)


def _lemma(token: japanese.Token) -> str:
    if token.normalized in _NEGATIONS and token.pos[0] in {"助動詞", "形容詞"}:
        return "ない"
    return japanese.fold(token.normalized)


def dialect_form(token: japanese.Token, previous: japanese.Token | None) -> list[str] | None:
    """The lemmas of a 北九州弁 form the dictionary reads as something else, else None: the
    progressive 〜とる/〜よる (→ てる, also もらえとらん where it reads 取る), 帰ってこん (read as
    この), and the negatives below.

    北九州弁 says 「〜ん」 for 「〜ない」 in forms the dictionary takes for other words:
    払えん and もらえん (read as a 撥音便 of 払える), 出らん and 来らん (a classical らむ/む),
    起きられん (られる with the ん swallowed) and 行けん (an imperative and a particle).
    """
    pos, surface = token.pos, token.surface
    if dialect_aspect(token) is not None:
        return ["てる"]
    if pos[0] == "助動詞" and surface in {"れよっ", "られよっ"}:
        return ["れる", "てる"]  # 叩かれよった (read as a volitional れよう)
    if (
        pos[0] == "動詞"
        and token.normalized in {"取る", "とる"}
        and surface in {"とら", "とっ", "とる", "とり"}
        and previous is not None
        and previous.pos[0] == "動詞"
        and previous.pos[5].startswith("連用形")
    ):
        return ["てる"]  # もらえとらん (read as 取る)
    if (
        surface == "こん"
        and pos[0] == "連体詞"
        and previous is not None
        and previous.surface == "て"
    ):
        return ["来る", "ない"]  # 帰ってこん (read as この)
    if (
        pos[0] == "動詞"
        and surface.endswith("ん")
        and pos[5] == "連体形-撥音便"
        and pos[4].startswith(("下一段", "上一段"))
    ):
        return [_lemma(token), "ない"]
    if pos[0] == "助動詞" and surface in {"らん", "ん"} and token.normalized in {"らむ", "む"}:
        return ["ない"]
    if pos[0] == "助動詞" and surface in {"られん", "れん"}:
        return ["れる", "ない"]
    if surface == "ん" and previous is not None and previous.pos[0] == "動詞":
        return ["ない"] if previous.pos[5] == "命令形" else None
    return None


def lemma_pairs(tokens: Sequence[japanese.Token]) -> list[tuple[str, str]]:
    """(lemma, part of speech) of every morpheme, with 北九州弁 forms spelt out in the standard
    ones (払えん → 払える ない, 生きとる → 生きる てる)."""
    out: list[tuple[str, str]] = []
    previous: japanese.Token | None = None
    for token in tokens:
        expanded = dialect_form(token, previous)
        if expanded is None:
            out.append((_lemma(token), token.pos[0]))
        else:
            out.append((expanded[0], token.pos[0] if expanded[0] != "ない" else "助動詞"))
            out.extend((extra, "助動詞") for extra in expanded[1:])
        previous = token
    return out


def _lemmas(tokens: Sequence[japanese.Token]) -> tuple[str, ...]:
    out: list[str] = []
    for lemma, pos in lemma_pairs(tokens):
        if pos in {"助詞", "補助記号", "記号", "空白"} or lemma in _STOP:
            continue
        if pos == "助動詞" and lemma not in {"ない", *_ATTACHED}:
            continue
        out.append(_ATTACHED.get(lemma, lemma))
    return tuple(out)


def _terms(lemmas: tuple[str, ...]) -> set[str]:
    terms: set[str] = set()
    for i, lemma in enumerate(lemmas):
        if lemma in {"ない", "れる", "たい"}:
            if i:
                terms.add(f"{lemmas[i - 1]}~{lemma}")
            continue
        terms.add(lemma)
    return terms


class Thesaurus:
    """Groups of equivalent expressions, each analysed once."""

    def __init__(self, groups: Iterable[Iterable[str]]) -> None:
        self.groups: list[tuple[str, ...]] = [tuple(str(e) for e in g) for g in groups]
        self._entries: list[tuple[int, str, str, tuple[str, ...]]] = []
        for gid, group in enumerate(self.groups):
            for entry in group:
                folded = normalise(entry)
                reading = normalise(japanese.reading(entry))
                lemmas = _lemmas(japanese.tokens(unicodedata.normalize("NFKC", entry).lower()))
                self._entries.append((gid, folded, reading, lemmas))

    def concepts(self, folded: str, reading: str, lemmas: tuple[str, ...]) -> set[str]:
        return self.concepts_covering(folded, reading, lemmas)[0]

    def concepts_covering(
        self, folded: str, reading: str, lemmas: tuple[str, ...]
    ) -> tuple[set[str], set[str]]:
        """The groups found, and the words that entries of several words account for."""
        found: set[str] = set()
        covered: set[str] = set()
        joined = "|" + "|".join(lemmas) + "|"
        for gid, e_folded, e_reading, e_lemmas in self._entries:
            key = f"C{gid}"
            lemma_hit = bool(e_lemmas) and "|" + "|".join(e_lemmas) + "|" in joined
            if lemma_hit and len(e_lemmas) > 1:
                covered.update(e_lemmas)
            if key in found:
                continue
            if (
                (len(e_folded) >= 2 and e_folded in folded)
                or (len(e_reading) >= 3 and e_reading in reading)
                or lemma_hit
            ):
                found.add(key)
        return found, covered


@lru_cache(maxsize=1)
def thesaurus() -> Thesaurus:
    with THESAURUS_PATH.open(encoding="utf-8") as fh:
        return Thesaurus(yaml.safe_load(fh) or [])


@lru_cache(maxsize=8192)
def analyse(text: str) -> Analysis:
    # NFKC first so that ﾀｽｹﾃ is タスケテ; katakana is kept for the dictionary (リスカ). A whole
    # sentence typed in half-width kana (ｶﾚｼﾆﾅｸﾞﾗﾚﾀ) is read as hiragana: in katakana the dictionary
    # takes it for one unknown word.
    nfkc = spell_out(unicodedata.normalize("NFKC", text).lower())
    if _HALF_WIDTH_KANA.search(text) and _KATAKANA_ONLY.fullmatch(nfkc):
        nfkc = japanese.fold(nfkc)
    folded = normalise(nfkc)
    if not folded:
        return Analysis("", "", (), frozenset(), frozenset(), frozenset())
    toks = tuple(japanese.tokens(nfkc))
    reading = normalise("".join(reading_of(t) for t in toks))
    lemmas = _lemmas(toks)
    concepts, covered = thesaurus().concepts_covering(folded, reading, lemmas)
    grams = {f"3{g}" for g in _trigrams(reading)} | {f"2{g}" for g in bigrams(reading)}
    return Analysis(
        folded=folded,
        reading=reading,
        lemmas=lemmas,
        terms=frozenset(_terms(lemmas)),
        covered=frozenset(covered),
        concepts=frozenset(concepts),
        grams=frozenset(grams),
        tokens=toks,
    )


def reading_of(token: japanese.Token) -> str:
    """The reading of a morpheme as the search compares it: the dictionary's reading for kanji,
    the text as typed for kana, the standard form of a 北九州弁 〜とる/〜よる (生きとる →
    いきてる)."""
    aspect = dialect_aspect(token)
    if aspect is not None:
        return aspect
    if token.surface in {"れよっ", "られよっ"} and token.pos[0] == "助動詞":
        return token.surface[:-2] + "て"
    return token.reading if japanese.has_kanji(token.surface) and token.reading else token.surface


def warm_up() -> None:
    """Load the dictionary, the thesaurus, the crisis reading's lexicon, the crisis model's weights
    and the translations now (worker start-up), not on the first search."""
    from . import crisis_model, foreign_search

    japanese.warm_up()
    thesaurus()
    crisis.assess("準備")
    crisis_model.model()
    foreign_search.worry_keys("warm up")


def is_crisis_text(text: str) -> bool:
    """Kept for callers of the old API: see handbook/crisis.py."""
    return crisis.assess(text).flag


@dataclass
class Phrase:
    analysis: Analysis
    weight: float
    # Filled in by build_index once the weights of the features are known.
    joined: str = ""
    w_features: float = 0.0
    w_grams: float = 0.0
    # The analysis's terms and concepts, united once (not for every query).
    features: frozenset[str] = frozenset()


@dataclass(frozen=True)
class IndexedWorry:
    id: int
    text: str
    category: str
    is_crisis: bool
    phrases: tuple[Phrase, ...] = field(default=())
    key: str = ""


@dataclass(frozen=True)
class Hit:
    id: int
    text: str
    category: str
    is_crisis: bool
    score: float
    tnote: str = ""  # see selectors.WorryInfo.tnote


@dataclass
class Index:
    worries: list[IndexedWorry]
    idf: dict[str, float]
    default_idf: float = 1.0


def build_index(rows: Iterable[Sequence[object]]) -> Index:
    """rows: (id, text, category name, keywords, synonyms, is_crisis[, catalogue key])."""
    index = []
    for row in rows:
        worry_id, text, category, keywords, synonyms, is_crisis = row[:6]
        key = str(row[6]) if len(row) > 6 else ""
        phrases: list[Phrase] = []
        # The worry's own words weigh most, then synonyms, keywords and the category name.
        for raw, weight in (
            [(str(text), 1.0)]
            + [(s, 0.95) for s in split_terms(str(synonyms))]
            + [(k, 0.9) for k in split_terms(str(keywords))]
            + [(str(category), 0.4)]
        ):
            analysis = analyse(raw)
            if analysis.folded:
                phrases.append(Phrase(analysis, weight))
        index.append(
            IndexedWorry(
                int(worry_id),  # type: ignore[call-overload]
                str(text),
                str(category),
                bool(is_crisis),
                tuple(phrases),
                key,
            )
        )
    # Features found in many worries (「ない」「つらい」) say little: weigh them down.
    df: dict[str, int] = {}
    for worry in index:
        seen: set[str] = set()
        for phrase in worry.phrases:
            seen |= phrase.analysis.features | phrase.analysis.grams
        for feature in seen:
            df[feature] = df.get(feature, 0) + 1
    n = max(len(index), 1)
    idf = {f: math.log(1 + n / count) for f, count in df.items()}
    default = max(idf.values(), default=1.0)
    for worry in index:
        for phrase in worry.phrases:
            phrase.joined = "|" + "|".join(phrase.analysis.lemmas) + "|"
            phrase.features = phrase.analysis.features
            phrase.w_features = _weights(phrase.analysis.features, idf, default)
            phrase.w_grams = _weights(phrase.analysis.grams, idf, default)
    return Index(index, idf, default)


def _weights(features: Iterable[str], idf: dict[str, float], default: float) -> float:
    return sum(
        idf.get(f, default) * (CONCEPT_WEIGHT if f.startswith("C") else 1.0) for f in features
    )


@dataclass(frozen=True)
class _Query:
    analysis: Analysis
    joined: str
    features: frozenset[str]
    w_features: float
    w_grams: float
    # The shortest reading of a keyword that may match inside the query's reading.
    min_reading: int = 4


def _phrase_score(query: _Query, phrase: Phrase, index: Index) -> float:
    q, p = query.analysis, phrase.analysis
    # A whole keyword inside the query (「もう死にたい」 ⊃ 「死にたい」): strong evidence,
    # stronger for longer keywords.
    if p.lemmas and len(p.folded) >= 2 and phrase.joined in query.joined:
        base = 1.0 if len(p.lemmas) > 1 or len(p.folded) > SHORT_KEYWORD else SHORT_KEYWORD_BASE
        return base + min(len(p.folded), 8) / 16
    # The same by reading, for hiragana typed for kanji (しゃっきんがかえせない); a short reading
    # inside a query written in kanji is too often a coincidence (働けなくなった ⊃ なくなった).
    long_enough = len(p.reading) >= query.min_reading
    if long_enough and p.reading in q.reading:
        return 0.95 + min(len(p.reading), 8) / 16
    score = 0.0
    common = query.features & phrase.features
    if common and query.w_features:
        w_common = _weights(common, index.idf, index.default_idf)
        coverage = w_common / query.w_features
        dice = 2 * w_common / (query.w_features + phrase.w_features)
        score = 0.65 * coverage + 0.35 * dice
    # Fallback over readings: hiragana-only input, typos, words the dictionary lacks.
    g_common = q.grams & p.grams
    if g_common and query.w_grams:
        w_common = _weights(g_common, index.idf, index.default_idf)
        fuzzy = 0.5 * w_common / query.w_grams + w_common / (query.w_grams + phrase.w_grams)
        score = max(score, 0.85 * fuzzy)
    return score


def search(index: Index, text: str, *, limit: int = 10) -> list[Hit]:
    """The worries that fit ``text``, best first (empty when none scores MIN_SCORE)."""
    return _scored(index, text, limit=limit, floor=MIN_SCORE)


def nearest(index: Index, text: str, *, limit: int = 5) -> list[Hit]:
    """The closest worries even when none really fits (「近いカテゴリ」 of an empty search)."""
    return _scored(index, text, limit=limit, floor=NEAREST_SCORE)


def key_of(index: Index, worry_id: int) -> str:
    return next((w.key for w in index.worries if w.id == worry_id), "")


def _scored(index: Index, text: str, *, limit: int, floor: float) -> list[Hit]:
    query = analyse(text)
    if not query.folded:
        return []
    reading = understanding.read(query, text)
    prepared = _Query(
        analysis=query,
        joined="|" + "|".join(query.lemmas) + "|",
        features=query.query_features,
        w_features=_weights(query.query_features, index.idf, index.default_idf),
        w_grams=_weights(query.grams, index.idf, index.default_idf),
        min_reading=7 if japanese.has_kanji(query.folded) else 4,
    )
    hits = []
    for worry in index.worries:
        scores = sorted(
            (_phrase_score(prepared, p, index) * p.weight for p in worry.phrases),
            reverse=True,
        )
        score = scores[0] + (0.15 * scores[1] if len(scores) > 1 else 0.0) if scores else 0.0
        score = reading.adjust(worry.key, score)
        if score >= floor:
            hits.append(Hit(worry.id, worry.text, worry.category, worry.is_crisis, round(score, 3)))
    hits.sort(key=lambda h: (-h.score, h.id))
    if hits and floor >= MIN_SCORE:
        # Keep only the worries in the same league as the best one.
        floor = hits[0].score * RELATIVE_FLOOR
        hits = [h for h in hits if h.score >= floor]
    if reading.lead and floor >= MIN_SCORE:
        hits = _crisis_first(index, hits, reading.lead)
    return hits[:limit]


def _crisis_first(index: Index, hits: list[Hit], lead: tuple[str, ...]) -> list[Hit]:
    """The crisis reading fired: the best scored of the ``lead`` worries comes first (added when
    the words alone did not bring it), the others keep their order."""
    keys = {w.id: w.key for w in index.worries}
    for i, hit in enumerate(hits):
        if keys.get(hit.id) in lead:
            return [hit, *hits[:i], *hits[i + 1 :]]
    for key in lead:
        worry = next((w for w in index.worries if w.key == key), None)
        if worry is not None:
            score = hits[0].score if hits else MIN_SCORE
            first = Hit(worry.id, worry.text, worry.category, worry.is_crisis, score)
            return [first, *hits]
    return hits


MIN_SCORE = 0.3
NEAREST_SCORE = 0.05
CONCEPT_WEIGHT = 3.0
RELATIVE_FLOOR = 0.4
SHORT_KEYWORD = 3
SHORT_KEYWORD_BASE = 0.9
