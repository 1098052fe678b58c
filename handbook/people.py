"""Who is who in a resident's text, as the analyser gives the words (the lemmas of
handbook/search.py: パパ is ぱぱ, お袋 is 御袋, かあちゃん is 母ちゃん, おばあちゃん is 御 婆
ちゃん).

One list for the search's reading of who does what (handbook/understanding.py) and for the crisis
reading (handbook/crisis_reading.py). tests/handbook/test_crisis.py checks that the words as
residents type them meet these lemmas.
"""

from __future__ import annotations

import re

# A parent, in any register or dialect: a parent who hits is abuse by a parent, not DV.
PARENTS: tuple[str, ...] = (
    "親", "父", "母", "父親", "母親", "お父さん", "お母さん", "親父", "御袋", "ぱぱ", "まま",
    "義父", "義母", "継父", "継母", "おかん", "おとん", "母ちゃん", "父ちゃん", "母さん", "父さん",
)  # fmt: skip

# Someone old or in care: an old person hit or not fed is elder abuse, not child abuse.
ELDERS: tuple[str, ...] = (
    "祖母", "祖父", "婆", "爺", "寝た切り", "認知症", "認知", "施設", "利用者", "高齢", "高齢者",
    "介護", "年寄り", "老人", "でいさーびす", "へるぱー",
)  # fmt: skip


def alternation(words: tuple[str, ...]) -> str:
    """A regular expression matching any of ``words`` (longest first)."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
