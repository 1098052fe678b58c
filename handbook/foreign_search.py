"""A worry typed in English, Chinese, Korean or Vietnamese, found through the catalogue's
translations (handbook/data/translations/{en,zh-hans,ko,vi}.yaml).

The Japanese analyser finds nothing in 「I lost my job」 or 「일자리를 찾고 있어요」, so such a
query fell through to 「どこに相談したらいいかわからない」. Each translation gives every worry its
text and keywords in the resident's language; a query with no kana is scored against them:

- a keyword or the worry's text found in the query (as whole words for Latin script, as a
  substring for Chinese and Korean) scores its length in characters;
- a Chinese or Korean keyword with one character inserted between two of its own (没钱 in
  我没有钱) scores half as much;
- for Latin script, every content word the query shares with a keyword scores 1 (so 「I can't
  pay my rent」 meets "rent", 「I got fired」 meets "fired").

Vietnamese is compared with and without its tone marks (it is often typed without them).
Crisis phrases in these languages are handled first by handbook/crisis_languages.py.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml

DIR = Path(__file__).resolve().parent / "data" / "translations"
LANGUAGES = ("en", "zh-hans", "ko", "vi")

# English words that say nothing about the worry (a question, a pronoun, a helper verb).
_STOP = frozenset(
    "i i'm im me my mine you your we our a an the to of in on at for and or is am are was be "  # noqa: SIM905
    "been have has had do does did can can't cannot could get got want need help where what how "
    "who when why it this that there here please some any with from about not no don't dont "
    "very so too just really now still".split()
)
ENGLISH_STOP_WORDS = _STOP
_KANA = re.compile(r"[\u3040-\u30ff\uff66-\uff9f]")
_LATIN_WORD = re.compile(r"[a-z0-9']+")


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower().replace("’", "'")
    return re.sub(r"\s+", " ", text).strip()


def _no_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _latin(text: str) -> bool:
    return bool(re.search(r"[a-z]", text))


@lru_cache(maxsize=1)
def _phrases() -> tuple[tuple[str, str, bool], ...]:
    """(worry key, phrase, latin) for every keyword and text of every translation."""
    out: list[tuple[str, str, bool]] = []
    for language in LANGUAGES:
        path = DIR / f"{language}.yaml"
        if not path.exists():
            continue
        # the C loader when PyYAML has it: the four files take 0.3 s with the Python one
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}  # noqa: S506
        for key, entry in (data.get("worries") or {}).items():
            texts = [entry.get("text", ""), *(entry.get("keywords") or [])]
            for raw in texts:
                phrase = _plain(str(raw))
                if not phrase:
                    continue
                if language == "vi":
                    phrase = _no_marks(phrase)
                out.append((str(key), phrase, _latin(phrase)))
    return tuple(out)


@lru_cache(maxsize=4096)
def _gapped(phrase: str) -> re.Pattern[str]:
    """The phrase with at most one character between its characters (没钱 ~ 没有钱)."""
    return re.compile(".?".join(re.escape(c) for c in phrase if not c.isspace()))


def is_foreign(text: str) -> bool:
    """A query with letters or Hangul or Han characters and no kana."""
    plain = _plain(text)
    return bool(plain) and not _KANA.search(plain) and bool(re.search(r"\w", plain))


def worry_keys(text: str, *, limit: int = 3) -> list[str]:
    """Worry keys whose translation fits a non-Japanese query, best first."""
    if not is_foreign(text):
        return []
    plain = _plain(text)
    bare = _no_marks(plain)  # Latin only: NFD would split Hangul into its letters
    words = {w for w in _LATIN_WORD.findall(bare) if w not in _STOP}
    padded = f" {' '.join(_LATIN_WORD.findall(bare))} "
    scores: dict[str, float] = {}
    for key, phrase, latin in _phrases():
        score = 0.0
        if latin:
            spaced = " ".join(_LATIN_WORD.findall(phrase))
            if spaced and f" {spaced} " in padded:
                score += len(spaced)
            score += len(words & set(_LATIN_WORD.findall(phrase)) - _STOP)
        elif phrase in plain:
            score += len(phrase) * 2  # a Chinese or Korean character says as much as a word
        elif len(phrase) >= 2 and _gapped(phrase).search(plain):
            score += len(phrase)  # 没钱 in 我没有钱: one character between
        if score:
            scores[key] = scores.get(key, 0.0) + score
    ranked = sorted(scores, key=lambda k: -scores[k])
    return ranked[:limit]
