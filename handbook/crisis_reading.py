"""The compositional crisis reading: a concept plus what makes it the writer's wish or plan now.

handbook/crisis.py lists patterns of what residents wrote; each new set of phrasings found some it
did not list. This reading does not list phrasings. Over SudachiPy morphemes (normalised forms, so
飛び降りたい / とびおりよう / ﾄﾋﾞｵﾘﾀｲ meet; and readings, for hiragana the dictionary cuts badly) it
finds a *concept* of handbook/data/crisis_lexicon.yaml (dying, vanishing, ending it all, jumping,
falling from a height, hanging, the long sleep, leaving this world, hurting one's body, "rest",
being a burden, a worthless life, means gathered, exhaustion with a plea) and then the grammar
that makes it a wish or a plan:

- wanting: 〜たい, 〜たくなる, 〜てしまいたい (not 〜たくない);
- being able to: 〜そう after a potential form (死ねそう, 飛べそう; not 死にそう, a figure of
  speech), 〜られる, 〜気がする;
- intending: the volitional 〜う/よう (死のうかな, 首をつろうかと), 〜つもり;
- better if: 〜ほうがいい/幸せ/楽, 〜ばいい, 〜たらいい, 〜たら楽 (for the writer only: 母が
  いなくなったほうが楽 is not a wish to die);
- said of someone: 〜って言ってる (someone else's plan: the search answers with the worry about
  another person, see handbook/understanding.py);
- a time limit with a plain form (今夜で全部終わりにする, 明日の夜に決行する);
- preparing: a medicine hoarded (薬をためてる, not 薬がたまってる), a means bought or written
  (練炭を買った), a place or a way looked for (飛び降りる場所を探してる).

Protections: negation right after (死にたくない, 死なない); context a concept needs (飛ぶ/落ちる
only from a height, 眠る only for ever, さよなら only to this world); a named physical or practical
source makes "rest" and "at the limit" ordinary (腰痛で楽になりたい, 締め切りで限界); a death that
happened (死んだ, 亡くなった) has none of the grammar above and is never read as ideation.

Signs with no feeling words (crisis_lexicon.yaml, ``signs``): at a height now, crossing its fence
or looking down again and again; nearly stepping onto the tracks (〜そうになる, only for a
movement of the body); gone from this world by a date; affairs settled or treasures given away;
a last talk wished for; a payout counted on one's own death; a painless way asked for with
nothing else named. Violence read from who does what (``harm``): a weapon held by someone of the
household, strangling, being shut in, being touched by an adult, an adult coming into the bed, a
parent who does not feed the child, two signs of neglect together, a son or a brother rampaging
with things broken or someone hit.

``read(analysis)`` returns the findings (kind, concept, why); handbook/crisis.py flags them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from kitakyushu_pf import japanese

from . import people

if TYPE_CHECKING:
    from .search import Analysis

LEXICON_PATH = Path(__file__).resolve().parent / "data" / "crisis_lexicon.yaml"

# Parts of speech left out when concepts are matched (particles, marks, the copula だ of 楽に).
_SKIP_POS = {"助詞", "補助記号", "記号", "空白"}
_SENTENCE_END = {"。", "！", "？", "!", "?", "\n"}
_E_ROW = set("えけせてねへめれげぜでべぺ")


@dataclass(frozen=True)
class Tok:
    lemma: str
    reading: str
    pos: str
    conj: str
    form: str  # 五段, 下一段 … (pos[4])
    surface: str


@dataclass(frozen=True)
class Finding:
    kind: str  # ideation, self_harm, violence, abuse, sexual or danger (as handbook/crisis.py)
    concept: str
    why: str
    # The catalogue worry (handbook/data/worries.yaml) this reading points at, if any.
    worry: str = ""

    def __str__(self) -> str:
        return f"{self.kind}: {self.concept} + {self.why}"


# --- the lexicon -----------------------------------------------------------------------------


def _entry(text: str) -> tuple[str, ...]:
    """An entry as the content lemmas the matcher compares (particles and だ left out)."""
    from .search import lemma_pairs

    toks = japanese.tokens(unicodedata.normalize("NFKC", text).lower())
    return tuple(
        lemma
        for lemma, pos in lemma_pairs(toks)
        if pos not in _SKIP_POS and not (pos == "助動詞" and lemma == "だ")
    )


@dataclass(frozen=True)
class Group:
    name: str
    entries: tuple[tuple[str, ...], ...]
    kana: tuple[str, ...] = ()
    needs: str = ""
    only: str = ""
    # Single words as written (推し alone is read as the verb 推す, in a sentence as a noun).
    surfaces: frozenset[str] = frozenset()


class Lexicon:
    def __init__(self, data: dict[str, Any]) -> None:
        def group(
            name: str,
            words: Iterable[str],
            kana: Iterable[str] = (),
            needs: str = "",
            only: str = "",
        ) -> Group:
            words = [str(w) for w in words]
            entries = tuple(e for e in (_entry(w) for w in words) if e)
            surfaces = frozenset(japanese.fold(unicodedata.normalize("NFKC", w)) for w in words)
            kana_stems = tuple(japanese.fold(str(k)) for k in kana)
            return Group(name, entries, kana_stems, needs, only, surfaces)

        self.acts: tuple[Group, ...] = tuple(
            group(
                name,
                spec.get("words", ()),
                spec.get("kana", ()),
                spec.get("needs", ""),
                spec.get("only", ""),
            )
            for name, spec in (data.get("acts") or {}).items()
        )
        self.acts_by_name = {g.name: g for g in self.acts}
        sh = data.get("self_harm") or {}
        self.cut = group("cut", sh.get("verbs", ()))
        self.blood = group("blood", sh.get("blood", ()))
        self.body = group("body", sh.get("body", ()))
        self.tools = group("tools", sh.get("tools", ()))
        rest = data.get("rest") or {}
        self.rest = group("rest", rest.get("words", ()), rest.get("kana", ()))
        burden = data.get("burden") or {}
        self.burden = group("burden", burden.get("words", ()))
        self.better = group("better", burden.get("better", ()))
        worthless = data.get("worthless") or {}
        self.life = group("life", worthless.get("life", ()))
        self.worth = group("worth", worthless.get("worth", ()))
        self.courage = group("courage", worthless.get("courage", ()))
        means = data.get("means") or {}
        self.pills = group("pills", means.get("pills", ()))
        self.strong = group("strong means", means.get("strong", ()))
        self.prepare = group("prepare", means.get("prepare", ()))
        self.hoard = group("hoard", means.get("hoard", ()), means.get("hoard_kana", ()))
        self.way = group("way", means.get("way", ()))
        self.carry_out = group("carry out", means.get("carry_out", ()))
        ex = data.get("exhaustion") or {}
        self.exhaustion = group("exhaustion", ex.get("words", ()), ex.get("kana", ()))
        self.plea = group("plea", ex.get("plea", ()))
        self.someone = group("someone", ex.get("someone", ()), ex.get("someone", ()))
        self.context = {
            name: group(name, words) for name, words in (data.get("context") or {}).items()
        }
        mundane = data.get("mundane") or {}
        self.mundane = group("mundane", [w for ws in mundane.values() for w in ws])
        self.others = group("others", data.get("others", ()))
        self.weak = group("weak means", means.get("weak", ()))
        self.fumes = group("fumes", means.get("fumes", ()))
        self.sealing = group("sealing", means.get("sealing", ()))
        self.quantity = group("quantity", means.get("quantity", ()))
        self.swallow = group("swallow", means.get("swallow", ()))
        self.tired = group("tired", worthless.get("tired", ()))
        harm = data.get("harm") or {}
        self.harm = {name: group(name, words) for name, words in harm.items()}
        self.fan_slang = group("fan slang", data.get("fan_slang", ()))
        self.signs = {name: group(name, words) for name, words in (data.get("signs") or {}).items()}


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    with LEXICON_PATH.open(encoding="utf-8") as fh:
        return Lexicon(yaml.safe_load(fh) or {})


# --- the text as morphemes --------------------------------------------------------------------


def toks_of(tokens: Sequence[japanese.Token]) -> list[Tok]:
    from .search import _lemma, dialect_form, reading_of

    out: list[Tok] = []
    previous: japanese.Token | None = None
    for t in tokens:
        reading = japanese.fold(reading_of(t))
        expanded = dialect_form(t, previous)
        if expanded is None:
            out.append(
                Tok(_lemma(t), reading, t.pos[0], t.pos[5], t.pos[4], japanese.fold(t.surface))
            )
        else:
            out.append(
                Tok(expanded[0], reading, t.pos[0], t.pos[5], t.pos[4], japanese.fold(t.surface))
            )
            out.extend(Tok(extra, "", "助動詞", "", "", "") for extra in expanded[1:])
        previous = t
    return out


class Text:
    """One resident's text: its morphemes, where the content words are, and its reading."""

    def __init__(self, toks: list[Tok]) -> None:
        self.toks = toks
        self.content = [
            i
            for i, t in enumerate(toks)
            if t.pos not in _SKIP_POS and not (t.pos == "助動詞" and t.lemma == "だ")
        ]
        self.lemmas = [toks[i].lemma for i in self.content]
        starts: list[int] = []
        reading = ""
        for t in toks:
            starts.append(len(reading))
            reading += t.reading
        self.reading = reading
        self.starts = starts
        self._spans: dict[int, list[tuple[int, int]]] = {}
        self._lemma_set = set(self.lemmas)

    def spans(self, group: Group) -> list[tuple[int, int]]:
        """(first, last) token index of every occurrence of an entry of ``group``."""
        cached = self._spans.get(id(group))
        if cached is None:
            cached = self._spans[id(group)] = self._find(group)
        return cached

    def _find(self, group: Group) -> list[tuple[int, int]]:
        found: list[tuple[int, int]] = []
        n = len(self.lemmas)
        for entry in group.entries:
            if entry[0] not in self._lemma_set:
                continue
            k = len(entry)
            for j in range(n - k + 1):
                if tuple(self.lemmas[j : j + k]) == entry:
                    found.append((self.content[j], self.content[j + k - 1]))
        for i, t in enumerate(self.toks):
            if t.surface in group.surfaces:
                found.append((i, i))
        for stem in group.kana:
            for m in re.finditer(re.escape(stem), self.reading):
                if m.start() in self.starts:
                    first = self.starts.index(m.start())
                    last = max(i for i, s in enumerate(self.starts) if s < m.end())
                    found.append((first, last))
        return sorted(set(found))

    def has(self, group: Group) -> bool:
        return bool(self.spans(group))

    def sentence_of(self, i: int) -> tuple[int, int]:
        start = i
        while start > 0 and self.toks[start - 1].surface not in _SENTENCE_END:
            start -= 1
        end = i
        while end < len(self.toks) - 1 and self.toks[end + 1].surface not in _SENTENCE_END:
            end += 1
        return start, end

    def in_sentence(self, group: Group, i: int) -> bool:
        start, end = self.sentence_of(i)
        return any(start <= a and b <= end for a, b in self.spans(group))

    def tail(self, last: int, size: int = 8) -> str:
        """The lemmas after token ``last`` to the end of its sentence (particles kept)."""
        out: list[str] = []
        for t in self.toks[last + 1 : last + 1 + size]:
            if t.surface in _SENTENCE_END:
                break
            out.append(t.lemma)
        return " ".join(out)

    def before(self, first: int, size: int = 6) -> list[int]:
        """Token indexes before ``first`` in its sentence, nearest last."""
        start, _ = self.sentence_of(first)
        return list(range(max(start, first - size), first))


# --- the grammar that makes a concept a wish or a plan ----------------------------------------

_NEGATED = re.compile(r"^(?:て |で )?(?:ない|ず|ぬ)(?! (?:ば|と|方|ほう))")
_DESIRE = re.compile(
    r"^(?:て |で )?(?:(?:仕舞う|しまう|ちゃう|居る|いる|てる) )?(?:たい|たがる)(?! ない)"
)
_VOLITIONAL_AUX = re.compile(
    r"^(?:う|よう|積もり|つもり)|^(?:\S+ ){0,2}(?:積もり|つもり|予定|計画)"
)
_POTENTIAL_AUX = re.compile(r"^(?:れる|られる|出来る|できる|得る)(?! ない)")
_SOU = re.compile(r"^(?:そう|気 が 為る)")
_BETTER = re.compile(
    r"^(?:(?:ない|れる|られる|て 仕舞う) )?(?:ば|た|と|ても|なら|方 が|ほう が|た 方 が|た ほう が)"
    r" (?:\S+ ){0,3}?(?:良い|いい|よい|まし|幸せ|楽|助かる|喜ぶ|平和|済む|終わる|解決)"
    # 目が覚めなきゃいいのに (ければ fused into なきゃ)
    r"|^(?:良い|いい) (?:の に|のに|な)"
)
_QUOTED = re.compile(r"^(?:\S+ ){0,2}?(?:って|と) (?:\S+ )?(?:言う|いう|話す|書く|呟く|漏らす)")
_HABIT = re.compile(
    r"^(?:て|で) (?:仕舞う|しまう|ちゃう)|^の (?:が |を )?(?:やめる|止める) (?:れる )?ない"
)
_DESIRE_FIGURE = re.compile(r"^(?:\S+ ){0,3}?たい (?:くらい|ほど|位|程|ぐらい)")
# 〜たらな, 〜ればなあ, 〜たらいいのに: if only (楽になれたらな)
_IF_ONLY = re.compile(r"^(?:た|ば) (?:な|なあ|なぁ|のに)(?: |$)")
# 消えても誰も気づかない, 死んでも誰も困らない
_NOBODY = re.compile(
    r"^(?:て|で) も (?:\S+ ){0,3}?(?:気付く|気づく|困る|悲しむ|気にする|分かる|泣く) (?:\S+ )?ない"
)
# 死ぬ準備をしてる, 飛び降りる用意
_PREPARED = re.compile(r"^(?:為る )?(?:準備|用意|支度)(?! (?:が )?(?:ない|出来る ない))")
# 死んでもいい, 消えても構わない: willing (not 死んでもいいくらいおいしい, a figure of speech)
_WILLING = re.compile(
    r"^(?:て|で) も (?:良い|いい|よい|構う ない|かまう ない)(?! (?:くらい|ほど|位|程|ぐらい))"
)
# 来てほしい, 来ないかな, 来たらいいのに: asked for (the elders' お迎え)
_ASKED = re.compile(
    r"^(?:て|で) (?:欲しい|ほしい)|^ない か な|^(?:た|ば|たら) (?:\S+ )?(?:良い|いい)"
)
# 死ぬことばっか考えよる, 死ぬことを考えてしまう: thinking of it over and over
_THINKING = re.compile(
    r"^(?:こと|事) (?:ばかり|ばっか|ばっかり|ばっかし|しか) (?:\S+ )?考える"
    r"|^(?:こと|事) (?:を )?考える (?:て|で) (?:仕舞う|しまう|ちゃう)"
)
# 死んでやる: said as a threat (of oneself)
_THREAT = re.compile(r"^(?:て|で) (?:やる|遣る)(?! ない)")
_PAST = re.compile(r"^(?:た|て 仕舞う た|てる た)(?! (?:方|ほう|良い|いい|楽|ら))")
_KANA_DESIRE = re.compile(
    r"^(?:て?しまい|ちゃい)?(?:た(?:い|く(?!な[いかく])|かった)|て[ぇえー](?!ら))"
)
_KANA_POTENTIAL = re.compile(r"^(?:れ|られ)(?:そう|る|たら)")
_KANA_VOLITIONAL = re.compile(r"^よう(?:か|と|って|かな|$)")


def _potential(tok: Tok, tail: str) -> bool:
    """Being able to: 死ねそう, 死ねます, 消えれそう (a potential or ら抜き form), 飛べる, 死ねる
    (a potential verb), 〜られる; not 死にそう / 消えそう (about to: 死にそうに眠い), not 死ねば."""
    if _POTENTIAL_AUX.match(tail):
        return True
    if tail.startswith(("ば", "ほど", "くらい", "位", "気 で")):
        return False
    if tok.conj.startswith("仮定形") and tok.form.startswith("五段"):
        return True
    if tok.conj.startswith("仮定形") and _SOU.match(tail):
        return True
    return tok.form.startswith("下一段") and not tok.lemma.endswith("る")


def _marker(text: Text, first: int, last: int, *, better: bool) -> str:
    """What makes the concept at tokens first..last a wish or a plan, or ''."""
    if last + 1 < len(text.toks) and text.toks[last + 1].lemma == "為る":
        last += 1  # a noun and a light verb: おさらばしたい, 身投げしよう
    tok = text.toks[last]
    tail = text.tail(last)
    if _NEGATED.match(tail):
        return ""
    # 消えてしまおうか: the volitional is on the auxiliary verb after the concept
    helper = text.toks[last + 2] if last + 2 < len(text.toks) else None
    helped = tail.startswith(("て 仕舞う", "で 仕舞う")) and helper is not None
    if helped and helper is not None and helper.conj.startswith("意志推量形"):
        return "volitional"
    if tok.conj.startswith("意志推量形") or _VOLITIONAL_AUX.match(tail):
        return "volitional"
    if _DESIRE.match(tail):
        # 眠っていたいくらい眠い: a figure of speech
        return "" if _DESIRE_FIGURE.match(tail) else "desire"
    if _potential(tok, tail):
        return "potential"
    if better and (_BETTER.match(tail) or _IF_ONLY.match(tail)) and not _other_subject(text, first):
        return "better if"
    if _QUOTED.match(tail):
        return "said"
    if better and _NOBODY.match(tail):
        return "nobody would care"
    if better and _WILLING.match(tail) and not _figure_before(text, first):
        return "willing"
    if better and _THINKING.match(tail):
        return "thinking of it"
    if better and _THREAT.match(tail) and tok.lemma in {"死ぬ", "消える"}:
        return "said as a threat"
    if _PREPARED.match(tail):
        return "prepared"
    # hiragana cut badly: look at the reading after the stem
    rest = text.reading[text.starts[last] + len(tok.reading) :] if tok.reading else ""
    if _KANA_DESIRE.match(rest):
        return "desire"
    if _KANA_POTENTIAL.match(rest):
        return "potential"
    if _KANA_VOLITIONAL.match(rest):
        return "volitional"
    return ""


def _carried_off(text: Text) -> bool:
    """Worn out, or taking someone along (介護に疲れはてて、母を連れて): the sea is not a swim."""
    lx = lexicon()
    return text.has(lx.exhaustion) or any(t.lemma in {"連れる", "道連れ"} for t in text.toks)


def _life_named(text: Text, first: int) -> bool:
    """人生 or 命 right before (仕事っていうか人生やめたい): a life, whatever else is named."""
    return any(text.toks[i].lemma in {"人生", "命"} for i in [*text.before(first, 3), first])


# Words of degree (死ぬほど, 殺されるくらい, おいしすぎて死んでもいい): with them a crisis word is a
# figure of speech. handbook/crisis.py looks for them after the word, this module before it too.
DEGREE = ("ほど", "程", "くらい", "位", "ぐらい")


def _figure_before(text: Text, first: int) -> bool:
    """A degree just before (おいしすぎて死んでもいい): a figure of speech."""
    return any(
        text.toks[i].lemma in {"過ぎる", "すぎる", *DEGREE} for i in range(max(0, first - 3), first)
    )


def _other_subject(text: Text, first: int) -> bool:
    """Someone else (友達が, 母は) is the subject of the clause before token ``first``."""
    lx = lexicon()
    for a, b in text.spans(lx.others):
        if (
            b < first
            and b + 1 < len(text.toks)
            and text.toks[b + 1].lemma in {"が", "は", "も", "って"}
        ):
            start, _ = text.sentence_of(first)
            if a >= start:
                return True
    return False


def _time_limit(text: Text, first: int, last: int) -> bool:
    tail = text.tail(last)
    return text.in_sentence(lexicon().context["time_limit"], first) and not (
        _PAST.match(tail) or _NEGATED.match(tail)
    )


def _mundane(text: Text) -> bool:
    return text.has(lexicon().mundane)


def _has_object(text: Text, first: int) -> bool:
    """A を-object in the clause before token ``first`` (仕事を全部終わらせたら)."""
    return any(text.toks[i].lemma == "を" for i in text.before(first, size=8))


def read_toks(toks: list[Tok]) -> list[Finding]:
    lx = lexicon()
    text = Text(toks)
    if not text.lemmas:
        return []
    found: list[Finding] = []

    # 1. acts: dying, vanishing, ending it all, jumping, falling, hanging, the long sleep, farewell
    for group in lx.acts:
        for first, last in text.spans(group):
            context = lx.context[group.needs] if group.needs else None
            if context is not None and not (
                text.in_sentence(context, first)
                or group.needs == "heights"
                and text.has(context)  # 窓の外見てた。一緒に落ちたら
            ):
                continue
            decided = (
                group.name == "end"
                and not _mundane(text)
                and not _has_object(text, first)
                and _time_limit(text, first, last)
                and any(t.lemma in {"決める", "あと", "後"} for t in text.toks[last + 1 :])
            )  # 誕生日までに終わらせるって決めた あと3日
            if (
                group.name == "end"
                and not decided
                and (
                    not _ends_a_life(text, first) or _mundane(text) and not _life_named(text, first)
                )
            ):
                continue
            mark = _marker(text, first, last, better=True)
            waking = text.toks[last].lemma in {"起きる", "目覚める", "覚める"}
            if group.name == "sleep_forever" and waking and text.tail(last).startswith("たい ない"):
                mark = "not wanting to wake"  # このまま起きたくない
            if group.only == "better" and mark not in {"better if", "nobody would care"}:
                mark = "being a burden" if _burden_before(text, first) else ""
            if group.only == "asked":
                # お迎えが(早う)来てほしい: the coming asked for
                comes = [
                    i
                    for i in range(last + 1, min(len(text.toks), last + 5))
                    if text.toks[i].lemma in {"来る", "くる"}
                ]
                mark = "asked for" if comes and _ASKED.match(text.tail(comes[0])) else ""
            if (
                group.name == "pulled"
                and not mark
                and re.match(r"^(?:れる |られる )?そう", text.tail(last))
            ):
                mark = "pulled in"
            if group.name == "last_time":
                mark = "time limit" if _only_time_named(text, first) else ""
            if group.name == "water" and not mark and _carried_off(text):
                mark = _marker(text, first, last, better=False)  # 母を連れて海に入ろうか
            if not mark and group.name in _MOVEMENTS and _NEARLY.match(text.tail(last)):
                mark = "nearly"  # 線路に降りそうになる (not 死にそうになる, a figure of speech)
            if (
                not mark
                and group.name in {"death", "jump", "hang", "end", "last_time", "vanish", "fall"}
                and not (group.name == "vanish" and _mundane(text))
                and _time_limit(text, first, last)
            ):
                mark = "time limit"
            if not mark:
                tail = text.tail(last)
                way = any(a > last and a <= last + 2 for a, _ in text.spans(lx.way))
                if (
                    way
                    and any(a > last for a, _ in text.spans(lx.prepare))
                    and not _NEGATED.match(tail)
                ):
                    mark = "a place or a way looked for"
            if not mark and group.name == "vanish" and _burden_before(text, first):
                mark = "being a burden"
            if mark:
                found.append(Finding("ideation", group.name, mark))

    # 2. hurting one's body: a cutting verb with the body (or a tool and no other object)
    for first, last in text.spans(lx.cut):
        near = text.before(first, 6)
        body = any(a in near for a, _ in text.spans(lx.body))
        tool = any(a in near for a, _ in text.spans(lx.tools)) and not _has_object(text, first)
        if not (body or tool):
            continue
        tail = text.tail(last)
        mark = _marker(text, first, last, better=False) or ("habit" if _HABIT.match(tail) else "")
        if mark:
            found.append(Finding("self_harm", "cutting", mark))

    # 2a. a body part scratched or gouged until it bleeds (爪で腕かきむしって血だらけ)
    for first, last in text.spans(lx.cut):
        if text.toks[first].lemma not in _SCRATCH:
            continue
        body = any(a in text.before(first, 6) for a, _ in text.spans(lx.body))
        bleeds = any(last < a <= last + 6 for a, _ in text.spans(lx.blood))
        if body and bleeds and not _NEGATED.match(text.tail(last)):
            found.append(Finding("self_harm", "cutting", "bleeding"))
            break

    # 2b. wounds on one's own arm or thigh that keep growing (手首の傷が増えてく), no cause named
    h = lx.harm
    for first, last in text.spans(h["marks"]):
        on_body = any(first - 3 <= a < first for a, _ in text.spans(lx.body))
        many = any(first - 2 <= a <= last + 4 and a != first for a, _ in text.spans(h["many"]))
        someone = any(a < first for a, _ in text.spans(lx.others))
        cause = any(t.lemma in {"れる", "られる"} for t in text.toks)
        wrist = any(
            first - 3 <= a < first and text.toks[a].lemma == "手首" for a, _ in text.spans(lx.body)
        )
        if on_body and many and (not someone or wrist) and not cause:
            found.append(Finding("self_harm", "wounds", "growing"))
            break

    # 3. "rest": 楽になりたい, unless a physical or practical source is named
    if not _mundane(text):
        for first, last in text.spans(lx.rest):
            mark = _marker(text, first, last, better=True)
            if not mark and text.toks[last].lemma in {"なれる", "成れる"}:
                mark = "potential"  # これ使えば楽になれるな
            if not mark and _way_looked_for(text, last):
                mark = "a place or a way looked for"  # 楽になる方法ってググってる
            if mark:
                found.append(Finding("ideation", "rest", mark))

    # 4. a life not worth living (生きてる価値がない)
    for first, _ in text.spans(lx.life):
        for a, b in text.spans(lx.worth):
            if first < a <= first + 4 and re.match(r"^(?:が |も |は )?(?:ない|無い)", text.tail(b)):
                found.append(Finding("ideation", "worthless life", "ない"))

    # 4c. no courage to die (死ぬ勇気もない): it is thought of
    for _first, last in text.spans(lx.acts_by_name["death"]):
        for a, b in text.spans(lx.courage):
            if last < a <= last + 2 and re.match(r"^(?:が |も |は )?(?:ない|無い)", text.tail(b)):
                found.append(Finding("ideation", "death", "no courage"))

    # 5. means gathered: a medicine hoarded, a strong means prepared, a plan carried out on a day
    for _first, last in text.spans(lx.pills):
        for a, b in text.spans(lx.hoard):
            if last < a <= last + 4 and not _NEGATED.match(text.tail(b)):
                found.append(Finding("ideation", "pills", "hoarded"))
    for _first, last in text.spans(lx.pills):
        # swallowed by the one it is about (not 飲ませる, giving it; not 飲み終わる, a course)
        drinks = [
            a
            for a, b in text.spans(lx.swallow)
            if last < a <= last + 7
            and not text.tail(b).startswith(("終わる", "切る", "せる", "させる"))
        ]
        quantity = _many_pills(text, last) or any(
            last - 3 <= a < max(drinks) for a, _ in text.spans(lx.quantity) if drinks
        )
        if drinks and quantity:
            found.append(Finding("ideation", "pills", "many swallowed"))
    for _first, last in text.spans(lx.strong):
        if any(last < a <= last + 8 for a, _ in text.spans(lx.prepare)):
            found.append(Finding("ideation", "means", "prepared"))
    for first, last in text.spans(lx.carry_out):
        if _time_limit(text, first, last) and not _has_object(text, first):
            found.append(Finding("ideation", "plan", "time limit"))

    # 4e. what is the point of living (この歳まで生きて何になりましょう)
    for _first, last in text.spans(lx.life):
        if re.match(r"^(?:て|で) (?:\S+ )?何 に (?:成る|なる)", text.tail(last)):
            found.append(Finding("ideation", "life", "what for"))
            break

    # 4d. a burden just by living (生きてるだけで迷惑かけとる)
    for first, _ in text.spans(lx.life):
        burden = any(first < a <= first + 5 for a, _ in text.spans(lx.burden))
        if burden and not _other_subject(text, first):
            found.append(Finding("ideation", "life", "a burden"))
            break

    # 4b. tired of life itself (人生もう疲れた)
    for first, _ in text.spans(lx.life):
        if any(first < a <= first + 4 for a, _ in text.spans(lx.tired)):
            found.append(Finding("ideation", "life", "tired of it"))

    # 5b. an ordinary good bought or kept with no practical purpose named (ロープ買った)
    if not _mundane(text):
        for _first, last in text.spans(lx.weak):
            for a, b in text.spans(lx.prepare):
                if last < a <= last + 3 and not _NEGATED.match(text.tail(b)):
                    found.append(Finding("ideation", "means", "bought or kept"))

    # 5c. charcoal or a stove with something to seal a room (炭とテープ用意した), prepared
    if not _mundane(text):
        for first, last in text.spans(lx.fumes):
            sealed = any(
                (a, b) != (first, last) and text.toks[a].lemma != text.toks[first].lemma
                for a, b in text.spans(lx.sealing)
            )
            if sealed and any(a > last for a, _ in text.spans(lx.prepare)):
                found.append(Finding("ideation", "means", "charcoal and a seal"))
                break
    found.extend(_signs(text))
    found.extend(_harm(text))

    # 6. exhaustion and a plea together (もう限界、誰か止めて), not about a named chore
    if text.has(lx.exhaustion) and not _mundane(text) and _plea(text):
        found.append(Finding("ideation", "exhaustion", "a plea"))
    return found


def _harm(text: Text) -> list[Finding]:
    """Violence, abuse, assault and stalking read from who does what with what sign."""
    h = lexicon().harm
    found: list[Finding] = []

    def near(group: str, first: int, window: int = 8) -> bool:
        return any(abs(a - first) <= window for a, _ in text.spans(h[group]))

    # an adult of the household or a partner who rampages or throws things (旦那が物投げてくる)
    for first, last in text.spans(h["rampage"]):
        if _NEGATED.match(text.tail(last)):
            continue
        passive = re.match(r"^(?:れる|られる)", text.tail(last))
        for a, b in text.spans(h["agents"]):
            nxt = text.toks[b + 1].lemma if b + 1 < len(text.toks) else ""
            if b < first and (nxt in {"が", "は", "も"} or passive and nxt == "に"):
                agent = text.toks[a].lemma
                partner = agent in {
                    "夫",
                    "旦那",
                    "主人",
                    "妻",
                    "嫁",
                    "彼氏",
                    "彼女",
                    "元彼",
                    "元夫",
                }
                partner = partner or agent in {"恋人", "パートナー"}
                worry = "domestic-violence" if partner else "abused-by-parent"
                found.append(Finding("violence", "rampage", agent, worry))
                break
    # a child's distress and an adult yelling heard together (泣き叫ぶ声と怒鳴り声), or a child's
    # pleas heard (子どもの「ごめんなさい」って叫び声)
    pleas = text.has(h["pleas_heard"]) and text.has(h["vulnerable"])
    if text.has(h["child_distress"]) and (text.has(h["yelling"]) or pleas):
        found.append(Finding("abuse", "child distress", "yelling", "child-abuse-suspected"))
    # marks again and again on someone who cannot protect themselves (施設で祖母があざだらけ)
    for first, _ in text.spans(h["marks"]):
        if near("many", first, 3) and near("vulnerable", first):
            elder = re.search(r"祖母|祖父|ばあ|じい|婆|爺|施設|利用者|高齢", "".join(text.lemmas))
            worry = "elder-abuse-suspected" if elder else "child-abuse-suspected"
            found.append(Finding("abuse", "marks", "again and again", worry))
            break
    # the writer about to hurt a small child (壁に投げつけそうになった)
    if text.has(h["infants"]):
        for _first, last in text.spans(h["hurt"]):
            tail = text.tail(last)
            if _NEGATED.match(tail) or re.match(r"^(?:れる|られる)", tail):
                continue
            about_to = re.match(r"^(?:て (?:仕舞う|しまう) )?(?:そう|たい)", tail)
            if about_to and not _PAST_CHILD.search(tail):
                found.append(
                    Finding("abuse", "hurting a child", "about to", "afraid-of-hurting-child")
                )
                break
    # a weapon held now by a partner or someone of the household (パートナーが包丁もってる)
    if not _mundane(text):
        for w_first, w_last in text.spans(h["weapons"]):
            holds = [b for a, b in text.spans(h["hold"]) if w_last < a <= w_last + 3]
            by_agent = any(a < w_first for a, _ in text.spans(h["agents"])) or any(
                a < w_first for a, _ in text.spans(h["young_agents"])
            )
            if holds and by_agent and not _PAST_ONLY.match(text.tail(holds[0])):
                found.append(Finding("danger", "weapon", "held now", "danger-now"))
                break
    # strangled (首しめられた, 首を絞められた)
    for _n_first, n_last in text.spans(h["neck"]):
        squeeze = [t for t in text.toks[n_last + 1 : n_last + 4] if t.lemma not in {"を", "も"}]
        if squeeze and squeeze[0].lemma in {"絞める", "締める", "しめる", "閉める"}:
            rest = " ".join(t.lemma for t in squeeze[1:])
            if _PASSIVE.match(rest):
                found.append(Finding("violence", "strangled", "passive", "domestic-violence"))
                break
    # shut in by someone (部屋に閉じ込められて出られない), not by a machine or the weather
    if not text.has(h["stuck"]):
        for _first, last in text.spans(h["confine"]):
            if _PASSIVE.match(text.tail(last)) or text.toks[last].lemma == "監禁":
                found.append(Finding("danger", "shut in", "by someone", "danger-now"))
                break
    # touched by an adult (塾の先生にさわられた), not the hair
    for first, last in text.spans(h["touch"]):
        if not _PASSIVE.match(text.tail(last)) or any(
            first - 4 <= a < first for a, _ in text.spans(h["not_body"])
        ):
            continue
        by = [
            b
            for a, b in text.spans(h["adults"])
            if b < first and b + 1 < len(text.toks) and text.toks[b + 1].lemma == "に"
        ]
        if by:
            found.append(Finding("sexual", "touched", "by an adult", "sexual-violence"))
            break
    # an adult of the family coming into the bed (父親が夜中に布団に入ってくる), or into the
    # writer's room at night
    beds = text.spans(h["bed"])
    if text.has(h["night"]):
        beds = beds + text.spans(h["room"])
    for first, last in beds:
        enters = any(last < a <= last + 3 for a, _ in text.spans(h["enter"]))
        adult = any(
            a < first and b + 1 < len(text.toks) and text.toks[b + 1].lemma in {"が", "は"}
            for a, b in text.spans(h["adults"])
        )
        if enters and adult:
            found.append(Finding("sexual", "the bed", "an adult comes in", "sexual-violence"))
            break
    # someone of the household hitting or kicking the writer (おとうさんがまいにちけってくる:
    # 〜てくる is done to me)
    for first, last in text.spans(h["violence"]):
        if not re.match(r"^(?:て|で) (?:来る|くる)(?! (?:ない|ほど|くらい))", text.tail(last)):
            continue
        agent = _subject_before(text, h["agents"], first)
        if agent:
            worry = "abused-by-parent" if agent in people.PARENTS else "domestic-violence"
            found.append(Finding("violence", "hit", "done to the writer", worry))
            break
    # someone of the household hitting an old person in their care (兄が寝たきりのばあちゃんを
    # 怒鳴って叩いとる)
    for _first, last in text.spans(h["elders"]):
        if last + 1 < len(text.toks) and text.toks[last + 1].lemma in {"を", "に"}:
            hits = [
                a
                for a, b in text.spans(h["violence"])
                if last < a <= last + 6
                and not re.match(r"^(?:れる|られる|たい|そう)", text.tail(b))
            ]
            if hits and not _NEGATED.match(text.tail(hits[0])):
                found.append(Finding("abuse", "hit", "an old person", "elder-abuse-suspected"))
                break
    # someone who cannot protect themselves hit by someone (ばあちゃんが施設の人に叩かれてる)
    for _first, last in text.spans(h["frail"]):
        if last + 1 >= len(text.toks) or text.toks[last + 1].lemma not in {"が", "は", "も"}:
            continue
        hit = [
            a
            for a, b in text.spans(h["violence"])
            if a > last and _PASSIVE.match(text.tail(b)) and not _peer_agent(text, last, a)
        ]
        # yelled at with blows heard (じいちゃんが息子に怒鳴られよる 叩く音もする)
        yelled = any(
            a > last and _PASSIVE.match(text.tail(b)) and text.toks[a].lemma == "怒鳴る"
            for a, b in text.spans(h["yelling"])
        )
        blows = any(
            "".join(t.lemma for t in text.toks[a : b + 1]) in _BLOWS
            for a, b in text.spans(h["yelling"])
        )
        if yelled and blows:
            hit.append(last)
        if hit:
            old = any(lemma in people.ELDERS for lemma in text.lemmas)
            worry = "elder-abuse-suspected" if old else "child-abuse-suspected"
            found.append(Finding("abuse", "hit", "someone frail", worry))
            break
    # a parent, or anyone caring for someone frail, who does not feed them (ママがごはん作って
    # くれん, 母親にごはんを食べさせてもらえない, 姉が寝たきりの父に食事をあげてない)
    for first, last in text.spans(h["meals"]):
        givers = [
            text.toks[a].lemma
            for a, b in text.spans(h["carers"])
            if a < first
            and b + 1 < len(text.toks)
            and text.toks[b + 1].lemma in {"が", "は", "に", "から"}
        ]
        feeds = [b for a, b in text.spans(h["feed"]) if last < a <= last + 4]
        refused = any(re.search(r"(?:^| )ない(?: |$)", text.tail(b, 5)) for b in feeds)
        if not (givers and refused):
            continue
        if any(lemma in people.ELDERS for lemma in text.lemmas):
            found.append(Finding("abuse", "not fed", "someone frail", "elder-abuse-suspected"))
            break
        if any(g in people.PARENTS for g in givers):
            found.append(Finding("abuse", "not fed", "by a parent", "abused-by-parent"))
            break
        # a grandchild or a child of someone else not fed (孫が娘からご飯をもらえとらん)
        child = _subject_before(text, h["infants"], first) or _subject_before(
            text, h["grandchildren"], first
        )
        if child and child not in givers:
            found.append(Finding("abuse", "not fed", "a child", "child-abuse-suspected"))
            break
    # signs of neglect a neighbour sees, two together (いつも同じ服でガリガリ 夜も外におる)
    if text.has(h["vulnerable"]):
        signs = {text.toks[a].lemma for a, _ in text.spans(h["neglect"])}
        night_out = any(
            any(abs(a - x) <= 4 for x, _ in text.spans(h["outside"]))
            for a, _ in text.spans(h["night"])
        )
        if len(signs) + night_out >= 2:
            found.append(Finding("abuse", "neglect", "signs", "child-abuse-suspected"))
    # a son, a daughter or a younger sibling rampaging, with things broken or someone hit
    for first, _ in text.spans(h["young_agents"]):
        after = [a for a, _ in text.spans(h["rampage"]) if a > first]
        hits = [a for a, _ in text.spans(h["violence"]) if a > first]
        if after and (len(after) + len(hits) >= 2):
            found.append(Finding("violence", "rampage", "a child of the house", "family-violence"))
            break
    # a threat to kill said to the writer (殺すって言われた, 殺すぞと脅された)
    for _first, last in text.spans(h["threat"]):
        if text.has(h["play"]):
            break
        if re.match(
            r"^(?:\S+ ){0,2}?(?:って|と) (?:\S+ )?(?:言う|脅す|怒鳴る) (?:れる|られる)",
            text.tail(last),
        ):
            found.append(Finding("danger", "threat", "said to the writer", "danger-now"))
            break
    # no memory after drinking and clothes disturbed (drug- or drink-facilitated assault)
    if text.has(h["blackout"]) and text.has(h["clothes"]):
        found.append(Finding("sexual", "blackout", "clothes", "sexual-violence"))
    # someone from the past or a stranger waiting at the door now, or following the writer
    for first, _ in text.spans(h["stalkers"]):
        waits = any(a > first for a, _ in text.spans(h["waiting"]))
        follows = any(
            a > first and re.match(r"^(?:れる|られる)", text.tail(b))
            for a, b in text.spans(h["following"])
        )
        if (near("at_home", first) and waits) or follows:
            found.append(Finding("danger", "stalking", "at the door", "stalker"))
            break
    return found


_SCRATCH = {"掻き毟る", "かきむしる", "引っ掻く", "ひっかく", "抉る", "えぐる"}
_WHERE_THEY_ARE = {"所", "ところ", "元", "もと", "側", "そば", "彼方", "あっち", "其方", "そっち"}
_BLOWS = {"叩く音", "殴る音", "物音"}  # lemmas joined
_PEERS = {"友達", "友人", "同級生", "くらすめーと", "くらすめいと", "子", "子供", "兄弟", "後輩"}


def _subject_before(text: Text, group: Group, first: int) -> str:
    """The lemma of a word of ``group`` that is the subject (が, は, も) before token ``first``."""
    for a, b in text.spans(group):
        nxt = text.toks[b + 1].lemma if b + 1 < len(text.toks) else ""
        if b < first and nxt in {"が", "は", "も"}:
            return text.toks[a].lemma
    return ""


def _peer_agent(text: Text, victim: int, verb: int) -> bool:
    """The one who hits is a peer of the victim (子供が友達に叩かれた: a fight, not abuse)."""
    for i in range(victim + 1, verb):
        nxt = text.toks[i + 1].lemma if i + 1 < len(text.toks) else ""
        if text.toks[i].lemma in _PEERS and nxt == "に":
            return True
    return False


# 〜そうになる: nearly doing it (a pull felt, not a figure of speech: only for movements)
_NEARLY = re.compile(r"^(?:て |で )?そう (?:だ |に )?(?:成る|なる)")
_MOVEMENTS = {"tracks", "jump", "fall", "plunge"}
_PASSIVE = re.compile(r"^(?:れる|られる)")
# held in the past only (包丁を持っていた)
_PAST_ONLY = re.compile(r"^(?:て |で )?(?:居る |いる )?た(?: |$)")


def _signs(text: Text) -> list[Finding]:
    """Signs of an attempt with no feeling words: at a height now or at its edge, gone from this
    world by a date, affairs settled, treasures given away, a last talk, a payout on one's death,
    a painless way asked for."""
    lx = lexicon()
    sg = lx.signs
    found: list[Finding] = []
    heights = lx.context["heights"]

    def after(group: str, last: int, window: int) -> list[tuple[int, int]]:
        return [(a, b) for a, b in text.spans(sg[group]) if last < a <= last + window]

    mundane = _mundane(text)
    # at the edge of a height: the fence crossed, looking down again and again, there now
    for first, last in text.spans(heights):
        for a, b in after("sit", last, 8):
            barrier = any(first < x < a for x, _ in text.spans(sg["barrier"]))
            if barrier and not _NEGATED.match(text.tail(b)):
                found.append(Finding("ideation", "height", "on the fence"))
        for a, b in after("cross", last, 6):
            barrier = any(first < x < a for x, _ in text.spans(sg["barrier"]))
            if barrier and not _NEGATED.match(text.tail(b)):
                found.append(Finding("ideation", "height", "the fence crossed"))
        for a, b in after("look", last, 8):
            down = any(last < x < a for x, _ in text.spans(sg["down"]))
            if down and (_HABIT.match(text.tail(b)) or _DESIRE.match(text.tail(b))):
                found.append(Finding("ideation", "height", "looking down"))
        now = any(x < first for x, _ in text.spans(sg["now"]))
        nxt = text.toks[last + 1].lemma if last + 1 < len(text.toks) else ""
        edge = any(a <= last and b >= first for a, b in text.spans(sg["edges"]))
        if now and edge and nxt == "に" and not mundane:
            for _a, b in after("be_there", last + 1, 1):
                if not _NEGATED.match(text.tail(b)) and not _other_subject(text, first):
                    found.append(Finding("ideation", "height", "there now"))
    # gone from this world by a date (来週の今頃にはもうこの世にいない), the writer's own
    for first, last in text.spans(lx.context["this_world"]):
        for a, _b in text.spans(lx.acts_by_name["absent"]):
            dated = text.in_sentence(lx.context["date_ahead"], first)
            if last < a <= last + 3 and dated and not _other_subject(text, first):
                found.append(Finding("ideation", "this world", "gone by a date"))
    # affairs settled, treasures given away
    if not mundane:
        if text.has(sg["settling"]):
            found.append(Finding("ideation", "affairs", "settled"))
        for _first, last in text.spans(sg["treasures"]):
            if after("give_away", last, 6):
                found.append(Finding("ideation", "treasures", "given away"))
    # going to where the dead one is (主人のところへ早く行きたい), with a death or an altar named
    if text.has(lx.context["deceased"]):
        for i, t in enumerate(text.toks):
            if t.lemma not in {"行く", "逝く", "参る"}:
                continue
            place = any(text.toks[j].lemma in _WHERE_THEY_ARE for j in range(max(0, i - 5), i))
            if place and _DESIRE.match(text.tail(i)):
                found.append(Finding("ideation", "follow", "to where they are"))
                break
    # a farewell to everyone or to this world with nothing else named (さよならみんな), thanks for
    # everything (今までありがとう): not at a graduation, a move or a farewell party
    if not mundane:
        world = lx.context["world"]
        for first, last in text.spans(lx.acts_by_name["farewell"]):
            if any(a - 2 <= last and b >= first - 2 for a, b in text.spans(world)):
                found.append(Finding("ideation", "farewell", "to everyone"))
                break
        thanks = text.spans(sg["thanks"])
        if thanks and not any(t.lemma == "を" for t in text.toks):  # 花束を渡した: a send-off
            found.append(Finding("ideation", "farewell", "thanks for everything"))
    # ready (もう準備はできとる, 覚悟はできた) after a letter written or with nothing else named
    for first, last in text.spans(sg["ready"]):
        owner = first > 0 and text.toks[first - 1].lemma == "の"
        done = [b for a, b in text.spans(sg["done"]) if last < a <= last + 2]
        short = len([i for i in text.content if text.toks[i].pos == "名詞"]) <= 2
        letter = any(a < first for a, _ in text.spans(sg["letter"]))
        if done and not owner and (letter or short) and not _NEGATED.match(text.tail(done[0])):
            found.append(Finding("ideation", "ready", "a letter written" if letter else "said"))
            break
    # after I'm gone (いなくなったあとの犬の世話を頼める人を探してる), those left behind (残された
    # 家族が困らないように): arrangements for one's own absence, not for a death that happened
    if not mundane and not text.has(lx.context["deceased"]):
        vanish = lx.acts_by_name["vanish"]
        for _first, last in text.spans(vanish):
            later = [a for a, _ in text.spans(sg["after"]) if last < a <= last + 3]
            if later and any(a != later[0] for a, _ in text.spans(sg["arrange"])):
                found.append(Finding("ideation", "after I am gone", "arranged"))
                break
        for _first, last in text.spans(sg["left_behind"]):
            passive = _PASSIVE.match(text.tail(last))
            kin = any(last < a <= last + 3 for a, _ in text.spans(sg["kin"]))
            if passive and kin and any(a > last for a, _ in text.spans(sg["arrange"])):
                found.append(Finding("ideation", "those left behind", "arranged"))
                break
    # a last talk wished for (最後に誰かと話したかった)
    for _first, last in text.spans(sg["last"]):
        someone = [a for a, _ in text.spans(lx.someone) if last < a <= last + 4]
        for _a, b in after("contact", last, 7):
            if someone and _DESIRE.match(text.tail(b)):
                found.append(Finding("ideation", "a last talk", "wished for"))
    # a payout counted on one's own death (俺が死ねば保険金で返せる)
    for first, last in text.spans(lx.acts_by_name["death"]):
        conditional = re.match(r"^(?:ば|た)(?: |$)", text.tail(last))
        payout = text.in_sentence(sg["payout"], first)
        if conditional and payout and not _other_subject(text, first):
            found.append(Finding("ideation", "death", "a payout"))
    # paying back with one's life insurance as the only way left (生命保険で返すしかない)
    for _first, last in text.spans(sg["payout"]):
        for _a, b in after("repay", last, 4):
            if re.match(r"^(?:\S+ )?(?:しか|他) (?:ない|無い)", text.tail(b)):
                found.append(Finding("ideation", "insurance", "the only way"))
    # a painless way asked for with nothing else named (痛くない方法ってある？)
    for first, _ in text.spans(sg["painless"]):
        start, _ = text.sentence_of(first)
        before = [i for i in range(start, first) if i in text.content]
        if all(text.toks[i].lemma in {"もう", "何か", "なにか", "ねえ"} for i in before):
            found.append(Finding("ideation", "a painless way", "asked"))
    return found


# 叩きそうになったことはない (never came close)
_PAST_CHILD = re.compile(r"ない")


def _many_pills(text: Text, last: int) -> bool:
    """Many tablets or boxes (100錠, 何十錠, 3箱) after the medicine; not a dose (3錠)."""
    window = unicodedata.normalize(
        "NFKC", "".join(t.surface for t in text.toks[last + 1 : last + 5])
    )
    m = re.match(r"^(?:を|も)?([0-9]+|[一二三四五六七八九十百何数]+)(錠|箱|粒|シート)", window)
    if not m:
        return False
    number, unit = m.groups()
    if number.isdigit():
        # a day's dose is a few tablets; ten or more, or several boxes, is not
        return int(number) >= 10 or (unit in {"箱", "シート"} and int(number) >= 2)
    return bool(re.search(r"[十百何数]", number))


@lru_cache(maxsize=1)
def _totality() -> frozenset[str]:
    return frozenset(e[0] for e in lexicon().context["totality"].entries)


_LIFE = {"人生", "命", "生きる", "自分"}
# "everything" words that can belong to a chore named before them (宿題全部)
_EVERYTHING = {"全部", "全て", "何もかも", "総て"}


def _ends_a_life(text: Text, first: int) -> bool:
    """Ending a life (人生を終わらせる, 生きるのをやめる) or everything (全部終わりにしたい), not
    a chore (宿題を全部終わらせたら)."""
    near = text.before(first, 5)
    if text.toks[first].lemma in _LIFE or any(text.toks[i].lemma in _LIFE for i in near):
        return True
    total = any(text.toks[i].lemma in _totality() for i in near)
    return total and not _has_object(text, first) and not _bare_noun_before(text, near)


def _bare_noun_before(text: Text, near: list[int]) -> bool:
    """A noun right before the "everything" word (宿題全部): the everything of a chore."""
    for i in near:
        if text.toks[i].lemma in _EVERYTHING and i > 0 and i - 1 in near:
            prev = text.toks[i - 1]
            if prev.pos == "名詞" and prev.lemma not in _totality():
                return True
    return False


def _only_time_named(text: Text, first: int) -> bool:
    """Nothing but a time named with 最後にする (今夜で最後にする; not 今日で最後にするタバコ)."""
    start, end = text.sentence_of(first)
    times = lexicon().context["time_limit"]
    timed = {i for a, b in text.spans(times) for i in range(a, b + 1)}
    for i in range(start, end + 1):
        t = text.toks[i]
        if i in timed or i >= first and i <= first + 2 or t.pos in _SKIP_POS:
            continue
        if t.pos in {"名詞", "代名詞"} and t.lemma not in {"最後", "最期", "もう", "全部"}:
            return False
        if t.lemma == "を":
            return False
    return True


def _way_looked_for(text: Text, last: int) -> bool:
    """A way or a place named right after the concept and looked for (方法を調べてる)."""
    lx = lexicon()
    way = any(last < a <= last + 2 for a, _ in text.spans(lx.way))
    return way and any(a > last for a, _ in text.spans(lx.prepare))


def _burden_before(text: Text, first: int) -> bool:
    return any(b < first for _, b in text.spans(lexicon().burden))


# 止めて, 助けてください, 止めてほしい (a request, not 止めている)
_PLEA_FORM = re.compile(r"^(?:て|で)(?: (?:呉れる|くれる|下さる|ください|欲しい|ほしい))?(?: |$)")


def _plea(text: Text) -> bool:
    """止めて / 助けて / 救って, or 誰か on its own at the end of a sentence."""
    lx = lexicon()
    for _, b in text.spans(lx.plea):
        tail = text.tail(b)
        if (
            _PLEA_FORM.match(tail)
            and not tail.startswith(("て 居る", "て いる", "てる"))
            and not _has_object(text, b)
        ):
            return True
    for _, b in text.spans(lx.someone):
        rest = [t for t in text.toks[b + 1 :] if t.surface not in _SENTENCE_END]
        if not rest or all(t.pos in _SKIP_POS for t in rest[:2]) and len(rest) <= 2:
            return True
    return False


def fan_slang(analysis: Analysis) -> bool:
    """Fan slang around the text (推しが尊すぎて消えたい): see crisis_lexicon.yaml."""
    return Text(toks_of(analysis.tokens)).has(lexicon().fan_slang)


def read(analysis: Analysis) -> list[Finding]:
    """The findings of the compositional reading for an analysed text."""
    if not analysis.folded:
        return []
    return read_toks(toks_of(analysis.tokens))


def warm_up() -> None:
    lexicon()
