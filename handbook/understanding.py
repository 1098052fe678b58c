"""Who and what: the few readings of a query that change which worry fits.

- someone else as the subject (「友達が」「母が」「夫が」 …) of wanting to die → the worry about
  another person (家族や知り合いが死にたいと言っている), not the writer's own;
- a death that happened (死んで, 亡くなった, 先立たれた) without a wish to die → bereavement;
- the one who hits (叩いてしまう, 手をあげてしまった) rather than the one who is hit
  (叩かれる) → the parent afraid of hurting their child;
- someone else hitting a child (夫が子どもに手をあげる) → a child who may be abused;
- who hits the writer (親に / 夫に / 上司に 殴られる) → the worry of that relationship;
- a figure of speech (死ぬほど眠い, 死ぬ気で) → not the crisis worries.

Each reading moves named worries (catalogue keys of handbook/data/worries.yaml) up by a fixed
amount or down by a factor; the search applies them after scoring the words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import crisis, people

if TYPE_CHECKING:
    from .search import Analysis

OTHERS = (
    "友達|友人|知り合い|同僚|先輩|後輩|母|父|母親|父親|お母さん|お父さん|息子|娘|夫|妻|旦那|主人|"
    "嫁|彼氏|彼女|恋人|親友|兄|姉|弟|妹|祖母|祖父|お婆さん|お爺さん|婆ちゃん|爺ちゃん|ちゃん|家族|子供|"
    "孫|親|隣|近所|元夫|元カレ|クラスメート|同級生|義父|義母|パートナー|子|"
    # at school or at work: a teacher or a boss writing about someone they look after
    "生徒|部下|教え子|利用者|患者|クラスメイト|部員|後輩|上司|先生"
)
PARENTS = people.alternation(people.PARENTS) + "|義理 の 父|義理 の 母"
_ELDER = re.compile(rf"(?:^| )(?:{people.alternation(people.ELDERS)})(?: |$)")
PARTNERS = "夫|妻|旦那|主人|嫁|彼氏|彼女|恋人|元夫|元カレ|元妻|パートナー"
_HIT = (
    r"(?:殴る|叩く|蹴る|暮らす|絞める|乱暴|抓る|つねる|ぼこる|しばく|どつく"
    r"|首 を (?:絞める|締める|湿る)|手 を (?:上げる|挙げる)|暴力 を (?:ふるう|振るう))"
)

_SUBJECT = re.compile(rf"(?:^| )(?:{OTHERS}) (?:が|は|も|って)(?: |$)")
# Words received from someone else (友達から「今までありがとう」ってLINEがきた,
# 母から死にたいと言われた).
_FROM_OTHER = re.compile(
    rf"(?:^| )(?:{OTHERS}) から (?:\S+ ){{0,8}}?"
    r"(?:言う|連絡|来る|届く|line|めーる|メール|メッセージ)"
)
_DEATH = re.compile(
    r"(?:死ぬ|亡くなる|亡くす|先立つ|死別|自殺 為る (?:た|て)|命 を 絶つ (?:ます )?た)"
    # not a death ahead (私たちが死んだ後あの子は), not 死んだように眠りたい
    r"(?! (?:たい|ほど|くらい|気|しか|と|って|た (?:後|あと|よう)))"
)
_FIGURE = re.compile(
    r"死ぬ (?:ほど|程|くらい|位|ぐらい|気|まで)|必死|殺す れる (?:くらい|位|ほど)"
    r"|過ぎる (?:て|で) 死ぬ"  # 部活きつすぎて死ぬ
)
# A door or window banged on or kicked now (ドアをドンドンたたかれてる): danger at the door.
_AT_THE_DOOR = re.compile(
    r"(?:ドア|扉|玄関|窓|どあ) (?:を )?(?:\S+ ){0,3}?(?:叩く|蹴る|殴る|たたく|ける) (?:れる|られる)"
)
# A dream (飛び降りる夢ばかり見る, 人が死ぬ夢): what happens in it is not happening; nightmares.
_DREAM = re.compile(r"(?:^| )(?:夢|悪夢) (?:を |が |ばかり |ばっか |も )?(?:\S+ )?(?:見る|続く)")
# The one hit is an old parent the writer looks after (介護してる母につい手をあげてしまう).
_CARED_FOR = re.compile(r"介護|認知症|寝たきり|要介護|デイサービス")
_SELF_HITS = re.compile(rf"{_HIT} (?:て|で) (?:仕舞う|しまう)|{_HIT} そう|つい {_HIT}|揺さぶる")
_PASSIVE_BY = re.compile(
    rf"(?:^| )({PARENTS}|{PARTNERS}|上司|先輩|店長|社長|同僚|客|親方|監督) に (?:\S+ ){{0,3}}?"
    rf"{_HIT} (?:れる|られる)"
)
# A son, a daughter, a sibling or a partner who stays at home and does not work (8050).
_FAMILY_WITHDRAWN = re.compile(
    r"(?:^| )(?:息子|娘|子供|子|兄|姉|弟|妹|夫|旦那|主人|家族) (?:が|は|も) (?:\S+ ){0,6}?"
    r"(?:働く (?:て |てる |て 居る )?ない"
    r"|引き籠もる|引きこもる|ひきこもる|引き籠り|引きこもり|ひきこもり"
    r"|家 から 出る (?:て |てる )?(?:ます )?ない|部屋 から 出る (?:て 来る |てる )?(?:ます )?ない)"
)
# 母を一人で見とる, 父の面倒を見ている: looking after someone (the dictionary reads 見とる
# as 見取る).
_CARES_FOR = re.compile(
    rf"(?:^| )(?:{PARENTS}|{PARTNERS}|祖母|祖父|婆|爺) (?:を|の) (?:\S+ ){{0,3}}"
    r"(?:見る|看る|見取る|看取る|世話|面倒 を 見る)"
)
_CHILD = re.compile(r"(?:^| )(?:子供|子|孫|赤ちゃん|息子|娘|家の子)(?: |$)")


@dataclass
class Reading:
    """How to move worries for one query: ``boost`` is added, ``factor`` multiplies."""

    boost: dict[str, float] = field(default_factory=dict)
    factor: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # When the crisis flag is on: the worries one of which must come first (the best scored of
    # them is put at the top; see search._scored).
    lead: tuple[str, ...] = ()

    def up(self, key: str, amount: float) -> None:
        self.boost[key] = max(self.boost.get(key, 0.0), amount)

    def down(self, key: str, factor: float) -> None:
        self.factor[key] = min(self.factor.get(key, 1.0), factor)

    def adjust(self, key: str, score: float) -> float:
        if not key:
            return score
        return score * self.factor.get(key, 1.0) + self.boost.get(key, 0.0)


SELF_IDEATION = ("suicidal-thoughts", "wish-to-vanish", "tired-of-living")


def read(analysis: Analysis, text: str | None = None) -> Reading:
    """``text``: the query as typed, so that the crisis kinds are those of the flag (the folded
    form drops ー: ロープ would be ろぷ)."""
    reading = Reading()
    if not analysis.folded:
        return reading
    line = crisis.lemma_line_of(analysis.tokens)
    found = crisis.assess(text if text is not None else analysis.folded)
    self_subject = bool(
        re.search(r"(?:^| )(?:私|僕|俺|自分|うち|あたし) (?:が|は|も|なんか|なんて)", line)
    )
    other = bool(_SUBJECT.search(line) or _FROM_OTHER.search(line)) and not self_subject
    ideation = "ideation" in found.kinds
    if _FIGURE.search(line) and not found.flag:
        reading.notes.append("figure of speech")
        for key in (*SELF_IDEATION, "someone-suicidal"):
            reading.down(key, 0.2)
    if ideation and other:
        reading.notes.append("someone else wants to die")
        reading.up("someone-suicidal", 1.2)
        for key in SELF_IDEATION:
            reading.down(key, 0.5)
    dream = bool(_DREAM.search(line))
    if dream:
        reading.notes.append("a dream")
        reading.up("sleepless", 0.8)
        reading.up("anxiety", 0.5)
    if _DEATH.search(line) and not ideation and not _FIGURE.search(line) and not dream:
        reading.notes.append("a death that happened")
        reading.up("bereavement", 0.9)
        if re.search(r"自殺|自死", line):
            reading.up("suicide-bereaved", 1.0)  # 兄が自殺して: bereaved by suicide
        for key in (*SELF_IDEATION, "someone-suicidal"):
            reading.down(key, 0.25)
    if (
        _SELF_HITS.search(line)
        and not re.search(r"(?:れる|られる)", line)
        and _CARED_FOR.search(line)
        and not _CHILD.search(line)
    ):
        reading.notes.append("the carer is the one who hits")
        reading.up("elder-abuse-suspected", 1.2)
        reading.up("carer-tired", 0.8)
        reading.down("afraid-of-hurting-child", 0.3)
    elif _SELF_HITS.search(line) and not re.search(r"(?:れる|られる)", line):
        reading.notes.append("the writer is the one who hits")
        reading.up("afraid-of-hurting-child", 1.2)
        for key in ("child-abuse-suspected", "abused-by-parent", "domestic-violence"):
            reading.down(key, 0.5)
    elif other and re.search(_HIT + r"(?! (?:れる|られる))", line) and _CHILD.search(line):
        reading.notes.append("someone else hits a child")
        reading.up("child-abuse-suspected", 1.2)
    by = _PASSIVE_BY.search(line)
    if by:
        agent = by.group(1)
        if re.fullmatch(PARENTS, agent):
            if not _CHILD.search(line.split(agent)[0]):
                reading.up("abused-by-parent", 0.8)
            else:
                reading.up("child-abuse-suspected", 0.8)
        elif re.fullmatch(PARTNERS, agent):
            reading.up("domestic-violence", 0.8)
        elif re.search(r"部活|学校|クラス|同級生|先生|学年|塾", line):
            reading.notes.append("hit at school")
            reading.up("bullied", 0.8)
            reading.down("workplace-harassment", 0.5)
        else:
            reading.up("workplace-harassment", 0.5)
            reading.down("domestic-violence", 0.5)
    elder = _ELDER.search(line)
    if elder and found.kinds & {"abuse", "violence"}:
        reading.up("elder-abuse-suspected", 1.0)
    elif "abuse" in found.kinds and not reading.boost.get("afraid-of-hurting-child"):
        if _CHILD.search(line) or not re.search(rf"(?:^| )(?:{PARENTS}) (?:が|は)", line):
            reading.up("child-abuse-suspected", 0.9)
        else:
            reading.up("abused-by-parent", 0.9)
    if re.search(
        rf"(?:^| )(?:{PARENTS}|{PARTNERS}) (?:が|は) (?:\S+ ){{0,3}}"
        rf"(?:{PARENTS}|{PARTNERS}) (?:を|に) (?:\S+ ){{0,3}}{_HIT}(?! (?:れる|られる|たい|そう))",
        line,
    ):
        reading.notes.append("a parent or partner hits another")
        reading.up("domestic-violence", 0.8)
    if _CARES_FOR.search(line):
        reading.notes.append("the writer looks after a parent or partner")
        reading.up("carer-tired", 0.6)
    if _FAMILY_WITHDRAWN.search(line):
        reading.notes.append("a family member stays at home")
        reading.up("withdrawn-family", 0.6)
        reading.down("long-out-of-work", 0.6)  # the writer's own blank years
    if re.search(r"(?:大学|学校|高校|専門学校|部活|塾) (?:を |も )?(?:やめる|辞める|止める)", line):
        reading.notes.append("leaving school, not a job")
        reading.down("quit-job", 0.4)
    if re.search(r"(?:職場|会社|上司|先輩|同僚|バイト先) .*?(?:苛める|いじめる|苛め|いじめ)", line):
        reading.up("workplace-harassment", 0.6)
    if _AT_THE_DOOR.search(line):
        reading.notes.append("someone at the door")
        reading.up("danger-now", 1.3)
        reading.down("abused-by-parent", 0.5)
    if re.search(r"首 が (?:\S+ ){0,2}?(?:痛い|凝る|こる|回る|痛む)", line):
        reading.down("dismissed", 0.3)  # 首が痛い: the neck, not 首になった
    if found.kinds & {"ideation", "violence"} and re.search(
        r"首 を? ?(?:吊る|辛い|つる|絞める|締める|湿る)", line
    ):
        reading.down("dismissed", 0.3)  # 首を吊る, 首を絞められた, not 首になった
    if re.search(r"自殺 為る た", line):
        reading.notes.append("a suicide that happened")
        reading.up("bereavement", 1.2)
    # The worries the compositional reading points at (旦那が物投げてくる → domestic violence).
    for key in found.worries:
        reading.up(key, 1.0)
    # Which worries must lead when the flag is on: the reading's own, else by kind and subject.
    if found.worries:
        reading.lead = tuple(found.worries)
    elif found.kinds & {"ideation", "self_harm"} and other:
        reading.lead = ("someone-suicidal",)
    elif "self_harm" in found.kinds:
        reading.lead = ("self-harm", *SELF_IDEATION)
    elif ideation:
        reading.lead = SELF_IDEATION
    elif found.kinds:
        # violence, abuse, assault, danger: the crisis worries of that kind, or the worry of who
        # does it that the reading found (叩いてしまう, 上司に殴られた, お金を取られる)
        kinds_keys = [k for k, kinds in CRISIS_WORRIES.items() if found.kinds & kinds]
        known = [k for k in (*kinds_keys, *RELATED_WORRIES) if reading.boost.get(k, 0.0) > 0]
        reading.lead = tuple(known or (*kinds_keys, *RELATED_WORRIES))
    # The crisis kind found in the words decides which crisis worries may lead.
    if ideation and not other:
        reading.up("suicidal-thoughts", 1.0)
        # the writer's own: wanting to vanish or finding life too hard may fit as well
        reading.up("wish-to-vanish", 0.5)
        reading.up("tired-of-living", 0.5)
    if "self_harm" in found.kinds:
        reading.up("someone-suicidal" if other else "self-harm", 0.9)
    if "sexual" in found.kinds:
        reading.up("sexual-violence", 0.8)
    if "danger" in found.kinds:
        reading.up("danger-now", 0.8)
    for key, kinds in CRISIS_WORRIES.items():
        if not found.kinds & kinds:
            reading.down(key, 0.5)
    if re.search(r"消える(?! (?:て )?(?:仕舞う |なくなる )?たい)", line) and not ideation:
        reading.down("wish-to-vanish", 0.3)
    return reading


# Not crisis worries themselves, but the right answer to a flagged query about who does what.
RELATED_WORRIES = (
    "afraid-of-hurting-child",
    "economic-abuse",
    "stalker",
    "verbal-abuse-control",
    "workplace-harassment",
)

# The crisis worries and the kinds of crisis (handbook/crisis.py) that may put them first.
CRISIS_WORRIES: dict[str, set[str]] = {
    "suicidal-thoughts": {"ideation"},
    "wish-to-vanish": {"ideation"},
    "tired-of-living": {"ideation"},
    "someone-suicidal": {"ideation", "self_harm"},
    "self-harm": {"self_harm", "ideation"},
    "domestic-violence": {"violence", "danger"},
    "child-abuse-suspected": {"abuse", "violence"},
    "abused-by-parent": {"abuse", "violence"},
    "elder-abuse-suspected": {"abuse", "violence"},
    "sexual-violence": {"sexual"},
    "danger-now": {"danger", "violence"},
    "family-violence": {"violence", "danger"},
}
