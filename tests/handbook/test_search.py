import pytest

from handbook import search, selectors

from . import evaluation
from .relevance import QUERIES

# The catalogue snapshot (conftest.snap) needs the test database set up.
pytestmark = pytest.mark.django_db

_SMALL_INDEX = [
    (1, "お金がなくて生活が苦しい", "くらし", "お金がない", "", False),
    (2, "子どもが夜に急に熱を出した", "家族", "", "", False),
    (3, "DVを受けている", "暴力", "", "", True),
    (4, "自分が外に出られない", "若者", "ひきこもり", "", False),
    (5, "さびしくてたまらない", "孤独", "", "", False),
]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("お金ない", "おかねない"),
        ("ｵｶﾈがない", "おかねがない"),
        ("ＤＶ", "dv"),
        ("子供が熱", "子どもが熱"),
        ("引きこもり", "ヒキコモリ"),
        ("寂しい", "さみしい"),
    ],
)
def test_width_kana_and_variants_find_the_same_worry(a: str, b: str) -> None:
    index = search.build_index(_SMALL_INDEX)
    assert search.search(index, a)[0].id == search.search(index, b)[0].id


@pytest.mark.parametrize(
    ("a", "b"), [("ＤＶ", "dv"), ("ｵｶﾈ", "おかね"), ("ヒキコモリ", "ひきこもり")]
)
def test_normalise_is_the_cache_key_and_folds_width_and_kana(a: str, b: str) -> None:
    assert search.normalise(a) == search.normalise(b)


def test_word_order_does_not_matter() -> None:
    index = search.build_index(
        [
            (1, "お金がなくて生活が苦しい", "c", "", "", False),
            (2, "仕事が見つからない", "c", "", "", False),
        ]
    )
    assert search.search(index, "生活が苦しくてお金がない")[0].id == 1


@pytest.mark.parametrize(
    "text", ["死にたい", "しにたい", "もう消えたい", "夫の暴力", "虐待されてる", "自殺"]
)
def test_crisis_words_are_recognised(text: str) -> None:
    assert search.is_crisis_text(text)


@pytest.mark.parametrize("text", ["お金がない", "仕事やめたい", "眠れない"])
def test_ordinary_worries_are_not_crisis(text: str) -> None:
    assert not search.is_crisis_text(text)


def test_empty_query_finds_nothing() -> None:
    index = search.build_index([(1, "お金がない", "c", "", "", False)])
    assert search.search(index, "  、。 ") == []


def _precision_at_3(snap: selectors.Snapshot) -> tuple[float, float, float]:
    normalised = hit = strict = 0.0
    for query, expected in QUERIES:
        top = [h.text for h in selectors.worries_search(snapshot=snap, text=query, limit=3).hits]
        good = len(set(top) & expected)
        normalised += good / min(3, len(expected))
        strict += good / 3
        hit += good > 0
    n = len(QUERIES)
    return normalised / n, hit / n, strict / n


def test_relevance_set_precision_at_3(snap: selectors.Snapshot) -> None:
    """Measured on the shipped relevance set (≥60 queries) against the demo content."""
    assert len(QUERIES) >= 60
    p_at_3, hit_at_3, strict = _precision_at_3(snap)
    print(f"relevance: n={len(QUERIES)} P@3={p_at_3:.3f} hit@3={hit_at_3:.3f} strict={strict:.3f}")
    # P@3 here is |top3 ∩ relevant| / min(3, |relevant|); strict divides by 3 always.
    assert p_at_3 >= 0.9
    assert hit_at_3 >= 0.95


def test_every_relevance_answer_exists_in_the_demo_content(snap: selectors.Snapshot) -> None:
    texts = {w.text for w in snap.worries.values()}
    assert set().union(*(e for _q, e in QUERIES)) <= texts


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("家賃が払えん", "払う~ない"),
        ("もらえん", "貰う~ない"),
        ("給料が出らん", "出る~ない"),
        ("学校に行けん", "行く~ない"),
        ("朝起きられん", "れる~ない"),
    ],
)
def test_kitakyushu_negatives_are_negatives(text: str, term: str) -> None:
    assert term in search.analyse(text).terms


def test_a_verb_ending_in_n_is_not_a_negative() -> None:
    assert "死ぬ~ない" not in search.analyse("母が死んでから").terms
    assert "読む~ない" not in search.analyse("本を読んだ").terms


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("I have no money", "no-money"),
        ("I can't pay my rent", "rent"),
        ("I got fired", "dismissed"),
        ("没工作", "no-job"),
        ("我现在没有工作", "no-job"),
        ("집세를 못 내요", "rent"),
        ("tôi bị đuổi việc", "dismissed"),
        ("toi khong co tien", "no-money"),
    ],
)
def test_a_worry_typed_in_another_language_finds_its_worry(
    snap: selectors.Snapshot, text: str, key: str
) -> None:
    """The catalogue's translations (handbook/data/translations/) are searched for a query in
    English, Chinese, Korean or Vietnamese, so it does not fall through to 「どこに相談したら」."""
    keys = {w.id: w.key for w in snap.index.worries}
    result = selectors.worries_search(snapshot=snap, text=text, limit=3)
    assert key in [keys[h.id] for h in result.hits], [h.text for h in result.hits]
    assert not result.fallback


@pytest.mark.parametrize(
    ("text", "key"),
    [
        # worries the catalogue lacked: scams, eating disorders, violence at home by a child or a
        # sibling, people bereaved by suicide, drug dependency
        ("投資でもうかると言われて振り込んだ", "scam"),
        ("息子を名乗る電話で100万円払ってしまった", "scam"),
        ("過食嘔吐がとまらない", "eating-disorder"),
        ("拒食で体重がへりつづけてる", "eating-disorder"),
        ("弟が暴れて母を殴る", "family-violence"),
        ("大学生の息子の家庭内暴力", "family-violence"),
        ("兄を自殺で亡くした", "suicide-bereaved"),
        ("夫が自死してから何も手につかない", "suicide-bereaved"),
        ("大麻がやめられない", "addiction"),
        # the words of a worry the catalogue did not know (taxes by name, take-home pay, sales,
        # a career gap, a filthy room, in-laws, a temperature, after childbirth, a rebellious
        # child, exposure online, palpitations, a child's development, same-sex partners, a
        # stillbirth, after the parents die, a settlement, a barking dog, online games, after-school
        # care, shopping far away, a flight home, a child swallowing something, a pension taken,
        # a phone checked, an amount of money left)
        ("固定資産税の督促がきた", "tax-insurance"),
        ("手取りが少なすぎて生活できん", "working-poor"),
        ("客が減って店の売り上げが落ちた", "income-fell"),
        ("ずっとニートで職歴がない", "long-out-of-work"),
        ("部屋が汚くて足の踏み場もない", "hoarding"),
        ("義母との関係がしんどい", "couple"),
        ("赤ちゃんが38度ある", "child-fever"),
        ("産後うつかもしれない", "low-mood"),
        ("反抗期の娘にどう接したらいいか", "parenting-hard"),
        ("ネットで個人情報をさらされた", "sns-trouble"),
        ("動悸がして息苦しい", "anxiety"),
        ("息子の言葉の発達が遅い", "developmental"),
        ("同性パートナーとの将来が不安", "lgbt"),
        ("死産でつらい", "bereavement"),
        ("親亡き後のひきこもりの弟が心配", "withdrawn-family"),
        ("事故の示談金でもめてる", "legal"),
        ("隣の家の犬の鳴き声がうるさい", "neighbours"),
        ("夫がオンラインゲームに課金しすぎ", "addiction"),
        ("学童に入れなかった", "parenting-hard"),
        ("近くにスーパーがなくて買い物に行けない", "elderly-alone"),
        ("帰国したいけど飛行機のチケット代がない", "foreign-work-money"),
        ("赤ちゃんがたばこを誤飲した", "sudden-illness"),
        ("兄が母の年金を勝手に引き出している", "elder-abuse-suspected"),
        ("彼氏に携帯を毎日チェックされる", "verbal-abuse-control"),
        ("所持金が500円しかない", "no-money"),
        # a dream of it is not it; an exam failed; in-laws; the body's sex
        ("人が死ぬ夢を毎晩見る", "sleepless"),
        ("模試の判定が悪くて人生終わった", "youth-future"),
        ("姑が毎日家に来てしんどい", "couple"),
        ("男の体で生まれたのがつらい", "lgbt"),
        # Japanese in romaji (a phone without a Japanese keyboard)
        ("okane ga nakute gohan mo kaenai", "no-food"),
        ("shigoto ga mitsukaranai", "no-job"),
        ("yachin harae nai", "rent"),
        # a boss or a shop manager who hits is work, not a partner
        ("バイトの店長に蹴られた", "workplace-harassment"),
        # a parent in 北九州弁 words (オカン, しばく)
        ("オカンに毎日しばかれよる", "abused-by-parent"),
        # a death by suicide told with て (兄が自殺して)
        ("姉が自殺して半年 なにもできん", "suicide-bereaved"),
        # vocabulary of worries the catalogue had
        ("冷蔵庫が空っぽで子どもに食べさせるものがない", "no-food"),
        ("明日から来なくていいと言われた", "dismissed"),
        ("メルカリで買った商品が届かない", "online-shopping"),
        ("保険証がなくて病院に行けない", "medical-costs"),
        ("せいかつほごってどうやって申し込むと", "public-assistance"),
    ],
)
def test_the_words_of_a_worry_find_it(snap: selectors.Snapshot, text: str, key: str) -> None:
    assert key in evaluation.top_keys(snap, text)


# --- Fifth round (bench/README): written in new words for the kinds of miss the sixth and seventh
# held-out sets showed, each seen failing first.
@pytest.mark.parametrize(
    ("dialect", "standard"),
    [
        ("生きとる意味", "生きてる意味"),
        ("死んどる", "死んでる"),
        ("怒鳴られよった", "怒鳴られてた"),
        ("考えよる", "考えてる"),
    ],
)
def test_kitakyushu_progressive_reads_as_the_standard_form(dialect: str, standard: str) -> None:
    """〜とる / 〜よる (the dictionary's own auxiliaries) are read as 〜てる in the reading."""
    assert search.analyse(dialect).reading.endswith(search.analyse(standard).reading[-3:])
    assert search.analyse(dialect).lemmas == search.analyse(standard).lemmas


@pytest.mark.parametrize(
    ("slang", "plain"),
    [
        ("4にたい", "死にたい"),
        ("氏ね", "死ね"),
        ("タヒりたい", "死にたい"),
        ("〇にたい", "死にたい"),
    ],
)
def test_net_slang_for_death_is_spelt_out(slang: str, plain: str) -> None:
    assert search.analyse(slang).lemmas == search.analyse(plain).lemmas


@pytest.mark.parametrize("text", ["4ねんせい", "田中氏に相談", "○にする", "写真とらんで"])
def test_words_like_the_slang_are_left_alone(text: str) -> None:
    assert "死ぬ" not in search.analyse(text).lemmas


@pytest.mark.parametrize("text", ["i am alone", "help me", "salary not paid"])
def test_english_is_not_taken_for_romaji(text: str) -> None:
    from handbook import romaji

    assert romaji.as_kana(text) is None


@pytest.mark.parametrize("text", ["home", "no home", "no money"])
def test_english_that_also_spells_kana_is_answered_in_english(
    snap: selectors.Snapshot, text: str
) -> None:
    """The word home spells ほめ and "no home" の ほめ: a reading in kana that finds nothing
    gives way to the English translations."""
    expected = "no-money" if "money" in text else "homeless"
    assert expected in evaluation.top_keys(snap, text)


def test_romaji_reads_as_hiragana() -> None:
    from handbook import romaji

    assert romaji.as_kana("shinitai") == "しにたい"
    assert romaji.as_kana("Okane ga nai") == "おかね が ない"
