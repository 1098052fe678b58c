"""Crisis detection (handbook/crisis.py) on its own: what must be flagged and what must not."""

import pytest

from handbook import crisis
from handbook.crisis_languages import crisis_kind_foreign

from . import evaluation

CASES = evaluation.load()
# Written after the first tuning round and scored once before the second (see bench/README).
HOLDOUT = evaluation.load(evaluation.HOLDOUT_PATH)
# Written before the third tuning round, scored once before it (see bench/README).
HOLDOUT2 = evaluation.load(evaluation.HOLDOUT2_PATH)
# Written after the third round and scored once (see bench/README); fixed since.
HOLDOUT3 = evaluation.load(evaluation.HOLDOUT3_PATH)
# Written by a colleague who had not seen the code; scored once, then tuned on (see bench/README).
HOLDOUT4 = evaluation.load(evaluation.HOLDOUT4_PATH)
# Scored by someone else before it was seen here, then tuned on (see bench/README).
HOLDOUT5 = evaluation.load(evaluation.HOLDOUT5_PATH)
# Scored without change on three versions, then tuned on (see bench/README).
HOLDOUT6 = evaluation.load(evaluation.HOLDOUT6_PATH)
# Scored before and after the sixth set's round, then tuned on (see bench/README).
HOLDOUT7 = evaluation.load(evaluation.HOLDOUT7_PATH)


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
        # without the word 死: not wanting to exist or to wake up, the way out as a relief
        ("この世から居らんくなれたらいいのに", "ideation"),
        ("私なんかいないほうがいい", "ideation"),
        ("このまま目が覚めなければいいのに", "ideation"),
        ("明日なんて来なければいい", "ideation"),
        ("生まれてこなければよかった", "ideation"),
        ("遺書を書いておこうかな", "ideation"),
        ("死んだら楽になれるのに", "ideation"),
        ("もう全部終わらせたい", "ideation"),
        ("いきるのにつかれた", "ideation"),
        ("線路に吸い込まれそうになる", "ideation"),
        ("彼女から今までありがとうってLINEが来た", "ideation"),
        ("太ももをカッターで切ってしまう", "self_harm"),
        ("壁に頭を打ち付けてしまう", "self_harm"),
        ("腕の傷を隠して学校に行く", "self_harm"),
        ("彼氏に首をしめられた", "violence"),
        ("施設で祖母がつねられている", "violence"),
        ("毎晩赤ちゃんの悲鳴が聞こえる", "abuse"),
        ("上司に体を触られる", "sexual"),
        ("何のために生きてるのかわからない", "ideation"),
        ("ロープのことばかり考えてしまう", "ideation"),
        ("僕なんかいなくてもいい", "ideation"),
        ("兄が父を蹴っている", "violence"),
        ("ｵｯﾄﾆﾀﾀｶﾚﾙ", "violence"),
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
        # the same kana inside other words (私に対して, 推しにたくさん, 足の裏, 橋の上)
        "上司が私に対してだけ厳しい",
        "推しにたくさん課金して金欠",
        "足の裏が痛くて歩けん",
        # everyday uses of the new patterns
        "目が覚めんで遅刻した",
        "明日来なかったら連絡して",
        "宿題全部終わらせたら楽になる",
        "子どもが眠ったまま起きないので救急車を呼びたい",
        "橋の上から花火を見た",
        "頭をぶつけてたんこぶができた",
        "料理中に手を切った",
        "同僚に今までありがとうと花束を渡した",
        "何のために働いているのかわからない",
        "引っ越しのロープを買った",
        "私がいなくても仕事は回る",
        "父が母を殴りそうで心配",
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


def _flagged(text: str) -> bool:
    """As the public search flags: Japanese by the crisis reading, a few other languages by
    handbook/crisis_languages.py (the fourth set has English and Vietnamese queries)."""
    return crisis.assess(text).flag or crisis_kind_foreign(text) is not None


def test_every_crisis_query_of_the_evaluation_set_is_flagged() -> None:
    missed = [
        c.query
        for c in CASES + HOLDOUT + HOLDOUT2 + HOLDOUT3 + HOLDOUT4 + HOLDOUT5 + HOLDOUT6 + HOLDOUT7
        if c.crisis == "yes" and not _flagged(c.query)
    ]
    assert missed == []


def test_no_ordinary_query_of_the_evaluation_set_is_flagged() -> None:
    flagged = {
        c.query: crisis.assess(c.query).reasons
        for c in CASES + HOLDOUT + HOLDOUT2 + HOLDOUT3 + HOLDOUT4 + HOLDOUT5 + HOLDOUT6 + HOLDOUT7
        if c.crisis == "no" and _flagged(c.query)
    }
    assert flagged == {}


# --- The compositional reading (handbook/crisis_reading.py, handbook/data/crisis_lexicon.yaml).
# Written before it was built, as residents might type them, none copied from the evaluation sets:
# a concept (dying, vanishing, ending, jumping, falling, hanging, hoarding pills, cutting, "rest",
# being a burden, a plan, a time limit) plus what makes it the writer's own wish or plan now.
COMPOSED_CRISIS = [
    # desire, potential, volitional
    ("もう楽になりたい", "ideation"),
    ("全部投げ出して楽になりたいな", "ideation"),
    ("永遠に眠りたい", "ideation"),
    ("屋上から飛べる気がする", "ideation"),
    ("この窓から落ちたらどうなるんやろ、落ちたい", "ideation"),
    ("首をつろうかと思ってる", "ideation"),
    ("今夜で全部終わりにする", "ideation"),
    ("生きるのをやめたい", "ideation"),
    ("この世からおさらばしたい", "ideation"),
    ("消えられたらいいのに", "ideation"),
    ("死ねたらいいのにな", "ideation"),
    ("しのうかな", "ideation"),
    ("ﾄﾋﾞｵﾘﾀｲ", "ideation"),
    ("高いところから飛びたくなる", "ideation"),
    # being a burden, everyone better off
    ("俺がおらん方が家族は助かる", "ideation"),
    ("私が消えればみんな楽になる", "ideation"),
    ("迷惑ばっかりかけるけん、いなくなったほうがいい", "ideation"),
    ("生きてる価値がない", "ideation"),
    # preparation: means gathered, a plan, a time
    ("睡眠薬を少しずつ集めてる", "ideation"),
    ("市販の薬をこっそり貯めとる", "ideation"),
    ("練炭を買ってしまった", "ideation"),
    ("飛び降りる場所を探してる", "ideation"),
    ("死に場所を探している", "ideation"),
    ("明日の夜に決行する", "ideation"),
    # exhaustion and a plea together
    ("もう無理、誰か止めて", "ideation"),
    ("疲れた。限界。だれか", "ideation"),
    ("しんどい もう限界 とめて", "ideation"),
    # cutting
    ("カミソリで腕を切りたくなる", "self_harm"),
    ("手首を切ってしまいそう", "self_harm"),
    # a second round of probes, written after the first reading was built
    ("このまま起きたくない", "ideation"),
    ("目覚めなければいいのに", "ideation"),
    ("線路に入りたくなる", "ideation"),
    ("このまま海に入ったら楽かな", "ideation"),
    ("睡眠薬100錠あれば死ねる？", "ideation"),
    ("どうやったら楽に死ねますか", "ideation"),
    ("薬いっぱい飲んだ", "ideation"),
    ("このまま消えても誰も気づかない", "ideation"),
    ("死ぬ準備をしてる", "ideation"),
    ("彼が家で暴れとる", "violence"),
    ("妻に物を投げられる", "violence"),
    ("知らない男にあとをつけられる", "danger"),
    ("保育園で子どもがあざだらけで帰ってくる", "abuse"),
    ("泣き止まない娘を揺さぶりそうでこわい", "abuse"),
    # a third round of probes
    ("もう誰にも会わずに消えてしまおうか", "ideation"),
    ("いっそ楽になれたらな", "ideation"),
    ("薬を何十錠も飲んでしまった", "ideation"),
    ("死にてぇ", "ideation"),
    ("さよならの手紙を書いた", "ideation"),
    ("夫に殺すと言われた", "danger"),
    ("祖母が薬を一度に全部飲んでしまった", "ideation"),
    # a fourth round, written after the fifth held-out set showed which mechanisms were missing
    # (none copied from it): nearly stepping off, being at a height now, looking down, a fence
    # crossed, plunging a car, gone from this world by a date, belongings given away, a last talk,
    # a life insurance payout, wounds that grow, a painless way asked, charcoal and tape
    ("駅のホームで線路に降りそうになる", "ideation"),
    ("いまマンションの屋上に来とる", "ideation"),
    ("歩道橋の上から下ばかり見てしまう", "ideation"),
    ("ベランダの柵を乗り越えたら楽になれる", "ideation"),
    ("電車につっこみたくなる", "ideation"),
    ("車で川に突っ込みたい", "ideation"),
    ("明日の今頃はこの世におらん", "ideation"),
    ("宝物をぜんぶ友達に配った", "ideation"),
    ("身の回りの整理をはじめた", "ideation"),
    ("最後にだれかの声が聞きたかった", "ideation"),
    ("俺が死ねば保険金で家のローンが払える", "ideation"),
    ("腕の切り傷がどんどん増えとる", "self_harm"),
    ("苦しまない方法おしえて", "ideation"),
    ("七輪と炭を買ってきた", "ideation"),
    ("高いとこから下をのぞいてしまう", "ideation"),
    ("橋の欄干をこえそうになる", "ideation"),
    ("腕の傷がどんどん増えてる", "self_harm"),
    ("太ももの傷がまた増えた", "self_harm"),
    # violence, abuse and assault of the fourth round: a weapon held now, strangling in kana,
    # being shut in, touched by an adult, an adult coming into the bed, a child not fed or cared
    # for, a son or a brother rampaging at home
    ("彼氏が刃物をふりまわしてる", "danger"),
    ("旦那にくびしめられた", "violence"),
    ("夫に家に閉じこめられてる", "danger"),
    ("コーチにさわられるのがいや", "sexual"),
    ("義父が夜中にベッドに入ってくる", "sexual"),
    ("隣の子が夜遅くまで外におって、いつも痩せてる", "abuse"),
    ("お母さんがご飯くれん おなかすいた", "abuse"),
    ("中学生の息子が暴れて家の物を壊す", "violence"),
]

COMPOSED_LOOK_ALIKES = [
    "電気を止められそうで不安",
    "締め切りで限界",
    "薬の飲み方がわからない",
    "髪を切りたいけどお金がない",
    "飛行機に乗りたい",
    "腰痛がひどくて楽になりたい",
    "家事を楽にしたい",
    "飲み忘れた薬がたまってしまう",
    "ポイントを貯めたい",
    "引っ越しの準備でもう限界",
    "空を飛びたい",
    "試験に落ちたくない",
    "死にたくない、病気がこわい",
    "祖父が死んでさみしい",
    "母が亡くなって悲しい",
    "旅行の準備をしている",
    "終活の相談をしたい",
    "飛び込み営業がつらい",
    "屋上でお昼を食べたい",
    "電車に乗り遅れそう",
    "送別会でみんなにお別れを言いたい",
    "会社に迷惑をかけたので辞めたほうがいい",
    "明日の夜に引っ越しする",
    "疲れたので誰か家事を手伝って",
    "爪を切りたい",
    "早く眠りたいのに眠れない",
    # second round
    "海に入りたい",
    "明日は起きないといけない",
    "明日起きたくない",
    "ホームで電車を待つ",
    "死ぬ覚悟で頑張る",
    "包丁を買った",
    "かぜ薬を3錠飲んだ",
    "子供が暴れて大変",
    "マイルを貯めたい",
    "ロープウェイに乗りたい",
    "高いところから景色を見たい",
    "ベランダから布団が落ちた",
    "子どもが転んであざができた",
    "今日は帰らないつもり",
    "推しが尊すぎて消えたい",
    # third round
    "宝くじが当たればな",
    "腰が治ればな",
    "会社を辞めてしまおうか",
    "ゲームで殺すって言われた",
    "今日で全部終わらせる、引っ越しの片付け",
    "永遠に眠っていたいくらい眠い",
    "母の薬をまとめて飲ませる",
    # fourth round
    "エレベーターに閉じ込められた",
    "父はもうこの世にいない",
    "子どもが夜中に布団に入ってくる",
    "キャンプ用に炭を買った",
    "注射が痛くない方法ある？",
    "夫が死んだら保険金はおりる？",
    "最後に会ったのはいつだっけ",
    "今ビルの屋上でバーベキューしてる",
    "夫がごはん作ってくれない",
    "娘がいつも同じ服を着たがる",
    "美容師に髪をさわられるのが苦手",
    "母が包丁を持って料理してる",
    "会社との関係を終わりにしたい",
    "ツッコミが下手でつらい",
    "引っ越しで本をぜんぶ友達にあげた",
    "膝の傷がなかなか治らない",
    "猫にひっかかれて腕の傷が増えた",
    "炭を買ってきた",
    "今ホームにいるけど電車が来ない",
    "今マンションにいる",
    "終活で身辺整理をはじめた",
    "断捨離で大事な物もぜんぶ人にあげた",
    "いま橋を渡ってるところ",
    "七輪を買った",
]


@pytest.mark.parametrize(("text", "kind"), COMPOSED_CRISIS, ids=[c[0] for c in COMPOSED_CRISIS])
def test_the_compositional_reading_flags_unlisted_phrasing(text: str, kind: str) -> None:
    result = crisis.assess(text)
    assert result.flag, text
    assert kind in result.kinds, (text, result.reasons)


@pytest.mark.parametrize("text", COMPOSED_LOOK_ALIKES)
def test_the_compositional_reading_leaves_ordinary_worries(text: str) -> None:
    result = crisis.assess(text)
    assert not result.flag, (text, result.reasons)


@pytest.mark.parametrize(
    "text",
    ["娘が薬をためてるみたい", "彼氏が飛び降りるって言ってる", "友達がもう楽になりたいって言う"],
)
def test_someone_elses_plan_is_flagged_too(text: str) -> None:
    assert crisis.assess(text).flag, text


def test_the_crisis_lexicon_is_valid_and_commented() -> None:
    """The secretariat extends handbook/data/crisis_lexicon.yaml: every group a concept needs
    exists, and every group has a one-line comment above it."""
    from handbook import crisis_reading

    lexicon = crisis_reading.lexicon()
    for act in lexicon.acts:
        assert act.entries, act.name
        assert not act.needs or act.needs in lexicon.context, act.name
        assert act.only in {"", "better", "asked"}, act.name
    lines = crisis_reading.LEXICON_PATH.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line.startswith("  ") and line.strip().endswith((":", "]")) and ":" in line:
            key_line = line.strip()
            if key_line.startswith(("words:", "kana:", "needs:", "only:")):
                continue
            assert lines[i - 1].strip().startswith("#"), f"line {i + 1}: {key_line[:30]}"


# --- Fifth round: the kinds of phrasing the sixth held-out set showed the reading missing
# (bench/README), each written here in new words first and seen failing: 北九州弁 progressive
# forms (〜とる, 〜よる), net slang that hides 死 (4ね, 氏, タヒ, 〇), euphemisms of death,
# farewells and preparations, violence against someone who cannot protect themselves, a child's
# account in hiragana, a parent who does not feed the child.
FIFTH_ROUND_CRISIS = [
    # 北九州弁 progressive forms: the reading sees 〜ている
    ("もう生きとる意味がない", "ideation"),
    ("ビルの屋上から飛んだら楽になるっちゃないかって思いよる", "ideation"),
    ("死のうと思っとる", "ideation"),
    ("毎日親に叩かれよる", "violence"),
    # slang that hides 死
    ("まじ4にたい", "ideation"),
    ("氏にたい", "ideation"),
    ("もうタヒりたい", "ideation"),
    ("○にたい", "ideation"),
    ("ジサツしたい", "ideation"),
    # euphemisms of death
    ("はやく逝きたい", "ideation"),
    ("この世からログアウトしたい", "ideation"),
    ("人生から退場したい", "ideation"),
    ("永眠したいな", "ideation"),
    ("はよお迎えがきてほしい", "ideation"),
    ("安楽死したい", "ideation"),
    ("死んでもいいと思ってる", "ideation"),
    ("死ぬ勇気がないだけ", "ideation"),
    ("生きる気力がない", "ideation"),
    ("車にひかれたらいいのに", "ideation"),
    ("主人のいるあっちに行きたい 亡くなって半年", "ideation"),
    ("橋の上にいたら吸い込まれそうになる", "ideation"),
    ("山に入ってもう戻ってこないつもり", "ideation"),
    # farewells and preparations
    ("みんなさよなら", "ideation"),
    ("今夜で最後にする", "ideation"),
    ("俺がいなくなったあとの犬の世話を頼める人を探してる", "ideation"),
    ("残された家族が困らないように通帳をまとめた", "ideation"),
    ("弟が急に持ち物をぜんぶ処分しはじめた", "ideation"),
    # violence against someone who cannot protect themselves; a child's own words
    ("おとうさんがまいにちけってくる", "violence"),
    ("ままにたたかれる", "violence"),
    ("ばあちゃんが施設の人にいつも怒鳴られて叩かれてる", "abuse"),
    ("母親にごはんを食べさせてもらえない", "abuse"),
    ("姉が寝たきりの父に食事をあげてない", "abuse"),
    # English typed without apostrophes
    ("i dont want to live anymore", "ideation"),
    # the past named, and the danger still now (not a past that is over)
    ("1年前に夫に殴られた。もう怖くて家に帰れない", "violence"),
    ("包丁で手首を切った", "self_harm"),
    ("nobody would miss me if i was gone", "ideation"),
]

FIFTH_ROUND_LOOK_ALIKES = [
    "写真とっとる",
    "年とったら一人が不安",
    "それによると明日は雨",
    "4ねんせいの息子が学校に行かん",
    "田中氏に相談したい",
    "祖父が逝ってさみしい",
    "スマホの電池が死んどる",
    "ゲームからログアウトできない",
    "退場処分になった試合がくやしい",
    "犬が永眠しました ペットロスがつらい",
    "おいしすぎて死んでもいい",
    "死ぬほど眠い",
    "祖母が亡くなって あっちで元気にしとるかな",
    "ベランダに洗濯物を干しよる",
    "引っ越しでみんなさよなら",
    "卒業式でさよならを言った",
    "今日で最後にするタバコ",
    "転勤であとの仕事を頼める人を探してる",
    "遺された家族の相続手続きがわからない",
    "引っ越しで持ち物をぜんぶ処分した",
    "上司に殺されるかと思うくらい怒鳴られる",
    "「死ね」って毎日いわれる",
    "息子がゲームで怒鳴っとる",
    "子どもにごはんを食べさせたい",
    "i dont want to live alone",
    # an accident that cut the arm is not self-harm
    "転んで腕を切って血が出た",
    "料理中に包丁で手首を切ってしまった 血が止まらん",
]


@pytest.mark.parametrize(
    ("text", "kind"), FIFTH_ROUND_CRISIS, ids=[c[0] for c in FIFTH_ROUND_CRISIS]
)
def test_fifth_round_phrasings_are_flagged(text: str, kind: str) -> None:
    result = crisis.assess(text)
    foreign = crisis_kind_foreign(text)
    assert result.flag or foreign, text
    assert kind in result.kinds or foreign == kind, (text, result.reasons)


@pytest.mark.parametrize("text", FIFTH_ROUND_LOOK_ALIKES)
def test_fifth_round_look_alikes_are_not_flagged(text: str) -> None:
    result = crisis.assess(text)
    assert not result.flag and crisis_kind_foreign(text) is None, (text, result.reasons)


# --- Who is who (handbook/people.py): a parent named the way a child names them.
PARENT_WORDS = [
    "パパ", "ママ", "お袋", "おふくろ", "かあちゃん", "父ちゃん", "母さん", "親父", "継父",
]  # fmt: skip


@pytest.mark.parametrize("parent", PARENT_WORDS)
def test_a_parent_as_residents_name_them_is_a_parent(parent: str) -> None:
    from handbook import people, search

    assert set(search.analyse(f"{parent}が").lemmas) & set(people.PARENTS)


@pytest.mark.django_db
@pytest.mark.parametrize("parent", PARENT_WORDS)
def test_a_parent_who_hits_is_abuse_by_a_parent(snap: object, parent: str) -> None:
    for text in (f"{parent}が毎日殴ってくる", f"{parent}に毎日殴られる"):
        assert crisis.assess(text).flag, text
        assert "abused-by-parent" in evaluation.top_keys(snap, text), text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text", ["デイサービスで祖母が叩かれてるみたい", "ヘルパーさんがばあちゃんを叩いてた"]
)
def test_an_old_person_hit_is_elder_abuse(snap: object, text: str) -> None:
    assert crisis.assess(text).flag
    assert "elder-abuse-suspected" in evaluation.top_keys(snap, text)


# --- Sixth round: ordinary worries that share words with the ninth set's crisis phrasings.
SIXTH_ROUND_LOOK_ALIKES = [
    "いっそ一緒に住もうかな",
    "このバイト続けるか、終わりにするか迷う",
    "実家を出て、もう戻らないつもり",
    "屋上にいる。もう昼休み終わる",
    "車の事故の保険金で修理代を払えるならそれでいい",
    "車で壁に突っ込んだら修理代いくら？",
    "たばこのあと気分が悪い",
    "つらすぎて死ねるかと思った、部活の練習",
    "助けてくれる人がいない",
    "虐待とまではいかないけど、子どもに怒鳴ってしまう自分がいや",
    "飲んでいるうちにあざができた",
]


@pytest.mark.parametrize("text", SIXTH_ROUND_LOOK_ALIKES)
def test_sixth_round_look_alikes_are_not_flagged(text: str) -> None:
    assert not crisis.assess(text).flag, crisis.assess(text).reasons


@pytest.mark.parametrize(
    "text",
    [
        "これって虐待じゃないですか？隣の子がずっと泣いてる",
        "誰か助けてくれ",
        "いっそこの子と一緒にと思ってしまう",
        "ばあさんが逝ってから一人じゃ。わしも早よう迎えに来てほしい",
    ],
)
def test_sixth_round_phrasings_are_flagged(text: str) -> None:
    assert crisis.assess(text).flag
