"""Find personal identifiers in a case study's free text before it is shared with members.

``identifiers_find(text)`` is the one entry point: it returns every span that could identify a
person, with its kind, its exact text and its position in the text as typed, so the author sees
the spans highlighted and rewrites or confirms each.

Two kinds of evidence are combined:

- the portal's Japanese analyser (``kitakyushu_pf.japanese``, SudachiPy): people's names
  (固有名詞・人名, with or without an honorific; a word after 妻の/長男の that the dictionary
  knows as a given name; any word but a relation before くん/ちゃん), and place names below the
  ward (固有名詞・地名 other than countries, prefectures and cities, also without 市/県 unless
  also a surname, the seven wards and the five former cities (小倉, 若松…), regions, and
  one-character words such as 境), with the school or building they name;
- patterns for what has a fixed shape: phone numbers, e-mail addresses, URLs (with or without
  https://), LINE/SNS IDs and @handles, postal codes, addresses down to 丁目/番地/号, buildings
  and rooms, named homes, day services and workplaces (デイサービス「…」, …黒崎店), company names
  (株式会社…), labelled ID numbers (被保険者番号, 口座番号) and car plates, romaji names with an
  honorific or title, full dates (和暦 included), birth years and exact ages (七十二歳 too).

Role words (利用者さん・相談員さん・民生委員さん・大家さん), letters standing for a person (Aさん),
age bands (70代), months (2023年2月) and wards (小倉北区) are not identifiers. The finder is
measured on ``tests/casestudies/deid_eval.tsv`` and the held-out sets beside it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from kitakyushu_pf import japanese


@dataclass(frozen=True)
class Finding:
    """A span of ``text`` that may identify a person; ``start``/``end`` index the text as typed."""

    kind: str
    text: str
    label: object
    start: int = 0
    end: int = 0


LABELS: dict[str, object] = {
    "name": _("a person's name"),
    "place": _("a place name narrower than a ward"),
    "address": _("a postal address"),
    "postal_code": _("a postal code"),
    "phone": _("a phone number"),
    "email": _("an e-mail address"),
    "url": _("a web address"),
    "sns": _("a LINE or social media ID"),
    "date": _("an exact date"),
    "age": _("an exact age"),
    "organisation": _("the name of a school, employer or facility"),
    "number": _("an ID number (insurance card, account, car plate)"),
}

HONORIFICS = ("さん", "様", "さま", "氏", "くん", "君", "ちゃん", "先生", "殿")
# Places a case may name: they cover too many people to point at one.
_WARDS = ("門司区", "小倉北区", "小倉南区", "若松区", "八幡東区", "八幡西区", "戸畑区")
# The five former cities the wards grew from: as wide as a ward (若松の海, 小倉で買い物), though
# also surnames — with an honorific (若松さん) they are names.
_FORMER_CITIES = ("門司", "小倉", "若松", "八幡", "戸畑")
_REGIONS = {
    "日本", "九州", "北九州", "北部九州", "関東", "関西", "東北", "北海道", "沖縄", "本州",
    "四国", "中国地方", "アジア", "海外", "国内", "市内", "県内", "区内",
}  # fmt: skip
_PLACE_SUFFIX_ALLOWED = ("市", "県", "府", "都", "国")
# What a place or a proper noun names when one of these follows it.
_FACILITY = (
    "小学校", "中学校", "高校", "高等学校", "中等教育学校", "特別支援学校", "大学", "幼稚園",
    "保育園", "保育所", "こども園", "団地", "ハイツ", "マンション", "アパート", "コーポ", "荘",
    "レジデンス", "寮", "病院", "医院", "クリニック", "高専", "高等専門学校", "専門学校", "短大",
    "短期大学", "学園",
)  # fmt: skip
# A named branch is a workplace: サンキュー黒崎店, ローソン黒崎店.
_BRANCH = ("店", "支店", "営業所", "工場", "事業所")
_ERAS = r"(?:明治|大正|昭和|平成|令和|[MTSHR]\.?)"
_NUM = r"[0-9０-９一二三四五六七八九十〇元]+"
_KANJI_NUM = "〇一二三四五六七八九十百"
# What may follow an age that makes it a band or a past event rather than the person's age now.
_AGE_NOT_NOW = (
    r"(?!\s*(?:代|以上|以下|未満|前後|の(?:とき|時|頃|ころ)|頃|ころ|から|まで|くらい|位|ぐらい|"
    r"程度|体操))"
)
# A named place where the person lives, works, studies or is cared for:
# デイサービス「ふれあいの森」.
# Public services named the same way (相談窓口「…」, センター「…」) are not on this list.
_NAMED_PLACE_BEFORE = (
    "グループホーム", "ケアホーム", "老人ホーム", "シェアハウス", "施設", "入所先", "ステイ先",
    "住まい", "デイサービス", "デイケア", "作業所", "事業所", "勤務先", "勤め先", "職場",
    "通所先", "小規模多機能", "サ高住", "保育園", "幼稚園", "学童", "学校", "塾", "病院",
    "クリニック", "店", "スナック", "居酒屋", "喫茶", "食堂", "寮",
)  # fmt: skip
_COMPANY = r"(?:株式会社|有限会社|合同会社|合資会社|\(株\)|\(有\)|\(同\))"
_COMPANY_NAME = r"[\u30a0-\u30ff\u4e00-\u9fffA-Za-z0-9&・ー]"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("url", re.compile(r"https?://[^\s　、。「」（）()]+")),
    # Without the scheme: www.facebook.com/taro.moji, instagram.com/mika, lin.ee/abc
    (
        "url",
        re.compile(
            r"(?<![\w@.])(?:www\.[\w-]+(?:\.[\w-]+)+|[\w-]+(?:\.[\w-]+)*\."
            r"(?:com|net|org|jp|me|io|ee|ly|tv|info|biz)/)[^\s　、。「」（）()]*",
            re.ASCII,
        ),
    ),
    ("email", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    (
        "sns",
        re.compile(
            r"(?:LINE|ライン|インスタ(?:グラム)?|Instagram|Twitter|ツイッター|TikTok|ティックトック|"
            r"Facebook|フェイスブック|X)(?:\s*の)?\s*(?:ID|id|URL|アカウント名?|ユーザー名)?"
            r"\s*(?:は|:|：|→|=)?\s*(?P<id>@?[A-Za-z0-9][A-Za-z0-9_.\-]{2,})"
        ),
    ),
    ("sns", re.compile(r"(?<![\w.@])@[A-Za-z0-9_][A-Za-z0-9_.]{1,29}")),
    (
        "phone",
        re.compile(
            r"(?<!\d)(?:\+81[-\s]?[(（]?0?\d{1,4}[)）]?|[(（]0\d{1,4}[)）]|0\d{1,4})"
            r"[-‐－ー−\s(（]?\d{1,4}[-‐－ー−)）\s]?\d{3,4}(?!\d)"
        ),
    ),
    ("postal_code", re.compile(r"〒\s*\d{3}-?\d{4}|〒|(?<!\d)\d{3}-\d{4}(?!\d)")),
    (
        "date",
        re.compile(
            rf"{_ERAS}{_NUM}[年.．/]\s*\d{{1,2}}[月.．/]\s*\d{{1,2}}日?|"
            r"\d{4}\s*[年/.．-]\s*\d{1,2}\s*[月/.．-]\s*\d{1,2}日?|"
            r"(?<![\d年])\d{1,2}月\d{1,2}日|"
            # 3/15 (a day), not 1/3 (a share): only where a day is followed by 曜日, に, から…
            r"(?<![\d/.])(?:1[0-2]|0?[1-9])/(?:[12]\d|3[01]|0?[1-9])"
            r"(?=\s*(?:[(][月火水木金土日]|に|から|まで|頃|ごろ|付|、|。|～|〜|\s|$))|"
            rf"(?:{_ERAS}{_NUM}|\d{{4}})年(?:\d{{1,2}}月)?生(?:まれ)?"
        ),
    ),
    (
        "address",
        re.compile(
            rf"(?:{_NUM})丁目(?:\d+(?:番地?|-)\d*(?:号|-\d+)?)?|{_NUM}番地(?:\d+号?)?|"
            r"(?<!\d)(?!(?:110|119|118|171|189|188|7119)番)\d+番\d*号?|\d+号(?:室|棟)|\d+-\d+-\d+|\d+号(?![線館機車数])"
        ),
    ),
    # 72歳, 83才 — but not 70代, 20歳のとき (an age at a past event), 65歳以上 (a band).
    ("age", re.compile(rf"(?<![\d０-９])\d{{1,3}}\s*[歳才]{_AGE_NOT_NOW}")),
    ("age", re.compile(rf"(?<![{_KANJI_NUM}何])[{_KANJI_NUM}]{{1,4}}[歳才]{_AGE_NOT_NOW}")),
    # 年齢：72, 享年79
    ("age", re.compile(r"(?:年齢|享年)\s*(?:は|:)?\s*\d{1,3}(?![\d代])")),
    # 本人（68）, 翔太（17）: a bare number in brackets right after a word.
    ("age", re.compile(r"(?<=[\u3040-\u30ff\u4e00-\u9fff])[（(]\d{1,3}[)）]")),
    # Where the person lives, named: グループホーム「さくらの家」, ショートステイ先の「ひまわり荘」.
    (
        "address",
        re.compile(
            "(?:" + "|".join(f"(?<={w})" for w in _NAMED_PLACE_BEFORE) + r")(?:の)?「[^」]{1,20}」"
        ),
    ),
    # 株式会社北九梱包, 山九運輸(株)
    (
        "organisation",
        re.compile(rf"{_COMPANY}\s*{_COMPANY_NAME}{{2,20}}|{_COMPANY_NAME}{{2,20}}{_COMPANY}"),
    ),
    # Numbers given with their label: 被保険者番号 0000123456, 記号番号「12-345678」
    (
        "number",
        re.compile(
            r"(?:番号|記号|ナンバー|No\.?|№)\s*(?:は|:)?\s*(?:普通|当座|第)?\s*[「『(]?\s*"
            r"(?P<id>\d[\d -]{3,}\d)(?!\d)"
        ),
    ),
    # Car plates: 北九州 580 あ 12-34
    (
        "number",
        re.compile(
            r"(?:[\u4e00-\u9fff]{1,4}\s*)?\d{2,3}\s*[\u3041-\u3093]\s*"
            r"(?:\d{1,2}\s*-\s*\d{2}|[・･.]{1,3}\s*\d{1,3})(?!\d)"
        ),
    ),
    # Romaji names with an honorific or a title: Kenji Matsuoka さん, Ms. Lopez
    (
        "name",
        re.compile(
            r"(?:Mr|Ms|Mrs|Miss|Dr)\.?\s*[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?|"
            r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}(?=\s*(?:さん|様|さま|氏|くん|君|ちゃん|先生))"
        ),
    ),
    # A nickname: 「ミカ」と呼ばれ…
    ("name", re.compile(r"「[\u3040-\u30ffー]{2,8}」(?=と呼|って呼|と名乗)")),
]
_ACRONYM = re.compile(r"[A-Z]{1,5}")
# Roles of people in support work. The dictionary splits some of them oddly (保 + 健師), so a
# name found inside one of these words is a role, not a name.
ROLE_WORDS = (
    "保健師", "看護師", "助産師", "医師", "薬剤師", "社会福祉士", "介護福祉士", "精神保健福祉士",
    "公認心理師", "臨床心理士", "心理士", "作業療法士", "理学療法士", "言語聴覚士", "栄養士",
    "保育士", "弁護士", "司法書士", "行政書士", "税理士", "保護司", "教師", "教諭", "教員",
    "相談員", "支援員", "指導員", "推進員", "民生委員", "児童委員", "主任児童委員", "協力員",
    "ケアマネ", "ケアマネジャー", "ケアマネージャー", "ヘルパー", "ワーカー", "ソーシャルワーカー",
    "コーディネーター", "スタッフ", "ボランティア", "職員", "利用者", "相談者", "当事者", "家族",
    "会長", "理事長", "代表", "所長", "園長", "院長", "校長", "教頭", "担任", "店長", "大家",
    "管理人", "主治医", "通訳", "先輩", "後輩", "友人", "知人", "近所",
)  # fmt: skip
# Family and other relations: a word after 「妻の」「長男・」 that the dictionary knows as a
# given name is the relative's name (妻の和子, 孫・翔太), even where the analyser read it as a
# common noun.
_RELATIONS = (
    "妻", "夫", "元妻", "元夫", "内縁の夫", "内縁の妻", "主人", "夫人", "奥さん", "旦那", "息子",
    "娘", "長男", "次男", "三男", "長女", "次女", "三女", "末っ子", "孫", "父", "母", "父親",
    "母親", "兄", "姉", "弟", "妹", "祖父", "祖母", "叔父", "叔母", "伯父", "伯母", "甥", "姪",
    "義父", "義母", "義兄", "義姉", "いとこ", "従兄", "従姉", "彼氏", "彼女", "交際相手",
    "同居人", "友人", "友達",
)  # fmt: skip
# Before ちゃん/くん these are relations or ordinary words, not names: お兄ちゃん, おばあちゃん,
# 赤ちゃん.
_NOT_NAMES_BEFORE_CHAN = (
    "兄", "姉", "弟", "妹", "母", "父", "婆", "爺", "赤", "坊", "嬢", "息子", "娘", "孫", "子",
    "甥", "姪", "叔母", "叔父", "伯母", "伯父", "先輩", "後輩", "新人", "彼", "ばあ", "じい",
    "ばば", "じじ", "かあ", "とう", "にい", "ねえ", "おばあ", "おじい", "おかあ", "おとう",
    "おにい", "おねえ", "おば", "おじ", "おっ", "あか", "ぼっ", "じょう", "おじょう", "ねー",
    "にー", "ばー", "じー", "ママ", "パパ", "みな", "ちび", "わん", "にゃん", "ワン", "ねこ",
    "ネコ", "猫", "いぬ", "イヌ", "犬", "わんこ", "にゃんこ", "うさ", "姉さ", "兄さ",
)  # fmt: skip
# A given name the analyser splits into other words before くん/ちゃん (ゆいと → ゆい + とく + ん,
# 翔くん → 翔く + ん): the whole word from the last boundary.
_NAME_CHAN = re.compile(
    r"(?:(?<=[の・、。\s「(])|^)"
    r"(?P<name>[\u4e00-\u9fff\u3005]{1,3}|[\u3041-\u3096\u30a1-\u30faー]{2,6})(?:くん|ちゃん)"
)


def _normalise(text: str) -> tuple[str, list[int]]:
    """NFKC per character, with the original index of every output character.

    Half-width voiced marks (ﾀﾞ) are normalised with the letter before them, so 「ﾀﾞ」 → 「ダ」.
    """
    out: list[str] = []
    where: list[int] = []
    i = 0
    while i < len(text):
        j = i + 1
        while j < len(text) and text[j] in "\uff9e\uff9f":
            j += 1
        piece = unicodedata.normalize("NFKC", text[i:j])
        out.append(piece)
        where.extend([i] * len(piece))
        i = j
    where.append(len(text))
    return "".join(out), where


def _is_role_noun(token: japanese.Token) -> bool:
    return token.pos[1] != "固有名詞"


def _is_name_token(token: japanese.Token) -> bool:
    if token.pos[:3] != ("名詞", "固有名詞", "人名"):
        return False
    return not _ACRONYM.fullmatch(token.surface)  # CSWさん is a role, not a name


def _allowed_place(surface: str, token: japanese.Token) -> bool:
    if token.pos[3] == "国" or surface in _REGIONS:
        return True
    if surface in _WARDS or surface in _FORMER_CITIES:
        return True
    if surface.endswith("区") and len(surface) <= 4:
        return True
    # 大阪, 下関: a city without its 市; not 松本 or 福岡, also surnames (「保健師の松本」).
    if japanese.is_city_or_prefecture(surface) and not japanese.is_known_name(surface):
        return True
    return surface.endswith(_PLACE_SUFFIX_ALLOWED)


def _after_relation(toks: list[japanese.Token], i: int) -> bool:
    """Whether token ``i`` follows 「妻の」, 「長男・」 or the like."""
    return (
        i >= 2
        and toks[i - 1].surface in ("の", "・")
        and toks[i - 1].begin == toks[i - 2].end
        and toks[i - 2].surface.endswith(_RELATIONS)
    )


def _chan_names(norm: str, toks: list[japanese.Token]) -> list[tuple[str, int, int]]:
    adverbs = {t.begin for t in toks if t.pos[0] == "副詞"}  # ちゃんと (properly) is no name
    spans = []
    for match in _NAME_CHAN.finditer(norm):
        name = match.group("name")
        relation = {name, name.removeprefix("お")} & set(_NOT_NAMES_BEFORE_CHAN)
        if relation or match.end("name") in adverbs:
            continue
        spans.append(("name", match.start(), match.end()))
    return spans


def _token_spans(norm: str) -> list[tuple[str, int, int]]:
    toks = japanese.tokens(norm)
    spans: list[tuple[str, int, int]] = _chan_names(norm, toks)
    i = 0
    while i < len(toks):
        token = toks[i]
        following = toks[i + 1] if i + 1 < len(toks) else None
        if (
            token.pos[0] == "名詞"
            and not _is_name_token(token)
            and len(token.surface) >= 2
            and _after_relation(toks, i)
            and japanese.is_known_name(token.surface)
        ):
            end = token.end
            if following is not None and following.surface in HONORIFICS:
                end = following.end
            spans.append(("name", token.begin, end))
            i += 1
            continue
        if (
            token.pos[:2] == ("名詞", "普通名詞")
            and following is not None
            and following.surface in ("くん", "ちゃん", "君")
            and following.pos[0] == "接尾辞"
            and following.begin == token.end
            and token.surface not in _NOT_NAMES_BEFORE_CHAN
            and not _ACRONYM.fullmatch(token.surface)
        ):
            spans.append(("name", token.begin, following.end))  # 翼くん, さくらちゃん
            i += 2
            continue
        if (
            token.pos[:3] == ("名詞", "固有名詞", "一般")
            and following is not None
            and following.surface in _BRANCH
            and following.pos[0] == "接尾辞"
            and following.begin == token.end
        ):
            spans.append(("place", token.begin, following.end))
            i += 2
            continue
        if _is_name_token(token):
            # A run of name parts (姓 + 名, グエン・ヴァン・アン) and the honorific after it.
            j = i
            while j + 1 < len(toks) and (
                _is_name_token(toks[j + 1])
                or (
                    toks[j + 1].surface in ("・", " ")
                    and j + 2 < len(toks)
                    and toks[j + 2].pos[0] == "名詞"
                    and toks[j + 2].begin == toks[j + 1].end
                )
                or (
                    toks[j + 1].pos[:2] == ("名詞", "普通名詞")
                    and toks[j].surface == "・"
                    and toks[j + 1].begin == toks[j].end
                )
            ):
                j += 1
            end = toks[j].end
            nxt = toks[j + 1] if j + 1 < len(toks) else None
            if nxt is not None and nxt.surface in HONORIFICS and nxt.begin == end:
                end = nxt.end
            elif nxt is not None and any(norm.startswith(f, end) for f in _FACILITY):
                # 引野中学校, 城野ハイツ: a surname-shaped place naming a school or building.
                named = next(f for f in _FACILITY if norm.startswith(f, end))
                spans.append(("place", token.begin, end + len(named)))
                i = j + 1
                continue
            elif j == i and token.surface in _FORMER_CITIES:
                i += 1
                continue
            spans.append(("name", token.begin, end))
            i = j + 1
            continue
        if token.pos[:3] == ("名詞", "固有名詞", "地名"):
            surface = token.surface
            start = token.begin
            ward = next((w for w in _WARDS if surface.startswith(w) and surface != w), None)
            if ward:  # 小倉北区大手町 → 大手町
                start += len(ward)
                surface = surface[len(ward) :]
            if following is not None and following.surface.startswith("駅"):
                i += 1
                continue
            end = token.end
            facility = next((f for f in _FACILITY if norm.startswith(f, end)), None)
            if facility:
                spans.append(("place", start, end + len(facility)))
            elif len(surface) > 1 and not _allowed_place(surface, token):
                # A one-character place name alone is mostly an ordinary word: 境, 森, 浜.
                spans.append(("place", start, end))
            i += 1
            continue
        # Anything else with an honorific that is not a role word: 〇〇荘, unknown names.
        if (
            following is not None
            and following.surface in HONORIFICS
            and following.begin == token.end
            and token.pos[0] == "名詞"
            and not _is_role_noun(token)
            and not _ACRONYM.fullmatch(token.surface)
        ):
            spans.append(("name", token.begin, following.end))
        elif (
            token.pos[0] == "名詞"
            and following is not None
            and following.begin == token.end
            and following.surface in ("荘", "ハイツ", "コーポ", "レジデンス")
            and re.fullmatch(r"[\u3040-\u30ff\u4e00-\u9fffー]+", token.surface)
        ):
            spans.append(("address", token.begin, following.end))
        i += 1
    return spans


def identifiers_find(text: str) -> list[Finding]:
    """Every span of ``text`` that could identify a person, in order, overlapping spans merged."""
    if not text:
        return []
    norm, where = _normalise(text)
    raw: list[tuple[str, int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(norm):
            if "id" in pattern.groupindex:
                raw.append((kind, match.start("id"), match.end("id")))
            else:
                raw.append((kind, match.start(), match.end()))
    roles = [
        (m.start(), m.end()) for word in ROLE_WORDS for m in re.finditer(re.escape(word), norm)
    ]
    for kind, start, end in _token_spans(norm):
        if kind == "name" and any(
            rs <= start < re_ and (end <= re_ or norm[re_:end] in HONORIFICS) for rs, re_ in roles
        ):
            continue  # 保健師さん, 相談員さん
        raw.append((kind, start, end))
    # Merge overlapping spans: the earliest (and, at the same start, the longest) names the kind.
    raw.sort(key=lambda s: (s[1], -(s[2] - s[1])))
    merged: list[tuple[str, int, int]] = []
    for kind, start, end in raw:
        if merged and start < merged[-1][2]:
            last_kind, last_start, last_end = merged[-1]
            merged[-1] = (last_kind, last_start, max(last_end, end))
            continue
        merged.append((kind, start, end))
    return [
        Finding(
            kind=kind,
            text=text[where[start] : where[end]],
            label=LABELS[kind],
            start=where[start],
            end=where[end],
        )
        for kind, start, end in merged
    ]
