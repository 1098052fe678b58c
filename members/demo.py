"""Demo data for the council: real organisations only where the seed names them, the rest samples.

Phone numbers and addresses come only from handbook/data/contacts_verified.csv rows marked VERIFIED
(門司区役所 and 八幡東区役所 are UNVERIFIED there, so their phone stays empty). Sample
organisations and people carry 「サンプル」 in their names and no real-looking number.
"""

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import (
    CouncilMeeting,
    FieldOfSupport,
    MembershipApplication,
    Organisation,
    Person,
    Ward,
)

TOKYO = ZoneInfo("Asia/Tokyo")
# The council was opened in 令和4年2月 (newspaper reports of 2022-02-22/23); the day is assumed.
FOUNDED = date(2022, 2, 21)

# (name, kana, legal_form, fields, wards, description, address, is_sample, stale)
NPOS = [
    (
        "認定NPO法人抱樸",
        "ホウボク",
        "認定NPO法人",
        ["poverty", "homeless", "children-youth", "family", "employment", "housing"],
        [],
        "1988年から北九州で活動し、2000年にNPO法人化。困窮・ホームレス状態・社会的孤立にある人、"
        "子ども・家族への伴走型支援と居住支援に取り組む。",
        "北九州市八幡東区荒生田2丁目1番32号（シティコーポ七条1階）",
        False,
        False,
    ),
    (
        "NPO法人老いを支える北九州家族の会",
        "オイヲササエルキタキュウシュウカゾクノカイ",
        "NPO法人",
        ["elderly-care", "family"],
        [],
        "介護をする家族どうしの支え合いの会。2022年12月13日のケーススタディで副理事長が老々介護の"
        "経験を紹介した。",
        "",
        False,
        False,
    ),
    (
        "（サンプル）北九州すまいサポートネット",
        "サンプルキタキュウシュウスマイサポートネット",
        "NPO法人",
        ["housing", "reentry", "poverty"],
        ["kokurakita", "yahatanishi"],
        "保証人のいない人や刑務所を出た人の住まい探しと入居後の見守り（サンプル）。",
        "",
        True,
        False,
    ),
    (
        "（サンプル）北九州こども食堂ネット",
        "サンプルキタキュウシュウコドモショクドウネット",
        "NPO法人",
        ["children-youth", "food", "family"],
        ["kokuraminami", "tobata"],
        "市内のこども食堂をつなぐネットワーク（サンプル）。",
        "",
        True,
        False,
    ),
    (
        "（サンプル）ひきこもり家族会きたきゅう",
        "サンプルヒキコモリカゾクカイキタキュウ",
        "NPO法人",
        ["hikikomori", "family", "mental-health"],
        [],
        "ひきこもりの本人と家族の集いと相談（サンプル）。",
        "",
        True,
        True,
    ),
    (
        "（サンプル）若者就労サポートきたきゅう",
        "サンプルワカモノシュウロウサポートキタキュウ",
        "NPO法人",
        ["children-youth", "employment", "hikikomori"],
        ["kokurakita"],
        "若者の就労準備と職場定着の支援（サンプル）。",
        "",
        True,
        False,
    ),
    (
        "（サンプル）女性とこどもの相談室ひだまり",
        "サンプルジョセイトコドモノソウダンシツヒダマリ",
        "NPO法人",
        ["women", "violence", "family"],
        [],
        "DV・性暴力の被害にあった女性と子どもの相談と同行支援（サンプル）。",
        "",
        True,
        False,
    ),
    (
        "（サンプル）こころの居場所ネット",
        "サンプルココロノイバショネット",
        "NPO法人",
        ["mental-health", "suicide-prevention"],
        ["yahatahigashi"],
        "こころの不調を抱える人の居場所づくり（サンプル）。",
        "",
        True,
        True,
    ),
    (
        "（サンプル）障がい者就労支援センターみらい",
        "サンプルショウガイシャシュウロウシエンセンターミライ",
        "社会福祉法人",
        ["disability", "employment"],
        ["wakamatsu"],
        "障がいのある人の就労支援（サンプル）。",
        "",
        True,
        False,
    ),
    (
        "（サンプル）北九州多文化共生サポート",
        "サンプルキタキュウシュウタブンカキョウセイサポート",
        "一般社団法人",
        ["foreigners"],
        [],
        "外国にルーツのある住民の生活相談と通訳同行（サンプル）。",
        "",
        True,
        False,
    ),
    (
        "（サンプル）フードバンク北九州ひまわり",
        "サンプルフードバンクキタキュウシュウヒマワリ",
        "NPO法人",
        ["food", "poverty"],
        [],
        "食品の寄付を集め、困窮する世帯に届ける（サンプル）。",
        "",
        True,
        False,
    ),
    (
        "（サンプル）更生支援ネットワーク門司",
        "サンプルコウセイシエンネットワークモジ",
        "NPO法人",
        ["reentry", "employment"],
        ["moji"],
        "刑務所や少年院を出た人の生活再建と就労の支援（サンプル）。",
        "",
        True,
        False,
    ),
    (
        "（サンプル）地域見守り隊こくら",
        "サンプルチイキミマモリタイコクラ",
        "NPO法人",
        ["elderly-care"],
        ["kokurakita", "kokuraminami"],
        "一人暮らし高齢者の見守りとサロン活動（サンプル）。",
        "",
        True,
        False,
    ),
    (
        "（サンプル）自死遺族の集いきたきゅう",
        "サンプルジシイゾクノツドイキタキュウ",
        "任意団体",
        ["suicide-prevention", "mental-health"],
        [],
        "大切な人を自死で亡くした人の分かち合いの会（サンプル）。",
        "",
        True,
        False,
    ),
    (
        "（サンプル）ユースシェルター北九州",
        "サンプルユースシェルターキタキュウシュウ",
        "NPO法人",
        ["children-youth", "housing", "violence"],
        [],
        "家に居場所のない10代・20代の一時的な居場所と住まいの支援（サンプル）。",
        "",
        True,
        False,
    ),
]

# People: organisation name → [(name, kana, role, ask_me_about, fields, listed_by_name, contact)].
# Real organisations get role-only entries (no names, no contact details were verified).
PEOPLE = {
    "認定NPO法人抱樸": [
        (
            "担当者（居住支援）",
            "",
            "居住支援担当",
            "住まいを失った人の入居支援・伴走型支援",
            ["housing", "homeless"],
            False,
            False,
        ),
        (
            "担当者（子ども・家族）",
            "",
            "子ども・家族支援担当",
            "子どもと家族の伴走型支援",
            ["children-youth", "family"],
            False,
            False,
        ),
    ],
    "NPO法人老いを支える北九州家族の会": [
        (
            "蒲地",
            "カマチ",
            "副理事長",
            "老々介護の経験、介護する家族どうしの支え合い",
            ["elderly-care", "family"],
            False,
            False,
        ),
        (
            "担当者（家族相談）",
            "",
            "家族相談担当",
            "介護する家族からの相談",
            ["elderly-care"],
            False,
            False,
        ),
    ],
    "（サンプル）北九州すまいサポートネット": [
        (
            "（サンプル）見本 太郎",
            "ミホン タロウ",
            "相談員",
            "刑務所を出た人の住まい探し、保証人がいない人の入居支援",
            ["housing", "reentry"],
            True,
            True,
        ),
        (
            "（サンプル）仮名 さくら",
            "カメイ サクラ",
            "居住支援コーディネーター",
            "住居確保給付金の申請同行、家主との調整",
            ["housing", "poverty"],
            True,
            False,
        ),
        (
            "（サンプル）例野 まこと",
            "レイノ マコト",
            "事務局長",
            "団体の連携窓口",
            ["housing"],
            False,
            False,
        ),
    ],
    "（サンプル）北九州こども食堂ネット": [
        (
            "（サンプル）見本 はなこ",
            "ミホン ハナコ",
            "代表",
            "こども食堂の立ち上げ、食材の融通",
            ["children-youth", "food"],
            True,
            True,
        ),
        (
            "（サンプル）例田 ゆう",
            "レイダ ユウ",
            "ボランティアコーディネーター",
            "ボランティアの受け入れ",
            ["children-youth"],
            False,
            False,
        ),
    ],
    "（サンプル）ひきこもり家族会きたきゅう": [
        (
            "（サンプル）仮名 ひろし",
            "カメイ ヒロシ",
            "世話人",
            "家族会の運営、本人への訪問の進め方",
            ["hikikomori", "family"],
            True,
            True,
        ),
        (
            "（サンプル）見本 あき",
            "ミホン アキ",
            "相談員",
            "ひきこもり本人の居場所",
            ["hikikomori"],
            True,
            False,
        ),
    ],
    "（サンプル）若者就労サポートきたきゅう": [
        (
            "（サンプル）例野 けん",
            "レイノ ケン",
            "キャリアカウンセラー",
            "若者の就労準備、職場定着",
            ["employment", "children-youth"],
            True,
            True,
        ),
        (
            "（サンプル）見本 みどり",
            "ミホン ミドリ",
            "職場開拓担当",
            "協力企業の開拓",
            ["employment"],
            False,
            False,
        ),
    ],
    "（サンプル）女性とこどもの相談室ひだまり": [
        (
            "（サンプル）仮名 ゆき",
            "カメイ ユキ",
            "相談員",
            "DV被害の相談と同行支援、一時避難先",
            ["women", "violence"],
            True,
            True,
        ),
        (
            "（サンプル）例田 なつ",
            "レイダ ナツ",
            "子ども支援員",
            "同伴児の支援",
            ["violence", "family"],
            False,
            False,
        ),
    ],
    "（サンプル）こころの居場所ネット": [
        (
            "（サンプル）見本 じろう",
            "ミホン ジロウ",
            "精神保健福祉士",
            "精神科受診への同行、居場所",
            ["mental-health"],
            True,
            True,
        ),
        (
            "（サンプル）仮名 れい",
            "カメイ レイ",
            "ピアサポーター",
            "当事者としての経験",
            ["mental-health", "suicide-prevention"],
            True,
            False,
        ),
    ],
    "（サンプル）障がい者就労支援センターみらい": [
        (
            "（サンプル）例野 さとし",
            "レイノ サトシ",
            "サービス管理責任者",
            "障がいのある人の就労継続支援",
            ["disability", "employment"],
            True,
            True,
        ),
        (
            "（サンプル）見本 かな",
            "ミホン カナ",
            "生活支援員",
            "障害福祉サービスの申請",
            ["disability"],
            False,
            False,
        ),
    ],
    "（サンプル）北九州多文化共生サポート": [
        (
            "（サンプル）仮名 リン",
            "カメイ リン",
            "通訳コーディネーター",
            "やさしい日本語、ベトナム語・中国語の通訳",
            ["foreigners"],
            True,
            True,
        ),
        (
            "（サンプル）例田 ジョン",
            "レイダ ジョン",
            "生活相談員",
            "在留資格と生活の相談",
            ["foreigners"],
            True,
            False,
        ),
    ],
    "（サンプル）フードバンク北九州ひまわり": [
        (
            "（サンプル）見本 まさる",
            "ミホン マサル",
            "理事",
            "食品の緊急支援",
            ["food", "poverty"],
            True,
            True,
        ),
        ("（サンプル）仮名 ちえ", "カメイ チエ", "配送担当", "食品の配送", ["food"], False, False),
    ],
    "（サンプル）更生支援ネットワーク門司": [
        (
            "（サンプル）例野 つよし",
            "レイノ ツヨシ",
            "更生支援コーディネーター",
            "出所後の生活再建、住まいと仕事探し、保護観察所との連携",
            ["reentry", "employment", "housing"],
            True,
            True,
        ),
        (
            "（サンプル）見本 しずか",
            "ミホン シズカ",
            "相談員",
            "出所者の家族の相談",
            ["reentry", "family"],
            False,
            False,
        ),
        (
            "（サンプル）仮名 たける",
            "カメイ タケル",
            "就労支援員",
            "協力雇用主の紹介",
            ["reentry", "employment"],
            True,
            False,
        ),
    ],
    "（サンプル）地域見守り隊こくら": [
        (
            "（サンプル）例田 はる",
            "レイダ ハル",
            "代表",
            "高齢者の見守り、サロン",
            ["elderly-care"],
            True,
            True,
        ),
        (
            "（サンプル）見本 ふみ",
            "ミホン フミ",
            "民生委員",
            "地域の見守り体制",
            ["elderly-care"],
            False,
            False,
        ),
    ],
    "（サンプル）自死遺族の集いきたきゅう": [
        (
            "（サンプル）仮名 みち",
            "カメイ ミチ",
            "世話人",
            "自死遺族の分かち合い",
            ["suicide-prevention"],
            True,
            True,
        ),
        (
            "（サンプル）例野 あい",
            "レイノ アイ",
            "相談員",
            "遺族の手続きの相談",
            ["suicide-prevention", "mental-health"],
            False,
            False,
        ),
    ],
    "（サンプル）ユースシェルター北九州": [
        (
            "（サンプル）見本 そら",
            "ミホン ソラ",
            "ユースワーカー",
            "10代の居場所、一時的な宿泊先",
            ["children-youth", "housing"],
            True,
            True,
        ),
        (
            "（サンプル）仮名 りく",
            "カメイ リク",
            "相談員",
            "若者の住まい探し",
            ["housing", "violence"],
            True,
            False,
        ),
        (
            "（サンプル）例田 うみ",
            "レイダ ウミ",
            "事務局",
            "寄付・ボランティアの窓口",
            ["children-youth"],
            False,
            False,
        ),
    ],
}

# The 7 ward offices (いのちをつなぐネットワーク): (name, ward code, phone, address), from
# contacts_verified.csv. Phone only where the row is VERIFIED.
WARD_OFFICES = [
    ("門司区役所", "moji", "", "門司区清滝一丁目1番1号"),  # UNVERIFIED
    ("小倉北区役所", "kokurakita", "093-582-3311", "小倉北区大手町1番1号"),
    ("小倉南区役所", "kokuraminami", "093-951-4111", "小倉南区若園五丁目1番2号"),
    ("若松区役所", "wakamatsu", "093-761-5321", "若松区浜町一丁目1番1号"),
    ("八幡東区役所", "yahatahigashi", "", "八幡東区中央一丁目1番1号"),  # UNVERIFIED
    ("八幡西区役所", "yahatanishi", "093-642-1441", "八幡西区黒崎三丁目15番3号（コムシティ内）"),
    ("戸畑区役所", "tobata", "093-871-1501", ""),  # address not verified
]

# Divisions of the 庁内関係課長連携会議 (8局12課). The seed names only the secretariat's division.
CITY_DIVISIONS = [
    (
        "北九州市 保健福祉局 地域福祉推進課",
        "キタキュウシュウシ ホケンフクシキョク チイキフクシスイシンカ",
        "093-582-2060",
        "孤独・孤立対策担当（連携協議会の事務局）。いのちをつなぐネットワークも担当。",
        False,
    ),
    (
        "（サンプル）北九州市 子ども家庭局 関係課",
        "サンプル コドモカテイキョク",
        "",
        "庁内関係課長連携会議の構成課の例（サンプル）。",
        True,
    ),
    (
        "（サンプル）北九州市 教育委員会 関係課",
        "サンプル キョウイクイインカイ",
        "",
        "庁内関係課長連携会議の構成課の例（サンプル）。",
        True,
    ),
]

MEETINGS = [
    # (held_on, kind, title, agenda, minutes, is_sample)
    (
        FOUNDED,
        CouncilMeeting.Kind.COUNCIL,
        "第1回 北九州市孤独・孤立対策等連携協議会（設立）",
        "1. 設立の趣旨（縦割りの解消、支援をつなぐ仕組み、顔の見える関係）\n2. 参加団体の自己紹介\n3. 今後の進め方",  # noqa: E501
        "会長・座長は置かず、参加団体が横並びで進めることを確認した（サンプルの記録）。",
        True,
    ),
    (
        date(2022, 7, 26),
        CouncilMeeting.Kind.COUNCIL,
        "第2回 北九州市孤独・孤立対策等連携協議会",
        "1. 各団体の活動紹介\n2. 取り組みたいことの意見交換（ケーススタディの希望）\n3. 研修会の案内",  # noqa: E501
        "実際のケースを通じて連携できる関係をつくるため、ケーススタディを行う意見が出た（サンプルの記録）。",
        True,
    ),
    (
        date(2022, 12, 13),
        CouncilMeeting.Kind.CASE_STUDY,
        "第3回 協議会 ケーススタディ（老々介護の経験から）",
        "NPO法人老いを支える北九州家族の会 副理事長による、自身の老々介護の経験の紹介と意見交換",
        "協議会に所属する各団体の支援関係者31名が参加。参加者アンケートでは「老いを支える北九州家族の会の"
        "活動がわかった」「立ち会う機会のない貴重な体験を聞いた」との感想があり、「支援者側の話を聞いて"
        "みたい」「話を聞いたうえでグループワークをしたい」との意見が出た。",
        False,
    ),
]

APPLICATIONS = [
    dict(
        organisation_name="（サンプル）NPO法人きたきゅう居場所カフェ",
        organisation_kana="サンプルキタキュウイバショカフェ",
        legal_form="NPO法人",
        kind=Organisation.Kind.NPO,
        description="誰でも立ち寄れるカフェ型の居場所を運営（サンプル）。",
        motivation="来店する人の困りごとを、分野の違う団体につなげられるようになりたい。",
        contact_name="（サンプル）申請 一郎",
        contact_kana="シンセイ イチロウ",
        contact_role="代表",
        contact_email="ibasho-cafe@example.jp",
        contact_listed_by_name=True,
        status=MembershipApplication.Status.SUBMITTED,
        fields=["children-youth", "hikikomori"],
    ),
    dict(
        organisation_name="（サンプル）一般社団法人ひとり親サポート北九州",
        organisation_kana="サンプルヒトリオヤサポートキタキュウシュウ",
        legal_form="一般社団法人",
        kind=Organisation.Kind.OTHER,
        description="ひとり親家庭の生活と就労の相談（サンプル）。",
        motivation="住まいや就労の支援団体と顔の見える関係をつくりたい。",
        contact_name="（サンプル）申請 花",
        contact_kana="シンセイ ハナ",
        contact_role="事務局長",
        contact_email="hitorioya@example.jp",
        contact_listed_by_name=False,
        status=MembershipApplication.Status.UNDER_REVIEW,
        fields=["family", "employment"],
    ),
]

DEMO_MEMBER_PERSON = "（サンプル）見本 太郎"


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=TOKYO)


def seed_demo() -> str:
    fields = {f.slug: f for f in FieldOfSupport.objects.all()}
    wards = {w.code: w for w in Ward.objects.all()}
    now = timezone.now()
    orgs: dict[str, Organisation] = {}
    people_count = 0
    sample_no = 0

    for name, kana, legal, fslugs, wcodes, desc, address, sample, stale in NPOS:
        org, _ = Organisation.objects.update_or_create(
            name=name,
            defaults=dict(
                kana=kana, legal_form=legal, kind=Organisation.Kind.NPO,
                status=Organisation.Status.MEMBER, joined_on=FOUNDED, applied_on=FOUNDED,
                description=desc, address=address, is_sample=sample,
            ),
            # Some sample listings start stale so the freshness reminder has work to show.
            create_defaults=dict(
                kana=kana, legal_form=legal, kind=Organisation.Kind.NPO,
                status=Organisation.Status.MEMBER, joined_on=FOUNDED, applied_on=FOUNDED,
                description=desc, address=address, is_sample=sample,
                last_confirmed_at=now - timedelta(days=240 if stale else 30),
            ),
        )  # fmt: skip
        org.fields.set([fields[s] for s in fslugs])
        org.wards.set([wards[c] for c in wcodes] or wards.values())
        orgs[name] = org
        for pname, pkana, role, ask, pfields, listed, contact in PEOPLE[name]:
            extra: dict[str, str] = {}
            if sample:
                sample_no += 1
                extra = {"email": f"sample{sample_no:02d}@example.jp"}
                if listed:
                    extra["phone"] = f"000-0000-{sample_no:04d}"
            person, _ = Person.objects.update_or_create(
                organisation=org,
                name=pname,
                defaults=dict(
                    kana=pkana, role=role, ask_me_about=ask, listed_by_name=listed,
                    is_contact=contact, **extra,
                ),
            )  # fmt: skip
            person.fields.set([fields[s] for s in pfields])
            people_count += 1

    for name, code, phone, address in WARD_OFFICES:
        org, _ = Organisation.objects.update_or_create(
            name=name,
            defaults=dict(
                kana="", kind=Organisation.Kind.CITY, status=Organisation.Status.MEMBER,
                joined_on=FOUNDED, phone=phone, address=("北九州市" + address) if address else "",
                description="いのちをつなぐネットワークの区の窓口（保健福祉課）。"
                "生活・仕事・家計・住まいの困りごとの相談（いのちをつなぐネットワークコーナー）。",
                is_sample=False,
            ),
        )  # fmt: skip
        org.wards.set([wards[code]])
        org.fields.set([fields["poverty"], fields["elderly-care"], fields["housing"]])
        orgs[name] = org

    for name, kana, phone, desc, sample in CITY_DIVISIONS:
        org, _ = Organisation.objects.update_or_create(
            name=name,
            defaults=dict(
                kana=kana, kind=Organisation.Kind.CITY, status=Organisation.Status.MEMBER,
                joined_on=FOUNDED, phone=phone, description=desc, is_sample=sample,
            ),
        )  # fmt: skip
        org.wards.set(wards.values())
        orgs[name] = org
    secretariat_division = orgs[CITY_DIVISIONS[0][0]]
    Person.objects.update_or_create(
        organisation=secretariat_division,
        name="担当者（孤独・孤立対策担当）",
        defaults=dict(
            role="孤独・孤立対策担当", ask_me_about="協議会の運営、研修会、市の関係課へのつなぎ",
            listed_by_name=False, is_contact=False,
        ),
    )  # fmt: skip
    people_count += 1

    member_user = get_user_model().objects.filter(username="member").first()
    if member_user is not None:
        Person.objects.filter(user=member_user).exclude(name=DEMO_MEMBER_PERSON).update(user=None)
        Person.objects.filter(name=DEMO_MEMBER_PERSON).update(user=member_user)

    npo_orgs = [orgs[n[0]] for n in NPOS]
    for held_on, kind, title, agenda, minutes, sample in MEETINGS:
        meeting, _ = CouncilMeeting.objects.update_or_create(
            held_on=held_on,
            title=title,
            defaults=dict(
                kind=kind, agenda=agenda, minutes=minutes, is_sample=sample,
                place="北九州市役所（サンプル）" if sample else "",
            ),
        )  # fmt: skip
        meeting.organisations.set([*npo_orgs, secretariat_division])
        meeting.people.set(
            Person.objects.filter(organisation__in=npo_orgs, is_contact=True)
            | Person.objects.filter(name="蒲地")
        )

    for original in APPLICATIONS:
        spec: dict[str, Any] = dict(original)
        app_fields: list[str] = spec.pop("fields")
        application, _ = MembershipApplication.objects.update_or_create(
            organisation_name=spec.pop("organisation_name"),
            defaults=dict(spec, is_sample=True),
            create_defaults=dict(spec, is_sample=True, submitted_at=now - timedelta(days=10)),
        )
        application.fields.set([fields[s] for s in app_fields])

    _seed_everyday(now)

    return (
        f"{len(NPOS)} member NPOs, {len(WARD_OFFICES) + len(CITY_DIVISIONS)} city departments, "
        f"{people_count} people, {len(MEETINGS)} meetings, {len(APPLICATIONS)} pending applications"
    )


def _seed_everyday(now: datetime) -> None:
    """Demo news, a poll and the demo member on the steering committee (all marked サンプル)."""
    from .models import NewsPost, Poll, PollChoice

    NewsPost.objects.update_or_create(
        title="（サンプル）令和8年度 孤独・孤立対策に関する市の取組について",
        defaults=dict(
            body=(
                "デモ用のお知らせです。実際の行政情報ではありません。\n"
                "市の新しい取組や、国の動きを会員の皆さまにお知らせする場所です。"
            ),
            published_at=now - timedelta(days=2),
            digest_sent_at=now - timedelta(days=2),
        ),
    )
    poll, _created = Poll.objects.update_or_create(
        question="（サンプル）次回の研修会で取り上げてほしいテーマは？",
        defaults=dict(
            description="デモ用の意見聴取です。",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=30),
        ),
    )
    for order, text in enumerate(["住まいの確保", "就労支援との連携", "ひきこもりの方への訪問"]):
        PollChoice.objects.update_or_create(poll=poll, text=text, defaults={"order": order})
    Person.objects.filter(name=DEMO_MEMBER_PERSON).update(on_steering_committee=True)
