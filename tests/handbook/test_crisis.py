"""Crisis detection (handbook/crisis.py) on its own: what must be flagged and what must not."""

import pytest

from handbook import crisis

from . import evaluation

CASES = evaluation.load()
# Written after the first tuning round and scored once before the second (see bench/README).
HOLDOUT = evaluation.load(evaluation.HOLDOUT_PATH)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("死にたい", "ideation"),
        ("ｼﾆﾀｲ", "ideation"),
        ("しにたいけどだれにもいえん", "ideation"),
        ("友達が死にたいって言ってる", "ideation"),
        ("消えてなくなりたい", "ideation"),
        ("生きるのしんどいけん", "ideation"),
        ("リスカしてしまう", "self_harm"),
        ("りすか", "self_harm"),
        ("旦那にくらされる", "violence"),
        ("夫が子どもに手をあげる", "violence"),
        ("夫に首を絞められた", "violence"),
        ("母親が施設で乱暴されているみたい", "violence"),
        ("隣の子がいつも泣き叫んでいる", "abuse"),
        ("親がご飯をくれない", "abuse"),
        ("無理やりされた", "sexual"),
        ("殺される", "danger"),
        ("ﾀｽｹﾃ", "danger"),
    ],
)
def test_crisis_is_flagged_with_its_kind(text: str, kind: str) -> None:
    result = crisis.assess(text)
    assert result.flag, text
    assert kind in result.kinds, (text, result.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "派遣切りにあった",
        "雇い止めにあった",
        "死ぬほど眠い",
        "上司に殺されるくらい怒られた",
        "ゲームで殺されまくる",
        "死ぬ気で働いたのにクビ",
        "必死に仕事を探している",
        "母が死んでから何もする気が起きない",
        "死亡保険の手続き",
        "孤独死が心配",
        "首になった",
        "手首を痛めて仕事ができない",
        "電気が消えた停電かも",
        "暴力団の事務所が近所にある",
        "暴力的なゲームをやめられない",
        "自殺対策のボランティアをしたい",
        "学校に行きたくない",
        "DVDが見たい",
        "泣き叫ぶほど仕事がつらい",
        "飛び降りるほど高い家賃",
    ],
)
def test_look_alikes_are_not_flagged(text: str) -> None:
    result = crisis.assess(text)
    assert not result.flag, (text, result.reasons)


def test_empty_text_is_not_a_crisis() -> None:
    assert not crisis.assess("  、。 ").flag


def test_the_evaluation_set_has_enough_crisis_queries_and_look_alikes() -> None:
    assert sum(c.crisis == "yes" for c in CASES) >= 60
    assert sum(c.look_alike and c.crisis == "no" for c in CASES) >= 40


def test_every_crisis_query_of_the_evaluation_set_is_flagged() -> None:
    missed = [
        c.query for c in CASES + HOLDOUT if c.crisis == "yes" and not crisis.assess(c.query).flag
    ]
    assert missed == []


def test_no_ordinary_query_of_the_evaluation_set_is_flagged() -> None:
    flagged = {
        c.query: crisis.assess(c.query).reasons
        for c in CASES + HOLDOUT
        if c.crisis == "no" and crisis.assess(c.query).flag
    }
    assert flagged == {}
