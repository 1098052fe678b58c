"""Directory search through the portal's Japanese analyser (``kitakyushu_pf.japanese``).

Each person and organisation keeps a ``search_text``: every searchable field folded (NFKC,
katakana → hiragana, lower case) and read aloud in hiragana. A query word is folded and read the
same way, so 引きこもり, ひきこもり and ヒキコモリ, or ﾎｳﾎﾞｸ and ホウボク, find the same people.
A person's name is in their search text only when they agreed to be listed by name.
"""

from collections.abc import Iterable

from kitakyushu_pf.japanese import fold, reading


def search_text(parts: Iterable[str]) -> str:
    lines: list[str] = []
    for part in parts:
        part = (part or "").strip()
        if not part:
            continue
        lines.append(fold(part))
        spoken = reading(part)
        if spoken and spoken != lines[-1]:
            lines.append(spoken)
    return "\n".join(lines)


def query_variants(word: str) -> list[str]:
    """The forms under which a typed word is looked for in ``search_text``."""
    word = word.strip()
    if not word:
        return []
    return list(dict.fromkeys(v for v in (fold(word), reading(word)) if v))


def person_search_text(person: object) -> str:
    parts = [getattr(person, "role", ""), getattr(person, "ask_me_about", "")]
    if getattr(person, "listed_by_name", False):
        parts = [getattr(person, "name", ""), getattr(person, "kana", ""), *parts]
    return search_text(parts)


def organisation_search_text(organisation: object) -> str:
    return search_text([getattr(organisation, "name", ""), getattr(organisation, "kana", "")])
